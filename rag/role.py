"""Who/which questions: does the entity an answer gives fill the role the question asks?

"Who designed Chandler's Bridge" over "Chandler's Bridge, the main road crossing of
the River Quell, will close ..." has an entity ("River Quell") but nobody designing
anything; "who hacked Telvara" over "Hackers have stolen ... in what the Data
Protection Authority called the largest breach" names a body, but not the hacker.
The reader (`rag.extractive`) took the first new name of the right kind.

`asked_role` reads the role from the question's shape, no topic word lists: the
verb after "who" ("who hacked", "who is dalia novak married to", "who did he meet":
the verb after the subject), the class noun of "which architects designed" with its
verb, or the role noun of "who is elvor's ceo" (a determiner or possessive before
it; "who is greta falk" asks for no role). A light verb ("who got", "who came")
names no role, and the check is then not made.

`fills` says whether a sentence fills that role: every role word is stated in it,
literally, by a derived form ("designer" for "designed", "winner"-"win") or by a near
synonym (`alike`: word vectors, the reader's `embed`); and, when the answer takes
an entity span from the sentence, a role word stands within `ROLE_WINDOW` words of
it in the same clause (no ";", ":", brackets or quotation marks between; an aside
between commas right after the entity, "Oskar Brede, the teenager whose header won
last year's final, scored again", is skipped), and the entity is not mostly words
of the question itself ("Ode's Hospital" for "who designed the new St Ode's wing").
A "which CLASS" question without an entity span needs a new name or number next to
the class noun ("in prison on Friday" names no prison).

It deliberately does not parse syntax (a role word next to the wrong entity, "built
by students" beside another satellite's owner, still passes), choose sentences,
or word refusals (`rag.extractive` does, with the question's own words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rag.sentences import (
    CALENDAR,
    CLAUSE_MARKS,
    COPULAS,
    DETERMINERS,
    DO_AUXILIARIES,
    OPTIONS,
    STOPWORDS,
    TOKEN,
    base_form,
    stem,
    words,
)
from rag.wordvec import content_vocab, near_words

Embed = Callable[[list[str]], list[list[float]]]

ROLE_WINDOW = 4  # words between a role word and the entity span it describes
ROLE_COSINE = 0.6  # a sentence word this close (word vectors) to a role word states it
ASIDE_MAX = 12  # words of a comma aside right after the entity that distance skips
MAX_ROLE_PHRASE = 4  # words after "which" / after "who is the" read as the class or role noun phrase
ENTITY_SHARE = 0.5  # an entity this much made of the question's words names the question's subject
ENTITY_KINDS = frozenset({"person", "place", "name"})  # answer types an entity role may have
# Grammar, not topics: auxiliaries that introduce the verb, and verbs too light to name a role.
PERFECT = frozenset("has have had".split())
LIGHT_VERBS = frozenset("get come go do have be end take become".split())
PREPOSITIONS = frozenset("to for with on in at by from of about into against".split())
# A verb whose irregular past the reader leaves alone (a noun or currency in text): as a question's
# verb after "who" it is the verb ("who won" -> "win").
VERB_PAST = {"won": "win", "found": "find", "saw": "see", "lay": "lie"}
DERIVED_SUFFIXES = frozenset({"er", "or", "r", "ers", "ors", "rs", "ing", "ion", "ation"})
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
PARTICIPLE = re.compile(r"[a-z]{3,}(ed|ing)$")
NEGATED = re.compile(
    r"(does|do|did|is|are|was|were|has|have|had|can|could|would|should|wo|ca)n'?t"
)  # "doesnt", "can't": a negated question names no role to fill


@dataclass(frozen=True)
class Role:
    """The role a who/which question asks to be filled: its words as the question types them and,
    for each, the stems that state it."""

    words: tuple[str, ...]  # "designed", "architects"
    stems: tuple[frozenset[str], ...]
    noun: str = ""  # the class noun of "which CLASS" (an entity must stand next to it), or ""


def _stems(word: str) -> frozenset[str]:
    word = re.sub(r"'s$", "", word)
    forms = {word, base_form(word), VERB_PAST.get(word, word)}
    return frozenset(stem(w) for w in forms)


def _light(word: str) -> bool:
    return bool(_stems(word) & {stem(v) for v in LIGHT_VERBS}) or word in STOPWORDS


def _participle(tokens: list[str]) -> str:
    """The first participle ("married", "investigating") of `tokens` before a preposition ends it."""
    for t in tokens:
        if (PARTICIPLE.fullmatch(t) or base_form(t) != t) and not _light(t):
            return t
    return ""


def asked_role(text: str, noun: str = "", predicate: str = "", kinds: Iterable[str] = ()) -> Role | None:
    """The role of a question that opens with who/whom, or which/what and a class noun (`noun`,
    read by the reader); `predicate` is the verb the reader found after "did/does SUBJECT"; `kinds`
    the expected answer types (a "what" question asks for an entity only when they are all entity
    kinds: "what colour" is another check's). None when it asks for no role."""
    tokens = words(text.split(",")[0])  # "who is X, thought to be ...": the clause that asks
    if not tokens or OPTIONS.search(text.lower()):
        return None
    wh, rest = tokens[0], tokens[1:]
    found: list[str] = []
    class_noun = ""
    if wh in ("which", "what"):
        kinds_ = set(kinds)
        if (
            not noun
            or noun not in rest[:MAX_ROLE_PHRASE]
            or (wh == "what" and not (kinds_ and kinds_ <= ENTITY_KINDS))
        ):
            return None
        if kinds_ - ENTITY_KINDS:
            return None  # "which year", "which day": a time, no entity
        rest = rest[rest.index(noun) + 1 :]
        if "person" not in kinds_:  # "which official": any person is one, the answer type says so
            class_noun = noun
            found.append(noun)
    elif wh not in ("who", "whom") or set(kinds) - ENTITY_KINDS:
        return None  # "who scored and when": a time is asked too
    verb = ""
    if rest and rest[0] == "else":  # "who else was ..."
        rest = rest[1:]
    if rest:
        head = rest[0]
        if NEGATED.fullmatch(head):
            return None
        if head in DO_AUXILIARIES:
            verb = predicate
        elif head in COPULAS:
            after = rest[1:]
            owner = next((k for k, t in enumerate(after[:MAX_ROLE_PHRASE]) if t.endswith("'s")), -1)
            if not class_noun and after and (after[0] in DETERMINERS or owner >= 0):
                phrase: list[str] = []
                for t in after[1:] if after[0] in DETERMINERS else after[owner + 1 :]:
                    if t in STOPWORDS:
                        break
                    phrase.append(t)
                role_noun = phrase[: MAX_ROLE_PHRASE + 1][-1] if phrase else ""
                if role_noun.endswith("'s"):
                    role_noun = ""
                verb = role_noun
            else:
                verb = _participle(after[:MAX_ROLE_PHRASE])
        elif head in PERFECT:
            verb = _participle(rest[1:2])
        elif head not in STOPWORDS and head.isalpha():
            verb = head
    if verb and not _light(verb):
        found.append(verb)
    if not found:
        return None
    return Role(words=tuple(found), stems=tuple(_stems(w) for w in found), noun=class_noun)


def alike_words(role: Role, vocab: list[str], embed: Embed) -> dict[str, frozenset[str]]:
    """For each role word, the words of `vocab` whose vector is within `ROLE_COSINE` of it (one
    embedding call): "designer" for "designed", "elected" for "won" when the model says so."""
    return near_words(role.words, content_vocab(vocab), embed, ROLE_COSINE)


def _states(word: str, stems: frozenset[str], token: str, alike: frozenset[str]) -> bool:
    """Whether sentence token `token` states role word `word`: literally, by a derived form (one
    stem extends the other by an agent or action suffix: "hack"/"hacker"), or as a near synonym."""
    if token in alike:
        return True
    plain = re.sub(r"'s$", "", token)
    t = stem(base_form(plain))  # "made" states "makes" (`base_form` reads irregular pasts)
    for s in stems:
        if t == s:
            return True
        if len(s) >= 4 and len(t) >= 4:
            longer, shorter = (t, s) if len(t) > len(s) else (s, t)
            if longer.startswith(shorter) and longer[len(shorter) :] in DERIVED_SUFFIXES:
                return True
    return False


@dataclass(frozen=True)
class Verdict:
    """Whether a sentence fills the role, and why not: "absent" (a role word is not stated),
    "far" (stated, but not next to the entity), "asked" (the entity is the question's own subject)."""

    ok: bool
    why: str = ""


def fills(
    role: Role,
    text: str,
    span: tuple[int, int] | None,
    asked: frozenset[str],
    alike: dict[str, frozenset[str]] | None = None,
    *,
    entity: bool = True,
) -> Verdict:
    """Whether `text` fills `role` with the entity at `span` (character offsets; None when the
    answer takes none); `asked`: the question's own words, lowercase. With `entity` off, only
    whether it states every role word."""
    alike = alike or {}
    toks = [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]
    lowered = [(words(t) or [t.lower()])[0] for _, _, t in toks]
    places: list[list[int]] = []
    for word, stems in zip(role.words, role.stems, strict=True):
        near = alike.get(word, frozenset())
        at = [k for k, t in enumerate(lowered) if t[:1].isalnum() and _states(word, stems, t, near)]
        if not at:
            return Verdict(False, "absent")
        places.append(at)
    positions = sorted({k for at in places for k in at})
    if span is None:
        if not role.noun or not entity:
            return Verdict(True)
        noun_at = places[0]
        entities = [
            k
            for k, (_, _, t) in enumerate(toks)
            if k > 0
            and (t[:1].isupper() or t[:1].isdigit())
            and lowered[k] not in asked
            and lowered[k] not in CALENDAR  # "in prison on Friday" names no prison
        ]
        ok = any(_gap(toks, lowered, min(a, b), max(a, b)) <= ROLE_WINDOW for a in noun_at for b in entities)
        return Verdict(ok, "" if ok else "far")
    inside = [k for k, (s, e, _) in enumerate(toks) if s >= span[0] and e <= span[1]]
    if not inside:
        return Verdict(True)
    i, j = inside[0], inside[-1]
    named = [re.sub(r"'s$", "", lowered[k]) for k in inside if toks[k][2][:1].isupper()]
    own = [w for w in named if w in asked and not any(w in s or stem(w) in s for s in role.stems)]
    if named and len(own) >= ENTITY_SHARE * len(named):
        return Verdict(False, "asked")
    if any(i <= k <= j for k in positions):
        return Verdict(True)
    after = _after_aside(toks, j)
    for k in positions:
        gap = (
            _gap(toks, lowered, k, i)
            if k < i
            else min(
                _gap(toks, lowered, j, k), _gap(toks, lowered, after, k) if after <= k else ROLE_WINDOW + 1
            )
        )
        if gap <= ROLE_WINDOW:
            return Verdict(True)
    return Verdict(False, "far")


def _gap(toks: list[tuple[int, int, str]], lowered: list[str], a: int, b: int) -> int:
    """Words strictly between token `a` and token `b` (a <= b); more than `ROLE_WINDOW` when a
    clause break (";", ":", brackets, quotation marks, a full stop) stands between."""
    between = [toks[k][2] for k in range(a + 1, b)]
    if any(t in CLAUSE_MARKS or t in ".!?" for t in between):
        return ROLE_WINDOW + 1
    return sum(1 for t in between if t[:1].isalnum())


def _after_aside(toks: list[tuple[int, int, str]], j: int) -> int:
    """The token before the word that follows a comma aside right after token `j` ("Oskar Brede,
    the teenager whose header won last year's final, scored"); `j` when there is none."""
    if j + 1 >= len(toks) or toks[j + 1][2] != ",":
        return j
    for k in range(j + 2, min(len(toks), j + 3 + ASIDE_MAX)):
        if toks[k][2] == ",":
            return k
        if toks[k][2] in CLAUSE_MARKS or toks[k][2] in ".!?":
            break
    return j


def states(role: Role, text: str, alike: dict[str, frozenset[str]] | None = None) -> bool:
    """Whether `text` states every role word (literally, derived or as a near synonym), anywhere."""
    return fills(role, text, None, frozenset(), alike, entity=False).ok


def stated_in(role: Role, texts: Iterable[str], alike: dict[str, frozenset[str]] | None = None) -> bool:
    """Whether one sentence of `texts` states the role: every role word. The class noun of "which
    team does hamlin play for" may be left out only when no sentence uses it at all (news names a
    team without the word: "Damar Hamlin of the Buffalo Bills"); a sentence with the verb then does."""
    sentences = [s for t in texts for s in SENTENCE_END.split(t) if s.strip()]
    if any(states(role, s, alike) for s in sentences):
        return True
    if not role.noun or len(role.words) < 2:
        return False
    noun = Role(words=role.words[:1], stems=role.stems[:1], noun=role.noun)
    if any(states(noun, s, alike) for s in sentences):
        return False  # the articles use the class word, never with the role
    verb = Role(words=role.words[1:], stems=role.stems[1:])
    return any(states(verb, s, alike) for s in sentences)


def refusal_words(question: str, stated: Iterable[str], role: Role | None) -> tuple[str, str]:
    """(what the articles mention, what they do not say), in the question's words: for "who designed
    chandler's bridge" with "chandler" and "bridge" stated, ("chandler's bridge", "who designed it").
    The first is the longest run of stated words (with the determiner before it), or "" for none."""
    stated = set(stated)
    raw = words(question)
    bare = [re.sub(r"'s$", "", w) for w in raw]
    best: tuple[int, int] = (0, 0)
    start = 0
    for k in range(len(bare) + 1):
        if k < len(bare) and bare[k] in stated:
            continue
        if k - start > best[1] - best[0]:
            best = (start, k)
        start = k + 1
    i, j = best
    if i < j and i > 0 and raw[i - 1] in DETERMINERS:
        i -= 1
    present = " ".join(raw[i:j])
    what = " ".join(raw)
    verbs = [k for k, w in enumerate(raw) if role and w in role.words and w != role.noun]
    if verbs and i < j:
        v = verbs[-1]
        prep = [raw[v + 1]] if v + 1 < i and raw[v + 1] in PREPOSITIONS else []
        if i == v + 1 + len(prep):  # "who designed [chandler's bridge]" -> "who designed it"
            what = " ".join([*raw[: v + 1], *prep, "it"])
    return present, what
