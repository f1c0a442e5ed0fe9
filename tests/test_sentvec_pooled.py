"""Sentence vectors pooled from their chunk's forward pass (`OnnxEmbedding.encode_with_spans`):
the chunk's own vector is unchanged, each sentence's vector comes from its own tokens and agrees
with the sentence embedded alone, a sentence cut off by truncation is embedded alone instead, and
ingest embeds no sentence separately when every one fits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rag.chunk import split
from rag.config import Settings
from rag.documents import discover, load_all
from rag.embed import TOKENIZER_FILE, _bundled_model
from rag.index import open_index
from rag.ingest import SENTENCE_VECTORS, _Plan, chunking_signature, embed_text, ingest
from rag.onnxembed import OnnxEmbedding
from rag.sentvec import sentence_spans, unpack
from tests.conftest import SEEDS
from tests.test_sentvec import CountingModel as _CountingModel


class CountingModel(_CountingModel):
    """The real model, counting the texts it embeds alone (the dimension probe of a new index too)."""

    def get_text_embedding(self, text: str) -> list[float]:
        self.texts.append(text)
        return list(self.model.get_text_embedding(text))


# Measured on the seeds' 116 chunk sentences: mean cosine 0.78, lowest 0.41 (a sentence read in
# its chunk is not the sentence read alone, but stays nearer itself than its neighbours).
MEAN_AGREEMENT = 0.7
MIN_AGREEMENT = 0.3


def _seed_chunks() -> list[tuple[str, str, list[tuple[int, int]], list[str]]]:
    """(embedding text, chunk text, sentence spans in the embedding text, sentences) per seed chunk."""
    files, _ = discover([SEEDS])
    out = []
    for doc in load_all(files):
        assert not hasattr(doc, "reason")
        for chunk in split(doc, chunk_size=192, chunk_overlap=32):  # type: ignore[arg-type]
            text = embed_text(doc, chunk)  # type: ignore[arg-type]
            prefix = len(text) - len(chunk.text)
            spans = sentence_spans(chunk.text)
            where = [(prefix + s.start, prefix + s.end) for s in spans]
            out.append((text, chunk.text, where, [s.text for s in spans]))
    return out


def test_one_pass_gives_the_chunk_vector_unchanged_and_a_vector_per_sentence(embed_model: Any) -> None:
    chunks = _seed_chunks()
    texts = [text for text, _, _, _ in chunks]
    vectors, pooled = embed_model.encode_with_spans(texts, [spans for _, _, spans, _ in chunks])
    alone = np.asarray(embed_model.get_text_embedding_batch(texts))
    assert np.allclose(vectors, alone, atol=1e-5)  # the chunk's search vector is what it was
    assert [len(p) for p in pooled] == [len(spans) for _, _, spans, _ in chunks]
    assert all(v is not None and abs(float(np.linalg.norm(v)) - 1.0) < 1e-5 for p in pooled for v in p)


def test_pooled_sentence_vectors_agree_with_standalone_ones_and_lie_in_their_span(embed_model: Any) -> None:
    chunks = _seed_chunks()
    _, pooled = embed_model.encode_with_spans(
        [text for text, _, _, _ in chunks], [spans for _, _, spans, _ in chunks]
    )
    cosines = []
    nearest_own = total = 0
    for (_, _, _, sentences), vectors in zip(chunks, pooled, strict=True):
        alone = np.asarray(embed_model.get_text_embedding_batch(sentences))
        sims = np.asarray(vectors) @ alone.T  # pooled sentence i against every sentence alone
        cosines.extend(np.diag(sims).tolist())
        distinct = [i for i, s in enumerate(sentences) if sentences.count(s) == 1]
        nearest_own += sum(int(np.argmax(sims[i]) == i) for i in distinct)
        total += len(distinct)
    assert len(cosines) > 100
    assert float(np.mean(cosines)) > MEAN_AGREEMENT and min(cosines) > MIN_AGREEMENT
    # Its own tokens, not its neighbours': nearest to itself among its chunk's sentences.
    assert nearest_own / total > 0.9


def test_a_span_past_the_truncation_gets_none(embed_model: Any) -> None:
    short = OnnxEmbedding(_bundled_model(), TOKENIZER_FILE, model_name="short", max_length=16)
    text = "Kim arrived by train on Tuesday. He then met Putin at the spaceport for long talks about arms."
    first, second = sentence_spans(text)
    where = [(first.start, first.end), (second.start, second.end)]
    vectors, pooled = short.encode_with_spans([text], [where])
    assert pooled[0][0] is not None and pooled[0][1] is None
    assert np.allclose(vectors[0], short.get_text_embedding(text), atol=1e-5)
    with pytest.raises(ValueError):
        short.encode_with_spans([text], [])


def test_sentences_the_truncation_cut_off_are_embedded_alone() -> None:
    short = OnnxEmbedding(_bundled_model(), TOKENIZER_FILE, model_name="short", max_length=48)
    model = CountingModel(short)
    files, _ = discover([SEEDS])
    docs = [(doc, split(doc, chunk_size=192, chunk_overlap=32)) for doc in load_all(files)]  # type: ignore[arg-type]
    plan = _Plan(docs)  # type: ignore[arg-type]
    vectors = plan.pooled(short.encode_with_spans, model.get_text_embedding_batch, lambda n: None)
    assert set(vectors) == set(plan.chunks) | set(plan.sentences)
    assert model.texts and set(model.texts) <= set(plan.sentences)  # only sentences, each once
    assert len(model.texts) == len(set(model.texts))
    alone = short.get_text_embedding_batch(model.texts[:5])
    for text, vector in zip(model.texts[:5], alone, strict=True):
        assert float(np.dot(vectors[text], vector)) > 0.9999


def test_ingest_embeds_each_chunk_once_and_no_sentence_alone(settings_factory: Any, embed_model: Any) -> None:
    class SpanCounting(CountingModel):
        def __init__(self, model: Any):
            super().__init__(model)
            self.chunks: list[str] = []

        def encode_with_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> Any:
            self.chunks.extend(texts)
            return self.model.encode_with_spans(texts, spans)

    settings: Settings = settings_factory(sentence_vectors="pooled")
    model = SpanCounting(embed_model)
    ingest(settings=settings, embed_model=model, progress=False)  # type: ignore[arg-type]
    got = open_index(settings).chunks.get(include=["documents", "metadatas"])
    assert len(model.chunks) == len(got["ids"]) == len(set(model.chunks))
    assert [t for t in model.texts if t != "dimension probe"] == []
    assert f"/{SENTENCE_VECTORS['pooled']}-" in chunking_signature(settings)
    for text, meta in zip(got["documents"] or [], got["metadatas"] or [], strict=True):
        assert list(unpack(text, meta)) == [s.text for s in sentence_spans(text)]


def test_a_model_without_span_pooling_embeds_sentences_alone(settings_factory: Any, embed_model: Any) -> None:
    """Another backend (an OpenAI-compatible server): each distinct sentence embedded on its own."""
    settings: Settings = settings_factory(sentence_vectors="pooled")
    model = CountingModel(embed_model)  # has no encode_with_spans
    ingest(settings=settings, embed_model=model, progress=False)  # type: ignore[arg-type]
    got = open_index(settings).chunks.get(include=["documents", "metadatas"])
    text, meta = (got["documents"] or [])[0], (got["metadatas"] or [])[0]
    sentence, vector = next(iter(unpack(text, meta).items()))
    assert sentence in model.texts
    assert float(np.dot(vector, embed_model.get_text_embedding(sentence))) > 0.999


def test_the_default_embeds_sentences_alone_and_pooling_is_another_signature(
    settings_factory: Any, embed_model: Any
) -> None:
    """Calibration kept sentences embedded alone as the default (README, Performance); pooled
    vectors are opt-in, and switching re-embeds on the next ingest (another signature)."""
    settings: Settings = settings_factory()
    assert settings.sentence_vectors == "alone"
    assert f"/{SENTENCE_VECTORS['alone']}-" in chunking_signature(settings)
    pooled = settings.model_copy(update={"sentence_vectors": "pooled"})
    assert chunking_signature(pooled) != chunking_signature(settings)
    remote = pooled.model_copy(update={"embed_backend": "openai"})  # no span pooling there
    assert f"/{SENTENCE_VECTORS['alone']}-" in chunking_signature(remote)


@pytest.mark.parametrize("mode", ["alone", "pooled"])
def test_the_progress_bar_counts_what_each_mode_embeds(
    mode: str, settings_factory: Any, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar's total is the units `vectors` reports: every text embedded alone, or each chunk's pass."""
    import rag.ingest

    seen: dict[str, int] = {"total": 0, "done": 0}

    def bar(total: int, enabled: bool) -> Any:
        seen["total"] = total
        return lambda n: seen.__setitem__("done", seen["done"] + n)

    monkeypatch.setattr(rag.ingest, "_progress_bar", bar)
    ingest(settings=settings_factory(sentence_vectors=mode), embed_model=embed_model, progress=True)
    assert seen["total"] > 0 and seen["done"] == seen["total"]
