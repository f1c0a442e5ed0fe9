"""The `rag` command line: ingest, status, serve.

Each subcommand is a thin wrapper over the library. Errors the user can fix are
`RagError`s: their message is printed to stderr (no traceback) and the process
exits non-zero. Ctrl-C exits with 130 and a note that the index is consistent.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from rag.config import Settings, get_settings
from rag.errors import ConfigError, RagError


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


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    settings = _settings()
    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
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
