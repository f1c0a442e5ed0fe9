"""Attribute questions: does the answer state the attribute asked of the thing the question names?

"Which party is Tove Lien from" over "Finance Minister Tove Lien said the decision would be
hard": the articles mention Tove Lien, but not her party. "Who is Aeroserv's boss" over "The
work had been done by Aeroserv, a contractor ...": Aeroserv, but no boss. The reader's
coverage checks pass both (the asked thing is the question's rarest words, and the lead states
them); the slot the question asks to fill (party, boss, seat, club, distillery, capital) is
missing, or stated of another thing ("Ozal, who plays his club football for ..." for "which club
does Yilmaz play for").

`asked_slot` reads the slot from the question's shape, no topic word lists: the class noun of
"which/what NOUN ..." ("which distillery made the grappa"), the noun after a possessive ("who
is aeroserv's boss", "what is trellis micro's market value"), or the noun before "of" ("who is
the governor of ardesh province"). The rest of the question's content words name the owner
(the thing the attribute belongs to). Plain "who/what did X do" questions ask for no slot.

`informative` says whether the slot noun is worth checking: a word the corpus uses rarely
(IDF at least `MIN_SLOT_IDF`) and not a frame word of questions ("name", "kind", "time").

`filled` says whether some sentence of the answer states the slot (literally, by a derived form,
or by a word whose vector is within `SLOT_COSINE` of it: "chief executive" for "boss", "white"
for "colour") within `SLOT_WINDOW` words of the owner's most specific word in the same clause.

It deliberately does not parse syntax, choose sentences or word refusals (`rag.extractive`
does, with the question's own words), and it checks nothing for who/what/where/when questions
that name no slot noun.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rag.sentences import DETERMINERS, DO_AUXILIARIES, STOPWORDS, WH_WORDS, base_form, stem, words
from rag.wordvec import near_words

Embed = Callable[[list[str]], list[list[float]]]

SLOT_COSINE = 0.6  # a sentence word this close (word vectors) to the slot noun states it
SLOT_WINDOW = 8  # words between the slot word and the owner's word in one clause
MIN_KEY_IDF = 1.5  # owner words more common in the corpus than this do not name the owner
MAX_SLOT_PHRASE = 3  # words of the slot's noun phrase ("new mortgage rate")
COPULAS = frozenset("is are was were".split())
CLAUSE_BREAK = frozenset(';:()[]"“”«»—–')
TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
# Question frame nouns: they say how to answer, not what to answer about.
FRAME_NOUNS = frozenset(
    "name names kind kinds type types sort sorts way thing things time times year years day days date "
    "month months week weeks hour hours minute minutes number amount much many part one ones".split()
)
OPTIONS = re.compile(r",[^,]* or ")  # "which was bigger, serra alta or pinecrest": a comparison
PARTICIPLE = re.compile(r"[a-z]{2,}(?:ed|ing)")  # "when was pennick's founded": a verb, no slot
WH_CONTRACTION = re.compile(r"\b(what|who|where|which|when|how)(?:'s|s)\b")


@dataclass(frozen=True)
class Slot:
    """The attribute a question asks of a thing: the slot noun as typed ("boss"), its noun
    phrase ("new mortgage rate" ends in "rate"), the owner's content words ("aeroserv"), and
    the question's shape ("class", "possessive", "of")."""

    noun: str
    phrase: tuple[str, ...]
    owner: tuple[str, ...]
    shape: str


def _phrase(tokens: list[str]) -> list[str]:
    """The leading noun phrase of `tokens`: words up to the first stopword, at most
    `MAX_SLOT_PHRASE`."""
    out: list[str] = []
    for t in tokens:
        if t in STOPWORDS or t in DO_AUXILIARIES or t in COPULAS or PARTICIPLE.fullmatch(t):
            break
        out.append(t)
    return out[:MAX_SLOT_PHRASE]


def _content(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(
        re.sub(r"'s$", "", t)
        for t in tokens
        if t not in STOPWORDS and t not in WH_WORDS and t not in DO_AUXILIARIES and t not in COPULAS
    )


def asked_slot(text: str, noun: str = "") -> Slot | None:
    """The slot a question asks to fill, or None (no slot shape, or a frame noun); `noun` is the
    class noun of "which/what NOUN" the reader found ("" for none)."""
    lower = WH_CONTRACTION.sub(r"\1 is", text.lower().replace("’", "'"))
    tokens = words(lower.split(",")[0])
    if len(tokens) < 3 or tokens[0] not in WH_WORDS:
        return None
    wh, rest = tokens[0], tokens[1:]
    slot: Slot | None = None
    if rest[0] in COPULAS:
        after = rest[1:]
        if after and after[0] in DETERMINERS:
            after = after[1:]
        owner_end = next((k for k, t in enumerate(after[:4]) if t.endswith("'s") and len(t) > 2), -1)
        if owner_end >= 0:  # "who is aeroserv's boss"
            phrase = _phrase(after[owner_end + 1 :])
            if phrase:
                owner = after[: owner_end + 1] + after[owner_end + 1 + len(phrase) :]
                slot = Slot(phrase[-1], tuple(phrase), _content(owner), "possessive")
        elif "of" in after[1 : MAX_SLOT_PHRASE + 1]:  # "who is the governor of ardesh province"
            k = after.index("of")
            phrase = _phrase(after[:k])
            if phrase and len(phrase) == k:
                slot = Slot(phrase[-1], tuple(phrase), _content(after[k + 1 :]), "of")
    if slot is None and wh in ("which", "what") and noun in rest[: MAX_SLOT_PHRASE + 1]:
        k = rest.index(noun)  # "which party is tove lien from": the class of a thing the question names
        owner = rest[k + 2 :]
        # "which party is tove lien from"; not "what car was alan whitlock driving" (an action's object)
        if rest[k + 1 : k + 2] and rest[k + 1] in COPULAS and not any(PARTICIPLE.fullmatch(t) for t in owner):
            slot = Slot(noun, tuple(rest[: k + 1]), _content(owner), "class")
    if (
        slot is None
        or OPTIONS.search(lower)
        or PARTICIPLE.fullmatch(slot.noun)
        or slot.noun in FRAME_NOUNS
        or slot.noun in STOPWORDS
        or not slot.owner
        or not slot.noun.isalpha()
    ):
        return None
    return slot


def alike_words(slot: Slot, vocab: Sequence[str], embed: Embed) -> frozenset[str]:
    """The words of `vocab` whose vector is within `SLOT_COSINE` of the slot noun (one embedding call)."""
    vocab = sorted({w for w in vocab if w not in STOPWORDS and len(w) > 2})
    return near_words([slot.noun], vocab, embed, SLOT_COSINE).get(slot.noun, frozenset())


def _is(word: str, target: str) -> bool:
    a, b = stem(base_form(word)), stem(target)
    return a == b or (len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)))


def filled(slot: Slot, text: str, key: str, alike: frozenset[str] = frozenset()) -> bool:
    """Whether `text` states the slot (literally, derived, or a word of `alike`) within `SLOT_WINDOW`
    words of `key` (the owner's most specific word) in one clause; with `key` "", anywhere."""
    toks = [t for t in TOKEN.findall(text)]
    low = [t.lower().replace("’", "'") for t in toks]
    low = [re.sub(r"'s$", "", t) for t in low]
    at = [k for k, t in enumerate(low) if t[:1].isalnum() and (t in alike or _is(t, slot.noun))]
    if not at:
        return False
    if not key:
        return True
    owners = [k for k, t in enumerate(low) if t[:1].isalnum() and _is(t, key)]
    for a in at:
        for b in owners:
            i, j = min(a, b), max(a, b)
            between = low[i + 1 : j]
            if any(t in CLAUSE_BREAK or t in ".!?" for t in between):
                continue
            if sum(1 for t in between if t[:1].isalnum()) <= SLOT_WINDOW:
                return True
    return False


def owner_keys(slot: Slot, idf: Callable[[str], float]) -> tuple[str, ...]:
    """The owner's specific words (IDF at least `MIN_KEY_IDF`; all of them when none is)."""
    keys = tuple(w for w in slot.owner if idf(stem(w)) >= MIN_KEY_IDF)
    return keys or slot.owner


def stated(slot: Slot, texts: Sequence[str], idf: Callable[[str], float], embed: Embed) -> bool:
    """Whether one of `texts` (the answer's sentences) states the slot next to the owner: literally
    or derived first, then by a near word (one embedding call, only when no literal one does)."""
    keys = owner_keys(slot, idf)
    if any(filled(slot, t, k) for t in texts for k in keys):
        return True
    alike = alike_words(slot, [w for t in texts for w in words(t)], embed)
    return bool(alike) and any(filled(slot, t, k, alike) for t in texts for k in keys)


def refusal_words(slot: Slot, question: str) -> tuple[str, str]:
    """(the owner, what is not said), in the question's words: ("tove lien", "which party") for
    "which party is tove lien from", ("aeroserv", "who the boss is") for "who is aeroserv's boss"."""
    wh = words(question)[0] if words(question) else "what"
    owner = " ".join(slot.owner)
    phrase = " ".join(slot.phrase)
    if slot.shape == "class":
        return owner, f"{wh} {phrase}"
    return owner, f"{wh} the {phrase} is"
