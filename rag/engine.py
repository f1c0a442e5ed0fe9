"""The answer engine: question in, cited and verified `Answer` out.

`build_engine(index, *, embed_model, answerer=None, fallback=None, ...)` runs the stages with
injected services: the answerer condenses a follow-up (`rag.answerer.Answerer.condense`), hybrid
retrieval (`rag.retrieve`) finds passages, the answerer drafts the answer (`rag.answerer`: the
offline reader `rag.reader` by default, or the LLM `rag.llm`), then the engine numbers the sources
(one number per article, in order of first citation) and verifies every citation (`rag.verify`).
`ask()` returns the whole answer; `stream()` yields text deltas and then the final answer. The
fallback decision (an unavailable answerer, a mostly unsupported answer) is made here, in one place,
without asking which kind of answerer it holds.

It validates questions (empty, too long, too long a history) with clear errors. It reads no
settings and builds no clients (`rag.wiring` does), and never imports gradio.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rag.answer import REFUSAL_TEXT, Answer, AnswerSentence, Quote, Retrieved, Source
from rag.answerer import Answerer, AnswerRequest
from rag.draft import Draft
from rag.errors import LLMAuthError, LLMUnavailableError, RagError
from rag.followup import turns
from rag.index import Index
from rag.reader import ExtractiveAnswerer
from rag.respell import respell
from rag.retrieve import HybridRetriever, Passage, Retrieval
from rag.safety import guarded
from rag.sentvec import CachedEmbedder
from rag.verify import Evidence, Judge, evidence_from_passages, verify

if TYPE_CHECKING:
    from pathlib import Path

    from llama_index.core.base.embeddings.base import BaseEmbedding

MAX_QUESTION_CHARS = 2000
MAX_HISTORY_TURNS = 20
MAX_HISTORY_CHARS = 20000
RELATED_PASSAGES = 3
FALLBACK_NOTICE = "The language model was unavailable; this answer quotes the articles directly."
FALLBACK_AUTH_NOTICE = "The language model refused the API key; this answer quotes the articles directly."
UNSUPPORTED_NOTICE = (
    "The model's answer was mostly unsupported by the articles; this answer quotes them directly."
)
MOSTLY_UNSUPPORTED = 0.5  # share of an LLM answer's sentences flagged unsupported that triggers `unsupported`
log = logging.getLogger(__name__)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QuestionError(RagError):
    """The question or history cannot be answered as given."""

    exit_code = 2


def clean_question(question: object) -> str:
    """The question, normalised; raises QuestionError when it is empty or too long."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    text = CONTROL_CHARS.sub(" ", unicodedata.normalize("NFC", question))
    text = " ".join(text.split())
    if not text:
        raise QuestionError("Please type a question.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}. "
            "Please shorten it."
        )
    return text


def clean_history(history: Sequence[Any] | None) -> list[dict[str, str]]:
    past = [{"role": r, "content": c} for r, c in turns(history)]
    if len(past) > MAX_HISTORY_TURNS:
        past = past[-MAX_HISTORY_TURNS:]  # older turns cannot change the answer
    if sum(len(t["content"]) for t in past) > MAX_HISTORY_CHARS:
        raise QuestionError(
            f"The conversation is longer than {MAX_HISTORY_CHARS} characters; start a new chat."
        )
    return past


def _retrieved(p: Passage) -> Retrieved:
    return Retrieved(
        doc_id=p.doc_id,
        chunk_id=p.chunk_id,
        score=round(p.score, 6),
        title=p.title,
        text=p.text,
        start=p.start,
        end=p.end,
        dense_score=None if p.dense_score is None else round(p.dense_score, 4),
        bm25_score=None if p.bm25_score is None else round(p.bm25_score, 4),
    )


class Engine:
    """Answers questions over one index. Thread-safe; share one per process."""

    def __init__(
        self,
        index: Index,
        *,
        embed_model: BaseEmbedding,
        answerer: Answerer | None = None,
        fallback: Answerer | None = None,
        reader: Answerer | None = None,
        top_k: int = 5,
        cache_dir: Path | None = None,
        judge: Judge | None = None,
        unsupported: str = "flag",
    ):
        self.index = index
        # the offline reader: the default answerer, and the one that replaces a mostly unsupported answer
        self.reader: Answerer = reader if reader is not None else ExtractiveAnswerer()
        self.answerer: Answerer = answerer if answerer is not None else self.reader
        self.fallback = fallback  # answers, with a notice, when the answerer is unavailable: RAG_LLM=auto
        # an answer (not the reader's) with most sentences unsupported: "flag" (show it flagged),
        # "extractive" (the reader answers instead, with a notice), "refuse"
        self.unsupported = unsupported
        self.judge = judge
        self.embed = CachedEmbedder(embed_model)  # the retriever fills it with the stored sentence vectors
        self.retriever = HybridRetriever(
            index, embed_model=embed_model, top_k=top_k, cache_dir=cache_dir, sentences=self.embed
        )

    @property
    def backend(self) -> str:
        return self.answerer.name

    @property
    def model(self) -> str | None:
        return self.answerer.model

    # -- public API ---------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Any] | None = None) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(self, question: str, history: Sequence[Any] | None = None) -> Iterator[str | Answer]:
        """Yield answer text as it is produced, then the final verified `Answer`.

        An answerer that streams nothing (the offline reader) has its finished text yielded once.
        """
        started = time.perf_counter()
        text = clean_question(question)
        past = clean_history(history)
        answer = yield from self._answer_or_fall_back(text, past)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def _answer_with(
        self, answerer: Answerer, text: str, past: list[dict[str, str]]
    ) -> Generator[str, None, Answer]:
        """One answerer's answer: condense, retrieve, draft (streaming its text), number and verify."""
        standalone = answerer.condense(text, past) if past else text
        # the words the question reading corrects are retrieved and read as meant ("turnotu": turnout)
        standalone = respell(standalone, self.retriever.snapshot().df)
        retrieval = self.retriever.retrieve(standalone)
        safe = guarded(retrieval)  # answerers and verification never see instruction-like sentences
        snapshot = safe.snapshot or self.retriever.snapshot()
        request = AnswerRequest(text, standalone, safe, embed=self.embed, idf=snapshot.idf, history=past)
        streamed = False
        drafting = answerer.answer(request)
        try:
            while True:
                try:
                    delta = next(drafting)
                except StopIteration as done:
                    draft: Draft = done.value
                    break
                streamed = True
                yield delta
        finally:  # closed early (the client went away): the answerer closes its upstream stream now
            drafting.close()
        answer = self._finish(text, standalone, safe, draft, answerer, shown=retrieval)
        if not streamed:
            yield answer.answer
        return answer

    # -- the fallback decision, in one place -----------------------------------------
    def _answer_or_fall_back(self, text: str, past: list[dict[str, str]]) -> Generator[str, None, Answer]:
        """The answerer's answer; the fallback's when the answerer is unavailable.

        An unreachable, failing or refusing LLM server (`LLMUnavailableError`, `LLMAuthError`) is the
        only trigger: a bad question or an index problem is not the model's fault and stays an error.
        Without a fallback (RAG_LLM=openai) the clear error propagates. A mostly unsupported answer is
        flagged, refused, or replaced by the reader's (`unsupported`). Text already streamed by an
        answerer that failed mid-answer is superseded by the final Answer, as for every answer.
        """
        try:
            answer = yield from self._answer_with(self.answerer, text, past)
            if self.answerer is self.reader or self.unsupported == "flag" or not mostly_unsupported(answer):
                return answer  # flagged sentences stay visibly flagged
            if self.unsupported == "refuse":
                return self._refuse_unsupported(answer)
            stand_in, notice = self.reader, UNSUPPORTED_NOTICE
        except (LLMUnavailableError, LLMAuthError) as exc:
            if self.fallback is None:
                raise
            log.warning("answering with %s: %s", self.fallback.name, exc)  # messages hold no secrets
            stand_in = self.fallback
            notice = FALLBACK_AUTH_NOTICE if isinstance(exc, LLMAuthError) else FALLBACK_NOTICE
        answer = yield from self._answer_with(stand_in, text, past)
        answer.notice = notice
        return answer

    def _refuse_unsupported(self, answer: Answer) -> Answer:
        answer.refused = True
        answer.refusal_reason = "The model's answer was not supported by the articles."
        answer.answer = f"{REFUSAL_TEXT} {answer.refusal_reason}"
        answer.related = answer.retrieved[:RELATED_PASSAGES]
        answer.sources, answer.citations, answer.sentences = [], [], []
        return answer

    # -- stages ---------------------------------------------------------------------
    def _finish(
        self,
        question: str,
        standalone: str,
        retrieval: Retrieval,
        draft: Draft,
        answerer: Answerer,
        shown: Retrieval | None = None,
    ) -> Answer:
        """Number, verify and package `answerer`'s draft; `shown` is the retrieval as users see it."""
        passages = {p.doc_id: p for p in reversed(retrieval.passages)}  # best chunk per article
        answer = Answer(
            question=question,
            standalone_question=standalone,
            answer="",
            refused=draft.refused,
            backend=answerer.name,
            model=answerer.model,
            retrieved=[_retrieved(p) for p in (shown or retrieval).passages],
        )
        numbers: dict[str, int] = {}
        sentences: list[AnswerSentence] = []
        for i, (text, doc_ids) in enumerate(draft.sentences):
            cited = [d for d in doc_ids if d in passages]
            for doc_id in cited:
                numbers.setdefault(doc_id, len(numbers) + 1)
            marks = [(a, b) for a, b in draft.highlights.get(i, []) if 0 <= a < b <= len(text)]
            sentences.append(
                AnswerSentence(text=text, citations=[numbers[d] for d in cited], highlights=marks)
            )
        for doc_id, n in numbers.items():
            p = passages[doc_id]
            answer.sources.append(
                Source(n, doc_id, p.title, p.published, p.source, draft.quotes.get(doc_id, []))
            )
        if draft.refused or not sentences:
            answer.refused = True
            answer.refusal_reason = draft.reason
            answer.answer = REFUSAL_TEXT + (f" {draft.reason}" if draft.reason else "")
            answer.related = answer.retrieved[:RELATED_PASSAGES]
            answer.sources = []
        else:
            evidence = self._evidence(retrieval, numbers)
            answer.citations = verify(sentences, evidence, embed=self.embed, judge=self.judge)
            answer.sentences = sentences
            for c in answer.citations:  # a citation added by verification joins the source list
                source = answer.source(c.n)
                if source is None:
                    p = passages[c.doc_id]
                    source = Source(c.n, c.doc_id, p.title, p.published, p.source)
                    answer.sources.append(source)
                known = c.doc_id in draft.quotes or any(q.start == c.start for q in source.quotes)
                if c.verified and not known:  # an LLM names no passages: quote what verification found
                    source.quotes.append(Quote(c.quote, c.start, c.end))
            _renumber(answer)
        if draft.prompt_tokens or draft.completion_tokens:  # an LLM's tokens; the offline reader uses none
            answer.usage = {
                "prompt_tokens": draft.prompt_tokens,
                "completion_tokens": draft.completion_tokens,
                "total_tokens": draft.prompt_tokens + draft.completion_tokens,
            }
        return answer

    def _evidence(self, retrieval: Retrieval, numbers: dict[str, int]) -> list[Evidence]:
        """Each article's retrieved passages, split into sentences, numbered as in the answer."""
        by_doc: dict[str, list[tuple[str, int, str]]] = {}
        titles: dict[str, str] = {}
        for p in retrieval.passages:
            by_doc.setdefault(p.doc_id, []).append((p.text, p.start, p.chunk_id))
            titles[p.doc_id] = p.title
        numbers = dict(numbers)
        evidence: list[Evidence] = []
        next_n = max(numbers.values(), default=0) + 1
        for doc_id, passages in by_doc.items():
            if doc_id not in numbers:  # uncited article: a candidate for an added citation
                numbers[doc_id] = next_n
                next_n += 1
            evidence.extend(evidence_from_passages(numbers[doc_id], doc_id, titles[doc_id], passages))
        return evidence


def mostly_unsupported(answer: Answer) -> bool:
    """More than `MOSTLY_UNSUPPORTED` of the answer's sentences are flagged unsupported."""
    flagged = sum(not s.supported for s in answer.sentences)
    return not answer.refused and flagged > MOSTLY_UNSUPPORTED * len(answer.sentences)


def _renumber(answer: Answer) -> None:
    """Number sources 1..m in order of first citation in the answer text."""
    order: dict[int, int] = {}
    for sentence in answer.sentences:
        for n in sentence.citations:
            order.setdefault(n, len(order) + 1)
    for sentence in answer.sentences:
        sentence.citations = [order[n] for n in sentence.citations]
    for citation in answer.citations:
        citation.n = order.get(citation.n, citation.n)
    answer.sources = sorted((s for s in answer.sources if s.n in order), key=lambda s: order[s.n])
    for source in answer.sources:
        source.n = order[source.n]
    answer.answer = " ".join(
        s.text + "".join(f"[{n}]" for n in s.citations) if s.citations else s.text for s in answer.sentences
    )


def build_engine(
    index: Index,
    *,
    embed_model: BaseEmbedding,
    answerer: Answerer | None = None,
    fallback: Answerer | None = None,
    reader: Answerer | None = None,
    top_k: int = 5,
    cache_dir: Path | None = None,
    judge: Judge | None = None,
    unsupported: str = "flag",
) -> Engine:
    """An engine over `index` with the given services (nothing is built here; `rag.wiring` builds them).

    `answerer` writes the answers (default: the offline reader, `rag.reader.ExtractiveAnswerer`).
    `fallback` answers, with a notice, when `answerer` is unreachable or fails (RAG_LLM=auto).
    `reader` is the offline reader (default: a new `ExtractiveAnswerer`): the answerer when none is
    given, and the one that replaces a mostly unsupported answer (`unsupported="extractive"`); the
    unsupported policy never applies to its own answers.
    `judge` (claim, passage) -> bool | None lets an LLM decide citation checks (`rag.verify`).
    `unsupported`: what becomes of an answer whose sentences are mostly unsupported.
    """
    return Engine(
        index,
        embed_model=embed_model,
        answerer=answerer,
        fallback=fallback,
        reader=reader,
        top_k=top_k,
        cache_dir=cache_dir,
        judge=judge,
        unsupported=unsupported,
    )
