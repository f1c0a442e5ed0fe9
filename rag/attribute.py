"""Attribute questions: does the answer state the attribute asked of the thing the question names?

"Which party is Tove Lien from" over "Finance Minister Tove Lien said the decision would be
hard": the articles mention Tove Lien, but not her party. "Who is Aeroserv's boss" over "The
work had been done by Aeroserv, a contractor ...": Aeroserv, but no boss. The reader's
coverage checks pass both (the asked thing is the question's rarest words, and the lead states
them); the slot the question asks to fill (party, boss, seat, club, distillery, capital) is
missing, or stated of another thing ("Ozal, who plays his club football for ..." for "which club
does Yilmaz play for").

`asked_slot` reads the slot from the question's shape, no topic word lists: the class noun of
"which/what NOUN is/was ..." ("which party is tove lien from", "what seat was jorunn aas in"),
the noun after a possessive ("who is aeroserv's boss", "what is trellis micro's market value"),
or the noun before "of" ("who is the governor of ardesh province"). The question's other
content words name the owner, the thing the attribute belongs to. No slot: plain "who/what did X
do" questions, a class noun followed by a verb ("which distillery made the grappa", "what car
was alan whitlock driving": the object of an action, the role or the answer type checks'), a
comparison of options ("which quake was stronger, beyrek or ravnsby"), a frame noun that says
how to answer rather than what ("what minute", "the name of"), a verb after the possessive.

`stated` says whether a sentence of the answer states the slot (literally, by a derived form, or
by a word whose vector is within `SLOT_COSINE` of it: "chief" for "boss") within `SLOT_WINDOW`
words of one of the owner's specific words (IDF at least `MIN_KEY_IDF`) in the same clause: a
slot stated of another thing ("Ozal, who plays his club football for ..." for "which club is
Yilmaz with") or in another clause does not count.

It deliberately does not parse syntax (a slot word next to the owner but said of something
else still passes), know what kind of value fills a slot (a name, a number: the answer type
check's), choose sentences, or word refusals beyond the question's own words (`rag.extractive`
decides, and skips list questions: they ask for members, not an attribute).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rag.sentences import (
    COPULAS,
    DETERMINERS,
    DO_AUXILIARIES,
    MODEL_CODE,
    OPTIONS,
    STOPWORDS,
    TOKEN,
    WH_WORDS,
    base_form,
    lowered,
    same_word,
    stem,
    within_clause,
    words,
)
from rag.wordvec import content_vocab, near_words

Embed = Callable[[list[str]], list[list[float]]]

SLOT_COSINE = 0.6  # a sentence word this close (word vectors) to the slot noun states it
SLOT_WINDOW = 12  # words between the slot word and the owner's word in one clause
MIN_KEY_IDF = 1.5  # owner words more common in the corpus than this do not name the owner
MAX_SLOT_PHRASE = 3  # words of the slot's noun phrase ("new mortgage rate")
PREPOSITIONS = frozenset("to for with on in at by from of about into against near".split())
# Question frame nouns: they say how to answer, not what to answer about.
FRAME_NOUNS = frozenset(
    "name names kind kinds type types sort sorts way thing things time times year years day days date "
    "month months week weeks hour hours minute minutes number amount much many part one ones".split()
)
# "when was pennick's founded", "which pope was laid to rest": a verb, no slot (irregular forms:
# `base_form`'s list and the endings no noun has)
PARTICIPLE = re.compile(r"[a-z]{2,}(?:ed|ing)|[a-z]+(?:aid|ought|aught)")
WH_CONTRACTION = re.compile(r"\b(what|who|where|which|when|how)(?:'s|s)\b")


@dataclass(frozen=True)
class Slot:
    """The attribute a question asks of a thing: the slot noun as typed ("boss"), its noun
    phrase ("new mortgage rate" ends in "rate"), the owner's content words ("aeroserv"), and
    the question's shape ("class", "possessive", "of"), and the owner as the question words it
    ("ardesh province", "tove lien", "aeroserv's")."""

    noun: str
    phrase: tuple[str, ...]
    owner: tuple[str, ...]
    shape: str
    owner_text: str = ""


def _phrase(tokens: list[str]) -> list[str]:
    """The leading noun phrase of `tokens`: words up to the first stopword, at most
    `MAX_SLOT_PHRASE`."""
    out: list[str] = []
    for t in tokens:
        if t in STOPWORDS or t in DO_AUXILIARIES or t in COPULAS or _verb(t):
            break
        out.append(t)
    return out[:MAX_SLOT_PHRASE]


def _content(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(
        re.sub(r"'s$", "", t)
        for t in tokens
        if t not in STOPWORDS and t not in WH_WORDS and t not in DO_AUXILIARIES and t not in COPULAS
    )


def _verb(word: str) -> bool:
    """Whether `word` is a participle or an irregular past form ("driving", "founded", "laid", "built")."""
    return bool(PARTICIPLE.fullmatch(word)) or base_form(word) != word


def _trimmed(tokens: list[str]) -> list[str]:
    """`tokens` up to the first clause word after a content word ("tove lien from" -> "tove lien",
    "the mussels near" -> "the mussels", "ardesh province" unchanged)."""
    out: list[str] = []
    for t in tokens:
        if t in STOPWORDS and t not in DETERMINERS and t != "of" and any(w not in STOPWORDS for w in out):
            break
        out.append(t)
    while out and (out[-1] in STOPWORDS or out[-1] in PREPOSITIONS):
        out.pop()
    while out and out[0] in PREPOSITIONS:  # "what chip is in the x7": "the x7"
        out.pop(0)
    return out


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
        if owner_end >= 0 and any(t in STOPWORDS for t in after[:owner_end]):
            owner_end = -1  # "the main focus of kim's tour": the slot is before "of"
        if owner_end >= 0:  # "who is aeroserv's boss"
            phrase = _phrase(after[owner_end + 1 :])
            if phrase:
                owner = after[: owner_end + 1] + after[owner_end + 1 + len(phrase) :]
                text = " ".join(after[: owner_end + 1])
                slot = Slot(phrase[-1], tuple(phrase), _content(owner), "possessive", text)
        elif "of" in after[1 : MAX_SLOT_PHRASE + 1]:  # "who is the governor of ardesh province"
            k = after.index("of")
            phrase = _phrase(after[:k])
            if phrase and len(phrase) == k:
                text = " ".join(_trimmed(after[k + 1 :]))
                slot = Slot(phrase[-1], tuple(phrase), _content(after[k + 1 :]), "of", text)
    if slot is None and wh in ("which", "what") and noun in rest[: MAX_SLOT_PHRASE + 1]:
        k = rest.index(noun)  # "which party is tove lien from": the class of a thing the question names
        owner = rest[k + 2 :]
        # "which party is tove lien from"; not "what car was alan whitlock driving" (an action's object)
        if rest[k + 1 : k + 2] and rest[k + 1] in COPULAS and not any(_verb(t) for t in owner):
            text = " ".join(_trimmed(owner))
            slot = Slot(noun, tuple(rest[: k + 1]), _content(owner), "class", text)
    if (
        slot is None
        or OPTIONS.search(lower)
        or _verb(slot.noun)
        or slot.noun in FRAME_NOUNS
        or slot.noun in STOPWORDS
        or not slot.owner
        or not slot.noun.isalpha()
    ):
        return None
    return slot


def alike_words(slot: Slot, vocab: Sequence[str], embed: Embed) -> frozenset[str]:
    """The words of `vocab` whose vector is within `SLOT_COSINE` of the slot noun (one embedding call)."""
    return near_words([slot.noun], content_vocab(vocab), embed, SLOT_COSINE).get(slot.noun, frozenset())


def filled(
    slot: Slot, text: str, key: str, alike: frozenset[str] = frozenset(), *, code: bool = False
) -> bool:
    """Whether `text` states the slot (literally, derived, or a word of `alike`) within `SLOT_WINDOW`
    words of `key` (an owner's specific word) in one clause; with `key` "", anywhere. With `code`, a
    model code ("Orlan-10") by the owner states a class slot too ("what model was the recon drone")."""
    toks = TOKEN.findall(text)
    low = lowered(toks)
    at = [k for k, t in enumerate(low) if t[:1].isalnum() and (t in alike or same_word(t, slot.noun))]
    if code:
        owner = key or slot.noun
        codes = (k for k, t in enumerate(toks) if MODEL_CODE.fullmatch(t.strip("’'")))
        at += [k for k in codes if not same_word(low[k], owner)]
    if not at:
        return False
    if not key:
        return True
    owners = [k for k, t in enumerate(low) if t[:1].isalnum() and same_word(t, key)]
    return any(within_clause(low, a, b, SLOT_WINDOW) for a in at for b in owners)


def owner_keys(slot: Slot, idf: Callable[[str], float]) -> tuple[str, ...]:
    """The owner's specific words (IDF at least `MIN_KEY_IDF`). None when the owner is the corpus's
    own topic ("north korea" over articles all about it): every sentence is about it."""
    return tuple(w for w in slot.owner if idf(stem(w)) >= MIN_KEY_IDF)


def stated(slot: Slot, texts: Sequence[str], idf: Callable[[str], float], embed: Embed) -> bool:
    """Whether one of `texts` (the answer's sentences) states the slot next to the owner: literally
    or derived first, then by a near word (one embedding call, only when no literal one does)."""
    keys = owner_keys(slot, idf) or ("",)
    code = slot.shape == "class"
    if any(filled(slot, t, k, code=code) for t in texts for k in keys):
        return True
    alike = alike_words(slot, [w for t in texts for w in words(t)], embed)
    return bool(alike) and any(filled(slot, t, k, alike) for t in texts for k in keys)


def refusal_words(slot: Slot, question: str) -> tuple[str, str]:
    """(the owner, what is not said), in the question's words: ("tove lien", "which party") for
    "which party is tove lien from", ("aeroserv", "who aeroserv's boss is") for "who is aeroserv's
    boss", ("ardesh province", "who the governor is") for "who is the governor of ardesh province"."""
    asked = words(WH_CONTRACTION.sub(r"\1 is", question.lower().replace("’", "'")))
    wh = asked[0] if asked else "what"
    phrase = " ".join(slot.phrase)
    owner = slot.owner_text or " ".join(slot.owner)
    if slot.shape == "class":
        return owner, f"{wh} {phrase}"
    if slot.shape == "possessive":
        return re.sub(r"'s$", "", owner), f"{wh} {owner} {phrase} is"
    return owner, f"{wh} the {phrase} is"
