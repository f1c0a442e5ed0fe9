"""The sentence of the lead's own article that states what the lead leaves open (rag.samesent)."""

from __future__ import annotations

import pytest

from rag import extractive, samesent
from rag.extractive import extract
from rag.retrieve import Passage, Retrieval
from rag.sentences import base_terms, words
from rag.wordvec import Embed


def option(text: str, score: float = 0.5) -> samesent.Option:
    return samesent.Option(frozenset(base_terms(text)), frozenset(words(text)), score)


FOCUS = (("nordcargo", "nordcargo"), (base_terms("cracks")[0], "cracks"), (base_terms("wagons")[0], "wagons"))
WEIGHT = {t: 1.0 for t, _ in FOCUS}
LEAD = "The wagons belong to Nordcargo, which leases them to freight customers."
FACT = "It found cracks on four other wheels, which were replaced."
PADDING = "The wagons were built in 2009 and carry grain for Nordcargo."


def test_residue_is_the_focus_the_lead_does_not_state() -> None:
    missing = samesent.residue(FOCUS, set(base_terms(LEAD)))
    assert [w for _, w in missing] == ["cracks"]
    assert samesent.residue(FOCUS, set(base_terms(LEAD)), frozenset({"cracks"})) == []


def test_the_sentence_stating_the_residue_is_picked_over_a_better_scoring_one() -> None:
    missing = samesent.residue(FOCUS, set(base_terms(LEAD)))
    options = [option(PADDING, 0.6), option(FACT, 0.2)]
    assert samesent.best(options, missing, WEIGHT, {}, lead_score=0.6) == 1


def test_a_word_near_in_meaning_states_the_residue() -> None:
    focus = (("kill", "killed"), ("fenna", "fenna"))
    missing = samesent.residue(focus, set(base_terms("Storm Fenna brought gusts of up to 131 km/h.")))
    quiet = option("No deaths or serious injuries were reported.", 0.1)
    assert samesent.best([quiet], missing, {"kill": 1.0, "fenna": 1.0}, {}, lead_score=0.4) is None
    near = {"killed": frozenset({"deaths"})}
    assert samesent.best([quiet], missing, {"kill": 1.0, "fenna": 1.0}, near, lead_score=0.4) == 0


def test_nothing_is_picked_without_a_residue_or_far_below_the_lead() -> None:
    assert samesent.best([option(FACT)], [], WEIGHT, {}, lead_score=0.5) is None
    missing = samesent.residue(FOCUS, set(base_terms(LEAD)))
    assert samesent.best([option(FACT, 0.01)], missing, WEIGHT, {}, lead_score=0.6) is None


def test_the_new_sentence_takes_a_free_place_or_replaces_one_stating_less() -> None:
    assert samesent.slot([None, 0.0], 1.0, free=True) == -1
    assert samesent.slot([None, 0.0, 1.0], 1.0, free=False) == 1  # the one stating none of it
    assert samesent.slot([None, 0.0, 0.0], 1.0, free=False) == 2  # the later on a tie
    assert samesent.slot([None, 0.9, 1.0], 1.0, free=False) is None  # they state it already
    assert samesent.slot([None, None, None], 1.0, free=False) is None  # lead and its continuations


FENNA_TITLE = "Storm Fenna cuts power to 88,000 homes, closes Oskirk line"
NO_DEATHS = "No deaths or serious injuries were reported."
FENNA = (
    f"{FENNA_TITLE}\n\n"
    "Storm Fenna brought gusts of up to 131 km/h to Brennmark on Friday, cutting power to 88,000 homes. "
    "The weather office said Fenna was the sixth named storm of the season. "
    "Trains between Oskirk and Ebbington stopped for the day after trees fell on the line. "
    "Fenna is expected to weaken as it moves east on Saturday. "
    "Ferries to the islands were cancelled. "
    f"{NO_DEATHS}"
)


def ask(question: str, embed: Embed, title: str, text: str, published: str = "") -> list[str]:
    """The sentences the reader quotes from one article (one passage), asserting it answers."""
    passages = [Passage("d0::c::0000", "d0", title, published, "", text, 0, len(text))]
    found = Retrieval(question, passages, query_embedding=embed([question])[0])
    ex = extract(question, found, embed=embed, idf=lambda t: 2.0)
    assert not ex.refused
    return [c.span.text for c in ex.chosen]


def test_the_reader_quotes_the_sentence_that_states_what_the_lead_leaves_open(
    embed: Embed, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "was anyone killed by fenna"
    assert NO_DEATHS in ask(question, embed, FENNA_TITLE, FENNA)
    # the yes/no verdict (`rag.verdict`) finds the same sentence by its negation: off, samesent alone
    settle = extractive._settle
    monkeypatch.setattr(extractive, "_settle", lambda q, result, lead, quoted, *rest: quoted)
    quoted = ask(question, embed, FENNA_TITLE, FENNA)
    assert NO_DEATHS in quoted and len(quoted) <= 3
    monkeypatch.setattr(samesent, "MIN_RESIDUE_SHARE", 2.0)  # the residue never suffices: today's order
    assert NO_DEATHS not in ask(question, embed, FENNA_TITLE, FENNA)
    monkeypatch.setattr(extractive, "_settle", settle)  # the verdict alone quotes it too
    assert NO_DEATHS in ask(question, embed, FENNA_TITLE, FENNA)
