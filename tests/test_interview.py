"""An interview's answer is read with the question printed before it."""

from __future__ import annotations

from rag.interview import asked_before


def _asks(text: str) -> bool:
    return text.rstrip().endswith("?")


def test_an_answer_is_paired_with_the_question_printed_before_it() -> None:
    spans = [
        (0, 40, "The baker opened her shop on Mill Lane."),
        (42, 75, "How long did the oven take to fix?"),
        (77, 89, "Three weeks."),
        (90, 120, "The council paid for the repair."),
    ]
    assert asked_before(spans, _asks) == {2: "How long did the oven take to fix?"}


def test_no_pair_across_a_gap_or_two_questions() -> None:
    spans = [
        (0, 30, "Why did you close in March?"),
        (60, 80, "The rent doubled."),  # a paragraph or more away: no answer of it
        (82, 100, "Will you reopen?"),
        (102, 130, "Is the lease signed?"),
    ]
    assert asked_before(spans, _asks) == {}


def test_the_reader_answers_from_an_interview_answer() -> None:
    from rag import policy as policies
    from tests.test_extractive import answer_text, ask

    article = (
        "Baker Ines Moor reopened the Mill Lane bakery on Monday after the oven broke in June. "
        "We spoke to her in the shop.\n\n"
        "How long did the oven repair take?\n\n"
        "Nine weeks. The part had to come from Lyon.\n\n"
        "The bakery sells about 400 loaves a day."
    )
    question = "how long did the oven repair at the mill lane bakery take"
    with policies.using(policies.Policy(read_interview=True)):
        ex = ask(question, article)
    assert not ex.refused and "Nine weeks." in answer_text(ex)
    with policies.using(policies.Policy(read_interview=False)):
        ex = ask(question, article)
    assert "Nine weeks." not in answer_text(ex)
