"""What the LLM answerer makes of a small model's reply: citation spellings, refusals, compact context.

Pure logic (no model, no index) plus one check of the compact context on the seeded index.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from rag.answer import REFUSAL_TEXT
from rag.config import Settings
from rag.draft import attach_markers
from rag.engine import build_engine
from rag.index import open_index
from rag.llm import (
    FEW_SHOT_EXAMPLE,
    SYSTEM_PROMPT,
    _without_title,
    is_refusal,
    normalise_citations,
    number_sources,
    parse_reply,
)
from rag.tokens import count_tokens


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Kim got drones [1].", [("Kim got drones.", [1])]),
        ("Kim got drones [1, 2].", [("Kim got drones.", [1, 2])]),
        ("Kim got drones [1,3 and 2].", [("Kim got drones.", [1, 3, 2])]),
        ("Kim got drones [1][2].", [("Kim got drones.", [1, 2])]),
        ("Kim got drones [1], [2].", [("Kim got drones.", [1, 2])]),
        ("Kim got drones (1).", [("Kim got drones.", [1])]),
        ("Kim got drones (1, 2).", [("Kim got drones.", [1, 2])]),
        ("Kim got drones (Source 2).", [("Kim got drones.", [2])]),
        ("Kim got drones [Source 3].", [("Kim got drones.", [3])]),
        ("Kim got drones, according to Source 1.", [("Kim got drones.", [1])]),
        ("Kim got drones. [1] Putin met him [2].", [("Kim got drones.", [1]), ("Putin met him.", [2])]),
        # numbers that name no source stay text
        (
            "The summit was in 2023 (2023) with (12) guards [1].",
            [("The summit was in 2023 (2023) with (12) guards.", [1])],
        ),
        ("He got (5) drones [1].", [("He got (5) drones.", [1])]),
    ],
)
def test_citation_spellings_become_markers(reply: str, expected: list[tuple[str, list[int]]]) -> None:
    assert attach_markers(normalise_citations(reply, n_sources=3)) == expected


@pytest.mark.parametrize(
    "reply",
    [
        REFUSAL_TEXT,
        "I don't know based on these articles. [1]",
        "I don’t know based on these articles.",
        "i do not know.",
        "I cannot answer that from the sources.",
        "The sources do not mention Kim's age.",
        "The provided articles don't say who won.",
        "There is no information about that in the sources.",
        "Kim's shoe size is not mentioned in the sources.",
    ],
)
def test_refusals_are_detected(reply: str) -> None:
    assert is_refusal(reply)
    draft = parse_reply(reply, {1: "doc"})
    assert draft.refused and not draft.sentences


@pytest.mark.parametrize(
    "reply",
    [
        "Kim knows Putin [1].",
        "Kim received drones [1]. The sources do not say how many were armed.",
        "The governor gave no information about the price [1].",
        "Officials said they do not know when he will return [1].",
    ],
)
def test_answers_are_not_refusals(reply: str) -> None:
    assert not is_refusal(reply)
    assert not parse_reply(reply, {1: "doc"}).refused


def test_a_refusal_sentence_after_an_answer_is_dropped_not_the_answer() -> None:
    draft = parse_reply(f"Kim received five drones [1]. {REFUSAL_TEXT}", {1: "doc-a"})
    assert not draft.refused and draft.sentences == [("Kim received five drones.", ["doc-a"])]


def test_compact_context_keeps_the_best_sentences_of_each_article(
    seeded_settings: Settings, embed_model: Any
) -> None:
    engine = build_engine(open_index(seeded_settings), embed_model=embed_model, top_k=5)
    question = "What gifts did Kim receive?"
    retrieval = engine.retriever.retrieve(question)
    block, numbers = number_sources(retrieval, question)
    whole = sum(count_tokens(p.text) for p in retrieval.passages)
    assert count_tokens(block) < 0.8 * whole, "the context is compact, not whole chunks"
    assert sorted(numbers.values()) == sorted({p.doc_id for p in retrieval.passages})
    for n in numbers:
        assert block.count(f"[{n}] ") == 1
    assert "drones" in block and "bulletproof" in block  # the sentences that answer are kept


def test_the_title_heads_a_source_once(seeded_settings: Settings, embed_model: Any) -> None:
    engine = build_engine(open_index(seeded_settings), embed_model=embed_model, top_k=5)
    question = "How long was Kim's trip to Russia?"
    retrieval = engine.retriever.retrieve(question)
    block, numbers = number_sources(retrieval, question)
    titles = {p.doc_id: p.title for p in retrieval.passages}
    firsts = [p for p in retrieval.passages if p.text.startswith(p.title)]
    assert firsts, "some retrieved chunk opens its article (and so repeats the title)"
    for doc_id in numbers.values():
        assert block.count(titles[doc_id]) == 1


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Storm hits coast Waves rose to 5 m.", "Waves rose to 5 m."),
        ("Storm hits coast. Waves rose.", "Waves rose."),
        ("Storm hits coast", ""),
        ("The storm hits coast today.", "The storm hits coast today."),  # not at the start: kept
    ],
)
def test_without_title(sentence: str, expected: str) -> None:
    assert _without_title(sentence, "Storm  hits coast") == expected


def test_the_worked_example_is_one_the_parser_reads_as_taught() -> None:
    """The prompt's example answer parses into cited sentences, and its refusal into a refusal."""
    answers = re.findall(r"^Answer: (.*)$", FEW_SHOT_EXAMPLE, re.MULTILINE)
    assert len(answers) == 2 and FEW_SHOT_EXAMPLE in SYSTEM_PROMPT
    cited = parse_reply(answers[0], {1: "doc-a", 2: "doc-b"})
    assert not cited.refused and cited.sentences and all(docs for _, docs in cited.sentences)
    assert parse_reply(answers[1], {1: "doc-a", 2: "doc-b"}).refused
    assert answers[1] == REFUSAL_TEXT
