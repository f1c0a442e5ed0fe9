"""evals.misses: each failure lands in the class of the step that lost it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals import misses

FACT = [{"alternatives": ["Port Fennick"], "found": False}]
ANSWER_PASSAGE = {
    "doc_id": "mayor-2025",
    "text": "Ada Kerr won the election for mayor of Port Fennick on Sunday.",
}
OTHER_PASSAGE = {"doc_id": "mayor-2021", "text": "Mikkel Haas was re-elected mayor in 2021 by 300 votes."}


def row(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "q1",
        "answerable": True,
        "refused": False,
        "refusal_reason": "",
        "facts": FACT,
        "expected_sources": ["mayor-2025"],
        "retrieved_doc_ids": ["mayor-2025", "mayor-2021"],
        "retrieved": [ANSWER_PASSAGE, OTHER_PASSAGE],
        "citations": [{"doc_id": "mayor-2021"}],
    }
    return {**base, **over}


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"facts": [{"alternatives": ["Port Fennick"], "found": True}]}, "ok"),
        (
            {
                "refused": True,
                "refusal_reason": "The articles mention “mayor” but say nothing about “buses”.",
            },
            "refused: The articles mention X but say nothing about X.",
        ),
        ({"retrieved_doc_ids": ["mayor-2021"], "retrieved": [OTHER_PASSAGE]}, "retrieval: no source"),
        (
            {"retrieved": [{"doc_id": "mayor-2025", "text": "Kerr promised free buses."}, OTHER_PASSAGE]},
            "retrieval: fact not retrieved",
        ),
        ({}, "selection: other article"),  # the answer quotes the 2021 look-alike
        ({"citations": [{"doc_id": "mayor-2025"}]}, "selection: right article"),
        ({"answerable": False, "facts": [], "refused": False}, "answered"),
        (
            {
                "answerable": False,
                "facts": [],
                "refused": True,
                "refusal_reason": "The articles report this for “2024”, not for “2025”.",
            },
            "refused: The articles report this for X, not for X.",
        ),
        ({"facts": []}, "no facts"),
    ],
)
def test_miss_class(over: dict[str, Any], expected: str) -> None:
    assert misses.miss_class(row(**over)) == expected


def test_report_counts_per_set_and_lists_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("quiz.calib", "quiz.heldout"):
        (tmp_path / name).mkdir()
        rows = [row(id="a"), row(id="b", citations=[{"doc_id": "mayor-2025"}]), row(id="c")]
        (tmp_path / name / "results.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert misses.main([str(tmp_path / "quiz.calib"), "--ids"]) == 0
    out = capsys.readouterr().out
    assert "## quiz.calib (3 items)" in out
    assert "   2  selection: other article\n        a c" in out
    assert "   1  selection: right article\n        b" in out


def test_ids_refused_for_held_out(tmp_path: Path) -> None:
    (tmp_path / "quiz.heldout").mkdir()
    (tmp_path / "quiz.heldout" / "results.jsonl").write_text(json.dumps(row()) + "\n")
    with pytest.raises(SystemExit):
        misses.main([str(tmp_path), "--ids"])
    assert misses.main([str(tmp_path)]) == 0  # counts only are fine
