"""The answerer contract on the seeded index: the engine drives any `Answerer` the same way.

A scripted answerer (a few lines implementing the protocol) stands in for an LLM; the offline reader
is the real one. The LLM answerer against a real llama.cpp server is in test_llm*.py.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, cast

import pytest

from rag.answer import Answer
from rag.answerer import Answerer, AnswerRequest, History
from rag.config import Settings
from rag.draft import Draft
from rag.engine import FALLBACK_AUTH_NOTICE, FALLBACK_NOTICE, UNSUPPORTED_NOTICE, Engine, build_engine
from rag.errors import LLMAuthError, LLMUnavailableError
from rag.index import open_index
from rag.reader import ExtractiveAnswerer
from rag.sentences import split_sentences
from rag.wiring import build_answerer

GIFTS = "What gifts did Kim receive?"


class Scripted:
    """Quotes the first sentence of the best passage, streaming it in two pieces; or fails."""

    name = "scripted"

    def __init__(self, *, fail: type[Exception] | None = None, invent: bool = False, model: str = "m-1"):
        self.model: str | None = model
        self.fail, self.invent = fail, invent
        self.requests: list[AnswerRequest] = []
        self.condensed: list[tuple[str, History]] = []

    def condense(self, question: str, history: History) -> str:
        self.condensed.append((question, history))
        return f"{question} (Kim in Russia)"

    def answer(self, request: AnswerRequest) -> Generator[str, None, Draft]:
        self.requests.append(request)
        yield "Kim "
        if self.fail:
            raise self.fail("the server went away")
        best = request.retrieval.passages[0]
        sentence = split_sentences(best.text)[0].text
        if self.invent:
            sentence = "Kim was given a golden unicorn and a silver moon by the mayor of Atlantis."
        yield sentence[4:]
        return Draft([(sentence, [best.doc_id])], {}, refused=False, prompt_tokens=30, completion_tokens=7)


def _engine(settings: Settings, embed_model: Any, **kwargs: Any) -> Engine:
    return build_engine(open_index(settings), embed_model=embed_model, top_k=5, **kwargs)


def _stream(engine: Engine, question: str, history: History | None = None) -> tuple[list[str], Answer]:
    events = list(engine.stream(question, history))
    answer = events[-1]
    assert isinstance(answer, Answer)
    return [e for e in events[:-1] if isinstance(e, str)], answer


def test_both_answerers_implement_the_contract() -> None:
    from rag.llm import OpenAIAnswerer

    answerers: list[Answerer] = [ExtractiveAnswerer(), OpenAIAnswerer(cast(Any, None), model="x"), Scripted()]
    assert [a.name for a in answerers] == ["extractive", "openai", "scripted"]  # mypy checks each one
    assert [a.model for a in answerers] == [None, "x", "m-1"]


def test_the_answer_says_which_answerer_wrote_it(seeded_settings: Settings, embed_model: Any) -> None:
    scripted = Scripted()
    engine = _engine(seeded_settings, embed_model, answerer=scripted)
    assert (engine.backend, engine.model) == ("scripted", "m-1")
    deltas, answer = _stream(engine, GIFTS)
    assert deltas[0] == "Kim " and len(deltas) == 2  # streamed as written, nothing added
    assert (answer.backend, answer.model) == ("scripted", "m-1")
    assert not answer.refused and answer.citations and all(c.verified for c in answer.citations)
    assert answer.usage == {"prompt_tokens": 30, "completion_tokens": 7, "total_tokens": 37}
    request = scripted.requests[0]
    assert request.question == GIFTS and request.standalone == GIFTS and request.history == []
    assert scripted.condensed == []  # a first question is not condensed


def test_a_follow_up_is_condensed_by_the_answerer(seeded_settings: Settings, embed_model: Any) -> None:
    scripted = Scripted()
    history = [{"role": "user", "content": GIFTS}, {"role": "assistant", "content": "Drones [1]."}]
    _, answer = _stream(_engine(seeded_settings, embed_model, answerer=scripted), "Who gave them?", history)
    assert scripted.condensed == [("Who gave them?", history)]
    assert answer.standalone_question == "Who gave them? (Kim in Russia)"
    assert scripted.requests[0].history == history


def test_the_reader_streams_its_finished_answer_once(seeded_settings: Settings, embed_model: Any) -> None:
    engine = _engine(seeded_settings, embed_model)
    assert (engine.backend, engine.model) == ("extractive", None)
    deltas, answer = _stream(engine, GIFTS)
    assert deltas == [answer.answer] and "[1]" in answer.answer
    assert answer.backend == "extractive" and answer.model is None and not answer.usage
    deltas, refused = _stream(engine, "Who won the 2022 football World Cup?")
    assert refused.refused and deltas == [refused.answer]


@pytest.mark.parametrize(
    ("error", "notice"), [(LLMUnavailableError, FALLBACK_NOTICE), (LLMAuthError, FALLBACK_AUTH_NOTICE)]
)
def test_the_fallback_answers_when_the_answerer_fails(
    seeded_settings: Settings, embed_model: Any, error: type[Exception], notice: str
) -> None:
    engine = _engine(
        seeded_settings, embed_model, answerer=Scripted(fail=error), fallback=ExtractiveAnswerer()
    )
    deltas, answer = _stream(engine, GIFTS)
    assert answer.notice == notice and answer.backend == "extractive" and answer.model is None
    assert not answer.refused and "drone" in answer.answer.lower()
    assert deltas == ["Kim ", answer.answer]  # what the failed answerer streamed is superseded
    strict = _engine(seeded_settings, embed_model, answerer=Scripted(fail=error))
    with pytest.raises(error, match="went away"):
        strict.ask(GIFTS)


def test_an_unrelated_error_is_not_hidden_by_the_fallback(
    seeded_settings: Settings, embed_model: Any
) -> None:
    engine = _engine(
        seeded_settings, embed_model, answerer=Scripted(fail=KeyError), fallback=ExtractiveAnswerer()
    )
    with pytest.raises(KeyError):
        engine.ask(GIFTS)


def test_the_unsupported_policy_replaces_or_refuses_an_invented_answer(
    seeded_settings: Settings, embed_model: Any
) -> None:
    flagged = _engine(seeded_settings, embed_model, answerer=Scripted(invent=True), unsupported="flag").ask(
        GIFTS
    )
    assert flagged.backend == "scripted" and not flagged.sentences[0].supported
    reread = _engine(seeded_settings, embed_model, answerer=Scripted(invent=True), unsupported="extractive")
    answer = reread.ask(GIFTS)
    assert answer.backend == "extractive" and answer.notice == UNSUPPORTED_NOTICE and "drone" in answer.answer
    refused = _engine(seeded_settings, embed_model, answerer=Scripted(invent=True), unsupported="refuse")
    assert refused.ask(GIFTS).refused


def test_wiring_builds_the_answerers_the_settings_name(settings_factory: Any) -> None:
    reader = ExtractiveAnswerer()
    assert build_answerer(settings_factory(), reader) == (reader, None)
    url = "http://127.0.0.1:1/v1"
    auto, fallback = build_answerer(settings_factory(openai_base_url=url), reader)
    assert auto.name == "openai" and fallback is reader
    strict, none = build_answerer(
        settings_factory(openai_base_url=url, llm="openai", llm_condense=True), reader
    )
    assert strict.name == "openai" and none is None and getattr(strict, "condense_with_llm", False)


class Endless(Scripted):
    """Streams until it is closed, and records that it was."""

    closed = False

    def answer(self, request: AnswerRequest) -> Generator[str, None, Draft]:
        self.held = self._stream()  # referenced elsewhere, as a client library's wrappers may do
        return self.held

    def _stream(self) -> Generator[str, None, Draft]:
        try:
            while True:
                yield "more "
        finally:
            self.closed = True


def test_closing_the_stream_closes_the_answerer_at_once(seeded_settings: Settings, embed_model: Any) -> None:
    endless = Endless()
    stream = _engine(seeded_settings, embed_model, answerer=endless).stream(GIFTS)
    assert next(stream) == "more " and next(stream) == "more "
    stream.close()
    assert endless.closed  # closed by the engine, not left to garbage collection
