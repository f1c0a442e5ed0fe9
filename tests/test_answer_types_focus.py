"""Answer types as news writes them, and focus words that are question frame (issue 10: false refusals).

Pure logic of `rag.extractive` (`answer_types`, `focus_coverage_of`, `frame_words`) on small
passages; the extraction tests use the hashed bag-of-words embedding of `test_extractive`.
Each case names the way news states the fact ("By eleven publishers.", "Halloran, 44,",
"300 million crowns", "the freight company Nordcargo") and, beside it, a sentence that must
still not count (the cost side: an unanswerable question stays refused).
"""

from __future__ import annotations

import pytest

from rag import policy as policies
from rag.extractive import (
    AGE,
    COUNT,
    MONEY,
    PERSON,
    Candidate,
    analyse,
    answer_types,
    focus_coverage_of,
    frame_words,
)
from rag.retrieve import Passage
from rag.sentences import Span, base_terms
from tests.test_extractive import ask, idf


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # who: a person, a group of people or an organisation
        (
            "Who owned the wagons?",
            "The wagons belong to the freight company Nordcargo, which leases them to a trader, LR says.",
            True,
        ),
        ("Which officials greeted Kim?", "Officials met Kim there, reported Reuters news agency.", False),
        ("Who owned the wagons?", "The wagons were old and had not been inspected.", False),
        ("Who got hurt in the storm?", "Two fishermen were hurt when the storm hit the harbour.", True),
        ("Who doesnt have to pay the congestion charge?", "Residents of the zone will not pay it.", True),
        ("Who got hurt in the storm?", "The storm brought down trees across the region.", False),
        # counts written as words
        ("How many publishers turned her down?", "By eleven publishers.", True),
        ("How many wagons left the rails?", "Fourteen wagons left the rails near the station.", True),
        ("How many wagons left the rails?", "The wagons left the rails near the station.", False),
        ("How many publishers turned her down?", "Eleven years later she found a publisher.", False),
        # ages
        ("At what age do babies get the first dose?", "Babies get their first dose at 15 months.", True),
        ("How old is the director?", "Halloran, 44, thanked the people of the island.", True),
        ("How old was the man?", "A 71-year-old man was taken to hospital.", True),
        ("How old was the man?", "The man was aged 71.", True),
        ("How old is the director?", "In 2019, 44 people worked on the film.", False),
        ("How old is Dr Castell?", "The share rose to 87 percent, Dr. Amir Castell said.", False),
        # money in any currency
        ("How much money will it bring in?", "The charge will bring in 300 million crowns a year.", True),
        ("How much does a permit cost?", "A permit costs SEK 300 a month.", True),
        ("How much money do the fishermen get?", "The fund pays them 15 million kroner a year.", True),
        ("How much does the ticket cost?", "A ticket costs 4,000 pesos.", True),
        ("How much money did the hackers make?", "Hackers stole data of 1.4 million customers.", False),
        ("How much will the electricity cost?", "The farm will supply about 900,000 homes.", False),
        ("How much did the strike cost parents?", "No one won the argument, the parents said.", False),
    ],
)
def test_answer_types_as_news_writes_them(question: str, sentence: str, expected: bool) -> None:
    q = analyse(question)
    assert q.types and q.types[0] in {PERSON, COUNT, AGE, MONEY}
    assert (set(answer_types(q, sentence)) >= set(q.types)) is expected


def candidate(text: str) -> Candidate:
    passage = Passage("d0::c::0000", "d0", "Article", "", "", text, 0, len(text))
    return Candidate(span=Span(0, len(text), text), passage=passage, terms=set(base_terms(text)))


def test_frame_constructions_are_not_focus_but_their_content_words_are() -> None:
    q = analyse("and where were they supposed to go")
    assert {"supposed", "go"} <= frame_words(q)
    lead = candidate("They are circling the Earth at 310 kilometres instead of the planned 700 kilometres.")
    assert focus_coverage_of(q, lead, idf) == 1.0  # nothing but frame: no focus word is missing
    chatty = analyse("so i keep seeing the mayor of halvik in the news, like with the trams and stuff, name?")
    assert {"keep", "seeing", "news", "stuff"} <= frame_words(chatty)
    mayor = candidate("The tram left Central Station with Mayor Tomas Engel of Halvik and 150 guests.")
    assert focus_coverage_of(chatty, mayor, idf) == 1.0
    # the cost side: a plain verb of the question stays focus, and its absence still counts
    going = analyse("where is kim going next")
    assert "going" not in frame_words(going)
    assert focus_coverage_of(going, candidate("Kim toured an aircraft factory in Komsomolsk."), idf) < 1.0


def test_a_verb_is_stated_by_its_agent_noun() -> None:
    q = analyse("who directed it")
    assert focus_coverage_of(q, candidate("It is the first film by director Ines Halloran."), idf) == 1.0
    assert focus_coverage_of(q, candidate("It is the first film by Ines Halloran."), idf) == 0.0
    owner = analyse("who owns the wagons")
    assert focus_coverage_of(owner, candidate("The owner of the wagons is Nordcargo."), idf) == 1.0
    assert focus_coverage_of(owner, candidate("The wagons are painted blue."), idf) < 1.0


def test_focus_refusal_never_quotes_frame_words() -> None:
    focus_only = policies.Policy(min_score=0.0, require_answer_type=False, min_focus_coverage=0.5)
    article = "The rocket's second stage shut down early, so the satellites did not reach the planned orbit."
    with policies.using(focus_only):
        answered = ask("and where were they supposed to go", article)
        refused = ask("so in the news and stuff, which bakery sold the cake", article)
    assert not answered.refused
    assert refused.refused
    for frame in ("news", "stuff"):
        assert f"“{frame}”" not in refused.reason
    assert "“bakery”" in refused.reason or "“cake”" in refused.reason or "“sold”" in refused.reason
    assert "say nothing about" in refused.reason


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The heatwave lasted six days.", True),
        ("The strike went on for two years.", True),
        ("Two years ago the same heatwave hit the south.", False),  # a point in time, not a length
    ],
)
def test_how_long_wants_a_length_of_time_not_a_time_ago(sentence: str, expected: bool) -> None:
    q = analyse("how long did it last")
    assert (set(answer_types(q, sentence)) >= set(q.types)) is expected
