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


def test_live_blog_entries_keep_their_time_of_day() -> None:
    """A live blog's entry stamp is a fact (when it happened): it stays in front of its entry as
    "TIME: ", whatever separator the page used, and each entry stays a line of its own, never glued
    to the entry before it (here a heading with no full stop). The page's "Updated" stamp goes."""
    lines = _lines(clean(LIVE_BLOG).text)
    assert lines == [
        "Election night: live updates",
        "11:40 p.m.: Rivera concedes the governor's race in a short speech to supporters.",
        "10:25 p.m.: Turnout in the capital reached 61%, the election office said.",
        "9:50 p.m.: Polls close in the western counties",
        "9:30 p.m.: Lund County reports its first results",
    ]
    sentences = [s.text for s in split_sentences(clean(LIVE_BLOG).text)]
    assert "11:40 p.m.: Rivera concedes the governor's race in a short speech to supporters." in sentences


FLOOD_LIVE = """Live: River Tava bursts its banks in Marrow

Updates from the Marrow Courier newsroom, Sunday, March 9, 2025. All times local.

By Courier staff

02:10 - The river agency has issued a flood warning for the old town

03:40 - The agency says the river has peaked at 4.2 metres at the town bridge.

04:05 – Police have closed the bridge. Drivers should use the ring road.
"""


def test_dash_stamped_live_blog_keeps_each_time_and_reads_its_date() -> None:
    cleaned = clean(FLOOD_LIVE)
    lines = _lines(cleaned.text)
    assert "02:10: The river agency has issued a flood warning for the old town" in lines
    assert "03:40: The agency says the river has peaked at 4.2 metres at the town bridge." in lines
    assert "04:05: Police have closed the bridge. Drivers should use the ring road." in lines
    assert "By Courier staff" not in cleaned.text
    # the header between headline and byline names the day the updates were published
    assert cleaned.published == date(2025, 3, 9)
    assert "Sunday, March 9, 2025" in cleaned.text  # the date stays a fact of the text too


def test_one_time_alone_above_a_caption_is_the_pages_stamp_not_an_entry() -> None:
    page = "Ferry service resumes\n\n9:30pm\nPassengers board the first ferry.\n\nThe ferry runs again.\n"
    assert "9:30" not in clean(page).text


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


@pytest.mark.parametrize(
    ("byline", "published"),
    [
        ("*By Ann Lee · Halvik, May 4, 2025*", date(2025, 5, 4)),
        ("*By Ida Berg, columnist · September 4, 2025*", date(2025, 9, 4)),
        ("By Jakob Ek | 12 June 2024, 10:42 a.m.", date(2024, 6, 12)),
        ("By Stina Vahl, science correspondent, Tuesday, January 14, 2025", date(2025, 1, 14)),
    ],
)
def test_a_byline_ending_with_a_date_goes_and_dates_the_article(
    tmp_path: Path, byline: str, published: date
) -> None:
    path = _write(
        tmp_path,
        "column.md",
        f"# The tram should run all night\n\n{byline}\n\n"
        "The city's night buses carried 4,000 people a week last year, the transport office says.\n",
    )
    doc = next(iter(load_all([path])))
    assert not isinstance(doc, Skipped)
    assert doc.published == published
    assert "By " not in doc.text and "·" not in doc.text
    assert doc.text.endswith("the transport office says.")


def test_a_byline_date_never_comes_from_an_article_sentence() -> None:
    text = "Budget vote\n\nBy Tuesday, May 6, 2025, the council must agree a budget.\n\nIt has not."
    cleaned = clean(text)
    assert cleaned.published is None
    assert "By Tuesday, May 6, 2025, the council must agree a budget." in cleaned.text


def test_a_date_line_with_its_weekday_dates_the_article() -> None:
    cleaned = clean(
        "Storm closes ports\n\nWednesday, 5 March 2025\n\nAll ferries were cancelled on Wednesday."
    )
    assert cleaned.published == date(2025, 3, 5)
    assert "2025" not in cleaned.text


def test_a_live_page_opening_with_its_date_as_a_sentence_is_dated() -> None:
    cleaned = clean(
        "Heat live\n\nAugust 12, 2025. Live coverage from our newsroom.\n\n10:05 - It is 31 degrees.\n"
    )
    assert cleaned.published == date(2025, 8, 12)


QUOTED_RUN_IN = """<html><head><title>Mill to cut 80 jobs</title></head><body><article>
<h1>Mill to cut 80 jobs</h1>
<p>The Harlow paper mill will cut 80 of its 300 jobs by June, its owner told staff on Monday.</p>
<p><b>"No plans."</b> When it bought the mill in 2023, the owner said it had no plans to cut jobs.</p>
<p><b>The union.</b> The union called the cuts a betrayal and said it would ballot its members.</p>
</article></body></html>"""


@pytest.mark.parametrize(("name", "body"), [("mill.html", QUOTED_RUN_IN), ("mill.md", None)])
def test_a_run_in_heading_in_quotation_marks_is_a_line_of_its_own(
    tmp_path: Path, name: str, body: str | None
) -> None:
    if body is None:
        body = (
            "# Mill to cut 80 jobs\n\n"
            "The Harlow paper mill will cut 80 of its 300 jobs by June, its owner told staff on Monday.\n\n"
            "**“No plans.”** When it bought the mill in 2023, the owner said it had no plans to cut jobs.\n\n"
            "**The union.** The union called the cuts a betrayal and said it would ballot its members.\n"
        )
    doc = next(iter(load_all([_write(tmp_path, name, body)])))
    assert not isinstance(doc, Skipped)
    lines = _lines(doc.text)
    assert "When it bought the mill in 2023, the owner said it had no plans to cut jobs." in lines
    assert "The union called the cuts a betrayal and said it would ballot its members." in lines
    assert not any(line.startswith(('"No plans." When', "“No plans.” When")) for line in lines)


@pytest.mark.parametrize("credit", ["(Harlow Homes)", "(Mancini family)", "(LNA)", "(Pennick's Biscuits)"])
def test_a_credit_without_a_slash_is_cut_from_the_end_of_a_caption(credit: str) -> None:
    caption = "Photo: An artist's impression of the new tower, seen from the harbour bridge."
    text = clean(f"Tower refused\n\n{caption} {credit}\n\nThe committee voted 7 to 4 against it.").text
    assert caption in _lines(text)
    assert credit not in text


def test_a_bracketed_sentence_ending_a_paragraph_is_kept() -> None:
    line = "The mill closed in 1998. (It reopened as a museum in 2004.)"
    assert line in clean(f"Mill history\n\n{line}\n\nVisitors come from across the region.").text
