"""Identifying questions: "which NOUN" answered by a mention that identifies nothing (`rag.identify`).

Pure logic on small sentences of our own; the reader runs with the bag-of-words fake embedder of
tests/test_extractive.py (word vectors of single words are then exact matches only, so a near word
is given explicitly where a test needs one).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag import extractive
from rag import policy as policies
from rag.identify import Asked, asked, identifies, mentions, unidentified
from tests.test_extractive import ask, fake_embed

PRISON = "Bram Kessel, the owner of a haulage firm, was sentenced to five years in prison on Monday."
PRISON_NAMED = "Bram Kessel was sent to Wexham Prison on Monday to serve five years."
OTHER = "The council said the new ring road would open in the spring of next year."
ON = policies.Policy(min_score=0.0, min_focus_coverage=0.0, require_identified=True)
OFF = policies.Policy(min_score=0.0, min_focus_coverage=0.0)


def spec(question: str, *, what_noun: bool = False) -> Asked:
    found = asked(question, what_noun=what_noun)
    assert found is not None, question
    return found


# -- reading the noun a question asks to identify --------------------------------------------


@pytest.mark.parametrize(
    ("question", "noun", "kind", "wh"),
    [
        ("which prison is bram kessel in", "prison", False, "which"),
        ("which companies run the city's hire bikes", "companies", False, "which"),
        ("which film won the golden reel in 2023", "film", False, "which"),  # "won" is the verb
        ("which of the 12 other bridges had cracks too", "bridges", False, "which"),
        ("what kind of lorry did they steal", "lorry", True, "what kind"),
        ("what brand of gin did they serve", "gin", False, "what brand"),
        ("what model was the survey drone", "drone", False, "what model"),
        ("which rifle model did the minister get", "rifle", False, "which model"),
        ("Prices rose last year. Which Dornish town saw the biggest rise?", "town", False, "which"),
        ("which customer's satellites flew on the third launch", "customer", False, "which"),
    ],
)
def test_the_noun_is_read_from_the_question_shape(question: str, noun: str, kind: bool, wh: str) -> None:
    found = spec(question)
    assert (found.noun, found.kind, found.wh) == (noun, kind, wh)


@pytest.mark.parametrize(
    "question",
    [
        "which bridge was longer, the kelby or the aster",  # a comparison of options the question names
        "which one did he buy",  # a frame noun
        "which years did the cartel run",  # a frame noun
        "ok so which had the higher turnout",  # a verb after "which"
        "what gifts did the mayor receive",  # a plain "what NOUN" ...
        "what growth does the bank expect",
        "who designed the new library",  # no which/what
    ],
)
def test_questions_that_ask_to_identify_nothing_have_no_noun(question: str) -> None:
    assert asked(question) is None


def test_a_plain_what_noun_counts_only_when_a_name_answers_it() -> None:
    assert asked("what company got the contracts") is None
    assert spec("what company got the contracts", what_noun=True).noun == "company"
    assert asked("what company", what_noun=True) is None  # no verb after it: not the shape


# -- whether a sentence identifies the noun --------------------------------------------------


def test_a_bare_noun_identifies_nothing() -> None:
    prison = spec("which prison is bram kessel in")
    assert mentions(prison, PRISON) and not identifies(prison, PRISON)  # a name, but not by "prison"
    assert identifies(prison, PRISON_NAMED)
    firms = spec("which companies run the city's hire bikes")
    assert not identifies(firms, "The bikes are run by three companies under a two-year licence.")
    van = spec("what kind of van did they use")
    assert not identifies(van, "Police traced the men through the number plate of their van.")


def test_a_name_identifies_before_after_in_apposition_or_when_called() -> None:
    company = spec("which company built the pool", what_noun=True)
    assert identifies(company, "The pool was built by Harlow Construction, a company from the north.")
    assert identifies(company, "The pool was built by a local company, Harlow Construction, in 2019.")
    assert identifies(company, "It was built by a company called Harlow Construction.")
    river = spec("which river did the train cross")
    assert identifies(river, "The train crossed the Tamsin River at dawn.")
    club = spec("which club does pelle play for")
    assert identifies(club, "Pelle, who plays his club football for Ostvik United, scored twice.")


def test_a_name_behind_a_place_preposition_or_a_question_name_identifies_nothing() -> None:
    company = spec("by which company?")
    near = frozenset({"manufacturer"})
    text = "The chips are made by a contract manufacturer in Taiwan."
    assert mentions(company, text, near) and not identifies(company, text, near)
    assert identifies(company, "The chips are made by a contract manufacturer, Foxwell, in Taiwan.", near)
    club = spec("which club does pelle play for")
    assert not identifies(club, "The club said Pelle would be fit for Saturday.")  # the question's own name


def test_a_model_code_or_a_dated_event_identifies() -> None:
    drone = spec("what model was the survey drone")
    assert identifies(drone, "He was given a ‘Kestrel-40’ survey drone with a thermal camera.")
    assert not identifies(drone, "He was given a survey drone with a thermal camera.")
    floods = spec("which floods damaged the bridge")
    assert identifies(floods, "Inspections after the floods of March 2021 found the piers damaged.")


def test_for_a_kind_question_a_modifier_identifies() -> None:
    boat = spec("what kind of boat did he buy")
    assert identifies(boat, "He bought a fishing boat and two flats.")
    assert not identifies(boat, "He bought two flats and a boat.")
    brand = spec("what brand of boat did he buy")
    assert not identifies(brand, "He bought a fishing boat and two flats.")  # a brand needs a name


def test_a_generic_mention_is_not_a_mention() -> None:
    town = spec("which dornish town saw the biggest rise")
    assert not mentions(town, "Prices in Elmar rose 9%, the most of any town.")


def test_unidentified_needs_a_mention_and_no_identification() -> None:
    prison = spec("which prison is bram kessel in")
    assert unidentified(prison, [PRISON, OTHER])
    assert not unidentified(prison, [PRISON, PRISON_NAMED])
    assert not unidentified(prison, [OTHER])  # never mentioned: not this check's to judge
    # a near word by word vectors (the fake embedder has none for "jail")
    assert not unidentified(prison, ["Kessel is in jail."], fake_embed)


# -- the reader ---------------------------------------------------------------------------------


def test_the_reader_refuses_a_noun_it_mentions_without_identifying() -> None:
    with policies.using(ON):
        ex = ask("Which prison is Bram Kessel in?", PRISON, OTHER)
    assert ex.refused and not ex.noun_identified
    assert ex.reason == extractive.REFUSAL_UNIDENTIFIED.format(noun="“prison”", what="which prison")
    with policies.using(OFF):  # the flag off: the reader answers with the mention
        assert not ask("Which prison is Bram Kessel in?", PRISON, OTHER).refused


def test_the_reader_answers_when_a_sentence_identifies_the_noun() -> None:
    with policies.using(ON):
        ex = ask("Which prison is Bram Kessel in?", PRISON_NAMED, OTHER)
    assert not ex.refused and ex.noun_identified


def test_a_kind_question_is_refused_in_its_own_words() -> None:
    with policies.using(ON):
        ex = ask("What kind of van did Kessel use?", "Kessel loaded the stolen cable into his van at night.")
    assert ex.refused
    assert ex.reason == extractive.REFUSAL_UNIDENTIFIED.format(noun="“van”", what="what kind")


def test_calibration_replays_the_check_as_the_reader_decides() -> None:
    from evals.calibrate import refuses

    for text in (PRISON, PRISON_NAMED):
        with policies.using(ON):
            ex = ask("Which prison is Bram Kessel in?", text, OTHER)
        assert refuses(ON, ex) == ex.refused
        assert not refuses(OFF, ex)


@pytest.mark.parametrize(
    ("question", "text", "bare"),
    [
        ("by which company?", "The chips are made by a contract manufacturer in Taiwan.", True),  # indefinite
        ("which schools had clinics", "Clinics opened at three primary schools last week.", True),  # a number
        (
            "what kind of van did they use",
            "Police traced the number plate of their van.",
            True,
        ),  # a possessive
        (
            "which prison is he in",
            "He was sentenced to five years in prison.",
            True,
        ),  # singular after a preposition
        (
            "which company sued",
            "The company said it would appeal.",
            False,
        ),  # definite: refers back to a named one
        ("which company sued", "Layoffs spread at tech companies this winter.", False),  # a generic plural
        (
            "which crops did they grow",
            "Farmers grow crops such as barley and rye.",
            False,
        ),  # a list names them
        ("which company sued", "He sold some company stock last year.", False),  # a noun modifying another
        (
            "which virus",
            "It protects against rhinoviral fever, a common virus of winter.",
            False,
        ),  # apposition
    ],
)
def test_only_a_bare_mention_leaves_the_noun_unidentified(question: str, text: str, bare: bool) -> None:
    from rag.identify import bare_mention

    assert bare_mention(spec(question, what_noun=True), text, frozenset({"manufacturer"})) == bare


# -- requests for a name ("what's the name of the nurse", "what were they called") -------------

NURSE_BARE = "The trust said a nurse would see patients two mornings a week at the town hall in Wendle."
NURSE_NAMED = "The trust said its nurse, Ruth Olsen, would see patients two mornings a week at the town hall."
NAMED_OFF = policies.Policy(min_score=0.0, min_focus_coverage=0.0, require_answer_type=False)
NAMED_ON = replace(NAMED_OFF, require_named=True)


@pytest.mark.parametrize(
    ("question", "noun", "wh"),
    [
        ("whats the name of the nurse at wendle town hall", "nurse", "the name"),
        ("what are the names of the five fishermen", "fishermen", "the names"),
        ("what was the name of the little girl rescued", "girl", "the name"),  # a verb ends the phrase
        ("what were the ghost employees called", "employees", "the name"),
        ("what are reg tanners sons called", "sons", "the name"),
        ("whats her sons name", "sons", "the name"),
        ("what's the union leader's name", "leader", "the name"),
        ("whats the name of hatice oral's son", "son", "the name"),  # the owner is passed over
        ("what will the bridge be called", "bridge", "the name"),
        ("What was the name of the Russian navy frigate Kim visited?", "frigate", "the name"),
    ],
)
def test_a_request_for_a_name_reads_the_noun_named(question: str, noun: str, wh: str) -> None:
    from rag.identify import asked_name

    found = asked_name(question)
    assert found is not None, question
    assert (found.noun, found.wh) == (noun, wh)


@pytest.mark.parametrize(
    "question",
    [
        "whats his name",  # no noun: who "he" is comes from the conversation
        "whats the name",
        "whats a good name for a golden retriever puppy",  # a name for, not of
        "what did the company name its new drug",  # "name" as a verb
        "who did fenwick name as health minister",
        "did they keep the name",
        "why is the cyclone called amara",  # asks why, not what
        "what will the merged company be called",  # a verb form in the phrase: no plain noun
    ],
)
def test_other_questions_with_name_or_called_request_no_name(question: str) -> None:
    from rag.identify import asked_name

    assert asked_name(question) is None


def test_the_reader_refuses_a_request_for_a_name_it_answers_with_a_bare_mention() -> None:
    question = "whats the name of the nurse at wendle town hall"
    with policies.using(NAMED_ON):
        ex = ask(question, NURSE_BARE, OTHER)
    assert ex.refused and not ex.name_identified
    assert ex.reason == extractive.REFUSAL_UNIDENTIFIED.format(noun="“nurse”", what="the name")
    with policies.using(NAMED_ON):  # a sentence that names the nurse answers
        ex = ask(question, NURSE_NAMED, OTHER)
    assert not ex.refused and ex.name_identified
    with policies.using(NAMED_OFF):  # the flag off: the reader answers with the mention
        assert not ask(question, NURSE_BARE, OTHER).refused


def test_calibration_replays_the_name_check_as_the_reader_decides() -> None:
    from evals.calibrate import refuses

    for text in (NURSE_BARE, NURSE_NAMED):
        with policies.using(NAMED_ON):
            ex = ask("whats the name of the nurse at wendle town hall", text, OTHER)
        assert refuses(NAMED_ON, ex) == ex.refused
        assert not refuses(NAMED_OFF, ex)


def test_a_request_for_a_name_is_read_with_its_whats_stripped() -> None:
    from rag.identify import asked_name

    for question, noun in (("the name of the nurse at wendle town hall", "nurse"), ("her sons name", "sons")):
        found = asked_name(question)
        assert found is not None and found.noun == noun
    assert asked_name("the council named a new chief") is None  # no request shape


@pytest.mark.parametrize(
    ("text", "given"),
    [
        ("The zoo's red panda twins have been named Bao and Ling after a public vote.", True),
        ('Reyk won the prize with his first novel, "Winter Ledger", the story of a harbour clerk.', True),
        ('"We thought we were ready this time," says Tom Iqbal.', False),  # speech: a stop inside
        ('Four "ghost employees" were kept on the payroll after they had left.', False),
        ("The council named a new chief executive on Monday.", False),  # no name follows
        ("A nurse will see patients two mornings a week at the town hall.", False),
    ],
)
def test_a_request_for_a_name_is_answered_by_a_name_given_anywhere(text: str, given: bool) -> None:
    from rag.identify import asked_name

    cubs = asked_name("what are the red panda cubs called")
    assert cubs is not None
    answer = ["Two red panda cubs were born at the city zoo on June 18, the zoo said.", text]
    assert unidentified(cubs, answer) is not given


def test_quote_marks_do_not_hide_a_bare_mention() -> None:
    from rag.identify import asked_name, bare_mention

    ghosts = asked_name("what were the ghost employees called")
    assert ghosts is not None
    assert bare_mention(ghosts, 'The prosecutor said four "ghost employees" were kept on the payroll.')
    assert not bare_mention(ghosts, 'The prosecutor said the "ghost employees" were kept on the payroll.')
