"""The composition root of the library: the one module that reads `Settings` and builds things.

Everything else in `rag/` takes plain parameters and injected services; this module turns the
settings into them: the embedding model (`build_embed_model`) and what the index records about
it (`embedding_signature`), the index opened with that check (`open_index`), the LLM client
(`build_llm`), the answerers (`build_answerer`: the offline reader or the LLM answerer, plus the
fallback for RAG_LLM=auto), the citation judge, and the engine (`engine_from_settings`).
The CLI, the UI, the evals and the benchmarks call these; tests may swap any of them.

Heavy libraries are imported inside the builders, so importing this module is cheap. It builds
nothing at import time and does not decide how anything answers (`rag.engine`, `rag.answerer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import ConfigError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.llms import LLM

    from rag.answerer import Answerer
    from rag.config import Settings
    from rag.engine import Engine
    from rag.index import Index
    from rag.verify import Judge


def embedding_signature(settings: Settings) -> str:
    """What the index records about the configured embedding model (`rag.embed.signature`)."""
    from rag.embed import signature

    return signature(settings.embed_backend, settings.embed_model_name)


def build_embed_model(settings: Settings) -> BaseEmbedding:
    """The embedding model the settings ask for (the local one is cached per process)."""
    from rag.embed import local_embedding, openai_embedding

    if settings.embed_backend == "local":
        return local_embedding(settings.embed_model_name, settings.embed_batch_size)
    if settings.openai_api_key is None and settings.openai_base_url is None:
        raise ConfigError("RAG_EMBED_BACKEND=openai needs OPENAI_API_KEY or OPENAI_BASE_URL in .env.")
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "none"
    return openai_embedding(
        settings.embed_model_name,
        api_key=key,
        base_url=settings.openai_base_url,
        batch_size=settings.embed_batch_size,
    )


def open_index(settings: Settings, **kwargs: Any) -> Index:
    """The configured index, refused (IndexMismatchError) if built with another embedding model."""
    from rag import index

    kwargs.setdefault("signature", embedding_signature(settings))
    return index.open_index(settings, **kwargs)


def build_llm(settings: Settings) -> LLM:
    """The llama-index LLM the settings describe; ConfigError when none is configured."""
    from rag.llm import make_llm

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return make_llm(model=settings.openai_model, api_key=key, base_url=settings.openai_base_url)


def build_answerer(settings: Settings, reader: Answerer) -> tuple[Answerer, Answerer | None]:
    """The answerer the settings ask for, and its fallback: `reader` (the offline one) for RAG_LLM=auto."""
    if settings.llm_backend == "extractive":
        return reader, None
    from rag.llm import OpenAIAnswerer

    answerer = OpenAIAnswerer(build_llm(settings), condense_with_llm=settings.llm_condense)
    return answerer, (reader if settings.llm == "auto" else None)


def build_judge(settings: Settings, answerer: Answerer) -> Judge | None:
    """The LLM citation judge when RAG_VERIFY_WITH_LLM asks for one and the answerer offers it."""
    judge: Judge | None = getattr(answerer, "judge", None)
    return judge if settings.verify_with_llm else None


def engine_from_settings(settings: Settings) -> Engine:
    """The engine the settings describe: opens the index and loads the embedding model."""
    from rag.engine import build_engine
    from rag.reader import ExtractiveAnswerer

    reader = ExtractiveAnswerer()
    answerer, fallback = build_answerer(settings, reader)
    return build_engine(
        open_index(settings),
        embed_model=build_embed_model(settings),
        answerer=answerer,
        fallback=fallback,
        reader=reader,
        top_k=settings.top_k,
        cache_dir=settings.data_dir,
        judge=build_judge(settings, answerer),
        unsupported=settings.llm_unsupported,
    )
