"""The answer object every backend returns and the CLI, UI, API and evals read.

An `Answer` holds the text with inline markers `[1]`, `[2]`; the numbered
sources (one number per article within an answer, with the exact quoted
passages and their offsets); per-sentence citation checks; whether it refused
(and the related passages it offers instead); the retrieved chunks with
scores; the backend; token usage; latency; a notice when another
route than the configured one answered; an id that feedback refers to. `to_dict()` is its JSON form.

It does not produce or verify answers (`rag.extractive`, `rag.llm`, `rag.verify`).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

REFUSAL_TEXT = "I don't know based on these articles."


@dataclass
class Quote:
    text: str
    start: int  # offsets into the article's cleaned text
    end: int
    chunk_id: str = ""


@dataclass
class Source:
    n: int
    doc_id: str
    title: str
    published: str
    source: str
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Citation:
    """One marker on one answer sentence, and whether the cited article supports it."""

    n: int
    doc_id: str
    title: str
    sentence: int  # index into Answer.sentences
    quote: str  # the passage of the article that best supports the sentence
    start: int
    end: int
    verified: bool
    score: float
    added: bool = False  # attached by verification to a sentence the backend left uncited
    # how `verified` was decided: "similarity" (offline), "llm" (a judge), "total" (the cited sentence's
    # addends sum to it), "yes-no" (a "Yes."/"No.": always unverified, quoting the sentence after it)
    method: str = "similarity"


@dataclass
class AnswerSentence:
    text: str  # without markers
    citations: list[int] = field(default_factory=list)
    supported: bool = True  # false: a factual sentence no source supports (flagged)
    # (start, end) offsets in `text` of the fact the answer opened with (or a total's addends):
    # the interface marks them; `text` and `Answer.answer` stay plain
    highlights: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Retrieved:
    doc_id: str
    chunk_id: str
    score: float
    title: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    dense_score: float | None = None
    bm25_score: float | None = None


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    backend: str
    standalone_question: str = ""
    model: str | None = None
    sources: list[Source] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    sentences: list[AnswerSentence] = field(default_factory=list)
    retrieved: list[Retrieved] = field(default_factory=list)
    related: list[Retrieved] = field(default_factory=list)
    refusal_reason: str = ""
    usage: dict[str, int] = field(default_factory=dict)  # an LLM's token counts; empty offline
    latency_ms: float = 0.0
    # One line for the reader when the answer came by another route than asked for
    # (for example: the language model was unavailable, so the offline reader answered).
    notice: str = ""
    # Names this answer for feedback: votes refer to the answer the server actually gave.
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def source(self, n: int) -> Source | None:
        return next((s for s in self.sources if s.n == n), None)

    @property
    def searched_for(self) -> str | None:
        """The standalone query, when it differs from what was typed."""
        query = self.standalone_question.strip()
        return query if query and query != self.question.strip() else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["searched_for"] = self.searched_for
        data["latency_ms"] = round(self.latency_ms, 1)
        return data
