"""The deterministic follow-up rewrite: elliptical follow-ups and the context words carried (pure logic)."""

from __future__ import annotations

from rag import extractive
from rag.extractive import CONTEXT_SUFFIX, analyse
from rag.followup import asking_words, covering, elliptical, frame, rewrite, spoken_of
from rag.retrieve import Passage, Retrieval
from rag.sentences import base_terms
from tests.test_extractive import fake_embed


def conversation(question: str, answer: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def test_an_elliptical_follow_up_borrows_the_previous_questions_frame() -> None:
    history = conversation(
        "how long did the 2025 heatwave last",
        "Six days.[1] The heatwave lasted six days, one more than in 2023.[1]",
    )
    # all it names is a year: the previous question with that year in place of its own
    assert rewrite("and the one in 2023?", history) == "how long did the 2023 heatwave last"
    assert rewrite("and the x8?", conversation("how much is the lumen x7", "799 euros.[1]")) == (
        "how much is the lumen x8"
    )
    # otherwise the previous question's frame: the reader knows a duration is wanted
    query = rewrite("and the one in the south?", history)
    assert CONTEXT_SUFFIX.sub("", query).startswith("how long did the one in the south")
    assert analyse(query).types == ("duration",)
    # the previous answer's number word is not carried
    assert "six" not in query.lower() and "heatwave" in query
    query = rewrite("what about the 2023 one in the south", history)
    assert "2025" not in query and "2023" in query  # the year it replaces is not carried
    # the previous answer's names answered the other subject: not carried
    history = conversation(
        "who won the men's marathon in 2023", "Daniel Kiprono.[1] Kiprono won in Dunmore.[1]"
    )
    assert (
        rewrite("what about the women's race", history) == "who won the women's race? (men's marathon 2023)"
    )
    assert "kiprono" in rewrite("when did he win", history).lower()  # not elliptical: the answer's names stay


def test_only_a_noun_phrase_is_elliptical() -> None:
    assert elliptical("and the one in 2023?") == "the one in 2023"
    assert elliptical("how about the 512gb version") == "the 512gb version"
    for question in ("and where were they supposed to go", "and did putin say yes", "and is it approved"):
        assert elliptical(question) == ""
    assert elliptical("who came second?") == ""
    assert frame("how many seats did labour win") == "how many seats did"
    assert frame("what's the price of the x8") == "what is"
    assert frame("who won the final") == "who won"
    assert frame("tell me about storm berit") == ""


def test_wh_words_of_the_previous_question_are_not_context() -> None:
    query = rewrite("how about the 512gb version", conversation("what's the price of the x8", "949 euros."))
    assert "what's" not in query and "price" in query


def test_a_quantity_is_no_model_code() -> None:
    query = rewrite("how about the 512gb version", conversation("what's the price of the x8", "949 euros."))
    assert "x8" in query and "512gb" in query


RUNOFF = (
    "Aranel wins Marrenia's presidential runoff",
    "Aranel wins Marrenia's presidential runoff\n\n"
    "Tomas Aranel won Marrenia's presidential runoff on Sunday, beating Irene Casalvo with 52.8 percent. "
    "Turnout was up for the second time in a row, and many voters came by bus from the villages.",
)


def read(question: str, history: list[dict[str, str]] | None) -> extractive.Extract:
    title, text = RUNOFF
    passages = [Passage("d0::c::0000", "d0", title, "", "", text, 0, len(text))]
    found = Retrieval(question, passages, query_embedding=fake_embed([question])[0])
    return extractive.extract(question, found, embed=fake_embed, idf=lambda t: 2.0, history=history)


def test_a_follow_up_is_read_with_the_subject_of_the_question_before_it() -> None:
    history = conversation("who won marrenia's presidential runoff", "Tomas Aranel, with 52.8 percent.")
    query = rewrite("who came second?", history)
    alone = read(query, None)  # its own words only: the lead says neither "came" nor "second"
    assert alone.refused and "“came”" in alone.reason
    ex = read(query, history)  # the runoff is the subject: the sentence on it that names the runner-up
    assert not ex.refused and "Irene Casalvo" in ex.chosen[0].span.text
    # a word no passage uses is asked and unanswered, whatever the subject
    query = rewrite("whats her sons name", history)
    assert read(query, history).refused


def test_the_subject_counts_only_when_the_passages_speak_of_the_follow_ups_words() -> None:
    subject = analyse("who won marrenia's presidential runoff").focus
    focus = analyse("who came second?").focus
    assert [w for _, w in covering(focus, subject)] == [
        "came",
        "second",
        "won",
        "marrenia",
        "presidential",
        "runoff",
    ]
    assert covering(focus, focus) == tuple(focus)
    stated = set(base_terms("Casalvo came second in the runoff."))
    assert spoken_of(focus, stated)
    assert not spoken_of(analyse("when's her birthday").focus, stated)


def test_the_previous_questions_asking_words_are_not_carried() -> None:
    assert asking_words("how many died in storm berit") == {"how", "many"}
    assert asking_words("whats brightwells fine after the appeal") == {"whats"}
    history = conversation("how long was the oriel-halvik line shut", "Nine days.")
    assert rewrite("when did it reopen", history) == "when did it reopen (oriel halvik line shut)"
