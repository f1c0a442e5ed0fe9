"""Whether a passage states a question's number or name, whatever form each is written in.

The reader refuses when the passages it quotes lack the question's names and
numbers (`rag.extractive.essential_coverage`). News writes one number many ways,
so literal word matching refused answerable questions ("the 31st member" asked,
"its 31st member" read as "31st" against "31"). This module reads numbers as values:

- digit groups and decimals: "2,000" and "2000" are one number; "1.2" stays "1.2";
- scale words and their abbreviations: "$1.2bn", "1.2 billion" and "1,200 million"
  are all 1200000000 (the number as written is kept too: "1.2");
- ordinals and units glued on: "31st", "5km", "512gb" are 31, 5 and 512; a
  percentage ("5%", "5 per cent") is its number;
- number words up to the tens ("five", "twenty"), so "5 deaths" matches "five deaths";
- a decade ("the 1990s", "the 70s") is stated by any year in it ("1994", "1978");
- a quarter or half of the year is stated as a code or in words: "Q2" and "second-quarter"
  are both "q2";
- a season or financial year "2023-24" (consecutive years) is stated by either year, and a
  passage's "2026-27" states 2027 too;
- a year written short in a question, two digits after "in" or an apostrophe ("in 97",
  "back in '05"), is stated by either century's year ("1997", "2097") or as written; two
  digits counting the word after them ("in 12 months") stay a number.

And it reads English words by their parts (`is_english`): a word the bundled
WordPiece vocabulary lacks but whose stem, or whose stem after a common prefix
or suffix, it has ("untimely", "rebooted", "gusty", "sprucing") is an English word,
not a name the articles must state.

It deliberately does not parse units (a number matches whatever it counts), convert
currencies, read fractions or Roman numerals, or decide anything about refusal
(`rag.extractive` applies the policy).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rag.question import english_typo, english_words
from rag.sentences import NUMBER_VALUES, STOPWORDS, stem

SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
}
SMALL_NUMBERS = NUMBER_VALUES  # "zero" ... "twenty", the tens: the words totals are written in
# A number as digits: "2,000", "1.2", "31st", "1990s", "$1.2bn", "5km", then an optional scale word.
NUMBER_TEXT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:(st|nd|rd|th|s)\b|(?:\s*-?\s*)(thousand|million|billion|trillion|bn|mn|tn|k|m|b)\b)?",
    re.I,
)
NUMBER_WORD = re.compile(r"\b(" + "|".join(SMALL_NUMBERS) + r")\b", re.I)
DECADE = re.compile(r"(1[5-9]|20)\d0s")
SHORT_DECADE = re.compile(r"[3-9]0s")  # "the 70s": a decade of the 1900s ("20s" may be an age: not read)
# "in 97", "back in '05": two digits after "in" or an apostrophe are a year of either century
SHORT_YEAR_BEFORE = re.compile(r"(?:\bin\s+['’]?|['’])$")
# A quarter or half of a (financial) year: "Q2" is the "second quarter", "H1" the "first half".
PERIOD_CODE = re.compile(r"[qh][1-4]")
# A season or financial year written as a span of two years: "2023-24", "2025/26", "2024–25".
YEAR_SPAN = re.compile(r"(?<![\w.,])((?:19|20)\d\d)\s*[-–/]\s*(\d\d)(?![\w.,]*\d)")
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
PERIOD_TEXT = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th)[\s-]+(quarter|half)\b|\b([qh][1-4])\b", re.I
)
# Common English prefixes and suffixes: a word made of an English word and one of these is English.
PREFIXES = ("un", "re", "non", "dis", "mis", "over", "under", "out", "pre", "anti", "counter", "co")
SUFFIXES = (("iest", "y"), ("ier", "y"), ("ily", "y"), ("ly", ""), ("y", ""), ("y", "e"), ("est", ""))
MIN_PART = 4  # letters a word keeps after its prefix or suffix is taken off
# Adverb particles English glues to a verb or noun ("matchup", "lineup", "takeover", "rundown").
PARTICLES = ("up", "in", "on", "out", "off", "over", "down")


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def number_values(text: str) -> set[str]:
    """The numbers `text` states, canonical ("2000", "1200000000", "1.2"); decades as "1990s";
    quarters and halves of a year as "q2", "h1"."""
    found: set[str] = set()
    for match in NUMBER_TEXT.finditer(text):
        digits, decimals, suffix, scale = match.groups()
        try:
            value = Decimal(digits.replace(",", "") + (decimals or ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches digits
            continue
        found.add(_canonical(value))
        if suffix and suffix.lower() == "s" and DECADE.fullmatch(match.group(0).lower()):
            found.add(match.group(0).lower())
        elif suffix and suffix.lower() == "s" and SHORT_DECADE.fullmatch(match.group(0).lower()):
            found.add(f"19{match.group(0).lower()}")
        if scale:
            found.add(_canonical(value * SCALES[scale.lower()]))
    found |= {str(SMALL_NUMBERS[m.group(1).lower()]) for m in NUMBER_WORD.finditer(text)}
    for match in PERIOD_TEXT.finditer(text):
        ordinal, period, code = match.groups()
        found.add(code.lower() if code else f"{period[0].lower()}{ORDINALS[ordinal.lower()]}")
    found |= {end for _, end in year_spans(text)}  # "the 2026-27 budget" states 2027 too
    return found


def year_spans(text: str) -> list[tuple[str, str]]:
    """The spans of two years `text` writes as a season or financial year ("2023-24": ("2023",
    "2024")); the second year must follow the first."""
    return [years for _, years in _year_span_matches(text)]


def _year_span_matches(text: str) -> list[tuple[re.Match[str], tuple[str, str]]]:
    """`year_spans` with the match of each, where the text writes it."""
    out: list[tuple[re.Match[str], tuple[str, str]]] = []
    for match in YEAR_SPAN.finditer(text):
        start = match.group(1)
        end = start[:2] + match.group(2)
        if int(end) == int(start) + 1:
            out.append((match, (start, end)))
    return out


def _short_year(text: str, match: re.Match[str]) -> bool:
    """Whether two digits are a year written short: after "in" or an apostrophe, and not counting the
    word after them ("in 97", not "in 12 months")."""
    after = re.match(r"\s*([a-z]+)", text[match.end() :].lower())
    return bool(SHORT_YEAR_BEFORE.search(text[: match.start()])) and (
        not after or after.group(1) in STOPWORDS
    )


def asked_numbers(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The numbers a question asks about, as written and as canonical forms (any one states it): those of
    two or more digits, a decade, or a scaled amount ("$5m": 5000000, or 5 as written, since "m"
    may be metres); a single digit ("top 5") is too common to require."""
    out: dict[tuple[str, ...], str] = {}
    covered: list[tuple[int, int]] = []
    for match, years in _year_span_matches(text):  # a season "2023-24" is stated by either of its years
        out.setdefault(years, match.group(0))
        covered.append(match.span())
    for match in NUMBER_TEXT.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        digits, decimals, suffix, scale = match.groups()
        value = Decimal(digits.replace(",", "") + (decimals or ""))
        written = match.group(0).lower()
        if suffix and suffix.lower() == "s" and DECADE.fullmatch(written):
            out.setdefault((written,), written)
        elif suffix and suffix.lower() == "s" and SHORT_DECADE.fullmatch(written):
            out.setdefault((f"19{written}",), written)  # "the 70s" is the 1970s
        elif scale:
            out.setdefault((_canonical(value * SCALES[scale.lower()]), _canonical(value)), written)
        elif len(digits) == 2 and not (decimals or suffix or scale) and _short_year(text, match):
            out.setdefault((written, f"19{written}", f"20{written}"), written)
        elif len(digits.replace(",", "")) >= 2 or decimals:
            out.setdefault((_canonical(value),), written)
    return [(written, forms) for forms, written in out.items()]


def states_number(forms: tuple[str, ...], stated: set[str]) -> bool:
    """Whether any of a number's canonical `forms` is among the `stated` values (a decade: any year
    of it)."""
    for number in forms:
        if number in stated:
            return True
        if DECADE.fullmatch(number) and any(
            len(v) == 4 and v.isdigit() and v[:3] == number[:3] for v in stated
        ):
            return True
    return False


@lru_cache(maxsize=1)
def _english_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in english_words())


def _known(word: str) -> bool:
    return word in english_words() or stem(word) in _english_stems()


@lru_cache(maxsize=4096)
def is_english(word: str) -> bool:
    """Whether `word` is an English word: in the vocabulary, an inflection of one ("abolish", "plumber"),
    one with a common prefix or suffix ("untimely", "gusty"), a word and a particle ("matchup"), one
    edit away, or two joined."""
    if _known(word) or english_typo(word):
        return True
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_PART and _known(word[len(prefix) :]):
            return True
    for particle in PARTICLES:
        if (
            word.endswith(particle)
            and len(word) - len(particle) >= MIN_PART
            and _known(word[: -len(particle)])
        ):
            return True
    for suffix, restore in SUFFIXES:
        stripped = word[: -len(suffix)]
        if word.endswith(suffix) and len(stripped) >= MIN_PART - 1 and _known(stripped + restore):
            return True
    return False
