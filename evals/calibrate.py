"""Calibrate the extractive answerer's refusal thresholds on a dataset, with a held-out check.

The dataset is split deterministically by a stable hash of each item's id
(`split_of`): the calibration half picks the thresholds, the held-out half only
reports how they carry over. Every item is run once, recording the refusal
features the answerer computes (best evidence score, share of the question's
names in the retrieved passages, whether the expected answer type is in the
answer, focus coverage of the lead sentence) and the facts its answer finds.
A grid search picks the thresholds that maximise refusal rate on unanswerable
+ (1 - false refusal rate) + fact recall (refused answers count 0) on the
calibration half (`choose`; ties go to the fewest checks, then to the middle
of each tied threshold range). It prints every item's features, the trade-off
table, the figures on both halves and the full set, and each check's
contribution (the chosen setting with that one check switched off).

The chosen values are copied by hand into `rag/extractive.py` (`MIN_SCORE`,
`MIN_NAME_COVERAGE`, `REQUIRE_ANSWER_TYPE`, `MIN_FOCUS_COVERAGE`), so the
product never tunes itself at run time.

Usage: python -m evals.calibrate [--dataset evals/datasets/dev.jsonl] [--split calibration|heldout|all]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
from dataclasses import dataclass, replace
from pathlib import Path

from evals.dataset import Item, load_dataset
from evals.metrics import fact_recall
from rag import extractive
from rag.config import get_settings
from rag.embed import build_embed_model
from rag.engine import build_engine, clean_history
from rag.followup import rewrite
from rag.index import open_index
from rag.safety import guarded

SPLITS = ("calibration", "heldout")
MIN_SCORES = tuple(round(0.1 + 0.05 * i, 2) for i in range(11))  # 0.10 .. 0.60
MIN_NAMES = (0.0, 0.25, 0.5, 0.75, 1.0)
REQUIRE_TYPES = (False, True)
MIN_COVERAGES = tuple(round(0.05 * i, 2) for i in range(11))  # 0.00 .. 0.50
REQUIRE_KEYS = (False, True)


def split_of(item_id: str) -> str:
    """'calibration' or 'heldout', from a stable hash of the id (the same on every machine)."""
    return SPLITS[hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2]


@dataclass(frozen=True)
class Thresholds:
    min_score: float
    min_name: float
    require_type: bool
    min_coverage: float
    require_key: bool = False

    def refuses(self, ex: extractive.Extract) -> bool:
        return (
            ex.best_score < self.min_score
            or ex.name_coverage < self.min_name
            or (self.require_type and not ex.answer_type_ok)
            or ex.focus_coverage < self.min_coverage
            or (self.require_key and not ex.key_covered)
        )

    @property
    def features(self) -> int:
        return (self.min_name > 0) + self.require_type + (self.min_coverage > 0) + self.require_key


@dataclass
class Row:
    item: Item
    ex: extractive.Extract
    recall: float  # facts the answer finds, refusal aside


@dataclass(frozen=True)
class Figures:
    refusal_unanswerable: float
    false_refusal: float
    fact_recall: float
    n_answerable: int
    n_unanswerable: int

    @property
    def objective(self) -> float:
        return self.refusal_unanswerable + (1 - self.false_refusal) + self.fact_recall

    def __str__(self) -> str:
        return (
            f"refusal_unans={self.refusal_unanswerable:.3f}  false_refusal={self.false_refusal:.3f}  "
            f"fact_recall={self.fact_recall:.3f}  ({self.n_answerable} answerable, "
            f"{self.n_unanswerable} unanswerable)"
        )


def figures(rows: list[Row], t: Thresholds) -> Figures:
    ans = [r for r in rows if r.item.answerable]
    una = [r for r in rows if not r.item.answerable]
    refused_ans = [t.refuses(r.ex) for r in ans]
    return Figures(
        refusal_unanswerable=sum(t.refuses(r.ex) for r in una) / max(1, len(una)),
        false_refusal=sum(refused_ans) / max(1, len(ans)),
        fact_recall=sum(0.0 if ref else r.recall for r, ref in zip(ans, refused_ans, strict=True))
        / max(1, len(ans)),
        n_answerable=len(ans),
        n_unanswerable=len(una),
    )


def _middle(values: list[float]) -> float:
    ordered = sorted(set(values))
    return ordered[(len(ordered) - 1) // 2]


def choose(rows: list[Row]) -> Thresholds:
    """The thresholds with the best objective on `rows`.

    Ties are common on a few dozen items. They go to the fewest checks switched
    on, then to the middle of the tied range of each threshold (focus coverage,
    names, then score), which leaves the widest margin either side.
    """
    table = grid(rows)
    top = max(f.objective for _, f in table)
    tied = [t for t, f in table if f.objective >= top - 1e-9]
    fewest = min(t.features for t in tied)
    tied = [t for t in tied if t.features == fewest]
    for attr in ("min_coverage", "min_name", "min_score"):
        middle = _middle([getattr(t, attr) for t in tied])
        tied = [t for t in tied if getattr(t, attr) == middle]
    return tied[0]


def grid(rows: list[Row]) -> list[tuple[Thresholds, Figures]]:
    """Every combination of thresholds with its figures on `rows`."""
    options = itertools.product(MIN_SCORES, MIN_NAMES, REQUIRE_TYPES, MIN_COVERAGES, REQUIRE_KEYS)
    return [(t, figures(rows, t)) for t in itertools.starmap(Thresholds, options)]


def run(dataset: Path) -> list[Row]:
    settings = get_settings()
    engine = build_engine(
        open_index(settings),
        embed_model=build_embed_model(settings),
        top_k=settings.top_k,
        cache_dir=settings.data_dir,
    )
    rows = []
    for item in load_dataset(dataset):
        standalone = rewrite(item.question, clean_history(item.history))
        retrieval = guarded(engine.retriever.retrieve(standalone))  # what the engine answers from
        snap = retrieval.snapshot or engine.retriever.snapshot()
        ex = extractive.extract(standalone, retrieval, embed=engine.embed, idf=snap.idf, measure_focus=True)
        text = " ".join(c.span.text for c in ex.chosen)
        rows.append(Row(item, ex, fact_recall(text, item.facts) if item.answerable else 0.0))
    return rows


def in_use() -> Thresholds:
    return Thresholds(
        extractive.MIN_SCORE,
        extractive.MIN_NAME_COVERAGE,
        extractive.REQUIRE_ANSWER_TYPE,
        extractive.MIN_FOCUS_COVERAGE,
        extractive.REQUIRE_KEY_FOCUS,
    )


def _describe(t: Thresholds) -> str:
    return (
        f"MIN_SCORE={t.min_score} MIN_NAME_COVERAGE={t.min_name} "
        f"REQUIRE_ANSWER_TYPE={t.require_type} MIN_FOCUS_COVERAGE={t.min_coverage} "
        f"REQUIRE_KEY_FOCUS={t.require_key}"
    )


def _print_features(rows: list[Row], marked: list[Row], chosen: Thresholds) -> None:
    print("features per item (* = rows the thresholds are chosen on):")
    print(f"  {'id':28s} ans  score  names type  cover key  recall")
    for r in sorted(rows, key=lambda r: (r.item.answerable, r.ex.best_score)):
        ex = r.ex
        print(
            f"{'*' if r in marked else ' '} {r.item.id:28s} {'yes' if r.item.answerable else 'no ':3s}  "
            f"{ex.best_score:.3f}  {ex.name_coverage:.2f}  {'ok ' if ex.answer_type_ok else 'MISS'} "
            f"{ex.focus_coverage:5.2f} {'ok ' if ex.key_covered else 'MISS'} {r.recall:.2f}"
            f"{'  REFUSED' if chosen.refuses(ex) else ''}"
        )


def _print_tradeoffs(rows: list[Row], label: str, chosen: Thresholds) -> None:
    table = grid(rows)
    print(f"\ntrade-off on the {label} rows (best 20 of {len(table)} settings):")
    print("min_score min_names type  min_cover key  refusal_unans  false_refusal  fact_recall")
    for t, f in sorted(table, key=lambda g: -g[1].objective)[:20]:
        print(
            f"{t.min_score:9.2f} {t.min_name:9.2f} {'yes' if t.require_type else 'no ':4s}  "
            f"{t.min_coverage:9.2f} {'yes' if t.require_key else 'no ':3s}  "
            f"{f.refusal_unanswerable:13.3f}  {f.false_refusal:13.3f}  {f.fact_recall:11.3f}"
        )
    print("\nthe minimum score alone (no other check):")
    for score in MIN_SCORES:
        print(f"  min_score={score:.2f}  {figures(rows, Thresholds(score, 0.0, False, 0.0))}")
    print(f"each check alone on top of min_score={chosen.min_score}:")
    for value in MIN_NAMES:
        print(f"  min_names={value:.2f}  {figures(rows, Thresholds(chosen.min_score, value, False, 0.0))}")
    for flag in REQUIRE_TYPES:
        with_type = figures(rows, Thresholds(chosen.min_score, 0.0, flag, 0.0))
        print(f"  type={'yes' if flag else 'no '}       {with_type}")
    for value in MIN_COVERAGES:
        print(f"  min_cover={value:.2f}  {figures(rows, Thresholds(chosen.min_score, 0.0, False, value))}")
    for flag in REQUIRE_KEYS:
        with_key = figures(rows, Thresholds(chosen.min_score, 0.0, False, 0.0, flag))
        print(f"  key={'yes' if flag else 'no '}        {with_key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/dev.jsonl"))
    parser.add_argument(
        "--split", choices=(*SPLITS, "all"), default="calibration", help="the rows thresholds are chosen on"
    )
    args = parser.parse_args()
    rows = run(args.dataset)
    parts = {
        "calibration": [r for r in rows if split_of(r.item.id) == "calibration"],
        "heldout": [r for r in rows if split_of(r.item.id) == "heldout"],
        "all": rows,
    }
    chosen = choose(parts[args.split])
    _print_features(rows, parts[args.split], chosen)
    _print_tradeoffs(parts[args.split], args.split, chosen)

    print(f"\nchosen on {args.split}: {_describe(chosen)}")
    for name, part in parts.items():
        print(f"  {name:12s} {figures(part, chosen)}")
    print("each check's contribution (the chosen setting with that check off):")
    variants = {
        "no min score": replace(chosen, min_score=0.0),
        "no name check": replace(chosen, min_name=0.0),
        "no type check": replace(chosen, require_type=False),
        "no focus check": replace(chosen, min_coverage=0.0),
        "no key check": replace(chosen, require_key=False),
    }
    for label, t in variants.items():
        for name, part in parts.items():
            print(f"  {label:15s} {name:12s} {figures(part, t)}")
    current = in_use()
    print(f"in use: {_describe(current)}")
    for name, part in parts.items():
        print(f"  {name:12s} {figures(part, current)}")


if __name__ == "__main__":
    main()
