"""The plan-only check reads the residue sentence too (policy `refuse_unrealised_residue`).

A lead that announces a project says nothing of whether it was finished; the sentence of its
article that the answer adds for the focus the lead leaves unstated (`rag.samesent`) may state the
completion only as planned. Written for these tests; not taken from any evaluation article.
"""

from __future__ import annotations

from dataclasses import replace

from rag import policy as policies
from rag.extractive import extract
from rag.retrieve import Passage, Retrieval
from rag.wordvec import Embed

TITLE = "Harwick to get a sea wall after second winter of flooding"
PLANNED = "Work will begin in March and should be completed by the end of 2027, the harbour board said."
DONE = "Work began in March and was completed in November, the harbour board said."
ARTICLE = (
    f"{TITLE}\n\n"
    "The storm that hit Harwick on February 3 flooded 140 homes, the district council said on Monday, "
    "as it announced that a sea wall will be built along the harbour front. "
    "The council will pay 9 million pounds of the cost and the national coastal fund the rest. "
    "Residents had asked for a wall since the first flood in 2021. "
    "The harbour car park will close while the wall is built. "
    f"{PLANNED}"
)
QUESTION = "has the harwick sea wall been completed"


def ask(question: str, text: str, embed: Embed, policy: policies.Policy):  # type: ignore[no-untyped-def]
    passages = [Passage("d0::c::0000", "d0", TITLE, "", "", text, 0, len(text))]
    found = Retrieval(question, passages, query_embedding=embed([question])[0])
    with policies.using(policy):
        return extract(question, found, embed=embed, idf=lambda t: 2.0)


def test_the_completion_only_the_residue_sentence_plans_is_refused(embed: Embed) -> None:
    on = replace(policies.current(), refuse_unrealised_residue=True)
    ex = ask(QUESTION, ARTICLE, embed, on)
    assert ex.unrealised == ""  # the lead and its block plan no completion
    assert "should be completed by the end of 2027" in ex.unrealised_residue
    assert ex.refused and "do not report whether it happened" in ex.reason


def test_off_the_residue_sentence_is_quoted_instead(embed: Embed) -> None:
    off = replace(policies.current(), refuse_unrealised_residue=False)
    ex = ask(QUESTION, ARTICLE, embed, off)
    assert not ex.refused
    assert PLANNED in [c.span.text for c in ex.chosen]


def test_a_residue_sentence_stating_the_completion_answers(embed: Embed) -> None:
    on = replace(policies.current(), refuse_unrealised_residue=True)
    ex = ask(QUESTION, ARTICLE.replace(PLANNED, DONE), embed, on)
    assert ex.unrealised_residue == ""
    assert not ex.refused
