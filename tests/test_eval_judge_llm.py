"""`rag eval --judge --judge-url` against a real OpenAI-compatible server (llama.cpp with SmolLM2).

The model is tiny: the test checks the plumbing (the judge's calls reach the
server, verdicts are parsed, the agreement with the deterministic metrics is
computed on the same items and shown in the report), not the verdicts' quality.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.run import METRICS_FILE
from rag.cli import main
from rag.config import Settings
from tests.conftest import ROOT
from tests.llm_server import LlamaServer, llama_server

DEV = ROOT / "evals/datasets/dev.jsonl"
IDS = ("kamikaze_drone_count", "u_world_cup")  # one answered item (a few calls), one refusal (none)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with llama_server(tmp_path_factory.mktemp("llama-judge")) as srv:
        yield srv


def test_judge_runs_against_an_openai_compatible_server_and_reports_agreement(
    server: LlamaServer,
    seeded_settings: Settings,
    embed_model: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: Any,
) -> None:
    monkeypatch.setattr("rag.wiring.build_embed_model", lambda settings: embed_model)
    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    monkeypatch.setenv("OPENAI_API_KEY", server.api_key)  # the judge's key; answers stay extractive
    dataset = tmp_path / "d.jsonl"
    lines = [line for line in DEV.read_text().splitlines() if json.loads(line)["id"] in IDS]
    dataset.write_text("\n".join(lines) + "\n")
    out = tmp_path / "run"
    args = ["eval", "--dataset", str(dataset), "--backend", "extractive", "--out", str(out), "--quiet"]
    assert main([*args, "--judge", "--judge-url", server.base_url, "--judge-model", server.model]) == 0
    captured = capsys.readouterr()
    assert "judge stopped" not in captured.err and "skipped" not in captured.err
    metrics = json.loads((out / METRICS_FILE).read_text())
    assert metrics["config"]["backend"] == "extractive" and metrics["config"]["judge"] == server.model
    assert metrics["judge"]["error"] == "" and metrics["judge_calls"] >= 3
    assert (
        metrics["judge_answer_correctness"] is not None
        and metrics["intervals"]["judge_faithfulness"]["n"] == 1
    )
    agreement = metrics["judge_agreement"]
    assert set(agreement) == {"judge_answer_correctness", "judge_faithfulness", "judge_citation_precision"}
    correctness = agreement["judge_answer_correctness"]
    assert correctness["n"] == 1 and correctness["versus"] == "all expected facts found"
    cells = ("judge_yes_metric_yes", "judge_yes_metric_no", "judge_no_metric_yes", "judge_no_metric_no")
    assert sum(correctness[k] for k in cells) == 1
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Agreement with the deterministic metrics" in html and "Judge prompts" in html
    assert "judge_answer_correctness" in captured.out  # the console table shows the judge's figures

    # an unreachable judge server: the run goes on without judge figures, and says why
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    assert (
        main([*args, "--judge", "--judge-url", "http://127.0.0.1:9/v1", "--out", str(tmp_path / "r2")]) == 0
    )
    assert "judge stopped after an LLM failure" in capsys.readouterr().err
