"""The asking part of a question as a second retrieval query, fused at a lower weight.

A quiz or chat question often states its topic at length before it asks ("SpaceX and NASA launched
a fresh crew of astronauts this week. What is their destination?"). Retrieved on the whole question,
the premise's many words decide the ranking, and the articles that restate the premise best (another
launch, another year) push out the one that answers the ask. `rag.retrieve` therefore also ranks
the pool for the ask alone (dense, BM25 and best sentence, as for the whole question) and adds those
rankings to the fusion at `ASK_WEIGHT` of the whole question's: the premise still finds the topic,
the ask breaks ties among the articles about it.

The ask is `rag.asking.split`'s: punctuation and a clause's first words, no meaning read. A question
that asks from its first clause (most typed questions) has no premise and is retrieved exactly as
before; an ask shorter than `MIN_ASK_WORDS` words ("Where?", "Who won?") carries too little to rank
on its own, so it is not queried either. It deliberately does not rewrite, drop or reorder the
question's words, and it changes no score the reader reads (the passages' ranks stay the whole
question's).
"""

from __future__ import annotations

from rag.asking import split
from rag.sentences import words

ASK_WEIGHT = 0.35  # the ask's rankings count this much of the whole question's in the fusion (0: off)
MIN_ASK_WORDS = 3  # an ask of fewer words is not queried on its own


def ask_query(question: str) -> str | None:
    """The question's asking part when a premise precedes it and it has enough words, else None."""
    if ASK_WEIGHT <= 0:
        return None
    parts = split(question)
    if not parts.preamble.strip() or len(words(parts.ask)) < MIN_ASK_WORDS:
        return None
    return parts.ask.strip()
