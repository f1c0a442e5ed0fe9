"""Who/which questions whose role no passage fills (`rag.role` and its hooks in the reader).

Pure logic on small passages of our own; the reader runs with the bag-of-words fake
embedder of tests/test_extractive.py (word vectors of single words are then exact
matches only, so near synonyms are given explicitly where a test needs one).
"""

from __future__ import annotations

import pytest

from rag import extractive
from rag import policy as policies
from rag.role import Role, asked_role, fills, refusal_words, stated_in, states
from tests.test_extractive import ask

BRIDGE = (
    "Chandler's Bridge, the main road crossing of the River Quell in Ostbridge, will close to cars "
    "for ten weeks from February for repairs to its supports, the regional authority said."
)


def role_of(question: str, noun: str = "", predicate: str = "", kinds: tuple[str, ...] = ("person",)) -> Role:
    role = asked_role(question, noun, predicate, kinds)
    assert role is not None, question
    return role


def span_of(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


# -- reading the role a question asks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "noun", "predicate", "kinds", "expected"),
    [
        ("Who designed Chandler's Bridge?", "", "", ("person",), ("designed",)),
        ("who hacked telvara", "", "", ("person",), ("hacked",)),
        ("which architects designed quell point", "architects", "", (), ("architects", "designed")),
        ("who is dalia novak married to", "", "", ("person",), ("married",)),
        ("which team does peeters ride for", "team", "ride", (), ("team", "ride")),
        ("who did he meet on saturday", "", "meet", ("person",), ("meet",)),
        ("who is elvor's ceo", "", "", ("person",), ("ceo",)),
        ("who is the incident commander", "", "", ("person",), ("commander",)),
        ("which prison is declan frost in", "prison", "", (), ("prison",)),
        ("which official presented kim with the drones", "official", "", ("person",), ("presented",)),
        (
            "who is north korea's foreign minister, thought to be in the delegation",
            "",
            "",
            ("person",),
            ("minister",),
        ),
    ],
)
def test_the_role_is_read_from_the_question_shape(
    question: str, noun: str, predicate: str, kinds: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert role_of(question, noun, predicate, kinds).words == expected


@pytest.mark.parametrize(
    ("question", "noun", "kinds"),
    [
        ("who is greta falk", "", ("person",)),  # an identity, no role
        ("who got hurt in the storm", "", ("person",)),  # a light verb names no role
        ("who doesnt have to pay the charge", "", ("person",)),  # negated
        ("which wildfire was bigger, serra alta or pinecrest", "wildfire", ()),  # options are asked
        ("which year did the bridge open", "year", ("time",)),  # a time, not an entity
        ("who scored the winner and when", "", ("time", "person")),
        ("what colour was the van", "colour", ()),  # the kind of a thing: another check's
        ("when did the bridge close", "", ("time",)),
    ],
)
def test_questions_that_ask_no_role_to_fill(question: str, noun: str, kinds: tuple[str, ...]) -> None:
    assert asked_role(question, noun, "", kinds) is None


# -- does a sentence fill it ------------------------------------------------------------------


def test_an_entity_of_a_sentence_that_never_states_the_role_does_not_fill_it() -> None:
    role = role_of("who designed chandler's bridge")
    verdict = fills(
        role, BRIDGE, span_of(BRIDGE, "River Quell"), frozenset({"who", "designed", "chandler", "bridge"})
    )
    assert not verdict.ok and verdict.why == "absent"
    assert not states(role, BRIDGE)


def test_the_role_stated_literally_or_by_a_derived_form_fills_it() -> None:
    role = role_of("who designed chandler's bridge")
    asked = frozenset({"who", "designed", "chandler", "bridge"})
    for text, name in [
        ("The bridge was designed by the engineer Mara Holt of Leeds in 1890.", "Mara Holt"),
        ("Its designer, Mara Holt, later built two more bridges on the river.", "Mara Holt"),
        ("Mara Holt, who was 31 at the time, designed the bridge for the city.", "Mara Holt"),
    ]:
        assert fills(role, text, span_of(text, name), asked).ok, text
        assert states(role, text)


def test_the_role_stated_far_from_the_entity_does_not_fill_it() -> None:
    role = role_of("who hacked telvara")
    text = (
        "Hackers have stolen the names and addresses of 1.4 million customers of Telvara, in what "
        "the Data Protection Authority called the largest breach ever reported."
    )
    verdict = fills(
        role, text, span_of(text, "Data Protection Authority"), frozenset({"who", "hacked", "telvara"})
    )
    assert not verdict.ok and verdict.why == "far"
    assert states(role, text)  # "hackers": the role is stated, only not by that entity


def test_an_aside_after_the_entity_is_skipped_but_a_clause_break_is_not() -> None:
    role = role_of("who scored in the final")
    asked = frozenset({"who", "scored", "final"})
    aside = "Rovers led when Oskar Brede, the teenager whose late header won the cup, scored again."
    assert fills(role, aside, span_of(aside, "Oskar Brede"), asked).ok
    broken = "Oskar Brede watched from the bench; the visitors scored twice in the second half."
    assert not fills(role, broken, span_of(broken, "Oskar Brede"), asked).ok


def test_an_entity_made_of_the_question_words_is_the_question_subject() -> None:
    role = role_of("who designed the new st ode's wing")
    text = "The new wing of St Ode's Hospital, designed by local firms, opens in Halvik."
    verdict = fills(
        role,
        text,
        span_of(text, "Ode's Hospital"),
        frozenset({"who", "designed", "new", "st", "ode", "wing"}),
    )
    assert not verdict.ok and verdict.why == "asked"


def test_a_near_synonym_from_word_vectors_states_the_role() -> None:
    role = role_of("who won the presidential election")
    text = "Centrist Tomas Aranel was elected president on Sunday with 52.8 percent."
    assert not states(role, text)
    assert states(role, text, {"won": frozenset({"elected"})})


def test_the_class_noun_is_needed_with_the_verb_unless_the_articles_never_use_it() -> None:
    role = role_of("which submarine did kim tour", "submarine", "tour", ())
    texts = ["Kim's tour of the far east ended on Sunday.", "Russia may help build a nuclear submarine."]
    assert not stated_in(role, texts)  # both words, never in one sentence
    assert stated_in(role, [*texts, "Kim toured the submarine Kazan in the port of Vladivostok."])
    role = role_of("which team does damar hamlin play for", "team", "play", ())
    texts = ["How will the players suit up?\n\nDamar Hamlin of the Buffalo Bills remains in hospital."]
    assert stated_in(role, texts)  # "team" is never used: the verb ("players") states the role
    assert not stated_in(role, ["Damar Hamlin of the Buffalo Bills remains in hospital."])


def test_which_class_needs_a_new_name_next_to_the_class_noun() -> None:
    role = role_of("which prison is declan frost in", "prison", "", ())
    asked = frozenset({"which", "prison", "is", "declan", "frost", "in"})
    vague = "Declan Frost was sentenced to six years in prison on Friday for bribery."
    assert not fills(role, vague, None, asked).ok
    named = "Declan Frost is serving his sentence at Brackwater Prison, his lawyer said."
    assert fills(role, named, None, asked).ok


def test_refusal_words_use_the_question_words() -> None:
    role = role_of("who designed chandler's bridge")
    assert refusal_words("who designed chandler's bridge", {"chandler", "bridge"}, role) == (
        "chandler's bridge",
        "who designed it",
    )
    role = role_of("which prison is declan frost in", "prison", "", ())
    assert refusal_words("which prison is declan frost in", {"declan", "frost"}, role) == (
        "declan frost",
        "which prison is declan frost in",
    )


# -- the reader's hooks ---------------------------------------------------------------------

ROLE_ONLY = policies.Policy(min_score=0.0, min_focus_coverage=0.0, require_role=True)
OTHER = "Ostbridge City Council approved a budget of 431 million dollars for 2026 on Wednesday."


def test_the_reader_refuses_a_role_no_passage_states_in_the_question_words() -> None:
    with policies.using(ROLE_ONLY):
        ex = ask("Who designed Chandler's Bridge?", BRIDGE, OTHER)
    assert ex.refused and not ex.role_stated
    assert ex.reason == extractive.REFUSAL_ROLE.format(present="chandler's bridge", what="who designed it")
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.0)):  # the flag off
        assert not ask("Who designed Chandler's Bridge?", BRIDGE, OTHER).refused


def test_the_reader_answers_when_a_passage_states_the_role() -> None:
    designed = "Chandler's Bridge was designed in 1890 by the engineer Mara Holt of Leeds."
    with policies.using(ROLE_ONLY):
        ex = ask("Who designed Chandler's Bridge?", BRIDGE, designed)
    assert not ex.refused and ex.role_stated
    assert any(c.span.text == designed for c in ex.chosen)


def test_the_filled_check_prefers_a_lead_whose_entity_fills_the_role() -> None:
    owner = (
        "The weather satellite Nimbus, launched from Brannock on Tuesday, belongs to the Lindmark "
        "Meteorological Institute."
    )
    builder = "Engineers at Arcline Space built the weather satellite in two years."
    question = "Who built the weather satellite Nimbus launched on Tuesday?"
    off = policies.Policy(min_score=0.0, min_focus_coverage=0.0)
    with policies.using(off):
        assert ask(question, owner, builder).short == "Lindmark Meteorological Institute."  # the owner
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.0, require_role_filled=True)):
        ex = ask(question, owner, builder)
    lead = next(c for c in ex.chosen if c.role == "lead")
    assert not ex.refused and ex.role_filled and lead.span.text == builder
    assert ex.short == "Arcline Space."
