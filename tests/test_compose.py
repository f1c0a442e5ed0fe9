"""Answer first: the short fact, in the articles' words (pure logic)."""

from __future__ import annotations

import pytest

from rag.compose import format_short
from rag.extractive import extract
from rag.retrieve import Passage, Retrieval
from tests.test_extractive import fake_embed, idf


def ask(question: str, *articles: str):  # type: ignore[no-untyped-def]
    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", f"Article {i}", "", "", text, 0, len(text))
        for i, text in enumerate(articles)
    ]
    found = Retrieval(question, passages, query_embedding=fake_embed([question])[0])
    return extract(question, found, embed=fake_embed, idf=idf)


@pytest.mark.parametrize(
    ("question", "article", "short"),
    [
        (
            "How long did Kim's trip to Russia last?",
            "Kim ended his trip to Russia after six days of talks.",
            "Six days.",
        ),
        (
            "How many drones did the governor give Kim?",
            "The governor gave Kim five explosive drones and a vest.",
            "Five explosive drones.",
        ),
        (
            "What day did Kim arrive in Russia?",
            "Kim arrived in Russia on Tuesday by armoured train.",
            "On Tuesday.",
        ),
        (
            "How much did New Zealand pledge for the cyclone?",
            "New Zealand pledged 2 million dollars in aid after the cyclone.",
            "2 million dollars.",
        ),
        (
            "When did Kim take power in North Korea?",
            "Kim has led North Korea since 2011, when he took power.",
            "Since 2011.",
        ),
    ],
)
def test_short_fact_opens_the_answer_in_the_articles_words(question: str, article: str, short: str) -> None:
    ex = ask(question, article)
    assert not ex.refused
    assert ex.short == short
    assert short.rstrip(".").lower() in article.lower()  # never invented: the article's own words


def test_no_short_answer_for_why_or_who_questions() -> None:
    ex = ask("Why did Kim go to Russia?", "Kim went to Russia to meet Putin about weapons on Tuesday.")
    assert ex.short == ""


def test_format_short() -> None:
    assert format_short("six days") == "Six days."
    assert format_short("a phrase of far too many words to be short") == ""
