"""Chat around the ask read as no focus (`rag.chatter`, `rag.question.pronoun`, policy `read_chatter`)."""

from __future__ import annotations

from rag import policy as policies
from rag.asking import lead_in
from rag.chatter import chat_words, personal_numbers
from rag.config import Settings
from rag.question import pronoun
from tests.test_asking import _ask

PASSAGES = [
    "The Harbour Road library closed in March after the council cut its budget by a fifth.",
    "Librarians said the building would reopen once the roof was repaired.",
]


def test_personal_numbers_are_those_stated_of_the_asker() -> None:
    assert personal_numbers("my father is 72, can he still get the jab") == {"72"}
    assert personal_numbers("i'm 45 and we were 4 at the table, who pays") == {"45", "4"}
    assert personal_numbers("im 30, when does the pool open") == {"30"}
    # numbers of the topic are the question's
    assert not personal_numbers("how many people were 72 hours without power")
    assert not personal_numbers("did the 2023 budget cut 72 jobs")


def test_pronouns_name_nothing() -> None:
    assert pronoun("anything") and pronoun("Someone") and pronoun("nowhere") and pronoun("mine")
    assert not pronoun("anyway") and not pronoun("mineral") and not pronoun("thing")


def test_lead_in_starts_the_ask_after_a_joining_or_chat_word_only() -> None:
    clause = "sorry if this is a dumb question but why did the library close"
    assert clause[lead_in(clause) :] == "why did the library close"
    assert lead_in("the fund was managed by which bank") == 0
    assert lead_in("the library that closed in march") == 0


def test_a_preamble_the_passages_share_no_word_of_is_chat() -> None:
    question = "sorry if this is a dumb question but why did the library close"
    assert chat_words(question, PASSAGES) == {"sorri", "dumb", "question"}
    # a preamble that shares a word with the passages is the topic, read as before
    assert not chat_words("my cousin works at the library, why did it close", PASSAGES)
    # no preamble, nothing to read
    assert not chat_words("why did the library close", PASSAGES)


def test_a_rare_or_capitalised_preamble_word_is_no_chat() -> None:
    words = chat_words("sorry Zorbly if this is a dumb question but why did the library close", PASSAGES)
    assert "zorbli" not in words and "zorbly" not in words and "dumb" in words


def test_a_chat_preamble_no_longer_refuses(seeded_settings: Settings) -> None:
    question = "my cousin lost her cabin, how many drones was kim given"
    assert "six drones" not in _ask(seeded_settings, question, read=True, chatter=False)
    assert "six drones" in _ask(seeded_settings, question, read=True, chatter=True)


def test_policy_file_reads_chatter() -> None:
    assert policies.Policy().read_chatter is False  # off unless the policy file turns it on
    assert policies.load().read_chatter is True
