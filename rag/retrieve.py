"""Hybrid retrieval: dense (Chroma), BM25 (bm25s) and each chunk's best stored sentence, fused by rank.

Chroma is the source of truth. The BM25 side is derived from the chunks Chroma
holds: built with llama-index's `BM25Retriever` (bm25s), persisted under
`RAG_DATA_DIR/bm25/NAME-VERSION/`, and rebuilt when ingestion bumps the index
version. Every process (CLI, app workers) therefore ranks against the same
chunks, whether Chroma is embedded or a server. Chunks whose document registry
record points at another version (left by an interrupted ingest) are ignored.

Each side proposes `DENSE_CANDIDATES` / `BM25_CANDIDATES` chunks; the pool is read
in one `get` (text and metadata, which carries the chunk's stored sentence vectors,
`rag.sentvec`), and every candidate gets a third ranking: the cosine of its best
sentence to the query vector already computed (late interaction on stored vectors:
no extra model pass). The three rankings are fused by reciprocal rank and the
top_k kept. A chunk whose answer sentence sits among unrelated ones ranks low on
its whole-chunk vector but high on that sentence; on an index without stored
vectors the sentence ranking is simply absent (dense + BM25 as before). A question
whose ask follows a premise ("... this week. What is their destination?") has its
ask ranked the same three ways and fused at a lower weight (`rag.askquery`).

It returns passages with doc_id, title, text, offsets and scores. It does not
pick sentences or write answers (the reader scores sentences itself).
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.askquery import ASK_WEIGHT, ask_query
from rag.chunk import chunk_owner
from rag.index import Index, chunk_pages
from rag.sentences import content_terms
from rag.sentvec import CachedEmbedder, unpack, vectors_of

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.retrievers.bm25 import BM25Retriever

DENSE_CANDIDATES = 40  # chunks each side proposes before fusion (the pool is read in one `get`)
BM25_CANDIDATES = 40
# reciprocal-rank-fusion constant: small, so a chunk first on one ranking (dense, BM25 or its best
# sentence) outweighs one that is middling on all; chosen on RTQA A and the calib sets (README)
RRF_K = 10
BM25_DIRNAME = "bm25"
STATS_FILE = "stats2.json"  # term statistics persisted beside the BM25 index (2: accents folded)


@dataclass
class Passage:
    chunk_id: str
    doc_id: str
    title: str
    published: str
    source: str
    text: str
    start: int
    end: int
    score: float = 0.0  # fused score
    dense_score: float | None = None  # cosine similarity
    dense_rank: int | None = None
    bm25_score: float | None = None
    bm25_rank: int | None = None
    sentence_score: float | None = None  # cosine of its best stored sentence to the query
    sentence_rank: int | None = None


@dataclass
class Retrieval:
    query: str
    passages: list[Passage]
    query_embedding: list[float] = field(default_factory=list)
    snapshot: _Snapshot | None = None  # the index version it ran against, with its term statistics


def rrf(
    rankings: list[list[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds weight / (k + rank) to the ids it ranks (weight 1 unless
    `weights` gives one per list)."""
    fused: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def best_sentence(query: Sequence[float], meta: dict[str, Any]) -> float | None:
    """Cosine of the chunk's stored sentence vector nearest to `query`; None when it has none
    (`rag.sentvec.vectors_of`: one numpy array, no Python lists over a 40-80 chunk pool)."""
    import numpy as np

    q = np.asarray(query, dtype=np.float32)
    matrix = vectors_of(meta, dim=q.shape[0])
    if matrix is None:
        return None
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(q) or 1.0)
    return float(np.max(matrix @ q / np.where(norms > 0, norms, 1.0)))


def _by_best_sentence(
    query: Sequence[float], chunks: list[tuple[str, dict[str, Any]]]
) -> list[tuple[str, float]]:
    """The chunks with stored sentence vectors, by their best sentence's cosine to `query`, best first."""
    best = [(cid, score) for cid, meta in chunks if (score := best_sentence(query, meta)) is not None]
    return sorted(best, key=lambda pair: (-pair[1], pair[0]))


def _indexed(bm25: BM25Retriever) -> int:
    """How many chunks a BM25 retriever holds (bm25s refuses a deeper k than that)."""
    try:
        return int(bm25.bm25.scores["num_docs"])
    except (AttributeError, KeyError, TypeError, ValueError):
        return BM25_CANDIDATES


def _rank(value: float | None) -> int | None:
    return None if value is None else int(value)


def _passage(chunk_id: str, text: str, meta: dict[str, Any]) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        published=str(meta.get("published", "")),
        source=str(meta.get("source", "")),
        text=text,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
    )


class _Snapshot:
    """What one index version looks like to readers: live hashes, BM25, term statistics."""

    def __init__(
        self, version: str, live: dict[str, str], bm25: BM25Retriever | None, df: Counter[str], n: int
    ):
        self.version = version
        self.live = live
        self.bm25 = bm25
        self.df = df
        self.n_chunks = n

    def idf(self, term: str) -> float:
        """Smoothed inverse chunk frequency of a stemmed term (high for rare or unseen terms)."""
        return math.log((self.n_chunks + 1) / (self.df.get(term, 0) + 0.5))


class HybridRetriever:
    """Dense + BM25 retrieval over one index, safe to share between threads."""

    def __init__(
        self,
        index: Index,
        *,
        embed_model: BaseEmbedding,
        top_k: int,
        cache_dir: Path | None = None,
        sentences: CachedEmbedder | None = None,
    ):
        self.index = index
        self.sentences = sentences  # receives the stored sentence vectors of every passage returned
        self.embed_model = embed_model
        self.top_k = top_k
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    # -- keeping in step with ingestion -------------------------------------------
    def snapshot(self) -> _Snapshot:
        version = self.index.current_version()
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = self._load(version)
            return self._snapshot

    def _load(self, version: str) -> _Snapshot:
        live = {doc_id: rec.content_hash for doc_id, rec in self.index.documents().items()}
        stats = self._cached_stats(version)
        if stats is not None:
            bm25 = self._bm25(version, [])
            if bm25 is not None:  # both caches of this version: no chunk is read
                return _Snapshot(version, live, bm25, *stats)
        nodes = self._live_nodes(live)
        df: Counter[str] = Counter()
        for node in nodes:
            df.update(set(content_terms(node.get_content())))
        bm25 = self._bm25(version, nodes, df)
        path = self._bm25_path(version)
        if path is not None and path.is_dir() and not (path / STATS_FILE).exists():  # an older format's
            with contextlib.suppress(OSError):
                (path / STATS_FILE).write_text(json.dumps({"n": len(nodes), "df": df}), encoding="utf-8")
        return _Snapshot(version, live, bm25, df, len(nodes))

    def _cached_stats(self, version: str) -> tuple[Counter[str], int] | None:
        path = self._bm25_path(version)
        if path is None:
            return None
        try:
            data = json.loads((path / STATS_FILE).read_text(encoding="utf-8"))
            return Counter(data["df"]), int(data["n"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _bm25_path(self, version: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / BM25_DIRNAME / f"{self.index.name}-{version}"

    def _bm25(self, version: str, nodes: list[Any], df: Counter[str] | None = None) -> BM25Retriever | None:
        from llama_index.retrievers.bm25 import BM25Retriever

        path = self._bm25_path(version)
        if path is not None and (path / "retriever.json").exists():
            try:
                cached = BM25Retriever.from_persist_dir(str(path), show_progress=False)
            except Exception:  # a damaged cache is rebuilt, not trusted
                shutil.rmtree(path, ignore_errors=True)
            else:  # a cache written with another candidate depth answers with this one
                cached.similarity_top_k = min(BM25_CANDIDATES, _indexed(cached))
                return cached
        if not nodes:
            return None
        retriever = BM25Retriever.from_defaults(
            nodes=nodes, similarity_top_k=min(BM25_CANDIDATES, len(nodes)), language="english"
        )
        if path is not None:
            self._persist(retriever, path, df or Counter(), len(nodes))
        return retriever

    def _persist(self, retriever: BM25Retriever, path: Path, df: Counter[str], n: int) -> None:
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            retriever.persist(str(tmp), show_progress=False)
            (tmp / STATS_FILE).write_text(json.dumps({"n": n, "df": df}), encoding="utf-8")
            shutil.rmtree(path, ignore_errors=True)
            tmp.rename(path)
            for old in path.parent.glob(f"{self.index.name}-*"):
                if old != path:
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # the cache is optional

    def _live_nodes(self, live: dict[str, str]) -> list[Any]:
        from llama_index.core.schema import TextNode

        nodes = []
        for ids, metas, texts in chunk_pages(self.index):
            for chunk_id, meta, text in zip(ids, metas, texts, strict=True):
                if live.get(str(meta.get("doc_id"))) != meta.get("doc_hash"):
                    continue
                keep = {k: meta[k] for k in ("doc_id", "title", "published", "source", "start", "end")}
                nodes.append(
                    TextNode(
                        id_=chunk_id,
                        text=text,
                        metadata=keep,
                        excluded_embed_metadata_keys=[k for k in keep if k != "title"],
                    )
                )
        return nodes

    # -- querying -------------------------------------------------------------------
    def retrieve(self, query: str, *, top_k: int | None = None) -> Retrieval:
        """The top_k chunks for `query`: one query embedding, one dense query, BM25, one fetch.

        The dense query asks Chroma for ids and distances only; the pool both sides propose is
        then read in one `get` (text and metadata, with the stored sentence vectors), ranked a
        third time by its best sentence (`best_sentence`), fused, and cut to top_k. A question whose
        ask follows a premise (`rag.askquery`) has its ask ranked the same three ways, on one more
        embedding, and fused at `ASK_WEIGHT`; the passages' ranks and scores stay the whole
        question's. The kept passages' sentence vectors are handed to `sentences` for the reader."""
        top_k = top_k or self.top_k
        snap = self.snapshot()
        vector = self.embed_model.get_query_embedding(query)
        scores: dict[str, dict[str, float]] = {}
        dense, bm25 = self._candidates(query, vector, snap)
        for rank, (chunk_id, similarity) in enumerate(dense, start=1):
            scores.setdefault(chunk_id, {}).update(dense_score=similarity, dense_rank=rank)
        for rank, (chunk_id, bm25_score) in enumerate(bm25, start=1):
            scores.setdefault(chunk_id, {}).update(bm25_score=bm25_score, bm25_rank=rank)
        dense_ids, bm25_ids = [cid for cid, _ in dense], [cid for cid, _ in bm25]
        own = list(dict.fromkeys(dense_ids + bm25_ids))

        ask = ask_query(query)  # a premise before the ask: the ask is ranked too, at a lower weight
        ask_vector: list[float] = []
        ask_dense: list[str] = []
        ask_bm25: list[str] = []
        if ask is not None:
            ask_vector = self.embed_model.get_query_embedding(ask)
            dense_of_ask, bm25_of_ask = self._candidates(ask, ask_vector, snap)
            ask_dense, ask_bm25 = [cid for cid, _ in dense_of_ask], [cid for cid, _ in bm25_of_ask]
        ask_own = list(dict.fromkeys(ask_dense + ask_bm25))

        pool = self._fetch(list(dict.fromkeys(own + ask_own)))
        metas = {chunk_id: meta for chunk_id, _, meta in pool}
        sentence_ids = _by_best_sentence(vector, [(cid, metas[cid]) for cid in own if cid in metas])
        for rank, (chunk_id, best) in enumerate(sentence_ids, start=1):
            scores[chunk_id].update(sentence_score=best, sentence_rank=rank)
        rankings = [dense_ids, bm25_ids, [cid for cid, _ in sentence_ids]]
        weights = [1.0, 1.0, 1.0]
        if ask is not None:
            ask_sentences = _by_best_sentence(
                ask_vector, [(cid, metas[cid]) for cid in ask_own if cid in metas]
            )
            rankings += [ask_dense, ask_bm25, [cid for cid, _ in ask_sentences]]
            weights += [ASK_WEIGHT] * 3

        fused = rrf(rankings, weights=weights)
        rows = {chunk_id: (text, meta) for chunk_id, text, meta in pool}
        ranked = sorted(rows, key=lambda cid: (-fused[cid], cid))[:top_k]
        passages = []
        for chunk_id in ranked:
            text, meta = rows[chunk_id]
            passage = _passage(chunk_id, text, meta)
            entry = scores.get(chunk_id, {})  # a chunk only the ask proposed has no rank of the question's
            passage.score = fused[chunk_id]
            passage.dense_score = entry.get("dense_score")
            passage.bm25_score = entry.get("bm25_score")
            passage.sentence_score = entry.get("sentence_score")
            passage.dense_rank = _rank(entry.get("dense_rank"))
            passage.bm25_rank = _rank(entry.get("bm25_rank"))
            passage.sentence_rank = _rank(entry.get("sentence_rank"))
            passages.append(passage)
            if self.sentences is not None:
                self.sentences.remember(unpack(text, meta).items())
        return Retrieval(query=query, passages=passages, query_embedding=list(vector), snapshot=snap)

    def _candidates(
        self, query: str, vector: list[float], snap: _Snapshot
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """The chunks the dense side and BM25 propose for `query`, best first, with their scores."""
        from llama_index.core.schema import QueryBundle

        bm25: list[tuple[str, float]] = []
        if snap.bm25 is not None:
            for hit in snap.bm25.retrieve(QueryBundle(query_str=query)):
                if hit.score and hit.score > 0:
                    bm25.append((hit.node.node_id, float(hit.score)))
        return self._dense(vector, snap.live), bm25

    def _dense(self, vector: list[float], live: dict[str, str]) -> list[tuple[str, float]]:
        """Live chunks nearest to `vector`, best first, with llama-index's similarity exp(-distance)."""
        got = self.index.chunks.query(
            query_embeddings=[vector],  # type: ignore[arg-type]
            n_results=DENSE_CANDIDATES,
            include=["distances"],
        )
        ids = list((got.get("ids") or [[]])[0])
        distances = list((got.get("distances") or [[]])[0])
        owners = {cid: chunk_owner(cid) for cid in ids}
        unknown = [cid for cid, owner in owners.items() if owner is None]
        if unknown:  # not an id `rag.chunk` made: ask the metadata whose chunk it is
            got_meta = self.index.chunks.get(ids=unknown, include=["metadatas"])
            for cid, meta in zip(got_meta.get("ids") or [], got_meta.get("metadatas") or [], strict=True):
                owners[cid] = (str(meta.get("doc_id")), str(meta.get("doc_hash")))
        out = []
        for cid, distance in zip(ids, distances, strict=True):
            owner = owners.get(cid)
            if owner is not None and live.get(owner[0], "").startswith(owner[1]) and owner[1]:
                out.append((cid, math.exp(-float(distance))))
        return out

    def _fetch(self, chunk_ids: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """Text and metadata of these chunks, in order; one an ingest dropped meanwhile is left out."""
        if not chunk_ids:
            return []
        got = self.index.chunks.get(ids=chunk_ids, include=["documents", "metadatas"])
        rows = {
            cid: (text or "", dict(meta or {}))
            for cid, text, meta in zip(
                got.get("ids") or [], got.get("documents") or [], got.get("metadatas") or [], strict=True
            )
        }
        return [(cid, *rows[cid]) for cid in chunk_ids if cid in rows]
