"""A short document stays one chunk when it fits the embedding model's window (`rag.ingest.chunks_of`):
not a full chunk plus a fragment repeating the overlap and the title. Longer documents, and short
ones the model would truncate, are split as before."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rag.chunk import split, whole
from rag.config import Settings
from rag.documents import load
from rag.index import open_index
from rag.ingest import WHOLE_DOC_CHUNKS, chunks_of, embed_text, ingest
from rag.tokens import count_tokens
from tests.conftest import SEED_FILES


def _short(tokens: int) -> Any:
    """A seed article cut to about `tokens` tokens, as a document."""
    doc = load(SEED_FILES[0])
    words = doc.text.split(" ")
    n = len(words)
    while count_tokens(" ".join(words[:n])) > tokens:
        n -= 1
    text = "\n" + " ".join(words[:n]) + "\n"
    return replace(doc, text=text)


def test_a_short_document_that_fits_the_window_is_one_chunk(settings_factory: Any, embed_model: Any) -> None:
    settings: Settings = settings_factory()
    doc = _short(int(settings.chunk_size * 1.2))
    assert count_tokens(doc.text) > settings.chunk_size  # split would cut it in two
    assert len(split(doc, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)) == 2
    chunks = chunks_of(doc, settings, embed_model.fits)
    assert len(chunks) == 1
    (chunk,) = chunks
    assert chunk.text == doc.text.strip() == doc.text[chunk.start : chunk.end]
    assert embed_model.fits(embed_text(doc, chunk))
    assert chunks_of(doc, settings, None) == chunks  # a backend that cannot tell: any text fits


def test_longer_documents_and_texts_the_model_would_truncate_are_split(
    settings_factory: Any, embed_model: Any
) -> None:
    settings: Settings = settings_factory()
    long = _short(int(settings.chunk_size * WHOLE_DOC_CHUNKS) + 20)
    expected = split(long, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
    assert len(expected) == 2 and chunks_of(long, settings, embed_model.fits) == expected
    short = _short(int(settings.chunk_size * 1.2))
    assert chunks_of(short, settings, lambda text: False) == split(
        short, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap
    )
    assert not embed_model.fits("word " * 300)
    assert whole(replace(short, text="  \n ")) == []


def test_ingest_stores_a_short_document_as_one_chunk(
    settings_factory: Any, embed_model: Any, tmp_path: Any
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    headline = SEED_FILES[0].read_text().splitlines()[0]
    (folder / "short.txt").write_text(headline + "\n\n" + _short(200).text.strip() + "\n")
    settings: Settings = settings_factory(sources=[folder])
    assert count_tokens(load(folder / "short.txt").text) > settings.chunk_size
    report = ingest(settings=settings, embed_model=embed_model, progress=False)
    assert report.chunks_written == 1
    got = open_index(settings).chunks.get(include=["documents"])
    assert got["documents"] == [load(folder / "short.txt").text.strip()]
