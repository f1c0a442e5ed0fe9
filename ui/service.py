"""What the chat app, the widget and the API share: one engine, limits, feedback.

`ChatService` loads the answer engine lazily (once, thread-safe; a failure such
as a missing index is reported on every question until it is fixed, without a
restart), bounds how many answers are computed at once (`RAG_CONCURRENCY`),
applies the per-client rate limit (`RAG_RATE_LIMIT`, off by default) and
records thumbs up/down as JSON lines under the data directory. `friendly()`
turns any exception into a message for the user; unexpected ones are logged
with their traceback on the server and never shown.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from rag.answer import Answer
from rag.errors import RagError

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.engine import Engine

log = logging.getLogger("rag.ui")

UNEXPECTED = "Something went wrong while answering. The error was logged on the server; please try again."
BUSY_WAIT_S = 120.0  # how long a question waits for a free answering slot


class RateLimited(RagError):
    """The client asked more questions per minute than RAG_RATE_LIMIT allows."""

    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            f"You are asking questions faster than this server allows. Try again in {self.retry_after} s."
        )


class Busy(RagError):
    """Every answering slot stayed taken for too long."""


class RateLimiter:
    """An in-memory token bucket per client: `per_minute` questions, refilled continuously."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill)
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Take one token for `client`, or raise RateLimited with the wait in seconds."""
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                raise RateLimited((1.0 - tokens) / rate)
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > 10000:  # forget clients whose bucket is full again
                full = [k for k, (t, at) in self._buckets.items() if t + (now - at) * rate >= self.per_minute]
                for key in full:
                    del self._buckets[key]


@dataclass
class Vote:
    vote: str  # "up" or "down"
    question: str
    answer: str
    citations: list[dict[str, Any]]
    channel: str  # "chat", "embed" or "api"
    backend: str | None = None
    model: str | None = None
    searched_for: str | None = None


class FeedbackStore:
    """Append-only JSON lines; one line per vote, written whole under a lock."""

    def __init__(self, path: Any):
        self.path = path
        self._lock = threading.Lock()

    def record(self, vote: Vote) -> None:
        if vote.vote not in ("up", "down"):
            raise ValueError(f"vote must be 'up' or 'down', not {vote.vote!r}")
        row = {"ts": datetime.now(timezone.utc).isoformat(timespec="seconds"), **vote.__dict__}
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)


def citation_summary(answer: Answer) -> list[dict[str, Any]]:
    """The citations as feedback records keep them."""
    return [
        {"n": c.n, "doc_id": c.doc_id, "title": c.title, "quote": c.quote, "verified": c.verified}
        for c in answer.citations
    ]


def error_status(exc: BaseException) -> int:
    """The HTTP status for `exc`: 400 bad question, 429 rate limit, 503 unavailable, 500 else."""
    from rag.engine import QuestionError

    if isinstance(exc, QuestionError):
        return 400
    if isinstance(exc, RateLimited):
        return 429
    if isinstance(exc, RagError):
        return 503
    return 500


def friendly(exc: BaseException) -> str:
    """The message a user sees for `exc`; never a traceback."""
    if isinstance(exc, RagError):
        log.warning("could not answer: %s", exc)  # the details, for the operators' /status page
        return str(exc)
    log.error("unexpected error while answering", exc_info=exc)
    return UNEXPECTED


class ChatService:
    """One engine per process, shared by every session; see the module docstring."""

    def __init__(self, settings: Settings, engine_factory: Callable[[], Engine] | None = None):
        self.settings = settings
        self._factory = engine_factory
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self.limiter = RateLimiter(settings.rate_limit)
        self.feedback = FeedbackStore(settings.feedback_path)

    # -- engine ---------------------------------------------------------------------
    def engine(self) -> Engine:
        with self._engine_lock:
            if self._engine is None:
                if self._factory is not None:
                    self._engine = self._factory()
                else:
                    from rag.engine import engine_from_settings

                    self._engine = engine_from_settings(self.settings)
            return self._engine

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def warm_up(self) -> None:
        """Load the engine now, in the background, so the first answer is fast."""

        def load() -> None:
            try:
                self.engine()
            except Exception as exc:  # reported again on the first question
                log.warning("engine not ready yet: %s", friendly(exc))

        threading.Thread(target=load, name="rag-warm-up", daemon=True).start()

    @property
    def backend(self) -> str:
        if self._engine is not None:
            return self._engine.backend
        return self.settings.llm_backend

    @property
    def model(self) -> str | None:
        if self._engine is not None:
            return self._engine.model
        return self.settings.openai_model if self.settings.llm_backend == "openai" else None

    # -- answering ------------------------------------------------------------------
    def stream(
        self, question: str, history: Sequence[Any] | None = None, *, client: str | None = None
    ) -> Iterator[str | Answer]:
        """The engine's stream (text deltas, then the Answer), within the limits."""
        from rag.engine import clean_history, clean_question

        clean_question(question)  # fail fast on a bad question, before taking a slot
        clean_history(history)
        if client is not None:
            self.limiter.check(client)
        engine = self.engine()
        if not self._slots.acquire(timeout=BUSY_WAIT_S):
            raise Busy("The server is busy answering other questions. Please try again in a moment.")
        try:
            yield from engine.stream(question, history)
        finally:
            self._slots.release()

    def ask(
        self, question: str, history: Sequence[Any] | None = None, *, client: str | None = None
    ) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, history, client=client):
            if isinstance(event, Answer):
                answer = event
        if answer is None:  # the engine always ends with an Answer
            raise RuntimeError("the engine produced no answer")
        return answer
