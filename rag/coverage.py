"""How well the corpus covers a question: questions about things the articles never mention, and small talk.

Two pure readings of a question the extractive reader records on every answer (`rag.extractive`
refuses on them when `rag.policy` says so):

- `coverage`: how well the corpus covers the question's most specific content words. Each content
  word (chit-chat, frame words and numbers already dropped by `rag.question.read`) weighs by how
  specific it is in English (`specificity`: how far its log10 English count,
  `rag.question.english_frequency`, lies below `COMMON_FREQUENCY`; a word as common as "supposed"
  or "strike" weighs nothing, a name the articles use weighs most). A word the articles use is
  covered; one they never use (typos were corrected before, so "budjet" is used) is covered as far
  as the nearest word of the best retrieved sentences is near it in meaning (`near_cover`: vectors,
  `rag.wordvec`, so "robbers" is covered by "robberies"; "presents" for "gifts" or "boss" for "chief"
  are common English and weigh nothing anyway), and not at all when
  nothing is ("kimchi", "hamlet"). The share is the specificity-weighted mean; the words left
  uncovered, in the user's spelling and most specific first, name what the articles never mention.
  The question's verb and its participles ("oversee", "exploring") weigh nothing: they are the
  relation asked, which articles word in many ways (`relation`), while the things a question names
  are named alike. An unseen word that is neither English nor read as a name is a typo the corrector
  could not place ("drnk"), and weighs nothing either.
  A nearest word that is the unseen word's own first letters ("kim" for "kimchi") is the embedding
  model's word piece, not a meaning, and does not count (`nearest`).
- `small_talk`: a question with no content at all once chit-chat, function words and relative days
  are set aside, that addresses the assistant ("how are you today") or is only a greeting or thanks
  ("hi", "thanks thats all"): it asks nothing about the articles. A bare follow-up ("why", "when was
  that?") has a question word and no "you": it is none.

It deliberately does not decide whether to refuse (the policy's `min_corpus_coverage` and
`refuse_small_talk`, chosen by `evals/calibrate.py`), read the corpus vocabulary itself (the reader
passes which words the articles use), or list topics or words the articles may not be about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rag import wordvec
from rag.question import CONTRACTIONS
from rag.sentences import IRREGULAR_VERBS, STOPWORDS, WH_WORDS

# log10 English count (symspellpy's list) at and above which a word says nothing specific about
# what is asked ("supposed" 7.2, "strike" 7.3, "anything" 7.9, "hike" 6.6); "hamlet" is 6.4,
# "kimchi" 5.1. Chosen on the calibration sets: at 7.0 common words that articles word otherwise
# ("rate hike" for "raised its rate") refused as many answerable questions as unanswerable ones.
COMMON_FREQUENCY = 6.5
# Cosine of an unseen word to the nearest word of the best retrieved sentences: at or below NEAR_FLOOR it is
# not covered at all ("refereed" - "won" 0.47 is about the floor of unrelated words), at or above
# NEAR_FULL fully (a paraphrase: "presents" - "gifts" 0.77, "naval" - "navy" 0.86); linear between.
NEAR_FLOOR = 0.45
NEAR_FULL = 0.7
# Words that address the assistant rather than the articles ("how are you", "can u").
ADDRESSEE = frozenset({"you", "u", "ya", "yourself", "your"})
# Greetings and thanks: a question made of these and function words only is small talk.
GREETINGS = frozenset("hi hello hey hiya yo thanks thank thx ty cheers bye goodbye morning evening".split())
# Relative days name no subject of their own ("how are you today").
RELATIVE_DAYS = frozenset("today tonight tomorrow yesterday now".split())
WORD = re.compile(r"[a-z0-9]+")
VERB_FORM = re.compile(r"..(ed|ing)$")  # a participle or past form ("refereed", "exploring"), not "red"


@dataclass(frozen=True)
class Coverage:
    """How well the corpus covers a question's content words."""

    share: float = 1.0  # specificity-weighted share covered (1.0: all, or nothing specific asked)
    missing: tuple[str, ...] = ()  # words left (mostly) uncovered, as typed, most specific first


def specificity(frequency: float) -> float:
    """How specific a word of this log10 English count is: 0 at `COMMON_FREQUENCY` and above."""
    return max(0.0, COMMON_FREQUENCY - frequency)


def near_cover(cosine: float) -> float:
    """How far a word is covered by a passage word this near in meaning (0 .. 1)."""
    return min(1.0, max(0.0, (cosine - NEAR_FLOOR) / (NEAR_FULL - NEAR_FLOOR)))


def nearest(
    targets: Sequence[str], vocab: Sequence[str], embed: wordvec.Embed, whole: Collection[str] = ()
) -> dict[str, float]:
    """For each target word, the cosine of the nearest word of `vocab` (one embedding call).

    For a target that is no whole word of the embedding model's vocabulary (`whole`), a vocabulary
    word that is its own beginning ("kim" for "kimchi") is skipped: the model reads the target as
    that word piece plus a rest, so their vectors are close whatever the target means ("columnist",
    a whole word, is near "column" by meaning)."""
    if not targets or not vocab:
        return {t: 0.0 for t in targets}
    sims = wordvec.cosines(targets, vocab, embed)
    out: dict[str, float] = {}
    for target, row in zip(targets, sims, strict=True):
        pieced = target not in whole
        near = [float(s) for v, s in zip(vocab, row, strict=True) if not (pieced and piece_of(v, target))]
        out[target] = max(near, default=0.0)
    return out


def relation(word: str, predicate: str = "") -> bool:
    """Whether `word` is the relation a question asks about rather than a thing it names: its verb
    ("what does the chairman oversee") or a participle ("exploring", "refereed"). Articles word
    relations in many ways ("react" is "said", "hike" is "raised"), so they weigh nothing here."""
    return word == predicate or word in IRREGULAR_VERBS or bool(VERB_FORM.search(word))


def piece_of(word: str, target: str) -> bool:
    """Whether `word` is a strict beginning of `target` ("kim" of "kimchi")."""
    return word != target and target.startswith(word)


def weighing(
    word: str,
    unseen: Collection[str],
    frequency: Callable[[str], float],
    names: Collection[str] = (),
    predicate: str = "",
) -> float:
    """How much `word` weighs in `coverage` (0: a number, the relation asked, a typo, a common word)."""
    if any(ch.isdigit() for ch in word) or relation(word, predicate):
        return 0.0  # numbers are read as values elsewhere (`rag.mentions`)
    found = frequency(word)
    if word in unseen and found <= 0 and word not in names:
        return 0.0  # a typo, not a name
    return specificity(found)


def coverage(
    words: Iterable[str],
    unseen: Iterable[str],
    frequency: Callable[[str], float],
    near: Mapping[str, float],
    *,
    names: Collection[str] = (),
    predicate: str = "",
) -> Coverage:
    """How well the corpus covers `words` (a question's content words, as typed).

    `unseen`: those the articles never use; `frequency`: a word's log10 English count; `near`: an
    unseen word's cosine to the nearest word of the best retrieved sentences (missing: nothing near);
    `names`: the unseen words read as names (`rag.question`), so an unseen word that is neither
    English nor a name is a typo the corrector could not place ("drnk"), no unknown thing;
    `predicate`: the question's verb (`relation`)."""
    absent = set(unseen)
    total = covered = 0.0
    lacking: list[tuple[float, str]] = []
    for word in dict.fromkeys(words):
        weight = weighing(word, absent, frequency, names, predicate)
        share = near_cover(near.get(word, 0.0)) if word in absent else 1.0
        total += weight
        covered += weight * share
        if share < 1.0 and weight > 0:
            lacking.append((-weight * (1 - share), word))
    if total <= 0:
        return Coverage()
    return Coverage(share=covered / total, missing=tuple(w for _, w in sorted(lacking)))


def small_talk(text: str, content: Sequence[str]) -> bool:
    """Whether `text` asks nothing about the articles: no `content` word (a question's focus words
    and unknown names) but relative days, and it addresses the assistant or only greets or thanks."""
    if any(w not in RELATIVE_DAYS for w in content):
        return False
    tokens = WORD.findall(text.lower().replace("’", "").replace("'", ""))
    if not tokens:
        return False
    if ADDRESSEE & set(tokens):
        return True
    rest = [t for t in tokens if t not in STOPWORDS | RELATIVE_DAYS | CONTRACTIONS]
    return not (WH_WORDS & set(tokens)) and bool(rest) and all(t in GREETINGS for t in rest)
