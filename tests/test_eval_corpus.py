"""`rag eval --corpus`, manifests, sweeps and resume, on the real engine, embedding model and Chroma.

A never-ingested folder is ingested into a content-addressed cache and reused on
the next run; the user's own data dir (and a configured Chroma server) is never
touched; two runs of one configuration compare as "no significant change"; a
sweep over two top_k values shares one ingest and yields one ranked table; an
interrupted run resumes without asking finished items again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.corpus import READY_FILE, corpus_key
from evals.run import METRICS_FILE, PROGRESS_FILE, RESULTS_FILE
from rag.cli import main
from rag.config import Settings
from tests.conftest import ROOT, make_settings

RAGAS = ROOT / "evals/datasets/public/kim-visit.ragas.jsonl"


def small_dataset(path: Path, n: int = 5) -> Path:
    path.write_text(
        "".join(RAGAS.read_text(encoding="utf-8").splitlines(keepends=True)[:n]), encoding="utf-8"
    )
    return path


def tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def real_model(monkeypatch: pytest.MonkeyPatch, embed_model: Any) -> None:
    monkeypatch.setattr("rag.wiring.build_embed_model", lambda settings: embed_model)
    monkeypatch.setattr("rag.ingest.build_embed_model", lambda settings: embed_model)


def test_corpus_is_ingested_once_reused_and_the_users_index_is_untouched(
    real_model: None,
    seeded_settings: Settings,
    seeds_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: Any,
) -> None:
    user = seeded_settings.data_dir
    monkeypatch.setenv("RAG_DATA_DIR", str(user))
    before = tree(user)
    dataset = small_dataset(tmp_path / "kim.jsonl")
    cache = tmp_path / "cache"
    common = ["eval", "--dataset", str(dataset), "--corpus", str(seeds_copy), "--backend", "extractive"]
    common += ["--cache-dir", str(cache)]

    assert main([*common, "--out", str(tmp_path / "run1")]) == 0
    err = capsys.readouterr().err
    assert f"corpus {seeds_copy}: ingested into {cache.resolve()}" in err
    (key_dir,) = list(cache.iterdir())
    assert key_dir.name == corpus_key(seeds_copy, make_settings(tmp_path))
    assert json.loads((key_dir / READY_FILE).read_text())["documents"] == 5

    def no_ingest(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the cached corpus was ingested again")

    monkeypatch.setattr("rag.ingest.ingest", no_ingest)
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")  # a shared server is never used for a cached corpus
    monkeypatch.setenv("CHROMA_PORT", "9")
    assert main([*common, "--out", str(tmp_path / "run2")]) == 0
    assert "reusing the ingest in" in capsys.readouterr().err
    assert tree(user) == before  # not one file of the user's own data dir changed
    metrics = json.loads((tmp_path / "run2" / METRICS_FILE).read_text())
    assert metrics["config"]["corpus_reused"] is True and metrics["hit_rate"] is not None

    # two runs of the same configuration: no significant change on any metric
    assert main(["eval", "--compare", str(tmp_path / "run1"), str(tmp_path / "run2")]) == 0
    out = capsys.readouterr().out
    assert "Significant changes: none." in out and "| better |" not in out and "| worse |" not in out

    # changed content or chunking is another cache entry
    article = next(seeds_copy.iterdir())
    key = corpus_key(seeds_copy, make_settings(tmp_path))
    assert corpus_key(seeds_copy, make_settings(tmp_path, chunk_size=128, chunk_overlap=16)) != key
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert corpus_key(seeds_copy, make_settings(tmp_path)) != key


def test_corpus_errors_are_one_clear_line(tmp_path: Path, capsys: Any) -> None:
    dataset = small_dataset(tmp_path / "kim.jsonl", 1)
    (tmp_path / "empty").mkdir()
    for corpus, message in (
        (tmp_path / "nowhere", "not found"),
        (tmp_path / "empty", "holds no article files"),
    ):
        assert main(["eval", "--dataset", str(dataset), "--corpus", str(corpus), "--quiet"]) == 1
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    dataset.with_suffix(".toml").write_text("corpus = 3\n")
    assert main(["eval", "--dataset", str(dataset), "--quiet"]) == 1
    assert "'corpus' must be a folder path" in capsys.readouterr().err


def test_sweep_over_top_k_shares_one_ingest_and_ranks_one_table(
    real_model: None, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "user-data"))
    (tmp_path / "sets").mkdir()
    dataset = small_dataset(tmp_path / "sets" / "kim.jsonl")
    dataset.with_suffix(".toml").write_text(f'corpus = "{seeds_copy}"\n')  # the manifest names the corpus
    out = tmp_path / "sweep"
    args = ["eval", "--dataset", str(dataset), "--backend", "extractive", "--sweep", "top_k=1,5"]
    assert main([*args, "--out", str(out), "--rank", "hit_rate", "--cache-dir", str(tmp_path / "cache")]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("ingested into") == 1 and captured.err.count("reusing the ingest") == 1
    assert len(list((tmp_path / "cache").iterdir())) == 1
    table = (out / "sweep.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")]
    assert len(rows) == 2 and "Ranked by hit_rate" in table and rows[0] in captured.out
    data = json.loads((out / "sweep.json").read_text())
    assert data["rank_metric"] == "hit_rate" and {r["point"] for r in data["runs"]} == {"top_k=1", "top_k=5"}
    values = [r["metrics"]["hit_rate"] for r in data["runs"]]
    assert values == sorted(values, reverse=True)
    for run in data["runs"]:
        assert json.loads((out / run["dir"] / METRICS_FILE).read_text())["config"]["top_k"] in (1, 5)
        assert "[" in rows[0]  # figures carry their intervals
    assert not (tmp_path / "user-data").exists()
    assert main([*args[:-1], "top_k=0"]) == 1
    assert "--sweep top_k=0: top_k" in capsys.readouterr().err
    assert main([*args[:-2], "--sweep", "colour=red"]) == 1
    assert "'colour' cannot be swept" in capsys.readouterr().err


def test_an_interrupted_run_resumes_without_losing_finished_items(
    real_model: None, seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    from rag.engine import Engine

    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    dataset = small_dataset(tmp_path / "kim.jsonl")
    out = tmp_path / "run"
    asked: list[str] = []
    interrupted: list[bool] = []
    real_ask = Engine.ask

    def ask(self: Engine, question: str, history: Any = None) -> Any:
        asked.append(question)
        if len(asked) == 4 and not interrupted:  # the warm-up, two items, then Ctrl-C on the third
            interrupted.append(True)
            raise KeyboardInterrupt
        return real_ask(self, question, history)

    monkeypatch.setattr(Engine, "ask", ask)
    args = ["eval", "--dataset", str(dataset), "--backend", "extractive", "--out", str(out)]
    assert main(args) == 130
    err = capsys.readouterr().err
    assert f"interrupted: 2 of 5 items are saved in {out}" in err and "Traceback" not in err
    assert (out / PROGRESS_FILE).is_file() and not (out / RESULTS_FILE).exists()

    other = small_dataset(tmp_path / "other.jsonl", 3)
    assert main(["eval", "--dataset", str(other), "--backend", "extractive", "--out", str(out)]) == 1
    assert "holds an interrupted run of another dataset or configuration" in capsys.readouterr().err

    asked.clear()
    assert main(args) == 0
    assert "resuming: 2 of 5 items already done" in capsys.readouterr().err
    assert len(asked) == 4  # the warm-up and the three unfinished items, nothing else
    results = [json.loads(line) for line in (out / RESULTS_FILE).read_text().splitlines()]
    assert [r["id"] for r in results] == ["q001", "q002", "q003", "q004", "q005"]
    assert not (out / PROGRESS_FILE).exists() and (out / "report.html").is_file()


def test_a_new_cleaning_or_chunking_code_version_is_another_cache_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache must never hand an evaluator an index the previous code cleaned and chunked.
    import rag.ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Title\n\nOne sentence of news text here.\n", encoding="utf-8")
    settings = make_settings(tmp_path)
    key = corpus_key(corpus, settings)
    monkeypatch.setattr(rag.ingest, "CLEANING_VERSION", rag.ingest.CLEANING_VERSION + "-next")
    assert corpus_key(corpus, settings) != key
