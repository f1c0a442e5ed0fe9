"""Dataset formats: detection, explicit field mapping, clear errors, convert, and identical scores.

The same 20 questions over the seed articles are stored as RAGAS-style JSONL,
a llama-index LabelledRagDataset JSON and a CSV (evals/datasets/public/); run
through the real engine on the real seeded index they must score the same.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from evals.dataset import DatasetError, load_dataset
from evals.formats import convert, detect_format, parse_field_map, read_dataset
from evals.run import METRICS_FILE, RESULTS_FILE
from rag.cli import main
from tests.conftest import ROOT

PUBLIC = ROOT / "evals/datasets/public"
RAGAS = PUBLIC / "kim-visit.ragas.jsonl"
LLAMA = PUBLIC / "kim-visit.llamaindex.json"
CSV = PUBLIC / "kim-visit.csv"


def test_each_format_is_detected_and_mapped_explicitly() -> None:
    assert [read_dataset(p)[1].format for p in (RAGAS, LLAMA, CSV)] == ["ragas", "llamaindex", "csv"]
    assert read_dataset(ROOT / "evals/datasets/dev.jsonl")[1].format == "jsonl"
    _, report = read_dataset(RAGAS)
    assert report.mapping == {
        "question": "user_input",
        "reference": "reference",
        "tags": "tags",
        "contexts": "reference_contexts",
    }
    assert report.ignored == {"response": 20}
    text = "\n".join(report.lines())
    assert "ignored: 'response' in 20 item(s): another system's answer" in text
    assert "every item is presumed answerable" in text and "fact_recall is not scored" in text
    _, llama = read_dataset(LLAMA)
    assert llama.mapping["question"] == "query" and llama.mapping["reference"] == "reference_answer"
    assert set(llama.ignored) == {"query_by", "reference_answer_by"}
    _, spreadsheet = read_dataset(CSV)
    assert spreadsheet.mapping["reference"] == "ground_truth" and spreadsheet.ignored == {"notes": 20}


def test_the_three_files_hold_the_same_items() -> None:
    ragas, llama, spreadsheet = (read_dataset(p)[0] for p in (RAGAS, LLAMA, CSV))
    assert len(ragas) == 20 and ragas == spreadsheet  # both carry tags
    assert [replace(i, tags=[]) for i in ragas] == llama  # a LabelledRagDataset has no tags
    assert [i.id for i in ragas][:2] == ["q001", "q002"] and all(i.contexts and i.reference for i in ragas)


def test_ragas_columns_json_list_and_explicit_fields(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in RAGAS.read_text().splitlines()][:3]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(rows, indent=2))
    columns = tmp_path / "columns.json"
    columns.write_text(json.dumps({k: [r[k] for r in rows] for k in rows[0]}))
    assert read_dataset(listed)[0] == read_dataset(columns)[0] == read_dataset(RAGAS)[0][:3]
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "prompt,gold,ok,facts,sources\n"
        "What gifts did Kim receive?,Drones.,yes,drone|drones; vest,001_8dcf05ad1b8e96bb\n"
        "Who won the World Cup?,,no,,\n"
    )
    items, report = read_dataset(
        odd, fields=parse_field_map(["question=prompt", "reference=gold", "answerable=ok"])
    )
    assert report.mapping["question"] == "prompt" and report.ignored == {}
    assert items[0].facts == [["drone", "drones"], ["vest"]] and items[0].sources == ["001_8dcf05ad1b8e96bb"]
    assert items[1].answerable is False and items[1].reference == ""
    assert detect_format(tmp_path / "x.txt", "question,reference\n") == "csv"


BAD_JSONL = '{"user_input": "Fine?", "reference": "yes"}\n{"reference": "no question"}\n'
BAD_CASES = [
    ("bad.jsonl", BAD_JSONL, None, r"bad.jsonl:2: missing field 'question' or 'user_input' or 'query'"),
    ("bad.jsonl", '{"user_input": "a?"}\n{"user_input": "b?", oops}\n', None, "bad.jsonl:2: not valid JSON"),
    (
        "bad.jsonl",
        '{"user_input": "a?", "tags": "x"}\n{"user_input": "b?", "tags": [1]}\n',
        None,
        "bad.jsonl:2: 'tags' must be a list",
    ),
    (
        "bad.json",
        '{"examples": [\n  {"query": "a?"},\n  {"query": "b?", "reference_contexts": "x"},\n'
        '  {"query": ""}\n]}',
        None,
        "bad.json:4: missing field 'question' or 'user_input' or 'query'",
    ),
    (
        "bad.json",
        '{"examples": [\n  {"query": "a?"},\n  {"query": "b?",}\n]}',
        None,
        "bad.json:3: not valid JSON",
    ),
    ("bad.json", '{"examples": {"query": "a?"}}', "llamaindex", 'needs a top-level "examples" list'),
    (
        "bad.csv",
        "question,reference\na?,x\nb?,y,z\n",
        None,
        "bad.csv:3: 3 cells, but the header has 2 columns",
    ),
    (
        "bad.csv",
        'question,answerable\na?,yes\n"multi\nline?",maybe\n',
        None,
        "bad.csv:3: field 'answerable': 'maybe' is not true or false",
    ),
    ("bad.csv", "question,question\na?,b?\n", None, "bad.csv:1: the header needs unique"),
    ("bad.csv", "q,a\nx,y\n", None, "bad.csv:2: missing field"),
    ("bad.csv", "", None, "bad.csv: no items"),
    (
        "dup.jsonl",
        '{"id": 1, "user_input": "a?"}\n{"id": "1", "user_input": "b?"}\n',
        None,
        "dup.jsonl:2: duplicate id '1'",
    ),
]


@pytest.mark.parametrize(("name", "content", "fmt", "message"), BAD_CASES)
def test_malformed_files_name_file_line_and_field(
    tmp_path: Path, capsys: Any, name: str, content: str, fmt: str | None, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        read_dataset(path, fmt)
    assert message in str(info.value)
    # the CLI says the same in one line, no traceback, and converts nothing
    out = tmp_path / "out.jsonl"
    args = ["eval", "convert", str(path), str(out)] + (["--format", fmt] if fmt else [])
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and not out.exists()


def test_field_map_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="'prompt_text' is not a dataset field"):
        parse_field_map(["prompt_text=q"])
    with pytest.raises(DatasetError, match="write FIELD=NAME"):
        parse_field_map(["question"])
    with pytest.raises(DatasetError, match=r"--field reference=gold: no item in .* has a field 'gold'"):
        read_dataset(CSV, fields={"reference": "gold"})
    with pytest.raises(DatasetError, match=r"kim-visit.csv:2: missing field 'prompt' \(the question\)"):
        read_dataset(CSV, fields={"question": "prompt"})


def test_convert_writes_the_project_jsonl_whole_or_not_at_all(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "sets" / "kim.jsonl"
    assert main(["eval", "convert", str(CSV), str(out)]) == 0
    assert "wrote 20 items" in capsys.readouterr().out
    assert load_dataset(out) == read_dataset(CSV)[0]  # strict project reader, same items
    assert read_dataset(out)[1].format == "jsonl"
    before = out.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answerable\nok?,yes\nbad?,perhaps\n")
    with pytest.raises(DatasetError, match=r"bad\.csv:3"):
        convert(bad, out)
    assert out.read_bytes() == before  # the earlier file is intact, no temporary file is left
    assert sorted(p.name for p in out.parent.iterdir()) == ["kim.jsonl"]
    with pytest.raises(DatasetError, match="overwrite the input"):
        convert(out, out)


def test_same_questions_in_three_formats_score_identically(
    seeded_settings: Any, embed_model: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    """The done-when test: RAGAS JSONL, LabelledRagDataset JSON and CSV give identical scores."""
    monkeypatch.setattr("rag.wiring.build_embed_model", lambda settings: embed_model)
    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    runs = {}
    for path in (RAGAS, LLAMA, CSV):
        local = tmp_path / path.name
        shutil.copy(path, local)  # no manifest beside it: the run uses the configured (seeded) index
        out = tmp_path / f"run-{path.suffix[1:]}"
        assert (
            main(["eval", "--dataset", str(local), "--backend", "extractive", "--out", str(out), "--quiet"])
            == 0
        )
        results = [json.loads(line) for line in (out / RESULTS_FILE).read_text().splitlines()]
        metrics = json.loads((out / METRICS_FILE).read_text())
        runs[path.suffix] = (results, metrics)
    capsys.readouterr()
    keys = [
        "id",
        "question",
        "answer",
        "refused",
        "retrieved_doc_ids",
        "expected_sources",
        "scores",
        "failed",
    ]
    per_item = {fmt: [{k: r[k] for k in keys} for r in results] for fmt, (results, _) in runs.items()}
    assert per_item[".jsonl"] == per_item[".json"] == per_item[".csv"]
    rates = [
        "hit_rate",
        "mrr",
        "citation_precision",
        "cited_answer_rate",
        "false_refusal_rate",
        "n_failed_items",
    ]
    figures = {fmt: {k: m[k] for k in rates} for fmt, (_, m) in runs.items()}
    assert figures[".jsonl"] == figures[".json"] == figures[".csv"]
    _, metrics = runs[".jsonl"]
    assert metrics["hit_rate"] >= 0.9 and metrics["fact_recall"] is None  # no facts: not scored, not 1.0
    assert metrics["intervals"]["fact_recall"]["n"] == 0 and metrics["intervals"]["hit_rate"]["n"] == 20
    assert all(r["expected_sources"] for r in runs[".csv"][0])  # every context matched a seed article
    assert "20 item(s) got their expected sources from their contexts" in metrics["dataset"]["notes"]
    assert "tag:who" in metrics["slices"] and "tag:who" not in runs[".json"][1]["slices"]
