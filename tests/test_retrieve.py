"""Retrieval: dense + BM25 + the best stored sentence, fused by reciprocal rank (rag.retrieve).

Real Chroma (in-process), the real embedding model and real ingest throughout; only
`best_sentence`'s decoding is checked on hand-packed vectors.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest

import rag.retrieve
from rag.config import Settings
from rag.retrieve import RRF_K, HybridRetriever, best_sentence
from rag.sentvec import SPANS_KEY, VECTORS_KEY, pack, sentence_spans, unpack
from rag.wiring import open_index
from tests.conftest import ingest_without_sentence_vectors

TEXT = (
    "Kim Jong Un arrived in Vladivostok on Wednesday. He toured the Admiral Shaposhnikov, "
    "a Russian warship. The weather was cold and wet."
)


def _retriever(settings: Settings, embed_model: Any, top_k: int = 5) -> HybridRetriever:
    index = open_index(settings)
    return HybridRetriever(index, embed_model=embed_model, top_k=top_k, cache_dir=settings.data_dir)


def _cosine(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_best_sentence_is_the_nearest_stored_sentence_as_unpack_reads_it(embed_model: Any) -> None:
    spans = sentence_spans(TEXT)
    meta = pack(spans, embed_model.get_text_embedding_batch([s.text for s in spans]))
    query = embed_model.get_query_embedding("which ship did kim visit")
    expected = max(_cosine(query, v) for v in unpack(TEXT, meta).values())
    assert best_sentence(query, meta) == pytest.approx(expected, abs=1e-5)
    exact = max(_cosine(query, embed_model.get_text_embedding(s.text)) for s in spans)
    assert expected == pytest.approx(exact, abs=2e-3)  # stored as float16
    assert best_sentence(query, {}) is None  # an index from before stored vectors
    assert best_sentence(query, {SPANS_KEY: "0:5", VECTORS_KEY: "not base64!"}) is None
    other_width = base64.b64encode(np.zeros((2, 7), dtype=np.float16).tobytes()).decode("ascii")
    assert best_sentence(query, {VECTORS_KEY: other_width}) is None  # another model's vectors


def test_a_chunk_whose_one_sentence_answers_is_handed_to_the_reader(
    seeded_settings: Settings, embed_model: Any
) -> None:
    # the ship is named in one sentence of a chunk about the journey; its whole-chunk vector and
    # BM25 (the question shares only "kim") rank other chunks first, its best sentence does not
    retrieval = _retriever(seeded_settings, embed_model).retrieve("which ship did kim go on")
    assert any("Admiral Shaposhnikov" in p.text for p in retrieval.passages)
    lifted = next(p for p in retrieval.passages if "Admiral Shaposhnikov" in p.text)
    assert lifted.sentence_rank is not None and lifted.sentence_rank <= 2


def test_every_passage_carries_its_three_ranks_and_their_fused_score(
    seeded_settings: Settings, embed_model: Any
) -> None:
    retriever = _retriever(seeded_settings, embed_model, top_k=8)
    retrieval = retriever.retrieve("What gifts did Kim receive?")
    assert len(retrieval.passages) == 8
    stored = {cid: meta for cid, _, meta in retriever._fetch([p.chunk_id for p in retrieval.passages])}
    for p in retrieval.passages:
        ranks = [r for r in (p.dense_rank, p.bm25_rank, p.sentence_rank) if r is not None]
        assert p.score == pytest.approx(sum(1.0 / (RRF_K + r) for r in ranks))
        assert p.sentence_rank is not None and p.sentence_score is not None
        vectors = unpack(p.text, stored[p.chunk_id]).values()
        assert p.sentence_score == pytest.approx(max(_cosine(retrieval.query_embedding, v) for v in vectors))
    scores = [p.score for p in retrieval.passages]
    assert scores == sorted(scores, reverse=True)


def test_an_index_without_stored_vectors_ranks_by_dense_and_bm25(
    settings_factory: Any, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_factory()
    ingest_without_sentence_vectors(monkeypatch, settings, embed_model)
    retrieval = _retriever(settings, embed_model).retrieve("What gifts did Kim receive?")
    assert len(retrieval.passages) == 5
    assert all(p.sentence_rank is None and p.sentence_score is None for p in retrieval.passages)
    assert all(p.dense_rank is not None or p.bm25_rank is not None for p in retrieval.passages)


def test_a_cached_bm25_answers_at_the_current_candidate_depth(
    seeded_settings: Settings, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _retriever(seeded_settings, embed_model).snapshot()  # persisted at the shipped depth
    assert first.bm25 is not None
    assert first.bm25.similarity_top_k == min(rag.retrieve.BM25_CANDIDATES, first.n_chunks)
    monkeypatch.setattr(rag.retrieve, "BM25_CANDIDATES", 3)
    again = _retriever(seeded_settings, embed_model)
    assert again.snapshot().bm25 is not None
    retrieval = again.retrieve("What gifts did Kim receive?")
    assert max(p.bm25_rank or 0 for p in retrieval.passages) <= 3
