"""The answerer contract: a request in, text deltas out, a `Draft` as the return value.

Every way of writing an answer implements `Answerer`: the offline reader (`rag.reader.
ExtractiveAnswerer`) and the LLM answerer (`rag.llm.OpenAIAnswerer`). The engine holds one
answerer (and optionally a fallback) and never asks which kind it is: it condenses a follow-up
with `condense`, retrieves, and drives `answer`, a generator that yields text as it is written
and returns the `Draft`. `name` and `model` say who answered (`Answer.backend`, `Answer.model`).

`AnswerRequest` is what the engine has assembled for one question: the question as typed, the
standalone question retrieval used, the retrieved passages (instruction-like sentences already
masked by `rag.safety`), the conversation before it, and two shared read-only helpers: the engine's
cached sentence embedder and the index's term rarity (`idf`). An answerer may ignore any of them.

This module holds no answerer and imports none; it does not retrieve, number or verify.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rag.draft import Draft
    from rag.retrieve import Retrieval

Embed = Callable[[list[str]], list[list[float]]]  # texts -> unit vectors
History = list[dict[str, str]]  # [{"role": "user" | "assistant", "content": ...}], oldest first


@dataclass(frozen=True)
class AnswerRequest:
    """One question, ready to be answered."""

    question: str  # as the user typed it (cleaned)
    standalone: str  # the question retrieval ran with: a follow-up rewritten to stand alone
    retrieval: Retrieval  # passages as answerers may read them (instruction-like sentences masked)
    embed: Embed  # the engine's sentence embedder (cached, shared with verification)
    idf: Callable[[str], float]  # rarity of a stemmed term in the index
    history: History = field(default_factory=list)


class Answerer(Protocol):
    """Draft in, events out: what the engine needs of any answerer."""

    name: str  # the backend, as `Answer.backend` reports it: "extractive", "openai", ...
    model: str | None  # the model that writes the answers, if any

    def condense(self, question: str, history: History) -> str:
        """The follow-up `question` as a standalone question for retrieval (`history` is non-empty)."""
        ...

    def answer(self, request: AnswerRequest) -> Generator[str, None, Draft]:
        """Yield the answer's text as it is written; return it as a `Draft`.

        An answerer whose service is unreachable or refuses the key raises `LLMUnavailableError` or
        `LLMAuthError`; the engine then answers with its fallback, if it has one.
        """
        ...
