"""Compare two eval runs with paired significance tests, overall and per slice, and list the flips.

`metric_tests(results1, results2)` tests every rate metric on the items both
runs share and where the metric applies to both (`evals.run.observations`):
McNemar's exact test when the per-item outcomes are yes/no (hit, refusal,
fully cited...), a paired bootstrap otherwise (MRR, fact recall, citation
precision). A change is called better or worse only when p < 0.05; otherwise
it is "no significant change", with the p-value (and, for the bootstrap, the
95% interval of the difference) shown. Latency percentiles are shown but not
tested: they depend on the machine and its load more than on the configuration.

`compare_runs(dir1, dir2)` returns the Markdown: the two configurations, the
overall table, one table per slice (answerable, unanswerable, first-turn,
follow-up, each tag), then the items (matched by id) that got better or worse
on fact recall, refusal correctness or retrieval hit, and the items only one
run has. `write_comparison` writes it, by default to
`DIR2/compare-vs-<DIR1 name>.md`, and the report of DIR2 with per-item answer
diffs against DIR1 (`report-vs-<DIR1 name>.html`).

It does not run anything or re-score answers: it reads what `evals.run` wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals import stats
from evals.run import (
    COUNT_METRICS,
    LATENCY_METRICS,
    LOWER_IS_BETTER,
    Result,
    format_value,
    load_run,
    observations,
    slice_names,
    slices_of,
    summary_keys,
)

CONFIG_KEYS = ("backend", "model", "top_k", "chunk_size", "dataset", "corpus", "date")
EPSILON = 1e-9  # smaller changes are no change
NO_CHANGE = "no significant change"
NOT_TESTED = "not tested (depends on the machine's load)"


def _cell(value: Any) -> str:
    return "-" if value in (None, "") else str(value).replace("|", "\\|")


def p_text(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def verdict(key: str, test: stats.PairedTest) -> str:
    """better / worse when the test is significant, otherwise "no significant change"."""
    if not test.significant or abs(test.diff) < EPSILON:
        return NO_CHANGE
    better = test.diff < 0 if key in LOWER_IS_BETTER else test.diff > 0
    return "better" if better else "worse"


def metric_tests(results1: list[Result], results2: list[Result]) -> dict[str, dict[str, dict[str, Any]]]:
    """{slice ("overall" first): {metric: row}} for every metric measured on shared items in both runs.

    A row has a, b (values on the matched items), n, diff, p, low/high (interval of
    the difference, bootstrap only), method, worse/better (McNemar), verdict.
    """
    ids2 = {r["id"] for r in results2}
    shared1 = [r for r in results1 if r["id"] in ids2]
    by_id2 = {r["id"]: r for r in results2}
    shared2 = [by_id2[r["id"]] for r in shared1]
    groups: dict[str, tuple[list[Result], list[Result]]] = {"overall": (shared1, shared2)}
    for name in slice_names(shared2):
        members = {r["id"] for r in shared2 if name in (r.get("slices") or slices_of(r))}
        groups[name] = (
            [r for r in shared1 if r["id"] in members],
            [r for r in shared2 if r["id"] in members],
        )
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, (a_results, b_results) in groups.items():
        obs_a, obs_b = observations(a_results), observations(b_results)
        rows: dict[str, dict[str, Any]] = {}
        for key in obs_b:
            common = [i for i in obs_b[key] if i in obs_a.get(key, {})]
            if not common:
                continue
            a = [obs_a[key][i] for i in common]
            b = [obs_b[key][i] for i in common]
            test = stats.paired_test(a, b)
            better, worse = test.better, test.worse  # McNemar counts items whose outcome went 0 -> 1
            if key in LOWER_IS_BETTER:  # ... which is worse for a rate such as false refusals
                better, worse = worse, better
            rows[key] = {
                "a": stats.value(a),
                "b": stats.value(b),
                "n": test.n,
                "diff": test.diff,
                "p": test.p_value,
                "low": test.low,
                "high": test.high,
                "method": test.method,
                "worse": worse,
                "better": better,
                "verdict": verdict(key, test),
            }
        out[name] = rows
    return out


def _test_row(key: str, row: dict[str, Any]) -> str:
    if row["method"] == "mcnemar":
        detail = f"{p_text(row['p'])} (McNemar: {row['better']} better, {row['worse']} worse)"
        interval = ""
    else:
        detail = f"{p_text(row['p'])} (paired bootstrap)"
        interval = "" if row["low"] is None else f"[{row['low']:+.3f}, {row['high']:+.3f}]"
    a, b = format_value(key, row["a"]), format_value(key, row["b"])
    return (
        f"| {key} | {a} | {b} | {row['diff']:+.3f} | {interval} | {detail} | {row['n']} | {row['verdict']} |"
    )


TABLE_HEAD = [
    "| metric | A | B | delta (B-A) | 95% interval of delta | test | n | verdict |",
    "|---|---:|---:|---:|---|---|---:|---|",
]


def _changes(a: Result, b: Result) -> tuple[list[str], list[str]]:
    """What got better and what got worse for one item, in words."""
    better: list[str] = []
    worse: list[str] = []
    sa, sb = a["scores"], b["scores"]
    if sa.get("refusal_correct") != sb.get("refusal_correct"):
        what = "refused" if b["refused"] else "answered"
        (better if sb.get("refusal_correct") else worse).append(
            f"refusal now {'right' if sb.get('refusal_correct') else 'wrong'} ({what})"
        )
    if "fact_recall" in sa and "fact_recall" in sb and abs(sa["fact_recall"] - sb["fact_recall"]) > EPSILON:
        text = f"fact recall {sa['fact_recall']:.2f} → {sb['fact_recall']:.2f}"
        (better if sb["fact_recall"] > sa["fact_recall"] else worse).append(text)
    if "hit" in sa and "hit" in sb and sa["hit"] != sb["hit"]:
        (better if sb["hit"] else worse).append("hit" if sb["hit"] else "no longer a hit")
    return better, worse


def item_changes(results1: list[Result], results2: list[Result]) -> dict[str, str]:
    """Item id -> "better" | "worse" for the items whose outcome flipped between the runs."""
    by_id1 = {r["id"]: r for r in results1}
    out: dict[str, str] = {}
    for b in results2:
        a = by_id1.get(b["id"])
        if a is None:
            continue
        better, worse = _changes(a, b)
        if worse:
            out[b["id"]] = "worse"
        elif better:
            out[b["id"]] = "better"
    return out


def compare_runs(dir1: Path, dir2: Path) -> str:
    """The comparison of run `dir1` (before) with run `dir2` (after), as Markdown."""
    results1, metrics1 = load_run(dir1)
    results2, metrics2 = load_run(dir2)
    name1, name2 = f"A: {dir1.name}", f"B: {dir2.name}"
    lines = [f"# Eval comparison: {dir1} (A) vs {dir2} (B)", ""]
    c1, c2 = metrics1.get("config") or {}, metrics2.get("config") or {}
    lines += [f"| config | {name1} | {name2} |", "|---|---|---|"]
    lines += [
        f"| {k} | {_cell(c1.get(k))} | {_cell(c2.get(k))} |" for k in CONFIG_KEYS if c1.get(k) or c2.get(k)
    ]
    if c1.get("dataset") != c2.get("dataset"):
        lines += [
            "",
            "Note: the runs used different datasets; tests and per-item changes cover shared ids only.",
        ]
    tests = metric_tests(results1, results2)
    lines += [
        "",
        "Each rate is tested on the items both runs share (McNemar's exact test for yes/no outcomes, "
        f"a paired bootstrap otherwise); a change is better or worse only when p < {stats.ALPHA}.",
        "",
        "## Overall",
        "",
        *TABLE_HEAD,
    ]
    overall = tests.get("overall", {})
    for key in summary_keys(metrics2) or summary_keys(metrics1):
        if key in overall:
            lines.append(_test_row(key, overall[key]))
    for key in [*COUNT_METRICS, *LATENCY_METRICS]:
        a, b = metrics1.get(key), metrics2.get(key)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            diff = float(b) - float(a)
            delta = f"{diff:+.0f} ms" if key.endswith("_ms") else f"{diff:+.0f}"
            why = NOT_TESTED if key.endswith("_ms") else ""
            lines.append(
                f"| {key} | {format_value(key, a)} | {format_value(key, b)} | {delta} | | | | {why} |"
            )
    significant = [
        f"{name}: {key} {row['verdict']}"
        for name, rows in tests.items()
        for key, row in rows.items()
        if row["verdict"] != NO_CHANGE
    ]
    lines += ["", "Significant changes: " + ("; ".join(significant) if significant else "none.")]
    for name, rows in tests.items():
        if name == "overall" or not rows:
            continue
        n_items = sum(1 for r in results2 if name in (r.get("slices") or slices_of(r)))
        lines += ["", f"## Slice {name} ({n_items} items in B)", "", *TABLE_HEAD]
        lines += [_test_row(key, row) for key, row in rows.items()]

    by_id1 = {r["id"]: r for r in results1}
    by_id2 = {r["id"]: r for r in results2}
    better_items: list[str] = []
    worse_items: list[str] = []
    for item_id, b in by_id2.items():
        a = by_id1.get(item_id)
        if a is None:
            continue
        better, worse = _changes(a, b)
        if worse:
            worse_items.append(f"- `{item_id}`: {'; '.join(worse + better)} — {b['question']}")
        elif better:
            better_items.append(f"- `{item_id}`: {'; '.join(better)} — {b['question']}")
    only1 = [i for i in by_id1 if i not in by_id2]
    only2 = [i for i in by_id2 if i not in by_id1]
    lines += ["", f"## Worse in B ({len(worse_items)})", "", *(worse_items or ["(none)"])]
    lines += ["", f"## Better in B ({len(better_items)})", "", *(better_items or ["(none)"])]
    if only1:
        lines += ["", f"## Only in A ({len(only1)})", "", ", ".join(f"`{i}`" for i in only1)]
    if only2:
        lines += ["", f"## Only in B ({len(only2)})", "", ", ".join(f"`{i}`" for i in only2)]
    return "\n".join(lines) + "\n"


def default_compare_path(dir1: Path, dir2: Path) -> Path:
    return dir2 / f"compare-vs-{dir1.resolve().name}.md"


def write_comparison(dir1: Path, dir2: Path, out: Path | None = None) -> tuple[str, Path]:
    """Compare and write the Markdown and DIR2's report with diffs against DIR1; returns (text, path)."""
    from evals.report import write_report

    text = compare_runs(dir1, dir2)
    path = out or default_compare_path(dir1, dir2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    write_report(dir2, baseline=dir1)
    return text, path
