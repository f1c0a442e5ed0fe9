"""The deterministic follow-up rewrite: elliptical follow-ups and the context words carried (pure logic)."""

from __future__ import annotations

from rag.extractive import CONTEXT_SUFFIX, analyse
from rag.followup import elliptical, frame, rewrite


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
