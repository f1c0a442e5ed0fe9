"""The LLM answerer: prompt and citation plumbing with a scripted fake, then end to end
against a real OpenAI-compatible server (llama.cpp with SmolLM2 on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rag.answer import REFUSAL_TEXT, Answer
from rag.config import Settings, get_settings
from rag.engine import Engine, build_engine
from rag.errors import ConfigError, LLMAuthError, LLMUnavailableError
from rag.index import open_index
from rag.llm import SYSTEM_PROMPT, OpenAIAnswerer, is_refusal, number_sources
from rag.wiring import build_llm, engine_from_settings
from tests.llm_server import LlamaServer, free_port, llama_server

GIFTS = "What gifts did Kim receive?"


class ScriptedLLM:
    """Replies with a fixed text, streamed in small pieces; records the messages it was sent."""

    model = "scripted"

    def __init__(self, reply: str, condensed: str = ""):
        self.reply = reply
        self.condensed = condensed
        self.sent: list[Any] = []

    def stream_chat(self, messages: list[Any], **_: Any) -> Iterator[Any]:
        self.sent = messages
        for i in range(0, len(self.reply), 7):
            yield SimpleNamespace(delta=self.reply[i : i + 7])

    def chat(self, messages: list[Any], **_: Any) -> Any:
        self.sent = messages
        return SimpleNamespace(message=SimpleNamespace(content=self.condensed))


def _engine(settings: Settings, embed_model: Any, llm: Any, condense: bool = False) -> Engine:
    return build_engine(
        open_index(settings),
        embed_model=embed_model,
        answerer=OpenAIAnswerer(llm, condense_with_llm=condense),
        top_k=5,
    )


def _stream(engine: Engine, question: str, history: list[dict[str, str]] | None = None) -> tuple[str, Answer]:
    deltas: list[str] = []
    answer = None
    for event in engine.stream(question, history):
        if isinstance(event, Answer):
            answer = event
        else:
            deltas.append(event)
    assert answer is not None
    return "".join(deltas), answer


# -- plumbing, with a scripted model --------------------------------------------------


def test_prompt_numbers_each_article_once_and_keeps_the_rules(
    seeded_settings: Settings, embed_model: Any
) -> None:
    llm = ScriptedLLM(REFUSAL_TEXT)
    engine = _engine(seeded_settings, embed_model, llm)
    retrieval = engine.retriever.retrieve(GIFTS)
    block, numbers = number_sources(retrieval)
    assert list(numbers) == list(range(1, len(numbers) + 1))
    assert sorted(numbers.values()) == sorted({p.doc_id for p in retrieval.passages})
    for n in numbers:
        assert block.count(f"[{n}] ") == 1
    _stream(engine, GIFTS)
    system, user = llm.sent[0].content, llm.sent[-1].content
    assert system == SYSTEM_PROMPT and REFUSAL_TEXT in system and "[1]" in system
    assert user.startswith("Sources:") and GIFTS in user and "drones" in user


def test_markers_map_to_articles_and_dangling_ones_are_dropped(
    seeded_settings: Settings, embed_model: Any
) -> None:
    engine = _engine(seeded_settings, embed_model, ScriptedLLM(""))
    _, numbers = number_sources(engine.retriever.retrieve(GIFTS))
    drone_n = next(n for n, d in numbers.items() if d.startswith("004"))
    reply = (
        f"Kim received five explosive drones and a reconnaissance drone as gifts [{drone_n}][9]. "
        "TASS said Kim had also been given a bulletproof vest as a gift from a regional governor. [99] "
        "The moon is made of green cheese and it is delicious."
    )
    streamed, answer = _stream(_engine(seeded_settings, embed_model, ScriptedLLM(reply)), GIFTS)
    assert streamed == reply  # streamed as the model wrote it
    assert answer.backend == "openai" and answer.model == "scripted" and not answer.refused
    assert "[9]" not in answer.answer and "[99]" not in answer.answer  # markers pointing at no source
    first = answer.sentences[0]
    assert first.citations == [1] and answer.sources[0].doc_id.startswith("004")  # renumbered from 1
    assert answer.sources[0].quotes, "an LLM answer's sources carry the passages verification found"
    assert all(c.verified for c in answer.citations if c.sentence == 0)
    # the vest sentence had only a dangling marker: verification attaches a supporting article
    assert answer.sentences[1].citations and any(c.added for c in answer.citations if c.sentence == 1)
    cheese = answer.sentences[2]
    assert not cheese.supported and not cheese.citations  # a planted unsupported sentence is flagged
    assert answer.usage["prompt_tokens"] > 200 and answer.usage["completion_tokens"] > 10


def test_a_refusal_from_the_model_is_a_refusal(seeded_settings: Settings, embed_model: Any) -> None:
    llm = ScriptedLLM("I don't know based on these articles.")
    _, answer = _stream(_engine(seeded_settings, embed_model, llm), "Who won the 2022 football World Cup?")
    assert answer.refused and answer.answer.startswith(REFUSAL_TEXT)
    assert answer.related and not answer.sources and not answer.citations
    assert is_refusal("I do not know from these sources.") and not is_refusal("Kim knows Putin [1].")


def test_follow_up_is_condensed_by_the_model(seeded_settings: Settings, embed_model: Any) -> None:
    llm = ScriptedLLM(REFUSAL_TEXT, condensed='"Who showed Kim the bombers in Vladivostok?"')
    history = [
        {"role": "user", "content": "What did Kim inspect in Vladivostok?"},
        {"role": "assistant", "content": "He inspected strategic bombers [1]."},
    ]
    _, answer = _stream(_engine(seeded_settings, embed_model, llm, True), "Who showed them to him?", history)
    assert answer.searched_for == "Who showed Kim the bombers in Vladivostok?"
    sent_history = llm.sent[1:-1]  # system, the earlier turns, the question with sources
    assert [m.role.value for m in sent_history] == ["user", "assistant"]
    assert "bombers" in sent_history[1].content and "[1]" not in sent_history[1].content  # markers stripped
    # a rambling condensation is not trusted
    llm = ScriptedLLM(REFUSAL_TEXT, condensed="x " * 400)
    _, answer = _stream(_engine(seeded_settings, embed_model, llm, True), "Who showed them to him?", history)
    assert answer.searched_for is None
    # by default no model call precedes the answer: the deterministic rewrite, and the model sees the history
    llm = ScriptedLLM(REFUSAL_TEXT, condensed="never asked")
    _, answer = _stream(_engine(seeded_settings, embed_model, llm), "Who showed them to him?", history)
    assert answer.searched_for and "vladivostok" in answer.searched_for and "never" not in answer.searched_for
    assert [m.role.value for m in llm.sent[1:-1]] == ["user", "assistant"]


def test_an_llm_judge_decides_the_citations_the_answerer_made(
    seeded_settings: Settings, embed_model: Any
) -> None:
    reply = "Kim received five explosive drones and a reconnaissance drone as gifts [1]."
    judge_llm = ScriptedLLM("", condensed="No.")
    engine = build_engine(
        open_index(seeded_settings),
        embed_model=embed_model,
        answerer=OpenAIAnswerer(ScriptedLLM(reply)),
        judge=OpenAIAnswerer(judge_llm).judge,
    )
    answer = engine.ask(GIFTS)
    assert answer.citations and all(c.method == "llm" and not c.verified for c in answer.citations)
    assert "Claim: Kim received five explosive drones" in judge_llm.sent[0].content
    assert not answer.sentences[0].supported
    # an unclear verdict leaves the offline check in charge
    unclear = OpenAIAnswerer(ScriptedLLM("", condensed="Perhaps, it depends."))
    engine.judge = unclear.judge
    answer = engine.ask(GIFTS)
    assert all(c.method == "similarity" for c in answer.citations) and answer.citations[0].verified


def test_the_judge_is_wired_only_when_asked_for(seeded_settings: Settings) -> None:
    base = seeded_settings.model_copy(update={"openai_base_url": "http://127.0.0.1:1/v1"})
    assert engine_from_settings(base).judge is None
    judged = engine_from_settings(base.model_copy(update={"verify_with_llm": True}))
    assert judged.judge is not None and judged.backend == "openai"
    assert engine_from_settings(seeded_settings.model_copy(update={"verify_with_llm": True})).judge is None


def test_backend_selection(settings_factory: Any) -> None:
    assert settings_factory().llm_backend == "extractive"
    s = settings_factory(openai_base_url="http://127.0.0.1:1/v1", openai_model="m")
    assert s.llm_backend == "openai"
    llm = build_llm(s)
    assert type(llm).__name__ == "CompatibleOpenAI" and llm.api_base == "http://127.0.0.1:1/v1"
    assert type(build_llm(settings_factory(openai_api_key="sk-x"))).__name__ == "OpenAI"
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL"):
        build_llm(settings_factory(llm="openai"))


def test_unreachable_server_is_a_clear_error(seeded_settings: Settings) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens here
    settings = seeded_settings.model_copy(update={"openai_base_url": url, "llm": "openai"})
    with pytest.raises(LLMUnavailableError, match="Cannot reach the LLM server"):
        engine_from_settings(settings).ask(GIFTS)


def test_cli_reports_unreachable_server(
    seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rag.cli import main

    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("RAG_LLM", "openai")  # asked for the LLM explicitly: no fallback
    assert main(["ask", GIFTS]) == 3
    err = capsys.readouterr().err
    assert "Cannot reach the LLM server" in err and "RAG_LLM=extractive" in err and "Traceback" not in err
    monkeypatch.setenv("RAG_LLM", "auto")  # auto: the offline reader answers, and says so
    get_settings.cache_clear()
    assert main(["ask", GIFTS]) == 0
    out = capsys.readouterr().out
    assert out.startswith("note: The language model was unavailable") and "[1]" in out


# -- end to end, against llama.cpp's OpenAI-compatible server ---------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with llama_server(tmp_path_factory.mktemp("llama")) as srv:
        yield srv


def _use_server(monkeypatch: pytest.MonkeyPatch, settings: Settings, server: LlamaServer) -> None:
    """Point the environment (what the CLI reads) at the seeded index and the llama.cpp server."""
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_MODEL", server.model)
    monkeypatch.setenv("OPENAI_API_KEY", server.api_key)
    monkeypatch.setenv("RAG_LLM_UNSUPPORTED", "flag")


def _llm_settings(settings: Settings, server: LlamaServer, key: str) -> Settings:
    from pydantic import SecretStr

    update = {
        "openai_base_url": server.base_url,
        "openai_model": server.model,
        "openai_api_key": SecretStr(key),
        "llm_unsupported": "flag",  # SmolLM invents: keep its answer (flagged) to test the plumbing
    }
    return settings.model_copy(update=update)


def test_real_server_streams_a_cited_verified_answer(seeded_settings: Settings, server: LlamaServer) -> None:
    settings = _llm_settings(seeded_settings, server, server.api_key)
    engine = engine_from_settings(settings)
    pieces = [e for e in engine.stream(GIFTS) if isinstance(e, str)]
    answer = engine.ask(GIFTS)
    assert len(pieces) > 3, "the answer arrives token by token"
    assert answer.backend == "openai" and answer.model == server.model
    assert (
        answer.usage["prompt_tokens"] > 200 and answer.usage["total_tokens"] > answer.usage["prompt_tokens"]
    )
    if not answer.refused:
        numbers = {s.n for s in answer.sources}
        assert numbers == set(range(1, len(numbers) + 1))
        for sentence in answer.sentences:
            assert set(sentence.citations) <= numbers
        for c in answer.citations:  # every citation is checked against its article's passages
            assert answer.source(c.n) is not None and c.quote and isinstance(c.verified, bool)
    json.dumps(answer.to_dict())


def test_real_server_follow_up_and_cli_json(
    seeded_settings: Settings,
    server: LlamaServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from rag.cli import main

    _use_server(monkeypatch, seeded_settings, server)
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "What did Kim inspect in Vladivostok?"},
                {"role": "assistant", "content": "He inspected bombers and a frigate [1]."},
            ]
        )
    )
    assert main(["ask", "Who showed them to him?", "--json", "--history", str(history)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backend"] == "openai" and data["model"] == server.model
    assert data["standalone_question"] and data["standalone_question"] != ""
    for key in ("question", "answer", "refused", "citations", "retrieved", "usage", "latency_ms"):
        assert key in data


def test_real_server_judges_a_claim(server: LlamaServer, settings_factory: Any) -> None:
    settings = _llm_settings(settings_factory(), server, server.api_key)
    judge = OpenAIAnswerer(build_llm(settings)).judge
    passage = "North Korean leader Kim Jong Un received five explosive drones as gifts."
    assert judge("Kim received five explosive drones.", passage) is not None  # a parsed yes or no


def test_real_server_eval_with_judge(
    seeded_settings: Settings,
    server: LlamaServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from rag.cli import main

    dev = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "dev.jsonl"
    items = [line for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    subset = tmp_path / "subset.jsonl"
    subset.write_text(items[0] + "\n")  # one item: a small model judging on 2 shared cores is slow
    _use_server(monkeypatch, seeded_settings, server)
    monkeypatch.setenv("RAG_TOP_K", "2")  # short prompts
    out = tmp_path / "run"
    code = main(
        ["eval", "--dataset", str(subset), "--backend", "openai", "--judge", "--out", str(out), "--quiet"]
    )
    assert code == 0, capsys.readouterr().err
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_items"] == 1 and metrics["config"]["backend"] == "openai"
    judged = [k for k in metrics if k.startswith(("judge", "alce", "faithful", "correct", "citation_recall"))]
    assert judged, f"no judge metrics in {sorted(metrics)}"
    assert (out / "report.html").read_text().count("<html") == 1


def test_real_server_rejects_a_wrong_key(seeded_settings: Settings, server: LlamaServer) -> None:
    settings = _llm_settings(seeded_settings, server, "wrong-key").model_copy(update={"llm": "openai"})
    with pytest.raises(LLMAuthError, match="refused the API key \\(401\\)"):
        engine_from_settings(settings).ask(GIFTS)


def test_a_mostly_unsupported_answer_follows_the_policy(seeded_settings: Settings, embed_model: Any) -> None:
    from rag.engine import UNSUPPORTED_NOTICE

    reply = (
        "The moon is made of green cheese and it is delicious [1]. "
        "Kim flew to Paris on a golden airship with twelve cats [2]. "
        "Kim received five explosive drones and a reconnaissance drone as gifts [1]."
    )
    index = open_index(seeded_settings)

    def ask(policy: str) -> Answer:
        llm = OpenAIAnswerer(ScriptedLLM(reply))
        return build_engine(index, embed_model=embed_model, answerer=llm, unsupported=policy).ask(GIFTS)

    flagged = ask("flag")
    assert flagged.backend == "openai" and sum(not s.supported for s in flagged.sentences) == 2
    assert not any(c.verified for c in flagged.citations if not flagged.sentences[c.sentence].supported)
    swapped = ask("extractive")
    assert swapped.backend == "extractive" and swapped.notice == UNSUPPORTED_NOTICE
    assert "cheese" not in swapped.answer and "drone" in swapped.answer.lower()
    assert all(s.supported for s in swapped.sentences)
    refused = ask("refuse")
    assert refused.refused and refused.answer.startswith(REFUSAL_TEXT) and not refused.citations
    assert seeded_settings.llm_unsupported == "extractive"  # the default, chosen by make bench-llm
