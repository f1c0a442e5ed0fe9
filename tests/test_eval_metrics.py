"""Eval building blocks: fact matching, ranks, percentiles, dataset validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.dataset import DatasetError, load_dataset
from evals.metrics import fact_found, fact_recall, normalise, percentile, reciprocal_rank
from tests.conftest import ROOT, SEED_IDS


@pytest.mark.parametrize(
    ("answer", "alternatives", "found"),
    [
        ("Kim got five DRONES [1].", ["drone"], True),
        ("a set of bullet-proof protection", ["bulletproof", "bullet proof"], True),
        ("They held one on one talks[2].", ["one-on-one"], True),
        ("Putin met Kim.", ["Shoigu", "defence minister"], False),
        ("the Primorsky[3] region", ["Primorye", "Primorsky"], True),
        ("twenty-five", ["five"], True),  # substring match, as the format defines it
    ],
)
def test_fact_found(answer: str, alternatives: list[str], found: bool) -> None:
    assert fact_found(answer, alternatives) is found


def test_fact_recall_and_normalise() -> None:
    assert normalise("  Kim’s   [12] train!  ") == "kim s train"
    assert fact_recall("drones and a vest [1]", [["drone"], ["vest"], ["thermal"]]) == pytest.approx(2 / 3)
    assert fact_recall("anything", []) == 1.0


def test_reciprocal_rank_and_percentile() -> None:
    assert reciprocal_rank(["a", "b", "c"], ["c"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], ["z"]) == 0.0
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0
    assert percentile([], 50) == 0.0


def test_dev_set_is_well_formed() -> None:
    items = load_dataset(ROOT / "evals/datasets/dev.jsonl")
    assert len(items) >= 60
    unanswerable = [i for i in items if not i.answerable]
    assert len(unanswerable) >= 12 and all(not i.facts and not i.sources for i in unanswerable)
    assert sum(bool(i.history) for i in items) >= 6
    for item in items:
        assert set(item.sources) <= set(SEED_IDS)
        if item.answerable:
            assert item.facts and item.sources


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "a", "question": "q?"}', "missing field 'answerable'"),
        ('{"id": "a", "question": "q?", "answerable": "yes"}', "true or false"),
        ('{"id": "a", "question": "q?", "answerable": true, "facts": ["drone"]}', "facts"),
        ('{"id": "a", "question": "q?", "answerable": true, "history": [{"role": "bot"}]}', "history"),
    ],
)
def test_malformed_lines_are_reported_with_line_numbers(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "ok", "question": "Fine?", "answerable": false, "extra": 1}\n\n' + line + "\n")
    with pytest.raises(DatasetError, match=message) as info:
        load_dataset(path)
    assert f"{path}:3" in str(info.value)
