"""Answer first: the short fact a question asks for, in the articles' own words.

For a question that wants a number, an amount, a duration, a date, a day or a
time ("how many drones", "how long", "when"), the answer opens with the phrase of
the supporting sentence that states it ("Six-day." is not written: the phrase is
taken as the article words it, "six days", "five explosive drones", "on
Tuesday"), capitalised and closed with a full stop. The sentence it comes from
follows, cited, so the phrase is always read next to its evidence.

It deliberately does not paraphrase, convert units or dates, add numbers up, or
answer who/where/why questions with a fragment (a name cut out of a sentence
loses what it is the name of). It does not choose sentences (`rag.extractive`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

SHORT_TYPES = (
    "count",
    "duration",
    "money",
    "amount",
    "date",
    "weekday",
    "time",
    "distance",
    "speed",
    "weight",
    "percent",
    "age",
)
MAX_SHORT_WORDS = 6  # a longer phrase is no short answer
COUNT_TAIL = 3  # words after a number that may belong to what it counts ("five explosive drones")


class Sentence(Protocol):
    @property
    def text(self) -> str: ...


def short_phrase(kind: str, text: str, patterns: dict[str, re.Pattern[str]], counted: Sequence[str]) -> str:
    """The phrase of `text` that states an answer of `kind`, or ""."""
    if kind == "count":
        return _count_phrase(text, patterns["count"], counted)
    pattern = patterns.get(kind)
    match = pattern.search(text) if pattern is not None else None
    if match is None:
        return ""
    phrase = match.group(0).strip(" ,;")
    if kind in ("weekday", "date") and (
        before := re.search(r"\b(on|in|since|by)\s+$", text[: match.start()])
    ):
        phrase = f"{before.group(1)} {phrase}"
    return phrase


def _count_phrase(text: str, number: re.Pattern[str], counted: Sequence[str]) -> str:
    """A number and the words up to the thing counted ("five explosive drones")."""
    from rag.sentences import stem

    if not counted:
        return ""  # "how many died": the number alone would not say what it counts
    tokens = list(re.finditer(r"\d[\d,.]*\d|[\w’'-]+|[^\w\s]", text))
    for i, token in enumerate(tokens):
        if not number.fullmatch(token.group(0)):
            continue
        for j in range(i + 1, min(len(tokens), i + 1 + COUNT_TAIL)):
            word = tokens[j].group(0).lower()
            if not word[:1].isalnum():
                break
            if stem(word) in counted:
                return text[token.start() : tokens[j].end()]
    return ""


def format_short(phrase: str) -> str:
    """ "six days" -> "Six days."; "" when the phrase is too long to be a short answer."""
    phrase = phrase.strip().rstrip(".,;:")
    if not phrase or len(phrase.split()) > MAX_SHORT_WORDS:
        return ""
    return phrase[0].upper() + phrase[1:] + "."
