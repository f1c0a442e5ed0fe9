"""Counts news states in other words than the question (`rag.paraphrase`, issue 10: false refusals).

The pure rule on tokens, then the reader on small passages of its own (the hashed bag-of-words
embedding of `test_extractive`): each answerable case beside a sentence that must still not count,
so an unanswerable question stays refused.
"""

from __future__ import annotations

import pytest

from rag import extractive, mentions
from rag import policy as policies
from rag.extractive import NUMBER, REFUSAL_NO_TYPE
from rag.paraphrase import restates_count, whole_focus
from rag.retrieve import Passage, Retrieval
from rag.sentences import words
from tests.test_extractive import DIM, ask, fake_embed, idf

PEOPLE = frozenset({"people", "patients"})
TYPE_ONLY = policies.Policy(
    min_score=0.0, require_answer_type=True, min_focus_coverage=0.0, min_quantity_fit=0.0
)


def counts(
    sentence: str, *, coverage: float = 1.0, counted: bool = True, people: frozenset[str] = frozenset()
) -> bool:
    return restates_count(
        words(sentence.lower()),
        coverage=coverage,
        counted_stated=counted,
        people=people,
        own_words={"how", "many", "2025"},
        number=NUMBER,
        window=3,
    )


def test_a_number_in_a_sentence_restating_the_question_is_a_count() -> None:
    assert counts("About 140 people lost their jobs.")
    assert counts("Four of the six books on the shortlist are debut novels.")


def test_no_count_without_the_whole_focus_the_counted_thing_or_a_new_number() -> None:
    assert not counts("About 140 people lost their jobs.", coverage=0.6)
    assert not counts("About 140 people lost their jobs.", counted=False)
    assert not counts("The 2025 shortlist has debut novels.")  # the question's own year
    assert not counts("The shortlist of 2024 has debut novels.")  # a year counts nothing
    assert not counts("No one was hurt.")  # a pronoun


def test_people_are_counted_by_a_word_for_persons_after_the_number() -> None:
    assert counts("About 4 percent of patients stopped taking the drug.", counted=False, people=PEOPLE)
    assert not counts("His top two military officials went with him.", counted=False, people=PEOPLE)


@pytest.mark.parametrize(
    ("question", "answer", "unanswered"),
    [
        (
            "how many jobs were lost at the bakery",
            "At the bakery, about 140 people lost their jobs when it closed.",
            "At the bakery, people lost their jobs when it closed.",
        ),
        (
            "how many debuts are on the prize shortlist",
            "Four of the six books on the prize shortlist are debut novels.",
            "The books on the prize shortlist are debut novels.",
        ),
    ],
)
def test_the_reader_answers_a_count_worded_otherwise(question: str, answer: str, unanswered: str) -> None:
    with policies.using(TYPE_ONLY):
        answered = ask(question, answer)
        refused = ask(question, unanswered)
    assert not answered.refused, answered.reason
    assert refused.refused
    assert refused.reason == REFUSAL_NO_TYPE.format(what="how many")


# -- speech worded otherwise than "X said" (`rag.extractive.reports_speech`) --------------------


def test_a_speaker_a_colon_and_a_quote_report_speech() -> None:
    quoted = 'Brandvik: "Our two seas have always been one trade route."'
    plain = "Brandvik: the two seas have always been one trade route."
    assert not ask("what did brandvik say about the two seas", quoted).refused
    assert ask("what did brandvik say about the two seas", plain).refused
    # a colon after another speaker reports no speech by the one asked
    other = 'Lund, on the plan for the two seas: "It is one trade route."'
    assert not ask("what did lund say about the two seas", other).refused
    assert ask("what did brandvik say about the two seas", other).refused


def test_an_inverted_verb_names_its_speaker_by_an_apposition() -> None:
    role = '"The code worked where it was applied," said Dr. Murat Celik, a seismologist at Tesh University.'
    assert not ask("what did the seismologist say about the code", role).refused
    assert ask("what did the engineer say about the code", role).refused
    # an apposition of another word than the speaker's, after the name
    elsewhere = '"The code worked," said Dr. Murat Celik, whose study of the seismologist code was cited.'
    assert ask("what did the seismologist say about the code", elsewhere).refused


# -- a year written short ("in 97") ----------------------------------------------------------------


def test_two_digits_after_in_are_a_year_of_either_century() -> None:
    assert mentions.asked_numbers("which president came to salvano in 97") == [("97", ("97", "1997", "2097"))]
    assert mentions.asked_numbers("who won back in '05") == [("05", ("05", "1905", "2005"))]
    # a count of something, or two digits elsewhere, stays the number written
    assert mentions.asked_numbers("what changed in 12 months") == [("12", ("12",))]
    assert mentions.asked_numbers("did she score 97 points") == [("97", ("97",))]


def test_the_reader_reads_a_short_year_as_the_year_stated() -> None:
    article = "Harald Moen was the last Norvaland president to come to Salvano, in 1997."
    assert not ask("which norvaland president came to salvano in 97", article).refused
    assert ask("which norvaland president came to salvano in 95", article).refused


# -- a quoted sentence of the lead's article that states the whole focus ----------------------------


def test_whole_focus_counts_only_a_sentence_stating_all_of_it() -> None:
    assert whole_focus([0.2, 1.0], ["vomiting", "bug"]) == 1.0
    assert whole_focus([0.2, 0.9], ["vomiting", "bug"]) == 0.0
    assert whole_focus([], ["vomiting", "bug"]) == 0.0
    assert whole_focus([1.0], ["2025"]) == 0.0  # "ok and 2025?": a year alone is no relation


def test_the_reader_reads_the_focus_from_a_quoted_sentence_of_the_leads_article() -> None:
    """A follow-up ("who directed it") leads with the sentence nearest the conversation's subject;
    the sentence of its article that says who directed it states the focus for it."""
    question = "who directed it"
    lead = "The Ninth Bell, a film about a bell-maker, won the Silver Lantern at the festival on Saturday."

    def embed(texts: list[str]) -> list[list[float]]:
        vectors = fake_embed(texts)
        for vector, text in zip(vectors, texts, strict=True):
            if text in (question, lead):  # the lead is the sentence nearest in meaning
                vector[:] = [0.0] * DIM
                vector[0] = 1.0
        return vectors

    def answer(second: str) -> extractive.Extract:
        article = f"{lead} {second}"
        passage = Passage("d0::c::0000", "d0", "Article 0", "", "", article, 0, len(article))
        found = Retrieval(question, [passage], query_embedding=embed([question])[0])
        return extractive.extract(question, found, embed=embed, idf=idf)

    with policies.using(policies.Policy(min_score=0.0, require_answer_type=False, min_focus_coverage=0.5)):
        answered = answer("It was directed by Oskar Wennberg, whose first film it is.")
        refused = answer("It was made by Oskar Wennberg, whose first film it is.")
    assert answered.chosen[0].span.text == lead
    assert not answered.refused, answered.reason
    assert refused.refused
    assert "directed" in refused.reason
