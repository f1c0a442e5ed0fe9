"""rag.wordvec: near words by cosine, with a page-sized fake embedder (pure logic)."""

from __future__ import annotations

import numpy as np

from rag.wordvec import cosines, near_words

VECTORS = {"designed": [1.0, 0.0], "designer": [0.9, 0.1], "bridge": [0.0, 1.0], "blank": [0.0, 0.0]}


def fake_embed(texts: list[str]) -> list[list[float]]:
    return [VECTORS[t] for t in texts]


def test_cosines_are_rows_of_targets_against_the_vocabulary() -> None:
    sims = cosines(["designed"], ["designer", "bridge", "blank"], fake_embed)
    assert sims.shape == (1, 3)
    assert sims[0, 0] > 0.99 and abs(sims[0, 1]) < 1e-9
    assert sims[0, 2] == 0.0 and not np.isnan(sims).any()  # a zero vector is near nothing, never NaN


def test_near_words_keep_what_reaches_the_threshold_only() -> None:
    near = near_words(["designed"], ["designer", "bridge"], fake_embed, 0.6)
    assert near == {"designed": frozenset({"designer"})}
    assert near_words(["designed"], ["designer"], fake_embed, 0.999) == {"designed": frozenset()}
    assert near_words([], ["designer"], fake_embed, 0.6) == {}
    assert near_words(["designed"], [], fake_embed, 0.6) == {}
