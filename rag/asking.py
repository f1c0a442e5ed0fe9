"""A question's asking part and its preamble: what it asks, and what it only states to set the topic.

People put chatter and context before the ask ("ugh i just bought a fjord last year, is mine part of
the recall?"), and quiz questions state facts that identify the topic before asking ("A year after
finishing second with 188 points, a Corvenian singer won the 2025 contest. What was the song?").
`split` reads where the ask starts, by general signals only: sentence boundaries (a statement that
ends with a full stop before a later sentence is preamble), then clause boundaries inside the first
sentence that is not such a statement (commas, semicolons), and the clause that asks, opened (after
chatter the project already strips, `rag.question.strip_chatter`, and a joining word) by a wh-word,
possibly after a preposition ("by how much", "to what amount"), or by an auxiliary or copula that
inverts ("is mine part of", "did he", "can you tell me"); a sentence with no such clause asks as a
whole ("Some thefts were driven by hackers linked to which country?"). The ask runs from there to the
end; everything before it is the preamble. A question whose first clause already asks has no preamble.

The refusal checks read it (`rag.extractive`, under the policy flag `read_preamble`): the words of
the ask must still be stated by the lead, while the preamble's words identify the topic, so they are
found anywhere in the retrieved passages (`found_terms`); a preamble word the passages never use stays
missing ("my cousin lost her summer cabin ..." keeps its refusal). A preamble word the corpus never
uses is no unknown name when it looks like an ordinary word (`ordinary_word`: lowercase in the
question and common in English, "hacks"); a capitalised or rare one still is.

It deliberately does not read meaning: no word lists of topics, no parsing beyond punctuation and the
first words of a clause; and it decides nothing (the policy does).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rag.question import CHATTER, LEADING_FILLER, english_frequency, strip_chatter
from rag.sentences import (
    ABBREVIATIONS,
    COPULAS,
    DO_AUXILIARIES,
    QUESTION_SENTENCES,
    WH_WORDS,
    base_terms,
    words,
)

# a sentence that ends in a full stop (or "!") and is followed by another sentence states, not asks
CLAUSE_SPLIT = re.compile(r"(?<=[,;:])\s+|\s+(?=—|–)")
# words that join a clause to the one before it without asking ("and who was it ...", "so did ...")
JOINERS = frozenset("and but so then or also".split())
# auxiliaries and copulas that open a question by inversion ("is mine part of", "has it", "were they")
INVERTING = DO_AUXILIARIES | COPULAS | frozenset("has have had am".split())
LEAD_IN_JOINERS = frozenset("but so".split())  # joining words an ask follows after a lead-in with no comma
ASK_IF = frozenset("if whether".split())  # what opens an indirect yes-no ask after a chat word
RELATIVE = frozenset("who whom whose which where when".split())  # wh-words that also open a relative clause
MAX_PREPOSITION = 4  # letters: a short word before the wh-word ("by how much", "to what", "in which")
# log10 English count (symspellpy's list) from which an unseen lowercase preamble word reads as an
# ordinary word rather than a name: "hacks" 6.5, "cousin" 6.6; "kimchi" 5.1, "messi" none
COMMON_FREQUENCY = 6.0


@dataclass(frozen=True)
class Parts:
    ask: str  # the asking part, to the end of the question
    preamble: str  # what comes before it ("" when the question asks from its first clause)


def _opening(clause: str) -> list[str]:
    """The first words of `clause`, lowercase, past chatter and joining words."""
    text = strip_chatter(clause.strip())
    tokens = [t.strip(",.!?;:\"'“”‘’()").lower().replace("’", "'") for t in text.split()]
    tokens = [t for t in tokens if t]
    while tokens and (tokens[0] in JOINERS or tokens[0] in LEADING_FILLER) and len(tokens) > 1:
        tokens = tokens[1:]
    return tokens


def asks(clause: str) -> bool:
    """Whether `clause` opens as a question: a wh-word (after a short preposition, "by how much") or
    an inverted auxiliary or copula ("did he", "is it", "can you tell me")."""
    tokens = _opening(clause)
    if not tokens:
        return False
    first = tokens[0]
    if first in WH_WORDS or first in INVERTING:
        return True
    return len(tokens) > 1 and tokens[1] in WH_WORDS and len(first) <= MAX_PREPOSITION and first.isalpha()


def lead_in(clause: str) -> int:
    """Where the ask starts inside `clause` after a lead-in typed without a comma, or 0: a wh-word
    after a joining word ("sorry if this is a dumb question but why did ...") or after a chat word
    ("i was wondering when the clinic closes", "curious whether ..."). A wh-word after any other
    word is no ask of its own ("hackers linked to which country")."""
    matches = list(re.finditer(r"[\w'’]+", clause))
    for prev, word in itertools.pairwise(matches):
        first, before = word.group(0).lower(), prev.group(0).lower()
        if (first in WH_WORDS and before in LEAD_IN_JOINERS) or (
            first in WH_WORDS | ASK_IF and before in CHATTER
        ):
            return word.start()
    return 0


def _relative(clause: str, rest: list[str]) -> bool:
    """Whether `clause`, after a comma, is a relative clause rather than the ask: opened by a relative
    wh-word while the sentence asks by another wh-word further on ("Dr. Woodson, who helped develop
    Black History Month, was the second to earn a Ph.D from which university?")."""
    tokens = _opening(clause)
    if not tokens or tokens[0] not in RELATIVE:
        return False
    later = " ".join(rest)[len(clause.split(tokens[0], 1)[0]) + len(tokens[0]) :]
    return any(w.lower().strip(",.!?;:") in WH_WORDS for w in later.split())


def _sentences(text: str) -> list[str]:
    """`text` split after sentence marks, not after an initial or abbreviation ("Dr. Carter G. Woodson")."""
    out: list[str] = []
    for piece in (p for p in QUESTION_SENTENCES.split(text) if p.strip()):
        if out and out[-1].endswith(".") and _abbreviated(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _abbreviated(sentence: str) -> bool:
    """Whether `sentence` ends with an initial or an abbreviation's full stop rather than a sentence's."""
    word = sentence[:-1].rsplit(None, 1)[-1] if sentence[:-1].split() else ""
    return (len(word) == 1 and word.isupper()) or word.lower() in ABBREVIATIONS


@lru_cache(maxsize=256)
def split(question: str) -> Parts:
    """The question's ask and preamble (see the module docstring); cached, as the reader reads one
    question's parts several times (its terms, its words, each unseen word)."""
    text = question.strip()
    sentences = _sentences(text)
    consumed = 0  # characters of `text` before the sentence being read
    for i, sentence in enumerate(sentences):
        start = text.index(sentence, consumed)
        consumed = start + len(sentence)
        last = i == len(sentences) - 1
        if not last and sentence.rstrip().endswith(".") and not asks(sentence):
            continue  # a statement: preamble
        offset = start
        clauses = [c for c in CLAUSE_SPLIT.split(sentence) if c.strip()]
        resumed = False  # the clause after a relative one goes on with the main clause ("..., was the")
        for k, clause in enumerate(clauses):
            at = text.index(clause, offset)
            relative = bool(k) and _relative(clause, clauses[k:])
            if asks(clause) and not relative and not (resumed and _opening(clause)[0] not in WH_WORDS):
                return Parts(ask=text[at:].strip(), preamble=text[:at].strip(" ,;:—–"))
            if not relative and not resumed and (inner := lead_in(clause)):
                return Parts(ask=text[at + inner :].strip(), preamble=text[: at + inner].strip(" ,;:—–"))
            resumed = relative
            offset = at + len(clause)
        # no clause of it opens by asking ("... were driven by hackers linked to which country?"): it
        # asks as a whole, after the statements before it
        return Parts(ask=text[start:].strip(), preamble=text[:start].strip())
    return Parts(ask=text, preamble="")


def preamble_terms(question: str) -> frozenset[str]:
    """The terms (`base_terms` stems) of the question's preamble that its ask does not use."""
    parts = split(question)
    if not parts.preamble:
        return frozenset()
    return frozenset(base_terms(parts.preamble)) - frozenset(base_terms(parts.ask))


def preamble_words(question: str) -> frozenset[str]:
    """The lowercase words of the question's preamble that its ask does not use."""
    parts = split(question)
    if not parts.preamble:
        return frozenset()
    asked = {w.lower() for w in re.findall(r"[\w'-]+", parts.ask)}
    return frozenset(w.lower() for w in re.findall(r"[\w'-]+", parts.preamble)) - asked


def found_terms(terms: Iterable[str], texts: Iterable[str]) -> frozenset[str]:
    """Those of `terms` that some of `texts` uses (the retrieved passages: a preamble word identifies
    the topic, so it is found anywhere there, not in the lead sentence). Each distinct word is stemmed
    once (`base_terms` of the texts' words, without re-reading each text)."""
    wanted = set(terms)
    if not wanted:
        return frozenset()
    distinct: set[str] = set()
    for text in texts:
        distinct.update(words(text))
    return frozenset(wanted.intersection(base_terms(" ".join(distinct))))


def ordinary_word(word: str, question: str) -> bool:
    """Whether `word`, unseen in the corpus, is an ordinary English word of the question's preamble
    rather than a name: the preamble has it, never capitalised, and it is common in English."""
    if word.lower() not in preamble_words(question):
        return False
    if re.search(rf"\b{re.escape(word)}\b", question, re.I) and not re.search(
        rf"\b{re.escape(word.lower())}\b", question
    ):
        return False  # written capitalised somewhere in the question
    return english_frequency(word) >= COMMON_FREQUENCY
