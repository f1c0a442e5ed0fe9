"""Cleaning and sentence splitting on realistic news layouts (written for these tests, no real articles).

Each layout is one a news site prints: a wire story opening with a dateline, a story flattened onto
one line with its run-in subheadings, photo captions with their credits and a gallery, related-story
teasers, a newsletter box and an author's contact line, a live blog with timestamps. What is checked
is what the reader would otherwise quote: no dateline, credit, timestamp or heading glued to an
article sentence, no boilerplate line left, and every article sentence kept word for word.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rag.clean import CLEANING_VERSION, clean, strip_dateline
from rag.documents import Skipped, load_all
from rag.sentences import is_prose, split_sentences


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


def _prose(text: str) -> list[str]:
    return [s.text for s in split_sentences(text) if is_prose(s.text)]


WIRE = """Harbour strike ends after nine days

By Ann Lee and Tom Park, The Coastal Ledger

TALLIN BAY, March 3 (Wirenews) - Dock workers in Tallin Bay returned to work after a nine-day strike.

The union said members had accepted a 6% raise over two years.

Port traffic is expected to return to normal by Monday, the harbour authority said.

Contributing: Wire reports
"""


def test_wire_dateline_is_cut_from_the_first_sentence_and_bylines_go() -> None:
    text = clean(WIRE).text
    lines = _lines(text)
    assert "Dock workers in Tallin Bay returned to work after a nine-day strike." in lines
    assert "TALLIN BAY, March 3 (Wirenews) -" in lines  # a dated dateline stays, on a line of its own
    assert "By Ann Lee" not in text and "Contributing:" not in text
    assert _prose(text)[0] == "Dock workers in Tallin Bay returned to work after a nine-day strike."


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By Ann Lee", True),
        ("By Stina Vahl, science correspondent", True),
        ("By Jakob Ek | culture editor", True),
        ("By LNA staff", True),
        ("By Tuesday, it was over.", False),
        ("By the end of the week the strike had spread to every port.", False),
        ("By Friday, officials said, the last of the 1,200 evacuees had returned to their homes", False),
    ],
)
def test_bylines_with_a_role_or_a_desk_go_and_sentences_stay(line: str, byline: bool) -> None:
    text = clean(f"Title\n\n{line}\n\nThe port reopened on Monday after a nine-day strike.\n").text
    assert (line not in text) == byline


def test_a_photo_label_goes_with_its_credit() -> None:
    text = clean("Title\n\nThe wing opened on Monday with a ceremony. Photo: LNA/Tove Brask\n").text
    assert _lines(text)[1] == "The wing opened on Monday with a ceremony."


def test_a_dateline_with_a_year_gives_the_publication_date() -> None:
    cleaned = clean("Title\n\nDUNMORE, May 29, 2021 - The city opened its new bridge on Saturday.\n")
    assert cleaned.published == date(2021, 5, 29)
    assert _lines(cleaned.text)[1:] == [
        "DUNMORE, May 29, 2021 -",
        "The city opened its new bridge on Saturday.",
    ]
    undated = clean("Title\n\nMIAMI (AP) — The city opened its new bridge on Saturday.\n")
    assert undated.published is None and "(AP)" not in undated.text


@pytest.mark.parametrize(
    ("line", "rest"),
    [
        ("PORTVALE, Ore. (AP) — The city council voted 5-2 to close the old bridge.", "The city council"),
        ("NEW HAVEN, Jan. 5 — Stocks of regional banks fell sharply on Friday.", "Stocks of regional"),
        ("MERIDIAN — The state senate passed the budget late on Tuesday night.", "The state senate"),
        ("Kessel, Norland CNN —", ""),
        ("Riverton, DC WNN Business —", ""),
    ],
)
def test_dateline_shapes(line: str, rest: str) -> None:
    cut = strip_dateline(line)
    assert cut is not None and cut.startswith(rest)
    assert rest == "" or line.endswith(cut)


@pytest.mark.parametrize(
    "line",
    [
        "Mayor Ruth Vale — the first woman in the post — said the vote was close.",
        "US - Norland talks resume",  # a headline, not a dateline before a sentence
        "The Coastal Ledger — The paper said it would appeal.",
        "Rain on Monday - a long spell of it - flooded the square.",
    ],
)
def test_lines_that_only_look_like_datelines_are_kept(line: str) -> None:
    assert strip_dateline(line) is None
    assert line in clean(f"Title\n\n{line}\n\nA second paragraph follows here.").text


def test_wire_roundup_cuts_each_stories_dateline() -> None:
    raw = (
        "Sports roundup\n\nKESSEL (AP) — Mara Holt scored twice as Kessel beat Lund 3-1 on Sunday.\n\n"
        "The win lifts Kessel to third.\n\n"
        "LUND CITY (AP) — Lund City fired its coach after the defeat, the club said.\n"
    )
    text = clean(raw).text
    assert "(AP)" not in text
    assert "Lund City fired its coach after the defeat, the club said." in text


FLATTENED = (
    "The council met for three hours on Monday. Let us look at what it decided. Flood barriers and pumps "
    "for harbour Mayor Ruth Vale announced new flood barriers and pumps for the harbour district, "
    "built by 2027. Schools and libraries Councillors also agreed to keep every school and library open "
    "next year."
)


def test_run_in_subheadings_in_a_flattened_story_become_their_own_spans() -> None:
    spans = [s.text for s in split_sentences(FLATTENED)]
    assert "Flood barriers and pumps for harbour" in spans
    mayor = "Mayor Ruth Vale announced new flood barriers and pumps for the harbour district, built by 2027."
    assert mayor in spans
    assert not any(s.startswith("Flood barriers") for s in _prose(FLATTENED))


CAPTIONS = """Floods close the coast road

The coast road between Lund and Kessel was closed on Tuesday after two days of rain.

Water covers the coast road near Lund on Tuesday, November 4, 2025. Jana Roe/AFP/Getty Images

Rescue crews reached the last stranded drivers by nightfall, the fire service said.

A car is stuck near Kessel on Tuesday. Tom Park/AP A boy wades across a flooded street in Lund. \
Ida Berg/Reuters Crews pile sandbags outside the town hall. Mark Oren/Getty Images

Ole Lind/picture alliance/dpa

Shutterstock

The road is expected to reopen on Friday.
"""


def test_photo_captions_lose_their_credits_and_keep_to_their_own_lines() -> None:
    text = clean(CAPTIONS).text
    for credit in ("Jana Roe", "Getty Images", "Ida Berg", "Reuters", "Ole Lind", "Shutterstock"):
        assert credit not in text, credit
    lines = _lines(text)
    assert "Water covers the coast road near Lund on Tuesday, November 4, 2025." in lines
    assert "A boy wades across a flooded street in Lund." in lines  # a gallery: one caption per line
    assert "Crews pile sandbags outside the town hall." in lines
    for sentence in (
        "The coast road between Lund and Kessel was closed on Tuesday after two days of rain.",
        "Rescue crews reached the last stranded drivers by nightfall, the fire service said.",
        "The road is expected to reopen on Friday.",
    ):
        assert sentence in lines


TEASERS = """Bank raises rates again

The central bank raised its main rate by a quarter point on Thursday. Read more

More: What a higher rate means for your mortgage

Read more about the decision here.

Economists had expected the move after inflation rose for a third month.
"""


def test_related_story_teasers_and_read_more_links_go() -> None:
    text = clean(TEASERS).text
    assert "Read more" not in text and "More:" not in text
    assert "The central bank raised its main rate by a quarter point on Thursday." in _lines(text)
    assert "Economists had expected the move after inflation rose for a third month." in text


NEWSLETTER = """Comet visible this weekend

A bright comet will be visible low in the western sky after sunset on Saturday.

Sign up for our Night Sky newsletter. Get the month's best sights in your inbox.

Astronomers say binoculars will help in towns with street lights. Support local journalism: Subscribe today.

Ida Berg covers science for the Ledger. She can be reached at iberg@ledger.example or on social media.

Follow Ida Berg on X: @idaberg.
"""


def test_newsletter_box_subscribe_prompt_and_contact_lines_go() -> None:
    text = clean(NEWSLETTER).text
    assert "newsletter" not in text.lower() and "Subscribe" not in text
    assert "@" not in text and "can be reached" not in text
    assert "Astronomers say binoculars will help in towns with street lights." in _lines(text)
    assert "A bright comet will be visible low in the western sky after sunset on Saturday." in text


@pytest.mark.parametrize(
    "line",
    [
        "“Best night of my life,” wrote one user, @skywatcher, under the video.",
        "The summit can be reached at 4,000 metres by cable car from the valley.",
        "Follow the river path north for two kilometres to reach the old mill.",
    ],
)
def test_article_sentences_that_look_like_contact_lines_are_kept(line: str) -> None:
    assert line in clean(f"Title\n\n{line}\n\nThe video was shared 20,000 times.").text


LIVE_BLOG = """Election night: live updates

Updated 11:54 p.m. ET

11:40 p.m.

Rivera concedes the governor's race in a short speech to supporters.

10:25 p.m.: Turnout in the capital reached 61%, the election office said.

9:50 p.m. | Polls close in the western counties

9:30 p.m. Lund County reports its first results
"""


def test_live_blog_timestamps_are_cut_from_their_entries() -> None:
    lines = _lines(clean(LIVE_BLOG).text)
    assert lines == [
        "Election night: live updates",
        "Rivera concedes the governor's race in a short speech to supporters.",
        "Turnout in the capital reached 61%, the election office said.",
        "Polls close in the western counties",
        "Lund County reports its first results",
    ]


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_line_repeated_across_documents_is_kept_in_the_first_only(tmp_path: Path) -> None:
    promo = "Follow every match: live scores and fixtures for the whole league"
    pair = "Both stories print this paragraph, and only these two do."
    files = [
        _write(tmp_path, f"d{n}.txt", f"Story {n}\n\n{promo}\n\nStory {n} has its own sentence here.\n")
        for n in range(3)
    ]
    files += [
        _write(tmp_path, f"e{n}.txt", f"Other {n}\n\n{pair}\n\nA sentence of its own.\n") for n in range(2)
    ]
    docs = {d.doc_id: d.text for d in load_all(files) if not isinstance(d, Skipped)}
    assert promo in docs["d0"]
    assert promo not in docs["d1"] and promo not in docs["d2"]
    assert "Story 2 has its own sentence here." in docs["d2"]
    assert pair in docs["e0"] and pair in docs["e1"]  # two documents are not "many"


def test_cleaning_changes_re_chunk_old_indexes() -> None:
    from rag.config import Settings
    from rag.ingest import chunking_signature

    assert chunking_signature(Settings()).endswith(CLEANING_VERSION)


def test_load_all_reads_each_file_once_and_rereads_past_its_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repeated-lines pre-pass keeps what it read for the main pass (up to READ_CACHE_CHARS);
    past that bound files are read again, with the same documents either way."""
    import rag.documents as documents

    promo = "Follow every match: live scores and fixtures for the whole league"
    files = [
        _write(tmp_path, f"d{n}.txt", f"Story {n}\n\n{promo}\n\nStory {n} has its own sentence here.\n")
        for n in range(4)
    ]
    files.append(_write(tmp_path, "empty.txt", "   \n"))
    calls: list[str] = []
    real = documents._read

    def counting(path: Path) -> tuple[str, str, str | None, object]:
        calls.append(path.name)
        return real(path)

    monkeypatch.setattr(documents, "_read", counting)
    once = [getattr(d, "text", None) or getattr(d, "reason", None) for d in load_all(files)]
    # each readable file once; the unreadable one twice (the main pass reports why it is skipped)
    assert sorted(calls) == sorted([f"d{n}.txt" for n in range(4)] + ["empty.txt"] * 2)
    calls.clear()
    monkeypatch.setattr(documents, "READ_CACHE_CHARS", 0)
    again = [getattr(d, "text", None) or getattr(d, "reason", None) for d in load_all(files)]
    assert len(calls) == 10 and again == once and "empty file" in once
