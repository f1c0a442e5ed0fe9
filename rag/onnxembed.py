"""`OnnxEmbedding`: a sentence-transformers model exported to ONNX, as a llama-index embedding.

Tokenises with the model's `tokenizer.json` (truncated to `max_length` word pieces), runs the
ONNX graph with onnxruntime on the CPU in length-sorted batches, mean-pools the token states
over the attention mask and L2-normalises, as sentence-transformers does for MiniLM.

`encode_with_spans` is the same pass over a batch of texts that also pools, for each character
span asked for (a sentence of a chunk), the token states inside it: one forward pass gives a
chunk's vector and its sentences' vectors (contextual: each sentence is read within its chunk).
A span the truncation cut off gets None. It does not locate, download or verify model files
(`rag.embed` does) and reads no settings.
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
        return self._run(texts, None)[0]

    def encode_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[NDArray[np.float32], list[list[NDArray[np.float32] | None]]]:
        """The texts' vectors (as `get_text_embedding_batch`) and, from the same forward pass, for
        each (start, end) character span of each text the normalised mean of the token states
        inside it; None for a span not wholly within the tokens kept by truncation."""
        if len(spans) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(spans)} span lists")
        return self._run(texts, spans)

    def _run(
        self, texts: list[str], spans: list[list[tuple[int, int]]] | None
    ) -> tuple[NDArray[np.float32], list[list[NDArray[np.float32] | None]]]:
        import numpy as np

        out = np.zeros((len(texts), LOCAL_MODEL_DIM), dtype=np.float32)
        pooled_spans: list[list[NDArray[np.float32] | None]] = [[] for _ in texts]
        if not texts:
            return out, pooled_spans
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
                if spans is not None:
                    for row, i in enumerate(batch):
                        pooled_spans[i] = _pool_spans(hidden[row], encodings[i], spans[i])
        return out, pooled_spans

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._encode([query])[0]]

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._encode([text])[0]]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def _pool_spans(
    hidden: NDArray[np.float32], encoding: Any, spans: list[tuple[int, int]]
) -> list[NDArray[np.float32] | None]:
    """Normalised mean of the token states (rows of `hidden`) of the ordinary tokens lying in each
    character span; None when the span has none or, in a truncated text, runs past the last token kept."""
    from bisect import bisect_left, bisect_right

    import numpy as np

    kept = [
        (a, b, t)
        for t, ((a, b), special) in enumerate(
            zip(encoding.offsets, encoding.special_tokens_mask, strict=True)
        )
        if not special
    ]
    starts, ends = [a for a, _, _ in kept], [b for _, b, _ in kept]
    last_end = ends[-1] if encoding.overflowing and kept else None
    out: list[NDArray[np.float32] | None] = []
    for start, end in spans:
        first, stop = bisect_right(ends, start), bisect_left(starts, end)  # tokens overlapping the span
        if first >= stop or (last_end is not None and end > last_end):
            out.append(None)
            continue
        rows = (kept[first][2], kept[stop - 1][2])
        vector = hidden[rows[0] : rows[1] + 1].mean(axis=0)
        out.append(vector / max(float(np.linalg.norm(vector)), 1e-12))
    return out
