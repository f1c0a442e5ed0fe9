"""A "when" answer quotes the dateline of an opening sentence that dates its fact by a weekday only.

A wire report dates its opening sentence by the dateline above it: "SKARHOLM, March 12, 2024 (LNA) -"
then "Arcline Space's Corvid rocket reached orbit on its first flight on Tuesday, ...". The cleaner
keeps such a dateline on a line of its own (`rag.clean`: its date may be the only one the article
gives), and the reader never quotes it alone (it is no sentence). So "when did the corvid rocket
first fly" was answered "... on Tuesday, ..." while the article's date sat one line above. Here a
quoted sentence that states its time only as a weekday or a relative day ("on Tuesday", "yesterday")
and directly follows a dateline stating a day is quoted with that dateline in front of it: the
answer's words are still the article's, in the article's order, and the dateline's date is the one
the weekday refers to.

What the misses were (main at 49f16f6, calibration and dev sets): of 153 facts found in a retrieved
passage but not in the answer, 7 were in no sentence the reader can quote, 4 of them a dateline's
date or year. Measured on the calibration and dev sets: 19 answers to "when" questions quote a
dateline, 1 fact gained ("March 12, 2024"), none lost, no refusal or citation changed.

It deliberately does not compute a date from a weekday (no date the article does not print), look at
datelines that state no day ("MIAMI (AP) -"), nor quote a dateline for a question that asks no time
or for a sentence that states its own date ("on March 12"): it changes no refusal (it runs on the
answer as quoted, after the refusal checks) and adds no citation (the dateline is of the quoted
sentence's own article).
"""

from __future__ import annotations

import re

from rag.clean import DATELINE, MONTHS, WIRE_DATELINE
from rag.sentences import WEEKDAYS

MAX_GAP = 3  # characters of whitespace between the dateline's line and the sentence below it
WEEKDAY = re.compile(rf"\b(?:{'|'.join(WEEKDAYS)})\b", re.I)
RELATIVE_DAY = re.compile(r"\b(?:today|yesterday|tonight|this (?:morning|afternoon|evening))\b", re.I)
MONTH_DAY = re.compile(rf"\b(?:{MONTHS})\.? \d{{1,2}}\b|\b\d{{1,2}} (?:{MONTHS})\b", re.I)


def dates_by_weekday(sentence: str) -> bool:
    """Whether `sentence` states its time only relatively: a weekday or a relative day, no month day."""
    return bool(WEEKDAY.search(sentence) or RELATIVE_DAY.search(sentence)) and not MONTH_DAY.search(sentence)


def is_dateline(line: str) -> bool:
    """Whether `line` is a dateline and nothing else, stating a day ("DRAVEC, October 11, 2025 (KPA) -")."""
    bare = line.strip()
    m = WIRE_DATELINE.match(bare) or DATELINE.match(bare)
    return m is not None and bool(m["day"]) and not bare[m.end() :].strip()


def dateline_before(text: str, start: int) -> int | None:
    """The offset in `text` of the dateline line directly above the sentence starting at `start`, or None."""
    before = text[:start]
    body = before.rstrip()
    if len(before) - len(body) > MAX_GAP or "\n" not in before[len(body) :]:
        return None  # the sentence does not open a line right under another one
    line_start = body.rfind("\n") + 1
    return line_start if is_dateline(body[line_start:]) else None
