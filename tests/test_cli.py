"""The `rag` command line: exit codes, summaries and error messages (no tracebacks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import main
from rag.config import Settings
from tests.conftest import ROOT, SEED_IDS


def test_status_lists_documents(seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "embedded Chroma" in out and "collection 'news'" in out
    assert "local:all-MiniLM-L6-v2:onnx-int8 (384 dimensions)" in out
    assert "documents:  5" in out
    for doc_id in SEED_IDS:
        assert doc_id in out
    assert "2023-09-12" in out
    assert "Kim Jong Un arrives in Russia for first trip since pandemic" in out


def test_status_without_index_says_to_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "empty"))
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert "No index yet" in err and "rag ingest" in err and "Traceback" not in err


def test_invalid_settings_are_explained(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("RAG_CHUNK_SIZE", "lots")
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert "Invalid settings" in err and "RAG_CHUNK_SIZE" in err


def test_ingest_cli_end_to_end(seeds_copy: Path, tmp_path: Path) -> None:
    """The installed entry point, as a user runs it: summary line, skipped files, status."""
    (seeds_copy / "broken.txt").write_bytes(b"\x00\xff" * 64)
    env = {"RAG_DATA_DIR": str(tmp_path / "cli-data"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    rag = [sys.executable, "-m", "rag.cli"]
    first = subprocess.run(
        [*rag, "ingest", str(seeds_copy)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert first.returncode == 0, first.stderr
    assert "ingest: 5 added, 0 updated, 0 unchanged, 0 removed, 1 skipped" in first.stdout
    assert "broken.txt: binary file" in first.stderr
    again = subprocess.run(
        [*rag, "ingest", str(seeds_copy)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert "0 added, 0 updated, 5 unchanged, 0 removed, 1 skipped; 0 chunks written" in again.stdout
    other = dict(env, RAG_EMBED_MODEL="another-model")
    mismatch = subprocess.run(
        [*rag, "ingest", str(seeds_copy)], capture_output=True, text=True, env=other, cwd=ROOT
    )
    assert mismatch.returncode == 1
    assert "--rebuild" in mismatch.stderr and "Traceback" not in mismatch.stderr


def test_ingest_of_nothing_usable_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "d"))
    assert main(["ingest", str(folder), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "a.txt: empty file" in captured.err
    assert "0 added" in captured.out


def test_missing_index_says_where_it_looked_and_how_to_point_at_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", ".rag")  # the default: relative to the current folder
    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert str(tmp_path / ".rag") in err and "RAG_DATA_DIR" in err and "absolute path" in err


def test_status_into_a_closed_pipe_ends_quietly(seeded_settings: Settings) -> None:
    """`rag status | head -1`, `rag status | true`: the reader goes away; no BrokenPipeError traceback."""
    env = {"RAG_DATA_DIR": str(seeded_settings.data_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        f"'{sys.executable}' -m rag.cli status | head -1; '{sys.executable}' -m rag.cli status | true",
        shell=True,
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=120,
        cwd=ROOT,
    )
    assert proc.stdout.startswith("index:") and proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
