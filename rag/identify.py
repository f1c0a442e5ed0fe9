"""Identifying questions: does the answer identify the thing "which NOUN" asks for, or only mention it?

"Which prison is Declan Frost in" over "Frost was sentenced to six years in prison": the answer
mentions a prison but does not say which. "What kind of van did they use" over "the registration
number of their van", "which companies run the scooters" over "run by three companies", "by which
company?" over "made by a contract manufacturer in Taiwan": each mentions the noun asked and
identifies nothing. A question of this shape asks the articles to identify the noun: by a name
("Dravec Dynamo", "the Razdolnaya River"), a model code ("Geran-25"), or, for "what kind of", an
identifying modifier ("a fishing boat").

`asked` reads the noun from the question's shape, no topic word lists: "which NOUN ..." (also in
the last sentence of a long question and after "which of the 41 other ..."), "which NOUN's ...",
"what kind/type/sort of NOUN" (`kind`: a modifier identifies), "what brand/model/make of NOUN" and
"what brand/model was the NOUN", and "what NOUN" followed by a verb ("what company got the
contracts"). No noun: frame nouns ("which one", "which years": they say how to answer), a verb
after "which" ("which had higher turnout"), and comparisons of options the question names ("which
quake was stronger, beyrek or ravnsby": answered by naming one of them).

`asked_name` reads the same kind of question worded as a request for a name: "what's the name of the
nurse at the town hall", "what were the ghost employees called", "whats her sons name", "what are
the names of the five fishermen". The noun is the thing named ("nurse", "employees", "sons",
"fishermen"); a bare "whats his name" or "what's the name" names no noun and is not read.

`mentions` says whether a sentence mentions the noun (literally, by a derived form, or by a word of
`alike`, near by word vectors: "manufacturer" for "company", "districts" for "parts");
`identifies` whether it also identifies it: a capitalised run or a model code the question does
not use, within `WINDOW` words before or after the mention in one clause ("the River Quell",
"Corrib Paving, a company", "a contract manufacturer, Foxlink,", "a boat called Marisol", "his club
football for Dravec Dynamo"), unless a place preposition or a relative pronoun comes between ("a
contract manufacturer in Taiwan", "Ozal, who plays ..."); for `kind`, also a content word just
before the mention ("a fishing boat"). A bare noun with a determiner, a number or a possessive
("their van", "three companies", "in prison") identifies nothing. `unidentified` is the reader's
feature: some sentence of the answer mentions the noun and none identifies it.

It deliberately does not parse syntax (a name next to the noun but said of something else still
identifies it), check that the identified thing belongs to the question's owner (`rag.attribute`'s
slot check), judge an answer that never mentions the noun (a name may stand for it: "The contracts
went to Corrib Paving"; the focus and answer-type checks read those), choose sentences, or word the
refusal (`rag.extractive` does, in the question's words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from rag.question import reads_as_name
from rag.sentences import (
    CALENDAR,
    COPULAS,
    DETERMINERS,
    DO_AUXILIARIES,
    MODEL_CODE,
    MONTHS,
    NUMBER_VALUES,
    OPTIONS,
    PRONOUNS,
    QUESTION_SENTENCES,
    STOPWORDS,
    TOKEN,
    YEAR,
    base_form,
    lowered,
    same_word,
    stem,
    within_clause,
    words,
)
from rag.wordvec import content_vocab, near_words

Embed = Callable[[list[str]], list[list[float]]]

WINDOW = 3  # words between the noun's mention and a name that identifies it, in one clause
ALIKE_COSINE = 0.6  # a sentence word this close (word vectors) to the noun mentions it
MAX_PHRASE = 4  # words of the asked noun phrase ("tarsk company", "41 other schools")
KIND_WORDS = frozenset("kind kinds type types sort sorts".split())  # a modifier identifies
BRAND_WORDS = frozenset("brand brands model models make makes".split())  # a name or code identifies
# Question frame nouns: they say how to answer, not what to identify.
FRAME_NOUNS = frozenset(
    "one ones name names way thing things time times year years day days date dates month months "
    "week weeks hour hours minute minutes number numbers amount much many part percent".split()
)
# between a mention and a name, these say the name is somewhere or something else, not the noun
PLACE_PREPOSITIONS = frozenset(
    "in at near from outside inside across around into onto off over under".split()
)
OBJECT_STARTS = frozenset("him her them it us me".split())  # "which agency told him": "told" a verb
# a mention after these is generic, not the thing asked ("the most of any city")
GENERIC = frozenset("any every each all other no such".split())
MAX_MODIFIERS = 2  # words between a bare mention's determiner and the noun ("three primary schools")
# the words a bare mention follows: an indefinite article, a vague quantity, a possessive pronoun
BARE_STARTS = frozenset("a an some several few many their his her its our my your".split())
PREPOSITIONS = frozenset("in at by for from with of on to into near".split())
LIST_STARTS = frozenset("including like".split())  # "crops like wheat": a list names them
RELATIVES = frozenset("who whom whose which that where when".split())
VERB_ENDING = re.compile(r"[a-z]{2,}(?:ed|ing)")
WHICH = re.compile(r"\bwhich\b", re.I)
# "what kind of van", "what brand of vodka", "what model are the trains", "what company got ..."
WHAT = re.compile(r"\bwhat\b", re.I)
# the words that open a request for a name ("whats the name of ...", "what were they called")
NAME_WH = frozenset("what what's whats wat".split())
NAME_WORDS = frozenset("name names".split())  # "the name of the nurse", "her sons name"
CALLED = frozenset("called named".split())  # "what were the ghost employees called"
# words between the copula and the noun that say whose or how many, not what ("the", "her", "five")
QUOTE_MARKS = frozenset("\"“”‘’'")  # skipped when reading a bare mention ('four "ghost employees"')
NAME_SKIP = DETERMINERS | frozenset("some any two".split())
# A sentence that gives a name: "have been named Bao and Ling", "called the Saltmarket", or a short
# capitalised title in quotes ("his first novel, "Winter Ledger","; speech has a stop inside its quotes).
NAME_GIVEN = re.compile(
    r"\b(?:named|called|titled|dubbed)\s+(?:as\s+)?(?:the\s+)?[\"“‘']?[A-Z]"
    r"|[\"“]\s*[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,4}\s*[\"”]"
)


@dataclass(frozen=True)
class Asked:
    """The noun a question asks the articles to identify, as typed ("company"), its phrase
    ("tarsk company"), the question's own words (a name it uses identifies nothing new), whether
    a modifier identifies it (`kind`), and the question's word for what is asked ("which", "what
    kind", "what brand")."""

    noun: str
    phrase: tuple[str, ...]
    question_words: frozenset[str]
    kind: bool = False
    wh: str = "which"
    naming: bool = False  # a request for a name (`asked_name`): a name given anywhere answers it


def _stop(word: str) -> bool:
    """Whether `word` ends the asked noun phrase: a function word or a verb form."""
    return (
        word in STOPWORDS
        or word in DO_AUXILIARIES
        or word in COPULAS
        or bool(VERB_ENDING.fullmatch(word))
        or word.endswith("ly")
        or base_form(word) != word
    )


def _phrase(tokens: Sequence[str]) -> list[str]:
    """The leading noun phrase of `tokens` (up to `MAX_PHRASE` words): a possessive ends it, and a
    word before a determiner or a possessive is a verb ("which film won the ...", "which companies
    run oskirk's ...")."""
    out: list[str] = []
    for t in tokens[: MAX_PHRASE + 1]:
        owner = t.endswith("'s") and len(t) > 2
        if out and (owner or t in DETERMINERS or t in OBJECT_STARTS or t in NUMBER_VALUES or t.isdigit()):
            return out[:-1] if len(out) > 1 else out
        if owner:
            return [t[:-2]]
        if _stop(t):
            break
        out.append(t)
    return out[:MAX_PHRASE]


def _ask_clause(text: str) -> str:
    """The sentence of `text` that asks (a long question's last one with "which"/"what")."""
    parts = [p for p in QUESTION_SENTENCES.split(text.strip()) if p]
    asking = [p for p in parts if WHICH.search(p) or WHAT.search(p)]
    return asking[-1] if asking else text


def _question_stems(text: str) -> frozenset[str]:
    """The stems of every word of the question, possessive endings off (`Asked.question_words`)."""
    return frozenset(stem(re.sub(r"'s$", "", w)) for w in words(text.lower().replace("’", "'")))


def asked(text: str, *, what_noun: bool = False) -> Asked | None:
    """The noun `text` asks the articles to identify, or None (no such shape; see the module).
    Plain "what NOUN ..." counts only with `what_noun` (the reader's answer type says the noun is
    one a name answers: "what company got the contracts", not "what gifts", "what growth")."""
    clause = _ask_clause(text).lower().replace("’", "'")
    if OPTIONS.search(clause):
        return None
    tokens = words(clause)
    qwords = _question_stems(text)
    for k, t in enumerate(tokens):
        if t not in ("which", "what"):
            continue
        rest = list(tokens[k + 1 :])
        kind, wh = False, t
        if t == "which" and rest[:1] == ["of"]:  # "which of the 41 other schools"
            rest = rest[1:]
            while rest and (
                rest[0] in DETERMINERS or rest[0] in GENERIC or rest[0] in NUMBER_VALUES or rest[0].isdigit()
            ):
                rest = rest[1:]
        if rest[:1] and (rest[0] in KIND_WORDS or rest[0] in BRAND_WORDS):
            kind, wh = rest[0] in KIND_WORDS, f"{t} {rest[0]}"
            if rest[1:2] == ["of"]:  # "what kind of van"
                rest = rest[2:]
            elif rest[1:2] and rest[1] in COPULAS:  # "what model was the recon drone"
                rest = [w for w in rest[2:] if w not in DETERMINERS]
            else:
                return None
            phrase = _phrase(rest)
        else:
            phrase = _phrase(rest)
            if phrase and phrase[-1] in BRAND_WORDS | KIND_WORDS:  # "which rifle model did ..."
                kind, wh, phrase = phrase[-1] in KIND_WORDS, f"{t} {phrase[-1]}", phrase[:-1]
            elif t == "what" and not (what_noun and len(rest) > len(phrase) and _stop(rest[len(phrase)])):
                return None  # "what" + a noun asks to identify it only before a verb
        if not phrase:
            return None
        noun = phrase[-1]
        if noun in FRAME_NOUNS or noun in STOPWORDS or not noun.isalpha() or len(noun) < 3:
            return None
        return Asked(noun, tuple(phrase), qwords, kind, wh)
    return None


def _named_phrase(tokens: Sequence[str], capitalised: Collection[str] = ()) -> list[str]:
    """The noun phrase a request for a name names, from `tokens` after its opening: determiners,
    possessive pronouns and counts skipped, an owner's name passed over ("reg tanner's sons",
    "hatice oral's son": the phrase is what follows the owner), then words up to the first stop or
    a word the question capitalises after one it does not (`capitalised`, lowercased)."""
    out: list[str] = []
    for t in tokens[: 2 * MAX_PHRASE]:
        if not out and (t in NAME_SKIP or t in NUMBER_VALUES or t.isdigit()):
            continue
        if t.endswith("'s") and len(t) > 2:  # an owner: what is named follows it
            out = []
            continue
        if _stop(t) or not t.isalpha():
            break
        if out and t in capitalised and out[-1] not in capitalised:
            break  # a name after the noun starts the next clause ("the frigate Kim visited")
        out.append(t)
    return out[-MAX_PHRASE:]


def asked_name(text: str) -> Asked | None:
    """The noun a request for a name asks to be named (see the module), or None: "what's the name of
    the nurse ...", "what were the ghost employees called", "whats her sons name" (also with its
    "whats" stripped as chatter: "the name of the nurse ...")."""
    clause = _ask_clause(text).replace("’", "'")
    tokens = words(clause.lower())
    capitalised = frozenset(w.lower() for w in TOKEN.findall(clause)[1:] if w[:1].isupper())
    qwords = _question_stems(text)
    if tokens[:1] and tokens[0] in DETERMINERS:  # the reader strips a chatty "whats": "the name of ..."
        tokens = ["whats", *tokens]
    for k, t in enumerate(tokens):
        if t not in NAME_WH:
            continue
        rest = list(tokens[k + 1 :])
        opener = rest[0] if rest else ""
        if t in ("what", "wat") and opener in COPULAS | DO_AUXILIARIES:
            rest = rest[1:]
        elif t in ("what", "wat") or not rest:
            continue
        phrase: list[str] = []
        wh = "the name"
        if len(rest) >= 3 and rest[0] == "the" and rest[1] in NAME_WORDS and rest[2] == "of":
            phrase = _named_phrase(rest[3:], capitalised)
            wh = "the names" if rest[1] == "names" else "the name"
        else:
            # "what were the ghost employees called", "whats her sons name", "what will X be called"
            end = next((i for i, w in enumerate(rest) if w in CALLED or w in NAME_WORDS), None)
            if end is None:
                continue
            if rest[end] in CALLED and rest[end + 1 : end + 2] and rest[end + 1] not in PREPOSITIONS:
                continue  # "called" with an object: a verb ("the council named a new chief")
            span = rest[:end]
            if rest[end] in CALLED and span[-1:] == ["be"]:  # "what will the new company be called"
                span = span[:-1]
            if rest[end] in NAME_WORDS:  # "what's the nurse's name": the owner is the one named
                if opener in DO_AUXILIARIES or not span or not span[-1].endswith("s"):
                    continue  # "name" as a verb ("what did they name it"), "a good name for"
                span = [*span[:-1], *(w.removesuffix("'s") for w in span[-1:])]
                wh = "the names" if rest[end] == "names" else "the name"
            phrase = _named_phrase(span, capitalised)
            if not phrase or phrase[-1] != span[-1]:
                continue  # a word between that is no part of the noun phrase: a verb ("did he name")
        if not phrase:
            continue
        noun = phrase[-1]
        if noun in FRAME_NOUNS or noun in STOPWORDS or len(noun) < 3:
            continue
        return Asked(noun, tuple(phrase), qwords, False, wh, naming=True)
    return None


def alike_words(spec: Asked, texts: Iterable[str], embed: Embed) -> frozenset[str]:
    """The words of `texts` whose vector is within `ALIKE_COSINE` of the noun (one embedding call);
    verb forms never stand for a noun ("sentenced" is near "prison")."""
    vocab = [w for w in content_vocab(w for t in texts for w in words(t)) if not _stop(w)]
    return near_words([spec.noun], vocab, embed, ALIKE_COSINE).get(spec.noun, frozenset())


def _bare(low: Sequence[str], k: int) -> bool:
    """Whether the word at `k` heads a noun phrase that identifies nothing by its own words: after
    an indefinite article, a number or a possessive pronoun, over at most `MAX_MODIFIERS` modifiers
    ("a contract manufacturer", "three primary schools", "their van"), or a singular noun right
    after a preposition ("in prison"; a plural there is generic: "at tech companies", and modifiers
    name a kind: "for respiratory syncytial virus"). A definite one ("the company said") refers
    back to a thing named before, a generic one follows "any"/"other"; neither is a bare mention.
    A singular noun before another content word modifies it ("some animal saliva"); a list after
    it names it ("crops such as wheat"); in apposition it describes what comes before the comma
    ("respiratory syncytial virus, a common virus")."""
    after = low[k + 1 : k + 3]
    if (after[:1] and after[0] in LIST_STARTS) or after == ["such", "as"]:
        return False
    if not low[k].endswith("s") and after[:1] and after[0][:1].isalpha() and not _stop(after[0]):
        return False
    j = k - 1
    while (
        j >= 0
        and k - j <= MAX_MODIFIERS
        and low[j][:1].isalpha()
        and not _stop(low[j])
        and low[j] not in NUMBER_VALUES
        and low[j] not in BARE_STARTS
    ):
        j -= 1
    if j < 0 or low[j] in GENERIC:
        return False
    if low[j] in ("a", "an") and j > 0 and low[j - 1] == ",":
        return False  # in apposition, it describes what the words before the comma name

    if low[j] in PREPOSITIONS:  # "in prison"; not "at tech companies", "for respiratory syncytial virus"
        return j == k - 1 and not low[k].endswith("s")
    return low[j] in BARE_STARTS or low[j] in NUMBER_VALUES or low[j].isdigit()


def _mentions_at(spec: Asked, low: Sequence[str], alike: frozenset[str]) -> list[int]:
    return [
        k
        for k, t in enumerate(low)
        if t[:1].isalpha() and (t in alike or same_word(t, spec.noun)) and not (k and low[k - 1] in GENERIC)
    ]


def mentions(spec: Asked, text: str, alike: frozenset[str] = frozenset()) -> bool:
    """Whether `text` mentions the asked noun (literally, derived, or a word of `alike`)."""
    return bool(_mentions_at(spec, lowered(TOKEN.findall(text)), alike))


def _names(toks: Sequence[str], low: Sequence[str], spec: Asked) -> list[int]:
    """Positions of words that name something the question does not: a capitalised word (the
    sentence's first only when it reads as a name) or a model code."""
    out = []
    for k, t in enumerate(toks):
        bare = t.strip("'’")
        dated = low[k] in MONTHS and k + 1 < len(toks) and bool(YEAR.fullmatch(toks[k + 1]))
        named = bare[:1].isupper() and not (low[k] in CALENDAR or low[k] in PRONOUNS or low[k] in STOPWORDS)
        if k == 0 and named and not MODEL_CODE.fullmatch(bare):
            named = reads_as_name(low[k])
        # a dated event names one too: "the floods of November 2023"
        if not (MODEL_CODE.fullmatch(bare) or dated or named):
            continue
        if stem(low[k].strip("'’")) not in spec.question_words:
            out.append(k)
    return out


def identifies(spec: Asked, text: str, alike: frozenset[str] = frozenset()) -> bool:
    """Whether `text` identifies the asked noun: a new name or code by a mention of it in one
    clause (no place preposition or relative pronoun between), or for `kind` a modifier."""
    toks = TOKEN.findall(text)
    low = lowered(toks)
    at = _mentions_at(spec, low, alike)
    if not at:
        return False
    names = _names(toks, low, spec)
    for a in at:
        if any(within_clause(low, a, b, WINDOW, PLACE_PREPOSITIONS | RELATIVES) for b in names):
            return True
        if spec.kind and a > 0:
            before = low[a - 1]
            if (
                before[:1].isalpha()
                and before not in STOPWORDS
                and before not in COPULAS
                and before not in DO_AUXILIARIES
                and before not in NUMBER_VALUES
                and stem(before) not in spec.question_words
                and not toks[a - 1].endswith(("'s", "’s"))
            ):
                return True
    return False


def unidentified(spec: Asked, texts: Sequence[str], embed: Embed | None = None) -> bool:
    """Whether some of `texts` (the answer's sentences) mention the asked noun bare and none
    identifies it; near words (one embedding call, with `embed`) count as mentions too."""
    if spec.naming and any(NAME_GIVEN.search(t) for t in texts):
        return False  # a request for a name, answered by a name given ("have been named Bao and Ling")
    alike = alike_words(spec, texts, embed) if embed is not None else frozenset()
    mentioned = [t for t in texts if mentions(spec, t, alike)]
    return any(bare_mention(spec, t, alike) for t in mentioned) and not any(
        identifies(spec, t, alike) for t in mentioned
    )


def bare_mention(spec: Asked, text: str, alike: frozenset[str] = frozenset()) -> bool:
    """Whether `text` mentions the noun bare (`_bare`): "a contract manufacturer", "in prison", also
    in quotes ('four "ghost employees"': quote marks are no words)."""
    low = [t for t in lowered(TOKEN.findall(text)) if t not in QUOTE_MARKS]
    return any(_bare(low, k) for k in _mentions_at(spec, low, alike))
