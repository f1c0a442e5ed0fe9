"""Ingestion against a real in-process Chroma with the real embedding model."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.errors import IndexMismatchError, IndexMissingError
from rag.index import open_index
from rag.ingest import ingest
from tests.conftest import SEED_IDS


def _chunk_ids(settings: Settings) -> list[str]:
    return sorted(open_index(settings).chunks.get(include=[])["ids"])


def _query(settings: Settings, embed_model: Any, question: str) -> list[str]:
    from llama_index.core.vector_stores.types import VectorStoreQuery

    index = open_index(settings)
    result = index.vector_store.query(
        VectorStoreQuery(query_embedding=embed_model.get_query_embedding(question), similarity_top_k=3)
    )
    return [n.metadata["doc_id"] for n in result.nodes or []]


def crash_at_registry_flip(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, folder: Path, embed_model: Any
) -> None:
    """Ingest `folder` and stop it (Ctrl-C) at the registry flip, after the new chunks are written."""
    collection_type = type(open_index(settings).registry)
    real_upsert = collection_type.upsert

    def crash_at_commit(self: Any, **kwargs: Any) -> None:
        if self.name.endswith("-docs"):  # chunks are upserted too: stop at the registry flip
            raise KeyboardInterrupt
        real_upsert(self, **kwargs)

    monkeypatch.setattr(collection_type, "upsert", crash_at_commit)
    with pytest.raises(KeyboardInterrupt):
        ingest([folder], settings=settings, embed_model=embed_model, progress=False)
    monkeypatch.undo()


def test_seeds_index_and_reingest_is_idempotent(
    settings_factory: Callable[..., Settings], embed_model: Any, seeds_copy: Path
) -> None:
    settings = settings_factory()
    first = ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False)
    assert sorted(first.added) == SEED_IDS
    assert first.chunks_written > 5
    index = open_index(settings)
    assert sorted(index.documents()) == SEED_IDS
    assert index.chunk_count() == first.chunks_written
    assert index.embedding == "local:all-MiniLM-L6-v2:onnx-int8" and index.dimension == 384
    ids_before = _chunk_ids(settings)

    second = ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False)
    assert sorted(second.unchanged) == SEED_IDS
    assert second.added == second.updated == second.removed == []
    assert second.chunks_written == 0
    assert _chunk_ids(settings) == ids_before
    assert "0 added, 0 updated, 5 unchanged, 0 removed, 0 skipped; 0 chunks written" in second.summary()

    # editing one file re-indexes that file only, and leaves no stale chunk behind
    edited = seeds_copy / "000_e234b3a123fa6287.txt"
    edited.write_text(edited.read_text() + "\n\nKim also received a commemorative samovar from the mayor.\n")
    third = ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False)
    assert third.updated == ["000_e234b3a123fa6287"]
    assert len(third.unchanged) == 4
    after = _chunk_ids(settings)
    assert len(after) == len(set(after))
    stale = [c for c in after if c.startswith("000_") and c not in ids_before]
    assert stale and all(c.split("::")[1] != ids_before[0].split("::")[1] for c in stale)
    assert not [c for c in after if c.startswith("000_") and c in ids_before]
    assert open_index(settings).chunk_count() == len(after)
    assert "samovar" in (open_index(settings).document_text("000_e234b3a123fa6287") or "")


def test_chunks_carry_offsets_into_the_stored_document(seeded_settings: Settings) -> None:
    index = open_index(seeded_settings)
    got = index.chunks.get(include=["metadatas", "documents"])
    for text, meta in zip(got["documents"], got["metadatas"], strict=True):
        full = index.document_text(meta["doc_id"])
        assert full is not None
        assert full[meta["start"] : meta["end"]] == text
        assert meta["title"] and meta["doc_hash"]


def test_retrieval_finds_the_gift_passage(seeded_settings: Settings, embed_model: Any) -> None:
    top = _query(seeded_settings, embed_model, "What gifts did Kim receive?")
    assert top[0] in {"001_8dcf05ad1b8e96bb", "004_233b49a59d445921"}


def test_bad_files_are_skipped_and_the_rest_ingested(
    settings_factory: Callable[..., Settings], embed_model: Any, seeds_copy: Path
) -> None:
    (seeds_copy / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (seeds_copy / "latin.txt").write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50)
    (seeds_copy / "empty.md").write_bytes(b"")
    report = ingest([seeds_copy], settings=settings_factory(), embed_model=embed_model, progress=False)
    assert sorted(report.added) == SEED_IDS
    assert sorted(Path(s.source).name for s in report.skipped) == ["binary.txt", "empty.md", "latin.txt"]
    assert "5 added" in report.summary() and "3 skipped" in report.summary()


def test_prune_removes_documents_whose_files_are_gone(
    settings_factory: Callable[..., Settings], embed_model: Any, seeds_copy: Path
) -> None:
    settings = settings_factory()
    ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False)
    (seeds_copy / "003_0aa987cd62713de8.txt").unlink()
    kept = ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False)
    assert kept.removed == [] and "003_0aa987cd62713de8" in open_index(settings).documents()
    pruned = ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False, prune=True)
    assert pruned.removed == ["003_0aa987cd62713de8"]
    index = open_index(settings)
    assert "003_0aa987cd62713de8" not in index.documents()
    assert not [c for c in index.chunks.get(include=[])["ids"] if c.startswith("003_")]


def test_embedding_model_mismatch_is_refused(
    seeded_settings: Settings, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = seeded_settings.model_copy(update={"embed_model": "some-other-model"})
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        ingest(settings=other, embed_model=embed_model, progress=False)
    with pytest.raises(IndexMismatchError, match="all-MiniLM-L6-v2"):
        open_index(other, signature="local:some-other-model")
    # the index is untouched
    assert len(open_index(seeded_settings).documents()) == 5


def test_rebuild_swaps_in_a_fresh_index(seeded_settings: Settings, embed_model: Any) -> None:
    before = _chunk_ids(seeded_settings)
    version = open_index(seeded_settings).version
    report = ingest(settings=seeded_settings, embed_model=embed_model, progress=False, rebuild=True)
    assert report.rebuilt and sorted(report.added) == SEED_IDS
    assert _chunk_ids(seeded_settings) == before
    index = open_index(seeded_settings)
    assert index.version != version
    names = {c.name for c in index.client.list_collections()}
    assert names == {"news", "news-docs"}


def test_failure_mid_rebuild_leaves_previous_index(
    seeded_settings: Settings, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.ingest
    from rag.index import Index

    before = _chunk_ids(seeded_settings)
    calls = {"n": 0}
    original = Index.write_documents

    def flaky(self: Index, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch of two documents: the rebuild is half done
            raise KeyboardInterrupt
        original(self, *args, **kwargs)

    monkeypatch.setattr(rag.ingest, "DOC_BATCH", 2)
    monkeypatch.setattr(Index, "write_documents", flaky)
    with pytest.raises(KeyboardInterrupt):
        ingest(settings=seeded_settings, embed_model=embed_model, progress=False, rebuild=True)
    monkeypatch.undo()
    assert _chunk_ids(seeded_settings) == before
    names = {c.name for c in open_index(seeded_settings).client.list_collections()}
    assert names == {"news", "news-docs"}


def test_interrupted_update_keeps_every_document_whole(
    seeded_settings: Settings, embed_model: Any, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped after new chunks are written but before the registry flips: old version stays live."""

    edited = seeds_copy / "001_8dcf05ad1b8e96bb.txt"
    edited.write_text(edited.read_text() + "\n\nA new closing paragraph about the train journey home.\n")
    before = _chunk_ids(seeded_settings)
    old_hash = open_index(seeded_settings).documents()["001_8dcf05ad1b8e96bb"].content_hash

    crash_at_registry_flip(monkeypatch, seeded_settings, seeds_copy, embed_model)
    index = open_index(seeded_settings)
    assert index.documents()["001_8dcf05ad1b8e96bb"].content_hash == old_hash
    assert len(_chunk_ids(seeded_settings)) > len(before)  # orphans of the unfinished version
    retry = ingest([seeds_copy], settings=seeded_settings, embed_model=embed_model, progress=False)
    assert retry.repaired > 0 and retry.updated == ["001_8dcf05ad1b8e96bb"]
    ids = _chunk_ids(seeded_settings)
    live = open_index(seeded_settings).documents()
    metas = open_index(seeded_settings).chunks.get(include=["metadatas"])["metadatas"]
    assert all(live[m["doc_id"]].content_hash == m["doc_hash"] for m in metas)
    assert len(ids) == sum(d.n_chunks for d in live.values())


def test_missing_index_says_to_ingest(settings_factory: Callable[..., Settings]) -> None:
    with pytest.raises(IndexMissingError, match="rag ingest"):
        open_index(settings_factory())


def test_chunking_change_reindexes(seeded_settings: Settings, embed_model: Any) -> None:
    smaller = seeded_settings.model_copy(update={"chunk_size": 96, "chunk_overlap": 16})
    report = ingest(settings=smaller, embed_model=embed_model, progress=False)
    assert sorted(report.updated) == SEED_IDS
    assert open_index(smaller).chunk_count() == report.chunks_written


def test_second_ingest_waits_its_turn(seeded_settings: Settings, embed_model: Any) -> None:
    from rag.errors import RagError
    from rag.ingest import ingest_lock

    with ingest_lock(seeded_settings), pytest.raises(RagError, match="Another `rag ingest`"):
        ingest(settings=seeded_settings, embed_model=embed_model, progress=False)


def test_source_files_are_never_touched(
    settings_factory: Callable[..., Settings], embed_model: Any, seeds_copy: Path, tmp_path: Path
) -> None:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(seeds_copy, snapshot)
    settings = settings_factory()
    ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False, rebuild=True)
    ingest([seeds_copy], settings=settings, embed_model=embed_model, progress=False, prune=True)
    for original in snapshot.iterdir():
        assert (seeds_copy / original.name).read_bytes() == original.read_bytes()
