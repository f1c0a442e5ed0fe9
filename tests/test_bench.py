"""The benchmark: a deterministic corpus generator, and the whole pipeline on a tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import DOC_PREFIX, generate, write_corpus
from bench.questions import VARIANTS, load_items, quality_questions, timing_questions
from bench.run import BenchConfig, format_table, run_bench


def test_same_seed_same_documents_and_size_is_honoured() -> None:
    first = generate(25, seed=7)
    assert first == generate(25, seed=7)
    assert len(first) == 25
    assert len({d.doc_id for d in first}) == 25
    assert generate(10, seed=7) == first[:10]  # article i depends only on (seed, i)
    assert generate(0, seed=7) == []


def test_different_seed_different_documents() -> None:
    assert [d.text for d in generate(10, seed=7)] != [d.text for d in generate(10, seed=8)]


def test_each_document_has_a_title_line_and_a_body() -> None:
    for doc in generate(40, seed=3):
        title, blank, body = doc.text.split("\n", 2)
        assert title.strip() and not title.endswith(".")
        assert blank == ""
        assert len(body.split()) > 50
        assert "{" not in doc.text and "}" not in doc.text  # every template slot filled
        assert doc.title == title


def test_corpus_has_look_alike_distractors() -> None:
    docs = generate(200, seed=1)
    distractors = [d for d in docs if d.distractor]
    assert 0.15 < len(distractors) / len(docs) < 0.5
    text = " ".join(d.text for d in distractors)
    for word in ("Kim Jong Un", "Putin", "drone", "train", "Vladivostok", "gift"):
        assert word in text


def test_write_corpus_writes_and_reuses(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "c", 6, seed=2)
    assert [p.name for p in paths] == [f"{DOC_PREFIX}{i:05d}.txt" for i in range(6)]
    assert paths[3].read_text(encoding="utf-8") == generate(6, seed=2)[3].text
    before = paths[0].stat().st_mtime_ns
    assert write_corpus(tmp_path / "c", 6, seed=2) == paths
    assert paths[0].stat().st_mtime_ns == before  # reused, not rewritten
    write_corpus(tmp_path / "c", 4, seed=2)
    assert len(list((tmp_path / "c").glob("*.txt"))) == 4


def test_timed_questions_are_distinct_rewordings() -> None:
    items = load_items()
    timed = timing_questions(items, 2 * len(items) + 5)
    assert len({q.text for q in timed}) == len(timed)
    assert [q.text for q in timed[: len(items)]] == [i.question for i in items]
    with pytest.raises(ValueError):
        timing_questions(items, len(items) * len(VARIANTS) + 1)
    assert all(q.answerable and q.sources for q in quality_questions(items))


@pytest.mark.slow
def test_bench_pipeline_on_a_tiny_corpus(tmp_path: Path, embed_model: Any) -> None:
    output = tmp_path / "results.json"
    config = BenchConfig(
        n_docs=30,
        n_questions=10,
        quality_limit=10,
        data_root=tmp_path / "data",
        output=output,
        quick=True,
        progress=False,
        warmup=1,
    )
    results = run_bench(config, embed_model=embed_model)
    assert json.loads(output.read_text()) == results

    assert {"date", "machine", "load_average", "versions", "config", "sizes", "targets"} <= set(results)
    assert results["machine"]["cores"] >= 1 and results["machine"]["cpu_model"]
    assert set(results["sizes"]) == {"seeds", "scale"}
    assert results["sizes"]["seeds"]["documents"] == 5
    assert results["sizes"]["scale"]["documents"] == 35
    for size in results["sizes"].values():
        for side in ("ours", "baseline"):
            part = size[side]
            assert part["ingest"]["chunks"] > 0 and part["ingest"]["chunks_per_s"] > 0
            assert part["ingest"]["memory"]["peak_rss_mb"] > 0
            assert part["retrieval"]["n"] == 10
            assert 0 < part["retrieval"]["p50_ms"] <= part["retrieval"]["p95_ms"]
            assert part["quality"]["n"] == 10
            assert 0.0 <= part["quality"]["mrr"] <= part["quality"]["hit_at_5"] <= 1.0
        assert size["ours"]["answer"]["n"] == 10
        assert {"retrieval_p50_ratio", "hit_at_5_diff", "mrr_diff"} <= set(size["comparison"])
    assert len(results["targets"]) == 5
    assert all(isinstance(t["passed"], bool) for t in results["targets"])

    table = format_table(results)
    assert "hit@5" in table and "retrieval p95 ms" in table
    assert table.count("PASS") + table.count("FAIL") == 5
