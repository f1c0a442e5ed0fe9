"""Answers worded otherwise than the question: when a sentence states what is asked in other words.

The reader's answer-type check wants a "how many jobs" count as a number followed by "jobs" (or a
word near it in meaning). News often states a count with another noun right after the number and
the counted thing elsewhere in the sentence: "About 140 people lost their jobs." answers "how many
jobs were lost"; "Four of the six books on the shortlist are debut novels." answers "how many
debuts on the shortlist"; "About 4 percent of patients stopped taking the drug" answers "how many
people stopped the drug". `restates_count` accepts such a sentence as stating the count when it
states every focus word of the question (the sentence restates the question whole), the counted
thing anywhere in it, and a number the question does not state (not a year).

The focus-coverage check reads the lead with the continuations that go on about its subject. A
lead chosen for its closeness in meaning ("who directed it", after a question about a film: the
sentence naming the film) often leaves the focus to another sentence of its article the answer
quotes ("It was directed by ..."). `whole_focus` lends the lead full coverage when one such
sentence states the question's whole focus (literally or by a near synonym), never part of it.

It deliberately decides nothing else: it does not choose the lead (a rule that moved the lead by
meaning broke answers elsewhere in session 9); it does not match a focus word by meaning itself
(single-word vectors do not tell an answerable paraphrase from an unanswerable question on the
calibration sets: "hole" and "gap", answerable, are 0.47 apart in cosine; "cabin" and "camp", a
question the articles do not answer, 0.57); it does not read what the number quantifies (that is
`rag.quantity`'s fit, which still runs after it) and it does not open the answer with a short fact
(the quoted sentence states it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.sentences import YEAR

RESTATED_MIN_COVERAGE = 0.999  # the sentence states the question's whole focus (IDF share; 1.0 with rounding)
PRONOUN_NUMBERS = frozenset({"one"})  # "no one was hurt", "the one that": a pronoun, no count


def whole_focus(coverages: Iterable[float], focus: Iterable[str]) -> float:
    """The focus coverage a sentence quoted beside the lead lends it: 1.0 when one of `coverages` (of
    the quoted sentences of the lead's article) states the question's whole focus, else 0.0 (a
    sentence stating part of it says nothing the lead's own coverage should count). A focus of
    numbers alone ("ok and 2025?") is no relation a sentence can restate."""
    if not any(word.isalpha() for word in focus):
        return 0.0
    return 1.0 if max(coverages, default=0.0) >= RESTATED_MIN_COVERAGE else 0.0


def restates_count(
    tokens: list[str],
    *,
    coverage: float,
    counted_stated: bool,
    people: frozenset[str],
    own_words: Iterable[str],
    number: re.Pattern[str],
    window: int,
) -> bool:
    """Whether a sentence (its lowercase `tokens`) states the count a "how many" question asks, in
    other words than a number right before the counted noun.

    `coverage` is the share of the question's focus the sentence states; `counted_stated` whether it
    names the counted thing anywhere; `people`, when the question counts people, the words that
    count persons (a number must have one within `window` words after it: "4 percent of patients",
    not "two military officials" of a delegation, which is no head count); `own_words` are the
    question's words (its own numbers are no answer); `number` matches a number token ("140",
    "four").
    """
    if coverage < RESTATED_MIN_COVERAGE or not (counted_stated or people):
        return False
    asked = set(own_words)
    for i, token in enumerate(tokens):
        if not number.fullmatch(token) or token in asked or YEAR.fullmatch(token) or token in PRONOUN_NUMBERS:
            continue
        if not people or people & set(tokens[i + 1 : i + 1 + window]):
            return True
    return False
