"""Intervals and paired significance: known values, and `--compare` on runs whose differences are known."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from evals import stats
from evals.compare import NO_CHANGE, metric_tests
from evals.run import aggregate, format_summary, run_config, write_run
from rag.cli import main


def test_wilson_matches_published_values() -> None:
    # Newcombe (1998), table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605
    ci = stats.wilson(81, 263)
    assert (round(ci.low, 4), round(ci.high, 4)) == (0.2553, 0.3662)
    ci = stats.wilson(15, 148)
    assert (round(ci.low, 4), round(ci.high, 4)) == (0.0624, 0.1605)
    ci = stats.wilson(0, 10)  # an observed 0 still gets an upper bound
    assert ci.low == 0.0 and 0.27 < ci.high < 0.28


def test_bootstrap_interval_is_deterministic_and_covers_the_mean() -> None:
    obs = [(float(i % 4) / 3, 1.0) for i in range(40)]
    a, b = stats.bootstrap_interval(obs), stats.bootstrap_interval(obs)
    assert a == b and a.method == "bootstrap"
    assert a.low < stats.value(obs) < a.high  # type: ignore[operator]
    assert stats.interval([(1.0, 1.0), (0.0, 1.0)]).method == "wilson"  # type: ignore[union-attr]
    assert stats.interval([]) is None


def test_exact_mcnemar() -> None:
    assert stats.binomial_two_sided(0, 10) == pytest.approx(2 / 1024)
    assert stats.binomial_two_sided(5, 10) == 1.0
    test = stats.mcnemar([0] * 10 + [1] * 40, [1] * 50)
    assert (test.better, test.worse, test.significant) == (10, 0, True)
    assert test.p_value == pytest.approx(2 / 1024)
    assert not stats.mcnemar([1, 0, 1, 0], [0, 1, 1, 0]).significant


def result(
    i: int, *, hit: bool, recall: float, answerable: bool = True, follow_up: bool = False
) -> dict[str, Any]:
    scores: dict[str, Any] = {"refusal_correct": True}
    if answerable:
        scores.update(
            hit=hit,
            reciprocal_rank=1.0 if hit else 0.0,
            fact_recall=recall,
            n_citations=2,
            n_expected_citations=2 if hit else 1,
            fully_cited=True,
        )
    return {
        "id": f"i{i:02d}",
        "question": f"question {i}?",
        "answer": f"answer {i} {'right' if hit else 'wrong'}",
        "answerable": answerable,
        "history": [{"role": "user", "content": "before"}] if follow_up else [],
        "tags": ["typo"] if i % 5 == 0 else [],
        "refused": not answerable,
        "error": "",
        "scores": scores,
        "failed": answerable and not hit,
        "latency_ms": 100.0 + i,
        "facts": [],
        "citations": [],
        "sources": [],
        "retrieved": [],
        "expected_sources": [],
        "reference": "",
        "sentences": [],
    }


def make_run(path: Path, results: list[dict[str, Any]]) -> Path:
    class Engine:
        backend, model = "extractive", None

    write_run(path, results, aggregate(results), run_config(Engine(), dataset=Path("d.jsonl"), top_k=5))  # type: ignore[arg-type]
    return path


def fifty(flipped: int = 0) -> list[dict[str, Any]]:
    """50 items, the first 20 missed (hit no, recall 0.5); `flipped` of those now hit with full recall."""
    out = []
    for i in range(50):
        good = i >= 20 or i < flipped
        out.append(result(i, hit=good, recall=1.0 if good else 0.5, follow_up=i % 7 == 0))
    return out + [result(50 + j, hit=False, recall=0, answerable=False) for j in range(5)]


def test_every_rate_carries_n_and_interval_overall_and_per_slice() -> None:
    metrics = aggregate(fifty())
    assert metrics["hit_rate"] == 0.6 and metrics["intervals"]["hit_rate"]["n"] == 50
    ci = metrics["intervals"]["hit_rate"]
    assert ci["method"] == "wilson" and ci["low"] < 0.6 < ci["high"]
    assert metrics["intervals"]["fact_recall"]["method"] == "bootstrap"
    assert metrics["intervals"]["citation_precision"]["n"] == 50
    slices = metrics["slices"]
    assert list(slices) == ["answerable", "unanswerable", "first-turn", "follow-up", "tag:typo"]
    follow = slices["follow-up"]["metrics"]["hit_rate"]
    assert follow["n"] == 8 and follow["low"] is not None
    assert slices["unanswerable"]["metrics"]["refusal_rate_unanswerable"]["value"] == 1.0
    text = format_summary(metrics)
    assert re.search(r"hit_rate\s+0\.600\s+50\s+\[0\.\d+, 0\.\d+\]", text)
    assert re.search(r"follow-up\s+8\s+[\d.]+ \(n=8\)", text)


def test_same_results_are_no_significant_change_on_every_metric() -> None:
    tests = metric_tests(fifty(), fifty())
    assert {row["verdict"] for rows in tests.values() for row in rows.values()} == {NO_CHANGE}
    assert all(row["p"] == 1.0 for rows in tests.values() for row in rows.values())


def test_ten_real_flips_of_fifty_are_significant_and_two_are_not() -> None:
    tests = metric_tests(fifty(), fifty(flipped=10))["overall"]
    hit = tests["hit_rate"]
    assert (hit["method"], hit["better"], hit["worse"], hit["verdict"]) == ("mcnemar", 10, 0, "better")
    assert hit["p"] < 0.01
    recall = tests["fact_recall"]  # 0.5 -> 1.0 on ten items: not yes/no, so the paired bootstrap
    assert recall["method"] == "paired bootstrap" and recall["verdict"] == "better"
    assert 0 < recall["low"] < recall["diff"] < recall["high"]
    assert tests["false_refusal_rate"]["verdict"] == NO_CHANGE
    refusals = fifty()
    for r in refusals[:3]:
        r["refused"] = True  # three false refusals in B: counted as worse, not better
    row = metric_tests(fifty(), refusals)["overall"]["false_refusal_rate"]
    assert (row["better"], row["worse"], row["diff"], row["verdict"]) == (0, 3, 0.06, NO_CHANGE)
    small = metric_tests(fifty(), fifty(flipped=2))["overall"]["hit_rate"]
    assert small["verdict"] == NO_CHANGE and small["p"] == 0.5
    worse = metric_tests(fifty(flipped=10), fifty())["overall"]["hit_rate"]
    assert worse["verdict"] == "worse"


def test_compare_cli_reports_significance_per_metric_and_slice(tmp_path: Path, capsys: Any) -> None:
    a = make_run(tmp_path / "a", fifty())
    same = make_run(tmp_path / "same", fifty())
    flipped = make_run(tmp_path / "flipped", fifty(flipped=10))
    assert main(["eval", "--compare", str(a), str(same)]) == 0
    out = capsys.readouterr().out
    assert "Significant changes: none." in out
    assert "| better |" not in out and "| worse |" not in out
    assert main(["eval", "--compare", str(a), str(flipped)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"\| hit_rate \| 0\.600 \| 0\.800 \| \+0\.200 \|  \| "
        r"p=0\.002 \(McNemar: 10 better, 0 worse\) \| 50 \| better \|",
        out,
    )
    assert "overall: hit_rate better" in out
    assert "## Slice follow-up" in out and "## Slice tag:typo" in out
    assert "## Better in B (10)" in out
    report = (flipped / "report-vs-a.html").read_text(encoding="utf-8")
    assert "flips only (10)" in report and "<del>wrong</del>" in report and "<ins>right</ins>" in report
    assert 'data-flip="better"' in report and "p=0.002" in report
    metrics = json.loads((flipped / "metrics.json").read_text())
    assert metrics["slices"]["tag:typo"]["n_items"] == 11  # i00, i05 ... i45 and i50
