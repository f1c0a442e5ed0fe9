"""Uncertainty and significance for eval figures: Wilson and bootstrap intervals, paired tests.

Every rate rests on per-item observations `(num, den)`: a yes/no outcome is
`(0 or 1, 1)`, a score such as reciprocal rank `(score, 1)`, and a
micro-averaged ratio such as citation precision `(expected citations, all
citations)`. The figure is `sum(num) / sum(den)`.

- `wilson(k, n)`: the 95% Wilson score interval of a proportion.
- `bootstrap_interval(obs)`: the 95% percentile interval of the figure over
  items resampled with replacement (`BOOTSTRAP_RESAMPLES`, fixed seed, so the
  same run always prints the same interval).
- `mcnemar(a, b)`: the exact two-sided McNemar test over matched yes/no
  outcomes (a binomial test on the discordant pairs).
- `paired_bootstrap(a, b)`: the 95% interval of the difference B - A over
  matched items resampled together, and a two-sided p-value (twice the share
  of resampled differences on the far side of zero).

A change is significant when p < `ALPHA`. It does not decide which metrics a
run has (`evals.run`) or how they are shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ALPHA = 0.05  # significance level of every test; intervals are 1 - ALPHA
Z_95 = 1.959963984540054  # the normal quantile of a two-sided 95% interval
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20230917  # fixed: the same run always gets the same interval and p-value

Obs = tuple[float, float]  # (numerator, denominator) of one item


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    method: str  # "wilson" | "bootstrap"


@dataclass(frozen=True)
class PairedTest:
    """The outcome of a paired test of B against A over `n` matched items."""

    n: int
    diff: float  # B - A, on the matched items
    p_value: float
    low: float | None  # interval of the difference (bootstrap); None for McNemar
    high: float | None
    method: str  # "mcnemar" | "paired bootstrap"
    worse: int = 0  # McNemar: items A had right and B wrong
    better: int = 0  # McNemar: items B had right and A wrong

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA


def value(obs: Sequence[Obs]) -> float | None:
    den = sum(d for _, d in obs)
    return sum(n for n, _ in obs) / den if den else None


def is_binary(obs: Sequence[Obs]) -> bool:
    return all(d == 1 and n in (0, 1) for n, d in obs)


def wilson(k: float, n: int, z: float = Z_95) -> Interval:
    """The Wilson score interval of k successes in n trials (n > 0)."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(max(0.0, centre - half), min(1.0, centre + half), "wilson")


def _resample_index(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))


def bootstrap_interval(obs: Sequence[Obs]) -> Interval:
    """The percentile interval of sum(num)/sum(den) over items resampled with replacement."""
    num = np.array([n for n, _ in obs], dtype=float)
    den = np.array([d for _, d in obs], dtype=float)
    idx = _resample_index(len(obs), np.random.default_rng(BOOTSTRAP_SEED))
    dens = den[idx].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        stats = num[idx].sum(axis=1) / dens
    stats = stats[dens > 0]
    q = 100 * ALPHA / 2
    return Interval(float(np.percentile(stats, q)), float(np.percentile(stats, 100 - q)), "bootstrap")


def interval(obs: Sequence[Obs]) -> Interval | None:
    """Wilson for yes/no outcomes, bootstrap otherwise; None without observations."""
    if not obs or not sum(d for _, d in obs):
        return None
    if is_binary(obs):
        return wilson(sum(n for n, _ in obs), len(obs))
    return bootstrap_interval(obs)


def percentile_interval(values: Sequence[float], q: float) -> Interval | None:
    """Bootstrap interval of the nearest-rank q-th percentile of `values`."""
    if not values:
        return None
    data = np.sort(np.array(values, dtype=float))
    idx = _resample_index(len(data), np.random.default_rng(BOOTSTRAP_SEED))
    samples = np.sort(data[idx], axis=1)
    rank = max(1, min(len(data), math.ceil(q * len(data) / 100))) - 1
    stats = samples[:, rank]
    a = 100 * ALPHA / 2
    return Interval(float(np.percentile(stats, a)), float(np.percentile(stats, 100 - a)), "bootstrap")


def binomial_two_sided(k: int, n: int) -> float:
    """Exact two-sided p-value of k or fewer (or as extreme) successes in n fair trials."""
    if n == 0:
        return 1.0
    k = min(k, n - k)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def mcnemar(a: Sequence[float], b: Sequence[float]) -> PairedTest:
    """Exact McNemar over matched yes/no outcomes (1 = good)."""
    worse = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    better = sum(1 for x, y in zip(a, b, strict=True) if y and not x)
    n = len(a)
    diff = (better - worse) / n if n else 0.0
    return PairedTest(
        n, diff, binomial_two_sided(worse, worse + better), None, None, "mcnemar", worse, better
    )


def paired_bootstrap(a: Sequence[Obs], b: Sequence[Obs]) -> PairedTest:
    """Interval and p-value of value(B) - value(A) over matched items resampled together."""
    n = len(a)
    va, vb = value(a), value(b)
    diff = (vb or 0.0) - (va or 0.0)
    arr = np.array([[x[0], x[1], y[0], y[1]] for x, y in zip(a, b, strict=True)], dtype=float)
    if n == 0:
        return PairedTest(0, 0.0, 1.0, 0.0, 0.0, "paired bootstrap")
    if np.allclose(arr[:, 0] * arr[:, 3], arr[:, 2] * arr[:, 1]):
        return PairedTest(n, diff, 1.0, 0.0, 0.0, "paired bootstrap")  # identical per item: no change
    idx = _resample_index(n, np.random.default_rng(BOOTSTRAP_SEED))
    s = arr[idx]  # (resamples, n, 4)
    den_a, den_b = s[:, :, 1].sum(axis=1), s[:, :, 3].sum(axis=1)
    ok = (den_a > 0) & (den_b > 0)
    diffs = s[ok, :, 2].sum(axis=1) / den_b[ok] - s[ok, :, 0].sum(axis=1) / den_a[ok]
    if not len(diffs):
        return PairedTest(n, diff, 1.0, None, None, "paired bootstrap")
    q = 100 * ALPHA / 2
    p = min(1.0, 2 * min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0))))
    return PairedTest(
        n, diff, p, float(np.percentile(diffs, q)), float(np.percentile(diffs, 100 - q)), "paired bootstrap"
    )


def paired_test(a: Sequence[Obs], b: Sequence[Obs]) -> PairedTest:
    """McNemar when both sides are yes/no outcomes, the paired bootstrap otherwise."""
    if is_binary(a) and is_binary(b):
        return mcnemar([x for x, _ in a], [y for y, _ in b])
    return paired_bootstrap(a, b)
