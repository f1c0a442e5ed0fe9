"""The answer engine on the seeded index: retrieval, extractive answers, refusals, follow-ups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rag.cli import main
from rag.config import Settings
from rag.engine import MAX_QUESTION_CHARS, Engine, QuestionError, build_engine
from rag.index import open_index
from rag.ingest import ingest

GIFT_DOCS = {"001_8dcf05ad1b8e96bb", "004_233b49a59d445921"}


@pytest.fixture
def engine(seeded_settings: Settings, embed_model: Any) -> Engine:
    return build_engine(
        open_index(seeded_settings), embed_model=embed_model, top_k=5, cache_dir=seeded_settings.data_dir
    )


def test_hybrid_retrieval_ranks_gift_passages_first(engine: Engine) -> None:
    retrieval = engine.retriever.retrieve("What presents was the North Korean leader handed?")
    assert retrieval.passages[0].doc_id in GIFT_DOCS
    top = retrieval.passages[0]
    assert top.dense_rank is not None and top.bm25_rank is not None  # both sides found it
    assert top.text and top.end > top.start and top.title


def test_gift_answer_names_the_gifts_with_verified_citations(engine: Engine) -> None:
    answer = engine.ask("What gifts did Kim receive?")
    assert not answer.refused and answer.backend == "extractive"
    text = answer.answer.lower()
    assert "drones" in text and "bulletproof" in text and "thermal" in text
    assert "[1]" in answer.answer
    assert {s.doc_id for s in answer.sources} == GIFT_DOCS  # a wire sentence both outlets carry: [1][2]
    assert "[1][2]" in answer.answer
    assert answer.citations and all(c.verified for c in answer.citations)
    for source in answer.sources:
        doc = engine.index.document_text(source.doc_id) or ""
        for quote in source.quotes:
            assert doc[quote.start : quote.end] == quote.text
    assert answer.usage == {} and answer.latency_ms > 0  # the offline reader spends no LLM tokens


def test_off_topic_question_is_refused(engine: Engine) -> None:
    answer = engine.ask("Who won the 2022 football World Cup?")
    assert answer.refused
    assert answer.answer.startswith("I don't know based on these articles.")
    assert answer.sources == [] and answer.citations == []
    assert len(answer.related) == 3


def test_followup_retrieves_the_defence_minister(engine: Engine) -> None:
    history = [
        {"role": "user", "content": "What did Kim inspect in Vladivostok?"},
        {
            "role": "assistant",
            "content": "He inspected state-of-the-art weapons including a hypersonic missile system.",
        },
    ]
    answer = engine.ask("Who showed it to him?", history)
    assert answer.searched_for and "vladivostok" in answer.searched_for.lower()
    passages = " ".join(r.text for r in answer.retrieved[:3]).lower()
    assert "defence minister" in passages


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Please type a question"),
        ("   \n\t", "Please type a question"),
        ("x" * (MAX_QUESTION_CHARS + 1), "limit"),
    ],
)
def test_bad_questions_get_clear_errors(engine: Engine, question: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        engine.ask(question)


def test_control_characters_and_unicode_are_handled(engine: Engine) -> None:
    answer = engine.ask("What\x00 gifts\x1b did Kim\u200b receive? 🎁")
    assert "\x00" not in answer.question and answer.answer


def test_new_documents_are_seen_without_restart(
    engine: Engine, seeded_settings: Settings, embed_model: Any, tmp_path: Path
) -> None:
    engine.ask("What gifts did Kim receive?")  # warm the snapshot
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "zoo.txt").write_text(
        "Pyongyang zoo receives a giraffe\n\nThe Pyongyang zoo said on Monday it had received a giraffe "
        "named Tolstoy from a Russian wildlife park as a gift of friendship.\n"
    )
    ingest([extra], settings=seeded_settings, embed_model=embed_model, progress=False)
    retrieval = engine.retriever.retrieve("Which animal did the Pyongyang zoo receive?")
    assert retrieval.passages[0].doc_id == "zoo"


def test_orphan_chunks_are_never_retrieved(engine: Engine) -> None:
    """Chunks of a version the registry does not point at (an interrupted ingest) stay invisible."""
    index = engine.index
    got = index.chunks.get(
        where={"doc_id": "001_8dcf05ad1b8e96bb"}, include=["metadatas", "documents", "embeddings"]
    )
    meta = dict(got["metadatas"][0], doc_hash="0" * 64)
    index.chunks.add(
        ids=["001_8dcf05ad1b8e96bb::orphan::0000"],
        documents=["ORPHAN gifts drones bulletproof vest thermal cameras governor"],
        embeddings=[got["embeddings"][0]],
        metadatas=[meta],
    )
    index.bump_version()
    retrieval = engine.retriever.retrieve("gifts drones bulletproof vest thermal cameras governor")
    assert all("orphan" not in p.chunk_id for p in retrieval.passages)


def test_cli_ask_json(seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    assert main(["ask", "What gifts did Kim receive?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("question", "answer", "refused", "citations", "retrieved", "backend", "usage", "latency_ms"):
        assert key in data
    assert data["backend"] == "extractive" and not data["refused"]
    assert {"n", "doc_id", "title", "quote", "verified"} <= set(data["citations"][0])
    assert {"doc_id", "chunk_id", "score"} <= set(data["retrieved"][0])


def test_cli_ask_text_and_history(
    seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"role": "user", "content": "What did Kim inspect in Vladivostok?"}]))
    assert main(["ask", "Who showed it to him?", "--history", str(history)]) == 0
    out = capsys.readouterr().out
    assert "(searched for:" in out
    assert main(["ask", "What gifts did Kim receive?"]) == 0
    out = capsys.readouterr().out
    assert "Sources:" in out and "(verified)" in out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["ask", ""], 2, "Please type a question"),
        (["ask", "x" * (MAX_QUESTION_CHARS + 5)], 2, "limit"),
        (["ask", "What gifts?", "--history", "/nonexistent.json"], 2, "Cannot read history"),
    ],
)
def test_cli_ask_errors(argv: list[str], code: int, message: str, capsys) -> None:
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_ask_without_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "none"))
    assert main(["ask", "What gifts did Kim receive?"]) == 1
    assert "rag ingest" in capsys.readouterr().err


def test_a_restart_reuses_the_persisted_bm25_and_term_statistics(
    seeded_settings: Settings, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.retrieve import STATS_FILE, HybridRetriever

    def fresh() -> HybridRetriever:
        index = open_index(seeded_settings)
        return HybridRetriever(index, embed_model=embed_model, top_k=5, cache_dir=seeded_settings.data_dir)

    first = fresh().snapshot()
    cached = list((seeded_settings.data_dir / "bm25").glob(f"*-{first.version}/{STATS_FILE}"))
    assert len(cached) == 1
    # statistics of an older format (words split before accents were folded) are recomputed once
    cached[0].rename(cached[0].with_name("stats.json"))
    assert fresh().snapshot().df == first.df and cached[0].exists()
    # a new process over the same version reads no chunks: both caches serve it
    monkeypatch.setattr(HybridRetriever, "_live_nodes", lambda self, live: pytest.fail("chunks were read"))
    second = fresh()
    again = second.snapshot()
    assert again.df == first.df and again.n_chunks == first.n_chunks
    assert second.retrieve("What gifts did Kim receive?").passages[0].doc_id.startswith(("001", "004"))


def test_a_typo_is_retrieved_and_read_as_the_word_it_stands_for(engine: Engine) -> None:
    # "gfts" reads as the articles' "gifts" and "wat" as "what": retrieval runs on the respelled
    # question, which the answer shows as what was searched for
    answer = engine.ask("wat gfts did kim recieve")
    assert answer.searched_for == "what gifts did kim receive"
    assert not answer.refused and "bulletproof" in answer.answer.lower()
    assert engine.ask("What gifts did Kim receive?").searched_for is None  # nothing to respell
