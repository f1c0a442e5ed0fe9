"""What the chat app, the widget and the API share: one engine, limits, feedback.

`ChatService` loads the answer engine lazily (once, thread-safe; a failure such
as a missing index is reported on every question until it is fixed, without a
restart), bounds how many answers are computed at once (`RAG_CONCURRENCY`) and
how many questions may wait for a slot (`RAG_QUEUE_SIZE`; past it a question is
refused at once with `Busy`), applies the per-client rate limit
(`RAG_RATE_LIMIT`, off by default; feedback has its own bucket at the same
rate) and records feedback on the answers it gave recently (`record_feedback`,
JSON lines, size-capped and rotated). `friendly()` turns any exception into a
message for the user; unexpected ones are logged with their traceback on the
server and never shown.

Waiting for a slot holds no thread in the HTTP server (`Slots.acquire_async`);
the Gradio app, which runs on its own worker threads, waits with
`Slots.acquire`. A slot is an object released exactly once, whoever gets there
first (the finished answer, a closed stream, a disconnected client).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.answer import Answer
from rag.errors import RagError

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.engine import Engine

log = logging.getLogger("rag.ui")

UNEXPECTED = "Something went wrong while answering. The error was logged on the server; please try again."
BUSY_WAIT_S = 120.0  # how long a queued question waits for a free answering slot
BUSY_RETRY_AFTER_S = 5  # Retry-After sent with a "busy" 503
RECENT_ANSWERS = 1000  # answers remembered for feedback (id -> question, answer, citations)
MAX_COMMENT_CHARS = 1000
MAX_FEEDBACK_RECORD_BYTES = 16 * 1024  # one JSON line, after trimming long fields
FEEDBACK_BACKUPS = 3  # feedback.jsonl.1 .. .3 kept when the file is rotated
FEEDBACK_SURFACES = ("chat", "embed", "api")
VOTES = ("up", "down", None)


class RateLimited(RagError):
    """The client asked more questions per minute than RAG_RATE_LIMIT allows."""

    def __init__(self, retry_after: float, what: str = "asking questions"):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"You are {what} faster than this server allows. Try again in {self.retry_after} s.")


class Busy(RagError):
    """Every answering slot is taken and the queue is full, or the wait was too long."""

    retry_after = BUSY_RETRY_AFTER_S


class UnknownAnswer(RagError):
    """Feedback names an answer this server did not give (or no longer remembers)."""


class FeedbackError(RagError, ValueError):
    """The feedback cannot be recorded as given (a bad vote, surface or comment)."""


class RateLimiter:
    """An in-memory token bucket per client: `per_minute` requests, refilled continuously."""

    def __init__(
        self, per_minute: int, *, clock: Callable[[], float] = time.monotonic, what: str = "asking questions"
    ):
        self.per_minute = per_minute
        self.clock = clock
        self.what = what
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
                raise RateLimited((1.0 - tokens) / rate, self.what)
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > 10000:  # forget clients whose bucket is full again
                full = [k for k, (t, at) in self._buckets.items() if t + (now - at) * rate >= self.per_minute]
                for key in full:
                    del self._buckets[key]


# -- answering slots --------------------------------------------------------------------
class Slot:
    """One answering slot; `release()` is idempotent and thread-safe."""

    def __init__(self, slots: Slots):
        self._slots = slots
        self._released = False
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            if self._released:
                return
            self._released = True
        self._slots._give_back()


class _Waiter:
    def __init__(self, loop: asyncio.AbstractEventLoop | None = None):
        self.granted = False
        self.loop = loop
        self.event = threading.Event()
        self.future: asyncio.Future[None] | None = loop.create_future() if loop is not None else None

    def grant(self) -> None:  # called under the Slots lock
        self.granted = True
        if self.future is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(_resolve, self.future)
        else:
            self.event.set()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Slots:
    """`size` answering slots and a FIFO queue of at most `queue_size` waiters (threads or tasks)."""

    def __init__(self, size: int, queue_size: int, *, wait_s: float = BUSY_WAIT_S):
        self.size = size
        self.queue_size = queue_size
        self.wait_s = wait_s
        self._free = size
        self._waiters: deque[_Waiter] = deque()
        self._lock = threading.Lock()

    @property
    def in_use(self) -> int:
        return self.size - self._free

    @property
    def queued(self) -> int:
        return len(self._waiters)

    def _busy(self) -> Busy:
        return Busy(
            f"The server is busy: {self.size} answers are being computed and {len(self._waiters)} "
            f"questions are waiting. Please try again in a moment."
        )

    def _enqueue(self, waiter: _Waiter) -> bool:
        """True when the slot is taken at once; else queued, or Busy when the queue is full."""
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return True
            if len(self._waiters) >= self.queue_size:
                raise self._busy()
            self._waiters.append(waiter)
            return False

    def _withdraw(self, waiter: _Waiter) -> bool:
        """A waiter gives up (timeout, disconnect): True when it left the queue, False when a slot
        was granted to it meanwhile (it is then the waiter's to use or release)."""
        with self._lock:
            if waiter.granted:
                return False
            self._waiters.remove(waiter)
            return True

    def _give_back(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().grant()
            else:
                self._free += 1

    def acquire(self, timeout: float | None = None) -> Slot:
        """Wait on this thread (the Gradio app's workers)."""
        waiter = _Waiter()
        if self._enqueue(waiter):
            return Slot(self)
        waited = waiter.event.wait(self.wait_s if timeout is None else timeout)
        if not waited and self._withdraw(waiter):
            raise Busy("The server is busy answering other questions. Please try again in a moment.")
        return Slot(self)

    async def acquire_async(self, gone: Callable[[], Awaitable[bool]] | None = None) -> Slot:
        """Wait without a thread; `gone()` (the client disconnected) is polled every half second."""
        waiter = _Waiter(asyncio.get_running_loop())
        if self._enqueue(waiter):
            return Slot(self)
        assert waiter.future is not None
        deadline = time.monotonic() + self.wait_s
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Busy("The server is busy answering other questions. Please try again in a moment.")
                try:
                    await asyncio.wait_for(asyncio.shield(waiter.future), timeout=min(0.5, left))
                    return Slot(self)
                except asyncio.TimeoutError:
                    if gone is not None and await gone():
                        raise asyncio.CancelledError("client disconnected") from None
        except BaseException:
            if not self._withdraw(waiter):
                self._give_back()
            raise


# -- feedback -----------------------------------------------------------------------------
@dataclass
class Vote:
    """A vote as the Gradio app recorded it before answer ids (kept for `FeedbackStore.record`)."""

    vote: str  # "up" or "down"
    question: str
    answer: str
    citations: list[dict[str, Any]]
    channel: str  # "chat", "embed" or "api"
    backend: str | None = None
    model: str | None = None
    searched_for: str | None = None


def _trim(text: Any, limit: int) -> Any:
    return text[:limit] + "…" if isinstance(text, str) and len(text) > limit else text


def bounded_record(row: dict[str, Any]) -> str:
    """One JSON line (ASCII only: U+2028 cannot split it) of at most MAX_FEEDBACK_RECORD_BYTES."""
    line = json.dumps(row, ensure_ascii=True)
    if len(line) < MAX_FEEDBACK_RECORD_BYTES:
        return line + "\n"
    row = dict(row)
    for key, limit in (("question", 2000), ("answer", 4000), ("comment", MAX_COMMENT_CHARS)):
        row[key] = _trim(row.get(key), limit)
    cited = [c for c in list(row.get("citations") or [])[:20] if isinstance(c, dict)]
    row["citations"] = [{k: _trim(v, 300) for k, v in c.items()} for c in cited]
    line = json.dumps(row, ensure_ascii=True)
    while len(line) >= MAX_FEEDBACK_RECORD_BYTES and row["citations"]:
        row["citations"] = row["citations"][:-1]
        line = json.dumps(row, ensure_ascii=True)
    if len(line) >= MAX_FEEDBACK_RECORD_BYTES:
        row["answer"] = _trim(row.get("answer"), 500)
        row["question"] = _trim(row.get("question"), 500)
        line = json.dumps(row, ensure_ascii=True)
    return line + "\n"


class FeedbackStore:
    """Append-only JSON lines, one record per line, written whole under a lock.

    The file is rotated (`feedback.jsonl.1` .. `.FEEDBACK_BACKUPS`) before a line
    would take it past `max_bytes`; the oldest backup is then dropped, so the
    feedback never takes more than (FEEDBACK_BACKUPS + 1) x max_bytes of disk.
    """

    def __init__(self, path: Any, max_bytes: int = 10 * 1024 * 1024):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def append(self, row: dict[str, Any]) -> None:
        line = bounded_record(row)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            if size and size + len(line) > self.max_bytes:
                self._rotate()
            with open(self.path, "a", encoding="ascii") as fh:
                fh.write(line)

    def _rotate(self) -> None:
        for n in range(FEEDBACK_BACKUPS, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            newer = self.path if n == 1 else self.path.with_name(f"{self.path.name}.{n - 1}")
            if newer.exists():
                os.replace(newer, older)
        log.warning("feedback file reached %d bytes; rotated to %s.1", self.max_bytes, self.path.name)

    def record(self, vote: Vote) -> None:
        """The Gradio app's older call (no answer id); new code calls `ChatService.record_feedback`."""
        if vote.vote not in ("up", "down"):
            raise FeedbackError(f"vote must be 'up' or 'down', not {vote.vote!r}")
        self.append({"ts": _now(), "answer_id": None, **vote.__dict__})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_feedback(path: Path | str) -> dict[str, dict[str, Any]]:
    """The current feedback per answer id (its last line wins), from the rotated backups and the file."""
    path = Path(path)
    files = [path.with_name(f"{path.name}.{n}") for n in range(FEEDBACK_BACKUPS, 0, -1)] + [path]
    out: dict[str, dict[str, Any]] = {}
    for file in files:
        if not file.exists():
            continue
        with open(file, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except ValueError:  # a torn last line after a crash
                    continue
                if isinstance(row, dict) and isinstance(row.get("answer_id"), str):
                    out[row["answer_id"]] = row
    return out


def citation_summary(answer: Answer) -> list[dict[str, Any]]:
    """The citations as feedback records keep them."""
    return [
        {"n": c.n, "doc_id": c.doc_id, "title": c.title, "quote": c.quote, "verified": c.verified}
        for c in answer.citations
    ]


def error_status(exc: BaseException) -> int:
    """The HTTP status for `exc`: 400 bad question, 404 unknown answer, 429 rate limit, 503 unavailable."""
    from rag.engine import QuestionError

    if isinstance(exc, (QuestionError, FeedbackError)):
        return 400
    if isinstance(exc, UnknownAnswer):
        return 404
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
        self.slots = Slots(settings.concurrency, settings.queue_size)
        self.limiter = RateLimiter(settings.rate_limit)
        self.feedback_limiter = RateLimiter(settings.rate_limit, what="sending feedback")
        self.feedback = FeedbackStore(settings.feedback_path, settings.feedback_max_mb * 1024 * 1024)
        self._recent: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._recent_lock = threading.Lock()

    # -- engine ---------------------------------------------------------------------
    def engine(self) -> Engine:
        with self._engine_lock:
            if self._engine is None:
                if self._factory is not None:
                    self._engine = self._factory()
                else:
                    from rag.wiring import engine_from_settings

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
    def check(
        self, question: str, history: Sequence[Any] | None = None, *, client: str | None = None
    ) -> None:
        """Fail fast on a bad question or a client over its rate, before queueing for a slot."""
        from rag.engine import clean_history, clean_question

        clean_question(question)
        clean_history(history)
        if client is not None:
            self.limiter.check(client)

    def stream(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        *,
        client: str | None = None,
        slot: Slot | None = None,
    ) -> Iterator[str | Answer]:
        """The engine's stream (text deltas, then the Answer), within the limits.

        With `slot` (taken by the caller, see `Slots.acquire_async`) it neither checks
        nor waits again; the slot is released when the stream ends or is closed.
        """
        try:
            if slot is None:
                self.check(question, history, client=client)
            engine = self.engine()
            if slot is None:
                slot = self.slots.acquire()
            for event in engine.stream(question, history):
                if isinstance(event, Answer):
                    self.remember(event)
                yield event
        finally:
            if slot is not None:
                slot.release()

    def ask(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        *,
        client: str | None = None,
        slot: Slot | None = None,
    ) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, history, client=client, slot=slot):
            if isinstance(event, Answer):
                answer = event
        if answer is None:  # the engine always ends with an Answer
            raise RuntimeError("the engine produced no answer")
        return answer

    # -- feedback -------------------------------------------------------------------
    def remember(self, answer: Answer) -> None:
        """Keep what feedback on `answer` will record (the last RECENT_ANSWERS answers)."""
        entry = {"question": answer.question, "answer": answer.answer, "citations": citation_summary(answer)}
        with self._recent_lock:
            self._recent[answer.id] = entry
            while len(self._recent) > RECENT_ANSWERS:
                self._recent.popitem(last=False)

    def record_feedback(
        self,
        answer_id: str,
        vote: str | None,
        comment: str | None = None,
        surface: str = "api",
        *,
        client: str | None = None,
    ) -> dict[str, Any]:
        """Record (or change, or withdraw with vote=None) the feedback on an answer this server gave."""
        if vote not in VOTES:
            raise FeedbackError(f"The vote must be 'up', 'down' or null, not {vote!r}.")
        if surface not in FEEDBACK_SURFACES:
            raise FeedbackError(f"The surface must be one of {', '.join(FEEDBACK_SURFACES)}.")
        if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT_CHARS):
            raise FeedbackError(f"The comment must be text of at most {MAX_COMMENT_CHARS} characters.")
        if client is not None:
            self.feedback_limiter.check(client)
        with self._recent_lock:
            entry = self._recent.get(str(answer_id))
        if entry is None:
            raise UnknownAnswer(
                "This answer is unknown to the server (it restarted, or the answer is too old); "
                "ask the question again to rate the new answer."
            )
        row = {
            "ts": _now(),
            "answer_id": str(answer_id),
            "vote": vote,
            "comment": comment or None,
            **entry,
            "surface": surface,
        }
        self.feedback.append(row)
        return row
