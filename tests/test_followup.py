"""The deterministic follow-up rewrite: elliptical follow-ups and the context words carried (pure logic)."""

from __future__ import annotations

from dataclasses import replace

from rag import extractive
from rag import policy as policies
from rag.extractive import CONTEXT_SUFFIX, analyse
from rag.followup import Said, asking_words, elliptical, frame, new_focus, restated, restates, rewrite, said
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


def test_what_the_previous_turn_said_is_read_as_terms() -> None:
    history = conversation(
        "how much did brannock's new pool cost", "610 million crowns.[1] It opened in March.[1]"
    )
    before = said(history)
    assert len(before.answer) == 2 and "610" in before.answer[0]
    assert {"brannock", "pool", "610"} <= before.terms
    assert said([]) == Said() and said(conversation("who won", "")).answer == ()


def test_a_sentence_restating_the_previous_answer_is_no_new_answer() -> None:
    history = conversation("how much did brannock's new pool cost", "610 million crowns.[1]")
    before = said(history)
    focus = analyse("and what was it meant to cost").focus
    assert new_focus(focus, before) == ["meant"]  # "cost" was asked before
    old = set(base_terms("The Brannock Aquatic Centre, which opened in March, cost 610 million crowns."))
    new = set(base_terms("The centre was meant to cost 385 million crowns when it was approved."))
    assert restated(old, before, lambda t: 1.0) == 1.0
    assert restates(old, focus, before, lambda t: 1.0)
    assert not restates(new, focus, before, lambda t: 1.0)  # it states "meant": something new
    # a sentence that repeats the earlier answer but states what the follow-up asks is an answer
    dogs = conversation("how many rescuers did norvaland send", "45 rescuers.[1]")
    sentence = set(base_terms("Norvaland will send a team of 45 rescuers and eight search dogs."))
    assert not restates(sentence, analyse("and dogs?").focus, said(dogs), lambda t: 1.0)
    # without a previous answer nothing is restated
    assert not restates(old, focus, said([]), lambda t: 1.0)


HELIX = (
    "Helix data centre approved at Brackwater",
    "Helix data centre approved at Brackwater\n\n"
    "The Brackwater data centre was approved in July, the council said on Friday. "
    "Helix expects the Brackwater data centre to be ready in 2027.",
)


def read(question: str, history: list[dict[str, str]] | None) -> extractive.Extract:
    title, text = HELIX
    passages = [Passage("d0::c::0000", "d0", title, "", "", text, 0, len(text))]
    found = Retrieval(question, passages, query_embedding=fake_embed([question])[0])
    return extractive.extract(question, found, embed=fake_embed, idf=lambda t: 2.0, history=history)


def test_a_follow_up_is_not_answered_with_the_previous_answer_again() -> None:
    history = conversation(
        "what did helix data get approved", "The Brackwater data centre was approved in July."
    )
    query = rewrite("when will it open", history)
    alone = read(query, None)
    assert alone.chosen[0].span.text.startswith("The Brackwater data centre was approved")  # without history
    ex = read(query, history)
    assert ex.chosen[0].span.text.startswith("Helix expects the Brackwater")
    assert not ex.restated and ex.new_focus == ("open",)


def test_a_follow_up_whose_only_lead_restates_the_previous_answer_may_be_refused() -> None:
    history = conversation(
        "what did helix data get approved",
        "The Brackwater data centre was approved in July.[1] "
        "Helix expects the Brackwater data centre to be ready in 2027.[1]",
    )
    query = rewrite("when was it approved", history)
    ex = read(query, history)
    assert ex.restated
    with policies.using(replace(policies.current(), refuse_restated=True)):
        ex = read(query, history)
    assert ex.refused and ex.reason == extractive.REFUSAL_RESTATED_BARE, ex.reason


def test_the_previous_questions_asking_words_are_not_carried() -> None:
    assert asking_words("how many died in storm berit") == {"how", "many"}
    assert asking_words("whats brightwells fine after the appeal") == {"whats"}
    history = conversation("how long was the oriel-halvik line shut", "Nine days.")
    assert rewrite("when did it reopen", history) == "when did it reopen (oriel halvik line shut)"
