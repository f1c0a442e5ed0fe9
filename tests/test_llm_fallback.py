"""RAG_LLM=auto falls back to the offline reader when the LLM goes away; RAG_LLM=openai keeps the error.

Against a real llama.cpp server (SmolLM2 on loopback) that is stopped in the
middle of a session: the same engine keeps answering, and says who answered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from rag.config import Settings
from rag.engine import FALLBACK_AUTH_NOTICE, FALLBACK_NOTICE
from rag.errors import LLMUnavailableError
from rag.llm import OpenAIAnswerer
from rag.wiring import build_llm, engine_from_settings
from tests.llm_server import llama_server
from tests.test_llm import _stream

GIFTS = "What gifts did Kim receive?"


def _settings(settings: Settings, base_url: str, model: str, key: str, llm: str) -> Settings:
    update: dict[str, Any] = {
        "openai_base_url": base_url,
        "openai_model": model,
        "openai_api_key": SecretStr(key),
        "llm": llm,
        "llm_unsupported": "flag",  # SmolLM invents: its answer must not be replaced for this test
    }
    return settings.model_copy(update=update)


def test_a_server_stopped_mid_session_falls_back_only_with_auto(
    seeded_settings: Settings, tmp_path: Path
) -> None:
    settings = seeded_settings.model_copy(update={"top_k": 2})  # a short prompt: one real generation
    with llama_server(tmp_path) as server:
        engine = engine_from_settings(
            _settings(settings, server.base_url, server.model, server.api_key, "auto")
        )
        assert engine.fallback is not None
        first = engine.ask(GIFTS)
        assert first.backend == "openai" and first.model == server.model and first.notice == ""
        # a refused key (401) under auto: answered offline, and the notice says why
        good = engine.answerer
        engine.answerer = OpenAIAnswerer(
            build_llm(_settings(settings, server.base_url, server.model, "nope", "auto"))
        )
        refused_key = engine.ask(GIFTS)
        assert refused_key.backend == "extractive" and refused_key.notice == FALLBACK_AUTH_NOTICE
        engine.answerer = good
    # the server is gone now; the same engine, the same session
    streamed, answer = _stream(engine, GIFTS)
    assert answer.backend == "extractive" and answer.model is None
    assert answer.notice == FALLBACK_NOTICE
    assert not answer.refused and "drone" in answer.answer.lower() and answer.sources
    assert all(c.verified for c in answer.citations)
    assert streamed == answer.answer  # the offline answer is what was streamed
    assert answer.to_dict()["notice"] == FALLBACK_NOTICE
    # a follow-up falls back too
    history = [{"role": "user", "content": GIFTS}, {"role": "assistant", "content": first.answer}]
    _, follow = _stream(engine, "Who gave them to him?", history)
    assert follow.backend == "extractive" and follow.notice == FALLBACK_NOTICE
    # RAG_LLM=openai: the same outage is the clear error, not a silent fallback
    strict = engine_from_settings(
        _settings(settings, server.base_url, server.model, server.api_key, "openai")
    )
    assert strict.fallback is None
    with pytest.raises(LLMUnavailableError, match="Cannot reach the LLM server"):
        strict.ask(GIFTS)
