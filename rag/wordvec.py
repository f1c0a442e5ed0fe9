"""Words near in meaning: cosines between the embedding model's vectors of single words.

The reader's checks match a word of the question that an article words differently ("designer"
for "designed", "homes" for "houses", "approval" for "approved") by this one measure; each use is
one call of the injected `embed` (the engine's cached embedder, so a word is embedded once).
`unit` scales a vector to length 1, for the reader's and `rag.leadpick`'s sentence cosines.

It deliberately does not choose thresholds (each caller names its own) or decide anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from rag.sentences import STOPWORDS

Embed = Callable[[list[str]], list[list[float]]]

MIN_WORD_LETTERS = 3  # shorter words ("us", "it") carry no meaning of their own to compare


def content_vocab(tokens: Iterable[str]) -> list[str]:
    """The distinct content words of `tokens` (no stopwords, three letters or more), sorted: what the
    callers compare a question's words with."""
    return sorted({w for w in tokens if w not in STOPWORDS and len(w) >= MIN_WORD_LETTERS})


def unit(vector: Sequence[float]) -> NDArray[np.float64]:
    """`vector` scaled to length 1 (a zero vector as it is)."""
    array = np.asarray(vector, dtype=np.float64)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


def cosines(targets: Sequence[str], vocab: Sequence[str], embed: Embed) -> NDArray[np.float64]:
    """The cosine of each of `targets` (rows) to each word of `vocab` (columns), one embedding call."""
    vectors = np.asarray(embed([*targets, *vocab]), dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    units = vectors / np.where(norms == 0, 1.0, norms)
    return units[: len(targets)] @ units[len(targets) :].T


def near_words(
    targets: Sequence[str], vocab: Sequence[str], embed: Embed, threshold: float
) -> dict[str, frozenset[str]]:
    """For each target word, the words of `vocab` whose vectors are at least `threshold` close."""
    if not targets or not vocab:
        return {}
    sims = cosines(targets, vocab, embed)
    return {
        t: frozenset(v for v, s in zip(vocab, row, strict=True) if s >= threshold)
        for t, row in zip(targets, sims, strict=True)
    }
