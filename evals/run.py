"""Run a dataset through an engine and score every answer with the deterministic metrics.

`run_eval(items, engine)` asks each item's question (with its history), scores
the answer, and returns the per-item results and the aggregate metrics;
`write_run(out_dir, ...)` writes `results.jsonl` and `metrics.json`;
`format_summary(metrics)` is the printed table.

Metrics (`metrics.json`; rates are between 0 and 1, `null` when the dataset has
no item they apply to):

- `n_items`, `n_answerable`, `n_unanswerable`: counts.
- `hit_rate`: answerable items where at least one retrieved (top-k) chunk
  belongs to a document listed in the item's `sources`.
- `mrr`: mean over answerable items of 1/rank of the first retrieved chunk from
  a `sources` document (0 when none is retrieved).
- `fact_recall`: mean over answerable items of found fact groups / all groups.
  A group is found when any alternative occurs in the answer (case-insensitive,
  citation markers removed, punctuation and whitespace folded). A refused
  answer finds nothing.
- `citation_precision`: over all citations (one per marker per sentence) of
  answerable items, the share whose document is in the item's `sources`
  (micro-averaged; `null` when no answerable answer cites anything).
- `cited_answer_rate`: answerable, non-refused answers in which every sentence
  carries at least one citation, over all answerable non-refused answers.
- `refusal_rate_unanswerable`: unanswerable items that were refused.
- `false_refusal_rate`: answerable items that were refused.
- `latency_p50_ms`, `latency_p95_ms`: nearest-rank percentiles of the engine's
  own per-answer latency, over all items, after one untimed warm-up question.

An item whose question the engine rejects (`QuestionError`, e.g. too long) is
kept with its error and scored as a failure (no hit, no facts, not refused).

It does not judge answers with an LLM (`evals.judge`), render HTML
(`evals.report`), compare runs (`evals.compare`) or apply thresholds
(`evals.gate`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from evals.dataset import Item
from evals.metrics import fact_found, fact_recall, percentile, reciprocal_rank
from rag.answer import Answer
from rag.engine import QuestionError
from rag.errors import RagError

RESULTS_FILE = "results.jsonl"
METRICS_FILE = "metrics.json"
WARMUP_QUESTION = "What happened?"  # loads lazy indexes and caches before anything is timed
LATENCY_PERCENTILES = (50, 95)

# Metric keys in table order, with the direction that is better.
RATE_METRICS = (
    "hit_rate",
    "mrr",
    "fact_recall",
    "citation_precision",
    "cited_answer_rate",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
)
COUNT_METRICS = ("n_items", "n_answerable", "n_unanswerable")
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"})

Result = dict[str, Any]
Progress = Callable[[int, int, Result], None]


class AnswerEngine(Protocol):
    """What the runner needs of `rag.engine.Engine`."""

    @property
    def backend(self) -> str: ...

    @property
    def model(self) -> str | None: ...

    def ask(self, question: str, history: Sequence[Any] | None = None) -> Answer: ...


class Judge(Protocol):
    """What the runner needs of `evals.judge.Judge`."""

    def score(self, item: Item, answer: Answer) -> dict[str, Any]: ...

    def summarise(self, results: list[Result]) -> dict[str, Any]: ...


def score_answer(item: Item, answer: Answer | None, error: str = "") -> Result:
    """One item's result record: what was asked, answered, retrieved and how it scores."""
    retrieved_ids = [r.doc_id for r in answer.retrieved] if answer else []
    refused = bool(answer and answer.refused)
    text = answer.answer if answer else ""
    facts = [
        {"alternatives": group, "found": (not refused) and fact_found(text, group)} for group in item.facts
    ]
    citations: list[dict[str, Any]] = [
        {
            "n": c.n,
            "doc_id": c.doc_id,
            "sentence": c.sentence,
            "quote": c.quote,
            "verified": c.verified,
            "added": c.added,
            "expected": c.doc_id in item.sources,
        }
        for c in (answer.citations if answer else [])
    ]
    sentences = [{"text": s.text, "citations": s.citations} for s in (answer.sentences if answer else [])]
    scores: dict[str, Any] = {"refusal_correct": refused != item.answerable and not error}
    if item.answerable:
        hit = any(d in item.sources for d in retrieved_ids)
        scores.update(
            hit=hit,
            reciprocal_rank=reciprocal_rank(retrieved_ids, item.sources),
            fact_recall=0.0 if refused or error else fact_recall(text, item.facts),
            n_citations=len(citations),
            n_expected_citations=sum(c["expected"] for c in citations),
            fully_cited=bool(sentences) and all(s["citations"] for s in sentences) and not refused,
        )
    return {
        "id": item.id,
        "question": item.question,
        "history": item.history,
        "answerable": item.answerable,
        "expected_sources": item.sources,
        "reference": item.reference,
        "answer": text,
        "refused": refused,
        "refusal_reason": answer.refusal_reason if answer else "",
        "searched_for": answer.searched_for if answer else None,
        "error": error,
        "sentences": sentences,
        "citations": citations,
        "sources": [{"n": s.n, "doc_id": s.doc_id, "title": s.title} for s in answer.sources]
        if answer
        else [],
        "retrieved_doc_ids": retrieved_ids,
        "retrieved": [
            {"doc_id": r.doc_id, "chunk_id": r.chunk_id, "score": r.score, "title": r.title, "text": r.text}
            for r in (answer.retrieved if answer else [])
        ],
        "facts": facts,
        "scores": scores,
        "failed": is_failure(item.answerable, scores, error),
        "latency_ms": round(answer.latency_ms, 1) if answer else 0.0,
    }


def is_failure(answerable: bool, scores: dict[str, Any], error: str = "") -> bool:
    """An item needs a look: an error, a wrong refusal, a miss, a missing fact or a stray citation."""
    if error or not scores["refusal_correct"]:
        return True
    if not answerable:
        return False
    return (
        not scores["hit"]
        or scores["fact_recall"] < 1.0
        or scores["n_expected_citations"] < scores["n_citations"]
        or not scores["fully_cited"]
    )


def _rate(numerator: float, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def aggregate(results: list[Result]) -> dict[str, Any]:
    """The dataset-level metrics (definitions in the module docstring)."""
    answerable = [r for r in results if r["answerable"]]
    unanswerable = [r for r in results if not r["answerable"]]
    answered = [r for r in answerable if not r["refused"] and not r["error"]]
    n_citations = sum(r["scores"]["n_citations"] for r in answerable)
    latencies = [r["latency_ms"] for r in results if not r["error"]]
    metrics: dict[str, Any] = {
        "n_items": len(results),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "hit_rate": _rate(sum(r["scores"]["hit"] for r in answerable), len(answerable)),
        "mrr": _rate(sum(r["scores"]["reciprocal_rank"] for r in answerable), len(answerable)),
        "fact_recall": _rate(sum(r["scores"]["fact_recall"] for r in answerable), len(answerable)),
        "citation_precision": _rate(
            sum(r["scores"]["n_expected_citations"] for r in answerable), n_citations
        ),
        "cited_answer_rate": _rate(sum(r["scores"]["fully_cited"] for r in answered), len(answered)),
        "refusal_rate_unanswerable": _rate(sum(r["refused"] for r in unanswerable), len(unanswerable)),
        "false_refusal_rate": _rate(sum(r["refused"] for r in answerable), len(answerable)),
    }
    for q, key in zip(LATENCY_PERCENTILES, LATENCY_METRICS, strict=True):
        metrics[key] = round(percentile(latencies, q), 1)
    metrics["n_errors"] = sum(bool(r["error"]) for r in results)
    metrics["n_failed_items"] = sum(r["failed"] for r in results)
    return metrics


def run_eval(
    items: list[Item],
    engine: AnswerEngine,
    *,
    judge: Judge | None = None,
    progress: Progress | None = None,
    warmup: bool = True,
) -> tuple[list[Result], dict[str, Any]]:
    """Ask every item, score it, and aggregate: (per-item results, metrics)."""
    if warmup:
        engine.ask(WARMUP_QUESTION)
    results: list[Result] = []
    for i, item in enumerate(items, start=1):
        try:
            answer: Answer | None = engine.ask(item.question, item.history)
            error = ""
        except QuestionError as exc:
            answer, error = None, str(exc)
        result = score_answer(item, answer, error)
        if judge is not None and answer is not None:
            result["judge"] = judge.score(item, answer)
        results.append(result)
        if progress is not None:
            progress(i, len(items), result)
    metrics = aggregate(results)
    if judge is not None:
        metrics.update(judge.summarise(results))
    return results, metrics


def run_config(engine: AnswerEngine, *, dataset: Path, top_k: int, **extra: Any) -> dict[str, Any]:
    """What produced a run, stored in `metrics.json` under `config`."""
    return {
        "backend": engine.backend,
        "model": engine.model,
        "top_k": top_k,
        "dataset": str(dataset),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **extra,
    }


def write_run(out_dir: Path, results: list[Result], metrics: dict[str, Any], config: dict[str, Any]) -> None:
    """Write `results.jsonl` (one line per item) and `metrics.json` (metrics plus `config`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / RESULTS_FILE).open("w", encoding="utf-8") as fh:
        for result in results:
            fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    data = {**metrics, "config": config}
    (out_dir / METRICS_FILE).write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


class RunError(RagError):
    """A run directory cannot be read."""


def load_run(out_dir: Path) -> tuple[list[Result], dict[str, Any]]:
    """The results and metrics stored in a run directory, with a clear error when it is not one."""
    metrics_path, results_path = out_dir / METRICS_FILE, out_dir / RESULTS_FILE
    if not out_dir.is_dir():
        raise RunError(f"{out_dir} is not a directory: give the output folder of a `rag eval` run.")
    if not metrics_path.is_file():
        raise RunError(f"{out_dir} has no {METRICS_FILE}: it is not the output folder of a `rag eval` run.")
    try:
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        lines = results_path.read_text(encoding="utf-8").splitlines() if results_path.is_file() else []
        results = [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunError(f"Cannot read the run in {out_dir}: {exc}") from exc
    if not isinstance(metrics, dict):
        raise RunError(f"{metrics_path} does not hold a JSON object of metrics.")
    return results, metrics


def default_out_dir(backend: str, root: Path = Path("runs")) -> Path:
    return root / f"{time.strftime('%Y%m%d-%H%M%S')}-{backend}"


def format_value(key: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if key in COUNT_METRICS or key.startswith("n_"):
        return str(int(value))
    if key.endswith("_ms"):
        return f"{value:.0f} ms"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def summary_keys(metrics: dict[str, Any]) -> list[str]:
    """Every numeric metric, standard ones first, then judge metrics."""
    standard = [*COUNT_METRICS, *RATE_METRICS, *LATENCY_METRICS]
    extra = [
        k
        for k, v in metrics.items()
        if k not in standard and (v is None or isinstance(v, (int, float))) and not isinstance(v, bool)
    ]
    return [k for k in standard if k in metrics] + extra


def format_summary(metrics: dict[str, Any]) -> str:
    """The metrics as a two-column text table."""
    keys = summary_keys(metrics)
    width = max(len(k) for k in keys)
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  ------"]
    lines += [f"{k:<{width}}  {format_value(k, metrics[k])}" for k in keys]
    return "\n".join(lines)


def result_line(i: int, n: int, result: Result) -> str:
    """One progress line: position, id, verdict, latency."""
    verdict = "FAIL" if result["failed"] else "ok"
    return f"[{i:>{len(str(n))}}/{n}] {verdict:4s} {result['id']} ({result['latency_ms']:.0f} ms)"
