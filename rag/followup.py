"""Turn a follow-up question into a standalone retrieval query.

Without an LLM the rewrite is deterministic: when the question leans on the
conversation (a pronoun such as "it" or "him", or too few content words of its
own), the names and content words of the previous user turn, and the names in
the previous answer, are appended to it. "Who showed it to him?" after "What
did Kim inspect in Vladivostok?" becomes a query that also says Kim, inspect,
Vladivostok. With an LLM, `CONDENSE_PROMPT` asks it for the standalone question
(`rag.llm`). It does not retrieve.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag.sentences import STOPWORDS, strip_markers, words

ANAPHORS = frozenset(
    "it its he him his she her they them their this that these those there then such one".split()
)
MIN_OWN_CONTENT_WORDS = 3
MAX_ADDED_WORDS = 12
NAME = re.compile(r"\b[A-Z][a-zA-Z’'-]+(?:\s+[A-Z][a-zA-Z’'-]+)*")

CONDENSE_PROMPT = (
    "Given the conversation below and a follow-up question, rewrite the follow-up as one "
    "standalone question that can be understood without the conversation. Keep names and "
    "specifics. Reply with the question only.\n\nConversation:\n{history}\n\nFollow-up: {question}\n"
    "Standalone question:"
)


def turns(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    """(role, content) pairs from dicts or objects, ignoring anything malformed."""
    out: list[tuple[str, str]] = []
    for turn in history or []:
        role = turn.get("role") if isinstance(turn, dict) else getattr(turn, "role", None)
        content = turn.get("content") if isinstance(turn, dict) else getattr(turn, "content", None)
        if role in ("user", "assistant") and isinstance(content, str) and content.strip():
            out.append((role, content))
    return out


def needs_context(question: str) -> bool:
    tokens = words(question)
    own = [w for w in tokens if w not in STOPWORDS and w not in ANAPHORS]
    return any(w in ANAPHORS for w in tokens) or len(own) < MIN_OWN_CONTENT_WORDS


def rewrite(question: str, history: Sequence[Any] | None) -> str:
    """The question plus the context words it leans on, or the question unchanged."""
    past = turns(history)
    if not past or not needs_context(question):
        return question
    last_user = next((c for r, c in reversed(past) if r == "user"), "")
    last_answer = next((c for r, c in reversed(past) if r == "assistant"), "")
    own = set(words(question))
    added: list[str] = []
    for word in [w for w in words(last_user) if w not in STOPWORDS] + [
        w for name in NAME.findall(strip_markers(last_answer)) for w in words(name)
    ]:
        if word not in own and word not in added and word not in STOPWORDS and word not in ANAPHORS:
            added.append(word)
    if not added:
        return question
    return f"{question} ({' '.join(added[:MAX_ADDED_WORDS])})"
