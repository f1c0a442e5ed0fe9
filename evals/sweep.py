"""Sweeps: run one dataset over a grid of settings and rank the runs in one table.

`parse_sweeps(["top_k=3,5,8", "chunk_size=128,192"])` gives the axes;
`grid(settings, axes)` every combination as validated `Settings` (a bad value
is a clear error naming the key), each with a short name such as
`top_k=3,chunk_size=128`. Settings that change what is ingested
(`evals.corpus.INGEST_KEYS`, by their setting names in `INGEST_SETTINGS`)
need a corpus to re-ingest; the CLI then uses `--corpus` (or the dataset's
manifest, or RAG_SOURCES) through `evals.corpus.prepare_corpus`, so points
that share chunking and embedding settings share one cached ingest.

`rank_table(runs, metric)` is the one comparison table: one row per point,
ranked by the chosen metric (best first, direction from
`evals.run.LOWER_IS_BETTER`), each figure with its 95% interval.

It does not run anything itself.
"""

from __future__ import annotations

import itertools
from typing import Any

from pydantic import ValidationError

from evals.run import LOWER_IS_BETTER, format_value, interval_text
from rag.config import Settings
from rag.errors import RagError

SWEEPABLE = (
    "top_k",
    "chunk_size",
    "chunk_overlap",
    "llm",
    "openai_model",
    "embed_backend",
    "embed_model",
    "verify_with_llm",
)
INGEST_SETTINGS = frozenset({"chunk_size", "chunk_overlap", "embed_backend", "embed_model"})
TABLE_METRICS = (
    "hit_rate",
    "mrr",
    "fact_recall",
    "citation_precision",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
    "latency_p50_ms",
)
DEFAULT_RANK = ("fact_recall", "hit_rate", "mrr", "citation_precision", "cited_answer_rate")


class SweepError(RagError):
    """A --sweep specification cannot be used."""


def parse_sweeps(specs: list[str]) -> list[tuple[str, list[str]]]:
    axes: list[tuple[str, list[str]]] = []
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip()
        options = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not key or not options:
            raise SweepError(f"--sweep {spec!r}: write KEY=V1,V2, e.g. --sweep top_k=3,5,8")
        if key not in SWEEPABLE:
            raise SweepError(f"--sweep {spec!r}: {key!r} cannot be swept; use one of {', '.join(SWEEPABLE)}")
        if any(k == key for k, _ in axes):
            raise SweepError(f"--sweep {key} is given twice; list all its values in one --sweep")
        if len(set(options)) != len(options):
            raise SweepError(f"--sweep {spec!r}: a value is repeated")
        axes.append((key, options))
    return axes


def grid(settings: Settings, axes: list[tuple[str, list[str]]]) -> list[tuple[str, Settings]]:
    """Every combination of the axes: (name, settings), in the order given."""
    points = []
    keys = [k for k, _ in axes]
    for combo in itertools.product(*(values for _, values in axes)):
        update = dict(zip(keys, combo, strict=True))
        name = ",".join(f"{k}={v}" for k, v in update.items())
        try:
            point = Settings.model_validate({**settings.model_dump(), **update})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise SweepError(f"--sweep {name}: {problems}") from exc
        points.append((name, point))
    return points


def needs_ingest(axes: list[tuple[str, list[str]]]) -> bool:
    return any(key in INGEST_SETTINGS for key, _ in axes)


def rank_metric(runs: list[tuple[str, dict[str, Any]]], wanted: str | None) -> str:
    if wanted:
        if not any(wanted in m for _, m in runs):
            raise SweepError(f"--rank {wanted}: no run has that metric")
        return wanted
    for key in DEFAULT_RANK:
        if any(m.get(key) is not None for _, m in runs):
            return key
    return "hit_rate"


def ranked(runs: list[tuple[str, dict[str, Any]]], metric: str) -> list[tuple[str, dict[str, Any]]]:
    lower = metric in LOWER_IS_BETTER
    measured = [r for r in runs if isinstance(r[1].get(metric), (int, float))]
    unmeasured = [r for r in runs if r not in measured]
    return sorted(measured, key=lambda r: r[1][metric], reverse=not lower) + unmeasured


def rank_table(runs: list[tuple[str, dict[str, Any]]], metric: str) -> str:
    """Markdown: one row per sweep point, best first by `metric`, 'value [interval]' per cell."""
    measured = [k for k in TABLE_METRICS if k != metric and any(m.get(k) is not None for _, m in runs)]
    columns = [metric, *measured]
    lines = [
        f"Ranked by {metric} ({'lower' if metric in LOWER_IS_BETTER else 'higher'} is better); "
        "each figure with its 95% interval.",
        "",
        "| rank | settings | " + " | ".join(columns) + " |",
        "|---:|---|" + "---|" * len(columns),
    ]
    for rank, (name, metrics) in enumerate(ranked(runs, metric), start=1):
        intervals = metrics.get("intervals") or {}
        cells = []
        for key in columns:
            text = format_value(key, metrics.get(key))
            ci = interval_text(key, intervals.get(key))
            cells.append(f"{text} {ci}".strip())
        lines.append(f"| {rank} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
