"""The sentence of the lead's own article that states what the lead leaves open.

A lead often names the topic of the question but not the detail asked: "did nordcargo find cracks on
other wagons" is led by "The wagons belong to Nordcargo, ..." while the answer is a sentence further
on, "It found cracks on four other wheels, which were replaced."; "was anyone killed by fenna" is led
by the storm's gusts while "No deaths or serious injuries were reported." says it. Such a sentence
scores low against the whole question (it shares few of its words and leans on a pronoun), so the
score order never quotes it. Here the question's focus words the lead (with the sentences read with
it) does not state are the residue; a sentence of the lead's article that states the most of the
residue's IDF weight, literally or by a word near in meaning (word vectors, the caller's
`near` map), is quoted in the answer, in place of a quoted sentence that states less of it.

It reads only the answer as quoted: the refusal checks never see it (a refusal is decided before),
and it adds no citation (the lead's article is cited already). The sentence it replaces is one the
answer quotes only to fill it (`same_article` or `fill`), of the lead's article, carrying no asked
answer type: replacing sentences of other articles or the `further` ones lost facts on the
calibration sets (an article's "The money will pay for ... an earth embankment" for another's
grant; "A record crowd of 32,450 watched" for "how many fans").

What the misses were (main at dc90ec4, the 61 calibration items whose fact sentence is in the lead's
own article): every answer already quoted three sentences; the fact sentence scored below
`SAME_ARTICLE_RATIO` of the lead in 44; 14 open with a pronoun or "The company"-like subject;
11 directly follow the lead (the continuation rule's cosine turned them down), 14 come before it;
in none did the fact sentence carry an expected answer type the lead lacks (the lead carried it too).
In 19 the lead states every focus word (no residue: the relation asked is what it lacks, which is
`rag.leadpick`'s business). Measured: 4 facts gained, none lost, on the calibration sets.

It deliberately does not choose the lead, score sentences, nor look at other articles; it has no
word lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_RESIDUE_SHARE = 0.5  # the sentence states at least this share of the residue's weight
MIN_GAIN_OVER = 0.25  # ... and this much more of it than the quoted sentence it replaces
MIN_SCORE_RATIO = 0.1  # no sentence scoring below this share of the lead (off the question altogether)
POOL = 10  # the best-scoring sentences of the lead's article looked at (their words are embedded)


@dataclass(frozen=True)
class Option:
    """A sentence that may be quoted: its stems, its lowercase words, its score."""

    terms: frozenset[str]
    words: frozenset[str]
    score: float


def residue(
    focus: Sequence[tuple[str, str]], stated: set[str], frame: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The (stem, word) focus pairs no stated stem covers, frame words ("what day") excepted."""
    return [(t, w) for t, w in focus if t not in stated and w not in frame]


def states(option: Option, stem: str, word: str, near: Mapping[str, frozenset[str]]) -> bool:
    """Whether `option` states a focus word: its stem, or a word near it in meaning."""
    return stem in option.terms or bool(near.get(word, frozenset()) & option.words)


def gain(
    option: Option,
    missing: Sequence[tuple[str, str]],
    weight: Mapping[str, float],
    near: Mapping[str, frozenset[str]],
) -> float:
    """The share of the residue's weight `option` states (0 when there is no residue)."""
    total = sum(weight.get(t, 0.0) for t, _ in missing)
    if total <= 0:
        return 0.0
    return sum(weight.get(t, 0.0) for t, w in missing if states(option, t, w, near)) / total


def best(
    options: Sequence[Option],
    missing: Sequence[tuple[str, str]],
    weight: Mapping[str, float],
    near: Mapping[str, frozenset[str]],
    lead_score: float,
) -> int | None:
    """The index of the option stating most of the residue (the better-scoring on a tie), when one
    states `MIN_RESIDUE_SHARE` of it and scores `MIN_SCORE_RATIO` of the lead; else None."""
    scored = [
        (gain(o, missing, weight, near), o.score, i)
        for i, o in enumerate(options)
        if o.score >= MIN_SCORE_RATIO * lead_score
    ]
    if not scored:
        return None
    top = max(scored)
    return top[2] if top[0] >= MIN_RESIDUE_SHARE else None


def slot(gains: Sequence[float | None], new_gain: float, free: bool) -> int | None:
    """Where the new sentence goes among the quoted ones: -1 (appended) when a place is `free`; else
    the index of the replaceable quoted sentence (gain not None) stating least of the residue, the
    later one on a tie, when the new one states `MIN_GAIN_OVER` more; else None (quote nothing)."""
    if free:
        return -1
    open_ = [(g, -i) for i, g in enumerate(gains) if g is not None]
    if not open_:
        return None
    low, neg = min(open_)
    return -neg if new_gain >= low + MIN_GAIN_OVER else None
