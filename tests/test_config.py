"""Settings: defaults, environment names, .env, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.config import Settings, get_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAG_DATA_DIR")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.data_dir == Path(".rag") and s.chroma_path == Path(".rag/chroma")
    assert s.chroma_host is None and s.collection == "news"
    assert s.embed_backend == "local" and s.embed_model_name == "all-MiniLM-L6-v2"
    assert s.llm == "auto" and s.llm_backend == "extractive"
    assert s.sources == [Path("seeds")]


def test_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "8123")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("RAG_SOURCES", "seeds, more/articles")
    monkeypatch.setenv("RAG_CHUNK_SIZE", "256")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert "127.0.0.1:8123" in s.chroma_location
    assert s.llm_backend == "openai"  # auto picks the configured server
    assert s.sources == [Path("seeds"), Path("more/articles")]
    assert s.chunk_size == 256


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("RAG_COLLECTION=articles\nOPENAI_API_KEY=sk-test\nRAG_LLM=extractive\n")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    s = get_settings()
    assert s.collection == "articles" and s.llm_backend == "extractive"
    assert s.openai_api_key is not None and "sk-test" not in repr(s)


def test_blank_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    monkeypatch.setenv("CHROMA_HOST", " ")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.openai_api_key is None and s.chroma_host is None and s.llm_backend == "extractive"


@pytest.mark.parametrize(
    ("name", "value"),
    [("RAG_COLLECTION", "ab"), ("RAG_CHUNK_OVERLAP", "500"), ("RAG_LLM", "gpt"), ("RAG_TOP_K", "0")],
)
def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_env_example_documents_every_variable() -> None:
    from tests.conftest import ROOT, SETTINGS_ENV

    example = (ROOT / ".env.example").read_text()
    for name in SETTINGS_ENV:
        assert f"{name}=" in example, f"{name} is missing from .env.example"
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names = getattr(alias, "choices", [])
        assert any(n in SETTINGS_ENV for n in names), f"{names} not listed in tests' SETTINGS_ENV"
