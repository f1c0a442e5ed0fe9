"""Compare two eval runs: a side-by-side metric table with deltas and the per-item changes.

`compare_runs(dir1, dir2)` returns a Markdown text: the two runs' configuration,
every metric either run has with its values, delta (run 2 minus run 1) and
whether the change is better or worse, then the items (matched by id) that got
better or worse on fact recall, refusal correctness or retrieval hit, and the
items only one run has. `write_comparison` also writes it, by default to
`DIR2/compare-vs-<DIR1 name>.md`.

It does not run anything or re-score answers: it reads `metrics.json` and
`results.jsonl` as `evals.run` wrote them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.run import COUNT_METRICS, LOWER_IS_BETTER, Result, format_value, load_run, summary_keys

CONFIG_KEYS = ("backend", "model", "top_k", "dataset", "date")
EPSILON = 1e-9  # smaller changes are no change


def _delta(key: str, a: Any, b: Any) -> tuple[str, str]:
    """(delta text, better|worse|'') for one metric."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return "", ""
    diff = float(b) - float(a)
    if abs(diff) < EPSILON:
        return "0", ""
    count = key in COUNT_METRICS or key.startswith("n_") or key in ("judge_calls", "judge_unparsed")
    text = f"{diff:+.0f} ms" if key.endswith("_ms") else (f"{diff:+.0f}" if count else f"{diff:+.3f}")
    if count:
        return text, ""
    better = diff < 0 if key in LOWER_IS_BETTER else diff > 0
    return text, "better" if better else "worse"


def _cell(value: Any) -> str:
    return "-" if value in (None, "") else str(value).replace("|", "\\|")


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


def compare_runs(dir1: Path, dir2: Path) -> str:
    """The comparison of run `dir1` (before) with run `dir2` (after), as Markdown."""
    results1, metrics1 = load_run(dir1)
    results2, metrics2 = load_run(dir2)
    name1, name2 = f"A: {dir1.name}", f"B: {dir2.name}"
    lines = [f"# Eval comparison: {dir1} (A) vs {dir2} (B)", ""]
    c1, c2 = metrics1.get("config") or {}, metrics2.get("config") or {}
    lines += [f"| config | {name1} | {name2} |", "|---|---|---|"]
    lines += [f"| {k} | {_cell(c1.get(k))} | {_cell(c2.get(k))} |" for k in CONFIG_KEYS]
    if c1.get("dataset") != c2.get("dataset"):
        lines += ["", "Note: the runs used different datasets; per-item changes cover shared ids only."]
    lines += ["", f"| metric | {name1} | {name2} | delta | |", "|---|---:|---:|---:|---|"]
    keys = summary_keys(metrics1)
    keys += [k for k in summary_keys(metrics2) if k not in keys]
    for key in keys:
        a, b = metrics1.get(key), metrics2.get(key)
        delta, verdict = _delta(key, a, b)
        lines.append(f"| {key} | {format_value(key, a)} | {format_value(key, b)} | {delta} | {verdict} |")

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
    """Compare and write the Markdown; returns (text, path written)."""
    text = compare_runs(dir1, dir2)
    path = out or default_compare_path(dir1, dir2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text, path
