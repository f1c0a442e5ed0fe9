"""Why and how (`rag.explain`): a sentence that states a cause, purpose or means is quoted with the
one that states the event; a heading restating the question gives way to the paragraph under it."""

from __future__ import annotations

import pytest

from rag import explain
from rag.extractive import Candidate, Extract, extract
from rag.retrieve import Passage, Retrieval
from rag.sentences import Span
from rag.wordvec import Embed

FACTORY_TITLE = "Valcor to cut 260 jobs at Pennick Bay as cracker lines move abroad"
FACTORY = (
    f"{FACTORY_TITLE}\n\n"
    "The food group Valcor plans to cut 260 jobs at its Pennick Bay biscuit factory, it said on Tuesday. "
    "Valcor said it would move the cracker lines from Pennick Bay to its factory in Molvaro. "
    "The union called the move of the cracker lines a betrayal and said it would fight the cuts. "
    "Valcor bought Pennick Bay last year and promised to keep the cracker lines there. "
    "Valcor is doing so because the machines are more than 30 years old. "
    "The factory opened in 1921 and employs about 1,150 people."
)
WING_TITLE = "St Ode's Hospital opens new wing three years late"
WING = (
    f"{WING_TITLE}\n\n"
    "The new wing of St Ode's Hospital in Halvik opened to patients on Monday, three years late. "
    "The hospital wing was due to open in 2021, three years before it did. "
    "Staff said the late wing had been worth the wait for the hospital's patients.\n\n"
    "Why it took so long.\n\n"
    "Builders found the remains of a medieval churchyard on the site in 2019, which stopped work for a year. "
    "The wing has 120 beds and four operating theatres."
)


def idf(term: str) -> float:
    return 2.0


def ask(question: str, embed: Embed, title: str, text: str) -> Extract:
    passages = [Passage("d0::c::0000", "d0", title, "", "", text, 0, len(text))]
    found = Retrieval(question, passages, query_embedding=embed([question])[0])
    return extract(question, found, embed=embed, idf=idf)


def quoted(ex: Extract) -> list[str]:
    return [c.span.text for c in ex.chosen]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("why is valcor moving the cracker lines", explain.WHY),
        ("hey quick one, why did the ceiling fall in", explain.WHY),
        ("what caused the fire", explain.WHY),
        ("how come the station opened late", explain.WHY),
        ("how were the cable thieves caught", explain.HOW),
        ("how did police find the painting", explain.HOW),
        ("how will they enforce the congestion charge", explain.HOW),
        ("how many seats did they win", ""),
        ("how long did the trial last", ""),
        ("how much did it cost", ""),
        ("how did the shares react", ""),  # an outcome, not a means
        ("how did lepps party do", ""),
        ("how did kim get to russia, did he fly?", explain.HOW),
        ("who cut the ribbon", ""),
    ],
)
def test_which_questions_ask_a_cause_or_a_means(question: str, kind: str) -> None:
    assert explain.asked(question) == kind


def test_strong_marks_explain_weak_ones_only_half() -> None:
    why, how = explain.WHY, explain.HOW
    assert explain.strength("The lines are slow because they are more than 30 years old.", why) == 1.0
    assert explain.strength("The match was called off due to heavy rain.", why) == 1.0
    assert explain.strength("The board said the main cause was the lack of beds.", why) == 1.0
    assert explain.strength("Councillors said the scooters caused 212 injuries last year.", why) == 1.0
    assert explain.strength("The opening was delayed after the flood of January 2025.", why) == 0.5
    assert explain.strength("The wing has 120 beds and four operating theatres.", why) == 0.0
    assert explain.strength("They were traced through a scrap dealer's records.", how) == 1.0
    assert explain.strength("Police found the van by checking camera footage.", how) == 1.0
    assert explain.strength("The wing has 120 beds and four operating theatres.", how) == 0.0
    # a means question is not answered by a cause mark, nor a why question by a means mark
    assert explain.strength("The match was called off because of rain.", how) == 0.0
    assert explain.strength("They were traced using a scrap dealer's records.", why) == 0.0


def test_a_heading_restates_a_question_of_its_own_kind() -> None:
    assert explain.heading_asks("Why it took so long.", explain.WHY)
    assert explain.heading_asks("How she won.", explain.HOW)
    assert not explain.heading_asks("How she won.", explain.WHY)
    assert not explain.heading_asks(
        "Why the council, after years of debate, finally chose to act on it.", "why"
    )
    assert not explain.heading_asks("The wing opened on Monday.", explain.WHY)


def candidate(text: str, score: float, start: int, doc: str = "d0") -> Candidate:
    passage = Passage(f"{doc}::c::0000", doc, "Title", "", "", text, 0, len(text))
    return Candidate(span=Span(start, start + len(text), text), passage=passage, score=score)


def test_the_explanation_comes_from_the_leads_article_and_scores_enough() -> None:
    lead = candidate("Valcor plans to cut 260 jobs.", 1.0, 0)
    cause = candidate("The lines moved because they are old.", 0.4, 100)
    faint = candidate("Workers were angry because of the news.", 0.1, 200)
    other = candidate("Another plant closed because of costs.", 0.9, 0, doc="d1")
    ranked = [lead, other, cause, faint]

    def nothing(c: Candidate) -> list[Candidate]:
        return []

    assert explain.explanation("why", lead, [lead], ranked, nothing) is cause
    assert explain.explanation("why", lead, [lead], [lead, other, faint], nothing) is None  # too faint
    assert explain.explanation("why", lead, [lead, cause], ranked, nothing) is None  # already quoted
    assert explain.explanation("why", lead, [lead, other], ranked, nothing) is cause  # a look-alike's cause
    weak = candidate("The plant closed after the flood.", 0.4, 300)
    assert explain.explanation("why", lead, [lead], [lead, weak], nothing) is None  # a weak mark needs more
    weak.score = 0.7
    assert explain.explanation("why", lead, [lead], [lead, weak], nothing) is weak


def test_the_paragraph_under_a_heading_restating_the_question_explains() -> None:
    lead = candidate("The wing opened three years late.", 1.0, 0)
    heading = candidate("Why it took so long.", 0.5, 100)
    under = candidate("Builders found a medieval churchyard on the site.", 0.2, 125)
    ranked = [lead, heading, under]
    assert (
        explain.explanation("why", lead, [lead], ranked, lambda c: [under] if c is heading else []) is under
    )


def test_a_why_question_quotes_the_cause_with_the_event(embed: Embed) -> None:
    ex = ask("why is valcor moving the cracker lines", embed, FACTORY_TITLE, FACTORY)
    assert not ex.refused
    texts = quoted(ex)
    assert any("more than 30 years old" in t for t in texts)
    assert any("260 jobs" in t for t in texts)  # the event stays


def test_a_question_that_asks_no_cause_is_not_given_one(embed: Embed) -> None:
    ex = ask("when did the factory open", embed, FACTORY_TITLE, FACTORY)
    assert not any(c.role == "explain" for c in ex.chosen)


def test_a_heading_restating_the_question_gives_way_to_its_paragraph(embed: Embed) -> None:
    ex = ask("why was the hospital wing three years late", embed, WING_TITLE, WING)
    texts = quoted(ex)
    assert not ex.refused
    assert any("medieval churchyard" in t for t in texts)
    assert "Why it took so long." not in texts
