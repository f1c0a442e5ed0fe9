"""Hybrid retrieval: dense (Chroma) plus BM25 (bm25s), fused by reciprocal rank.

Chroma is the source of truth. The BM25 side is derived from the chunks Chroma
holds: built with llama-index's `BM25Retriever` (bm25s), persisted under
`RAG_DATA_DIR/bm25/NAME-VERSION/`, and rebuilt when ingestion bumps the index
version. Every process (CLI, app workers) therefore ranks against the same
chunks, whether Chroma is embedded or a server. Chunks whose document registry
record points at another version (left by an interrupted ingest) are ignored.

It returns passages with doc_id, title, text, offsets and scores. It does not
pick sentences or write answers.
"""

from __future__ import annotations

import json
import math
import shutil
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.index import Index, chunk_pages
from rag.sentences import content_terms

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.retrievers.bm25 import BM25Retriever

DENSE_CANDIDATES = 20  # chunks each side proposes before fusion
BM25_CANDIDATES = 20
RRF_K = 60  # the usual reciprocal-rank-fusion constant
BM25_DIRNAME = "bm25"
STATS_FILE = "stats.json"  # term statistics persisted beside the BM25 index, same version


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


@dataclass
class Retrieval:
    query: str
    passages: list[Passage]
    query_embedding: list[float] = field(default_factory=list)
    snapshot: _Snapshot | None = None  # the index version it ran against, with its term statistics


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to the ids it ranks."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused


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
    ):
        self.index = index
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
        return _Snapshot(version, live, self._bm25(version, nodes, df), df, len(nodes))

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
                return BM25Retriever.from_persist_dir(str(path), show_progress=False)
            except Exception:  # a damaged cache is rebuilt, not trusted
                shutil.rmtree(path, ignore_errors=True)
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
        from llama_index.core.schema import QueryBundle
        from llama_index.core.vector_stores.types import VectorStoreQuery

        top_k = top_k or self.top_k
        snap = self.snapshot()
        vector = self.embed_model.get_query_embedding(query)
        found: dict[str, Passage] = {}

        dense = self.index.vector_store.query(
            VectorStoreQuery(query_embedding=vector, similarity_top_k=DENSE_CANDIDATES)
        )
        dense_ids: list[str] = []
        for node, similarity in zip(dense.nodes or [], dense.similarities or [], strict=False):
            meta = node.metadata
            if snap.live.get(str(meta.get("doc_id"))) != meta.get("doc_hash"):
                continue
            passage = found.setdefault(node.node_id, _passage(node.node_id, node.get_content(), meta))
            passage.dense_score = float(similarity)
            dense_ids.append(node.node_id)
            passage.dense_rank = len(dense_ids)

        bm25_ids: list[str] = []
        if snap.bm25 is not None:
            for hit in snap.bm25.retrieve(QueryBundle(query_str=query)):
                if not hit.score or hit.score <= 0:
                    continue
                node = hit.node
                passage = found.setdefault(
                    node.node_id, _passage(node.node_id, node.get_content(), node.metadata)
                )
                passage.bm25_score = float(hit.score)
                bm25_ids.append(node.node_id)
                passage.bm25_rank = len(bm25_ids)

        fused = rrf([dense_ids, bm25_ids])
        for chunk_id, score in fused.items():
            found[chunk_id].score = score
        ranked = sorted(found.values(), key=lambda p: (-p.score, p.chunk_id))
        return Retrieval(query=query, passages=ranked[:top_k], query_embedding=list(vector), snapshot=snap)
