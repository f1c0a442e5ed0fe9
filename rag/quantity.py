"""Whether a number a sentence states is the quantity a "how much / how many" question asks for.

The reader checks that "how much" gets an amount and "how many drones" a number before
"drones", not that the number quantifies what is asked: "how much does Ines Halvorsen earn"
was answered "4,000 euros." from "Chief executive Ines Halvorsen said Halden had cut the
price of the Fjord SUV by up to 4,000 euros", and "how much was Frost paid" with what Frost
paid someone else. This module reads, for each typed number of a sentence (`figure_spans`):

- its clause (`clause_of`): the words around it up to clause punctuation, a reporting verb
  ("said": the speaker is not what the number is about) or a subordinating word ("after",
  "which", "but"); a clause with no verb (an apposition, "a total of 84,000 dollars") is read
  with the clause before it;
- its rate ("4 dollars a day", "1.50 dollars an hour", "annual"): `rate_of`;
- who pays it ("Frost paid ...": a word of the question right before an active "paid") and
  who receives it ("Rotich earned ...", "Novak-Reyes receives ...": the word before the verb).

It compares that with what the question asks (`asked`): its focus words, weighted by IDF and
stated in the clause literally or by a near synonym whose word vector is close
(`rag.wordvec.near_words`; never for a name, a word the sentences only write capitalised:
"halvorsen" is not "halden"), its rate ("per hour", "a month", "monthly") and, for "how much was
X paid / does X earn / did X get", X as the receiver. `fit` is the IDF share of the focus the
number's clause states, a focus word stated elsewhere in the sentence counting `OUTSIDE_WEIGHT`.
It is 0 when the question asks a rate the clause does not state (or another one), when the
receiver asked pays, when the clause names another receiver, or when an amount received ("earn",
"get", "be paid"; not a count: "how many seats did Labour get" is "Labour won 68") is stated
with no such verb (or a near one) in the clause: "how much does Ines Halvorsen earn" is not
"Halden had cut the price ... by 4,000 euros". A bare year is never the number asked.

A count ("how many") fits 0 as well when it counts the noun asked with another qualifier
(`other_qualifier`: "how many adult pearl mussels" is not "23 juvenile mussels", the question's
qualifier stated nowhere in the sentence), or when the question names who has the count after its
auxiliary ("how many goals did marazan score", `Asked.owner`: the question's words that read as
names) and the number's clause gives it to another named owner with none of those names in the
sentence (`another_owner`: "Ferri finished as the top scorer with six goals"; "The airline has 14
..." names no one and still fits).

It also reads the measure a "how + adjective" or "how much" question asks (`asked_measure`): a
price ("how much is a scoop", "how much were tickets", "how much does X earn/cost"), a length ("how
tall/thick/deep/wide"), a size ("how big"), a figure of any kind ("how much snow"), a number
("capacity", "population"), an age ("how old is elin brandt"); the kind of each figure of a sentence
from the unit after it (`kinded_figures`: money by the reader's currencies, a closed class of units
of length, area, volume, weight, speed, time, percent; a noun after it: a count; a year, a clock
time, an ordinal or a bare number: none); whether a figure of the kind asked is stated in a clause
(`owning_clause`) that names the thing measured by a word of the question's subject (`owned`:
"how tall is mount skarn" is not "..., sending ash 6 km into the sky"); and whether an age is given
after another person's name (`another_person`: "Chef Ida Brandt, 33," is not Elin Brandt's age).
`rag.extractive` refuses under `rag.policy`'s `require_measure` ("The articles mention “mancini”
but give no price for it.").

It deliberately does not parse syntax, resolve pronouns, convert units or currencies, or
decide anything: `rag.extractive` reads the fit (the lead's choice, the short fact, and a
refusal under `rag.policy`'s `min_quantity_fit`). Pure functions; the word vectors come from
the injected `embed`, in one call per question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rag.sentences import (
    CALENDAR,
    CLAUSE_PUNCT,
    IRREGULAR_VERBS,
    PRONOUNS,
    STOPWORDS,
    YEAR,
    base_form,
    stem,
    words,
)
from rag.sentences import SCALE_WORDS as SCALES_OF_NUMBERS
from rag.wordvec import near_words

Embed = Callable[[list[str]], list[list[float]]]

# a number fitting less than this is not the one asked: it neither leads nor opens the answer (the
# refusal threshold is the policy's `min_quantity_fit`, chosen by calibration)
LEAD_MIN_FIT = 0.2
OUTSIDE_WEIGHT = 0.5  # a focus word the sentence states outside the number's clause counts this much
NEAR_COSINE = 0.6  # a focus word is stated by a clause word whose vector is this close (as the reader's)
COUNT_WORDS = 4  # a counted number's noun phrase: at most this many words after it ("23 juvenile mussels")
MAX_MERGE = 3  # clauses before a verbless one it may be read with ("Frost paid X, then ..., a total of")
RATE_UNITS = {  # the rate a question asks or a number states, by its unit
    "hour": "hour",
    "hourly": "hour",
    "day": "day",
    "daily": "day",
    "night": "night",
    "nightly": "night",
    "week": "week",
    "weekly": "week",
    "month": "month",
    "monthly": "month",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "annum": "year",
}
RATE = re.compile(
    r"\b(?:per|a|an|each|every)\s+(hour|day|night|week|month|year|annum)\b(?!\s+(?:ago|earlier|later|before))"
    r"|\b(hourly|daily|nightly|weekly|monthly|yearly|annual|annually)\b",
    re.I,
)
CLAUSE_BREAK = re.compile(
    CLAUSE_PUNCT + r"|[\[\]\"“”]|\s[—–-]\s"  # not the comma of "12,400"
    r"|\b(?:said|says|say|told|tells|according to|that|which|who|whose|while|whereas|but|after|because"
    r"|although|though|when|where|unless|until)\b",
    re.I,
)
AUXILIARY_VERBS = frozenset(
    "is are was were be been being am has have had will would can could may might must should shall "
    "do does did".split()
)
# Words that name the quantity itself ("how much money", "the total number"): no focus of their own.
QUANTITY_WORDS = frozenset("money amount number total sum figure exactly roughly approximately".split())
# A transfer: "how much does X earn / did X get / was X paid" makes X its receiver; "X paid ..." a payer.
RECEIVER_Q = re.compile(
    r"\b(?:does|do|did|will|would|has|have|is|are|was|were)\s+((?:[\w'-]+\s+){1,4}?)"
    r"(earn|get|receive|win|be paid|paid|get paid|been paid)\b",
    re.I,
)
PAYER = r"\s+(?:(?:will|would|must|has|had|have|to|agreed to|was to)\s+)?(?:paid|pays|pay)\b"
# "Rotich earned ...", "Novak-Reyes receives ...", "Pell was paid ...": the word before is the receiver
RECEIVER = re.compile(
    r"([\w'’-]+)\s+(?:earns|earned|receives|received|gets|got|wins|won|(?:is|was|were|are|had been) paid)\b",
    re.I,
)
# "how many goals did marazan score", "how many lorries does haulmark have": who has the count is the
# subject after the auxiliary (a copula makes the counted noun the subject: "how many were hurt")
OWNER_Q = re.compile(
    r"\bhow many\s+(?:[\w'’-]+\s+){0,4}?(?:do|does|did|will|would|has|have|had)\s+"
    r"((?:[\w'’-]+\s*){1,5}?)(?=\b(?:in|at|on|to|for|by|with|from|of|before|after|during|since|now|so|than)\b|[?.,]|$)",
    re.I,
)
PASSIVE = re.compile(r"\b(?:was|were|is|are|be|been|being|get|got|gets)\s*$", re.I)


@dataclass(frozen=True)
class Asked:
    """What a how much / how many question asks of the number."""

    focus: tuple[tuple[str, str], ...]  # (stem, word) the number's clause should state
    rate: str = ""  # "hour", "day", "month", "year"... ("per hour", "a month", "monthly"), or ""
    rate_phrase: str = ""  # ... as the question words it ("per hour")
    receivers: tuple[str, ...] = ()  # question words the transfer is asked to reach ("frost", "halvorsen")
    transfer: str = ""  # ... and the question's verb of that transfer ("paid", "earn")
    transfer_stated: bool = False  # the number's clause must state that verb (or a near one): money asked
    counted: tuple[str, ...] = ()  # "how many adult pearl mussels": the counted phrase's stems, in order
    owner: tuple[str, ...] = ()  # "how many goals did marazan score": the words of who has the count


@dataclass(frozen=True)
class Figure:
    """One typed number of a sentence and what it quantifies."""

    span: tuple[int, int]  # the number's offsets in the sentence
    clause: str  # its clause (`clause_of`)
    rate: str  # the rate it is stated at, or ""
    payers: tuple[str, ...]  # lowercase words that pay it in the sentence ("frost" of "Frost paid")
    receivers: tuple[str, ...] = ()  # lowercase words its clause says receive ("rotich" of "Rotich earned")
    phrase: str = ""  # the number as the sentence writes it


@dataclass(frozen=True)
class Fit:
    score: float  # 0..1: how well the number's clause states what is asked
    missing: tuple[str, ...] = ()  # question words (or the rate asked) the clause does not state
    other: str = ""  # the noun phrase the number counts instead, with its own qualifier ("juvenile mussels")


def asked(
    question: str,
    focus: Iterable[tuple[str, str]],
    frame: Iterable[str] = (),
    *,
    counting: bool = False,
    counted: Sequence[str] = (),
    names: Iterable[str] = (),
) -> Asked:
    """The focus, rate and receiver `question` asks the number for (`focus`: the reader's focus words,
    `frame`: words the question uses only as frame). An amount received ("how much does X earn") must
    be stated with its verb; a count need not ("how many seats did Labour get": "Labour won 68").
    For a count, `counted` is the counted phrase's stems (its qualifiers before the noun) and the
    owner is read among `names`, the question's words that read as names."""
    lower = question.lower().replace("’", "'")
    rate = rate_phrase = ""
    if match := RATE.search(lower):
        rate, rate_phrase = RATE_UNITS[(match.group(1) or match.group(2)).lower()], match.group(0)
    rate_words = {w for w, unit in RATE_UNITS.items() if unit == rate} | ({"per"} if rate else set())
    skip = set(frame) | QUANTITY_WORDS | rate_words
    receivers: list[str] = []
    transfer = ""
    if match := RECEIVER_Q.search(lower):
        receivers = [w for w in words(match.group(1)) if w not in STOPWORDS]
        transfer = match.group(2).split()[-1]  # "be paid": "paid"
    return Asked(
        focus=tuple((t, w) for t, w in focus if w not in skip),
        rate=rate,
        rate_phrase=rate_phrase,
        receivers=tuple(dict.fromkeys(receivers)),
        transfer=transfer,
        transfer_stated=bool(transfer) and not counting,
        counted=tuple(counted),
        owner=tuple(w for w in words(m.group(1)) if w in set(names))
        if counting and (m := OWNER_Q.search(lower))
        else (),
    )


def _has_verb(text: str) -> bool:
    for word in words(text):
        if word in AUXILIARY_VERBS or word in IRREGULAR_VERBS or re.search(r"[a-z]{2}(ed|ing)$", word):
            return True
    return False


def clause_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets of the clause of `text` around the span `start:end` (see the module docstring)."""
    cuts = [0]
    for match in CLAUSE_BREAK.finditer(text):
        if match.end() <= start or match.start() >= end:
            cuts.append(match.start() if match.start() >= end else match.end())
    cuts.append(len(text))
    cuts = sorted(set(cuts))
    before = [c for c in cuts if c <= start]
    after = [c for c in cuts if c >= end]
    lo, hi = before[-1], after[0]
    # a verbless clause ("a total of 84,000 dollars in cash") is read with the clauses before it
    merged = 0
    while not _has_verb(text[lo:hi]) and merged < MAX_MERGE:
        earlier = [c for c in cuts if c < lo and words(text[c:lo])]  # an empty piece (") ,") is no clause
        if not earlier:
            break
        lo = earlier[-1]
        merged += 1
    return lo, hi


def rate_of(clause: str) -> str:
    """The rate a clause states its number at ("a day", "an hour", "annual"), or ""."""
    match = RATE.search(clause)
    return RATE_UNITS[(match.group(1) or match.group(2)).lower()] if match else ""


def payers(text: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """The words of `candidates` that pay in `text`: right before an active "paid/pays/pay"
    ("Frost paid Neil Ashdown"), not a passive one ("Frost was paid")."""
    out = []
    for word in candidates:
        for match in re.finditer(rf"\b{re.escape(word)}\b{PAYER}", text, re.I):
            if not PASSIVE.search(text[: match.start()]):
                out.append(word)
                break
    return tuple(out)


def figure_spans(
    text: str,
    patterns: Sequence[re.Pattern[str]],
    own_words: Iterable[str] = (),
    counted: Iterable[str] = (),
    window: int = 3,
    rate: str = "",
) -> list[tuple[int, int]]:
    """The offsets of the numbers of `text` any of `patterns` matches (the question's own numbers
    left out); with `counted` stems, a number must be followed within `window` words by one, or by
    the `rate` asked ("how many patients a day": "180 a day")."""
    own = set(own_words)
    wanted = set(counted)
    out: list[tuple[int, int]] = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            found = match.group(0).strip()
            if found.lower() in own or not found or YEAR.fullmatch(found):
                continue  # the question's own number, or a year: no quantity
            if wanted:
                following = words(text[match.end() :])[:window]
                at_rate = (
                    rate and (m := RATE.match(text[match.end() :].lstrip())) and rate_of(m.group(0)) == rate
                )
                if not at_rate and not any(stem(base_form(w)) in wanted for w in following):
                    continue
            out.append(match.span())
    return sorted(set(out))


def figures(text: str, spans: Iterable[tuple[int, int]], receivers: Iterable[str] = ()) -> list[Figure]:
    """Each number of `text` at `spans`, read with its clause, rate and payers."""
    out = []
    for start, end in spans:
        lo, hi = clause_of(text, start, end)
        clause = text[lo:hi]
        got = tuple(re.sub(r"['’]s$", "", m.group(1).lower()) for m in RECEIVER.finditer(clause))
        out.append(
            Figure((start, end), clause, rate_of(clause), payers(clause, receivers), got, text[start:end])
        )
    return out


def name_words(texts: Iterable[str]) -> set[str]:
    """Lowercase words the sentences only write capitalised, past their first word: names ("Halvorsen")."""
    upper: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        for i, match in enumerate(re.finditer(r"[A-Za-z][\w'’-]*", text)):
            word = match.group(0)
            if i:  # a sentence's first word is capitalised whatever it is
                (upper if word[0].isupper() else lower).add(word.lower())
    return upper - lower


def clause_words(figs: Iterable[Figure]) -> list[str]:
    """The content words of the figures' clauses: what the question's words are compared with."""
    return sorted({w for f in figs for w in words(f.clause) if w not in STOPWORDS and len(w) > 2})


def _states(term: str, word: str, text: str, alike: Mapping[str, frozenset[str]]) -> bool:
    said = words(text)
    return term in {stem(base_form(w)) for w in said} or bool(alike.get(word, set()) & set(said))


def fit(
    ask: Asked,
    figure: Figure,
    sentence: str,
    idf: Callable[[str], float],
    alike: Mapping[str, frozenset[str]] | None = None,
) -> Fit:
    """How well `figure` (a number of `sentence`) states what `ask` asks (see the module docstring)."""
    alike = alike or {}
    if ask.receivers and set(figure.payers) & set(ask.receivers):
        return Fit(0.0, (ask.transfer,))  # "was frost paid" against "Frost paid ...": Frost is the payer
    if ask.rate and figure.rate != ask.rate:
        return Fit(0.0, (ask.rate_phrase,))
    if ask.receivers and figure.receivers and not set(figure.receivers) & set(ask.receivers):
        return Fit(0.0, ask.receivers)  # "how much did X get" against "Y received ...": Y's
    bare = (
        figure.clause.replace(figure.phrase, " ") if figure.phrase else figure.clause
    )  # "dollars" is no pay
    if ask.transfer_stated and not _states(stem(base_form(ask.transfer)), ask.transfer, bare, alike):
        return Fit(0.0, (ask.transfer,))  # "how much does X earn": a price cut is no pay
    if (other := other_qualifier(ask, figure, sentence, alike))[0]:
        return Fit(0.0, (other[0],), other[1])  # "how many adult mussels": "23 juvenile mussels"
    total = stated = 0.0
    missing: list[tuple[bool, float, str]] = []  # (stated elsewhere in the sentence, weight, word)
    for term, word in ask.focus:
        weight = idf(term)
        total += weight
        if _states(term, word, figure.clause, alike):
            stated += weight
            continue
        elsewhere = _states(term, word, sentence, alike)
        stated += OUTSIDE_WEIGHT * weight if elsewhere else 0.0
        missing.append((elsewhere, -weight, word))
    if total <= 0:
        return Fit(1.0)
    return Fit(stated / total, tuple(w for _, _, w in sorted(missing)))  # unstated words first, rarest first


def other_qualifier(
    ask: Asked, figure: Figure, sentence: str, alike: Mapping[str, frozenset[str]] | None = None
) -> tuple[str, str]:
    """(the question's qualifier, the number's own with its noun) when the number counts the noun asked
    with another qualifier: "how many adult pearl mussels" against "23 juvenile mussels" is ("adult",
    "juvenile mussels").
    The number's noun phrase is the words after it up to the first word of the counted phrase (within
    `COUNT_WORDS`); the question's qualifiers are the counted phrase's words before that one. Another
    qualifier is a content word of the phrase the question does not use; a question's qualifier is
    unmet when the sentence states it nowhere (literally, or by a near word). ("", "") otherwise."""
    if not ask.counted:
        return "", ""
    alike = alike or {}
    after = words(sentence[figure.span[1] :])[:COUNT_WORDS]
    stems = [stem(base_form(w)) for w in after]
    hit = next((i for i, t in enumerate(stems) if t in ask.counted), None)
    if not hit:  # no counted word after the number, or right after it: no qualifier of its own
        return "", ""
    asked_words = {t for t, _ in ask.focus} | set(ask.counted)
    own = [
        w
        for w, t in zip(after[:hit], stems[:hit], strict=True)
        if w not in STOPWORDS and w not in SCALE_WORDS and t not in asked_words and not w[:1].isdigit()
    ]
    head = ask.counted.index(stems[hit])
    by_stem = {t: w for t, w in ask.focus}
    said = words(sentence)
    said_terms = {stem(base_form(w)) for w in said}
    unmet = [  # a near word of the question's qualifier is not the number's own other one
        by_stem.get(t, t)
        for t in ask.counted[:head]
        if t not in said_terms and not (alike.get(by_stem.get(t, t), frozenset()) & set(said)) - set(own)
    ]
    return (unmet[0], f"{own[0]} {after[hit]}") if own and unmet else ("", "")


def another_owner(ask: Asked, figure: Figure, sentence: str, names: set[str], lower: set[str]) -> str:
    """The question's owner word when the number's clause gives it to another named owner: "how many
    goals did marazan score" against "Ferri finished as the top scorer with six goals". The owner asked
    is the question's names after its auxiliary (`Asked.owner`) the sentences never write in lowercase
    (`lower`); none of
    them is in `sentence`, and a capitalised word of the clause before the number (no weekday or
    month, not the question's) names someone else. "" otherwise (no owner asked, or a pronoun)."""
    asked_names = [w for w in ask.owner if w not in lower]
    said = {stem(base_form(w)) for w in words(sentence)}
    if not asked_names or any(stem(base_form(w)) in said for w in asked_names):
        return ""
    start = sentence.find(figure.clause)
    before = sentence[max(start, 0) : figure.span[0]] if start >= 0 else ""
    asked_stems = {t for t, _ in ask.focus} | {stem(base_form(w)) for w in ask.owner}
    for match in re.finditer(r"[A-Z][\w'’-]*", before):
        word = re.sub(r"['’]s$", "", match.group(0).lower())
        first = not sentence[: match.start() + max(start, 0)].strip()
        if word in CALENDAR or word in STOPWORDS or stem(base_form(word)) in asked_stems:
            continue
        if not first or word in names:
            return asked_names[0]
    return ""


def sentence_fits(
    ask: Asked,
    texts: Sequence[str],
    spans: Sequence[Sequence[tuple[int, int]]],
    idf: Callable[[str], float],
    embed: Embed | None = None,
) -> list[list[tuple[Figure, Fit]]]:
    """Each number of each sentence (`spans[i]` in `texts[i]`) with its fit; the focus words a clause
    lacks literally are looked for among the clauses' words by their vectors (one `embed` call)."""
    figs = [figures(text, found, ask.receivers) for text, found in zip(texts, spans, strict=True)]
    flat = [f for row in figs for f in row]
    alike: Mapping[str, frozenset[str]] = {}
    if embed is not None and flat:
        asked_words = [*(w for _, w in ask.focus), *([ask.transfer] if ask.transfer else [])]
        names = name_words(texts)  # a name has no synonyms: "halvorsen" is not "halden"
        lacking = [
            w
            for w in dict.fromkeys(asked_words)
            if w not in names and any(not _states(stem(base_form(w)), w, f.clause, {}) for f in flat)
        ]
        alike = near_words(lacking, clause_words(flat), embed, NEAR_COSINE)
    fitted = [
        [(f, fit(ask, f, text, idf, alike)) for f in row] for text, row in zip(texts, figs, strict=True)
    ]
    if not ask.owner:
        return fitted
    names = name_words(texts)
    lower = {w for t in texts for w in re.findall(r"\b[a-z][\w'’-]*", t)}
    return [  # "how many goals did marazan score": "Ferri ... six goals" is another's count
        [
            (f, Fit(0.0, (owner,)) if (owner := another_owner(ask, f, text, names, lower)) else ft)
            for f, ft in row
        ]
        for text, row in zip(texts, fitted, strict=True)
    ]


# -- the measure asked ----------------------------------------------------------------------------
# "how much is a ticket" asks a price, "how thick is the wall" a length, "how big is the library" a
# size: a figure of another kind (a count of tickets sold, a year, a clock time, a duration) does not
# answer it. Kinds of figure, each read from the unit after the number (a closed class of units).
MONEY_KIND, PERCENT_KIND, LENGTH_KIND, AREA_KIND, VOLUME_KIND = "money", "percent", "length", "area", "volume"
WEIGHT_KIND, SPEED_KIND, TIME_KIND, AGE_KIND, COUNT_KIND = "weight", "speed", "time", "age", "count"
SCALE_WORDS = frozenset(SCALES_OF_NUMBERS) | {f"{w}s" for w in SCALES_OF_NUMBERS}  # "millions", "dozen"
SCALES = r"(?:(?:thousand|million|billion|trillion|bn|m|k)\s+)?"
UNIT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(  # the unit right after a number; first wins
    (kind, re.compile(rf"[\s-]*{SCALES}(?:{unit})(?![\w])", re.I))
    for kind, unit in (
        (PERCENT_KIND, r"%|per ?cent|percent|(?:basis |percentage )?points?"),
        (SPEED_KIND, r"km/h|kph|mph|knots?|(?:kilomet(?:re|er)s?|miles?) (?:per|an|a) hour"),
        (AGE_KIND, r"(?:years?|months?|weeks?)[\s-]+old"),
        (
            AREA_KIND,
            r"square (?:kilomet(?:re|er)s?|met(?:re|er)s?|miles?|feet|km|m)|sq\.? ?(?:km|m|ft)"
            r"|km2|m2|hectares?|acres?",
        ),
        (VOLUME_KIND, r"(?:hecto|milli)?lit(?:re|er)s?|gallons?|barrels?|cubic met(?:re|er)s?|m3"),
        (
            LENGTH_KIND,
            r"(?:kilo|centi|milli)?met(?:re|er)s?|km|cm|mm|m|miles?|nautical miles?|feet|foot|ft"
            r"|yards?|inch(?:es)?|storeys?|stor(?:y|ies)|floors?",
        ),
        (WEIGHT_KIND, r"(?:kilo)?grams?|kg|kilos?|tonnes?|tons?|pounds?|lbs?"),
        (TIME_KIND, r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?"),
    )
)
# What a "how + adjective" / "how much" question asks, as (the word a refusal names it by, the kinds
# of figure that state it). "how long/old/fast/far/heavy" are left to the reader's answer types.
SIZE_KINDS = frozenset(
    {MONEY_KIND, PERCENT_KIND, LENGTH_KIND, AREA_KIND, VOLUME_KIND, WEIGHT_KIND, COUNT_KIND}
)
AMOUNT_KINDS = SIZE_KINDS | {SPEED_KIND, TIME_KIND}
MEASURE_ASKED: dict[str, tuple[str, frozenset[str]]] = {
    "tall": ("height", frozenset({LENGTH_KIND})),
    "thick": ("thickness", frozenset({LENGTH_KIND})),
    "deep": ("depth", frozenset({LENGTH_KIND})),
    "wide": ("width", frozenset({LENGTH_KIND})),
    "high": ("figure", frozenset({LENGTH_KIND, PERCENT_KIND, MONEY_KIND})),  # a wall, a rate, a fee
    "low": ("figure", frozenset({LENGTH_KIND, PERCENT_KIND, MONEY_KIND})),
    "big": ("size", SIZE_KINDS),
    "large": ("size", SIZE_KINDS),
    "much": ("figure", AMOUNT_KINDS),
}
MEASURE_NOUN = re.compile(r"\b(capacity|population)\b", re.I)  # nouns that ask a number of what they hold
HOW_MEASURE = re.compile(rf"\bhow ({'|'.join(MEASURE_ASKED)}|old)\b", re.I)
# "how much" asks a price when it asks what something is ("how much is a scoop", "how much were
# tickets") or names a payment: a closed class of words of paying and pricing.
PRICE_WORDS = frozenset(
    "cost costs costing price prices priced pay pays paid payment earn earns earned earning earnings salary "
    "wage wages fee fees fare fares fine fined charge charges charged worth spend spent insured "
    "compensation money budget".split()
)
PAY_WORDS = frozenset("earn earns earned earning earnings salary wage wages".split())  # ... of a person
COPULA_NEXT = re.compile(r"\s*(?:is|are|was|were|'s)\s+(\S+)", re.I)
COMPARATIVE = re.compile(r"\s*(?:more|less|longer|shorter|higher|lower|bigger|smaller|further|of)\b", re.I)
CLOCK = re.compile(r"\d:\d|:\d\d", re.I)


@dataclass(frozen=True)
class Measure:
    """The measure a question asks: what a refusal calls it and the kinds of figure that state it."""

    name: str
    kinds: frozenset[str]
    words: tuple[str, ...] = ()  # "how old is elin brandt": the words after "old", a name among them
    things: tuple[str, ...] = ()  # the words of what is measured ("how much is a packet": "packet")


def asked_measure(question: str) -> Measure | None:
    """The measure `question` asks ("how much is a scoop": a price), or None."""
    lower = question.lower().replace("’", "'")
    match = HOW_MEASURE.search(lower)
    if not match:
        noun = MEASURE_NOUN.search(lower)  # "whats the capacity of the stadium": a number of seats
        return Measure(noun.group(1), frozenset({COUNT_KIND, VOLUME_KIND, AREA_KIND})) if noun else None
    adjective = match.group(1)
    if adjective == "old":  # the reader's answer type reads an age; this, whose age it is
        return Measure("age", frozenset({AGE_KIND}), tuple(words(lower[match.end() :])))
    name, kinds = MEASURE_ASKED[adjective]
    rest = lower[match.end() :]
    things = asked_thing(rest)
    if adjective == "much":
        if COMPARATIVE.match(rest):
            return Measure(name, kinds, things=things)  # "how much longer", "how much of": any figure
        copula = COPULA_NEXT.match(rest)
        what_it_is = copula and not re.search(r"[a-z](?:ed|en)$", copula.group(1))  # not "was stolen"
        said = set(words(lower))
        if what_it_is or PRICE_WORDS & said:
            return Measure("pay" if PAY_WORDS & said else "price", frozenset({MONEY_KIND}), things=things)
    return Measure(name, kinds, things=things)


SUBJECT = re.compile(r"\s*(is|are|was|were|'s|do|does|did|will|would|can|could)\s+(.+)", re.I)  # its verb
NO_THING = PRONOUNS | frozenset("this that these those".split())  # a subject naming nothing measured
# where the subject's noun phrase ends: a preposition ("a packet of crunch"), a verb of the question
NP_END = (
    frozenset("of on in at for to from with by about after before during per going gonna supposed".split())
    | PRICE_WORDS
)


def asked_thing(rest: str) -> tuple[str, ...]:
    """The content words of the subject after "how much / how tall ..." (`rest`), the thing measured:
    "is a packet of ginger crunch" -> ("packet",), "did the mussel survey cost" -> ("mussel", "survey"),
    "did aldren shares fall after" -> ("aldren", "shares", "fall") (a bare verb may close it); () for
    a pronoun ("did it fall": its antecedent is not in the question) or no subject ("how much snow
    fell")."""
    match = SUBJECT.match(rest)
    if not match:
        return ()
    phrase: list[str] = []
    for word in words(match.group(2)):
        if (
            word in NP_END
            or word in AUXILIARY_VERBS
            or word in IRREGULAR_VERBS
            or re.search(r"[a-z]ed$", word)
        ):
            break
        phrase.append(word)
    if not phrase or phrase[0] in NO_THING:
        return ()
    return tuple(dict.fromkeys(w for w in phrase if w not in STOPWORDS and w.isalpha()))


def kinded_figures(text: str, money: re.Pattern[str], number: re.Pattern[str]) -> list[tuple[str, int, int]]:
    """The figures `text` states, as (kind, start, end): money by `money` (the reader's currencies),
    the others by the unit right after a number of `number` (a noun after it: a count). A year, a
    clock time ("01:48") or a number with no unit or noun after it ("Line 4", "1-1") is none."""
    spans = [m.span() for m in money.finditer(text)]
    found = [(MONEY_KIND, lo, hi) for lo, hi in spans]
    for match in number.finditer(text):
        start, end = match.span()
        if YEAR.fullmatch(match.group(0)) or CLOCK.search(text[max(0, start - 1) : end + 3]):
            continue
        if any(lo <= start < hi for lo, hi in spans):
            continue
        after = text[end:]
        kind = next((k for k, unit in UNIT_KINDS if unit.match(after)), "")
        if not kind:  # "74,000 people", "tens of millions of shells": a count of a noun
            following = [w for w in words(after[:60]) if w != "of" and w not in SCALE_WORDS][:1]
            if following and following[0] not in STOPWORDS and following[0].isalpha():
                kind = COUNT_KIND
        if kind:
            found.append((kind, start, end))
    return found


def figure_kinds(text: str, money: re.Pattern[str], number: re.Pattern[str]) -> set[str]:
    """The kinds of figure `text` states (`kinded_figures`)."""
    return {kind for kind, _, _ in kinded_figures(text, money, number)}


SUBJECT_PRONOUNS = frozenset("it its they their he his she her".split())  # name what the clause before does
RELATIVE_END = re.compile(r"\b(?:which|who|that)\s*$", re.I)


def owning_clause(text: str, start: int, end: int) -> str:
    """The clause of the figure at `start:end` (`clause_of`), with the clause before when a relative
    or a personal pronoun opens it ("the weather service, which paid 14 million dollars", "Tarsk Water
    said it would spend 40 million crowns": the service paid, the company spends)."""
    lo, hi = clause_of(text, start, end)
    relative = RELATIVE_END.search(text[:lo])
    opening = words(text[lo:hi])[:1]
    if relative or (opening and opening[0] in SUBJECT_PRONOUNS):  # "X said it would spend ...": X's
        before = text[: relative.start() if relative else lo].rstrip(" ,")
        if before.strip():
            lo = clause_of(text, len(before) - 1, len(before))[0]
    return text[lo:hi]


NAME_BEFORE = re.compile(r"((?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]*)\s*,?\s*(?:aged\s+)?$")


def another_person(asked: Sequence[str], text: str, start: int) -> bool:
    """Whether the age at `start` of `text` is given after another person's name than the one
    asked: "Chef Ida Brandt, 33," for "how old is elin brandt" (the surname asked, after another
    first name). A name the sentence gives alone ("Brandt, 33,") may be the one asked."""
    match = NAME_BEFORE.search(text[:start])
    if not match:
        return False
    run = [w.lower() for w in match.group(1).split()]
    for i, word in enumerate(asked):
        if i and word in run[1:] and asked[i - 1] != run[run.index(word, 1) - 1]:
            return asked[i - 1] not in STOPWORDS  # "how old is the brandt": no first name asked
    return False


def states_measure(
    measure: Measure,
    texts: Iterable[str],
    money: re.Pattern[str],
    number: re.Pattern[str],
    age: re.Pattern[str] | None = None,
) -> bool:
    """Whether any of `texts` states a figure of a kind `measure` asks (an age by `age`, the reader's
    pattern, given after no other person's name than the one asked)."""
    if AGE_KIND in measure.kinds:
        if age is None:
            return True
        for text in texts:
            for match in age.finditer(text):
                at = next((m.start() for m in re.finditer(r"\d", match.group(0))), 0) + match.start()
                if not another_person(measure.words, text, at):
                    return True
        return False
    return bool(measured(measure, texts, money, number))


def measured(
    measure: Measure, texts: Iterable[str], money: re.Pattern[str], number: re.Pattern[str]
) -> list[str]:
    """The clauses (`owning_clause`) of the figures of `texts` of a kind `measure` asks (an age: see
    `states_measure`)."""
    return [
        owning_clause(text, lo, hi)
        for text in texts
        for kind, lo, hi in kinded_figures(text, money, number)
        if kind in measure.kinds
    ]


def owned(measure: Measure, texts: Iterable[str], alike: Mapping[str, frozenset[str]] | None = None) -> bool:
    """Whether one of `texts` (the clauses of figures of the kind asked) names the thing measured by a
    word of the question's subject, its stem or a near word (`alike`): "how tall is mount skarn" is not
    "..., sending ash 6 km into the sky"; "how much does a packet of ginger crunch cost" is not the
    310 million dollars a food group pays for the company that makes it."""
    return not measure.things or any(
        _states(stem(base_form(w)), w, t, alike or {}) for w in measure.things for t in texts
    )


def owner_words(
    measure: Measure, focus: Iterable[tuple[str, str]], stated: set[str], idf: Callable[[str], float]
) -> str:
    """The question's words a refusal names the thing measured by: the words of its subject that the
    lead states (`stated` stems), as the question orders them ("sigrid wahl"), else the rarest focus
    word the lead states that is no verb of paying or past form ("mancini" of "how much is a scoop at
    mancini's"), else ""."""
    subject = [w for w in measure.things if stem(base_form(w)) in stated]
    if subject:
        return " ".join(subject)
    named = sorted(
        (-idf(t), w)
        for t, w in focus
        if t in stated and w not in PRICE_WORDS and w not in IRREGULAR_VERBS and not re.search(r"[a-z]ed$", w)
    )
    return named[0][1] if named else ""
