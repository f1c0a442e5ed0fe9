"""What an answerer hands the engine: a `Draft`, and the parsing of inline citation markers.

`Draft` is an answer before numbering and verification: its sentences with the doc_ids each
cites, the passages used, or a refusal with its reason, plus the tokens an LLM spent, and the
words of its sentences to highlight (the short fact the answer opened with, inside the quoted
sentence it comes from: offsets into that sentence, so the text itself stays plain).
`attach_markers` splits answer text into sentences and the marker numbers each carries.

This module imports no answerer and no engine, so `rag.llm` and `rag.engine` both depend on it
and not on each other. It does not number sources or verify citations (`rag.engine`), nor
normalise the citation spellings small models use (`rag.llm.normalise_citations`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.answer import Quote
from rag.sentences import CITATION_MARKER, split_sentences


@dataclass
class Draft:
    """What an answerer produced, before numbering and verification."""

    sentences: list[tuple[str, list[str]]]  # sentence text, cited doc_ids
    quotes: dict[str, list[Quote]]  # doc_id -> passages the answerer used
    refused: bool
    reason: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # sentence index -> (start, end) offsets in that sentence's text of the words to highlight
    highlights: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


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
