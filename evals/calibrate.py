"""Calibrate the extractive reader's refusal policy by driving the real engine; write `rag/policy.json`.

Each `--set DATASET=DATA_DIR` names a question set and the data directory its
corpus is ingested in. Only the calibration items are used: for the user-style
sets, the `*.calib.jsonl` files (their `*.heldout.jsonl` twins are never read
here); for other sets (the dev set), the calibration half of a stable hash of
each id (`split_of`).

1. Every item is asked of the real engine (`build_engine(...).ask`, the same
   rewrite, retrieval, composition and verification users get) with every check
   off (`rag.policy.using`), while `rag.extractive.recording` keeps the refusal
   features the reader computed: best evidence score, answer type, focus
   coverage, unknown names, the English frequency of the rarest word the
   articles never use, how near the answer comes to the kind asked for
   (class similarity), the share of the question's names and numbers stated,
   the share of its rare words the lead's article states, and whether the lead
   contradicts a year, month or model code of the question. Fact recall is
   read from the engine's final answer text.
2. A grid search (on the features as arrays, `Table`) scores every policy by
   refusal of unanswerable + (1 - false refusals) + fact recall (refused
   answers count 0), averaged over the sets, among those that keep false
   refusals within `MAX_FALSE_REFUSAL` on every set.
3. Resisting overfitting (calibration sets are a few hundred items; a gain of
   one or two items is noise, and last time such a gain raised held-out false
   refusals): the noise of a difference between two policies is its paired
   standard error over items (`paired_se`: both policies answer the same
   items, so only the items they decide differently count). Every policy
   within one standard error of the best is as good as the best (the
   one-standard-error rule), and among those the loosest wins: the fewest
   refusals on the calibration items, then the fewest checks, then the middle
   of each tied range. The chosen policy replaces the incumbent (the policy
   `rag/policy.json` holds when calibration starts) when its gain over it
   exceeds `REPLACE_Z` standard errors; otherwise the incumbent stays (a
   tie is not given to the policy refusing fewer items: that count includes
   the right refusals of unanswerable questions).
4. The chosen policy is run through the engine once more, for real, and those
   figures are printed and recorded next to the policy in `rag/policy.json`
   (`--write`), which the reader loads. Nothing is copied by hand.

With `--gate evals/datasets/dev.jsonl=DATA_DIR`, only policies that keep the
whole dev set within `evals/thresholds.toml` (what `make eval-gate` checks)
compete: the dev set is a regression guard here, not part of the objective.

Usage:
  python -m evals.calibrate --set evals/datasets/user_seeds.calib.jsonl=/tmp/seeds \\
      --set evals/datasets/lookalike.calib.jsonl=/tmp/la --gate evals/datasets/dev.jsonl=/tmp/seeds [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import numpy as np

from evals.dataset import Item, load_dataset
from evals.metrics import fact_recall
from rag import extractive
from rag import policy as policies
from rag.config import get_settings
from rag.engine import Engine, build_engine
from rag.wiring import build_embed_model, open_index

SPLITS = ("calibration", "heldout")
GATE_FILE = Path("evals/thresholds.toml")
MIN_SCORES = tuple(round(0.1 + 0.05 * i, 2) for i in range(11))  # 0.10 .. 0.60
MIN_COVERAGES = tuple(round(0.05 * i, 2) for i in range(13))  # 0.00 .. 0.60
MIN_ESSENTIALS = (0.0, 0.5, 0.75, 1.0)
MIN_SPECIFICS = (0.0, 0.5, 1.0)
MIN_CLASS_SIMILARITIES = (0.0, 0.35, 0.45)  # "what colour": cosine of "colour" to the answer's words
MIN_ARTICLE_SPECIFICS = (0.0, 0.5, 1.0)
# log10 English count below which a word the articles never use refuses: off; not English at all
# ("messi", "berendt"); rare ("kimchi", 10**5.1)
MIN_UNSEEN_FREQUENCIES = (0.0, 1.0, 5.0)
# `rag.coverage`: the share of the question's specific content words the corpus covers, below which
# the coverage check (one of `NEW_CHECKS`) refuses; on the calibration sets the unanswerable
# "who wrote hamlet" read 0.03 and "how do i make kimchi" 0.56, the first answerable question 0.69
MIN_CORPUS_COVERAGE = 0.6
FLAGS = (False, True)
# Checks outside the grid (each would double it): the grid keeps the incumbent's setting, and `main`
# prints each one's gain, on against off in the chosen policy, against the paired standard error.
# Each maps to (its settings on, its settings off).
NEW_CHECKS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "quantity check": ({"min_quantity_fit": 0.2}, {"min_quantity_fit": 0.0}),
    "role check": ({"require_role": True}, {"require_role": False, "require_role_filled": False}),
    "plan-only check": ({"refuse_unrealised": True}, {"refuse_unrealised": False}),
    "attribute check": ({"require_attribute": True}, {"require_attribute": False}),
    "identify check": ({"require_identified": True}, {"require_identified": False}),
    "name check": ({"require_named": True}, {"require_named": False}),
    "other-time check": ({"refuse_other_time": True}, {"refuse_other_time": False}),
    "plan-only what-did check": ({"refuse_unrealised_wh": True}, {"refuse_unrealised_wh": False}),
    "plan-only residue check": ({"refuse_unrealised_residue": True}, {"refuse_unrealised_residue": False}),
    "coverage check": ({"min_corpus_coverage": MIN_CORPUS_COVERAGE}, {"min_corpus_coverage": 0.0}),
    "small-talk check": ({"refuse_small_talk": True}, {"refuse_small_talk": False}),
    "measure check": ({"require_measure": True}, {"require_measure": False}),
    "reaction check": ({"require_opinion": True}, {"require_opinion": False}),
    # not a check but a reading the checks take (`rag.asking`): it refuses less, so its gain is on - off
    "preamble reading": ({"read_preamble": True}, {"read_preamble": False}),
}
# The ceiling for false refusals is 0.10 on unseen questions. Calibration keeps half of it:
# with the cap at 0.10 the calibration sets measured 0.083-0.095 and the held-out sets 0.20-0.22.
MAX_FALSE_REFUSAL = 0.05
# A candidate replaces the incumbent policy only when it gains this many paired standard errors.
REPLACE_Z = 2.0
NEAR_TOP = 0.3  # objectives further below the best are not tested for a tie (no SE is that large)
OFF = policies.Policy(
    min_score=0.0,
    require_answer_type=False,
    min_focus_coverage=0.0,
    refuse_unknown_names=False,
    require_class=False,
    min_essential_coverage=0.0,
    min_essential_in_passages=0.0,
    min_specific_coverage=0.0,
    min_name_coverage=0.0,
    require_key_focus=False,
)


def split_of(item_id: str) -> str:
    """'calibration' or 'heldout', from a stable hash of the id (the same on every machine)."""
    return SPLITS[hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2]


def calibration_items(dataset: Path, *, whole: bool = False) -> list[Item]:
    """The items a policy may be chosen on: a whole `*.calib.jsonl`, else the hash calibration half."""
    if dataset.name.endswith(".heldout.jsonl"):
        raise SystemExit(f"{dataset}: held-out questions are never used for calibration")
    items = load_dataset(dataset)
    if whole or dataset.name.endswith(".calib.jsonl"):
        return items
    return [i for i in items if split_of(i.id) == "calibration"]


# The refusal checks `extractive.refusal_reason` applies, as the features the reader records: each
# threshold with the Extract feature it bounds (and the value of a row the reader never read), each
# flag with whether a recorded reading fails it. `refuses`, `Table` and `checks` all read these.
THRESHOLDS: dict[str, tuple[str, float]] = {
    "min_score": ("best_score", 1.0),
    "min_unseen_frequency": ("unseen_frequency", float("inf")),
    "min_name_coverage": ("name_coverage", 1.0),
    "min_essential_coverage": ("essential_coverage", 1.0),
    "min_essential_in_passages": ("essential_in_passages", 1.0),
    "min_specific_coverage": ("specific_coverage", 1.0),
    "min_focus_coverage": ("focus_coverage", 1.0),
    "min_class_similarity": ("class_similarity", 1.0),
    "min_article_specific": ("article_specific", 1.0),
    "min_quantity_fit": ("quantity_fit", 1.0),
    "min_corpus_coverage": ("corpus_coverage", 1.0),
}
FLAG_CHECKS: dict[str, Callable[[extractive.Extract], bool]] = {
    "refuse_unknown_names": lambda e: bool(e.unknown),
    "require_class": lambda e: not e.class_stated,
    "require_answer_type": lambda e: not e.answer_type_ok,
    "require_key_focus": lambda e: not e.key_covered,
    "refuse_contradicted": lambda e: bool(e.contradicted),
    "refuse_other_time": lambda e: bool(e.other_time),
    "require_speech": lambda e: not e.speech_reported,
    "require_role": lambda e: not e.role_stated,
    "require_role_filled": lambda e: not e.role_filled,
    "refuse_unrealised": lambda e: bool(e.unrealised),
    "refuse_unrealised_wh": lambda e: bool(e.unrealised_wh),
    "refuse_unrealised_residue": lambda e: bool(e.unrealised_residue),
    "require_attribute": lambda e: not e.attribute_stated,
    "require_identified": lambda e: not e.noun_identified,
    "require_named": lambda e: not e.name_identified,
    "refuse_small_talk": lambda e: e.small_talk,
    "require_measure": lambda e: not e.measure_stated,
    "require_opinion": lambda e: not e.opinion_reported,
}
# With `read_preamble`, the features read with the question's preamble (`rag.asking`) replace these.
PREAMBLE_FEATURES = {
    "focus_coverage": "ask_focus_coverage",
    "essential_in_passages": "ask_essential_in_passages",
    "unknown": "ask_unknown",
}


def _read(p: policies.Policy, ex: extractive.Extract) -> extractive.Extract:
    """`ex` as `p` reads it: with `read_preamble`, its preamble-read features (as `refusal_reason`)."""
    if not p.read_preamble:
        return ex
    return replace(ex, **{old: getattr(ex, new) for old, new in PREAMBLE_FEATURES.items()})


# Settings `checks` does not count as a check of their own when breaking ties.
UNCOUNTED = frozenset({"min_score", "min_name_coverage", "require_key_focus"})


def refuses(p: policies.Policy, ex: extractive.Extract) -> bool:
    """Whether `p` refuses given the features the reader recorded (mirrors `extractive.refusal_reason`)."""
    ex = _read(p, ex)
    return any(getattr(ex, feature) < getattr(p, name) for name, (feature, _) in THRESHOLDS.items()) or any(
        getattr(p, name) and fails(ex) for name, fails in FLAG_CHECKS.items()
    )


def checks(p: policies.Policy) -> int:
    """How many checks `p` turns on (thresholds above zero, flags set), `UNCOUNTED` aside."""
    on = [getattr(p, name) > 0 for name in THRESHOLDS] + [bool(getattr(p, name)) for name in FLAG_CHECKS]
    return sum(o for name, o in zip([*THRESHOLDS, *FLAG_CHECKS], on, strict=True) if name not in UNCOUNTED)


@dataclass
class Row:
    set: str
    item: Item
    ex: extractive.Extract | None  # None: the engine refused before reading (no passages)
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


class Table:
    """The recorded features of some rows as arrays: `refuses` for every row at once (the grid search)."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        exs = [r.ex for r in rows]
        self.answerable = np.array([r.item.answerable for r in rows], dtype=bool)
        self.recall = np.array([r.recall for r in rows], dtype=float)
        self.always = np.array([e is None or (e.refused and not e.chosen) for e in exs], dtype=bool)
        preamble = policies.Policy(read_preamble=True)
        # each threshold's feature, and whether each flag's check fails, per row; for each setting of
        # `read_preamble` (the features it reads differ)
        self.features: dict[bool, dict[str, np.ndarray]] = {}
        self.fails: dict[bool, dict[str, np.ndarray]] = {}
        for read in (False, True):
            rexs = [_read(preamble, e) if (read and e is not None) else e for e in exs]
            self.features[read] = {
                name: np.array([float(getattr(e, f)) if e is not None else off for e in rexs], dtype=float)
                for name, (f, off) in THRESHOLDS.items()
            }
            self.fails[read] = {
                name: np.array([e is not None and fails(e) for e in rexs], dtype=bool)
                for name, fails in FLAG_CHECKS.items()
            }

    def refused(self, p: policies.Policy) -> np.ndarray:
        """`refuses(p, ex)` for every row (plus the rows the engine refused before reading)."""
        out = self.always.copy()
        for name, values in self.features[p.read_preamble].items():
            out |= values < getattr(p, name)
        for name, failed in self.fails[p.read_preamble].items():
            if getattr(p, name):
                out |= failed
        return out

    @cached_property
    def counts(self) -> tuple[int, int]:
        return int(self.answerable.sum()), int((~self.answerable).sum())

    def figures(self, p: policies.Policy) -> Figures:
        refused = self.refused(p)
        n_ans, n_una = self.counts
        ans = self.answerable
        return Figures(
            refusal_unanswerable=float(refused[~ans].sum()) / max(1, n_una),
            false_refusal=float(refused[ans].sum()) / max(1, n_ans),
            fact_recall=float(np.where(refused[ans], 0.0, self.recall[ans]).sum()) / max(1, n_ans),
            n_answerable=n_ans,
            n_unanswerable=n_una,
        )


def contributions(table: Table, p: policies.Policy) -> np.ndarray:
    """Each row's share of `p`'s objective on `table`'s set: the objective is their sum.

    An unanswerable row adds refused / n_unanswerable; an answerable one adds
    (1 - refused) * (1 + recall) / n_answerable (not wrongly refused, and its facts found).
    """
    refused = table.refused(p)
    n_ans, n_una = table.counts
    ans = table.answerable
    return np.where(
        ans,
        (~refused) * (1.0 + table.recall) / max(1, n_ans),
        refused / max(1, n_una),
    )


def per_set(rows: list[Row]) -> list[Table]:
    """One `Table` per question set of `rows`, in the sets' name order."""
    return [Table([r for r in rows if r.set == s]) for s in sorted({r.set for r in rows})]


def paired_se(tables: list[Table], a: policies.Policy, b: policies.Policy) -> float:
    """Standard error of (objective of `a` - objective of `b`), mean over the sets, paired by item.

    Per set and per group (answerable, unanswerable) the item differences are independent draws;
    the set's difference is their mean, so its variance is var(item differences) / n. This is the
    normal approximation of a paired bootstrap over items, without the resampling.
    """
    variance = 0.0
    for t in tables:
        diff = contributions(t, a) - contributions(t, b)
        for group in (t.answerable, ~t.answerable):
            n = int(group.sum())
            if n > 1:
                per_item = diff[group] * n  # back to one item's own difference
                variance += float(per_item.var(ddof=1)) / n
    return float(np.sqrt(variance)) / max(1, len(tables))


def refusals(tables: list[Table], p: policies.Policy) -> int:
    """How many calibration items `p` refuses (answerable or not): the looser, the fewer."""
    return int(sum(t.refused(p).sum() for t in tables))


def figures(rows: list[Row], p: policies.Policy) -> Figures:
    ans = [r for r in rows if r.item.answerable]
    una = [r for r in rows if not r.item.answerable]

    def refused(r: Row) -> bool:
        return r.ex is None or (r.ex.refused and not r.ex.chosen) or refuses(p, r.ex)

    refused_ans = [refused(r) for r in ans]
    return Figures(
        refusal_unanswerable=sum(refused(r) for r in una) / max(1, len(una)),
        false_refusal=sum(refused_ans) / max(1, len(ans)),
        fact_recall=sum(0.0 if ref else r.recall for r, ref in zip(ans, refused_ans, strict=True))
        / max(1, len(ans)),
        n_answerable=len(ans),
        n_unanswerable=len(una),
    )


def mean_objective(rows: list[Row], p: policies.Policy) -> float:
    sets = sorted({r.set for r in rows})
    return sum(figures([r for r in rows if r.set == s], p).objective for s in sets) / max(1, len(sets))


def _middle(values: list[float]) -> float:
    ordered = sorted(set(values))
    return ordered[(len(ordered) - 1) // 2]


def grid(incumbent: policies.Policy | None = None) -> list[policies.Policy]:
    """Candidate policies: every combination of the thresholds and checks below, the other fields
    as in `incumbent` (the speech check and the checks of `NEW_CHECKS`, which
    `main` judges one at a time against the noise instead of multiplying the grid). The boolean class
    check (`require_class`) is the cosine check at `SOFT_MATCH_COSINE`; the grid searches the
    threshold instead (`min_class_similarity`)."""
    template = incumbent or policies.Policy()
    base = itertools.product(
        MIN_SCORES,
        FLAGS,
        MIN_COVERAGES,
        FLAGS,
        MIN_ESSENTIALS,
        MIN_ESSENTIALS,
        MIN_SPECIFICS,
        FLAGS,
        MIN_CLASS_SIMILARITIES,
        MIN_ARTICLE_SPECIFICS,
    )
    options = itertools.product(base, MIN_UNSEEN_FREQUENCIES)  # (typed: product's stubs stop at 10)
    return [
        replace(
            template,
            min_score=s,
            require_answer_type=t,
            min_focus_coverage=c,
            refuse_unknown_names=u,
            min_essential_coverage=e,
            min_essential_in_passages=ep,
            min_specific_coverage=sp,
            refuse_contradicted=ct,
            min_class_similarity=cs,
            min_article_specific=ar,
            min_unseen_frequency=uf,
        )
        for (s, t, c, u, e, ep, sp, ct, cs, ar), uf in options
        if not (e and ep)  # one of the two name checks at a time
    ]


def passes_gate(rows: list[Row], p: policies.Policy, gate: dict[str, dict[str, float]]) -> bool:
    """Whether `p` keeps the gate's floors and ceilings on `rows` (the dev set `make eval-gate` runs)."""
    return _passes(Table(rows), p, gate) if rows else True


def _passes(table: Table, p: policies.Policy, gate: dict[str, dict[str, float]]) -> bool:
    f = table.figures(p)
    floors, ceilings = gate.get("min", {}), gate.get("max", {})
    return (
        f.refusal_unanswerable >= floors.get("refusal_rate_unanswerable", 0.0)
        and f.fact_recall >= floors.get("fact_recall", 0.0)
        and f.false_refusal <= ceilings.get("false_refusal_rate", 1.0)
    )


def ranked(rows: list[Row], policies_: list[policies.Policy]) -> list[tuple[policies.Policy, float]]:
    """Each policy with its mean objective over the sets of `rows`."""
    tables = per_set(rows)
    return [(p, sum(t.figures(p).objective for t in tables) / max(1, len(tables))) for p in policies_]


def choose(
    rows: list[Row],
    gate_rows: list[Row] | None = None,
    gate: dict[str, dict[str, float]] | None = None,
    incumbent: policies.Policy | None = None,
    options: list[policies.Policy] | None = None,
) -> policies.Policy:
    """The loosest policy within one standard error of the best; the incumbent unless beaten by more
    than the noise.

    Only policies that pass the gate on `gate_rows` compete (the whole dev set: a regression guard,
    not a score), and among them those whose false refusals stay within `MAX_FALSE_REFUSAL` on
    every set (all gate-passing ones when none does). The best of those sets the bar; every
    eligible policy whose objective is within one paired standard error of the best ties with it,
    and the tie goes to the fewest refusals, then the fewest checks, then the middle of each
    range. That policy replaces `incumbent` only when it beats it by more than `REPLACE_Z` paired
    standard errors (or the incumbent is not eligible): within the noise the incumbent stays. A tie
    with the incumbent is not given to the policy with fewer refusals, because that count includes
    the right refusals of unanswerable questions (measured: such a "looser" challenger refused 6
    fewer unanswerable lookalike questions for 2 fewer false refusals). `options` defaults to the
    whole `grid()`.
    """
    tables = per_set(rows)
    gate_table = Table(gate_rows) if gate_rows else None

    def gate_ok(p: policies.Policy) -> bool:
        return gate_table is None or _passes(gate_table, p, gate or {})

    def measure(p: policies.Policy) -> tuple[bool, float]:
        """(false refusals within the cap on every set, mean objective)."""
        measured = [t.figures(p) for t in tables]
        capped = all(f.false_refusal <= MAX_FALSE_REFUSAL for f in measured)
        return capped, sum(f.objective for f in measured) / max(1, len(measured))

    everything = options if options is not None else grid(incumbent)
    candidates = [p for p in everything if gate_ok(p)] or everything
    measured = [(p, *measure(p)) for p in candidates]
    scored = [(p, v) for p, capped, v in measured if capped] or [(p, v) for p, _, v in measured]
    best, top = max(scored, key=lambda x: x[1])
    # A standard error is at most a few tenths of the objective: only those near the top are tested.
    near = [(p, v) for p, v in scored if v >= top - NEAR_TOP]
    tied = [p for p, v in near if v >= top - 1e-9 or v >= top - paired_se(tables, best, p)]
    loosest = min(refusals(tables, p) for p in tied)
    tied = [p for p in tied if refusals(tables, p) == loosest]
    fewest = min(checks(p) for p in tied)
    tied = [p for p in tied if checks(p) == fewest]
    for attr in ("min_focus_coverage", "min_essential_coverage", "min_score"):
        middle = _middle([getattr(p, attr) for p in tied])
        tied = [p for p in tied if getattr(p, attr) == middle]
    chosen = tied[0]
    if incumbent is None or not gate_ok(incumbent):
        return chosen
    incumbent_capped, incumbent_value = measure(incumbent)
    if not incumbent_capped and measure(chosen)[0]:
        return chosen
    gain = measure(chosen)[1] - incumbent_value
    noise = REPLACE_Z * paired_se(tables, chosen, incumbent)
    return chosen if gain > noise else incumbent


def engine_for(data_dir: Path) -> Engine:
    settings = get_settings().model_copy(update={"data_dir": data_dir})
    return build_engine(
        open_index(settings),
        embed_model=build_embed_model(settings),
        top_k=settings.top_k,
        cache_dir=settings.data_dir,
    )


def run(
    sets: list[tuple[Path, Path]], p: policies.Policy, *, whole: bool = False
) -> tuple[list[Row], dict[str, float]]:
    """Ask every calibration item of the real engine under policy `p`; rows and refusal flags."""
    rows: list[Row] = []
    refused: dict[str, float] = {}
    for dataset, data_dir in sets:
        engine = engine_for(data_dir)
        for item in calibration_items(dataset, whole=whole):
            with policies.using(p), extractive.recording() as seen:
                answer = engine.ask(item.question, item.history)
            recall = fact_recall(answer.answer, item.facts) if item.answerable else 0.0
            rows.append(Row(dataset.name, item, seen[-1] if seen else None, recall))
            refused[f"{dataset.name}:{item.id}"] = float(answer.refused)
    return rows, refused


def real_figures(rows: list[Row], refused: dict[str, float]) -> dict[str, Figures]:
    """Figures from the engine's own answers (not re-derived from features), per set."""
    out: dict[str, Figures] = {}
    for name in sorted({r.set for r in rows}):
        part = [r for r in rows if r.set == name]
        ans = [r for r in part if r.item.answerable]
        una = [r for r in part if not r.item.answerable]
        ref = {id(r): refused[f"{name}:{r.item.id}"] > 0 for r in part}
        out[name] = Figures(
            refusal_unanswerable=sum(ref[id(r)] for r in una) / max(1, len(una)),
            false_refusal=sum(ref[id(r)] for r in ans) / max(1, len(ans)),
            fact_recall=sum(0.0 if ref[id(r)] else r.recall for r in ans) / max(1, len(ans)),
            n_answerable=len(ans),
            n_unanswerable=len(una),
        )
    return out


def _parse_set(value: str) -> tuple[Path, Path]:
    dataset, sep, data_dir = value.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError("expected DATASET=DATA_DIR")
    return Path(dataset), Path(data_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=_parse_set, action="append", required=True, help="DATASET=DATA_DIR")
    parser.add_argument(
        "--write", action="store_true", help=f"write the chosen policy to {policies.POLICY_FILE}"
    )
    parser.add_argument(
        "--gate",
        type=_parse_set,
        action="append",
        default=[],
        help="DATASET=DATA_DIR whose whole set must pass evals/thresholds.toml (the dev set)",
    )
    args = parser.parse_args()
    rows, _ = run(args.set, OFF)
    gate_rows, _ = run(args.gate, OFF, whole=True)
    with GATE_FILE.open("rb") as fh:
        gate = tomllib.load(fh)
    incumbent = policies.load() if policies.POLICY_FILE.is_file() else None
    chosen = choose(rows, gate_rows, gate, incumbent)
    tables = per_set(rows)
    if incumbent is not None:
        challenger = choose(rows, gate_rows, gate)
        gain = mean_objective(rows, challenger) - mean_objective(rows, incumbent)
        se = paired_se(tables, challenger, incumbent)
        kept = "kept" if chosen == incumbent else "replaced"
        print(f"incumbent ({kept}): {incumbent}")
        print(f"challenger (loosest within one SE of the best): {challenger}")
        print(f"  its gain over the incumbent {gain:+.3f}, paired SE {se:.3f} (replaced above {REPLACE_Z})")
    if gate_rows:
        print(
            f"gate set (whole): {figures(gate_rows, chosen)}  passes: {passes_gate(gate_rows, chosen, gate)}"
        )
    names = sorted({r.set for r in rows})
    print("best 15 policies (mean objective over the sets):")
    for p, value in sorted(ranked(rows, grid(incumbent)), key=lambda x: -x[1])[:15]:
        print(f"  {value:.3f}  {p}")
    print(f"\nchosen: {chosen}")
    for name in names:
        print(f"  {name:32s} {figures([r for r in rows if r.set == name], chosen)}")
    print("each check's contribution (the chosen policy with that check off):")
    variants = {
        "no min score": replace(chosen, min_score=0.0),
        "no type check": replace(chosen, require_answer_type=False),
        "no focus check": replace(chosen, min_focus_coverage=0.0),
        "no unknown names": replace(chosen, refuse_unknown_names=False),
        "no name/number check": replace(chosen, min_essential_coverage=0.0, min_essential_in_passages=0.0),
        "no specific-word check": replace(chosen, min_specific_coverage=0.0),
        "no class check": replace(chosen, require_class=False, min_class_similarity=0.0),
        "no article check": replace(chosen, min_article_specific=0.0),
        "no contradiction check": replace(chosen, refuse_contradicted=False),
        "no speech check": replace(chosen, require_speech=False),
        "no unseen-word check": replace(chosen, min_unseen_frequency=0.0),
        **{f"no {name}": replace(chosen, **off) for name, (_, off) in NEW_CHECKS.items()},
    }
    for label, p in variants.items():
        for name in names:
            print(f"  {label:22s} {name:32s} {figures([r for r in rows if r.set == name], p)}")
    print(f"each new check, on against off in the chosen policy (worth it above {REPLACE_Z} paired SE):")
    for name, (on, off) in NEW_CHECKS.items():
        with_, without = replace(chosen, **on), replace(chosen, **off)
        gain = mean_objective(rows, with_) - mean_objective(rows, without)
        state = "on" if chosen == with_ else "off" if chosen == without else "other"
        print(f"  {name:22s} ({state}) gain {gain:+.4f}, paired SE {paired_se(tables, with_, without):.4f}")
    final_rows, refused = run(args.set, chosen)
    measured = real_figures(final_rows, refused)
    print("\nthe engine under the chosen policy:")
    for name, f in measured.items():
        print(f"  {name:32s} {f}")
    if args.write:
        record = {name: {k.name: getattr(f, k.name) for k in fields(Figures)} for name, f in measured.items()}
        policies.POLICY_FILE.write_text(chosen.to_json(calibrated_on=record), encoding="utf-8")
        print(f"wrote {policies.POLICY_FILE}")


if __name__ == "__main__":
    main()
