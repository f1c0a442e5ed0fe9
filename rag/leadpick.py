"""Lead by relation: the lead's article may state what is asked in a sentence that lacks the topic's names.

A news article names its topic in the headline and the opening sentences; later sentences say
"It cost 1.6 billion crowns", "The fire was 35 percent contained", "Its chief executive, Pavel
Broz, ...": they state the asked relation but score low against the question, since the topic's
names (which the question repeats) are in the title, not in them. The reader's scoring reads each
sentence alone, so the lead is often the headline or a sentence that shares the topic words but not
the relation ("what did the st ode's wing cost in the end" led by "St Ode's Hospital opens new wing
... three years late").

The signal: the question without the words its lead's article title already states (the topic) is
the relation asked ("what did the ... cost in the end"); the sentences of the lead's own article are
compared with it by the embedding model (one embedding of that remainder), added to their reader
score (`W_SCORE`), and one that is clearly closer (`MARGIN`) than the lead replaces it. The replaced
lead stays in the answer right after it (`displaced`): it names the topic the new lead leaves to
its article, and the focus coverage the refusal checks read is the larger of the two sentences'
(never their union: two sentences that each state part of an unanswerable question do not answer
it together).

It deliberately does not look outside the lead's article (a look-alike article's sentence is no
better for sharing the relation), change the reader's scores, nor choose among leads the reader's
checks would rank lower (the `eligible` predicate the reader passes: answer types, contradicted
years, quoted speakers, quantities asked).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rag.sentences import base_terms
from rag.wordvec import unit

if TYPE_CHECKING:
    from rag.extractive import Candidate

Embed = Callable[[list[str]], list[list[float]]]

POOL = 30  # best-ranked candidates searched for a sentence of the lead's article
FLOOR = 0.2  # ... scoring at least this share of the best candidate
W_SCORE = 0.5  # weight of the reader's score beside the cosine to the relation asked
MARGIN = 0.1  # a sentence replaces the lead when it scores this much above it
QUESTION_WORD = re.compile(r"[\w’'-]+")


def topic_terms(title: str) -> set[str]:
    """The stems an article's title states: its topic ("St Ode's Hospital opens new wing ...")."""
    return set(base_terms(title))


def relation_query(question: str, topic: set[str]) -> str:
    """`question` without its words that `topic` states: what it asks about the topic.

    "what did the st ode's wing cost in the end" with the title's stems of "st", "ode", "wing"
    gives "what did the cost in the end". Function words stay: they carry the kind of answer.
    """
    kept = [w for w in QUESTION_WORD.findall(question) if not set(base_terms(w)) & topic]
    return " ".join(kept)


def _articles(cand: Candidate) -> set[str]:
    return {cand.passage.doc_id, *(c.passage.doc_id for c in cand.also_in)}


def relation_lead(
    question: str,
    lead: Candidate,
    ranked: Sequence[Candidate],
    *,
    embed: Embed,
    eligible: Callable[[Candidate], bool],
) -> tuple[Candidate, Candidate | None]:
    """The lead to quote, and the lead it replaced (None when it stays).

    `ranked` are the reader's candidates, best first (merged copies in `also_in`); `eligible` says
    whether a candidate may lead where `lead` does (the reader's own lead checks).
    """
    topic = topic_terms(lead.passage.title)
    asked = relation_query(question, topic)
    if not ranked or not asked.strip() or asked == relation_query(question, set()):
        return lead, None  # the title states none of the question (or all of it): no relation apart
    floor = FLOOR * ranked[0].score
    home = _articles(lead)
    pool = [c for c in ranked[:POOL] if c is not lead and c.score >= floor and _articles(c) & home]
    pool = [c for c in pool if eligible(c)]
    if not pool:
        return lead, None
    relation = unit(embed([asked])[0])

    def closeness(cand: Candidate) -> float:
        return float(cand.unit @ relation) + W_SCORE * cand.score

    best = max(pool, key=closeness)
    if closeness(best) > closeness(lead) + MARGIN:
        return best, lead
    return lead, None
