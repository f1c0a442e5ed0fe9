"""Sentence vectors: computed once at ingest, stored with their chunk, looked up at answer time.

Ingest splits every chunk into sentences (`rag.sentences.split_sentences`, the
split the reader and the verifier use), gives each distinct sentence one vector
(by default the sentence embedded alone; with `RAG_SENTENCE_VECTORS=pooled` and
the local ONNX model, the mean of its token states in the forward pass that
embeds its chunk, so it is read in context and costs no pass of its own;
`rag.ingest`) and
stores the vectors in the chunk's own Chroma metadata (`pack`): float16, base64,
with the sentences' offsets within the chunk. A sentence vector therefore lives
and dies with its chunk: it is written in the same upsert, re-chunking replaces
it, and `repair`, `--rebuild` and `promote` handle it with the chunk. The keys are
written beside llama-index's node fields, not inside them, so they never reach an
embedding or a prompt.

At answer time the retriever hands the vectors of the chunks it returns to
`CachedEmbedder.remember`; the reader and the verifier then call the embedder
for those sentences and find them there, so a question costs one embedding (the
query). A sentence that is not stored (an index built before this, a masked
sentence, a word) is embedded by the model and kept in an LRU.

It does not split text, talk to Chroma or rank anything; chunks keep their own
search vectors (deriving them from the sentence vectors cost retrieval quality:
README, Performance).
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rag.sentences import Span, split_sentences

if TYPE_CHECKING:
    import numpy as np
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from numpy.typing import NDArray

SPANS_KEY = "sentence_spans"  # chunk metadata: "start:end,start:end" within the chunk text
VECTORS_KEY = "sentence_vectors"  # chunk metadata: base64 of a float16 (n, dim) array
STORED_KEYS = (SPANS_KEY, VECTORS_KEY)
EMBED_CACHE_SIZE = 20000  # sentences (and words) kept by the query-time LRU


def sentence_spans(text: str) -> list[Span]:
    """The sentences of a chunk whose vectors are stored: offsets within the chunk."""
    return [span for span in split_sentences(text) if span.text.strip()]


def pack(spans: Sequence[Span], vectors: Sequence[Sequence[float]]) -> dict[str, str]:
    """The metadata entries that store `vectors` (one per span) with the chunk."""
    import numpy as np

    if not spans:
        return {}
    array = np.asarray(vectors, dtype=np.float16)
    if array.shape[0] != len(spans):
        raise ValueError(f"{len(spans)} sentences but {array.shape[0]} vectors")
    return {
        SPANS_KEY: ",".join(f"{s.start}:{s.end}" for s in spans),
        VECTORS_KEY: base64.b64encode(array.tobytes()).decode("ascii"),
    }


def vectors_of(
    meta: Mapping[str, Any], *, dim: int | None = None, rows: int | None = None
) -> NDArray[np.float32] | None:
    """A chunk's stored sentence vectors as one float32 array of `rows` rows (its sentences) or of
    `dim` columns; None when it has none, or they are damaged or another model's (another width)."""
    import numpy as np

    packed = meta.get(VECTORS_KEY)
    if not packed or not isinstance(packed, str) or (dim is None and rows is None):
        return None
    try:
        array = np.frombuffer(base64.b64decode(packed), dtype=np.float16)
        array = array.reshape(-1, dim) if dim is not None else array.reshape(rows or 0, -1)
    except (ValueError, TypeError):  # damaged entries are ignored: the model embeds those sentences
        return None
    return array.astype(np.float32) if array.shape[0] else None


def unpack(text: str, meta: Mapping[str, Any]) -> dict[str, list[float]]:
    """Sentence text -> vector for a chunk's stored vectors; empty when it has none (older index)."""
    spans = meta.get(SPANS_KEY)
    if not spans or not isinstance(spans, str):
        return {}
    try:
        offsets = [tuple(int(x) for x in item.split(":")) for item in spans.split(",")]
    except ValueError:
        return {}
    array = vectors_of(meta, rows=len(offsets))
    if array is None:
        return {}
    out: dict[str, list[float]] = {}
    for (start, end), row in zip(offsets, array, strict=True):
        sentence = text[start:end]
        if sentence:
            out[sentence] = row.tolist()
    return out


class CachedEmbedder:
    """Embeddings of sentences (and words) by text: stored vectors first, then an LRU, then the model.

    `remember` adds vectors read from the index (`rag.retrieve`); calls for any other text
    embed it with the model, once, and keep it. Thread-safe.
    """

    def __init__(self, model: BaseEmbedding, size: int = EMBED_CACHE_SIZE):
        self.model = model
        self.size = size
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, vectors: Iterable[tuple[str, list[float]]]) -> None:
        """Keep these vectors (sentence text, vector), e.g. the stored ones of retrieved chunks."""
        with self._lock:
            for text, vector in vectors:
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)

    def __call__(self, texts: list[str]) -> list[list[float]]:
        """Vectors for `texts`; the answer is assembled from a local copy, so eviction (by this
        call or a concurrent one) never removes an entry this call still has to return."""
        found: dict[str, list[float]] = {}
        with self._lock:
            for text in texts:
                if text in self._cache and text not in found:
                    self._cache.move_to_end(text)
                    found[text] = self._cache[text]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = self.model.get_text_embedding_batch(missing)
            found.update(zip(missing, vectors, strict=True))
            self.remember((text, found[text]) for text in missing)
        return [found[t] for t in texts]
