"""Attribute questions the articles do not answer (`rag.attribute` and its hook in the reader).

Pure logic on small passages of our own; the reader runs with the bag-of-words fake embedder
of tests/test_extractive.py (word vectors of single words are then exact matches only, so a
near synonym is given explicitly where a test needs one).
"""

from __future__ import annotations

import pytest

from rag import extractive
from rag import policy as policies
from rag.attribute import Slot, asked_slot, filled, refusal_words, stated
from tests.test_extractive import ask, fake_embed, idf

LIEN = 'Minister Tove Lien said the decision would be "hard for families with large mortgages".'
LIEN_PARTY = "Finance Minister Tove Lien, of the Labour Party, said the decision would be hard."
OTHER = "The central bank raised its main rate by half a point to 4.25 percent on Thursday."
ON = policies.Policy(min_score=0.0, min_focus_coverage=0.0, require_attribute=True)
OFF = policies.Policy(min_score=0.0, min_focus_coverage=0.0)


def slot_of(question: str, noun: str = "") -> Slot:
    slot = asked_slot(question, noun)
    assert slot is not None, question
    return slot


# -- reading the slot a question asks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "noun", "expected"),
    [
        ("which party is tove lien from", "party", ("party", ("tove", "lien"), "class")),
        ("what seat was jorunn aas in", "seat", ("seat", ("jorunn", "aas"), "class")),
        ("who is aeroserv's boss", "", ("boss", ("aeroserv",), "possessive")),
        ("what is trellis micro's market value", "", ("value", ("trellis", "micro"), "possessive")),
        ("whats the capital of qadira", "", ("capital", ("qadira",), "of")),
        ("Who is the governor of Ardesh province?", "", ("governor", ("ardesh", "province"), "of")),
        ("what is halloran's next film going to be about", "", ("film", ("halloran", "going"), "possessive")),
        ("what was the main focus of kim's tour", "", ("focus", ("kim", "tour"), "of")),
    ],
)
def test_the_slot_and_its_owner_are_read_from_the_question_shape(
    question: str, noun: str, expected: tuple[str, tuple[str, ...], str]
) -> None:
    slot = slot_of(question, noun)
    assert (slot.noun, slot.owner, slot.shape) == expected


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("what did kim say about the talks", ""),  # a plain what-did-X-do question
        ("who designed chandler's bridge", ""),  # a role, `rag.role`'s
        ("what car was alan whitlock driving", "car"),  # the object of an action, not an attribute
        ("which former pope was laid to rest this week", "pope"),  # a passive action
        ("which quake was stronger, beyrek or ravnsby", "quake"),  # a comparison of options
        ("what minute was the red card", "minute"),  # a frame noun: when, not what
        ("whats the name of the inspector", ""),  # a frame noun
        ("when was pennick's founded", ""),  # a verb after the possessive
        ("which distillery made the grappa", "distillery"),  # no copula: the slot is the maker
    ],
)
def test_questions_that_ask_no_attribute_have_no_slot(question: str, noun: str) -> None:
    assert asked_slot(question, noun) is None


# -- whether a sentence states the slot of the owner ------------------------------------------


def test_the_slot_must_stand_by_its_owner_in_one_clause() -> None:
    party = slot_of("which party is tove lien from", "party")
    assert filled(party, LIEN_PARTY, "lien")
    assert not filled(party, LIEN, "lien")  # the owner without the slot
    # the slot stated of another person, in another clause
    assert not filled(party, "Tove Lien spoke first; the opposition Labour Party then voted against.", "lien")
    assert filled(party, "The Labour Party voted against.", "")  # no owner word to stand by: anywhere


def test_a_near_word_states_the_slot() -> None:
    boss = slot_of("who is aeroserv's boss", "")
    text = "Aeroserv chief executive Lina Berg said the engines were safe."
    assert not filled(boss, text, "aeroserv")
    assert filled(boss, text, "aeroserv", frozenset({"chief"}))


def test_stated_looks_for_the_slot_by_any_specific_owner_word() -> None:
    party = slot_of("which party is tove lien from", "party")
    assert stated(party, [LIEN_PARTY], idf, fake_embed)
    assert not stated(party, [LIEN, OTHER], idf, fake_embed)


def test_a_model_code_by_the_owner_states_a_class_slot() -> None:
    model = slot_of("what model was the recon drone", "model")
    text = "He received five kamikaze drones and a ‘Geran-25’ reconnaissance drone with vertical takeoff."
    assert filled(model, text, "drone", code=True)
    assert not filled(model, text, "drone")  # no code: the word "model" is nowhere
    boss = slot_of("who is aeroserv's boss")
    assert not stated(boss, ["Aeroserv maintains the engines of the Corvane C-190."], idf, fake_embed)


def test_an_owner_the_whole_corpus_is_about_needs_no_attachment() -> None:
    minister = slot_of("who is north korea's foreign minister", "")
    text = "Kim's delegation also likely includes his foreign minister, Choe Sun Hui."
    common = {"north": 0.1, "korea": 0.1}
    assert stated(minister, [text], lambda t: common.get(t, 2.0), fake_embed)
    assert not stated(minister, [text], lambda t: 2.0, fake_embed)  # a specific owner stands by its slot


def test_refusal_words_use_the_question_words() -> None:
    party = "which party is tove lien from"
    assert refusal_words(slot_of(party, "party"), party) == ("tove lien", "which party")
    assert refusal_words(slot_of("who is aeroserv's boss"), "who is aeroserv's boss") == (
        "aeroserv",
        "who aeroserv's boss is",
    )
    governor = "Who is the governor of Ardesh province?"
    assert refusal_words(slot_of(governor), governor) == ("ardesh province", "who the governor is")
    mussels = "which village are the mussels near"
    assert refusal_words(slot_of(mussels, "village"), mussels) == ("the mussels", "which village")
    chip = "what chip is in the x7"
    assert refusal_words(slot_of(chip, "chip"), chip) == ("the x7", "what chip")


# -- the reader ---------------------------------------------------------------------------------


def test_the_reader_refuses_an_attribute_no_chosen_sentence_states() -> None:
    with policies.using(ON):
        ex = ask("Which party is Tove Lien from?", LIEN, OTHER)
    assert ex.refused and not ex.attribute_stated
    assert ex.reason == extractive.REFUSAL_ATTRIBUTE.format(owner="“tove lien”", what="which party")
    with policies.using(OFF):  # the flag off: the reader answers with the mention
        assert not ask("Which party is Tove Lien from?", LIEN, OTHER).refused


def test_the_reader_answers_when_a_sentence_states_the_attribute_by_its_owner() -> None:
    with policies.using(ON):
        ex = ask("Which party is Tove Lien from?", LIEN_PARTY, OTHER)
    assert not ex.refused and ex.attribute_stated


def test_plain_questions_are_never_checked() -> None:
    with policies.using(ON):
        ex = ask("What did Tove Lien say about the decision?", LIEN, OTHER)
    assert ex.attribute_stated
