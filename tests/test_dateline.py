"""A "when" answer quotes the dateline above an opening sentence dated by a weekday (rag.dateline)."""

from __future__ import annotations

import pytest

from rag import dateline
from rag import extractive as reader
from rag.wordvec import Embed
from tests.test_samesent import ask as ask_article

TITLE = "Ferry line to Kelsholm reopens after storm repairs"
DATELINE = "PORT ELLAND, March 4, 2025 (NWA) -"
OPENING = "The ferry line between Port Elland and Kelsholm reopened on Tuesday after six weeks of repairs."
TEXT = (
    f"{TITLE}\n\n{DATELINE}\n{OPENING} "
    "The pier at Kelsholm was damaged by waves in a January storm. "
    "The operator said ferries would sail four times a day until the summer timetable starts."
)


def test_a_dateline_line_stating_a_day_is_recognised() -> None:
    assert dateline.is_dateline(DATELINE)
    assert dateline.is_dateline("DRAVEC, October 11, 2025 (KPA) -")
    assert not dateline.is_dateline("MIAMI (AP) -")  # states no day
    assert not dateline.is_dateline(OPENING)
    assert not dateline.is_dateline(f"{DATELINE} The ferry line reopened on Tuesday.")  # a sentence follows


def test_the_dateline_is_found_only_right_above_a_sentence() -> None:
    at = TEXT.index(OPENING)
    assert dateline.dateline_before(TEXT, at) == TEXT.index(DATELINE)
    later = TEXT.index("The pier")
    assert dateline.dateline_before(TEXT, later) is None  # follows a sentence on the same line
    assert dateline.dateline_before(f"{TITLE}\n\n{OPENING}", len(TITLE) + 2) is None  # a headline: none


def test_only_a_sentence_dated_by_a_weekday_needs_it() -> None:
    assert dateline.dates_by_weekday(OPENING)
    assert dateline.dates_by_weekday("The council voted yesterday to close the pool.")
    assert not dateline.dates_by_weekday("The ferry line reopened on Tuesday, March 4, after repairs.")
    assert not dateline.dates_by_weekday("The pier at Kelsholm was damaged by waves in a storm.")


def ask(question: str, embed: Embed) -> list[str]:
    return ask_article(question, embed, TITLE, TEXT, published="2025-03-04")


def test_a_when_answer_quotes_the_weekday_sentence_with_its_dateline(
    embed: Embed, monkeypatch: pytest.MonkeyPatch
) -> None:
    quoted = ask("when did the kelsholm ferry reopen", embed)
    assert f"{DATELINE} {OPENING}" in quoted
    # a question that asks no time quotes the sentence alone
    assert OPENING in ask("why was the kelsholm ferry line closed", embed)
    monkeypatch.setattr(reader, "DATED_TYPES", frozenset())
    assert OPENING in ask("when did the kelsholm ferry reopen", embed)
