"""`rag serve`: the chat app's subcommand, registered through the `rag.commands` entry point.

`register(subparsers)` adds the subcommand; it imports nothing heavy, so `rag --help` stays fast
and a missing gradio shows only when `rag serve` runs, as a clear error. The app itself is
`ui.app.serve` (the FastAPI server with the Gradio page mounted).
"""

from __future__ import annotations

import argparse
from typing import Any

from rag.config import checked_settings
from rag.errors import ConfigError


def cmd_serve(args: argparse.Namespace) -> int:
    settings = checked_settings()
    try:
        from ui.app import serve
    except ImportError as exc:  # the app's dependencies (gradio, fastapi, uvicorn) are not installed
        raise ConfigError(
            f"`rag serve` needs the chat app's dependencies ({exc}). Install them with `make setup` "
            "or `pip install -e .`."
        ) from exc
    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return 0


def register(subparsers: Any) -> None:
    """Add `rag serve` to the `rag` command's subparsers."""
    p = subparsers.add_parser("serve", help="start the chat app")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.set_defaults(func=cmd_serve)
