"""A parenthesis the user typed at the end of a question is asked; the context words a follow-up's
rewrite appends in parentheses (`rag.followup`) are not. The reader (`ExtractiveAnswerer`) tells
`rag.extractive` which it is. Small passages of our own, read with the bag-of-words fake embedder."""

from __future__ import annotations

from rag import policy as policies
from rag.answerer import AnswerRequest, History
from rag.extractive import analyse
from rag.followup import rewrite
from rag.reader import ExtractiveAnswerer, appended_context
from rag.retrieve import Retrieval
from tests.test_answer_first import _Snap
from tests.test_extractive import fake_embed, idf, retrieval

OPEN = policies.Policy(min_score=0.0, require_answer_type=False, min_focus_coverage=0.0)
GROWTH = (
    "Telvara expected growth of 3 percent this year, the company said in its 2024 annual report. "
    "In a new forecast, Telvara expects growth of 7 percent in 2025."
)


def test_a_typed_parenthesis_is_read_as_asked() -> None:
    typed = analyse("what growth does telvara expect this year (2025)", context=False)
    assert "2025" in typed.names
    appended = analyse("what growth does telvara expect this year (2025)")
    assert "2025" not in appended.names


def _draft(question: str, history: History) -> list[str]:
    standalone = rewrite(question, history) if history else question
    found = retrieval(standalone, GROWTH)
    found.snapshot = _Snap(GROWTH)  # type: ignore[assignment]
    request = AnswerRequest(question, standalone, found, embed=fake_embed, idf=idf, history=history)
    with policies.using(OPEN):
        draft = ExtractiveAnswerer().draft(request)
    return [text for text, _ in draft.sentences]


def test_the_reader_reads_the_year_the_user_typed_in_parentheses() -> None:
    sentences = _draft("what growth does telvara expect this year (2025)", [])
    assert "7 percent" in sentences[0]  # read without the year, the 2024 forecast would lead


def test_only_a_rewritten_follow_up_has_context_appended() -> None:
    history: History = [
        {"role": "user", "content": "what did telvara forecast in 2024"},
        {"role": "assistant", "content": "Telvara expected growth of 3 percent this year [1]."},
    ]

    def request(question: str, past: History) -> AnswerRequest:
        standalone = rewrite(question, past) if past else question
        return AnswerRequest(
            question, standalone, Retrieval(standalone, []), embed=fake_embed, idf=idf, history=past
        )

    assert appended_context(request("and what do they expect now", history))  # "(telvara forecast 2024)"
    assert not appended_context(request("what growth does telvara expect this year (2025)", []))
    # a follow-up that stands on its own is not rewritten: its parenthesis is the user's
    assert not appended_context(request("what growth does telvara expect for the year (2025)", history))
