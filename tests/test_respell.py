"""Typos respelled before retrieval (`rag.respell`) and the readings it writes out (`rag.question`)."""

from __future__ import annotations

from collections import Counter

from rag.extractive import analyse
from rag.question import Vocabulary, read
from rag.respell import respell, surface
from rag.sentences import content_terms

CORPUS = (
    "Turnout in the Halvard election was 61 percent, the electoral commission said. "
    "The Greens won the election with 44 seats in the 120-seat parliament. "
    "The storm reached Category 3 before it hit the port of Dunmore on Tuesday. "
    "Police arrested two men after the Pinecrest fire destroyed 40 homes. "
    "Anyone living near the river was told to leave, the mayor said. "
    "The mayor said she would refuse to resign."
)


def df() -> Counter[str]:
    return Counter(content_terms(CORPUS))


def reading(question: str):  # type: ignore[no-untyped-def]
    q = analyse(question)
    return read(q.focus, q.names, Vocabulary(df()))


def test_a_typo_of_a_corpus_word_is_written_as_that_word() -> None:
    assert respell("halvard turnotu?", df()) == "halvard turnout?"
    assert respell("what caetgory was the storm", df()) == "what category was the storm"
    assert respell("how many homes did the pincrest fire destroy", df()) == (
        "how many homes did the pinecrest fire destroy"
    )
    # a name's stem ("dunmor") is written as the typed word's neighbour that stems to it
    assert respell("when did it hit Dunore", df()) == "when did it hit Dunmore"
    assert surface("dunmor", "dunore") == "dunmore"
    assert surface("sale", "sals") == "sales" and surface("sale", "saled") == "sale"  # words, as typed
    assert surface("tove", "tovve") == "tove"  # a letter doubled: the slip, not "tovee"
    assert surface("tarsk", "tarks") == "tarsk"  # a name as the articles write it, not "tarsks"


def test_clean_questions_names_and_english_words_stay_as_typed() -> None:
    for question in (
        "who won the halvard election",
        "what did zelensky say about the fire",  # a name the articles never mention stays unknown
        "what colour was the storm",  # an English word they never use is asked as typed
        "how many seats did the greens win in 2024",
        "did the mayor reuse the port",  # a common English word, though one letter from "refuse"
    ):
        assert respell(question, df()) == question
    assert respell("anything", Counter()) == "anything"  # no index yet: nothing to read against


def test_chat_forms_are_written_out_but_not_inside_other_words() -> None:
    assert respell("wat did the mayor say", df()) == "what did the mayor say"
    assert respell("wen did u leave b4 the storm", df()) == "when did you leave before the storm"
    assert respell("how many ppl r homeless", df()) == "how many ppl are homeless"  # the reader's "ppl"
    # "u.s.", "r&b", capitalised "U": no chat forms
    assert respell("what did the u.s. say", df()) == "what did the u.s. say"
    assert respell("was r&b played", df()) == "was r&b played"
    assert respell("what did U say", df()) == "what did U say"
    assert respell("did u.", df()) == "did you."  # a full stop after it is no abbreviation


def test_a_spelling_as_said_reads_as_its_word() -> None:
    r = reading("who won the halvard elecshun")
    assert ("elecshun", "elect") in r.corrected and r.unknown == ()
    assert respell("who won the halvard elecshun", df()) == "who won the halvard election"
    # the articles' word ("anyone"), or failing that a common English word ("graphic")
    assert respell("did anieone leave", df()) == "did anyone leave"
    r = reading("did the mayor show a grafic")
    assert r.unknown == () and ("grafic", "graphic") in r.corrected
    assert dict(r.unseen)["grafic"] > 6  # asked as that word, as common as it
    # no sound-alike spelling makes a name a word: still unknown
    assert reading("what did berendtz say").unknown == ("berendtz",)


def test_a_slip_typing_an_english_word_the_articles_never_use_reads_as_that_word() -> None:
    # "cloour" is "colour" with two letters swapped: asked as "colour", which must then be stated
    r = reading("what cloour was the storm")
    assert ("cloour", "colour") in r.corrected and r.unknown == ()
    assert respell("what cloour was the storm", df()) == "what colour was the storm"
    # and the attribute read from the respelled question is the one the question means
    assert analyse(respell("what cloour was the storm", df())).head == "colour"


def test_a_mistyped_contraction_is_part_of_the_frame() -> None:
    # "thars" is "thats" with a neighbouring key: no focus, no name
    r = reading("thanks thars all")
    assert r.unknown == () and "thars" not in {w for _, w in r.focus}
