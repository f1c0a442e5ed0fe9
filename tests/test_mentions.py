"""The names-and-numbers check reads numbers as values and English words by their parts.

Pure logic (`rag.mentions`), then the reader on short news passages of our own with only the
names/numbers check on: each answerable question below was refused when the check compared
words literally ("31st" against "31", "2,000" against "2000", "untimely" taken for a name).
The last tests keep the check refusing what it should.
"""

from __future__ import annotations

import pytest

from rag import extractive
from rag import policy as policies
from rag.mentions import asked_numbers, is_english, number_values, states_number
from rag.retrieve import Passage, Retrieval
from tests.conftest import outputs_under_hash_seeds
from tests.test_extractive import fake_embed, idf

NAMES_ONLY = policies.Policy(
    min_score=0.0,
    require_answer_type=False,
    min_focus_coverage=0.0,
    refuse_unknown_names=False,
    min_essential_in_passages=1.0,
    refuse_contradicted=False,
)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Finland joined as its 31st member.", {"31"}),
        ("About 2,000 workers walked out.", {"2000"}),
        ("a $1.2bn deal", {"1.2", "1200000000"}),
        ("1.2 billion dollars", {"1.2", "1200000000"}),
        ("1,200 million dollars", {"1200", "1200000000"}),
        ("prices rose 5% in May", {"5"}),
        ("five per cent", {"5"}),
        ("in the 1990s", {"1990", "1990s"}),
        ("second-quarter profit", {"q2"}),
        ("Q3 sales and the first half", {"q3", "h1"}),
        ("the 512gb model", {"512"}),
        ("the F1 season and the X8", set()),
    ],
)
def test_number_values_read_every_written_form(text: str, values: set[str]) -> None:
    assert number_values(text) == values


def test_asked_numbers_keep_what_a_question_requires() -> None:
    assert asked_numbers("the 31st member, 2,000 workers and a $5m fine in the 1990s") == [
        ("31st", ("31",)),
        ("2,000", ("2000",)),
        ("5m", ("5000000", "5")),
        ("1990s", ("1990s",)),
    ]
    assert asked_numbers("the top 5 gifts") == []  # a single digit is too common to require


def test_a_decade_is_stated_by_any_of_its_years() -> None:
    assert states_number(("1990s",), number_values("The show first aired in 1994."))
    assert not states_number(("1990s",), number_values("The show first aired in 2004."))


@pytest.mark.parametrize(
    "word", ["untimely", "rebooted", "unclassified", "gusty", "abolish", "sprucing", "matchup"]
)
def test_inflected_and_prefixed_english_words_are_english(word: str) -> None:
    assert is_english(word)


@pytest.mark.parametrize(
    "word",
    ["zelensky", "verstappen", "marrenia", "lorvanemab", "pyongyang", "casalvo", "aranel", "vostochny"],
)
def test_names_are_not_english(word: str) -> None:
    assert not is_english(word)


def ask(question: str, *passages: tuple[str, str], published: str = "") -> extractive.Extract:
    """The reader on (doc_id, text) passages, with only the names/numbers check on."""
    found = Retrieval(
        question,
        [
            Passage(f"{doc}::c::{i:04d}", doc, f"News {doc}", published, "", text, 0, len(text))
            for i, (doc, text) in enumerate(passages)
        ],
        query_embedding=fake_embed([question])[0],
    )
    with policies.using(NAMES_ONLY):
        return extractive.extract(question, found, embed=fake_embed, idf=idf)


@pytest.mark.parametrize(
    ("question", "article"),
    [
        (
            "Finland became the 31st member of the alliance this week. When did it join?",
            "Finland formally joined the alliance on Tuesday as its 31st member, officials said.",
        ),
        (
            "why did the 2,000 dock workers strike",
            "About 2000 dock workers went on strike over pay and pensions on Monday.",
        ),
        (
            "who paid $1.2bn for the harbour company",
            "A pension fund paid 1.2 billion dollars for the harbour company in March.",
        ),
        (
            "which 1990s cartoon is coming back",
            "The cartoon, first broadcast in 1994, is coming back next spring with its original cast.",
        ),
        (
            "how much profit did korva make in q2 2023",
            "Korva Motors reported a 9 percent rise in second-quarter net profit in 2023.",
        ),
        (
            "who mourned the singer's untimely death",
            "Thousands of fans mourned the singer, whose death at home shocked the town.",
        ),
    ],
)
def test_a_name_or_number_written_another_way_does_not_refuse(question: str, article: str) -> None:
    ex = ask(question, ("d0", article))
    assert not ex.refused, ex.reason
    assert ex.essential_in_passages == 1.0


def test_a_number_stated_elsewhere_in_the_lead_article_does_not_refuse() -> None:
    """The question's context (the 29th country) is stated in another retrieved passage of the article
    whose sentence answers."""
    question = "Which country became the 29th in Africa to abolish the death penalty?"
    ex = ask(
        question,
        ("d0", "Ghana's parliament voted on Tuesday to abolish the death penalty for all crimes."),
        ("d0", "Campaigners said it made the country the 29th in the region to end executions."),
    )
    assert not ex.refused, ex.reason


def test_the_publication_year_dates_a_quote_that_states_none() -> None:
    """The source list shows each quote's date: a report published in 2023 that says "on Sunday"
    answers "the 2023 final"; one that dates its own sentence to another year does not."""
    question = "what was the score in the 2023 harlow open final"
    undated = ("d0", "Morozko won the Harlow Open final on Sunday, beating Novak 6-4, 6-3.")
    assert not ask(question, undated, published="2023-07-09").refused
    assert ask(question, undated, published="2024-07-14").refused
    dated = ("d0", "Morozko, who won the Harlow Open final in 2021, beat Novak 6-4, 6-3.")
    assert ask(question, dated, published="2023-07-09").refused


def test_a_name_or_number_no_passage_states_still_refuses() -> None:
    year = ask(
        "who won the 2019 continental cup final", ("d0", "Rovers won the 2021 continental cup final 2-1.")
    )
    name = ask(
        "what did the marrenian minister say about the strike",
        ("d0", "The minister said the strike at the harbour would end on Friday."),
    )
    count = ask(
        "why did the 3,000 dock workers strike", ("d0", "About 2000 dock workers went on strike on Monday.")
    )
    quarter = ask(
        "how much profit did korva make in q3 2023",
        ("d0", "Korva Motors reported a 9 percent rise in second-quarter net profit in 2023."),
    )
    assert quarter.refused and "q3" in quarter.reason
    assert year.refused and "2019" in year.reason
    assert name.refused and "marrenian" in name.reason
    assert count.refused and "3,000" in count.reason


# -- the answer type: numbers of the kind asked for ------------------------------------------


def test_money_with_a_currency_adjective_is_money() -> None:
    q = extractive.analyse("how much is the stolen painting worth")
    sentence = "Thieves stole a painting worth an estimated 30 million Kestrian dollars, police said."
    assert extractive.answer_types(q, sentence) == {extractive.MONEY}
    assert extractive.answer_types(q, "Rovers beat them 3-1 and won the cup on Sunday.") == set()


def test_people_are_counted_by_plain_words_for_persons_not_by_roles() -> None:
    q = extractive.analyse("how many people were arrested")
    arrests = "Police arrested three men and two women on Friday."
    assert extractive.answer_types(q, arrests) == {extractive.COUNT}
    assert extractive.answer_types(q, "Police seized three cars on Friday.") == set()
    delegation = extractive.analyse("how many people were in the delegation")
    roles = "The delegation includes the foreign minister and his top two military officials."
    assert extractive.answer_types(delegation, roles) == set()


# -- reading English words ------------------------------------------------------------------


def test_english_typo_is_the_same_in_every_process() -> None:
    """The speller's words all count 1: their order picks among equally close words, and a set's
    order follows the process's hash seed ("orso" was a typo in some runs only)."""
    script = (
        "from rag.question import english_typo; "
        "print([english_typo(w) for w in 'orso berit biden halden pence gusty brunt ouster kims'.split()])"
    )
    seen = outputs_under_hash_seeds(script)
    assert len(seen) == 1, seen
