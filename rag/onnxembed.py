"""`OnnxEmbedding`: a sentence-transformers model exported to ONNX, as a llama-index embedding.

Tokenises with the model's `tokenizer.json` (truncated to `max_length` word pieces), runs the
ONNX graph with onnxruntime on the CPU in length-sorted batches, mean-pools the token states
over the attention mask and L2-normalises, as sentence-transformers does for MiniLM. It does not
locate, download or verify model files (`rag.embed` does) and reads no settings.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.embed import LOCAL_MAX_SEQ_LENGTH, LOCAL_MODEL_DIM

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class OnnxEmbedding(BaseEmbedding):
    """A sentence-transformers model exported to ONNX: mean-pooled, L2-normalised vectors."""

    max_length: int = LOCAL_MAX_SEQ_LENGTH
    rows_per_run: int = 32
    _session: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()
    _inputs: set[str] = PrivateAttr()
    _lock: threading.Lock = PrivateAttr()

    def __init__(self, model_file: Path, tokenizer_file: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.log_severity_level = 3
        # Idle threads sleep instead of spinning: on a small machine shared with a web server,
        # spinning workers steal the cores the other requests need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_file), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.enable_truncation(max_length=self.max_length)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        # Tokenizers are not safe to reconfigure concurrently; sessions are, but one run at a
        # time keeps a 2-core machine from oversubscribing threads.
        self._lock = threading.Lock()

    @classmethod
    def class_name(cls) -> str:
        return "OnnxEmbedding"

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        import numpy as np

        out = np.zeros((len(texts), LOCAL_MODEL_DIM), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
            order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
            for start in range(0, len(order), self.rows_per_run):
                batch = order[start : start + self.rows_per_run]
                width = max(len(encodings[i].ids) for i in batch)
                ids = np.zeros((len(batch), width), dtype=np.int64)
                mask = np.zeros((len(batch), width), dtype=np.int64)
                for row, i in enumerate(batch):
                    n = len(encodings[i].ids)
                    ids[row, :n] = encodings[i].ids
                    mask[row, :n] = 1
                feeds = {"input_ids": ids, "attention_mask": mask}
                if "token_type_ids" in self._inputs:
                    feeds["token_type_ids"] = np.zeros_like(ids)
                hidden = self._session.run(None, feeds)[0]
                weights = mask[:, :, None].astype(np.float32)
                pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                out[batch] = pooled / np.clip(norms, 1e-12, None)
        return out

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._encode([query])[0]]

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._encode([text])[0]]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
