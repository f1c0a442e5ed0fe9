"""Settings: the one place that reads the environment and `.env`.

Every tunable the operator may change lives here, with its environment variable
name and default; `.env.example` documents the same list. Nothing else in the
project reads `os.environ`. Code asks `get_settings()`, and tests swap it with
`get_settings.cache_clear()` plus environment variables, or pass a `Settings`
object explicitly.

It does not build clients or load models: that is `rag.index` and `rag.embed`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


def _default_models_dir() -> Path:
    return Path.home() / ".cache" / "rag-news" / "models"


class Settings(BaseSettings):
    """Runtime configuration, from the environment, then `.env`, then defaults."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Where things live
    data_dir: Path = Field(Path(".rag"), validation_alias=_env("RAG_DATA_DIR"))
    sources: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [Path("seeds")], validation_alias=_env("RAG_SOURCES")
    )
    collection: str = Field("news", validation_alias=_env("RAG_COLLECTION"))

    # Chroma: embedded under data_dir unless a server is named
    chroma_host: str | None = Field(None, validation_alias=_env("CHROMA_HOST"))
    chroma_port: int = Field(8000, validation_alias=_env("CHROMA_PORT"))

    # Embeddings
    embed_backend: Literal["local", "openai"] = Field("local", validation_alias=_env("RAG_EMBED_BACKEND"))
    embed_model: str | None = Field(None, validation_alias=_env("RAG_EMBED_MODEL"))
    embed_batch_size: int = Field(32, ge=1, validation_alias=_env("RAG_EMBED_BATCH_SIZE"))

    # Chunking, in tiktoken cl100k_base tokens
    chunk_size: int = Field(192, ge=32, le=8192, validation_alias=_env("RAG_CHUNK_SIZE"))
    chunk_overlap: int = Field(32, ge=0, validation_alias=_env("RAG_CHUNK_OVERLAP"))
    # How the reader's stored sentence vectors are made: "alone" (each sentence embedded on its own)
    # or "pooled" (from its chunk's forward pass: ingest about twice as fast; README, Performance)
    sentence_vectors: Literal["alone", "pooled"] = Field(
        "alone", validation_alias=_env("RAG_SENTENCE_VECTORS")
    )

    # Retrieval
    top_k: int = Field(5, ge=1, le=100, validation_alias=_env("RAG_TOP_K"))

    # Answering
    llm: Literal["auto", "extractive", "openai"] = Field("auto", validation_alias=_env("RAG_LLM"))
    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    openai_model: str = Field("gpt-4o-mini", validation_alias=_env("OPENAI_MODEL"))
    # Let the LLM decide citation checks (one short call per citation) instead of similarity alone
    verify_with_llm: bool = Field(False, validation_alias=_env("RAG_VERIFY_WITH_LLM"))
    # An LLM answer with most sentences unsupported by the articles: show it flagged, answer with the
    # extractive reader instead (with a notice), or refuse
    llm_unsupported: Literal["flag", "extractive", "refuse"] = Field(
        "extractive", validation_alias=_env("RAG_LLM_UNSUPPORTED")
    )
    # Let the LLM rewrite a follow-up into a standalone search query (one extra call before the answer);
    # off, the deterministic rewrite (rag.followup) is used, and the model still sees the conversation
    llm_condense: bool = Field(False, validation_alias=_env("RAG_LLM_CONDENSE"))
    # Where `rag model install` keeps local GGUF models: outside the repository, under the user's cache
    models_dir: Path = Field(
        default_factory=lambda: _default_models_dir(), validation_alias=_env("RAG_MODELS_DIR")
    )

    # Serving
    host: str = Field("127.0.0.1", validation_alias=_env("RAG_HOST"))
    port: int = Field(7860, ge=1, le=65535, validation_alias=_env("RAG_PORT"))
    # Origins (scheme://host[:port], or *) that may embed the widget and call the API from a browser
    embed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("RAG_EMBED_ORIGINS")
    )
    # Optional shared secret: ?token= on page URLs, `Authorization: Bearer` on the API
    access_token: SecretStr | None = Field(None, validation_alias=_env("RAG_ACCESS_TOKEN"))
    # Questions per minute per client IP; 0 turns the limit off
    rate_limit: int = Field(0, ge=0, validation_alias=_env("RAG_RATE_LIMIT"))
    # Answers computed at the same time (chat app, widget and API together)
    concurrency: int = Field(4, ge=1, le=256, validation_alias=_env("RAG_CONCURRENCY"))
    # Questions that may wait for a slot; past it they get 503 with Retry-After at once
    queue_size: int = Field(100, ge=0, le=10000, validation_alias=_env("RAG_QUEUE_SIZE"))
    # Host names (Host header, without port) the server answers to; * for any. Empty: loopback
    # names when bound to a loopback address, any host otherwise
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("RAG_ALLOWED_HOSTS")
    )
    # Reverse proxies (IP addresses) whose X-Forwarded-For/-Proto are believed; empty: none
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("RAG_TRUSTED_PROXIES")
    )
    # feedback.jsonl is rotated (3 backups kept) before it grows past this size
    feedback_max_mb: int = Field(10, ge=1, le=10000, validation_alias=_env("RAG_FEEDBACK_MAX_MB"))

    @field_validator(
        "chroma_host", "openai_base_url", "embed_model", "openai_api_key", "access_token", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("models_dir", mode="before")
    @classmethod
    def _models_dir(cls, value: object) -> object:
        if isinstance(value, str):
            return Path(value.strip()).expanduser() if value.strip() else _default_models_dir()
        return value

    @field_validator("embed_origins")
    @classmethod
    def _check_origins(cls, value: list[str]) -> list[str]:
        out = []
        for origin in value:
            origin = origin.strip().rstrip("/")
            scheme, sep, rest = origin.partition("://")
            if origin != "*" and not (
                sep and scheme in ("http", "https") and rest and not any(c in rest for c in "/?#* ")
            ):
                raise ValueError(
                    f"RAG_EMBED_ORIGINS: {origin!r} is not an origin like https://intranet.example.com "
                    "(scheme, host and optional port, no path) or *"
                )
            out.append(origin.lower())
        return out

    @field_validator("allowed_hosts")
    @classmethod
    def _check_hosts(cls, value: list[str]) -> list[str]:
        out = []
        for host in value:
            host = host.strip().lower()
            if host != "*" and (not host or any(c in host for c in "/?#@ ") or "://" in host):
                raise ValueError(
                    f"RAG_ALLOWED_HOSTS: {host!r} is not a host name like intranet.example.com "
                    "(no scheme, no path), an address, or *"
                )
            out.append(host)
        return out

    @field_validator("sources", "embed_origins", "allowed_hosts", "trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.replace(",", " ").split() if part]
        return value

    @field_validator("collection")
    @classmethod
    def _check_collection(cls, value: str) -> str:
        if not (3 <= len(value) <= 60) or not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError("RAG_COLLECTION must be 3-60 characters of letters, digits, '-' or '_'")
        return value

    @model_validator(mode="after")
    def _check_overlap(self) -> Settings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("RAG_CHUNK_OVERLAP must be smaller than RAG_CHUNK_SIZE")
        return self

    @property
    def host_names(self) -> frozenset[str] | None:
        """The Host names the server answers to; None means any."""
        if "*" in self.allowed_hosts:
            return None
        if self.allowed_hosts:
            return frozenset(self.allowed_hosts)
        if self.host in LOOPBACK_HOSTS:
            return LOOPBACK_HOSTS
        return None

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def embed_model_name(self) -> str:
        if self.embed_model:
            return self.embed_model
        return "all-MiniLM-L6-v2" if self.embed_backend == "local" else "text-embedding-3-small"

    @property
    def llm_backend(self) -> Literal["extractive", "openai"]:
        """The answerer `auto` resolves to: an LLM only when one is configured."""
        if self.llm == "auto":
            return "openai" if (self.openai_api_key or self.openai_base_url) else "extractive"
        return self.llm

    @property
    def feedback_path(self) -> Path:
        """Thumbs up/down from the chat app, widget and API, as JSON lines."""
        return self.data_dir / "feedback.jsonl"

    @property
    def chroma_location(self) -> str:
        if self.chroma_host:
            return f"http://{self.chroma_host}:{self.chroma_port} (Chroma server)"
        return f"{self.chroma_path} (embedded Chroma)"


def checked_settings() -> Settings:
    """`get_settings()`, with invalid values as one ConfigError that lists the problems, not values."""
    from pydantic import ValidationError

    from rag.errors import ConfigError

    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"Invalid settings (environment or .env): {problems}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; `get_settings.cache_clear()` re-reads them."""
    return Settings()
