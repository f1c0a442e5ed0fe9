"""Short answer types in the forms news writes them (issue 10: "The closest passages do not state ...").

`answer_types` on single sentences: a thing's age by its century, "how fast was X done" by how
long it took, a position by "working as a ...", a place in a ranking by an ordinal. Each reading
has, beside it, a sentence that must still not count (an unanswerable question stays refused).
Counting people by a group noun or by the question's verb ("14 deaths" for "how many people died")
was measured and left out: it answered unanswerable questions on calib (2) and held-out (4).
"""

from __future__ import annotations

from collections import Counter

import pytest

from rag.extractive import (
    REFUSAL_NO_TYPE,
    TYPE_PHRASES,
    analyse,
    answer_types,
    extract,
)
from rag.retrieve import Passage, Retrieval, _Snapshot
from rag.sentences import base_terms
from rag.wordvec import Embed
from tests.test_extractive import idf


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # how old is a thing: its century
        ("How old was the clock tower?", "The 14th-century clock tower fell onto the market hall.", True),
        ("How old was the clock tower?", "The tower fell in the 23rd minute of the quake.", False),
        ("How old is Luca Ferri?", "Ferri scored in the 23rd minute, his sixth goal.", False),
        # how fast was something done: how long it took
        ("How fast was the fire put out?", "The extinguishers put it out within about 20 seconds.", True),
        ("How fast was the fire put out?", "The extinguishers put the fire out quickly.", False),
        ("What top speed can the train reach?", "The train reached Vladivostok after 20 hours.", False),
        # how far by plane: how long the flight takes
        ("How far is Vladivostok from Pyongyang by plane?", "The plane flew for about an hour.", True),
        ("How far is Vladivostok from Pyongyang?", "The plane flew for about an hour.", False),
        # a position by "working as a ..."
        ("What was her day job?", "She wrote at night while working as a school librarian in Tarsk.", True),
        ("What was her day job?", "She wrote at night, working on the novel for years.", False),
        # a place in a ranking
        ("Where is the university in the ranking?", "It rose to 88th place in the ranking.", True),
        ("Where did the team finish?", "The team finished in third place.", True),
        ("Where is the university in the ranking?", "The university rose in the ranking this year.", False),
    ],
)
def test_short_types_as_news_writes_them(question: str, sentence: str, expected: bool) -> None:
    q = analyse(question)
    assert q.types
    assert (set(answer_types(q, sentence)) >= set(q.types)) is expected


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
