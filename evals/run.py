"""Run a dataset through an engine and score every answer with the deterministic metrics.

`run_eval(items, engine)` asks each item's question (with its history), scores
the answer, and returns the per-item results and the aggregate metrics;
`write_run(out_dir, ...)` writes `results.jsonl` and `metrics.json` (each whole,
via a temporary file); `format_summary(metrics)` is the printed table. A run
can be resumed: `Checkpoint` appends every finished result to
`progress.jsonl` at once, `load_checkpoint` reads them back (only for the same
items and configuration, `fingerprint`), and `run_eval(done=...)` skips them.

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
- `opening_precision`: answerable, non-refused answers that open with a short
  fact ("Six days.", "Emre Yilmaz.": the answer's first sentence, when the
  answerer marked that fact inside a quoted sentence), whose opening states one
  of the item's fact groups. A wrong opening is the first thing a user reads.
- `refusal_rate_unanswerable`: unanswerable items that were refused.
- `false_refusal_rate`: answerable items that were refused.
- `latency_p50_ms`, `latency_p95_ms`: nearest-rank percentiles of the engine's
  own per-answer latency, over all items, after one untimed warm-up question.

Each rate rests on per-item observations (`observations`) and carries its n
and 95% interval (`evals.stats`: Wilson for yes/no outcomes, bootstrap over
items otherwise; the latency percentiles get a bootstrap interval too), in
`metrics.json` under `intervals`. A metric is computed only over the items
that carry what it needs: `hit_rate`, `mrr` and `citation_precision` need
`sources`, `fact_recall` needs `facts`. The same figures are computed per slice
(`slices`): answerable / unanswerable, first-turn / follow-up (has history),
and `tag:NAME` for each of the items' tags.

An item whose question the engine rejects (`QuestionError`, e.g. too long) is
kept with its error and scored as a failure (no hit, no facts, not refused).

It does not judge answers with an LLM (`evals.judge`), render HTML
(`evals.report`), compare runs (`evals.compare`) or apply thresholds
(`evals.gate`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from evals import stats
from evals.dataset import Item
from evals.metrics import fact_found, fact_recall, percentile, reciprocal_rank
from evals.stats import Obs
from rag.answer import Answer
from rag.engine import QuestionError
from rag.errors import RagError

RESULTS_FILE = "results.jsonl"
METRICS_FILE = "metrics.json"
PROGRESS_FILE = "progress.jsonl"  # checkpoint of a run in progress: a header line, then one result per line
WARMUP_QUESTION = "What happened?"  # loads lazy indexes and caches before anything is timed
LATENCY_PERCENTILES = (50, 95)

# Metric keys in table order, with the direction that is better.
RATE_METRICS = (
    "hit_rate",
    "mrr",
    "fact_recall",
    "citation_precision",
    "cited_answer_rate",
    "opening_precision",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
)
COUNT_METRICS = ("n_items", "n_answerable", "n_unanswerable")
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"})
AUTO_SLICES = ("answerable", "unanswerable", "first-turn", "follow-up")

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


def slices_of(result: Result) -> list[str]:
    """The slices an item belongs to: answerable or not, follow-up or first turn, and its tags."""
    out = ["answerable" if result["answerable"] else "unanswerable"]
    out.append("follow-up" if result.get("history") else "first-turn")
    out += [f"tag:{t}" for t in result.get("tags") or []]
    return out


def score_answer(item: Item, answer: Answer | None, error: str = "") -> Result:
    """One item's result record: what was asked, answered, retrieved and how it scores.

    Scores that need what the item lacks are left out: `hit` and `reciprocal_rank`
    need `sources`, `fact_recall` needs `facts`, `n_expected_citations` needs `sources`.
    """
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
            "expected": (c.doc_id in item.sources) if item.sources else None,
        }
        for c in (answer.citations if answer else [])
    ]
    sentences = [{"text": s.text, "citations": s.citations} for s in (answer.sentences if answer else [])]
    scores: dict[str, Any] = {"refusal_correct": refused != item.answerable and not error}
    if item.answerable:
        if item.sources:
            scores.update(
                hit=any(d in item.sources for d in retrieved_ids),
                reciprocal_rank=reciprocal_rank(retrieved_ids, item.sources),
            )
        if item.facts:
            scores["fact_recall"] = 0.0 if refused or error else fact_recall(text, item.facts)
        scores["n_citations"] = len(citations)
        if item.sources:
            scores["n_expected_citations"] = sum(bool(c["expected"]) for c in citations)
        scores["fully_cited"] = bool(sentences) and all(s["citations"] for s in sentences) and not refused
        if item.facts and not refused and answer and any(s.highlights for s in answer.sentences):
            opening = answer.sentences[0].text  # the short fact the answer opened with
            scores["opening_correct"] = any(fact_found(opening, group) for group in item.facts)
    result = {
        "id": item.id,
        "question": item.question,
        "history": item.history,
        "answerable": item.answerable,
        "tags": item.tags,
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
    result["slices"] = slices_of(result)
    return result


def is_failure(answerable: bool, scores: dict[str, Any], error: str = "") -> bool:
    """An item needs a look: an error, a wrong refusal, a miss, a missing fact or a stray citation."""
    if error or not scores["refusal_correct"]:
        return True
    if not answerable:
        return False
    return (
        not scores.get("hit", True)
        or scores.get("fact_recall", 1.0) < 1.0
        or scores.get("n_expected_citations", scores["n_citations"]) < scores["n_citations"]
        or not scores["fully_cited"]
    )


JUDGE_ITEM_METRICS = {
    "judge_citation_recall": "citation_recall",
    "judge_citation_precision": "citation_precision",
    "judge_faithfulness": "faithfulness",
    "judge_answer_correctness": "answer_correctness",
}


def observations(results: list[Result]) -> dict[str, dict[str, Obs]]:
    """Per rate metric, the items it rests on: {metric: {item id: (numerator, denominator)}}.

    Every rate is sum(numerators) / sum(denominators) over its items (see `evals.stats`).
    """
    obs: dict[str, dict[str, Obs]] = {k: {} for k in RATE_METRICS}
    for r in results:
        s, rid = r["scores"], r["id"]
        if not r["answerable"]:
            obs["refusal_rate_unanswerable"][rid] = (float(r["refused"]), 1.0)
            continue
        obs["false_refusal_rate"][rid] = (float(r["refused"]), 1.0)
        if "hit" in s:
            obs["hit_rate"][rid] = (float(s["hit"]), 1.0)
            obs["mrr"][rid] = (float(s["reciprocal_rank"]), 1.0)
        if "fact_recall" in s:
            obs["fact_recall"][rid] = (float(s["fact_recall"]), 1.0)
        if "n_expected_citations" in s and s["n_citations"]:
            obs["citation_precision"][rid] = (float(s["n_expected_citations"]), float(s["n_citations"]))
        if not r["refused"] and not r["error"]:
            obs["cited_answer_rate"][rid] = (float(s["fully_cited"]), 1.0)
        if "opening_correct" in s:
            obs["opening_precision"][rid] = (float(s["opening_correct"]), 1.0)
    if any("judge" in r for r in results):
        for key, item_key in JUDGE_ITEM_METRICS.items():
            obs[key] = {
                r["id"]: (float(r["judge"][item_key]), 1.0)
                for r in results
                if item_key in (r.get("judge") or {})
            }
    return obs


def _figure(values: dict[str, Obs]) -> dict[str, Any]:
    """{value, n, low, high, method} of one rate over its items."""
    obs = list(values.values())
    v = stats.value(obs)
    ci = stats.interval(obs)
    return {
        "value": None if v is None else round(v, 4),
        "n": len(obs),
        "low": None if ci is None else round(ci.low, 4),
        "high": None if ci is None else round(ci.high, 4),
        "method": None if ci is None else ci.method,
    }


def figures(results: list[Result]) -> dict[str, dict[str, Any]]:
    """Every rate and latency percentile with its n and 95% interval."""
    out = {key: _figure(values) for key, values in observations(results).items()}
    latencies = [r["latency_ms"] for r in results if not r["error"]]
    for q, key in zip(LATENCY_PERCENTILES, LATENCY_METRICS, strict=True):
        ci = stats.percentile_interval(latencies, q)
        out[key] = {
            "value": round(percentile(latencies, q), 1),
            "n": len(latencies),
            "low": None if ci is None else round(ci.low, 1),
            "high": None if ci is None else round(ci.high, 1),
            "method": None if ci is None else ci.method,
        }
    return out


def slice_names(results: list[Result]) -> list[str]:
    """Every slice some item belongs to: the automatic ones first, then tags A-Z."""
    present = {name for r in results for name in r.get("slices") or slices_of(r)}
    return [n for n in AUTO_SLICES if n in present] + sorted(n for n in present if n not in AUTO_SLICES)


def slice_figures(results: list[Result]) -> dict[str, dict[str, Any]]:
    """{slice: {"n_items": k, "metrics": {metric: figure}}}; a metric with n = 0 is left out."""
    out: dict[str, dict[str, Any]] = {}
    for name in slice_names(results):
        members = [r for r in results if name in (r.get("slices") or slices_of(r))]
        figs = {k: f for k, f in figures(members).items() if f["n"]}
        out[name] = {"n_items": len(members), "metrics": figs}
    return out


def aggregate(results: list[Result]) -> dict[str, Any]:
    """The dataset-level metrics (definitions in the module docstring), with intervals and slices."""
    answerable = [r for r in results if r["answerable"]]
    figs = figures(results)
    metrics: dict[str, Any] = {
        "n_items": len(results),
        "n_answerable": len(answerable),
        "n_unanswerable": len(results) - len(answerable),
    }
    for key in RATE_METRICS:
        metrics[key] = figs[key]["value"]
    for key in LATENCY_METRICS:
        metrics[key] = figs[key]["value"]
    metrics["n_errors"] = sum(bool(r["error"]) for r in results)
    metrics["n_failed_items"] = sum(r["failed"] for r in results)
    metrics["intervals"] = {k: {f: v for f, v in fig.items() if f != "value"} for k, fig in figs.items()}
    metrics["slices"] = slice_figures(results)
    return metrics


def run_eval(
    items: list[Item],
    engine: AnswerEngine,
    *,
    judge: Judge | None = None,
    progress: Progress | None = None,
    warmup: bool = True,
    done: dict[str, Result] | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> tuple[list[Result], dict[str, Any]]:
    """Ask every item, score it, and aggregate: (per-item results, metrics).

    Items whose result is in `done` (a resumed run) are not asked again; `on_result`
    is called with each new result as soon as it is scored (the checkpoint).
    """
    done = done or {}
    todo = [item for item in items if item.id not in done]
    if warmup and todo:
        engine.ask(WARMUP_QUESTION)
    fresh: dict[str, Result] = {}
    for i, item in enumerate(todo, start=1):
        try:
            answer: Answer | None = engine.ask(item.question, item.history)
            error = ""
        except QuestionError as exc:
            answer, error = None, str(exc)
        result = score_answer(item, answer, error)
        if judge is not None and answer is not None:
            result["judge"] = judge.score(item, answer)
        fresh[item.id] = result
        if on_result is not None:
            on_result(result)
        if progress is not None:
            progress(i, len(todo), result)
    results = [done.get(item.id) or fresh[item.id] for item in items]
    metrics = aggregate(results)
    if judge is not None:
        from evals.judge import agreement

        metrics.update(judge.summarise(results))
        metrics["judge_agreement"] = agreement(results)
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


def atomic_write(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_run(out_dir: Path, results: list[Result], metrics: dict[str, Any], config: dict[str, Any]) -> None:
    """Write `results.jsonl` (one line per item) and `metrics.json` (metrics plus `config`), each whole.

    The checkpoint of an interrupted run (`PROGRESS_FILE`) is removed once both are written.
    """
    atomic_write(out_dir / RESULTS_FILE, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results))
    data = {**metrics, "config": config}
    atomic_write(out_dir / METRICS_FILE, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    (out_dir / PROGRESS_FILE).unlink(missing_ok=True)


def fingerprint(items: list[Item], config: dict[str, Any]) -> str:
    """What must match for a run to be resumed: the items and the settings that affect answers."""
    from evals.dataset import item_to_json

    blob = json.dumps([[item_to_json(i) for i in items], config], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def load_checkpoint(out_dir: Path, key: str) -> dict[str, Result]:
    """The finished results an interrupted run left in `out_dir` (empty when there is none).

    A checkpoint of another dataset or configuration is an error, never mixed in;
    a last line cut off by the interruption is dropped.
    """
    path = out_dir / PROGRESS_FILE
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    try:
        header = json.loads(lines[0]) if lines else {}
    except json.JSONDecodeError:
        header = {}
    if header.get("fingerprint") != key:
        raise RunError(
            f"{out_dir} holds an interrupted run of another dataset or configuration ({PROGRESS_FILE}); "
            "give another --out folder, or delete that file to start over."
        )
    done: dict[str, Result] = {}
    for line in lines[1:]:
        try:
            result = json.loads(line)
        except json.JSONDecodeError:
            continue  # cut off by the interruption: that item is asked again
        if isinstance(result, dict) and "id" in result:
            done[result["id"]] = result
    return done


class Checkpoint:
    """Appends each finished result to `out_dir/PROGRESS_FILE`, flushed, so Ctrl-C loses nothing."""

    def __init__(self, out_dir: Path, key: str):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / PROGRESS_FILE
        fresh = not self.path.is_file()
        self.fh = self.path.open("a", encoding="utf-8")
        if fresh:
            self.fh.write(json.dumps({"fingerprint": key}) + "\n")
            self.fh.flush()

    def add(self, result: Result) -> None:
        self.fh.write(json.dumps(result, ensure_ascii=False) + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.close()


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


def interval_text(key: str, fig: dict[str, Any] | None) -> str:
    """'[0.81, 0.93]' (or '[210, 340] ms'), '' when there is no interval."""
    if not fig or fig.get("low") is None:
        return ""
    if key.endswith("_ms"):
        return f"[{fig['low']:.0f}, {fig['high']:.0f}] ms"
    return f"[{fig['low']:.3f}, {fig['high']:.3f}]"


def format_summary(metrics: dict[str, Any]) -> str:
    """The metrics as a table: value, the n it rests on and its 95% interval; then the slices."""
    keys = summary_keys(metrics)
    intervals = metrics.get("intervals") or {}
    width = max(len(k) for k in keys)
    lines = [
        f"{'metric':<{width}}  {'value':>8}  {'n':>4}  95% interval",
        f"{'-' * width}  {'-' * 8}  ----  ------------",
    ]
    for k in keys:
        fig = intervals.get(k)
        n = str(fig["n"]) if fig else ""
        lines.append(
            f"{k:<{width}}  {format_value(k, metrics[k]):>8}  {n:>4}  {interval_text(k, fig)}".rstrip()
        )
    slices = metrics.get("slices") or {}
    if slices:
        lines += ["", format_slices(slices)]
    return "\n".join(lines)


SLICE_COLUMNS = (
    "hit_rate",
    "fact_recall",
    "citation_precision",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
)


def format_slices(slices: dict[str, Any], columns: tuple[str, ...] = SLICE_COLUMNS) -> str:
    """One row per slice: n items, then 'value (n)' for the main rates ('-' where none applies)."""
    cols = [c for c in columns if any(c in s["metrics"] for s in slices.values())]
    width = max(len("slice"), *(len(name) for name in slices))
    head = f"{'slice':<{width}}  {'items':>5}  " + "  ".join(f"{c:>18}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, data in slices.items():
        cells = []
        for c in cols:
            fig = data["metrics"].get(c)
            cells.append(f"{format_value(c, fig['value'])} (n={fig['n']})" if fig else "-")
        lines.append(f"{name:<{width}}  {data['n_items']:>5}  " + "  ".join(f"{cell:>18}" for cell in cells))
    return "\n".join(lines)


def result_line(i: int, n: int, result: Result) -> str:
    """One progress line: position, id, verdict, latency."""
    verdict = "FAIL" if result["failed"] else "ok"
    return f"[{i:>{len(str(n))}}/{n}] {verdict:4s} {result['id']} ({result['latency_ms']:.0f} ms)"
