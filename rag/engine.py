"""The answer engine: question in, cited and verified `Answer` out.

`build_engine(index, *, embed_model, llm=None, ...)` wires the stages with
injected services: follow-up rewrite (`rag.followup`), hybrid retrieval
(`rag.retrieve`), an answerer (extractive, or an LLM from `rag.llm`), source
numbering (one number per article, in order of first citation), and citation
verification (`rag.verify`). `ask()` returns the whole answer; `stream()`
yields text deltas and then the final answer.

It validates questions (empty, too long, too long a history) with clear errors.
It builds no clients itself and never imports gradio.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from rag.answer import REFUSAL_TEXT, Answer, AnswerSentence, Quote, Retrieved, Source
from rag.errors import LLMAuthError, LLMUnavailableError, RagError
from rag.extractive import extract
from rag.followup import rewrite, turns
from rag.index import Index
from rag.retrieve import HybridRetriever, Passage, Retrieval
from rag.safety import guarded
from rag.sentences import CITATION_MARKER, split_sentences
from rag.sentvec import CachedEmbedder
from rag.verify import Evidence, Judge, evidence_from_passages, verify

if TYPE_CHECKING:
    from pathlib import Path

    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.config import Settings

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


class LLMAnswerer(Protocol):
    """What the engine needs of an LLM backend (`rag.llm.OpenAIAnswerer`)."""

    model: str

    def condense(self, question: str, history: list[dict[str, str]]) -> str: ...

    def answer(
        self, question: str, standalone: str, retrieval: Retrieval, history: list[dict[str, str]]
    ) -> Generator[str, None, Draft]: ...


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


@dataclass
class Draft:
    """What an answerer produced, before numbering and verification."""

    sentences: list[tuple[str, list[str]]]  # sentence text, cited doc_ids
    quotes: dict[str, list[Quote]]  # doc_id -> passages the answerer used
    refused: bool
    reason: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0


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


def attach_markers(text: str) -> list[tuple[str, list[int]]]:
    """Split answer text into sentences with the numbers of the markers each carries.

    A marker written after the full stop ("... cameras. [1]") belongs to the
    sentence before it.
    """
    text = re.sub(r"([.!?][\"'”’)]*)((?:\s*\[\d{1,3}\])+)", r"\2\1", text)
    out: list[tuple[str, list[int]]] = []
    for span in split_sentences(text):
        numbers = [int(m) for m in CITATION_MARKER.findall(span.text)]
        bare = CITATION_MARKER.sub("", span.text).strip()
        bare = re.sub(r"\s+([.!?,;:])", r"\1", bare)
        if bare:
            out.append((bare, list(dict.fromkeys(numbers))))
        elif out:
            out[-1][1].extend(n for n in numbers if n not in out[-1][1])
    return out


class Engine:
    """Answers questions over one index. Thread-safe; share one per process."""

    def __init__(
        self,
        index: Index,
        *,
        embed_model: BaseEmbedding,
        llm: LLMAnswerer | None = None,
        top_k: int = 5,
        cache_dir: Path | None = None,
        judge: Judge | None = None,
        fallback: bool = False,
        unsupported: str = "flag",
        condense_with_llm: bool = False,
    ):
        self.index = index
        self.condense_with_llm = condense_with_llm
        # an LLM answer with most sentences unsupported: "flag" (show it flagged), "extractive", "refuse"
        self.unsupported = unsupported
        self.llm = llm
        self.fallback = fallback  # answer offline (with a notice) when the LLM fails: RAG_LLM=auto
        self.judge = judge
        self.embed = CachedEmbedder(embed_model)  # the retriever fills it with the stored sentence vectors
        self.retriever = HybridRetriever(
            index, embed_model=embed_model, top_k=top_k, cache_dir=cache_dir, sentences=self.embed
        )

    @property
    def backend(self) -> str:
        return "openai" if self.llm else "extractive"

    @property
    def model(self) -> str | None:
        return self.llm.model if self.llm else None

    # -- public API ---------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Any] | None = None) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(self, question: str, history: Sequence[Any] | None = None) -> Iterator[str | Answer]:
        """Yield answer text as it is produced, then the final verified `Answer`."""
        started = time.perf_counter()
        text = clean_question(question)
        past = clean_history(history)
        if self.llm:
            answer = yield from self._answer_or_fall_back(self.llm, text, past)
        else:
            answer = self._answer_offline(text, past)
            yield answer.answer
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def _answer_offline(self, text: str, past: list[dict[str, str]]) -> Answer:
        standalone = rewrite(text, past)
        retrieval = self.retriever.retrieve(standalone)
        safe = guarded(retrieval)  # answerers and verification never see instruction-like sentences
        answer = self._finish(
            text, standalone, safe, self._extractive(text, standalone, safe), shown=retrieval
        )
        answer.backend, answer.model = "extractive", None
        return answer

    def _answer_with_llm(
        self, llm: LLMAnswerer, text: str, past: list[dict[str, str]]
    ) -> Generator[str, None, Answer]:
        # the model condenses a follow-up only when asked: a small local model spends as long on that
        # extra call as on the answer, all of it before the first token (bench.llm measured 74 s)
        standalone = llm.condense(text, past) if (past and self.condense_with_llm) else rewrite(text, past)
        retrieval = self.retriever.retrieve(standalone)
        safe = guarded(retrieval)
        draft = yield from llm.answer(text, standalone, safe, past)
        return self._finish(text, standalone, safe, draft, shown=retrieval)

    # -- the fallback decision, in one place -----------------------------------------
    def _answer_or_fall_back(
        self, llm: LLMAnswerer, text: str, past: list[dict[str, str]]
    ) -> Generator[str, None, Answer]:
        """The LLM's answer; with `fallback` (RAG_LLM=auto), the offline reader's when the LLM fails.

        An unreachable, failing or refusing LLM server (`LLMUnavailableError`, `LLMAuthError`) is the
        only trigger: a bad question or an index problem is not the model's fault and stays an error.
        Without `fallback` (RAG_LLM=openai) the clear error propagates. Text already streamed from a
        model that failed mid-answer is superseded by the final Answer, as for every answer.
        """
        try:
            answer = yield from self._answer_with_llm(llm, text, past)
            if not mostly_unsupported(answer) or self.unsupported == "flag":
                return answer  # flagged sentences stay visibly flagged
            if self.unsupported == "refuse":
                return self._refuse_unsupported(answer)
            notice = UNSUPPORTED_NOTICE
        except (LLMUnavailableError, LLMAuthError) as exc:
            if not self.fallback:
                raise
            log.warning("answering offline: %s", exc)  # the operator's clue; messages hold no secrets
            notice = FALLBACK_AUTH_NOTICE if isinstance(exc, LLMAuthError) else FALLBACK_NOTICE
        answer = self._answer_offline(text, past)
        answer.notice = notice
        yield answer.answer
        return answer

    def _refuse_unsupported(self, answer: Answer) -> Answer:
        answer.refused = True
        answer.refusal_reason = "The model's answer was not supported by the articles."
        answer.answer = f"{REFUSAL_TEXT} {answer.refusal_reason}"
        answer.related = answer.retrieved[:RELATED_PASSAGES]
        answer.sources, answer.citations, answer.sentences = [], [], []
        return answer

    # -- stages ---------------------------------------------------------------------
    def _extractive(self, question: str, standalone: str, retrieval: Retrieval) -> Draft:
        snap = retrieval.snapshot or self.retriever.snapshot()
        ex = extract(standalone, retrieval, embed=self.embed, idf=snap.idf)
        if ex.refused:
            return Draft([], {}, refused=True, reason=ex.reason)
        sentences: list[tuple[str, list[str]]] = []
        if ex.short and ex.short_from is not None:  # answer first, cited like the sentence it comes from
            sentences.append((ex.short, [c.passage.doc_id for c in [ex.short_from, *ex.short_from.also_in]]))
        quotes: dict[str, list[Quote]] = {}
        for cand in ex.chosen:
            copies = [cand, *cand.also_in]
            sentences.append((cand.span.text, [c.passage.doc_id for c in copies]))
            for c in copies:
                quotes.setdefault(c.passage.doc_id, []).append(
                    Quote(c.span.text, c.span.start, c.span.end, c.passage.chunk_id)
                )
        return Draft(sentences, quotes, refused=False)

    def _finish(
        self,
        question: str,
        standalone: str,
        retrieval: Retrieval,
        draft: Draft,
        shown: Retrieval | None = None,
    ) -> Answer:
        """Number, verify and package a draft; `shown` is the retrieval as users see it (unmasked)."""
        passages = {p.doc_id: p for p in reversed(retrieval.passages)}  # best chunk per article
        answer = Answer(
            question=question,
            standalone_question=standalone,
            answer="",
            refused=draft.refused,
            backend=self.backend,
            model=self.model,
            retrieved=[_retrieved(p) for p in (shown or retrieval).passages],
        )
        numbers: dict[str, int] = {}
        sentences: list[AnswerSentence] = []
        for text, doc_ids in draft.sentences:
            cited = [d for d in doc_ids if d in passages]
            for doc_id in cited:
                numbers.setdefault(doc_id, len(numbers) + 1)
            sentences.append(AnswerSentence(text=text, citations=[numbers[d] for d in cited]))
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
    llm: LLMAnswerer | None = None,
    top_k: int = 5,
    cache_dir: Path | None = None,
    judge: Judge | None = None,
    fallback: bool = False,
    unsupported: str = "flag",
    condense_with_llm: bool = False,
) -> Engine:
    """An engine over `index` with the given services (nothing is built here).

    `judge` (claim, passage) -> bool | None lets an LLM decide citation checks (`rag.verify`).
    `fallback`: when the LLM is unreachable or fails, answer with the extractive reader and a notice.
    `unsupported`: what becomes of an LLM answer whose sentences are mostly unsupported.
    `condense_with_llm`: the LLM rewrites follow-ups for retrieval (else the deterministic rewrite).
    """
    return Engine(
        index,
        embed_model=embed_model,
        llm=llm,
        top_k=top_k,
        cache_dir=cache_dir,
        judge=judge,
        fallback=fallback,
        unsupported=unsupported,
        condense_with_llm=condense_with_llm,
    )


def engine_from_settings(settings: Settings) -> Engine:
    """The engine the settings describe: opens the index and loads the embedding model."""
    from rag.embed import build_embed_model, embedding_signature
    from rag.index import open_index

    llm: LLMAnswerer | None = None
    judge: Judge | None = None
    if settings.llm_backend == "openai":
        from rag.llm import OpenAIAnswerer, build_llm

        answerer = OpenAIAnswerer(build_llm(settings))
        llm, judge = answerer, (answerer.judge if settings.verify_with_llm else None)
    index = open_index(settings, signature=embedding_signature(settings))
    return build_engine(
        index,
        embed_model=build_embed_model(settings),
        llm=llm,
        top_k=settings.top_k,
        cache_dir=settings.data_dir,
        judge=judge,
        fallback=settings.llm == "auto",
        unsupported=settings.llm_unsupported,
        condense_with_llm=settings.llm_condense,
    )
