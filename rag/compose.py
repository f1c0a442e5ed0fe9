"""Answer first: the short fact a question asks for, in the articles' own words.

For a question that wants a number, an amount, a duration, a date, a day or a
time ("how many drones", "how long", "when"), the answer opens with the phrase of
the supporting sentence that states it ("Six-day." is not written: the phrase is
taken as the article words it, "six days", "five explosive drones", "on
Tuesday"), capitalised and closed with a full stop. The sentence it comes from
follows, cited, so the phrase is always read next to its evidence.

Who, where and which questions open the same way with an entity span read from
the shape of the sentence's tokens, not from word lists of names: "who" takes a
run of two or more capitalised words the question does not use, with the role
words next to it ("Russian defence minister Sergei Shoigu") or, without a name,
a role noun phrase ("A regional governor."); "where" takes a preposition and the
words up to a new capitalised name ("At the Russian border station of Khasan.");
"which river/ship/agency" takes the capitalised run next to the class noun
("The Razdolnaya River."). Every phrase is a contiguous span of its sentence, so
it can be highlighted there (`Phrase.start`/`end`). Yes/no answers ("Yes."/"No.")
are decided by `rag.extractive`, which knows whether a sentence settles them.

It deliberately does not paraphrase, convert units or dates, add numbers up, or
answer why/how questions with a fragment. It does not choose sentences
(`rag.extractive`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
MAX_ENTITY_WORDS = 9  # a who/where/which phrase may carry its role words ("the governor of ...")
ROLE_WORDS_BEFORE = 3  # lowercase words before a name that may describe it ("defence minister")
PLACE_GAP = 4  # lowercase words between a preposition and the name it leads to
PLACE_PREPOSITIONS = frozenset("in at to near from into outside inside across through via".split())
PLACE_LINKS = frozenset("the a an of".split())  # words that may sit inside a place phrase
DETERMINERS = frozenset("a an the his her its their".split())
FUNCTION_WORDS = DETERMINERS | frozenset("in on at to of for by with from and or but as".split())
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


# -- who / where / which ------------------------------------------------------------------

TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN.finditer(text))


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


def _name_runs(text: str, toks: list[re.Match[str]], ignore: frozenset[str]) -> list[tuple[int, int]]:
    """(first, last) token indexes of runs of capitalised words; `ignore`d words (weekdays, months)
    break runs, and a sentence's opening word starts none (it is capitalised as the first word)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        word = toks[i].group(0)
        if _capitalised(word) and word.lower() not in ignore:
            j = i
            while (
                j + 1 < len(toks)
                and _capitalised(toks[j + 1].group(0))
                and toks[j + 1].group(0).lower() not in ignore
            ):
                j += 1
            first = i + 1 if i == 0 and not word.isupper() else i
            while first <= j and toks[first].group(0).lower() in FUNCTION_WORDS:
                first += 1  # "A wildfire", "The Bank": a capitalised article opens no name
            if first <= j:
                runs.append((first, j))
            i = j + 1
        else:
            i += 1
    return runs


def _span(text: str, toks: list[re.Match[str]], i: int, j: int) -> tuple[int, int]:
    return toks[i].start(), toks[j].end()


def person_phrase(
    text: str,
    asked: frozenset[str],
    person_nouns: frozenset[str],
    ignore: frozenset[str],
    stop: frozenset[str] = frozenset(),
) -> tuple[int, int] | None:
    """The span naming the person a "who" question asks for: a new multi-word name with its role
    words ("defence minister Sergei Shoigu"), else a role noun phrase ("a regional governor")."""
    toks = _tokens(text)
    lowered = [t.group(0).lower() for t in toks]
    for i, j in _name_runs(text, toks, ignore):
        run = lowered[i : j + 1]
        if j - i < 1 or any(w in asked for w in run):  # the name asked about is no answer
            continue
        if j + 1 < len(toks) and lowered[j + 1] in person_nouns:
            continue  # "North Korean leader", "US State Department spokesman": it qualifies a noun
        start = i
        # lowercase role words right before the name, with up to two words that qualify them
        # ("Russian defence minister Sergei Shoigu")
        k = i - 1
        while k >= 0 and i - k <= ROLE_WORDS_BEFORE and lowered[k].isalpha():
            if lowered[k] in person_nouns:
                start = k
                while (
                    start > 0
                    and k - start < 2
                    and lowered[start - 1].isalpha()
                    and lowered[start - 1] not in stop
                ):
                    start -= 1
                break
            k -= 1
        if j - start + 1 <= MAX_ENTITY_WORDS:
            return _span(text, toks, start, j)
    for k, word in enumerate(lowered):
        if word in person_nouns and word not in asked:
            start = k
            while start > 0 and k - start < ROLE_WORDS_BEFORE and lowered[start - 1] not in DETERMINERS:
                if not lowered[start - 1].isalpha():
                    break
                start -= 1
            if start == 0 or lowered[start - 1] not in DETERMINERS:
                continue  # no "a"/"the" before it: no noun phrase read ("a 29-year-old man")
            start -= 1
            end = k
            # "the governor of the Primorye region": the "of ..." phrase up to a name's end
            if k + 2 < len(toks) and lowered[k + 1] == "of":
                m = k + 2
                while (
                    m < len(toks)
                    and m - k <= 5
                    and (lowered[m] in PLACE_LINKS or toks[m].group(0)[:1].isalpha())
                ):
                    if _capitalised(toks[m].group(0)):
                        end = m
                    elif lowered[m] not in PLACE_LINKS and end > k:
                        if lowered[m].isalpha() and m == end + 1 and lowered[m] not in asked:
                            end = m  # "Primorye region"
                        break
                    m += 1
            return _span(text, toks, start, end)
    return None


def place_phrase(
    text: str, asked: frozenset[str], ignore: frozenset[str], stop: frozenset[str]
) -> tuple[int, int] | None:
    """A preposition and the words up to a new capitalised name: "at the Vostochny Cosmodrome"."""
    toks = _tokens(text)
    lowered = [t.group(0).lower() for t in toks]
    for i, word in enumerate(lowered):
        if word not in PLACE_PREPOSITIONS:
            continue
        end = None
        gap = 0
        for m in range(i + 1, min(len(toks), i + 1 + PLACE_GAP + 4)):
            token = toks[m].group(0)
            if _capitalised(token) and lowered[m] not in ignore:
                end = m
                continue
            if not token[:1].isalpha() or (lowered[m] in stop and lowered[m] not in PLACE_LINKS):
                break
            if lowered[m] not in PLACE_LINKS and lowered[i + 1] not in DETERMINERS:
                break  # "to hit Tavu": words between need "the"/"a" ("at the old harbour gate of ...")
            gap += lowered[m] not in PLACE_LINKS
            if gap > PLACE_GAP:
                break
        if end is None:
            continue
        if lowered[end] == "of":
            end -= 1
        names = [lowered[m] for m in range(i + 1, end + 1) if _capitalised(toks[m].group(0))]
        if names and not all(n in asked for n in names) and end - i + 1 <= MAX_ENTITY_WORDS:
            return _span(text, toks, i, end)
    return None


def class_phrase(
    text: str, head_stem: str, asked: frozenset[str], ignore: frozenset[str], stem_of: Callable[[str], str]
) -> tuple[int, int] | None:
    """The name next to the noun a "which X" question asks about: "the Razdolnaya River",
    "the frigate Admiral Shaposhnikov"."""
    toks = _tokens(text)
    lowered = [t.group(0).lower() for t in toks]
    runs = _name_runs(text, toks, ignore)
    for k, word in enumerate(lowered):
        if stem_of(word) != head_stem:
            continue
        for i, j in runs:
            names = lowered[i : j + 1]
            if all(n in asked for n in names):
                continue
            if i <= k <= j:  # "the Razdolnaya River": the class noun is part of the name
                start = i - 1 if i > 0 and lowered[i - 1] == "the" else i
                return _span(text, toks, start, j)
            if i == k + 1:  # "the frigate Admiral Shaposhnikov"
                start = k - 1 if k > 0 and lowered[k - 1] == "the" else k
                return _span(text, toks, start, j)
    return None


def format_entity(phrase: str) -> str:
    """ "at the Vostochny Cosmodrome" -> "At the Vostochny Cosmodrome."; "" when too long."""
    phrase = phrase.strip().rstrip(".,;:")
    if not phrase or len(phrase.split()) > MAX_ENTITY_WORDS:
        return ""
    return phrase[0].upper() + phrase[1:] + "."
