"""Other times: a question asks for one year or quarter; the lead states its fact for another.

"how much did eskerholm house prices fall in 2026" is not answered by "prices in
Eskerholm up 3 percent in 2025", nor "what was its profit in the second quarter"
by "net profit fell 12% in the third quarter". `rag.extractive.contradictions`
already refuses a lead dated by another year, but lets an article published in
the year asked recall another one ("the worst since 2022"); that let the lead
of a 2026 article give 2025's figure for a question about 2026. This module
reads the time a sentence anchors its fact to, with `rag.mentions`' readers of
years, seasons and quarters, and a closed class of prepositions that introduce a
time of comparison instead (`REFERENCE_WORDS`: "since 2022", "up from 1.7 billion
in 2023", "than in 2024"):

- `asked_times` reads the years and quarters/halves the question asks about, from
  its last sentence only (a quiz-style question first states facts of other years:
  "Varnholt airport passed 20 million passengers in 2024. How many ... in 2025?"),
  leaving out the years it gives as a reference ("since 2019").
- `anchored_times` reads the same of a sentence: the times its fact is stated for,
  leaving out a relative clause (", who joined in 2022,") unless that clause is the
  one stating what the question asks (it shares more of the question's words than
  the rest of the sentence: "Lena Dvorak, who won the Corvenia Open in 2023, has
  retired" dates the win asked by "who won the corvenia open in 2025").
- `other_time` compares them: the question asks for a year (or quarter) the lead
  never states, while it anchors its fact to another one, and no other sentence of
  the answer or the lead's passage states the time asked together with a word the
  question and the lead share ("Telvara kept its forecast for 2024" says nothing of
  "a dividend ... for 2023" in 2024). It returns the asked and the stated time as
  each text writes them ("2026", "2025"), for a refusal reason in both sides' words.
- `titled_other`: a lead that names no model or edition ("It comes in grey and sand
  colours") is about the one its article's headline names ("Orbix Tab 6: ..."); the
  question's "tab 7", never stated in that article, is then another one
  (`rag.extractive.contradictions` refuses it under `refuse_contradicted`).
- `other_month`: the question dates its event by a month ("did the bank hike again
  in may") that the lead's article never names and was not published in (a lead
  that names another month is `rag.extractive.contradictions`' case).

It deliberately does not read weekdays or relative times ("last year", "again",
"next"), convert a publication date into the year of a fact, nor decide to refuse
(`rag.extractive` does, when the policy flag `refuse_other_time` is on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.mentions import ORDINALS, PERIOD_TEXT, year_spans
from rag.sentences import CLAUSE_PUNCT, MONTHS, QUESTION_SENTENCES, YEAR, base_terms

YEAR_TOKEN = re.compile(r"(?<![\w.,])((?:19|20)\d\d)(?![\d.,]*\d)")
# Prepositions and comparatives that introduce a reference time, not the time of the fact itself
# (a closed grammatical class): "the worst since 2022", "up from 1.7 billion in 2023".
REFERENCE_WORDS = frozenset("since from than before after until till compared versus vs".split())
REFERENCE_WINDOW = 5  # a reference word governs a year at most this many words before it, in its clause
CLAUSE_START = re.compile(CLAUSE_PUNCT)  # "36,500" is one number, not two clauses
WORD = re.compile(r"\d[\d.,]*\d|[\w'’-]+")  # "1.7" is one word
# a passage's sentences, roughly; a line break ends one too (a run-in heading: "Outlook and dividend")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(\d])|\s*\n\s*")
# A month the question dates its event by ("in may": after a preposition "may" is no modal).
ASKED_MONTH = re.compile(rf"\b(?:in|on|during|by)\s+({'|'.join(MONTHS)})\b", re.I)
PUBLISHED = re.compile(r"((?:19|20)\d\d)-(\d\d)")  # an article's date, "2023-03-16"
YEAR_KIND, PERIOD_KIND = "year", "period"
# A relative clause set off by commas: what it dates is not the sentence's fact.
RELATIVE_CLAUSE = re.compile(r",\s*(?:who|whom|whose|which|where|when)\b(?:[^,;]|,(?=\d))*(?:[,;]|$)", re.I)


@dataclass(frozen=True)
class Time:
    """One year or quarter/half as a text writes it."""

    kind: str  # YEAR_KIND or PERIOD_KIND
    values: frozenset[str]  # canonical: {"2025"}, a season {"2023", "2024"}, a quarter {"q2"}
    text: str  # as written: "2025", "second quarter", "Q2"
    reference: bool = False  # introduced by a word of `REFERENCE_WORDS` ("since 2019")


def times(text: str) -> list[Time]:
    """Every year, season and quarter/half of `text`, in order, each marked when a reference word
    ("since", "from", "than") introduces it."""
    found: list[tuple[int, Time]] = []
    seasons = {start: (start, end) for start, end in year_spans(text)}  # "2023-24" asks for either year
    for match in YEAR_TOKEN.finditer(text):
        year = match.group(1)
        values = frozenset(seasons.get(year, (year,)))
        found.append((match.start(), Time(YEAR_KIND, values, year, _reference(text, match.start()))))
    for match in PERIOD_TEXT.finditer(text):
        ordinal, period, code = match.groups()
        value = code.lower() if code else f"{period[0].lower()}{ORDINALS[ordinal.lower()]}"
        time = Time(PERIOD_KIND, frozenset({value}), match.group(0), _reference(text, match.start()))
        found.append((match.start(), time))
    return [t for _, t in sorted(found, key=lambda x: x[0])]


def _reference(text: str, at: int) -> bool:
    clause = CLAUSE_START.split(text[:at])[-1]
    before = WORD.findall(clause.lower())[-REFERENCE_WINDOW:]
    return bool(REFERENCE_WORDS & set(before))


def asked_sentence(question: str) -> str:
    """The sentence that asks: the last one (a quiz-style question first states facts of other times:
    "Varnholt airport passed 20 million passengers in 2024. How many ... in 2025?")."""
    parts = [p for p in QUESTION_SENTENCES.split(question.strip()) if p.strip()]
    return parts[-1] if parts else ""


def asked_times(question: str) -> list[Time]:
    """The times the question asks about: those of its last sentence that no reference word introduces."""
    return [t for t in times(asked_sentence(question)) if not t.reference]


def anchored_times(sentence: str, asking: str = "") -> list[Time]:
    """The times `sentence` states its fact for: not those it compares with, nor those of a relative
    clause ("Mensah, who joined in 2022, finished as top scorer": 2022 dates something else), unless
    the relative clause is the one that states what `asking` (the question's sentence) asks: it shares
    more of the question's words than the rest of the sentence ("who won the corvenia open in 2025"
    against "Lena Dvorak, who won the Corvenia Open in 2023, has retired": 2023 dates the win)."""
    main = RELATIVE_CLAUSE.sub(",", sentence)
    asked = _content(asking)
    stating = [
        clause.group(0)
        for clause in RELATIVE_CLAUSE.finditer(sentence)
        if asked and len(_content(clause.group(0)) & asked) > len(_content(main) & asked)
    ]
    return [t for text in (*stating, main) for t in times(text) if not t.reference]


def _content(text: str) -> set[str]:
    """Content stems of `text`, without years (what two clauses are compared by)."""
    return {t for t in base_terms(text) if not YEAR_TOKEN.fullmatch(t)}


def _sharing(texts: Sequence[str], lead: str, asking: str) -> list[str]:
    """The sentences of `texts` that state something the lead states of the question: they share one
    of the question's words with the lead (all of `texts`, split, when the lead shares none but
    years). A sentence naming the year asked for another fact ("Telvara kept its forecast for 2024")
    says nothing of the lead's fact ("a dividend of 4.20 crowns per share for 2023") in that year."""
    shared = _content(asking) & _content(lead)
    split = [s.strip() for text in texts for s in SENTENCE_SPLIT.split(text)]
    sentences = [s for s in split if s and s != lead.strip()]
    if not shared:
        return sentences
    return [s for s in sentences if _content(s) & shared]


def other_time(question: str, lead: str, others: Sequence[str] = ()) -> tuple[str, str] | None:
    """(the time asked, the time the lead states instead) as each writes it, when the question asks for
    a year or quarter the lead never states while it anchors its fact to another of the same kind;
    else None. None too when one of `others` (the other sentences the answer quotes, their titles)
    states the time asked in a sentence sharing a word of the question with the lead: the answer may
    be there."""
    asking = asked_sentence(question)
    stated_all = [t for text in (lead, *_sharing(others, lead, asking)) for t in times(text)]
    anchored = anchored_times(lead, asking)
    for asked in asked_times(question):
        if any(t.values & asked.values for t in stated_all if t.kind == asked.kind):
            continue
        other = next((t for t in anchored if t.kind == asked.kind), None)
        if other is not None:
            return asked.text, other.text
    return None


def other_month(question: str, texts: Sequence[str], published: str) -> tuple[str, str] | None:
    """(the month asked, the lead article's month and year) when the question dates its event by a
    month ("did the bank hike again in may") that none of `texts` (the lead's article and the
    sentences the answer quotes) names and the article was not published in; else None. News
    reports an event in the month it happens or names its month: a month neither is another time."""
    asking = asked_sentence(question)
    asked = ASKED_MONTH.search(asking)
    date = PUBLISHED.match(published)
    if asked is None or date is None:
        return None
    month = asked.group(1).lower()
    if int(date.group(2)) == MONTHS.index(month) + 1:
        return None
    capitalised = re.compile(rf"\b{month.capitalize()}\b")  # "may" lowercase is the modal
    if any(capitalised.search(text) for text in texts):
        return None
    year = YEAR.match(asking[asked.end() :].strip(" ,"))  # "in march 2025": a plan for 2025 is about it
    if year:  # ... unless only as another month of it: "September 2024" says nothing of February 2024
        months_of = re.compile(rf"\b(?:{'|'.join(MONTHS)})\s+{year.group(0)}\b", re.I)
        if any(re.search(rf"\b{year.group(0)}\b", months_of.sub("", text)) for text in texts):
            return None
    return asked.group(1), f"{MONTHS[int(date.group(2)) - 1].capitalize()} {date.group(1)}"


def titled_other(code: str, title: str, article: str) -> str:
    """Another model or edition of the same shape that an article's `title` names ("tab 6" for the
    "tab 7" asked, "x7" for "x8"), lowercase, when neither the title nor `article` ever states
    `code`; else "". A lead that names no model ("It comes in grey and sand colours") is about the
    one its headline names."""
    text, asked = f"{title} {article}".lower(), code.lower()
    if re.search(rf"(?<![\w.,]){re.escape(asked)}(?![\w]|[.,]\d)", text):
        return ""
    shape = "".join(r"\d+" if part.isdigit() else re.escape(part) for part in re.split(r"(\d+)", asked))
    match = re.search(rf"(?<![\w.,]){shape}(?![\w]|[.,]\d)", title.lower())
    return match.group(0) if match else ""


def about_lead(article: str, lead: str, asking: str) -> str:
    """The sentences of `article` that state something of the lead's fact (`_sharing`), lowercase:
    where a year the lead leaves unstated may be given ("the 2023 heatwave" in a blog entry quoting a
    meteorologist says nothing of the deaths a 2025 entry reports)."""
    return " ".join(_sharing([article], lead, asking)).lower()
