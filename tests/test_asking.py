"""Reading a question's ask apart from its preamble (`rag.asking`), and the refusal checks reading it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evals import calibrate
from rag import extractive
from rag import policy as policies
from rag.asking import asks, found_terms, ordinary_word, preamble_terms, split
from rag.config import Settings
from rag.wiring import engine_from_settings


@pytest.mark.parametrize(
    ("question", "preamble", "ask"),
    [
        # chatter and context before the ask, joined by a comma
        (
            "ok so i keep hearing about crypto hacks, how much crypto was stolen in 2024?",
            "ok so i keep hearing about crypto hacks",
            "how much crypto was stolen in 2024?",
        ),
        # a lead-in typed without a comma: the ask starts at a wh-word after a joining or chat word
        (
            "sorry if this is a dumb question but why did the library close",
            "sorry if this is a dumb question but",
            "why did the library close",
        ),
        ("curious whether the library reopened", "curious", "whether the library reopened"),
        # an inverted auxiliary or copula asks too; the ask runs to the end
        (
            "ugh i just bought a fjord last year, is mine part of the recall?? which ones are affected",
            "ugh i just bought a fjord last year",
            "is mine part of the recall?? which ones are affected",
        ),
        # quiz style: statements first (commas inside them are no ask), then the question
        (
            "A year after finishing second, a singer won the contest with a ballad. What was the song?",
            "A year after finishing second, a singer won the contest with a ballad.",
            "What was the song?",
        ),
        # a short preposition before the wh-word
        (
            "A court counted six releases twice. To what amount did it cut the fine?",
            "A court counted six releases twice.",
            "To what amount did it cut the fine?",
        ),
        # a sentence that asks mid-way asks as a whole, after the statements before it
        (
            "A record sum was stolen last year. Some thefts were by hackers linked to which country?",
            "A record sum was stolen last year.",
            "Some thefts were by hackers linked to which country?",
        ),
        # a relative clause after a comma is no ask when the sentence asks by another wh-word later
        (
            "The Valen library, which opened in May, won a prize. Who designed it?",
            "The Valen library, which opened in May, won a prize.",
            "Who designed it?",
        ),
        (
            "my cousin lost her cabin, do you know if they pay",
            "my cousin lost her cabin",
            "do you know if they pay",
        ),
    ],
)
def test_split_finds_the_ask_after_a_preamble(question: str, preamble: str, ask: str) -> None:
    parts = split(question)
    assert (parts.preamble, parts.ask) == (preamble, ask)


@pytest.mark.parametrize(
    "question",
    [
        "who is messi",
        "how close was the budget vote in feb 2026, was it tight",  # the first clause asks
        "so why did the family sell up after all that time, do we know",
        "thanks! and who was it that measured it as 6.6?",  # chatter and a joining word before the ask
        "tell me about the storm",  # no clause asks: all of it is read as the ask
        # a relative clause is no ask: the sentence asks as a whole
        "Dr. Lind, who helped found the prize in the 1920s, studied at which university?",
        # initials and abbreviations end no sentence; the clause after a relative one is no inversion
        "Dr. Ada G. Lind, who founded the prize, was the second to study at which university?",
    ],
)
def test_split_leaves_a_question_that_asks_from_its_start_whole(question: str) -> None:
    parts = split(question)
    assert parts.preamble == "" and parts.ask == question


def test_asks_reads_the_opening_of_a_clause() -> None:
    assert asks("how much was stolen") and asks("is mine affected") and asks("and who won")
    assert asks("By how much did it fall") and asks("ok so did they")
    assert not asks("i keep hearing about hacks") and not asks("the storm closed the harbour")


def test_preamble_terms_are_those_the_ask_does_not_use() -> None:
    terms = preamble_terms("A storm closed the harbour for two days. Why was the harbour closed?")
    assert "storm" in terms and "day" in terms
    assert "harbour" not in terms  # the ask uses it: it must be stated as the ask's
    assert preamble_terms("who designed the library") == frozenset()


def test_found_terms_looks_in_every_text() -> None:
    texts = ["A storm hit on Monday.", "The harbour was closed."]
    assert found_terms({"storm", "harbour", "cousin"}, texts) == {"storm", "harbour"}


def test_ordinary_word_only_for_a_common_lowercase_word_of_the_preamble() -> None:
    question = "ok so i keep hearing about crypto hacks, how much was stolen"
    assert ordinary_word("hacks", question)
    assert not ordinary_word("stolen", question)  # the ask's word: not the preamble's
    assert not ordinary_word("hacks", "ok so i keep hearing about Hacks, how much was stolen")  # capitalised
    rare = "ok so i keep hearing about messi, how much was stolen"
    assert not ordinary_word("messi", rare)  # rare in English
    assert not ordinary_word("hacks", "how many hacks were there")  # no preamble


def test_calibration_reads_the_preamble_features_as_the_reader_does() -> None:
    ex = extractive.Extract(
        chosen=[],
        refused=False,
        focus_coverage=0.1,
        ask_focus_coverage=0.9,
        unknown=("hacks",),
        ask_unknown=(),
    )
    p = replace(calibrate.OFF, min_focus_coverage=0.3)
    assert calibrate.refuses(p, ex)
    assert not calibrate.refuses(replace(p, read_preamble=True), ex)
    named = replace(calibrate.OFF, refuse_unknown_names=True)
    assert calibrate.refuses(named, ex) and not calibrate.refuses(replace(named, read_preamble=True), ex)
    assert policies.Policy().read_preamble is False  # off unless the policy file turns it on


def _ask(settings: Settings, question: str, *, read: bool, chatter: bool = False) -> str:
    engine = engine_from_settings(settings)
    with policies.using(replace(policies.current(), read_preamble=read, read_chatter=chatter)):
        return engine.ask(question).answer


def test_an_ordinary_word_of_the_preamble_the_articles_never_use_is_no_unknown_name(
    seeded_settings: Settings,
) -> None:
    question = "ok so i keep hearing about hacks, how many drones was kim given"
    assert "never mention “hacks”" in _ask(seeded_settings, question, read=False)
    answer = _ask(seeded_settings, question, read=True)
    assert "six drones" in answer and "hacks" not in answer


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        # a name the articles never mention, capitalised or rare in English, still refuses
        ("ok so i keep hearing about Hacks, how many drones was kim given", "never mention “hacks”"),
        ("ok so i keep hearing about messi, how many drones was kim given", "never mention “messi”"),
        (
            "Kim travelled to Russia by armoured train and met Zelensky at a spaceport. "
            "How many drones was he given?",
            "never mention “zelensky”",
        ),
        # preamble words no passage has do not identify the topic (without `read_chatter`, which reads
        # such a preamble as chat: tests/test_chatter.py)
        ("my cousin lost her cabin, how many drones was kim given", "“cousin”"),
    ],
)
def test_a_preamble_the_articles_do_not_state_still_refuses(
    seeded_settings: Settings, question: str, reason: str
) -> None:
    assert reason in _ask(seeded_settings, question, read=True)
