"""The reaction check (`rag.opinion`): "how did X react" needs a sentence in which X reacts.

Reading the question runs on the real embedding model (word vectors decide the attitude words);
the reader runs with the bag-of-words fake embedder of tests/test_extractive.py on small passages
of our own.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag import extractive, opinion
from rag import policy as policies
from rag.wordvec import Embed
from tests.test_extractive import answer_text, ask, fake_embed, idf, retrieval


@pytest.mark.parametrize(
    ("question", "phrase", "verb"),
    [
        ("how did dairy farmers react to the supreme court ruling", "dairy farmers", "react"),
        ("did passengers like the 2 dollar fare cap", "passengers", "like"),
        ("were ravenport fans happy with strand as coach", "ravenport fans", "happy"),
        ("how do kestrians feel about the space programme", "kestrians", "feel"),
        ("does the transport minister think skyra is safe", "transport minister", "think"),
        ("did kim enjoy the trip", "kim", "enjoy"),  # near a prototype, not one
        ("how did the bank of corvenia board vote on the june cut", "bank of corvenia board", "vote"),
        ("ok so was the union pleased with the deal", "union", "pleased"),
    ],
)
def test_attitude_questions_name_their_holder(question: str, phrase: str, verb: str, embed: Embed) -> None:
    holder = opinion.asked_holder(question, embed)
    assert holder is not None and (holder.phrase, holder.verb) == (phrase, verb)


@pytest.mark.parametrize(
    "question",
    [
        "was the sarenna vote unanimous",  # a noun after the subject: no attitude
        "did anyone vote against the cut",  # no holder
        "how did the shares react",  # a market: its reaction is a price that moved
        "how did the stock market react to the rate cut",
        "do they land the first stage",
        "when does novak take office",  # asks a time
        "who voted against the 2026 budget",  # the holder is the answer
        "did the ferry reach the island on time",
        "how many votes did moen get",
        "what did the minister say about the fire",  # the speech check's question
    ],
)
def test_other_questions_ask_no_holder(question: str, embed: Embed) -> None:
    assert opinion.asked_holder(question, embed) is None


def test_acts_reads_the_asked_word_with_its_holder_before_it() -> None:
    kalvo = opinion.Holder(stems=("kalvo",), phrase="kalvø", verb="vote")
    assert opinion.acts(kalvo, "Residents of Kalvø voted against a road tunnel to the mainland.")
    assert not opinion.acts(kalvo, "Kalvø held a referendum on a road tunnel on Sunday.")
    assert not opinion.acts(kalvo, "The council voted for the tunnel, which would reach Kalvø by 2030.")
    assert opinion.acts(kalvo, "The islanders voted against it.", alike=frozenset({"islanders"}))


ON = replace(policies.current(), require_opinion=True)
OFF = replace(policies.current(), require_opinion=False)
CAP = "Bus fares in Tarnside will cost no more than two dollars for a year, the council said on Monday."
LIKED = "Passengers at the central station said the two dollar cap would save them money every week."
REACTED = "Dairy farmers welcomed the ruling on the milk cartel and said prices should now rise."
RULING = "The Supreme Court upheld the ruling on the milk cartel and cut the fine to 12.9 million crowns."


def test_a_reaction_nobody_reported_is_refused_in_the_questions_words() -> None:
    with policies.using(ON):
        ex = ask("how did dairy farmers react to the ruling", RULING)
        assert ex.refused and ex.reason == "The articles do not report how “dairy farmers” reacted."
        assert ask("did passengers like the two dollar cap", CAP).refused
    # the flag off: the check is not applied, but calibration's recording reads it
    with policies.using(OFF):
        assert not ask("how did dairy farmers react to the ruling", RULING).refused
        found = retrieval("how did dairy farmers react to the ruling", RULING)
        ex = extractive.extract(found.query, found, embed=fake_embed, idf=idf, measure_focus=True)
        assert not ex.opinion_reported and not ex.refused


def test_the_holders_reaction_answers() -> None:
    with policies.using(ON):
        ex = ask("how did dairy farmers react to the ruling", RULING, REACTED)
        assert not ex.refused and "welcomed" in answer_text(ex)
        ex = ask("did passengers like the two dollar cap", CAP, LIKED)
        assert not ex.refused and "Passengers" in answer_text(ex)


def test_the_speech_check_keeps_its_own_questions() -> None:
    assert opinion.asked_holder("what did the council say about the cap", fake_embed) is None
    with policies.using(ON):
        ex = ask("what did the council say about the fares", CAP)
        assert not ex.refused and ex.holder is None and extractive.REFUSAL_NO_REACTION not in ex.reason
