"""`python -m evals.figures`: run every answer-quality set and print the calib / held-out table.

Runs `rag eval` (a subprocess per set, so each gets a fresh engine and the corpus cache of
`evals.corpus`) on the project's sets: the dev gate, `user_seeds`, `lookalike`, `newsdesk`,
`citydesk`, `wiredesk`, `snipdesk`, `metrodesk` and `valleydesk`, each split in `calib` and
`heldout`; with `--rtqa DIR` also RealTimeQA's `dataset_a` / `dataset_b` (their indexes must
already be built: `--rtqa-data-a` / `--rtqa-data-b`, since 2,000 articles take minutes to
ingest). Prints one Markdown table, the README's format, and writes it beside the runs. When two
sets or more of a split ran, a pooled row follows for that split ("all sets", calib or held-out):
every item of those sets scored as one set, so the figure weighs each question once, not each set.

It deliberately does not compare against an earlier table (use `rag eval --compare DIR1 DIR2` on
two runs), gate anything (`make eval-gate` does), or read held-out failures: it prints aggregates only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

DATASETS = Path(__file__).parent / "datasets"
SEEDS = Path(__file__).parent.parent / "seeds"
LOOKALIKE = Path(__file__).parent / "corpora" / "lookalike"
NEWSDESK = Path(__file__).parent / "corpora" / "newsdesk"
CITYDESK = Path(__file__).parent / "corpora" / "citydesk"
WIREDESK = Path(__file__).parent / "corpora" / "wiredesk"
SNIPDESK = Path(__file__).parent / "corpora" / "snipdesk"
METRODESK = Path(__file__).parent / "corpora" / "metrodesk"
VALLEYDESK = Path(__file__).parent / "corpora" / "valleydesk"
PROJECT_SETS = (  # name, split, dataset file, its corpus (ingested once into the corpus cache)
    ("dev", "gate", "dev.jsonl", SEEDS),
    ("user_seeds", "calib", "user_seeds.calib.jsonl", SEEDS),
    ("user_seeds", "held-out", "user_seeds.heldout.jsonl", SEEDS),
    ("lookalike", "calib", "lookalike.calib.jsonl", LOOKALIKE),
    ("lookalike", "held-out", "lookalike.heldout.jsonl", LOOKALIKE),
    ("newsdesk", "calib", "newsdesk.calib.jsonl", NEWSDESK),
    ("newsdesk", "held-out", "newsdesk.heldout.jsonl", NEWSDESK),
    ("citydesk", "calib", "citydesk.calib.jsonl", CITYDESK),
    ("citydesk", "held-out", "citydesk.heldout.jsonl", CITYDESK),
    ("wiredesk", "calib", "wiredesk.calib.jsonl", WIREDESK),
    ("wiredesk", "held-out", "wiredesk.heldout.jsonl", WIREDESK),
    ("snipdesk", "calib", "snipdesk.calib.jsonl", SNIPDESK),
    ("snipdesk", "held-out", "snipdesk.heldout.jsonl", SNIPDESK),
    ("metrodesk", "calib", "metrodesk.calib.jsonl", METRODESK),
    ("metrodesk", "held-out", "metrodesk.heldout.jsonl", METRODESK),
    ("valleydesk", "calib", "valleydesk.calib.jsonl", VALLEYDESK),
    ("valleydesk", "held-out", "valleydesk.heldout.jsonl", VALLEYDESK),
)
POOLED_SPLITS = ("calib", "held-out")  # the splits a pooled row is printed for
POOLED_NAME = "all sets"
COLUMNS = (
    ("fact_recall", "fact recall"),
    ("refusal_rate_unanswerable", "unanswerable refused"),
    ("false_refusal_rate", "false refusals"),
    ("citation_precision", "citation precision"),
    ("opening_precision", "opening correct"),
    ("hit_rate", "hit rate"),
)


def run_set(
    dataset: Path, corpus: Path | None, out: Path, env: dict[str, str] | None, backend: str
) -> dict[str, object]:
    """One `rag eval` run; its metrics.json."""
    cmd = [sys.executable, "-m", "rag.cli", "eval", "--dataset", str(dataset), "--backend", backend]
    if corpus is not None:
        cmd += ["--corpus", str(corpus)]
    cmd += ["--out", str(out), "--quiet"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"rag eval failed on {dataset} (exit {done.returncode}):\n{done.stderr[-2000:]}")
    metrics: dict[str, object] = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    return metrics


def cell(value: object) -> str:
    return "-" if value is None else f"{float(value):.3f}"  # type: ignore[arg-type]


def write_table(out: Path, rows: list[tuple[str, str, dict[str, object]]]) -> None:
    """Write the table of `rows` to OUT/table.md and print it."""
    text = table(rows)
    out.mkdir(parents=True, exist_ok=True)
    (out / "table.md").write_text(text + "\n", encoding="utf-8")
    print(text)


def table(rows: list[tuple[str, str, dict[str, object]]]) -> str:
    head = "| set | split (items) | " + " | ".join(name for _, name in COLUMNS) + " |"
    lines = [head, "| --- | --- |" + " --- |" * len(COLUMNS)]
    for name, split, m in rows:
        values = " | ".join(cell(m.get(key)) for key, _ in COLUMNS)
        lines.append(f"| {name} | {split} ({m.get('n_items')}) | {values} |")
    return "\n".join(lines)


def pooled(out: Path, rows: list[tuple[str, str, Path]]) -> list[tuple[str, str, dict[str, object]]]:
    """One row per split that two sets or more ran in: their items' results (`<stem>/results.jsonl`
    under `out`) aggregated as one set."""
    from evals.run import aggregate

    pooled_rows: list[tuple[str, str, dict[str, object]]] = []
    for split in POOLED_SPLITS:
        runs = [out / dataset.stem / "results.jsonl" for _, s, dataset in rows if s == split]
        if len(runs) < 2:
            continue
        results = [
            json.loads(line) for run in runs for line in run.read_text(encoding="utf-8").splitlines() if line
        ]
        pooled_rows.append((POOLED_NAME, split, aggregate(results)))
    return pooled_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.figures", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/figures", help="folder for the runs and table.md")
    parser.add_argument("--backend", default="extractive")
    parser.add_argument("--only", action="append", help="run only sets whose file name contains this")
    parser.add_argument("--rtqa", help="the RealTimeQA folder (../shared/rtqa) to add its two sets")
    parser.add_argument("--rtqa-data-a", help="RAG_DATA_DIR of an index of rtqa/corpus_a")
    parser.add_argument("--rtqa-data-b", help="RAG_DATA_DIR of an index of rtqa/corpus_b")
    args = parser.parse_args(argv)
    out = Path(args.out)
    jobs: list[tuple[str, str, Path, Path | None, dict[str, str] | None]] = [
        (name, split, DATASETS / file, corpus, None) for name, split, file, corpus in PROJECT_SETS
    ]
    if args.rtqa:
        for part in ("a", "b"):
            data = getattr(args, f"rtqa_data_{part}")
            if not data:
                parser.error(f"--rtqa needs --rtqa-data-{part} (an index of corpus_{part})")
            # only this run's index differs; the rest of the evaluator's environment passes through
            env = {**os.environ, "RAG_DATA_DIR": str(data)}
            dataset = Path(args.rtqa) / f"dataset_{part}.jsonl"
            jobs.append((f"rtqa {part.upper()}", "external", dataset, None, env))
    if args.only:
        jobs = [j for j in jobs if any(s in j[2].name for s in args.only)]
    rows = []
    for name, split, dataset, corpus, job_env in jobs:
        print(f"running {dataset.name} ...", file=sys.stderr, flush=True)
        rows.append((name, split, run_set(dataset, corpus, out / dataset.stem, job_env, args.backend)))
    rows += pooled(out, [(name, split, dataset) for name, split, dataset, _, _ in jobs])
    write_table(out, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
