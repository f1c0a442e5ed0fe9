"""Client/server mode against a real `chroma run`: ingestion and questions, the server
going away mid-session and coming back, and two processes sharing one server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.engine import build_engine
from rag.errors import StoreUnavailableError
from rag.index import open_index
from rag.ingest import ingest
from tests.chroma_server import ChromaServer
from tests.conftest import SEEDS, make_settings
from tests.test_sentvec import CountingModel

GIFTS = "What gifts did Kim receive?"
NEW_ARTICLE = """Ethiopian runner wins the Pyongyang marathon

The Pyongyang marathon was won by the Ethiopian runner Abebe Tadesse in two hours and eleven
minutes, the organisers said on Sunday. Runners from twenty countries took part in the race.
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    srv = ChromaServer(tmp_path / "chroma-server").start()
    yield srv
    srv.stop()


def _settings(tmp_path: Path, server: ChromaServer, **extra: Any) -> Settings:
    return make_settings(tmp_path / "app-data", chroma_host="127.0.0.1", chroma_port=server.port, **extra)


def test_ingest_and_answer_through_the_server(tmp_path: Path, server: ChromaServer, embed_model: Any) -> None:
    settings = _settings(tmp_path, server)
    report = ingest(settings=settings, embed_model=embed_model, progress=False)
    assert len(report.added) == 5 and report.chunks_written > 0
    assert not (settings.data_dir / "chroma").exists(), "nothing is stored in the embedded store"
    counting = CountingModel(embed_model)
    engine = build_engine(open_index(settings), embed_model=counting, cache_dir=settings.data_dir)  # type: ignore[arg-type]
    answer = engine.ask(GIFTS)
    assert not answer.refused and "drone" in answer.answer
    assert any(s.doc_id.startswith("004") for s in answer.sources)
    # the sentence vectors stored on the server served the reader: only the question was embedded
    assert counting.texts[0] == GIFTS and counting.beyond(GIFTS) == []
    # a second ingest of the same files changes nothing on the server
    again = ingest(settings=settings, embed_model=embed_model, progress=False)
    assert len(again.unchanged) == 5 and again.chunks_written == 0


def test_outage_gives_a_clear_error_then_recovers_without_restart(
    tmp_path: Path, server: ChromaServer, embed_model: Any
) -> None:
    settings = _settings(tmp_path, server)
    ingest(settings=settings, embed_model=embed_model, progress=False)
    engine = build_engine(open_index(settings), embed_model=embed_model, cache_dir=settings.data_dir)
    assert not engine.ask(GIFTS).refused

    server.stop()
    with pytest.raises(StoreUnavailableError) as failure:
        engine.ask(GIFTS)
    message = str(failure.value)
    assert "Chroma server" in message and "start it again" in message
    with pytest.raises(
        StoreUnavailableError, match=f"Cannot reach the Chroma server at 127.0.0.1:{server.port}"
    ):
        open_index(settings)

    server.start()  # same port, same data
    answer = engine.ask(GIFTS)  # the same engine object: no restart of the app
    assert not answer.refused and "drone" in answer.answer


def test_two_processes_share_one_server(
    tmp_path: Path, server: ChromaServer, embed_model: Any, seeds_copy: Path
) -> None:
    settings = _settings(tmp_path, server)
    ingest(settings=settings, embed_model=embed_model, progress=False)
    engine = build_engine(open_index(settings), embed_model=embed_model, cache_dir=settings.data_dir)
    question = "Who won the Pyongyang marathon?"
    before = engine.ask(question)
    assert not any(r.doc_id == "marathon" for r in before.retrieved)

    # another process, with its own data directory (its own BM25 cache), adds an article
    (seeds_copy / "marathon.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    env = {
        **os.environ,
        "CHROMA_HOST": "127.0.0.1",
        "CHROMA_PORT": str(server.port),
        "RAG_DATA_DIR": str(tmp_path / "other-process"),
        "RAG_SOURCES": str(seeds_copy),
    }
    rag = [sys.executable, "-m", "rag.cli"]
    done = subprocess.run([*rag, "ingest", "--quiet"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 added" in done.stdout and "5 unchanged" in done.stdout

    # this process sees the new article at once: dense and BM25 follow the server's index version
    after = engine.ask(question)
    assert after.retrieved[0].doc_id == "marathon"
    assert not after.refused and "Abebe Tadesse" in after.answer
    assert after.sources[0].doc_id == "marathon"

    # and the other process answers from the same index
    asked = subprocess.run(
        [*rag, "ask", "--json", GIFTS], env=env, capture_output=True, text=True, timeout=300
    )
    assert asked.returncode == 0, asked.stderr
    data = json.loads(asked.stdout)
    assert not data["refused"] and {c["doc_id"] for c in data["citations"]} <= {
        p.stem for p in SEEDS.glob("*.txt")
    }


def test_api_and_evals_run_against_the_server(
    tmp_path: Path, server: ChromaServer, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from rag.cli import main
    from tests.live import running_server

    settings = _settings(tmp_path, server)
    ingest(settings=settings, embed_model=embed_model, progress=False)
    with running_server(settings, embed_model) as srv:
        reply = httpx.post(f"{srv.url}/api/ask", json={"question": GIFTS}, timeout=120)
        assert reply.status_code == 200 and "drone" in reply.json()["answer"]
        server.stop()
        down = httpx.post(f"{srv.url}/api/ask", json={"question": GIFTS}, timeout=120)
        assert down.status_code == 503 and "Chroma server" in down.json()["error"]
        server.start()
        again = httpx.post(f"{srv.url}/api/ask", json={"question": GIFTS}, timeout=120)
        assert again.status_code == 200 and "drone" in again.json()["answer"]

    dev = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "dev.jsonl"
    subset = tmp_path / "subset.jsonl"
    subset.write_text(
        "".join(dev.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8"
    )
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(server.port))
    out = tmp_path / "eval"
    assert main(["eval", "--dataset", str(subset), "--out", str(out), "--quiet"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_items"] == 3 and metrics["hit_rate"] == 1.0
