"""rag.linear: the fitted weights separate what they were fitted on, and scoring reads features by name."""

from __future__ import annotations

import random

import pytest

from rag.linear import LinearModel, fit_logistic


def _data(n: int = 400, seed: int = 7) -> tuple[list[dict[str, float]], list[int]]:
    rng = random.Random(seed)
    rows, labels = [], []
    for _ in range(n):
        a, b, noise = rng.uniform(0, 1), rng.uniform(0, 10), rng.uniform(-5, 5)
        rows.append({"a": a, "b": b, "noise": noise, "constant": 3.0})
        labels.append(int(2.0 * a - 0.3 * b + rng.gauss(0, 0.2) > -0.5))
    return rows, labels


def test_fit_recovers_the_signs_and_separates_the_training_data() -> None:
    rows, labels = _data()
    model = fit_logistic(rows, labels, ["a", "b", "noise", "constant"], l2=0.1)
    weights = dict(zip(model.names, model.weights, strict=True))
    assert weights["a"] > 0 > weights["b"]
    assert abs(weights["noise"]) < abs(weights["b"])
    assert weights["constant"] == 0.0
    correct = sum((model.score(r) > 0) == bool(y) for r, y in zip(rows, labels, strict=True))
    assert correct / len(rows) > 0.9
    assert 0.0 < model.probability(rows[0]) < 1.0


def test_the_fit_is_in_the_features_own_units() -> None:
    rows, labels = _data()
    model = fit_logistic(rows, labels, ["a", "b"], l2=0.1)
    scaled = [{"a": r["a"], "b": r["b"] * 100} for r in rows]
    model_scaled = fit_logistic(scaled, labels, ["a", "b"], l2=0.1)
    for r, s in zip(rows, scaled, strict=True):
        assert model.score({"a": r["a"], "b": r["b"]}) == pytest.approx(model_scaled.score(s), abs=1e-6)


def test_a_missing_feature_counts_as_its_training_mean_and_an_unknown_one_is_an_error() -> None:
    model = LinearModel(names=("a", "b"), weights=(1.0, 2.0), bias=-1.0, means=(0.5, 0.25))
    assert model.score({"a": 1.0}) == pytest.approx(1.0 + 0.5 - 1.0)
    with pytest.raises(KeyError, match="zzz"):
        model.score({"a": 1.0, "zzz": 2.0})
    assert LinearModel.from_dict(model.to_dict()) == model


def test_bad_shapes_are_refused() -> None:
    with pytest.raises(ValueError):
        LinearModel(names=("a",), weights=(1.0, 2.0), bias=0.0)
    with pytest.raises(ValueError):
        fit_logistic([], [], ["a"])
