"""The benchmark's questions: the dev set for quality, plus deterministic paraphrases for timing.

Quality (hit@5, MRR) uses the dev set's answerable questions as written, with
follow-ups made standalone by `rag.followup.rewrite` so that ours and the
baseline search with the same text. Timing uses every dev question, then the
same questions reworded by fixed templates ("Based on the reports, ..."), until
the requested count: every timed question is a distinct string, so no embedding
cache can serve a repeat.

It does not ask or retrieve anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evals.dataset import Item, load_dataset
from rag.followup import rewrite

DEV_DATASET = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "dev.jsonl"

# Variant 0 is the question itself. {q} is the question, {lq} the same with a lowercase opener.
VARIANTS = (
    "{q}",
    "Based on the reports, {lq}",
    "Quick question: {q}",
    "{q} Please answer from the articles.",
    "According to the news coverage, {lq}",
    "I would like to know: {q}",
    "Tell me, {lq}",
)
# Openers that are not names, so they may be lowercased after a prefix.
LOWERCASE_OPENERS = frozenset(
    "what which who whom whose when where why how did does do was were is are has have had can "
    "could would will should in on at after before during according for".split()
)
WARMUP_QUESTIONS = (
    "What happened this week?",
    "Who met whom, and where?",
    "Which city hosted the talks?",
    "How many people attended?",
    "What did the minister say about prices?",
)


@dataclass(frozen=True)
class Question:
    """One question to ask: its text, history, the standalone form, and what it comes from."""

    item_id: str
    variant: int
    text: str
    history: list[dict[str, str]] = field(default_factory=list)
    standalone: str = ""
    answerable: bool = True
    sources: list[str] = field(default_factory=list)


def _lower_opener(question: str) -> str:
    first = question.split(" ", 1)[0]
    if first.lower().strip("?,") in LOWERCASE_OPENERS:
        return question[0].lower() + question[1:]
    return question


def reword(question: str, variant: int) -> str:
    """The question in wording number `variant` (0 is unchanged)."""
    template = VARIANTS[variant % len(VARIANTS)]
    return template.format(q=question, lq=_lower_opener(question))


def _question(item: Item, variant: int) -> Question:
    text = reword(item.question, variant)
    return Question(
        item_id=item.id,
        variant=variant,
        text=text,
        history=list(item.history),
        standalone=rewrite(text, item.history),
        answerable=item.answerable,
        sources=list(item.sources),
    )


def load_items(path: Path = DEV_DATASET) -> list[Item]:
    return load_dataset(path)


def quality_questions(items: list[Item], limit: int | None = None) -> list[Question]:
    """The answerable items as written (the first `limit` of them)."""
    chosen = [_question(item, 0) for item in items if item.answerable and item.sources]
    return chosen[:limit] if limit else chosen


def timing_questions(items: list[Item], count: int) -> list[Question]:
    """`count` distinct questions: every item as written, then reworded, round after round."""
    out: list[Question] = []
    seen: set[str] = set()
    variant = 0
    while len(out) < count and variant < len(VARIANTS):
        for item in items:
            q = _question(item, variant)
            if q.text not in seen:
                seen.add(q.text)
                out.append(q)
            if len(out) == count:
                break
        variant += 1
    if len(out) < count:
        raise ValueError(f"only {len(out)} distinct questions can be made from {len(items)} items")
    return out
