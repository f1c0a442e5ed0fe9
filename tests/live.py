"""Real servers and a real browser for tests: the app on a free loopback port, Chromium's launch.

`running_server` runs the real FastAPI app (`ui.server.create_app`, Gradio mounted) with uvicorn
over the given settings; `seeded_copy` gives a server its own copy of the seeded index. The
`server`, `http` and `browser` fixtures built on these live in `tests/conftest.py`. Nothing here
is a stand-in: tests only hand the engine the session's embedding model so it is loaded once.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from tests.conftest import ROOT, make_settings
from ui.service import ChatService

QUESTION = "What gifts did Kim receive?"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class Server:
    url: str
    service: ChatService
    settings: Settings


def seeded_copy(
    seeded_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, **overrides: Any
) -> Settings:
    """Settings over a private copy of the seeded index (a server may change its data)."""
    data_dir = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    return make_settings(data_dir, **overrides)


def engine_factory(settings: Settings, embed_model: Any) -> Callable[[], Any]:
    """The real engine over `settings`' index, reusing the session's embedding model."""

    def factory() -> Any:
        from rag.engine import build_engine
        from rag.index import open_index
        from rag.wiring import embedding_signature

        index = open_index(settings, signature=embedding_signature(settings))
        return build_engine(index, embed_model=embed_model, top_k=settings.top_k, cache_dir=settings.data_dir)

    return factory


@contextmanager
def running_server(settings: Settings, embed_model: Any = None, port: int = 0) -> Iterator[Server]:
    """The real app on `port` (a free one by default); with `embed_model`, the engine reuses it."""
    from ui.server import create_app, serve_in_thread

    factory = engine_factory(settings, embed_model) if embed_model is not None else None
    service = ChatService(settings, factory)
    with serve_in_thread(create_app(settings, service), port=port, settings=settings) as url:
        yield Server(url, service, settings)
