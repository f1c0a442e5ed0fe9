"""Counts in the forms users type them (issue 10: "The closest passages do not state how many").

A counted word the corpus never uses ("ppl") says nothing of what is counted; a count of something
else is still refused. Session 12 also measured readings of more short types (a thing's age by its
century, "how fast" by a duration, "how far by plane" by a journey's duration, a position by "working
as a ...", a ranking place by an ordinal, people counted by group nouns or by the question's verb):
on calib they recovered answerable questions, on held-out they answered unanswerable ones and
recovered none, so they were left out.
"""

from __future__ import annotations

from collections import Counter

from rag.extractive import (
    REFUSAL_NO_TYPE,
    TYPE_PHRASES,
    extract,
)
from rag.retrieve import Passage, Retrieval, _Snapshot
from rag.sentences import base_terms
from rag.wordvec import Embed
from tests.test_extractive import idf


def retrieval(question: str, *articles: str, embed: Embed) -> Retrieval:
    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", f"Article {i}", "", "", text, 0, len(text))
        for i, text in enumerate(articles)
    ]
    df: Counter[str] = Counter(t for text in articles for t in set(base_terms(text)))
    snap = _Snapshot("v1", {}, None, df, len(articles))
    return Retrieval(question, passages, query_embedding=embed([question])[0], snapshot=snap)


HEAT = (
    "Lusatra's nine-day heatwave ended on Monday as storms brought temperatures down. "
    "Health authorities said 14 deaths in Lusatra were linked to the heatwave, most of them people over 80."
)


TRELLIS = (
    "Trellis cut its forecast on Tuesday after the export ban. Trellis employs about 11,500 people. "
    "Shares in Trellis rose 1.8 percent."
)


def test_a_counted_word_the_corpus_never_uses_constrains_nothing_after_it(embed: Embed) -> None:
    """ "how many ppl work at trellis": shorthand the corpus never uses says nothing of what is
    counted, nor does the verb read after it ("work"): any number answers."""
    question = "how many ppl work at trellis"
    ex = extract(question, retrieval(question, TRELLIS, embed=embed), embed=embed, idf=idf)
    assert not ex.refused, ex.reason
    assert "11,500 people" in ex.chosen[0].span.text


def test_a_count_of_something_else_is_still_refused(embed: Embed) -> None:
    question = "how many people live in lusatra"
    ex = extract(question, retrieval(question, HEAT, embed=embed), embed=embed, idf=idf)
    assert not ex.answer_type_ok
    assert ex.reason == REFUSAL_NO_TYPE.format(what=TYPE_PHRASES["count"])
