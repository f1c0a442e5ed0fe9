"""The extractive reader's refusal policy: data written by calibration, loaded at run time.

`evals/calibrate.py` chooses the policy on the calibration split of the question
sets and writes `rag/policy.json` (with the figures it measured); the reader
loads it once. Nothing is tuned at run time, and no threshold is copied by hand
into the reader. `using(policy)` swaps the policy for the current context only,
so calibration can drive the real engine with a candidate policy.

It does not compute the features the policy reads (`rag.extractive` does).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

POLICY_FILE = Path(__file__).parent / "policy.json"


@dataclass(frozen=True)
class Policy:
    min_score: float = 0.2  # best evidence score; refuses off-topic questions
    require_answer_type: bool = True  # "how many" needs a number of the thing counted, "when" a time...
    min_focus_coverage: float = 0.25  # IDF share of the question's focus words the lead states
    refuse_unknown_names: bool = True  # a name the articles never mention ("zelensky") refuses
    # a word the articles never use, rarer in English than this (log10 count; 0: off) refuses ("messi")
    min_unseen_frequency: float = 0.0
    require_class: bool = False  # "what colour/model/brand ..." needs that word (or a near synonym) stated
    min_essential_coverage: float = 0.0  # share of the question's names/numbers the answer states
    min_essential_in_passages: float = 0.0  # ... the passages it quotes from state
    min_specific_coverage: float = 0.0  # share of the question's rare (high-IDF) words the answer states
    min_name_coverage: float = 0.0  # share of the question's names in the passages
    require_key_focus: bool = False  # the lead states the question's verb
    refuse_contradicted: bool = False  # the lead states another year/model/number than the question's
    # "... in 2026" against a lead whose fact is for 2025 or another quarter (`rag.timeframe`)
    refuse_other_time: bool = False
    min_class_similarity: float = 0.0  # "what colour": the nearest word of the answer to "colour" (cosine)
    min_article_specific: float = 0.0  # share of the question's rare words the lead's article states
    require_speech: bool = True  # "what did X say" needs a sentence that reports X's words
    # "how much/many": the IDF share of the question's focus the clause of the answer's number states
    # (`rag.quantity`; a rate or receiver asked and not stated there: 0); 0: off
    min_quantity_fit: float = 0.0
    # "how much is a ticket / how thick is the wall": a chosen sentence states a figure of that kind
    # (a price, a length; `rag.quantity.asked_measure`), not only a year or a count of tickets
    require_measure: bool = False
    require_role: bool = False  # "who designed X" needs a retrieved sentence stating the role (rag.role)
    require_role_filled: bool = False  # ... and a lead stating it next to the entity it answers with
    # "did the strike go ahead": the lead states it only as planned ("the union would call a strike")
    refuse_unrealised: bool = False
    # "what did the first pictures show": the lead states the event only as planned ("should arrive")
    refuse_unrealised_wh: bool = False
    # ... or only the sentence of the lead's article that states what the lead leaves unstated does:
    # "has the wall been finished" over "Building ... should be finished by the end of 2026"
    refuse_unrealised_residue: bool = False
    # "which party is tove lien from": a chosen sentence states the slot next to its owner (rag.attribute)
    require_attribute: bool = False
    # "which prison is X in": no chosen sentence mentions the noun without identifying it (rag.identify)
    require_identified: bool = False
    # "what's the name of the nurse", "what were they called": likewise for a request for a name
    # (`rag.identify.asked_name`)
    require_named: bool = False
    # the specificity-weighted share of the question's content words the corpus covers, literally or by
    # a near word of the best retrieved sentences (`rag.coverage`: "kimchi", "hamlet" are not); 0: off
    min_corpus_coverage: float = 0.0
    refuse_small_talk: bool = False  # a question with no content that addresses the assistant ("how are you")
    # "how did dairy farmers react", "did passengers like it": a chosen sentence has that holder say,
    # react, judge or vote (`rag.opinion`)
    require_opinion: bool = False
    # read a question's preamble apart from its ask (`rag.asking`): the preamble's words only need to be
    # found in the retrieved passages, and an ordinary lowercase word of it is no unknown name
    read_preamble: bool = False
    # read chat around the ask as no focus (`rag.chatter`): the words of a preamble the passages share
    # none of, and numbers of the asker's own situation ("my father is 72")
    read_chatter: bool = False
    # read an interview's answer with the question printed before it (`rag.interview`)
    read_interview: bool = False

    def to_json(self, **extra: Any) -> str:
        return json.dumps({**asdict(self), **extra}, indent=2, sort_keys=False) + "\n"


def load(path: Path = POLICY_FILE) -> Policy:
    """The policy in `path` (unknown keys, such as the figures calibration records, are ignored)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {f.name for f in fields(Policy)}
    return Policy(**{k: v for k, v in data.items() if k in names})


@lru_cache(maxsize=1)
def _shipped() -> Policy:
    return load() if POLICY_FILE.is_file() else Policy()


_override: contextvars.ContextVar[Policy | None] = contextvars.ContextVar("rag_policy", default=None)


def current() -> Policy:
    """The policy in force: an override set by `using`, else the shipped `policy.json`."""
    return _override.get() or _shipped()


@contextlib.contextmanager
def using(policy: Policy) -> Iterator[Policy]:
    """Answer with `policy` inside the block (calibration's candidate policies)."""
    token = _override.set(policy)
    try:
        yield policy
    finally:
        _override.reset(token)
