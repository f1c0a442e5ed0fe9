"""Cleaning: boilerplate that the seeds really contain is gone, and no article sentence is lost."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from rag.clean import clean, parse_date_line
from tests.conftest import SEEDS

# Per seed: strings that must be gone after cleaning (the boilerplate it contains) ...
BOILERPLATE = {
    "000_e234b3a123fa6287": ["Credit: AP", "Want a quick and expert briefing", "podcasts"],
    "001_8dcf05ad1b8e96bb": [
        "Advertisement",
        "Fact-Checking",
        "Other Topics of Interest",
        "Social media got terribly excited",
        "To suggest a correction",
        "Ctrl + Enter",
    ],
    "002_d5cbf879a7b1fe58": [
        "Skip to",
        "ConflictsNorth Korea",
        "https://",
        "p.dw.com",
        "Image:",
        "picture alliance",
        "Kim Jong Un waving on a train",
        "private train at the border of North Korea and Russia",
        "zc/wd",
        "September 12, 2023",
    ],
    "003_0aa987cd62713de8": ["date 2023-09-12", "9:30pm", "(Source: Associated Press)", "WorldAsiaRussia"],
    "004_233b49a59d445921": ["[caption", "[/caption]", "attachment_", "align=", "With inputs from agencies"],
}
# ... and raw sentences that cleaning is allowed to drop: exactly the boilerplate ones.
DROPPABLE = re.compile(
    r"Want a quick and expert briefing|Listen to our latest podcasts|"
    r"^Kim Jong Un's private train at the border of North Korea and Russia$|"
    r"Fact-Checking|Social media got terribly excited|"
    r"To suggest a correction|You can also highlight|Skip to|ConflictsNorth|https?://|"
    r"Kim Jong Un waving on a train|Image:|zc/wd|date 2023-09-12|WorldAsiaRussia|"
    r"^\[caption|With inputs from agencies|^Advertisement$|Other Topics of Interest|^9:30pm$"
)
SENTENCE_SPLIT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"‘'])")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _raw_sentences(raw: str) -> list[str]:
    out = []
    for line in raw.split("\n"):
        line = re.sub(r"\[/?caption[^\]]*\]", "\n", line)
        for part in line.split("\n"):
            out.extend(s.strip() for s in SENTENCE_SPLIT.split(part) if s.strip())
    return out


@pytest.mark.parametrize("doc_id", sorted(BOILERPLATE))
def test_seed_boilerplate_is_removed(doc_id: str) -> None:
    cleaned = clean((SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")).text
    for junk in BOILERPLATE[doc_id]:
        assert junk not in cleaned, f"{junk!r} survived cleaning of {doc_id}"


@pytest.mark.parametrize("doc_id", sorted(BOILERPLATE))
def test_seed_article_sentences_are_kept(doc_id: str) -> None:
    raw = (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")
    cleaned = _norm(clean(raw).text)
    kept = dropped = 0
    for sentence in _raw_sentences(raw):
        if DROPPABLE.search(sentence):
            dropped += 1
            continue
        # a trailing photo credit may be cut; the sentence itself must stay
        core = re.sub(r"\s*(Credit: .*|\(Source: [^)]*\)|AP)$", "", sentence)
        if len(core.split()) < 4:  # list numbers, lone credits
            continue
        assert _norm(core) in cleaned, f"article sentence lost from {doc_id}: {core!r}"
        kept += 1
    assert kept >= 10


def test_seed_captions_repeated_on_consecutive_lines_are_kept_once() -> None:
    cleaned = clean((SEEDS / "000_e234b3a123fa6287.txt").read_text(encoding="utf-8")).text
    assert cleaned.count("Kim Jong Un waves as he boards his armoured train prior to leaving Artyom.") == 1
    cleaned = clean((SEEDS / "003_0aa987cd62713de8.txt").read_text(encoding="utf-8")).text
    assert cleaned.count("Kim Jong Un waves from a train bound for Russia.") == 1
    assert cleaned.count("Vladimir Putin and Kim Jong Un shake hands") == 1


def test_wordpress_caption_keeps_text_drops_markup() -> None:
    raw = (
        "Before the photo. [caption id=“attachment_1” align=“alignnone” width=“640”] Kim waves "
        "from the train. AP[/caption] After the photo."
    )
    cleaned = clean(raw).text
    assert "Kim waves from the train." in cleaned
    assert "caption" not in cleaned and "attachment_1" not in cleaned
    assert "Before the photo." in cleaned and "After the photo." in cleaned


def test_lines_and_inline_urls() -> None:
    raw = "Headline here\n\nhttps://t.co/abc?utm_source=x\n\nRead it at https://example.com/a?utm=1 today.\n"
    cleaned = clean(raw).text
    assert "http" not in cleaned
    assert "Read it at today." in cleaned


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("September 12, 2023", date(2023, 9, 12)),
        (" date 2023-09-12 World", date(2023, 9, 12)),
        ("12 September 2023", date(2023, 9, 12)),
        ("Published: Sept 3, 2024", date(2024, 9, 3)),
        ("February 30, 2023", None),
        ("Kim arrived on September 12, 2023 in Russia.", None),
    ],
)
def test_date_lines(line: str, expected: date | None) -> None:
    assert parse_date_line(line) == expected


def test_seed_dates_are_extracted_and_only_where_stated() -> None:
    dates = {p.stem: clean(p.read_text(encoding="utf-8")).published for p in sorted(SEEDS.glob("*.txt"))}
    assert dates == {
        "000_e234b3a123fa6287": None,
        "001_8dcf05ad1b8e96bb": None,
        "002_d5cbf879a7b1fe58": date(2023, 9, 12),
        "003_0aa987cd62713de8": date(2023, 9, 12),
        "004_233b49a59d445921": None,
    }


def test_sentence_broken_across_lines_is_rejoined() -> None:
    cleaned = clean((SEEDS / "004_233b49a59d445921.txt").read_text(encoding="utf-8")).text
    assert "Sergei Shoigu in Vladivostok, where he viewed state-of-the-art weapons" in cleaned


def test_cleaning_is_idempotent_and_keeps_plain_text() -> None:
    plain = "A plain article.\n\nIt has two paragraphs, and nothing to remove."
    assert clean(plain).text == plain
    for path in sorted(SEEDS.glob("*.txt")):
        once = clean(path.read_text(encoding="utf-8")).text
        assert clean(once).text == once


LOOKALIKE = Path(__file__).resolve().parent.parent / "evals" / "corpora" / "lookalike"


def test_lookalike_bylines_credits_and_teasers_are_removed_body_kept() -> None:
    """A realistic wire layout (evals/corpora/lookalike): byline, caption, subheadings, teaser, credits."""
    raw = (LOOKALIKE / "lk04-storm-berit.txt").read_text(encoding="utf-8")
    text = clean(raw).text
    for gone in ("By Kristjan Ploom", "Read more: How Estova", "Additional reporting by", "Editing by"):
        assert gone in raw and gone not in text
    for kept in ("Storm Berit battered Estova's west coast", "Ferries and schools", "Photo: A fallen tree"):
        assert kept in text  # subheadings and captions stay on lines of their own, never glued
    for line in text.splitlines():
        assert not re.search(r"\b(Ferries and schools|Warnings and damage) [A-Z]", line)


@pytest.mark.parametrize("path", sorted(LOOKALIKE.glob("*.txt")), ids=lambda p: p.stem)
def test_lookalike_no_caption_or_heading_is_glued_to_a_quoted_sentence(path: Path) -> None:
    from rag.sentences import is_prose, split_sentences

    text = clean(path.read_text(encoding="utf-8")).text
    for span in split_sentences(text):
        if is_prose(span.text):
            assert not re.match(r"(file )?photo:|read more:|related:|by [A-Z]", span.text, re.I)
            assert "Reporting by" not in span.text and "Editing by" not in span.text


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("By Anna Rebane", True),
        ("(Additional reporting by Maarja Lind; Editing by Helen Rae)", True),
        ("Reporting by Clara Duval; editing by Mark Oren", True),
        ("Read more: Continental Cup final player ratings", True),
        ("By the end of the day, 9,500 homes were still without power.", False),
        ("Related talks will continue on Tuesday, the ministry said.", False),
    ],
)
def test_byline_credit_and_teaser_lines(line: str, dropped: bool) -> None:
    assert (line not in clean(f"Title\n\n{line}\n\nA body sentence here.").text) is dropped
