"""The CI gate on the whole dev set: the default (extractive) backend must meet evals/thresholds.toml.

It runs all of dev.jsonl (about a minute on two cores), so it is opt-in:
`RAG_EVAL_FULL=1 pytest tests/test_eval_gate.py`. The gate's logic itself is tested quickly in
tests/test_eval_run.py.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from evals.dataset import load_dataset
from evals.gate import check_gate
from evals.run import format_summary, run_eval
from rag.config import Settings
from tests.conftest import ROOT


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("RAG_EVAL_FULL") != "1", reason="set RAG_EVAL_FULL=1 to run the full dev set"
)
def test_dev_set_meets_the_thresholds(
    seeded_settings: Settings, embed_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.engine import engine_from_settings

    monkeypatch.setattr("rag.embed.build_embed_model", lambda settings: embed_model)
    engine = engine_from_settings(seeded_settings.model_copy(update={"llm": "extractive"}))
    _, metrics = run_eval(load_dataset(ROOT / "evals/datasets/dev.jsonl"), engine)
    failures = check_gate(metrics, ROOT / "evals/thresholds.toml")
    assert not failures, "\n".join(failures) + "\n\n" + format_summary(metrics)
