"""Sentence splitting, citation markers and the follow-up rewrite: pure logic."""

from __future__ import annotations

from rag.engine import attach_markers
from rag.followup import needs_context, rewrite
from rag.retrieve import rrf
from rag.sentences import content_terms, split_sentences, strip_markers


def test_split_sentences_keeps_offsets_and_abbreviations() -> None:
    text = 'The U.S. envoy spoke. "It is over," Mr. Kim said! Was it?\nA heading\n\nLast one.'
    spans = split_sentences(text, offset=100)
    assert [s.text for s in spans] == [
        "The U.S. envoy spoke.",
        '"It is over," Mr. Kim said!',
        "Was it?",
        "A heading",
        "Last one.",
    ]
    for s in spans:
        assert text[s.start - 100 : s.end - 100] == s.text


def test_markers_after_the_full_stop_belong_to_the_sentence_before() -> None:
    parsed = attach_markers("Kim got drones [1]. He got a vest. [2][3] Nothing else. [9]")
    assert parsed == [("Kim got drones.", [1]), ("He got a vest.", [2, 3]), ("Nothing else.", [9])]
    assert strip_markers("A [1] b [22].") == "A b."


def test_content_terms_stem_and_drop_stopwords() -> None:
    assert content_terms("What gifts did Kim's hosts give him?") == ["gift", "kim", "host", "give"]


def test_rrf_rewards_agreement() -> None:
    fused = rrf([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert max(fused, key=lambda key: fused[key]) == "b"
    assert fused["d"] < fused["a"] < fused["b"]
    assert abs(fused["a"] - 1 / 61) < 1e-12


def test_followup_rewrite_brings_in_earlier_entities() -> None:
    history = [
        {"role": "user", "content": "What did Kim inspect in Vladivostok?"},
        {"role": "assistant", "content": "He inspected a hypersonic missile system [1]."},
    ]
    query = rewrite("Who showed it to him?", history)
    assert query.startswith("Who showed it to him?")
    for word in ("kim", "inspect", "vladivostok"):
        assert word in query.lower()
    # a self-contained question is left alone, and so is one with no history
    assert rewrite("What gifts did Kim receive from the governor?", history) == (
        "What gifts did Kim receive from the governor?"
    )
    assert rewrite("Who showed it to him?", []) == "Who showed it to him?"
    assert needs_context("And then?") and not needs_context("Where is the Vostochny spaceport located?")


def test_followup_ignores_malformed_history() -> None:
    history = [{"role": "system", "content": "x"}, {"role": "user"}, "junk", {"role": "user", "content": 5}]
    assert rewrite("Who showed it to him?", history) == "Who showed it to him?"
