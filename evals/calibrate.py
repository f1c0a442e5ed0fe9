"""Calibrate the extractive answerer's refusal thresholds on a dataset.

Runs every item once, records the refusal features the answerer computes (best
evidence score, focus-term coverage, answer-type check) and the facts its
unrefused answer finds, then searches the thresholds that maximise
correct refusals + correct answers, and prints the trade-off table. The chosen
values are copied by hand into `rag/extractive.py` (`MIN_SCORE`,
`MIN_FOCUS_COVERAGE`), so the product never tunes itself at run time.

Usage: python -m evals.calibrate [--dataset evals/datasets/dev.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from evals.dataset import load_dataset
from evals.metrics import fact_recall
from rag import extractive
from rag.config import get_settings
from rag.embed import build_embed_model
from rag.engine import build_engine, clean_history
from rag.followup import rewrite
from rag.index import open_index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/dev.jsonl"))
    args = parser.parse_args()
    settings = get_settings()
    engine = build_engine(
        open_index(settings),
        embed_model=build_embed_model(settings),
        top_k=settings.top_k,
        cache_dir=settings.data_dir,
    )
    rows = []
    for item in load_dataset(args.dataset):
        standalone = rewrite(item.question, clean_history(item.history))
        retrieval = engine.retriever.retrieve(standalone)
        snap = retrieval.snapshot or engine.retriever.snapshot()
        ex = extractive.extract(
            standalone, retrieval, embed=engine.embed, idf=snap.idf, max_idf=snap.max_idf, measure_focus=True
        )
        text = " ".join(c.span.text for c in ex.chosen)
        rows.append((item, ex, fact_recall(text, item.facts) if item.answerable else 0.0))
        if (item.answerable and ex.refused) or (not item.answerable and not ex.refused):
            print(
                f"{'ANS' if item.answerable else 'UNA'} {item.id:28s} score={ex.best_score:.3f} "
                f"cov={ex.focus_coverage:.2f} type={ex.answer_type_ok} facts={rows[-1][2]:.2f}"
            )
    n_ans = sum(1 for r in rows if r[0].answerable)
    n_una = len(rows) - n_ans
    print(f"\nitems: {len(rows)} ({n_ans} answerable, {n_una} unanswerable)")
    print("min_score min_cov  refusal_unans  false_refusal  fact_recall")
    best = None
    for min_score, min_cov in itertools.product(
        [0.35, 0.4, 0.45, 0.5, 0.55], [0.0, 0.25, 0.34, 0.5, 0.6, 0.67, 0.75]
    ):
        refused = [
            ex.best_score < min_score or ex.focus_coverage < min_cov or not ex.answer_type_ok
            for _, ex, _ in rows
        ]
        una = sum(r for (item, _, _), r in zip(rows, refused, strict=True) if not item.answerable) / n_una
        false = sum(r for (item, _, _), r in zip(rows, refused, strict=True) if item.answerable) / n_ans
        recall = (
            sum(f for (item, _, f), r in zip(rows, refused, strict=True) if item.answerable and not r) / n_ans
        )
        print(f"{min_score:9.2f} {min_cov:7.2f}  {una:13.3f}  {false:13.3f}  {recall:11.3f}")
        objective = una + (1 - false) + recall
        if best is None or objective > best[0]:
            best = (objective, min_score, min_cov)
    assert best is not None
    print(f"\nbest: MIN_SCORE={best[1]} MIN_FOCUS_COVERAGE={best[2]}")
    print(f"in use: MIN_SCORE={extractive.MIN_SCORE} MIN_FOCUS_COVERAGE={extractive.MIN_FOCUS_COVERAGE}")


if __name__ == "__main__":
    main()
