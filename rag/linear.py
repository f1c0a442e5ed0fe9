"""A linear model over named features: scored at run time, fitted offline by evals.

The reader turns a few general signals (cosines, coverages, counts) into one
decision or ranking score; the weights are data that an `evals/` script fits
on the calibration splits and writes into a JSON file the reader loads, never
constants copied by hand. `LinearModel.score` is what runs per question: a dot
product over the features by name (a feature the model does not know is an
error, a feature it knows but is not given counts as its training mean, so a
model fitted before a feature existed still loads). `fit_logistic` is the
offline half: L2-regularised logistic regression by Newton's method (IRLS) on
standardised features, numpy only.

It does not choose features, thresholds or training sets (its callers do), and
it has no other model family: with a few hundred labelled questions, more
capacity than a linear model would fit the calibration split, not the task.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

DEFAULT_L2 = 1.0  # ridge strength on standardised features (in units of one item's log-loss)
MAX_NEWTON_STEPS = 50
TOLERANCE = 1e-8  # stop when no weight moves more than this


@dataclass(frozen=True)
class LinearModel:
    names: tuple[str, ...]
    weights: tuple[float, ...]  # in the features' own units (standardisation folded in)
    bias: float
    means: tuple[float, ...] = field(default=())  # training means: stand in for a missing feature

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.names) or (self.means and len(self.means) != len(self.names)):
            raise ValueError("a linear model needs one weight (and one mean) per feature name")

    def score(self, features: Mapping[str, float]) -> float:
        """The linear score (log-odds for a logistic fit) of one item's features, by name."""
        unknown = set(features) - set(self.names)
        if unknown:
            raise KeyError(f"features the model was not fitted on: {sorted(unknown)}")
        means = self.means or (0.0,) * len(self.names)
        total = self.bias
        for name, weight, mean in zip(self.names, self.weights, means, strict=True):
            total += weight * float(features.get(name, mean))
        return total

    def probability(self, features: Mapping[str, float]) -> float:
        """The logistic of `score`: the fitted probability that the label is 1."""
        s = self.score(features)
        return 1.0 / (1.0 + math.exp(-s)) if s > -500 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        return cls(
            names=tuple(str(n) for n in data["names"]),
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            means=tuple(float(m) for m in data.get("means", ())),
        )


def fit_logistic(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int | bool],
    names: Sequence[str],
    *,
    l2: float = DEFAULT_L2,
    sample_weights: Sequence[float] | None = None,
) -> LinearModel:
    """Fit P(label = 1 | features) on `rows` (each a feature dict holding every name in `names`).

    Features are standardised for the fit (so `l2` treats them alike) and the
    scaling is folded back into the weights. A constant feature gets weight 0.
    `sample_weights` lets a caller weigh sets or classes equally.
    """
    if len(rows) != len(labels) or not rows:
        raise ValueError("fit_logistic needs one label per row, and at least one row")
    x = np.array([[float(r[n]) for n in names] for r in rows], dtype=np.float64)
    y = np.array([1.0 if v else 0.0 for v in labels])
    w_items = np.ones(len(rows)) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(rows), 1))])
    beta = np.zeros(z.shape[1])
    ridge = np.full(z.shape[1], l2)
    ridge[-1] = 0.0  # the bias is not shrunk
    for _ in range(MAX_NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (w_items * (p - y)) + ridge * beta
        hessian = (z * (w_items * p * (1 - p))[:, None]).T @ z + np.diag(ridge) + 1e-9 * np.eye(z.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < TOLERANCE:
            break
    weights = beta[:-1] / scale
    bias = float(beta[-1] - np.sum(beta[:-1] * mean / scale))
    return LinearModel(
        names=tuple(names),
        weights=tuple(float(v) for v in weights),
        bias=bias,
        means=tuple(float(v) for v in mean),
    )
