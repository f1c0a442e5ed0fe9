"""Shared fixtures: isolated settings per test, the real embedding model, a seeded index.

Tests never touch the developer's `.rag/` or `.env`: every Settings object points
at a temporary data directory and ignores `.env`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag.config import Settings, get_settings
from rag.wordvec import Embed

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SEED_IDS = [p.stem for p in SEED_FILES]

# Every variable Settings reads: cleared so a developer's shell or .env cannot leak in.
SETTINGS_ENV = [
    "RAG_DATA_DIR", "RAG_SOURCES", "RAG_COLLECTION", "CHROMA_HOST", "CHROMA_PORT",
    "RAG_EMBED_BACKEND", "RAG_EMBED_MODEL", "RAG_EMBED_BATCH_SIZE", "RAG_CHUNK_SIZE",
    "RAG_CHUNK_OVERLAP", "RAG_SENTENCE_VECTORS", "RAG_TOP_K", "RAG_LLM", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    "OPENAI_MODEL", "RAG_HOST", "RAG_PORT",
    "RAG_EMBED_ORIGINS", "RAG_ACCESS_TOKEN", "RAG_RATE_LIMIT", "RAG_CONCURRENCY", "RAG_VERIFY_WITH_LLM",
    "RAG_QUEUE_SIZE", "RAG_ALLOWED_HOSTS", "RAG_TRUSTED_PROXIES", "RAG_FEEDBACK_MAX_MB",
    "RAG_MODELS_DIR", "RAG_LLM_UNSUPPORTED", "RAG_LLM_CONDENSE",
]  # fmt: skip


# `make test-fast` runs `pytest -m "not slow"`: these start servers, browsers or the LLM.
SLOW_MODULES = {
    "test_api", "test_api_fuzz", "test_browser", "test_chroma_server", "test_load", "test_serve",
}  # fmt: skip
SLOW_FIXTURES = {"server", "llama", "chroma_server", "live_server", "app_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""  # type: ignore[attr-defined]
        if module in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test: a private data dir, no .env, seeds as the default source."""
    values: dict[str, Any] = {"data_dir": data_dir, "sources": [SEEDS]}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.chdir(tmp_path)  # no project .env is read
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    def factory(**overrides: Any) -> Settings:
        return make_settings(overrides.pop("data_dir", tmp_path / "data"), **overrides)

    return factory


def outputs_under_hash_seeds(code: str, seeds: int = 6) -> set[str]:
    """What `code` prints (stripped) when run by a fresh interpreter under each of `seeds` hash seeds:
    one output means its result does not follow the order of a set or dict of strings."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in range(seeds)
    }


@pytest.fixture(scope="session")
def embed_model() -> Any:
    from rag.wiring import build_embed_model

    return build_embed_model(make_settings(Path("/nonexistent")))


@pytest.fixture(scope="session")
def embed(embed_model: Any) -> Embed:
    """The real embedding model as the readers' `Embed` callable (texts in, vectors out)."""

    def run(texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in embed_model.get_text_embedding_batch(texts)]

    return run


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory: pytest.TempPathFactory, embed_model: Any) -> Path:
    """An index of the five seeds, built once; tests copy it before changing it."""
    from rag.ingest import ingest

    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    ingest(settings=make_settings(data_dir), embed_model=embed_model, progress=False)
    return data_dir


def ingest_without_sentence_vectors(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, embed_model: Any
) -> None:
    """Index the seeds as ingest wrote them before sentence vectors: none stored, the old signature."""
    import rag.ingest

    with monkeypatch.context() as m:
        m.setattr(rag.ingest, "pack", lambda spans, vectors: {})
        m.setattr(rag.ingest, "chunking_signature", lambda s: f"cl100k/{s.chunk_size}/{s.chunk_overlap}")
        rag.ingest.ingest(settings=settings, embed_model=embed_model, progress=False)


@pytest.fixture
def seeded_settings(seeded_data_dir: Path, tmp_path: Path) -> Settings:
    """Settings on a private copy of the seeded index."""
    data_dir = tmp_path / "seeded-copy"
    shutil.copytree(seeded_data_dir, data_dir)
    return make_settings(data_dir)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed folder."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


# -- a real server and a real browser, shared by the HTTP, UI and browser tests (tests/live.py) --------
@pytest.fixture(scope="module")
def server(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The real app over a private copy of the seeded index, one per test module."""
    from tests.live import running_server, seeded_copy

    with running_server(seeded_copy(seeded_data_dir, tmp_path_factory), embed_model) as srv:
        yield srv


@pytest.fixture
def http(server: Any) -> Iterator[Any]:
    """An HTTP client on the module's server."""
    import httpx

    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.live import ARTIFACTS, CHROMIUM, LAUNCH_ARGS

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
