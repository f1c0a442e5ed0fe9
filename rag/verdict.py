"""Yes/no questions: the sentence that settles them, and its verdict.

"did anyone die in the 2025 flood" is settled by "Nobody died." in the article about the 2025
flood, not by the sentence nearest the topic ("a man died in the flood of November 2023"). For a
yes/no question, `settle` reads every retrieved sentence (`Sentence`) for the question's event:

- the topic (the question's focus words and its names and numbers) must be stated by the sentence
  or the passage and headline around it (`MIN_TOPIC_COVERAGE` of the IDF weight), and the caller
  has already set aside sentences that state another year or model than the question's;
- the sentence itself (with, when it opens with a pronoun, the sentence before it) must state the
  asked relation: at least `MIN_RELATION_SHARE` of the focus words its article's headline does not
  state, literally by stem or by a near word vector (`NEAR_COSINE`), and not only names; "Nobody
  died." states "die" under the headline "The January 2025 flood: what we know so far";
- its polarity: a negation cue at most `NEGATION_WINDOW` words before that word in its clause
  ("nobody", "no longer", "did not", "would not", "failed to") makes it a "No."; a hedge
  ("whether", "may", "not clear") or the event only planned (`rag.modality.read_sentence`: "would
  ask regulators to approve") gives no verdict;
- of the sentences that qualify, one that negates the event comes first (news states a negation
  only where it matters: "It said it no longer objected." against "After objections from the QCA,
  ..."), then the one stating more of the relation, then the retrieval ranking.

The verdict is "No." for a negated event (flipped when the question is itself negative: "didn't
they ..."), said only of the subject asked (`Sentence.named`); "Yes." for an affirmed one that
states most of the event (`YES_RELATION_SHARE`) and the question's numbers; "" when the sentence
states the event as planned or hedged. `rag.extractive` acts on "No." only: an unnegated mention
of the event's words was measured a weak sign of "Yes." (it keeps its lead's reading for that).

A false premise (`premise`): "so the putin meeting was in moscow right" names a place, person or
year ("moscow") that no sentence stating the rest of the question states, while one does with
another value of the same shape (a capitalised name after the same preposition, "at the Vostochny
spaceport"; another year): that sentence settles it, "No.".

A list of facts may state the answer in two words ("- Nobody died."): `short_negation` reads such a
statement, which the reader does not quote otherwise, so that it can settle a question.

It deliberately does not decide refusals (the sentence is added to an answer already given), does
not parse syntax beyond clause punctuation, and never says "Yes." for a negated, planned or hedged
event. It does not pick the answer's other sentences (`rag.extractive`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag import modality
from rag.sentences import CLAUSE_PUNCT, NEGATION, word_term, words
from rag.wordvec import Embed, content_vocab, near_words

YEAR = re.compile(r"\b(?:19|20)\d\d\b")  # a year of the last two centuries, standing alone
MIN_TOPIC_COVERAGE = 0.75  # IDF share of the focus the sentence, its passage and headline must state
NEAR_COSINE = 0.6  # a relation word stated by a word this near (word vectors)
NEGATIVE = re.compile(
    NEGATION.pattern + r"|\b(?:failed|refused|declined)\s+to\b|\bno\s+longer\b|\bwithout\b", re.I
)
HEDGE = re.compile(
    r"\b(?:[Ww]hether|[Uu]nclear|not clear|[Uu]ncertain|may|[Mm]ight|[Cc]ould|[Rr]eportedly)\b"
)  # "May" is a month
CLAUSE_END = re.compile(CLAUSE_PUNCT + r"|\s(?:but|while|whereas|although|though)\s", re.I)
# "didn't they sign", "isn't it": the question's own auxiliary negated ("did X say it should not ..." is
# not: its negation is the asked statement's)
QUESTION_NEGATED = re.compile(r"^\W*(?:(?:so|and|but|ok)\s+)?\w+n['’]t\b", re.I)
NEGATION_WINDOW = 5  # words from a negation cue to the word it negates ("no agreement has or will be signed")
MIN_RELATION_SHARE = 0.5  # IDF share of the focus words outside the headline the sentence must state
YES_RELATION_SHARE = 0.75  # ... to say "Yes." (a negation near a word of the event is the stronger sign)
# "so the meeting was in moscow right": the slot a false premise fills, a preposition then a value
SLOT = re.compile(r"\b(in|at|on|from|to|by|for)\s+(?:the\s+)?([a-z][\w-]*)", re.I)
PREMISE_CUE = re.compile(r"\b(?:right|correct|true|isn't it|wasn't it|didn't they|didn't he|didn't she)\W*$")
YES, NO = "Yes.", "No."
LIST_MARKS = "-*•·–"  # what opens a list item
# two or three plain words from a capital to a full stop ("Nobody died.", "None were hurt.")
SHORT_STATEMENT = re.compile(r"[A-Z][A-Za-z’'-]*(?:,?\s+[A-Za-z’'-]+){1,2}\.")


@dataclass(frozen=True)
class Sentence:
    """One retrieved sentence as `settle` reads it."""

    text: str
    terms: frozenset[str]  # its stems
    context: frozenset[str]  # the stems of its passage (and headline)
    title: frozenset[str]  # the stems of its article's headline
    eligible: bool = True  # False: it states another year or model than asked (the caller's check)
    missing: frozenset[str] = frozenset()  # the question's names and numbers not stated in it or around it
    # the stems of the sentence before it, when it opens with a pronoun ("It said it no longer objected."
    # after "After objections from the QCA, ...": the QCA is its subject)
    antecedent: frozenset[str] = frozenset()
    numbers_stated: bool = True  # it states the question's numbers itself (else it says no "Yes.")
    # it, the sentence before it (a pronoun's) or its headline states the question's names: a negation
    # says "No." only of the subject asked ("Marazan have never won it" is not about Sarenna)
    named: bool = True


@dataclass(frozen=True)
class Settled:
    index: int  # of the sentence in `settle`'s list
    verdict: str  # YES, NO or "" (the event stated only as planned, or hedged)


def negated_question(question: str) -> bool:
    """ "didn't they sign": the verdict is read the other way round."""
    return bool(QUESTION_NEGATED.search(question))


def polarity(text: str, positions: Sequence[int]) -> bool:
    """Whether a negation cue stands before one of the word offsets `positions`, in its clause and at
    most `NEGATION_WINDOW` words before it."""
    for at in positions:
        clause = text[:at]
        bounds = list(CLAUSE_END.finditer(clause))
        clause = clause[bounds[-1].end() if bounds else 0 :]
        for cue in NEGATIVE.finditer(clause):
            if len(words(clause[cue.end() :])) <= NEGATION_WINDOW:
                return True
    return False


def _offsets(text: str, wanted: set[str], near: frozenset[str]) -> list[tuple[int, str]]:
    """(offset, word) of the words of `text` whose stem is wanted or that are near words."""
    return [
        (m.start(), m.group(0))
        for m in re.finditer(r"[\w'’-]+", text)
        if word_term(m.group(0)) in wanted or m.group(0).lower() in near
    ]


def settle(
    question: str,
    focus: Sequence[tuple[str, str]],
    sentences: Sequence[Sentence],
    *,
    weight: Callable[[str], float],
    embed: Embed | None = None,
    names: frozenset[str] = frozenset(),
) -> Settled | None:
    """The sentence that settles yes/no `question` and its verdict, or None when none states its event.

    `focus`: the question's (stem, word) focus words; `weight`: a term's IDF; `names`: the stems of
    the question's names (a sentence stating only a name states no event: "Marazan").
    """
    focus = [(t, w) for t, w in focus if t]
    if not focus or not sentences:
        return None
    total = sum(weight(t) for t, _ in focus) or 1.0
    near: dict[str, frozenset[str]] = {}
    if embed is not None:
        missing = [w for t, w in focus if not any(t in s.terms for s in sentences)]
        vocab = content_vocab(w.lower() for s in sentences for w in words(s.text))
        near = near_words(missing, vocab, embed, NEAR_COSINE) if missing else {}
    if (asked := premise(question)) and (found := _false_premise(asked, focus, sentences, weight)):
        return found
    flip = negated_question(question)
    years = set(YEAR.findall(question))
    best: tuple[tuple[float, ...], Settled] | None = None
    for i, s in enumerate(sentences):
        if not s.eligible or s.missing or (HEDGE.search(s.text) and not NEGATIVE.search(s.text)):
            continue
        if years and (stated := set(YEAR.findall(s.text))) and not years & stated:
            continue  # "a man died in the flood of November 2023" for "did anyone die in the 2025 flood"
        lowered = {w.lower() for w in words(s.text)}
        in_sentence = {t for t, w in focus if t in s.terms or lowered & near.get(w, frozenset())}
        around = in_sentence | {t for t, _ in focus if t in s.context or t in s.title}
        if sum(weight(t) for t in around) / total < MIN_TOPIC_COVERAGE:
            continue
        relation = {t for t in in_sentence if t not in s.title}
        subject = {t for t, _ in focus if t in s.antecedent and t not in s.title}
        outside = sum(weight(t) for t, _ in focus if t not in s.title) or 1.0
        share = sum(weight(t) for t in relation | subject) / outside
        if not relation - names or share < MIN_RELATION_SHARE:
            continue
        near_here = frozenset(x for t, w in focus if t in relation for x in near.get(w, frozenset()))
        at = _offsets(s.text, relation, near_here)
        negative = s.named and polarity(s.text, [o for o, _ in at])
        verdict = NO if negative else YES if share >= YES_RELATION_SHARE and s.numbers_stated else ""
        if HEDGE.search(s.text) or (not negative and _planned(question, s.text, [w for _, w in at])):
            verdict = ""
        if verdict and flip:
            verdict = YES if verdict == NO else NO
        key = (float(negative), share, -float(i))
        if best is None or key > best[0]:
            best = (key, Settled(i, verdict))
    return best[1] if best else None


def _planned(question: str, text: str, stated: Sequence[str]) -> bool:
    """Whether `text` states the asked words only as planned (`rag.modality`)."""
    for word in dict.fromkeys(w.lower() for w in stated):
        event = modality.Event(mode=modality.REALISED, predicate=word)
        if modality.read_sentence(event, text).verdict == modality.UNREALISED_STATED:
            return True
    return False


def _false_premise(
    asked: tuple[str, str],
    focus: Sequence[tuple[str, str]],
    sentences: Sequence[Sentence],
    weight: Callable[[str], float],
) -> Settled | None:
    """ "No." with the sentence stating the rest of the question and another value in the asked slot,
    when no sentence states the rest with the value asked."""
    prep, value = asked
    term = word_term(value)
    rest = [(t, w) for t, w in focus if t != term]
    total = sum(weight(t) for t, _ in rest) or 1.0
    best: tuple[tuple[float, ...], Settled] | None = None
    for i, s in enumerate(sentences):
        relation = {t for t, _ in rest if t in s.terms and t not in s.title}
        if not relation:
            continue
        if term in s.terms:
            return None  # a sentence states the event with the value asked: no false premise
        around = {t for t, _ in rest if t in s.terms or t in s.context or t in s.title}
        if s.missing - {value} or sum(weight(t) for t in around) / total < MIN_TOPIC_COVERAGE:
            continue
        if other_value(prep, value, s.text):
            key = (sum(weight(t) for t in relation) / total, -float(i))
            if best is None or key > best[0]:
                best = (key, Settled(i, NO))
    return best[1] if best else None


def short_negation(sentence: str) -> str:
    """A statement too short for the reader to quote otherwise that opens with a negation ("- Nobody
    died." in a list of facts), without its list mark; "" for anything else."""
    bare = sentence.strip().lstrip(LIST_MARKS).strip()
    if len(bare.split()) < 2 or not SHORT_STATEMENT.fullmatch(bare) or not NEGATION.match(bare):
        return ""
    return bare


def premise(question: str) -> tuple[str, str] | None:
    """(preposition, value) of a statement question that asks to confirm a slot ("so the putin
    meeting was in moscow right": ("in", "moscow")), or None."""
    lower = " ".join(question.lower().split())
    if not PREMISE_CUE.search(lower):
        return None
    slots = [(m.group(1), m.group(2)) for m in SLOT.finditer(lower)]
    return slots[-1] if slots else None


def other_value(prep: str, value: str, text: str) -> bool:
    """Whether `text` fills the slot "<prep> X" with another value of the same shape than `value`:
    a capitalised name for a name, another year for a year."""
    if YEAR.fullmatch(value):
        return any(y != value for y in YEAR.findall(text))
    pattern = rf"\b{prep}\s+(?:the\s+)?(?:[a-z]+\s+){{0,2}}([A-Z][\w-]+)"
    return any(m.group(1).lower() != value for m in re.finditer(pattern, text))
