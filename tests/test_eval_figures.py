"""`python -m evals.figures`: the calib / held-out table and its failure message."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.figures import run_set, table


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
