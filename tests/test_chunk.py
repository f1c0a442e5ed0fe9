"""Chunking: sentence-aware, token-sized, and offsets that round-trip to the cleaned text."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.chunk import split
from rag.documents import load
from rag.tokens import count_tokens
from tests.conftest import SEED_FILES


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize(("size", "overlap"), [(192, 32), (64, 8)])
def test_offsets_round_trip(path: Path, size: int, overlap: int) -> None:
    doc = load(path)
    chunks = split(doc, chunk_size=size, chunk_overlap=overlap)
    assert chunks
    covered = set()
    for n, chunk in enumerate(chunks):
        assert chunk.index == n
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert count_tokens(chunk.text) <= size
        assert chunk.chunk_id.startswith(doc.doc_id + "::")
        covered.update(range(chunk.start, chunk.end))
    # every non-space character of the document is in some chunk
    assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())
    # in order, and overlapping neighbours do not go backwards
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_chunk_ids_change_with_content() -> None:
    doc = load(SEED_FILES[0])
    ids = [c.chunk_id for c in split(doc, chunk_size=192, chunk_overlap=32)]
    assert len(set(ids)) == len(ids)
    assert all(doc.content_hash[:12] in cid for cid in ids)
