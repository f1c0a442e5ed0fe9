"""Split a cleaned document into sentence-aware chunks that know where they came from.

Chunks come from llama-index's `SentenceSplitter`, sized in `cl100k_base` tokens.
Each chunk keeps its character offsets into the cleaned document text, so that
`document.text[start:end] == chunk.text` and a citation can quote and highlight
the exact passage.

It does not embed or store chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rag.documents import SourceDocument
from rag.tokens import tokenizer

CHUNK_ID_SEP = "::"


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


def chunk_id(doc_id: str, content_hash: str, index: int) -> str:
    return f"{doc_id}{CHUNK_ID_SEP}{content_hash[:12]}{CHUNK_ID_SEP}{index:04d}"


def chunk_owner(chunk_id: str) -> tuple[str, str] | None:
    """(doc_id, content-hash prefix) of a chunk id made by `chunk_id`; None for another id."""
    parts = chunk_id.rsplit(CHUNK_ID_SEP, 2)
    if len(parts) != 3 or not parts[0] or not parts[1] or not parts[2].isdigit():
        return None
    return parts[0], parts[1]


def _locate(text: str, piece: str, floor: int) -> tuple[int, int]:
    """Where `piece` stands in `text` at or after `floor`, tolerating changed whitespace."""
    at = text.find(piece, floor)
    if at < 0:
        at = text.find(piece)
    if at >= 0:
        return at, at + len(piece)
    pattern = r"\s+".join(re.escape(word) for word in piece.split())
    match = re.compile(pattern).search(text, floor) or re.compile(pattern).search(text)
    if match is None:  # pragma: no cover - the splitter only drops whitespace
        raise ValueError("chunk text not found in its document")
    return match.start(), match.end()


@lru_cache(maxsize=4)
def _splitter(chunk_size: int, chunk_overlap: int) -> Any:
    """One splitter per setting: building one costs about 10 ms, as much as splitting an article."""
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap, tokenizer=tokenizer())


def split(doc: SourceDocument, *, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """The document's chunks, in order, each with exact offsets into `doc.text`."""
    splitter = _splitter(chunk_size, chunk_overlap)
    chunks: list[Chunk] = []
    floor = 0
    for piece in splitter.split_text(doc.text):
        if not piece.strip():
            continue
        start, end = _locate(doc.text, piece, floor)
        floor = start + 1
        index = len(chunks)
        chunks.append(
            Chunk(
                chunk_id=chunk_id(doc.doc_id, doc.content_hash, index),
                doc_id=doc.doc_id,
                index=index,
                text=doc.text[start:end],
                start=start,
                end=end,
            )
        )
    return chunks
