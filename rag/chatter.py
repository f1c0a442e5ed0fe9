"""Words of a question that are chat around the ask, not what it asks about.

People wrap a question in words addressed to the assistant or about themselves: "sorry if this is a
dumb question but why ...", "are they doing anything about it", "is mine part of the recall", "my
father is 72, can he still get the jab". The refusal checks read such words as focus the articles must
state, and refuse. This module reads three general signals:

- closed-class pronouns (`rag.question.pronoun`, read with the corpus vocabulary): indefinite ones,
  built from their English parts ("any" + "thing"), and independent possessives ("mine", "theirs")
  stand for something, they name none;
- a chat preamble (`chat_words`): a preamble (`rag.asking.split`) none of whose content words the
  retrieved passages use addresses the assistant, not the topic; its lowercase words common in English
  are no focus (a name or number of it still is, and a preamble that shares a word with the passages,
  "my cousin lost her summer cabin in the pinecrest fire", is read as before); the reader, which has
  already looked for the preamble's terms in the passages, calls its second half, `chat_terms`;
- the asker's own situation (`personal_numbers`): a number stated of a first-person subject by a copula
  ("my father is 72", "i'm 45", "we were 4") is the user's, not one the articles must state.

It deliberately does not read meaning (no list of apologies or topics, no parser): only word classes of
English, the preamble the ask leaves, corpus use and English frequency; and it decides nothing (the
policy flag `read_chatter` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.asking import COMMON_FREQUENCY, found_terms, preamble_terms, split
from rag.question import english_frequency
from rag.sentences import base_terms

# a number stated of a first-person subject by a copula: "i'm 45", "my dad is 72", "we were 4"
FIRST_PERSON = (
    r"(?:i\s*(?:'|’)?m|i am|i was|we(?:'|’)re|we are|we were|my(?:\s+[a-z]+){1,2}\s+(?:is|was|turned|turns))"
)
PERSONAL_NUMBER = re.compile(rf"\b{FIRST_PERSON}\s+(?:now\s+|nearly\s+|almost\s+|about\s+)?(\d+)\b", re.I)


def personal_numbers(question: str) -> frozenset[str]:
    """The numbers `question` states of the asker's own situation ("my father is 72": "72")."""
    return frozenset(m.group(1) for m in PERSONAL_NUMBER.finditer(question))


def chat_words(question: str, texts: Iterable[str]) -> frozenset[str]:
    """The stems of the question's preamble words that are chat: when none of the preamble's terms is
    used by `texts` (the retrieved passages), its lowercase words common in English; else none."""
    pre = preamble_terms(question)
    if not pre or found_terms(pre, texts):
        return frozenset()
    return chat_terms(split(question).preamble, pre)


def chat_terms(preamble: str, terms: frozenset[str]) -> frozenset[str]:
    """Those of `terms` (the preamble's, none of which the retrieved passages use: the caller's check)
    that are chat: the stems of the preamble's lowercase words common in English."""
    chat = {
        w.lower()
        for w in re.findall(r"[A-Za-z][\w'’-]*", preamble)
        if w.islower() and english_frequency(w) >= COMMON_FREQUENCY
    }
    return terms & frozenset(base_terms(" ".join(chat)))
