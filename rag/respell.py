"""Respell a question's typos before retrieval: the words the question reading corrects, written out.

`rag.question.read` reads a typed word the articles never use as the corpus word it is a typo
of ("turnotu" as "turnout", "pincrest" as "Pinecrest"). That reading came after retrieval,
which had already run on the typo: BM25 found no "turnotu", the query's embedding carried
it, and every later check that reads the question's text (the attribute asked, the verb, the
speaker) saw the typo too. `respell` writes each corrected word back into the question, in a
surface form of the corrected stem (the English word or the typed word's one-edit neighbour
that stems to it, else the stem), so retrieval and the reader both read the question as meant.

It deliberately does not touch words the articles use, words common in English (as frequent as
the words a typo is corrected to: "reuse" is no typo of "refuse", even where the reader guesses
so), names the reading keeps as unknown
("zelensky"), English words kept as asked ("colour"), numbers, or the question's frame; it
decides nothing itself: what is a typo, and of which word, is `rag.question.read`'s reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from rag.question import COMMON_COUNT, Vocabulary, english_counts, one_edit, read, slip, vocabulary
from rag.sentences import STOPWORDS, base_form, fold, stem, stems

TOKEN = re.compile(r"[^\W_]+")  # letters and digits, accented ones too ("kalvø")
MIN_WORD = 3  # shorter words are never respelled as typos ("ok", "nk")
# "were did he go": "were" before an auxiliary opens no question but "where" typed as said
WERE = re.compile(r"\b([Ww])ere(?= (?:did|do|does|is|are|was|will|would|can|could|should|has|have|had)\b)")
GLUE = frozenset("-'’/&@_")  # a character joining a letter to a word: no chat form stands there
# Chat forms of common words, as people type them in lowercase: general English, not corpus words.
# "ppl" stays: the reader reads "how many ppl" as any count, which "people" would narrow.
CHAT_WORDS = {
    "wat": "what",
    "wut": "what",
    "wats": "whats",
    "wen": "when",
    "u": "you",
    "ur": "your",
    "r": "are",
    "govt": "government",
    "bc": "because",
    "abt": "about",
    "b4": "before",
    "tho": "though",
    "thru": "through",
    "pls": "please",
    "plz": "please",
    "tmrw": "tomorrow",
}


@lru_cache(maxsize=1)
def _english_by_stem() -> dict[str, str]:
    """The most common English word of each stem ("categori" -> "category")."""
    counts = english_counts()
    out: dict[str, str] = {}
    for word, key in zip(counts, stems(list(counts)), strict=True):
        if key not in out or counts[word] > counts[out[key]]:
            out[key] = word
    return out


def _likeness(word: str, typed: str, term: str) -> tuple[bool, bool, bool, int, str]:
    """How likely `word` (stemming to `term`) is what `typed` was meant as: a word it is a slip of
    ("tovve": "tove", not "tovee"), an English word, then an English word with the typed ending
    ("sals": "sales", not "sale") or a name written as its stem ("tarks": "tarsk", not "tarsks"),
    then the most common."""
    count = english_counts().get(word, 0)
    fits = word[-1:] == typed[-1:] if count else word == term
    return slip(typed, word), count > 0, fits, count, word


def surface(term: str, typed: str) -> str:
    """A word that stems to the corpus stem `term`, for the typed word `typed`: the typed word's
    one-edit neighbour that does ("dunore" -> "dunmore", the likeliest: `_likeness`), else the most
    common English word, else the stem."""
    near = [w for w in one_edit(typed) if stem(w) == term]
    if near:
        return max(near, key=lambda w: _likeness(w, typed, term))
    return _english_by_stem().get(term, term)


def _names(text: str) -> tuple[str, ...]:
    """The words typed capitalised, the first word aside (as `rag.extractive` reads names)."""
    tokens = TOKEN.findall(fold(text))
    return tuple(w.lower() for w in tokens[1:] if w[:1].isupper())


def _corrected(word: str, names: tuple[str, ...], vocab: Vocabulary) -> str:
    """The word the question reading reads the typed `word` as, when it corrects it; else ""."""
    if len(word) < MIN_WORD or word in STOPWORDS or not word.isalpha():
        return ""
    term = stem(base_form(word))
    if vocab.known(term) or english_counts().get(word, 0) >= COMMON_COUNT:
        return ""  # a word the articles use, or one English writes often ("reuse", "prise"): as typed
    reading = read(((term, word),), names, vocab)
    if not reading.corrected:
        return ""
    new = surface(reading.corrected[0][1], word)
    # only a slip of the fingers or a spelling as said is retrieved as its word: "spacex" read as
    # "space" (a far key added) is the reader's guess, not what was typed
    return new if slip(word, new) else ""


def respell(question: str, df: Mapping[str, int]) -> str:
    """`question` with every word that the question reading corrects replaced by its corpus word
    (capitalised as typed) and every chat form (`CHAT_WORDS`, typed in lowercase) by its word;
    the question unchanged when it has neither."""
    question = WERE.sub(r"\1here", question)
    if not df:
        return question
    vocab = vocabulary(df)
    names = _names(question)
    out: list[str] = []
    last = 0
    for match in TOKEN.finditer(question):
        typed = match.group(0)
        word = fold(typed).lower()
        before, after = question[match.start() - 1 : match.start()], question[match.end() : match.end() + 2]
        dotted = after[:1] == "." and after[1:].isalpha()  # "u.s."
        alone = before not in GLUE | {"."} and after[:1] not in GLUE and not dotted
        new = CHAT_WORDS.get(typed, "") if alone else ""  # "u.s.", "r&b", "x-u" are no chat forms
        if not new:
            new = _corrected(word, names, vocab)
        if not new:
            continue
        if typed[:1].isupper():
            new = new[:1].upper() + new[1:]
        out.append(question[last : match.start()] + new)
        last = match.end()
    return "".join(out) + question[last:] if out else question
