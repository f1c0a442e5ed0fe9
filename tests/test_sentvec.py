"""Sentence vectors stored at ingest: packed with their chunk, used by the reader so a question
costs one embedding, replaced with their chunk, invisible while orphaned, and an index built
before them still answers (embedding at query time) until a plain `rag ingest` upgrades it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.config import Settings
from rag.engine import build_engine
from rag.index import open_index
from rag.ingest import chunking_signature, ingest
from rag.sentences import Span, words
from rag.sentvec import SPANS_KEY, VECTORS_KEY, CachedEmbedder, pack, sentence_spans, unpack
from tests.conftest import ingest_without_sentence_vectors
from tests.test_ingest import crash_at_registry_flip

GIFTS = "What gifts did Kim receive?"


class CountingModel:
    """The real embedding model, counting the texts it is asked to embed."""

    def __init__(self, model: Any):
        self.model = model
        self.texts: list[str] = []

    def get_query_embedding(self, query: str) -> list[float]:
        self.texts.append(query)
        return list(self.model.get_query_embedding(query))

    def get_text_embedding_batch(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
        self.texts.extend(texts)
        return list(self.model.get_text_embedding_batch(texts, **kwargs))

    def beyond(self, question: str) -> list[str]:
        """The texts embedded that are neither `question` nor part of its words (`rag.leadpick` embeds
        the question without its lead's title words once): passage sentences embedded at query time."""
        asked = set(words(question))
        return [t for t in self.texts if t != question and not set(words(t)) <= asked]


def _chunks(settings: Settings) -> list[tuple[str, str, dict[str, Any]]]:
    got = open_index(settings).chunks.get(include=["documents", "metadatas"])
    return list(zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True))


def test_pack_and_unpack_round_trip_by_sentence_text(embed_model: Any) -> None:
    text = "Kim arrived by train. He met Putin at the spaceport. Talks lasted hours."
    spans = sentence_spans(text)
    assert [s.text for s in spans] == [
        "Kim arrived by train.",
        "He met Putin at the spaceport.",
        "Talks lasted hours.",
    ]
    vectors = embed_model.get_text_embedding_batch([s.text for s in spans])
    meta = pack(spans, vectors)
    assert set(meta) == {SPANS_KEY, VECTORS_KEY}
    found = unpack(text, meta)
    assert list(found) == [s.text for s in spans]
    for span, vector in zip(spans, vectors, strict=True):
        assert float(np.dot(found[span.text], vector)) > 0.999  # float16 keeps the direction
    assert unpack(text, {}) == {}  # an index from before stored vectors
    assert unpack(text, {SPANS_KEY: "0:5", VECTORS_KEY: "not base64!"}) == {}
    with pytest.raises(ValueError):
        pack([Span(0, 3, "Kim")], [])


def test_every_chunk_stores_the_vectors_of_its_sentences(seeded_settings: Settings, embed_model: Any) -> None:
    rows = _chunks(seeded_settings)
    assert rows
    for _, text, meta in rows:
        stored = unpack(text, meta)
        assert list(stored) == [s.text for s in sentence_spans(text)]
        assert "sentence_vectors" not in meta["_node_content"]  # beside the node, not in it
    _, text, meta = rows[0]
    first = next(iter(unpack(text, meta).items()))
    assert float(np.dot(first[1], embed_model.get_text_embedding(first[0]))) > 0.999


def test_a_question_costs_one_embedding(seeded_settings: Settings, embed_model: Any) -> None:
    model = CountingModel(embed_model)
    engine = build_engine(open_index(seeded_settings), embed_model=model, cache_dir=seeded_settings.data_dir)  # type: ignore[arg-type]
    answer = engine.ask(GIFTS)
    assert not answer.refused and "drone" in answer.answer
    assert model.texts[0] == GIFTS and model.beyond(GIFTS) == []


def test_an_index_without_stored_vectors_answers_alike_and_plain_ingest_upgrades_it(
    settings_factory: Any, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_factory()
    ingest_without_sentence_vectors(monkeypatch, settings, embed_model)
    assert all(SPANS_KEY not in meta for _, _, meta in _chunks(settings))

    old_model = CountingModel(embed_model)
    old = build_engine(open_index(settings), embed_model=old_model, cache_dir=settings.data_dir)  # type: ignore[arg-type]
    before = old.ask(GIFTS)
    assert not before.refused and len(old_model.texts) > 1  # sentences embedded at query time

    report = ingest(settings=settings, embed_model=embed_model, progress=False)
    assert len(report.updated) == 5  # the chunking signature names the stored vectors
    assert all(SPANS_KEY in meta for _, _, meta in _chunks(settings))
    assert {r.chunking for r in open_index(settings).documents().values()} == {chunking_signature(settings)}
    new_model = CountingModel(embed_model)
    new = build_engine(open_index(settings), embed_model=new_model, cache_dir=settings.data_dir)  # type: ignore[arg-type]
    after = new.ask(GIFTS)
    assert new_model.texts[0] == GIFTS and new_model.beyond(GIFTS) == []
    assert after.answer == before.answer and after.refused == before.refused


def test_orphaned_sentence_vectors_are_never_served(
    seeded_settings: Settings, embed_model: Any, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped between the chunk write and the registry flip: the new chunks and their sentence
    vectors stay invisible to questions, and the next ingest removes them."""
    added = "Kim Jong Un also received a golden telescope from the governor."
    edited = sorted(seeds_copy.glob("*.txt"))[0]
    edited.write_text(edited.read_text() + f"\n\n{added}\n")
    crash_at_registry_flip(monkeypatch, seeded_settings, seeds_copy, embed_model)
    assert any(added in text for _, text, _ in _chunks(seeded_settings))  # the orphan is there

    model = CountingModel(embed_model)
    engine = build_engine(open_index(seeded_settings), embed_model=model, cache_dir=seeded_settings.data_dir)  # type: ignore[arg-type]
    retrieval = engine.retriever.retrieve("Who gave Kim a golden telescope?", top_k=20)
    live = {d.doc_id: d.content_hash for d in open_index(seeded_settings).documents().values()}
    assert retrieval.passages and all(
        live[p.doc_id] == _hash_of(seeded_settings, p.chunk_id) for p in retrieval.passages
    )
    assert all(added not in p.text for p in retrieval.passages)
    assert engine.embed([added]) and added in model.texts  # not served from an orphan's vectors

    retry = ingest([seeds_copy], settings=seeded_settings, embed_model=embed_model, progress=False)
    assert retry.repaired > 0
    for _, text, meta in _chunks(seeded_settings):
        assert list(unpack(text, meta)) == [s.text for s in sentence_spans(text)]
    fresh = CountingModel(embed_model)
    engine = build_engine(open_index(seeded_settings), embed_model=fresh, cache_dir=seeded_settings.data_dir)  # type: ignore[arg-type]
    retrieval = engine.retriever.retrieve("Who gave Kim a golden telescope?")
    assert any(added in p.text for p in retrieval.passages)
    assert engine.embed([added]) and fresh.texts == ["Who gave Kim a golden telescope?"]


def _hash_of(settings: Settings, chunk_id: str) -> str:
    got = open_index(settings).chunks.get(ids=[chunk_id], include=["metadatas"])
    return str((got["metadatas"] or [{}])[0]["doc_hash"])


def test_cached_embedder_serves_remembered_vectors_without_the_model(embed_model: Any) -> None:
    model = CountingModel(embed_model)
    embed = CachedEmbedder(model, size=2)  # type: ignore[arg-type]
    embed.remember([("a stored sentence.", [1.0, 0.0]), ("another one.", [0.0, 1.0])])
    assert embed(["a stored sentence.", "another one."]) == [[1.0, 0.0], [0.0, 1.0]]
    assert model.texts == []
    embed(["a new sentence."])  # embedded once, and the oldest entry leaves the LRU
    assert model.texts == ["a new sentence."]
    embed(["a stored sentence."])
    assert model.texts == ["a new sentence.", "a stored sentence."]


def test_a_rebuild_promotes_chunks_with_their_sentence_vectors(
    seeded_settings: Settings, embed_model: Any
) -> None:
    before = {cid for cid, _, _ in _chunks(seeded_settings)}
    report = ingest(settings=seeded_settings, embed_model=embed_model, progress=False, rebuild=True)
    assert report.rebuilt and {cid for cid, _, _ in _chunks(seeded_settings)} == before
    for _, text, meta in _chunks(seeded_settings):
        assert list(unpack(text, meta)) == [s.text for s in sentence_spans(text)]
    model = CountingModel(embed_model)
    engine = build_engine(open_index(seeded_settings), embed_model=model, cache_dir=seeded_settings.data_dir)  # type: ignore[arg-type]
    assert not engine.ask(GIFTS).refused and model.texts[0] == GIFTS and model.beyond(GIFTS) == []
