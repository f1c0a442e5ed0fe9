"""The `rag eval` command: argument parsing and dispatch for the evaluators' workbench.

`register(subparsers)` adds the `eval` subcommand (and `eval convert`) to the
`rag` parser, with `cmd_eval` / `cmd_convert` as handlers; `rag` finds it through the
`rag.commands` entry point in pyproject.toml (`rag/` never imports `evals`):

- `rag eval --dataset FILE` reads any supported format (`evals.formats`),
  optionally ingests the dataset's own corpus into a cache (`--corpus`, or the
  manifest beside the dataset; `evals.corpus`), runs every item with a
  progress bar and a checkpoint (Ctrl-C, then the same command with `--out`,
  resumes), and writes `results.jsonl`, `metrics.json` and `report.html`.
- `--sweep KEY=V1,V2` (repeatable) runs the grid and writes one ranked table.
- `--compare DIR1 DIR2` runs the paired tests (`evals.compare`).
- `rag eval convert IN OUT` writes the project's JSONL.

It holds no metric logic: that is `evals.run`, `evals.stats` and friends.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.config import Settings, checked_settings
from rag.errors import ConfigError, RagError

if TYPE_CHECKING:
    from evals.formats import ImportReport
    from evals.judge import Judge


JUDGE_MAX_TOKENS = 64  # room for "yes"/"no" (and a short preamble); the answerer's own cap is larger
JUDGE_TIMEOUT_S = 300.0  # per judge call; the answerer's timeout is tuned for chat, not for grading


class EvalInterrupted(RagError):
    """Ctrl-C during a run: the finished items are saved in the checkpoint."""

    exit_code = 130


def _settings() -> Settings:
    return checked_settings()


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr)


def build_judge(settings: Settings, url: str | None, model: str | None) -> Judge | None:
    """The judge for `--judge`: the configured LLM, or the OpenAI-compatible server `url`; None if none."""
    from evals.judge import Judge

    update: dict[str, Any] = {}
    if url:
        update["openai_base_url"] = url
    if model:
        update["openai_model"] = model
    judge_settings = settings.model_copy(update=update)
    try:
        from rag.wiring import build_llm

        llm = build_llm(judge_settings)
        # a verdict is one word, and a small local judge on a busy machine is slow to read long premises
        llm.max_tokens = JUDGE_MAX_TOKENS  # type: ignore[attr-defined]
        llm.timeout = JUDGE_TIMEOUT_S  # type: ignore[attr-defined]
    except (ImportError, ConfigError) as exc:
        print(f"judge metrics skipped (the run goes on without them): {exc}", file=sys.stderr)
        return None
    return Judge(llm, model=judge_settings.openai_model)


def _read(args: argparse.Namespace) -> tuple[list[Any], ImportReport]:
    from evals.formats import parse_field_map, read_dataset

    return read_dataset(Path(args.dataset), args.format, parse_field_map(args.field))


def _corpus(args: argparse.Namespace, settings: Settings, needs_ingest: bool) -> Path | None:
    from evals.corpus import CorpusError, manifest_corpus

    if args.corpus:
        return Path(args.corpus)
    from_manifest = manifest_corpus(Path(args.dataset))
    if from_manifest is not None:
        return from_manifest
    if needs_ingest:  # a sweep over chunking or embeddings re-ingests the configured sources
        if len(settings.sources) != 1:
            raise CorpusError("A sweep over ingest settings needs one corpus folder: give --corpus DIR.")
        return settings.sources[0]
    return None


def _dir_name(point: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", point.replace("=", "-").replace(",", "_"))


def cmd_eval(args: argparse.Namespace) -> int:
    if args.compare:
        from evals.compare import write_comparison

        text, written = write_comparison(
            Path(args.compare[0]), Path(args.compare[1]), Path(args.out) if args.out else None
        )
        print(text)
        print(
            f"written: {written} and report-vs-{Path(args.compare[0]).resolve().name}.html beside it",
            file=sys.stderr,
        )
        return 0
    if not args.dataset:
        raise RagError("rag eval needs --dataset FILE (or --compare DIR1 DIR2, or convert IN OUT).")
    from evals.gate import load_thresholds
    from evals.run import default_out_dir
    from evals.sweep import grid, needs_ingest, parse_sweeps

    axes = parse_sweeps(args.sweep or [])
    if axes and (args.gate or args.baseline):
        raise RagError("--gate and --baseline apply to one run; leave them out of a --sweep.")
    items, report = _read(args)
    gate = Path(args.gate) if args.gate else None
    if gate:
        load_thresholds(gate)  # a bad thresholds file fails before the run, not after
    if args.baseline:
        from evals.run import load_run

        load_run(Path(args.baseline))  # likewise a bad baseline folder
    settings = _settings()
    if args.backend:
        settings = settings.model_copy(update={"llm": args.backend})
    corpus = _corpus(args, settings, needs_ingest(axes))
    for line in report.lines():
        _say(args.quiet, line)
    if not axes:
        out = Path(args.out) if args.out else default_out_dir(settings.llm_backend)
        metrics = run_one(args, items, report, settings, corpus, out)
        return _gate(metrics, gate)
    points = grid(settings, axes)
    root = Path(args.out) if args.out else default_out_dir("sweep")
    runs: list[tuple[str, dict[str, Any]]] = []
    for i, (name, point) in enumerate(points, start=1):
        _say(args.quiet, f"\nsweep point {i}/{len(points)}: {name}")
        runs.append(
            (name, run_one(args, items, report, point, corpus, root / _dir_name(name), summary=False))
        )
    return _sweep_table(args, runs, root)


def _sweep_table(args: argparse.Namespace, runs: list[tuple[str, dict[str, Any]]], root: Path) -> int:
    from evals.run import atomic_write
    from evals.sweep import rank_metric, rank_table, ranked

    metric = rank_metric(runs, args.rank)
    table = rank_table(runs, metric)
    atomic_write(root / "sweep.md", f"# Sweep over {args.dataset}\n\n" + table)
    data = [
        {"point": name, "dir": _dir_name(name), "metrics": {k: v for k, v in m.items() if k != "slices"}}
        for name, m in ranked(runs, metric)
    ]
    atomic_write(root / "sweep.json", json.dumps({"rank_metric": metric, "runs": data}, indent=2) + "\n")
    print(table)
    print(f"wrote {len(runs)} runs, sweep.md and sweep.json to {root}")
    return 0


def _gate(metrics: dict[str, Any], gate: Path | None) -> int:
    if not gate:
        return 0
    from evals.gate import check_gate

    failures = check_gate(metrics, gate)
    for failure in failures:
        print(f"gate failed: {failure}", file=sys.stderr)
    if failures:
        return 1
    print(f"gate passed: every threshold in {gate} holds")
    return 0


def run_one(
    args: argparse.Namespace,
    items: list[Any],
    report: ImportReport,
    settings: Settings,
    corpus: Path | None,
    out: Path,
    *,
    summary: bool = True,
) -> dict[str, Any]:
    """One run: prepare the corpus, resolve contexts, ask every item (resumably), write everything."""
    from evals.contexts import document_texts, resolve_sources
    from evals.report import write_report
    from evals.run import (
        Checkpoint,
        fingerprint,
        format_summary,
        load_checkpoint,
        result_line,
        run_config,
        run_eval,
        write_run,
    )
    from rag.wiring import engine_from_settings

    corpus_info: dict[str, Any] = {}
    if corpus is not None:
        from evals.corpus import DEFAULT_CACHE, prepare_corpus

        cache = Path(args.cache_dir) if args.cache_dir else DEFAULT_CACHE
        settings, reused = prepare_corpus(corpus, settings, cache, progress=not args.quiet)
        verb = "reusing the ingest in" if reused else "ingested into"
        _say(args.quiet, f"corpus {corpus}: {verb} {settings.data_dir}")
        corpus_info = {
            "corpus": str(corpus),
            "corpus_data_dir": str(settings.data_dir),
            "corpus_reused": reused,
        }
    judge = build_judge(settings, args.judge_url, args.judge_model) if args.judge else None
    engine = engine_from_settings(settings)
    notes = list(report.notes)
    if any(i.contexts and not i.sources and i.answerable for i in items):
        items, resolved, unmatched = resolve_sources(items, document_texts(engine.index))
        notes.append(f"{resolved} item(s) got their expected sources from their contexts")
        if unmatched:
            notes.append(
                f"{unmatched} item(s) have contexts that match no indexed document: not scored on retrieval"
            )
        for note in notes[len(report.notes) :]:
            _say(args.quiet, f"  note: {note}")
    config = run_config(
        engine,
        dataset=Path(args.dataset),
        top_k=settings.top_k,
        format=report.format,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        embed_model=settings.embed_model_name,
        judge=judge.model if judge else None,
        **corpus_info,
    )
    stable = {k: v for k, v in config.items() if k not in ("date", "corpus_reused")}
    key = fingerprint(items, stable)
    done = load_checkpoint(out, key)
    if done:
        _say(args.quiet, f"resuming: {len(done)} of {len(items)} items already done in {out}")
    checkpoint = Checkpoint(out, key)
    bar: Any = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(
            total=len(items), initial=len(done), unit="item", desc="eval", file=sys.stderr, dynamic_ncols=True
        )
    failed = [0]

    def progress(i: int, n: int, result: dict[str, Any]) -> None:
        failed[0] += bool(result["failed"])
        if bar is not None:
            bar.set_postfix(failed=failed[0], refresh=False)
            bar.update(1)
            if args.verbose:
                bar.write(result_line(i, n, result), file=sys.stderr)

    started = time.perf_counter()
    try:
        results, metrics = run_eval(
            items, engine, judge=judge, progress=progress, done=done, on_result=checkpoint.add
        )
    except KeyboardInterrupt:
        saved = len(load_checkpoint(out, key))
        raise EvalInterrupted(
            f"interrupted: {saved} of {len(items)} items are saved in {out}; run the same command with "
            f"--out {out} to resume."
        ) from None
    finally:
        checkpoint.close()
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - started
    if judge is not None and judge.error:
        print(f"judge stopped after an LLM failure: {judge.error}", file=sys.stderr)
    config["duration_s"] = round(elapsed, 1)
    metrics["dataset"] = {**report.to_dict(), "notes": notes}
    write_run(out, results, metrics, config)
    write_report(out)
    if args.baseline:
        write_report(out, baseline=Path(args.baseline))
    if summary:
        print(format_summary(metrics))
    written = "results.jsonl, metrics.json, report.html" + (
        " and the report against the baseline" if args.baseline else ""
    )
    print(f"\n{len(items)} items in {elapsed:.0f} s; wrote {written} to {out}")
    return metrics


def cmd_convert(args: argparse.Namespace) -> int:
    from evals.formats import convert, parse_field_map

    report = convert(Path(args.input), Path(args.output), args.format, parse_field_map(args.field))
    for line in report.lines():
        print(line, file=sys.stderr)
    print(f"wrote {report.n_items} items to {args.output}")
    return 0


def cmd_eval_safe(args: argparse.Namespace) -> int:
    """`cmd_eval`, with an interrupted run reported as such (not as an interrupted ingest)."""
    try:
        return cmd_eval(args)
    except EvalInterrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130


def _dataset_options(p: argparse.ArgumentParser) -> None:
    from evals.formats import FORMATS

    p.add_argument("--format", choices=FORMATS, help="dataset format (default: detected from the file)")
    p.add_argument(
        "--field",
        action="append",
        metavar="FIELD=NAME",
        help="read dataset FIELD from the file's NAME (repeatable), e.g. --field question=prompt",
    )


def register(subparsers: Any) -> None:
    """Add `rag eval` (and `rag eval convert`) to the `rag` command's subparsers."""
    p = subparsers.add_parser(
        "eval",
        help="measure answer quality on a dataset, compare runs, sweep settings",
        description="Run a dataset (project JSONL, RAGAS JSON/JSONL, llama-index LabelledRagDataset JSON or "
        "CSV) through the engine and write results.jsonl, metrics.json and report.html; or compare two runs; "
        "or `rag eval convert IN OUT`.",
    )
    p.add_argument("--dataset", help="dataset file (e.g. evals/datasets/dev.jsonl)")
    _dataset_options(p)
    p.add_argument("--corpus", help="article folder to ingest into a cached data dir (never your own index)")
    p.add_argument("--cache-dir", help="where corpus ingests are cached (default: runs/corpora)")
    p.add_argument("--backend", choices=["extractive", "openai"], help="answerer (default: RAG_LLM)")
    p.add_argument(
        "--out", help="output folder (default: runs/<timestamp>-<backend>); with --compare, the file"
    )
    p.add_argument("--judge", action="store_true", help="add LLM-judged metrics (needs an LLM)")
    p.add_argument("--judge-url", help="OpenAI-compatible server for the judge (default: OPENAI_BASE_URL)")
    p.add_argument("--judge-model", help="the judge's model name (default: OPENAI_MODEL)")
    p.add_argument("--gate", help="thresholds TOML (e.g. evals/thresholds.toml): exit 1 when one fails")
    p.add_argument(
        "--baseline", metavar="DIR", help="an earlier run: the report diffs every answer against it"
    )
    p.add_argument(
        "--sweep", action="append", metavar="KEY=V1,V2", help="run the grid of these settings (repeatable)"
    )
    p.add_argument("--rank", metavar="METRIC", help="metric that ranks a sweep (default: fact_recall)")
    p.add_argument("--compare", nargs=2, metavar=("DIR1", "DIR2"), help="compare two runs (DIR2 vs DIR1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or notes")
    p.add_argument("--verbose", action="store_true", help="one line per item under the progress bar")
    p.set_defaults(func=cmd_eval_safe)
    sub = p.add_subparsers(dest="eval_command", metavar="convert")
    c = sub.add_parser("convert", help="write a dataset in any format as the project's JSONL")
    c.add_argument("input")
    c.add_argument("output")
    _dataset_options(c)
    c.set_defaults(func=cmd_convert)
