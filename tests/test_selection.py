"""The extractive reader's choice of sentences around the lead, on small news passages of our own.

A headline that leads is read with its article's opening sentence (past the dateline), and a free
answer slot takes the best further sentence of the lead's article. What a quoted sentence costs: a
further sentence of an article not yet cited must state something asked that no chosen one states,
and a merged copy is cited only when it is close to a copy. Pure logic with a
bag-of-words fake embedder, as in `tests/test_extractive.py`.
"""

from __future__ import annotations

import pytest

from rag import extractive
from rag.retrieve import Passage, Retrieval
from tests.test_extractive import fake_embed


def idf(term: str) -> float:
    return 2.0


def ask(question: str, *articles: tuple[str, str]) -> extractive.Extract:
    """`articles`: (title, text) pairs, each one retrieved passage of its own article."""
    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", title, "", "", text, 0, len(text))
        for i, (title, text) in enumerate(articles)
    ]
    found = Retrieval(question, passages, query_embedding=fake_embed([question])[0])
    return extractive.extract(question, found, embed=fake_embed, idf=idf)


def texts(ex: extractive.Extract) -> list[str]:
    return [c.span.text for c in ex.chosen]


FERRY_TITLE = "Harbour fire shuts the Port Wend ferry terminal for the whole weekend"
FERRY = (
    FERRY_TITLE,
    f"{FERRY_TITLE}\n\nPORT WEND, May 3, 2025 -\n"
    "Faulty wiring in a disused warehouse started the blaze early on Saturday, investigators said.\n\n"
    "Photo: Smoke over the harbour.\n\n"
    "Nobody was hurt, and the mayor thanked the volunteer crews who worked through the night.",
)
MARKET = (
    "Fish market opens a new hall on the quay in Port Wend after two years of building",
    "Fish market opens a new hall on the quay in Port Wend after two years of building\n\n"
    "The hall has room for 40 stalls and a small restaurant, the market's owners said on Friday.",
)


def test_a_headline_lead_is_read_with_the_articles_opening_sentence_past_its_dateline() -> None:
    ex = ask("why did the port wend ferry terminal shut for the weekend", FERRY, MARKET)
    assert texts(ex)[0] == FERRY_TITLE
    # the opening sentence shares no word with the question: only its place after the headline brings it
    assert texts(ex)[1].startswith("Faulty wiring in a disused warehouse")


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        (FERRY_TITLE, True),
        (FERRY_TITLE.upper() + ".", True),  # case and a final full stop aside
        ("Harbour fire shuts the Port Wend ferry terminal for the whole weekend, the port said.", False),
    ],
)
def test_a_headline_is_the_articles_title_repeated_as_a_sentence(sentence: str, headline: bool) -> None:
    passage = Passage("d0::c::0000", "d0", FERRY_TITLE, "", "", sentence, 0, len(sentence))
    cand = extractive.Candidate(span=extractive.Span(0, len(sentence), sentence), passage=passage)
    assert extractive._headline(cand) is headline


STORM_TITLE = "Thousands spend a cold night in the dark after the storm on the island"
STORM = (
    STORM_TITLE,
    f"{STORM_TITLE}\n\n"
    "Storm Kelda cut power to 12,000 homes on Varra on Monday and closed the Varra ferry port.\n\n"
    "The island's only hospital ran on generators overnight, officials said.\n\n"
    "Schools across the island stayed shut as teachers could not reach them.\n\n"
    "The ferry operator said Varra sailings would restart on Thursday once the port is repaired.",
)
OTHER_STORM = (
    "Storm Ilse floods the coast road near Hollin as rivers burst their banks",
    "Storm Ilse floods the coast road near Hollin as rivers burst their banks\n\n"
    "Heavy rain closed the coast road near Hollin on Tuesday, and two rivers burst their banks.",
)


def test_a_free_slot_takes_a_further_sentence_of_the_leads_article() -> None:
    question = "when will the varra ferry port open again after storm kelda"
    ex = ask(question, STORM, OTHER_STORM)
    chosen = texts(ex)
    assert chosen[0].startswith("Storm Kelda cut power")
    answer = next(c for c in ex.chosen if "restart on Thursday" in c.span.text)
    assert answer.passage.doc_id == ex.chosen[0].passage.doc_id
    assert len(chosen) <= extractive.MAX_SENTENCES


def test_the_further_sentence_of_the_leads_article_must_score_close_to_the_lead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(extractive, "SAME_ARTICLE_RATIO", 0.99)
    ex = ask("when will the varra ferry port open again after storm kelda", STORM, OTHER_STORM)
    # not taken by this rule (a place still free after the refusal checks may quote it: `_fill`)
    assert not any("restart on Thursday" in c.span.text and c.role == "same_article" for c in ex.chosen)


# -- what a quoted sentence costs: a citation ---------------------------------------------------

STORM_QUESTION = "when will the varra ferry port open again after storm kelda"
KELDA_PIER = (
    "Kelda wrecks Varra pier",
    "Kelda wrecks Varra pier\n\n"
    "Storm Kelda wrecked the pier of the Varra ferry port and sank two fishing boats, "
    "the island council said.",
)
KELDA_ELSEWHERE = (
    "Kelda leaves Varra islanders cut off",
    "Kelda leaves Varra islanders cut off\n\n"
    "Ferry sailings to Varra will not open again until the storm damage to the port is repaired, "
    "the island council said.",
)


def test_a_further_sentence_of_an_uncited_article_that_adds_nothing_asked_is_not_quoted() -> None:
    # it scores above the lead, but states no focus word the lead lacks and no time: quoting it would
    # cite a second article for nothing the question asks; the free slot goes to the lead's article
    ex = ask(STORM_QUESTION, STORM, KELDA_PIER)
    assert {c.passage.doc_id for c in ex.chosen} == {"d0"}
    assert any("restart on Thursday" in t for t in texts(ex))


def test_a_further_sentence_of_an_uncited_article_is_quoted_when_it_states_more_of_the_question() -> None:
    ex = ask(STORM_QUESTION, STORM, KELDA_ELSEWHERE)  # "open again", which the lead does not state
    assert "d1" in {c.passage.doc_id for c in ex.chosen}


def test_a_further_sentence_of_an_uncited_article_is_quoted_when_it_states_the_answer_type() -> None:
    other = ("Kelda", "Kelda\n\nKelda reached the Varra ferry port late on Sunday, islanders said.")
    ex = ask(STORM_QUESTION, STORM, other)  # no focus word the lead lacks, but "on Sunday": a time
    assert "d1" in {c.passage.doc_id for c in ex.chosen}


WIRE_FULL = (
    "TASS said the regional governor gave Kim five explosive drones, a reconnaissance drone and a "
    "bulletproof vest as gifts on Sunday."
)
WIRE_SHORT = "Kim was given drones and a vest as gifts."


def test_a_merged_copy_that_says_less_is_not_cited_for_the_sentence_that_says_more() -> None:
    # its words are all in the fuller sentence (so it is not quoted again), but its article does not
    # state the five drones or the governor: citing it would cite an article for what it lacks
    ex = ask("What did the regional governor give Kim on Sunday?", ("Gifts", WIRE_FULL), ("Kim", WIRE_SHORT))
    lead = ex.chosen[0]
    assert lead.span.text == WIRE_FULL and lead.also_in == []
    assert [c.span.text for c in ex.chosen].count(WIRE_SHORT) == 0
