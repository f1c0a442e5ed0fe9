"""`bench.llm`: the bounded question subset, scoring the unsupported-answer policies, its engines."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from bench.llm import DEV_SET, _engines, apply_policy, llm_figures, subset
from evals.dataset import load_dataset
from evals.run import aggregate


def test_subset_is_bounded_deterministic_and_keeps_unanswerable_items() -> None:
    items = load_dataset(Path(DEV_SET))
    chosen = subset(items, 50)
    assert len(chosen) == 50 and chosen == subset(items, 50)
    n_un = sum(not i.answerable for i in chosen)
    assert 10 <= n_un <= 17 and len({i.id for i in chosen}) == 50
    assert [i.id for i in chosen] == [i.id for i in items if i in chosen]  # dataset order
    assert subset(items, 1000) == items


_IDS = itertools.count()


def _result(answerable: bool, refused: bool, recall: float, n_cit: int, n_ok: int) -> dict[str, Any]:
    scores: dict[str, Any] = {"refusal_correct": refused != answerable}
    if answerable:
        scores.update(
            hit=True,
            reciprocal_rank=1.0,
            fact_recall=recall,
            n_citations=n_cit,
            n_expected_citations=n_ok,
            fully_cited=not refused,
        )
    return {
        "id": f"item-{next(_IDS)}",  # evals.run keys its figures by item id
        "answerable": answerable,
        "refused": refused,
        "error": "",
        "scores": scores,
        "latency_ms": 1.0,
        "failed": False,
    }


def test_policies_change_only_mostly_unsupported_answers() -> None:
    llm = [_result(True, False, 1.0, 2, 2), _result(True, False, 0.5, 2, 0), _result(False, False, 0.0, 0, 0)]
    offline = [
        _result(True, False, 0.0, 1, 1),
        _result(True, False, 1.0, 1, 1),
        _result(False, True, 0, 0, 0),
    ]
    records = [
        {"n_sentences": 2, "n_unsupported": 0},
        {"n_sentences": 2, "n_unsupported": 2},  # mostly unsupported
        {"n_sentences": 3, "n_unsupported": 2},  # mostly unsupported, and should have refused
    ]
    flag = aggregate(apply_policy("flag", llm, records, offline))
    swap = aggregate(apply_policy("extractive", llm, records, offline))
    refuse = aggregate(apply_policy("refuse", llm, records, offline))
    assert flag["fact_recall"] == 0.75 and flag["citation_precision"] == 0.5
    assert swap["fact_recall"] == 1.0 and swap["citation_precision"] == 1.0
    assert swap["refusal_rate_unanswerable"] == 1.0 and flag["refusal_rate_unanswerable"] == 0.0
    assert refuse["fact_recall"] == 0.5 and refuse["false_refusal_rate"] == 0.5
    assert refuse["refusal_rate_unanswerable"] == 1.0 and refuse["citation_precision"] == 1.0


def test_llm_figures() -> None:
    rec = {
        "ttft_ms": 100.0,
        "before_model_ms": 20.0,
        "total_ms": 900.0,
        "prompt_tokens": 500,
        "completion_tokens": 40,
        "n_sentences": 4,
        "n_unsupported": 1,
        "flagged_shown_verified": 0,
        "follow_up": False,
    }
    figures = llm_figures([rec, dict(rec, ttft_ms=300.0, n_unsupported=3, follow_up=True)])
    assert figures["unsupported_sentence_share"] == 0.5 and figures["answers_mostly_unsupported"] == 1
    assert figures["ttft_p50_ms_first_questions"] == 100.0 and figures["ttft_p50_ms_follow_ups"] == 300.0
    assert figures["prompt_tokens_mean"] == 500 and figures["flagged_shown_verified"] == 0


def test_the_llm_engine_keeps_the_models_own_answers(tmp_path: Path) -> None:
    """The policies are scored on the model's answers, so the bench's engine must not apply one itself."""
    offline, llm_engine, _ = _engines(tmp_path / "data", "http://127.0.0.1:9/v1", "some-model")
    assert offline.answerer.name == "extractive" and llm_engine.answerer.name == "openai"
    assert llm_engine.unsupported == "flag"
