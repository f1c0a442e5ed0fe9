"""The lead by relation (`rag.leadpick`): a sentence of the lead's article that states what is asked,
not only the topic its title names, leads; the replaced lead follows it."""

from __future__ import annotations

import numpy as np

from rag import leadpick
from rag.extractive import Candidate, Extract, extract
from rag.retrieve import Passage, Retrieval
from rag.sentences import Span
from rag.wordvec import Embed

HOSPITAL_TITLE = "St Ode's Hospital opens new wing three years late"
HOSPITAL = (
    f"{HOSPITAL_TITLE}\n\n"
    "The new wing of St Ode's Hospital in Halvik opened to patients on Monday, "
    "three years later than planned. "
    "Health minister Sara Lind cut the ribbon in front of staff and patients. "
    "In the end it cost 1.6 billion crowns, against a budget of 1.2 billion. "
    "The wing has 120 beds and four operating theatres."
)
BRIDGE_TITLE = "Tarn bridge reopens after repairs"
BRIDGE = (
    f"{BRIDGE_TITLE}\n\n"
    "The Tarn bridge in Ostbridge reopened to traffic on Friday after eight months of repairs. "
    "The repairs cost 40 million crowns."
)


def idf(term: str) -> float:
    return 2.0


def ask(question: str, embed: Embed, *articles: tuple[str, str]) -> Extract:
    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", title, "", "", text, 0, len(text))
        for i, (title, text) in enumerate(articles)
    ]
    found = Retrieval(question, passages, query_embedding=embed([question])[0])
    return extract(question, found, embed=embed, idf=idf)


def lead(ex: Extract) -> str:
    return next(c.span.text for c in ex.chosen if c.role == "lead")


def test_the_relation_asked_is_the_question_without_its_titles_words() -> None:
    topic = leadpick.topic_terms(HOSPITAL_TITLE)
    assert leadpick.relation_query("what did the st ode's wing cost in the end", topic) == (
        "what did the cost in the end"
    )
    assert leadpick.relation_query("Who cut the ribbon?", topic) == "Who cut the ribbon"  # none of the title


def test_a_sentence_stating_the_relation_leads_over_one_naming_only_the_topic(embed: Embed) -> None:
    """The opening sentence repeats the question's topic; "It cost ..." states what is asked."""
    ex = ask("what did the st ode's wing cost in the end", embed, (HOSPITAL_TITLE, HOSPITAL))
    assert not ex.refused
    assert lead(ex).startswith("In the end it cost 1.6 billion crowns")
    displaced = [c for c in ex.chosen if c.role == "displaced"]
    assert len(displaced) == 1 and "St Ode" in displaced[0].span.text  # the topic stays in the answer
    assert ex.focus_coverage >= 0.5  # read with the sentence it replaced, it states the question


def test_a_look_alike_articles_sentence_never_replaces_the_lead(embed: Embed) -> None:
    """Only the lead's own article is searched: another article's "cost" answers another topic."""
    articles = ((HOSPITAL_TITLE, HOSPITAL), (BRIDGE_TITLE, BRIDGE))
    ex = ask("what did the st ode's wing cost in the end", embed, *articles)
    assert "Tarn" not in lead(ex)
    assert lead(ex).startswith("In the end it cost 1.6 billion crowns")


def candidate(text: str, title: str, unit: list[float], score: float) -> Candidate:
    passage = Passage("d0::c::0000", "d0", title, "", "", text, 0, len(text))
    return Candidate(span=Span(0, len(text), text), passage=passage, score=score, unit=np.asarray(unit))


def test_an_article_whose_title_names_none_of_the_question_keeps_the_readers_lead() -> None:
    """With no topic words apart, the relation asked is the whole question, which the reader's own
    scoring has weighed already: a sentence closer to it does not replace the lead."""

    def embed(texts: list[str]) -> list[list[float]]:  # every text points one way: only the rule decides
        return [[1.0, 0.0] for _ in texts]

    lead = candidate("The wing opened on Monday.", "Health news", [0.0, 1.0], 0.6)
    closer = candidate("In the end it cost 1.6 billion crowns.", "Health news", [1.0, 0.0], 0.3)
    question = "what did the st ode's wing cost in the end"
    assert leadpick.relation_lead(question, lead, [lead, closer], embed=embed, eligible=lambda c: True) == (
        lead,
        None,
    )
    titled = [candidate(c.span.text, HOSPITAL_TITLE, list(c.unit), c.score) for c in (lead, closer)]
    assert leadpick.relation_lead(question, titled[0], titled, embed=embed, eligible=lambda c: True) == (
        titled[1],
        titled[0],
    )
    assert leadpick.relation_lead(question, titled[0], titled, embed=embed, eligible=lambda c: False) == (
        titled[0],
        None,
    )
