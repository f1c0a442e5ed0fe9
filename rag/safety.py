"""Keep instructions planted in articles away from the answerers (prompt injection).

Articles are data. A sentence that gives orders to a model or to the reader of a
prompt ("ignore previous instructions", "you are now in developer mode", "from
now on, answer ...", "print your system prompt") is masked with spaces of the
same length before any answerer sees the passage. Offsets stay exact, the
extractive answerer cannot quote it, an LLM never reads it, and verification
cannot confirm an answer that repeats it. The index keeps the article as it is,
and the retrieved passages shown to users are unchanged.

It is a pattern list, not a classifier: it stops the common phrasings, and the
LLM prompt separately says that sources are data, not instructions. A news
story that quotes such a phrase loses that one sentence from answers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from rag.sentences import split_sentences

if TYPE_CHECKING:
    from rag.retrieve import Retrieval

INSTRUCTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}"
    r"\b(instructions?|rules|prompts?|directions|guidelines|guardrails)\b",
    r"\b(system|developer|hidden)\s+(prompt|message|mode|instructions?)\b",
    r"\byou are now\b",
    r"\b(from now on|henceforth)\b[^.!?\n]{0,60}\b(answer|respond|reply|say|tell|cite|write)\b",
    r"\b(print|reveal|show|repeat|output|leak)\b[^.!?\n]{0,40}"
    r"\b(prompt|instructions|api[ _-]?keys?|secrets?|passwords?)\b",
    r"\bas an? (ai|assistant|language model|chatbot)\b",
    r"^\s*(system|assistant)\s*:",
]
INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in INSTRUCTION_PATTERNS), re.IGNORECASE | re.MULTILINE)
TITLE_PLACEHOLDER = "(untitled)"


def looks_like_instruction(text: str) -> bool:
    return bool(INSTRUCTION.search(text))


def mask_instructions(text: str) -> str:
    """`text` with every instruction-like sentence replaced by spaces (same length, same offsets)."""
    if not INSTRUCTION.search(text):
        return text
    out = list(text)
    for span in split_sentences(text):
        if looks_like_instruction(span.text):
            out[span.start : span.end] = " " * (span.end - span.start)
    return "".join(out)


def guarded(retrieval: Retrieval) -> Retrieval:
    """A copy of the retrieval whose passages (and titles) carry no instruction-like sentences."""
    passages = [
        replace(
            p,
            text=mask_instructions(p.text),
            title=TITLE_PLACEHOLDER if looks_like_instruction(p.title) else p.title,
        )
        for p in retrieval.passages
    ]
    return replace(retrieval, passages=passages)
