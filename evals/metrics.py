"""Deterministic answer-quality metrics: fact matching, retrieval hits, citations, refusals.

Pure functions over answers and dataset items; `evals.run` applies them. The
judge metrics (an LLM as entailment judge) live elsewhere.
"""

from __future__ import annotations

import re

CITATION = re.compile(r"\[\d{1,3}\]")
NON_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lowercase, citation markers removed, punctuation and whitespace folded to one space."""
    text = CITATION.sub(" ", text.lower()).replace("’", "'")
    return " ".join(NON_WORD.sub(" ", text).split())


def fact_found(answer: str, alternatives: list[str]) -> bool:
    """A fact group is found when any alternative occurs in the answer."""
    haystack = f" {normalise(answer)} "
    return any(normalise(alt) and normalise(alt) in haystack for alt in alternatives)


def fact_recall(answer: str, facts: list[list[str]]) -> float:
    if not facts:
        return 1.0
    return sum(fact_found(answer, group) for group in facts) / len(facts)


def reciprocal_rank(retrieved_doc_ids: list[str], sources: list[str]) -> float:
    for rank, doc_id in enumerate(retrieved_doc_ids, start=1):
        if doc_id in sources:
            return 1.0 / rank
    return 0.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]
