"""Issue 11, ingest and index items: each test attacks a real ingest into real Chroma.

Embedded Chroma under a temporary data directory, or a real `chroma run` server shared
by two "machines" (two data directories, and a second process holding the lease).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.index import open_index
from rag.ingest import ingest
from rag.sentvec import STORED_KEYS
from tests.conftest import ROOT, SEEDS, make_settings

SECRET = "sk-live-THISISTHEPRODUCTIONKEY0123456789"


def _all_chunks(settings: Settings) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    got = open_index(settings).chunks.get(include=["metadatas", "documents"])
    return list(got["ids"]), list(got["metadatas"] or []), list(got["documents"] or [])


# -- item 10: symbolic links ---------------------------------------------------------------------
def test_links_leading_out_of_the_folder_are_reported_not_followed(
    settings_factory: Callable[..., Settings], embed_model: Any, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".env").write_text(
        f"OPENAI_API_KEY={SECRET}\nThe key above opens the production account of the newsroom.\n"
    )
    outside = project / "private"
    outside.mkdir()
    (outside / "memo.txt").write_text(
        "Internal memo. The layoffs will be announced on Friday to all staff.\n"
    )
    folder = project / "articles"
    folder.mkdir()
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "notes.txt").symlink_to(project / ".env")
    (folder / "private").symlink_to(outside, target_is_directory=True)
    (folder / "same-story.txt").symlink_to(folder / seed.name)  # inside the folder: followed

    report = ingest([folder], settings=settings_factory(), embed_model=embed_model, progress=False)
    skipped = {Path(s.source).name: s.reason for s in report.skipped}
    assert "notes.txt" in skipped and "outside" in skipped["notes.txt"], report.skipped
    assert "same-story" in report.added and seed.stem in report.added
    assert "notes" not in report.added and "memo" not in report.added
    _, _, texts = _all_chunks(settings_factory())
    assert not any(SECRET in t or "layoffs" in t for t in texts)


# -- items 11 and 12: titles ---------------------------------------------------------------------
def test_a_huge_first_line_gives_a_bounded_title_and_small_chunk_metadata(
    settings_factory: Callable[..., Settings], embed_model: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    words = ["Breaking" + "x" * 4990 for _ in range(20)]  # 100,000 characters, 20 "words": a headline
    body = "The council approved the new budget on Monday after a long debate. " * 40
    (folder / "huge.txt").write_text(" ".join(words) + "\n\n" + body + "\n")
    settings = settings_factory()
    started = time.perf_counter()
    ingest([folder], settings=settings, embed_model=embed_model, progress=False)
    took = time.perf_counter() - started
    title = open_index(settings).documents()["huge"].title
    assert 0 < len(title) <= 201, len(title)
    _, metas, _ = _all_chunks(settings)
    assert metas and all(len(str(m.get("title", ""))) <= 201 for m in metas)
    # the stored sentence vectors (rag.sentvec) grow with the chunk's sentences, not with the title
    assert max(sum(len(str(v)) for k, v in m.items() if k not in STORED_KEYS) for m in metas) < 5000
    print(f"100,000-character first line: title {len(title)} chars, ingest {took:.1f} s")


def test_control_characters_never_reach_the_terminal(
    settings_factory: Callable[..., Settings],
    embed_model: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rag.cli import main

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ansi.txt").write_text(
        "\x1b[2J\x1b[31mBREAKING\x1b[0m Council \x1b]0;pwned\x07votes\x08\x08 on budget\n\n"
        + "The council approved the new budget on Monday after a long debate. " * 5
    )
    settings = settings_factory()
    ingest([folder], settings=settings, embed_model=embed_model, progress=False)
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "BREAKING Council" in out and "votes on budget" in out
    assert not any(ch in out for ch in "\x1b\x07\x08"), repr(out)


# -- item 13: a chunking change without --rebuild ----------------------------------------------------
def test_changing_the_chunk_size_rewrites_every_chunk(seeded_settings: Settings, embed_model: Any) -> None:
    from rag.chunk import split
    from rag.documents import load

    smaller = seeded_settings.model_copy(update={"chunk_size": 96, "chunk_overlap": 16})
    ingest(settings=smaller, embed_model=embed_model, progress=False)
    expected = {
        c.chunk_id: c.text
        for path in sorted(SEEDS.glob("*.txt"))
        for c in split(load(path), chunk_size=96, chunk_overlap=16)
    }
    ids, _, texts = _all_chunks(smaller)
    stored = dict(zip(ids, texts, strict=True))
    assert set(stored) == set(expected)
    stale = [cid for cid in expected if stored[cid] != expected[cid]]
    assert not stale, f"{len(stale)} of {len(expected)} chunks hold the old text"


# -- item 14: the lease lives in the store --------------------------------------------------------------
HOLD_LEASE = """
import sys, time
from rag.config import Settings
from rag.index import acquire_lease, connect
settings = Settings(
    _env_file=None, data_dir=sys.argv[1], chroma_host="127.0.0.1", chroma_port=int(sys.argv[2])
)
client = connect(settings)
acquire_lease(client, settings.collection)
client.get_or_create_collection("news").add(  # another ingest's chunks, written but not yet registered
    ids=["inflight::0"], embeddings=[[0.1] * 384], documents=["In flight."],
    metadatas=[{"doc_id": "inflight", "doc_hash": "h1"}])
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[Any]:
    from tests.chroma_server import ChromaServer

    server = ChromaServer(tmp_path / "chroma-server").start()
    try:
        yield server
    finally:
        server.stop()


def test_a_second_machine_cannot_ingest_while_the_first_holds_the_lease(
    chroma: Any, embed_model: Any, tmp_path: Path
) -> None:
    from rag.errors import RagError

    machine_a = make_settings(tmp_path / "a", chroma_host="127.0.0.1", chroma_port=chroma.port)
    ingest(settings=machine_a, embed_model=embed_model, progress=False)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LEASE, str(tmp_path / "b"), str(chroma.port)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"holding"
        with pytest.raises(RagError, match=r"Another ingest .* is running \(host .*pid"):
            ingest(settings=machine_a, embed_model=embed_model, progress=False)
        ids = open_index(machine_a).chunks.get(ids=["inflight::0"])["ids"]
        assert ids == ["inflight::0"], "the repair step deleted another ingest's in-flight chunk"
    finally:
        holder.kill()
        holder.wait()
    report = ingest(settings=machine_a, embed_model=embed_model, progress=False)  # a dead holder's lease
    assert report.repaired == 1  # now nobody is writing it: the orphan goes


# -- item 15: --rebuild is invisible to readers ------------------------------------------------------------
def test_readers_never_see_a_missing_index_during_a_rebuild(
    seeded_settings: Settings, embed_model: Any
) -> None:
    from rag.retrieve import HybridRetriever

    reader = open_index(seeded_settings)
    retriever = HybridRetriever(reader, embed_model=embed_model, top_k=3, cache_dir=seeded_settings.data_dir)
    errors: list[BaseException] = []
    reads = [0, 0]
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                reader.current_version()
                reader.chunks.count()
                reads[0] += 1
            except Exception as exc:
                errors.append(exc)

    def ask() -> None:
        while not stop.is_set():
            try:
                assert retriever.retrieve("What gifts did Kim receive?").passages
                reads[1] += 1
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=poll), threading.Thread(target=ask)]
    for t in threads:
        t.start()
    try:
        for _ in range(2):
            ingest(settings=seeded_settings, embed_model=embed_model, progress=False, rebuild=True)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, f"{len(errors)} failed reads, first: {errors[0]!r}"
    assert reads[0] > 10 and reads[1] > 2
    names = {c.name for c in open_index(seeded_settings).client.list_collections()}
    assert names == {"news", "news-docs"}
