"""`python -m evals.figures`: the calib / held-out table and its failure message."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.figures import pooled, run_set, table
from tests.test_eval_stats import make_run, result


def test_table_has_one_row_per_set_with_counts_and_dashes_for_missing_rates() -> None:
    rows = [
        ("user_seeds", "calib", {"n_items": 142, "fact_recall": 0.7619, "refusal_rate_unanswerable": 0.6}),
        ("rtqa A", "external", {"n_items": 126, "fact_recall": 0.5, "citation_precision": None}),
    ]
    lines = table(rows).splitlines()
    assert lines[0].startswith("| set | split (items) | fact recall | unanswerable refused |")
    assert lines[2] == "| user_seeds | calib (142) | 0.762 | 0.600 | - | - | - | - |"
    assert lines[3] == "| rtqa A | external (126) | 0.500 | - | - | - | - | - |"


def test_a_failing_run_stops_with_rag_evals_own_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"rag eval failed on .*bad\.jsonl"):
        run_set(bad, None, tmp_path / "out", None, "extractive")


def test_pooled_rows_weigh_every_item_once_per_split(tmp_path: Path) -> None:
    """A small set and a big one pool to the items' mean, not the mean of the two sets' rates; a
    split with one set (and the dev gate) gets no pooled row."""
    small = [result(i, hit=True, recall=1.0) for i in range(2)]
    big = [result(10 + i, hit=False, recall=0.0) for i in range(6)]
    for stem, results in (("a.calib", small), ("b.calib", big), ("a.heldout", small), ("dev", big)):
        make_run(tmp_path / stem, results)
    rows = [
        ("a", "calib", Path("a.calib.jsonl")),
        ("b", "calib", Path("b.calib.jsonl")),
        ("a", "held-out", Path("a.heldout.jsonl")),
        ("dev", "gate", Path("dev.jsonl")),
    ]
    (only,) = pooled(tmp_path, rows)
    assert only[:2] == ("all sets", "calib")
    assert only[2]["n_items"] == 8 and only[2]["fact_recall"] == 0.25  # 2 of 8, not (1.0 + 0.0) / 2
