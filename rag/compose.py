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
("The Razdolnaya River."). Of several names, "who" takes the one next to the role the question
asks ("Emre Yilmaz scored"; a passive's agent after "by" first) and never one a place preposition
introduces ("on Kings Street"), and the agent of a passive of the verb asked first ("made by
Aerotek Engines"); "who is NAME" takes the words that say who NAME is ("Kremlin spokesperson", an
apposition). Of several times, amounts or places, the one whose clause states most of the
question, the relation asked (its verb) outweighing the names ("closed on Tuesday and reopened on
Wednesday"); of several counts, the one that states most of the counted words, with its whole
("14 of the train's 22 wagons"), then the one whose clause states the rest of the question.
Every phrase is a contiguous span of its sentence, so it can be highlighted there
(`Phrase.start`/`end`). Yes/no answers ("Yes."/"No.") are decided by `rag.extractive`, which
knows whether a sentence settles them.

Counts added up (`count_total`): "how many drones" over "five explosive drones, a
reconnaissance drone and a bulletproof vest" opens with "In total: six drones." Only the
number and "In total:" are this module's words; the noun is the article's. The addends are
read from one enumeration inside one sentence: each is a number directly before the asked
noun (with at most `COUNT_TAIL` describing words between, every word the question puts
before its noun among them), the noun ending its phrase (a full stop, a comma or a function
word follows: "drone show" counts shows), the addends joined only by commas, "and", "plus",
"as well as". A year, a decimal, a price, "dozens of", "the five drones" and a number that is
the sum of the others ("six drones, five attack drones and one ...") stop it; every sentence
of the article that forms such an enumeration must give the same total. It never adds
across sentences (an article restates its figures: "five explosive drones" and later "five
kamikaze drones" are the same five) nor across articles (outlets repeat the same items).
The addends' offsets let the interface highlight them in the quoted sentence.

It deliberately does not paraphrase, convert units or dates, or answer why/how questions
with a fragment. It does not choose sentences (`rag.extractive`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.question import reads_as_name
from rag.sentences import CLAUSE_PUNCT, NUMBER_VALUES, TOKEN, base_terms

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
MAX_SHORT_WORDS = 8  # a longer phrase is no short answer ("three days, 14 hours and 22 minutes" is 7)
MAX_ENTITY_WORDS = 9  # a who/where/which phrase may carry its role words ("the governor of ...")
ROLE_WORDS_BEFORE = 3  # lowercase words before a name that may describe it ("defence minister")
PLACE_GAP = 4  # lowercase words between a preposition and the name it leads to
PLACE_PREPOSITIONS = frozenset("in at to near from into outside inside across through via".split())
PLACE_LINKS = frozenset("the a an of".split())  # words that may sit inside a place phrase
# Prepositions before a name that make it where something is, not who did it ("on Kings Street",
# "at the Stadio Marittimo"); "from" and "to" are left out: "students from Brannock University"
WHO_PLACE_PREPOSITIONS = frozenset("in at on near into outside inside across through via along".split())
AGENT_PREPOSITIONS = frozenset({"by"})  # "made by Aerotek Engines": the agent of a passive
DETERMINERS = frozenset("a an the his her its their".split())
FUNCTION_WORDS = DETERMINERS | frozenset("in on at to of for by with from and or but as".split())
IDENTITY_WORDS = 5  # words before a name that may say who the person is ("Kremlin spokesperson")
# ", the chief executive of Brightwell Foods," right after the name (an age aside, ", 49,", before it)
# or ", leader of the Green Alliance group," (a lowercase noun phrase; a verb or "who" opens none)
APPOSITION_AFTER = re.compile(r"(?:,\s*\d+)?,\s*((?:a|an|the)\s[^,.;:()]+|[a-z][^,.;:()]*)")
# What bounds a clause for `short_phrase`: punctuation (not the comma of "1,800" nor the colon of
# "22:00") and a dash; with the relation asked to look for (`weight`), also a conjunction not
# between two numbers ("construction is due to start in 2026 and the turbines should produce
# electricity from 2029"; not "between 2018 and 2020").
PUNCT_BREAK = CLAUSE_PUNCT + r"|\s[-–—]\s"
CLAUSE_BREAK = re.compile(PUNCT_BREAK)
VERB_CLAUSE_BREAK = re.compile(PUNCT_BREAK + r"|\s(?:and|but|while|whereas)\s(?!\d)", re.I)
TIME_PREPOSITION = re.compile(r"(?:on|in|since|by|from|until|before|after)\b", re.I)  # kept before a time
PARTITIVE_GAP = 3  # words between "14 of" and the whole's number ("the train's 22 wagons")
COUNT_TAIL = 3  # words after a number that may belong to what it counts ("five explosive drones")


class Sentence(Protocol):
    @property
    def text(self) -> str: ...


def short_phrase(
    kind: str,
    text: str,
    patterns: dict[str, re.Pattern[str]],
    counted: Sequence[str],
    focus: frozenset[str] = frozenset(),
    weight: Callable[[str], float] | None = None,
) -> str:
    """The phrase of `text` that states an answer of `kind`, or "".

    Of several ("Duarte, who led the club to the title in 2024, was sacked in February"), the one
    whose clause states most of the question's `focus` stems ("when was duarte sacked": "in
    February"), each stem weighing `weight(stem)` (the caller's: the relation asked first), the
    first on a tie."""
    if kind == "count":
        return _count_phrase(text, patterns["count"], counted, focus - set(counted), weight)
    pattern = patterns.get(kind)
    matches = list(pattern.finditer(text)) if pattern is not None else []
    if not matches:
        return ""
    match = matches[0]
    if len(matches) > 1 and focus:
        match = max(matches, key=lambda m: (_clause_focus(text, m.start(), focus, weight), -m.start()))
    phrase = match.group(0).strip(" ,;")
    if (
        kind in ("weekday", "date", "time")
        and not TIME_PREPOSITION.match(phrase)
        and (before := re.search(rf"\b({TIME_PREPOSITION.pattern})\s+$", text[: match.start()], re.I))
    ):
        phrase = f"{before.group(1)} {phrase}"  # "from 2029": the year alone would say when it began
    return phrase


def _clause_focus(
    text: str, at: int, focus: frozenset[str], weight: Callable[[str], float] | None = None
) -> float:
    """How much of `focus` (stems) the clause around offset `at` states: the words between the
    clause marks on either side (`CLAUSE_BREAK`; with `weight`, `VERB_CLAUSE_BREAK`: coordinated
    verbs are told apart by the one asked), each stem weighing `weight(stem)` (1 without)."""
    breaks = VERB_CLAUSE_BREAK if weight else CLAUSE_BREAK
    start = max((m.end() for m in breaks.finditer(text, 0, at)), default=0)
    end = next((m.start() for m in breaks.finditer(text, at)), len(text))
    stated = set(base_terms(text[start:end])) & focus
    return sum(weight(t) for t in stated) if weight else float(len(stated))


def _count_phrase(
    text: str,
    number: re.Pattern[str],
    counted: Sequence[str],
    focus: frozenset[str] = frozenset(),
    weight: Callable[[str], float] | None = None,
) -> str:
    """A number and the words up to the thing counted ("five explosive drones"); of several, the
    one that states most of the counted words ("120 permanent jobs" before "900 jobs" for "how many
    permanent jobs"), then the one whose clause states most of the question's other `focus` ("how
    many people lost their homes": "1,800 people had lost their homes", not "140 people had been
    injured"), the first on a tie."""
    from rag.sentences import stem

    if not counted:
        return ""  # "how many died": the number alone would not say what it counts
    tokens = list(re.finditer(r"\d[\d,.]*\d|[\w’'-]+|[^\w\s]", text))
    best, best_key = "", (0, 0.0)
    for i, token in enumerate(tokens):
        if not number.fullmatch(token.group(0)):
            continue
        # a part of a whole: "14 of the train's 22 wagons", "four of the 13 cabinet posts"
        whole = next(
            (
                k
                for k in range(i + 2, min(len(tokens), i + 2 + PARTITIVE_GAP))
                if number.fullmatch(tokens[k].group(0))
            ),
            None,
        )
        start = whole if whole is not None and tokens[i + 1].group(0).lower() == "of" else i
        last = 0  # the phrase runs to the last counted word: "five kamikaze drones", not "five kamikaze"
        stated: set[str] = set()
        for j in range(start + 1, min(len(tokens), start + 1 + COUNT_TAIL)):
            word = tokens[j].group(0).lower()
            if not word[:1].isalnum() or (last and word in FUNCTION_WORDS):
                break
            if stem(word) in counted:
                last = j
                stated.add(stem(word))
        if not last:
            continue
        key = (len(stated), _clause_focus(text, token.start(), focus, weight) if focus else 0.0)
        if key > best_key:
            best, best_key = text[token.start() : tokens[last].end()], key
    return best


def format_short(phrase: str) -> str:
    """ "six days" -> "Six days."; "" when the phrase is too long to be a short answer."""
    phrase = phrase.strip().rstrip(".,;:")
    if not phrase or len(phrase.split()) > MAX_SHORT_WORDS:
        return ""
    return phrase[0].upper() + phrase[1:] + "."


# -- who / where / which ------------------------------------------------------------------


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN.finditer(text))


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


def _name_runs(text: str, toks: list[re.Match[str]], ignore: frozenset[str]) -> list[tuple[int, int]]:
    """(first, last) token indexes of runs of capitalised words; `ignore`d words (weekdays, months)
    break runs, and a sentence's opening word starts none (it is capitalised as the first word)
    unless it reads as a name that opens a longer run ("Rafael Ostby won ...", not "Yesterday Putin")."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        word = toks[i].group(0)
        if _capitalised(word) and word.lower() not in ignore:
            j = i
            while j + 1 < len(toks):
                if _capitalised(toks[j + 1].group(0)) and toks[j + 1].group(0).lower() not in ignore:
                    j += 1
                elif toks[j + 1].group(0) == "&" and j + 2 < len(toks) and _capitalised(toks[j + 2].group(0)):
                    j += 2  # "Salt & Signal", "Holm & Daughters": one name
                else:
                    break
            opening = i == 0 and not word.isupper() and not (j > i and reads_as_name(word))
            first = i + 1 if opening else i
            while first <= j and (
                toks[first].group(0).lower() in FUNCTION_WORDS or not toks[first].group(0)[:1].isalnum()
            ):
                first += 1  # "A wildfire", "The Bank": a capitalised article opens no name, nor "&"
            if first <= j:
                runs.append((first, j))
            i = j + 1
        else:
            i += 1
    return runs


def _span(text: str, toks: list[re.Match[str]], i: int, j: int) -> tuple[int, int]:
    return toks[i].start(), toks[j].end()


def _agent_of(lowered: list[str], i: int, verbs: set[str]) -> bool:
    """Whether the name starting at token `i` is the agent of a passive of one of `verbs` (terms):
    "made by Aerotek Engines" for "makes"."""
    k = _word_before(lowered, i)
    return k >= 1 and lowered[k] in AGENT_PREPOSITIONS and bool(set(base_terms(lowered[k - 1])) & verbs)


def _introduced_by(lowered: list[str], i: int, prepositions: frozenset[str]) -> bool:
    """Whether the name starting at token `i` follows one of `prepositions`, directly or after a
    determiner: "on Kings Street", "at the Stadio Marittimo", "by Aerotek Engines"."""
    k = _word_before(lowered, i)
    return k >= 0 and lowered[k] in prepositions


def _word_before(lowered: list[str], i: int) -> int:
    """The index of the word before the name starting at token `i`, past a determiner (-1: none)."""
    k = i - 1
    return k - 1 if k >= 0 and lowered[k] in DETERMINERS else k


def person_phrase(
    text: str,
    asked: frozenset[str],
    person_nouns: frozenset[str],
    ignore: frozenset[str],
    stop: frozenset[str] = frozenset(),
    fills: Callable[[tuple[int, int]], bool] | None = None,
) -> tuple[int, int] | None:
    """The span naming the person a "who" question asks for: a new multi-word name with its role
    words ("defence minister Sergei Shoigu"), else a role noun phrase ("a regional governor").

    Among several names, the agent of a passive of the verb asked ("made by Aerotek Engines" for
    "who makes the engines") comes first, then the first that `fills` the role the question asks
    (the caller's test: "Emre Yilmaz scored" for "who scored the winning penalty"), then the first
    that no place preposition introduces ("at the Stadio Marittimo", "on Kings Street" name where, not
    who); None when every name is one of those."""
    toks = _tokens(text)
    lowered = [t.group(0).lower() for t in toks]
    # "who makes the engines" over "... are made by Aerotek Engines": the agent of the verb asked,
    # even when its name shares a word with the question
    verbs = set(base_terms(" ".join(asked)))
    for i, j in _name_runs(text, toks, ignore):
        if j > i and _agent_of(lowered, i, verbs) and not all(w in asked for w in lowered[i : j + 1]):
            return _span(text, toks, i, j)
    spans = _person_spans(text, asked, person_nouns, ignore, stop)
    if not spans:
        return None
    named = [(span, at) for span, at in spans if at >= 0]
    if not named:
        return spans[0][0]  # the role noun phrase
    plain = [span for span, at in named if not _introduced_by(lowered, at, WHO_PLACE_PREPOSITIONS)]
    filling = [(span, at) for span, at in named if fills is not None and fills(span)]
    if filling:
        # "The engines of the Corvane C-190 are made by Aerotek Engines": the agent after "by" first
        agents = [span for span, at in filling if _introduced_by(lowered, at, AGENT_PREPOSITIONS)]
        return (agents or [span for span, _ in filling])[0]
    return plain[0] if plain else None


def _person_spans(
    text: str,
    asked: frozenset[str],
    person_nouns: frozenset[str],
    ignore: frozenset[str],
    stop: frozenset[str],
) -> list[tuple[tuple[int, int], int]]:
    """Every span `person_phrase` may choose, in order, each with the token index where its name
    begins; -1 for the one role noun phrase read when the sentence has no new name."""
    toks = _tokens(text)
    lowered = [t.group(0).lower() for t in toks]
    found: list[tuple[tuple[int, int], int]] = []
    for i, j in _name_runs(text, toks, ignore):
        run = lowered[i : j + 1]
        # the name asked about is no answer; a role word the question asks by ("which minister")
        # may stand inside the answer's name ("Foreign Minister Choe Son Hui")
        if j - i < 1 or any(w in asked and w not in person_nouns for w in run):
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
            found.append((_span(text, toks, start, j), i))
    if found:
        return found
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
            return [(_span(text, toks, start, end), -1)]
    return []


def place_phrase(
    text: str,
    asked: frozenset[str],
    ignore: frozenset[str],
    stop: frozenset[str],
    focus: frozenset[str] = frozenset(),
    weight: Callable[[str], float] | None = None,
) -> tuple[int, int] | None:
    """A preposition and the words up to a new capitalised name: "at the Vostochny Cosmodrome".

    Of several ("Flight SK214 from Eskerholm to Salvano ... landed at Lundhavn"), the one whose
    clause states most of the question's `focus` stems ("where did sk214 land"), the first on a tie."""
    spans = list(_place_spans(text, asked, ignore, stop))
    if len(spans) > 1 and focus:
        return max(spans, key=lambda s: (_clause_focus(text, s[0], focus, weight), -s[0]))
    return spans[0] if spans else None


def _place_spans(
    text: str, asked: frozenset[str], ignore: frozenset[str], stop: frozenset[str]
) -> Iterator[tuple[int, int]]:
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
            yield _span(text, toks, i, end)


def identity_phrase(
    text: str, name: Sequence[str], stop: frozenset[str], verbs: frozenset[str]
) -> tuple[int, int] | None:
    """What a "who is NAME" question asks: the words that say who NAME is, next to the name.

    The role words right before it ("Kremlin spokesperson Dmitry Peskov", "Russian natural
    resources Minister Alexander Kozlov"; a verb at their left edge, "quoted", "said", is not one of
    them), else an apposition right after it ("Dana Virtanen, the chief executive of Brightwell
    Foods, said"). `name`: the asked name's words, lowercase; the sentence must state one of them
    capitalised (a typed "aleksander" still finds "Alexander Kozlov" by "kozlov"). `verbs`: word
    forms that are verbs (irregular past forms)."""
    toks = _tokens(text)
    lowered = [t.group(0).lower() for t in toks]
    asked = set(name)
    at = [k for k, w in enumerate(lowered) if w in asked and _capitalised(toks[k].group(0))]
    if not at:
        return None
    start = end = at[0]
    while end + 1 < len(toks) and lowered[end + 1] in asked:
        end += 1
    # a first name typed otherwise ("aleksander") is still the name's: one capitalised word before it
    if start > 0 and _capitalised(toks[start - 1].group(0)) and len(name) > end - start + 1:
        start -= 1
    k = start
    while k > 0 and start - k < IDENTITY_WORDS:
        word = lowered[k - 1]
        # "quoted Kremlin spokesperson", "Putin met Kim": a verb is the sentence's, not the role's
        if not word.isalpha() or word in stop or (toks[k - 1].group(0).islower() and _verb_form(word, verbs)):
            break
        k -= 1
    if k < start:
        return _span(text, toks, k, start - 1)
    after = APPOSITION_AFTER.match(text, toks[end].end())
    if after:
        phrase = after.group(1).strip()
        first = phrase.split()[0].lower() if phrase else ""
        if first in stop - DETERMINERS or _verb_form(first, verbs):
            return None  # ", who accompanied ...", ", said on Monday": no apposition
        if 0 < len(phrase.split()) <= MAX_ENTITY_WORDS:
            return after.start(1), after.start(1) + len(phrase)
    return None


def _verb_form(word: str, verbs: frozenset[str]) -> bool:
    return word in verbs or (word.endswith(("ed", "ing")) and len(word) > 4)


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


# -- counts added up ------------------------------------------------------------------------

TOTAL_LEAD = "In total:"  # the only words of a total that are not the articles'
ONE_ITEM = frozenset("a an another".split())  # "..., a reconnaissance drone": one, inside a list
# A quantity that cannot be added exactly ("dozens of", "1.5 million", "several"): no total.
VAGUE_COUNT = re.compile(
    r"\d+\.\d+|hundreds?|thousands?|millions?|billions?|dozens?|several|few|many|some|scores?", re.I
)
# What may join two addends of one enumeration: "five drones, a drone", "and", "plus", "as well as".
LIST_JOINS = frozenset(", and plus as well along with together".split())
QUOTES = frozenset("\"'‘’“”")
DEFINITE = frozenset("the these those this that its his her their our your".split())
YEAR_LIKE = re.compile(r"(1[89]|20)\d\d")
CURRENCY = frozenset("$€£¥")
COUNT_TOKEN = re.compile(r"\d[\d,.]*\d|[\w’'-]+|[^\w\s]")  # "2.5" and "40,000" stay one token
SPELLED_MAX = 20  # a total up to this is written in words ("six"), larger ones in digits


@dataclass(frozen=True)
class Addend:
    value: int
    start: int  # offsets of "five explosive drones" in its sentence
    end: int
    noun: str  # the counted noun as the sentence writes it ("drones")


@dataclass(frozen=True)
class Total:
    """A count added up from one enumeration: "In total: six drones."."""

    value: int
    noun: str  # the plural the article uses for the counted noun, or "" when it has none
    sentence: int  # index of the sentence (in the list given to `count_total`) it is read from
    addends: tuple[Addend, ...]

    @property
    def text(self) -> str:
        number = _spelled(self.value)
        return f"{TOTAL_LEAD} {number} {self.noun}." if self.noun else f"{TOTAL_LEAD} {number}."


def _spelled(value: int) -> str:
    if value <= SPELLED_MAX:
        return next(word for word, v in NUMBER_VALUES.items() if v == value)
    return f"{value:,}"


def quantity(word: str, *, years: bool = False) -> int | None:
    """The value of a number token that counts exactly ("five", "12", "41,000"), else None. A
    year-like token ("2019") counts only with `years` (a total claimed as one, `rag.verify`): in an
    article it is far more often a year than a count."""
    lower = word.lower()
    if lower in NUMBER_VALUES:
        return NUMBER_VALUES[lower]
    if re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", word) and (years or not YEAR_LIKE.fullmatch(word)):
        return int(word.replace(",", ""))
    return None


def count_addends(
    text: str, head: str, modifiers: Sequence[str], stem_of: Callable[[str], str], stop: frozenset[str]
) -> list[Addend] | None:
    """Every exact count of the noun `head` in `text`, in order; None when a count of it cannot be
    added exactly (a vague or decimal quantity, a price, a year) or is definite ("the five drones":
    items already counted). A noun occurrence with no number before it counts nothing. `head` and
    `modifiers` are stems: the question's counted noun and the words it puts before it."""
    toks = list(COUNT_TOKEN.finditer(text))
    lowered = [t.group(0).lower().strip("".join(QUOTES)) for t in toks]
    out: list[Addend] = []
    for k, tok in enumerate(toks):
        if not lowered[k] or stem_of(lowered[k]) != head:
            continue
        after = lowered[k + 1] if k + 1 < len(toks) else ""
        if after and after[:1].isalnum() and after not in stop:
            continue  # "drone show", "drone strikes": the noun does not end its phrase
        described: list[str] = []
        i = k - 1
        while i >= 0 and (toks[i].group(0) in QUOTES or not lowered[i]):
            i -= 1
        while i >= 0 and len(described) < COUNT_TAIL:
            word = lowered[i]
            if toks[i].group(0) in QUOTES or not word:
                i -= 1
                continue
            if word in stop or not word[:1].isalpha() or quantity(toks[i].group(0)) is not None:
                break
            if VAGUE_COUNT.fullmatch(word):
                return None
            described.append(word)
            i -= 1
        if i < 0:
            continue
        number = toks[i].group(0)
        lower = number.lower()
        if VAGUE_COUNT.fullmatch(lower) or (re.fullmatch(r"\d[\d,.]*", number) and quantity(number) is None):
            return None  # "dozens of drones" reads no further, "2.5 drones", "2023 drones"
        value = 1 if lower in ONE_ITEM else quantity(number)
        if value is None:
            continue  # "the explosive drones": no count here
        before = toks[i - 1].group(0) if i > 0 else ""
        if before.lower() in DEFINITE or before in CURRENCY:
            return None  # "the five drones": items counted before; "$5 drones": a price
        if any(m not in {stem_of(w) for w in described} | {head} for m in modifiers):
            continue  # "how many kamikaze drones": a reconnaissance drone is not one
        out.append(Addend(value, toks[i].start(), tok.end(), tok.group(0).strip("".join(QUOTES))))
    return out


def _joined(text: str, first: Addend, second: Addend) -> bool:
    """Only list joins between two addends: "five drones, a drone", "five drones and one drone"."""
    between = [t.group(0).lower() for t in COUNT_TOKEN.finditer(text[first.end : second.start])]
    between = [w for w in between if w not in QUOTES]
    return bool(between) and all(w in LIST_JOINS for w in between)


def _enumerations(addends: list[Addend], text: str) -> list[list[Addend]]:
    """The addends grouped into runs that one list joins."""
    runs: list[list[Addend]] = []
    for addend in addends:
        if runs and _joined(text, runs[-1][-1], addend):
            runs[-1].append(addend)
        else:
            runs.append([addend])
    return runs


def count_total(
    sentences: Sequence[str],
    head: str,
    modifiers: Sequence[str],
    stem_of: Callable[[str], str],
    stop: frozenset[str],
) -> Total | None:
    """The total of the one enumeration the `sentences` (all from ONE article) add up to, or None.

    Every sentence with an enumeration of two or more exact counts of `head` must give the same
    total; none may hold a count that cannot be added exactly. One explicit number at least
    ("a drone and a vest" is no count), and no addend that is the sum of the others (a total and
    its breakdown: "six drones: five attack drones and one ...").
    """
    found: list[tuple[int, list[Addend]]] = []
    single: list[int] = []  # counts outside an enumeration: the total stated, or one part restated
    for index, text in enumerate(sentences):
        addends = count_addends(text, head, modifiers, stem_of, stop)
        if addends is None:
            return None
        for run in _enumerations(addends, text):
            if len(run) < 2:
                single.extend(a.value for a in run)
                continue
            values = [a.value for a in run]
            explicit = any(text[a.start : a.end].split()[0].lower() not in ONE_ITEM for a in run)
            if not explicit or (len(run) > 2 and any(2 * v == sum(values) for v in values)):
                return None
            found.append((index, run))
    if not found or len({sum(a.value for a in run) for _, run in found}) != 1:
        return None
    index, run = found[0]
    value = sum(a.value for a in run)
    if any(v > value for v in single):
        return None  # "eight drones, including five attack drones and one ...": not all parts listed
    plural = next((a.noun for a in sorted(run, key=lambda a: -a.value) if a.value > 1), "")
    if not plural:  # "one attack drone and one reconnaissance drone": the plural only if the article has it
        plural = next(
            (
                t.group(0)
                for text in sentences
                for t in _tokens(text)
                if stem_of(t.group(0).lower()) == head and t.group(0).lower().endswith("s")
            ),
            "",
        )
    if plural[1:] == plural[1:].lower():
        plural = plural.lower()  # "Drones" opening a sentence; "UAVs" stays
    return Total(value, plural, index, tuple(run))
