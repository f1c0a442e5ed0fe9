"""Turn an item's reference passages (`contexts`) into expected source documents.

RAGAS and llama-index datasets name the passages an answer should rest on, not
document ids. `resolve_sources(items, texts)` gives each answerable item that
has `contexts` but no `sources` the ids of the documents whose cleaned text
contains one of its passages (compared after `evals.metrics.normalise`: case,
punctuation and whitespace folded; a long passage matches when its start,
middle or end does, so passages cut at chunk boundaries still match).
`document_texts(index)` reads the cleaned text of every indexed document from
its source file.

Items whose passages match no document keep no sources (retrieval metrics are
then not scored for them, and the count is reported). It does not change any
other field.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from evals.dataset import Item
from evals.metrics import normalise

WINDOW = 80  # characters of a normalised passage that must occur verbatim in a document


def document_texts(index: Any) -> dict[str, str]:
    """doc id -> normalised cleaned text, for every indexed document whose file can be read."""
    from rag.documents import UnreadableFile, load

    out: dict[str, str] = {}
    for doc_id, record in index.documents().items():
        try:
            out[doc_id] = normalise(load(Path(record.source)).text)
        except (UnreadableFile, OSError):
            continue
    return out


def _windows(passage: str) -> list[str]:
    text = normalise(passage)
    if len(text) <= WINDOW:
        return [text] if text else []
    mid = (len(text) - WINDOW) // 2
    return [text[:WINDOW], text[mid : mid + WINDOW], text[-WINDOW:]]


def matching_documents(contexts: list[str], texts: dict[str, str]) -> list[str]:
    found: list[str] = []
    for passage in contexts:
        windows = _windows(passage)
        for doc_id, text in texts.items():
            if doc_id not in found and any(w in text for w in windows):
                found.append(doc_id)
    return found


def resolve_sources(items: list[Item], texts: dict[str, str]) -> tuple[list[Item], int, int]:
    """(items with sources filled from contexts, items resolved, items whose contexts matched nothing)."""
    out: list[Item] = []
    resolved = unmatched = 0
    for item in items:
        if item.answerable and item.contexts and not item.sources:
            sources = matching_documents(item.contexts, texts)
            if sources:
                resolved += 1
                item = replace(item, sources=sources)
            else:
                unmatched += 1
        out.append(item)
    return out, resolved, unmatched
