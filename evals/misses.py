"""`python -m evals.misses RUN [RUN ...]`: sort a run's failures into classes, counted per set.

RUN is an `evals.figures` output folder (one `<set>/results.jsonl` per set), a `rag eval` output
folder or a `results.jsonl`. For an answerable item whose fact the answer lacks, the class says where
it was lost:

- `refused: <reason>`: the reader refused; the reason's template, its quoted words masked ("The
  articles mention X but say nothing about X or X."), so refusals group by the check that fired;
- `retrieval: no source`: no expected source among the retrieved chunks;
- `retrieval: fact not retrieved`: a source was retrieved but no retrieved chunk contains the fact;
- `selection: right article`: a retrieved chunk contains the fact and the answer cites an expected
  source, but not the sentence that states it;
- `selection: other article`: a retrieved chunk contains the fact and the answer cites no expected
  source (a look-alike: another year's event, another company).

An unanswerable item is `refused: <reason>` (right) or `answered` (wrong). Items with no fact to find
are counted as `no facts`. `--ids` lists the ids of each class, and is refused for a held-out set
(a path or set name containing "heldout"): held-out items are never read one by one.

It deliberately does not judge whether a retrieved chunk that contains the fact string states it (a
quiz page listing the options contains every option), re-run anything, or compare two runs
(`delta`-style counts: `rag eval --compare`).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from evals.metrics import fact_found

QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")  # the words a refusal quotes from the question or passages
HELD_OUT = "heldout"


def reason_template(reason: str) -> str:
    """The refusal reason with its quoted words masked: the check that fired, not the question's words."""
    return QUOTED.sub("X", reason).strip()


def miss_class(row: dict[str, Any]) -> str:
    """The class of one result row (`evals.run` format); "ok" when an answerable answer has its facts."""
    facts = row.get("facts") or []
    if row.get("answerable", True):
        if not facts:
            return "no facts"
        if all(f.get("found") for f in facts):
            return "ok"
        if row.get("refused"):
            return "refused: " + reason_template(row.get("refusal_reason", ""))
        expected = set(row.get("expected_sources") or [])
        if expected and not expected & set(row.get("retrieved_doc_ids") or []):
            return "retrieval: no source"
        missing = [f["alternatives"] for f in facts if not f.get("found")]
        texts = [p.get("text", "") for p in row.get("retrieved") or []]
        if not any(fact_found(t, alts) for t in texts for alts in missing):
            return "retrieval: fact not retrieved"
        cited = {c.get("doc_id") for c in row.get("citations") or []}
        return "selection: right article" if cited & expected else "selection: other article"
    if row.get("refused"):
        return "refused: " + reason_template(row.get("refusal_reason", ""))
    return "answered"


def load(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Result rows per set name from a results file, a run folder or a folder of runs."""
    if path.is_file():
        files = [path]
    elif (path / "results.jsonl").is_file():
        files = [path / "results.jsonl"]
    else:
        files = sorted(path.glob("*/results.jsonl"))
    out: dict[str, list[dict[str, Any]]] = {}
    for file in files:
        name = file.parent.name if file.name == "results.jsonl" else file.stem
        with file.open(encoding="utf-8") as fh:
            out[name] = [json.loads(line) for line in fh if line.strip()]
    return out


def classes(rows: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Item ids by class, separately for answerable and unanswerable items."""
    out: dict[str, dict[str, list[str]]] = {
        "answerable": defaultdict(list),
        "unanswerable": defaultdict(list),
    }
    for row in rows:
        side = "answerable" if row.get("answerable", True) else "unanswerable"
        out[side][miss_class(row)].append(str(row.get("id", "")))
    return out


def report(name: str, rows: list[dict[str, Any]], ids: bool = False) -> str:
    lines = [f"## {name} ({len(rows)} items)"]
    for side, by_class in classes(rows).items():
        if not by_class:
            continue
        lines.append(f"{side}:")
        counts = Counter({k: len(v) for k, v in by_class.items()})
        for cls, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {n:4d}  {cls}")
            if ids and cls != "ok":
                lines.append("        " + " ".join(sorted(by_class[cls])))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.misses", description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="evals.figures / rag eval output folders or results.jsonl")
    parser.add_argument("--ids", action="store_true", help="list each class's ids (not for held-out sets)")
    args = parser.parse_args(argv)
    for run in args.runs:
        for name, rows in load(Path(run)).items():
            if args.ids and (HELD_OUT in name or HELD_OUT in str(run)):
                parser.error(f"--ids lists items one by one; {name} is a held-out set")
            print(report(name, rows, ids=args.ids))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
