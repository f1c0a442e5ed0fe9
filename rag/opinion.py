"""Reactions and opinions asked: "how did dairy farmers react", "did passengers like the fare cap".

A question that asks how someone felt, reacted, judged or voted is not answered by a sentence
about the event: "did passengers like the 2 dollar fare cap" is not answered by the cap's
announcement, "does the transport minister think skyra is safe" not by the airline chief's words.
This module reads such a question and the evidence it needs:

- `asked_holder` finds the holder and the asking word of a yes/no or "how" question whose word
  right after its subject is near in meaning to a few prototypes of attitude and reaction
  (`ATTITUDE_PROTOTYPES`, word vectors, `MIN_ATTITUDE_COSINE`): "how did [dairy farmers] react",
  "were [ravenport fans] happy with", "does [hedda strøm] support", "and how did [china] take it".
  A subject that names no one ("anyone", "they", "it") asks for no holder, nor does a market
  ("how did the shares react": a price moved; `MARKET_PROTOTYPES`).
- `acts` reads whether a sentence has that holder do what the question asks, by the question's own
  word ("Residents of Kalvø voted against ..." for "did kalvø vote"): a word of the holder (or a
  word near it, `alike`) at most `HOLDER_BEFORE` words before the asked word in any inflection.

A holder's reported words ("..., the union said") count as a reaction too: the caller reads them
with `rag.extractive.reports_speech` on the holder, which this module does not copy. It
deliberately does not read "what did X say/think" (the speech check's questions), who/why/when
questions (the holder is the answer or not asked), whether the reaction is about the thing asked,
nor decide to refuse (`rag.extractive` does, when the policy flag `require_opinion` is on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag import wordvec
from rag.sentences import COPULAS, STOPWORDS, base_form, base_terms, stem, words

# Words of attitude and reaction the asking word is compared with (word vectors): a few
# prototypes, not a list of every such word ("enjoy", "pleased", "satisfied" come near them)
ATTITUDE_PROTOTYPES = (
    "react",
    "feel",
    "like",
    "support",
    "oppose",
    "happy",
    "angry",
    "think",
    "believe",
    "view",
    "welcome",
    "criticise",
    "vote",
    "take it",
)
# An asking word this near a prototype asks an attitude; MiniLM single words: "enjoy" 0.61,
# "pleased" 0.66, "satisfied" 0.62 against "win" 0.51, "see" 0.52, "safe" 0.40, "take" 0.48
MIN_ATTITUDE_COSINE = 0.6
# "how did the shares react": a market's reaction is a price that moved, not words or a vote; a
# holder whose last word is this near a market prototype asks no holder ("stocks" 0.69, "stock
# market" 0.74; "traders" 0.67, "industry" 0.59, "union" 0.43 remain holders)
MARKET_PROTOTYPES = ("shares", "prices", "markets")
MIN_MARKET_COSINE = 0.68
MAX_HOLDER_WORDS = 5  # "how did the bank of corvenia board vote": the subject's words before the asking word
HOLDER_BEFORE = 12  # words from a holder to its verb ("Residents of Kalvø, a small island, voted")
# The opening of a yes/no or "how" question, at its start or after a conjunction or filler
# ("ok so did ...", "and how did china take it"); "how many/much/long/close" ask for a measure.
ASKING = re.compile(
    r"(?:^|[,;:]\s*|\b(?:and|but|so|ok|okay|well)\s+)(?:how\s+)?"
    r"(?P<aux>did|does|do|has|have|had|will|would|is|are|was|were)(?:n't)?\s+(?P<rest>.+)$"
)
# Subjects that name no holder: pronouns and indefinites ("did anyone vote", "do they like it")
NO_HOLDER = frozenset({"anyone", "anybody", "someone", "somebody", "everyone", "everybody", "people", "you"})


@dataclass(frozen=True)
class Holder:
    """Whose attitude a question asks, and by which word."""

    stems: tuple[str, ...]  # stems of the holder's content words ("dairi", "farmer")
    phrase: str  # the holder as the question words it ("dairy farmers")
    verb: str  # the asking word ("react", "happy", "take it")


def _stems(tokens: list[str]) -> tuple[str, ...]:
    """The content terms of `tokens` (`base_terms`), each once, in order."""
    return tuple(dict.fromkeys(base_terms(" ".join(tokens))))


def asked_holder(question: str, embed: wordvec.Embed) -> Holder | None:
    """The holder and asking word of an attitude question ("how did dairy farmers react to ..."), or
    None: a question of another kind, or whose subject names no one. One embedding call at most."""
    lower = question.lower().strip()
    clauses = list(ASKING.finditer(lower))
    if not clauses:
        return None
    match = clauses[-1]  # the last clause that opens a question
    tokens = words(match.group("rest"))
    copula = match.group("aux") in COPULAS
    options: list[tuple[list[str], str]] = []
    for i in range(1, min(MAX_HOLDER_WORDS, len(tokens) - 1) + 1):
        holder, verb = tokens[:i], tokens[i]
        if verb in STOPWORDS and verb != "like":
            continue
        if not _stems(holder) or NO_HOLDER & set(holder):
            continue
        if copula and i + 1 < len(tokens) and tokens[i + 1] not in STOPWORDS:
            continue  # "was the sarenna vote unanimous": a noun, no attitude ("were fans happy with")
        options.append((holder, verb))
        if verb == "take" and i + 1 < len(tokens) and tokens[i + 1] in {"it", "this", "that"}:
            options.append((holder, f"take {tokens[i + 1]}"))
    if not options:
        return None
    verbs = list(dict.fromkeys(v for _, v in options))
    heads = list(dict.fromkeys(h[-1] for h, _ in options))
    sims = wordvec.cosines([*verbs, *heads], [*ATTITUDE_PROTOTYPES, *MARKET_PROTOTYPES], embed)
    attitude = dict(zip(verbs, sims[: len(verbs), : len(ATTITUDE_PROTOTYPES)].max(axis=1), strict=True))
    market = dict(zip(heads, sims[len(verbs) :, len(ATTITUDE_PROTOTYPES) :].max(axis=1), strict=True))
    for holder, verb in options:
        if attitude[verb] >= MIN_ATTITUDE_COSINE and market[holder[-1]] < MIN_MARKET_COSINE:
            phrase = " ".join(w for w in holder if w not in {"the", "a", "an"})
            return Holder(stems=_stems(holder), phrase=phrase, verb=verb)
    return None


def acts(holder: Holder, text: str, alike: frozenset[str] = frozenset()) -> bool:
    """Whether `text` has the holder do what the question asks, by the asked word in any inflection
    ("voted" for "vote"), with a word of the holder or of `alike` at most `HOLDER_BEFORE` words
    before it."""
    asked = stem(base_form(holder.verb.split()[0]))
    tokens = words(text)
    own = set(holder.stems)
    for at, word in enumerate(tokens):
        if stem(base_form(word)) != asked:
            continue
        before = tokens[max(0, at - HOLDER_BEFORE) : at]
        if any(w in alike or stem(base_form(w)) in own for w in before):
            return True
    return False
