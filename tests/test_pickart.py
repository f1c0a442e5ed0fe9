"""Pick the article (`rag.pickart`): among look-alike articles, the lead comes from the one that states
the question's distinguishing words (a place, a year of publication), not from a look-alike that only
shares the topic words."""

from __future__ import annotations

import pytest

from rag import pickart
from rag.extractive import Candidate, Extract, extract
from rag.retrieve import Passage, Retrieval
from rag.sentences import Span
from rag.wordvec import Embed

ESTOVA_TITLE = "Social Democrats win Estova election as Lepp concedes"
ESTOVA = (
    f"{ESTOVA_TITLE}\n\n"
    "The opposition Social Democrats won Sunday's parliamentary election with 41 of the 101 seats. "
    "Party leader Marta Kivistik said she would begin coalition talks within days. "
    "Turnout was 63.4 percent."
)
KESTRIA_TITLE = "Kestria's ruling party holds on in close vote"
KESTRIA = (
    f"{KESTRIA_TITLE}\n\n"
    "Kestria's ruling National Party kept its majority in Sunday's general election. "
    "Election turnout was 71.2 percent, the electoral commission said, up from 68.0 percent in the last vote."
)
CUP_2024_TITLE = "Halvik Rovers win the cup in the last minutes"
CUP_2024 = (
    f"{CUP_2024_TITLE}\n\n"
    "Halvik Rovers beat United 2-1 in the cup final on Saturday in front of 31,200 fans. "
    "Oskar Brede headed in a corner two minutes from the end to give Rovers the win."
)
CUP_2025_TITLE = "United win the cup final a year after defeat"
CUP_2025 = (
    f"{CUP_2025_TITLE}\n\n"
    "United beat Halvik Rovers 3-0 in the cup final on Sunday. "
    "Rahn had promised after losing the 2024 final that United would be back."
)


IDF = {"estova": 3.0, "turnout": 2.0, "2024": 1.0, "cup": 1.0, "final": 1.0, "score": 1.0}


def idf(term: str) -> float:
    return IDF.get(term, 2.0)


def ask(question: str, embed: Embed, *articles: tuple[str, str, str]) -> Extract:
    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", title, published, "", text, 0, len(text))
        for i, (title, published, text) in enumerate(articles)
    ]
    found = Retrieval(question, passages, query_embedding=embed([question])[0])
    return extract(question, found, embed=embed, idf=idf)


def lead(ex: Extract) -> Candidate:
    return next(c for c in ex.chosen if c.role == "lead")


def cand(doc: str, text: str, score: float) -> Candidate:
    passage = Passage(f"{doc}::c::0000", doc, doc, "", "", text, 0, len(text))
    return Candidate(span=Span(0, len(text), text), passage=passage, score=score)


# -- pure functions --------------------------------------------------------------------------------


def test_article_match_weighs_the_questions_words() -> None:
    stated = pickart.article_terms(ESTOVA_TITLE, [ESTOVA])
    assert pickart.article_match(["estova", "turnout"], stated, set(), idf) == 5.0
    other = pickart.article_terms(KESTRIA_TITLE, [KESTRIA])
    assert pickart.article_match(["estova", "turnout"], other, set(), idf) == 2.0
    assert pickart.article_match([], other, set(), idf) == 0.0


def test_a_common_english_word_tells_articles_apart_less_than_a_name() -> None:
    assert pickart.rarity("estova") == 1.0  # no English word
    assert pickart.rarity("2024") == 1.0
    assert pickart.rarity("get") < 0.1 < pickart.rarity("reservoirs") < pickart.rarity("estova")


def test_a_year_counts_fully_only_for_the_article_dated_in_it() -> None:
    focus = ["score", "2024", "cup", "final"]
    later = pickart.article_terms(CUP_2025_TITLE, [CUP_2025])  # mentions "the 2024 final"
    dated_later = pickart.dated_years(CUP_2025_TITLE, "2025-05-25T10:00:00")
    assert dated_later == {"2025"}
    assert "2024" in later
    assert pickart.article_match(focus, later, dated_later, idf) == pytest.approx(2.5)
    that_year = pickart.article_terms(CUP_2024_TITLE, [CUP_2024])
    dated = pickart.dated_years(CUP_2024_TITLE, "2024-05-26")
    assert pickart.article_match(focus, that_year, dated, idf) == pytest.approx(3.0)  # no "score"
    assert pickart.dated_years("Storm Berit: what we know in 2023", "") == {"2023"}


def test_a_rival_article_that_states_clearly_more_leads() -> None:
    lead_ = cand("kestria", "Turnout was 71.2 percent.", 0.60)
    rival = cand("estova", "Turnout was 63.4 percent.", 0.58)
    weak = cand("estova", "Parliament has 101 seats.", 0.20)
    ranked = [lead_, rival, weak]
    matches = {"kestria": 2.0, "estova": 5.0}
    picked = pickart.article_lead(lead_, ranked, matches, key=lambda c: (c.score,), eligible=lambda c: True)
    assert picked is rival


def test_the_lead_stays_without_a_clear_margin_a_close_score_or_the_readers_checks() -> None:
    lead_ = cand("kestria", "Turnout was 71.2 percent.", 0.60)
    rival = cand("estova", "Turnout was 63.4 percent.", 0.58)
    ranked = [lead_, rival]

    def pick(
        matches: dict[str, float], eligible: bool = True, ranked_: list[Candidate] = ranked
    ) -> Candidate:
        return pickart.article_lead(
            lead_, ranked_, matches, key=lambda c: (c.score,), eligible=lambda c: eligible
        )

    assert pick({"kestria": 4.8, "estova": 5.0}) is lead_  # a near tie of topic words: no switch
    assert pick({"kestria": 2.0, "estova": 5.0}, eligible=False) is lead_  # e.g. not the answer type
    low = cand("estova", "Turnout was 63.4 percent.", 0.60 * pickart.RATIO - 0.01)
    assert pick({"kestria": 2.0, "estova": 5.0}, ranked_=[lead_, low]) is lead_  # scores too low
    # a candidate quoted from both articles (a merged copy) reads as the better of them
    merged = cand("kestria", "Turnout was 71.2 percent.", 0.60)
    merged.also_in = [cand("estova", "Turnout was 71.2 percent.", 0.60)]
    assert (
        pickart.article_lead(
            merged,
            [merged, rival],
            {"kestria": 2.0, "estova": 5.0},
            key=lambda c: (c.score,),
            eligible=lambda c: True,
        )
        is merged
    )


# -- the reader --------------------------------------------------------------------------------------


def test_the_place_asked_picks_its_election_among_look_alikes(embed: Embed) -> None:
    ex = ask(
        "estova turnout?", embed, (KESTRIA_TITLE, "2023-06-05", KESTRIA), (ESTOVA_TITLE, "2022-10-10", ESTOVA)
    )
    assert "63.4" in lead(ex).span.text
    assert not ex.refused


def test_the_year_asked_picks_the_final_published_that_year(embed: Embed) -> None:
    ex = ask(
        "what was the score in the 2024 cup final",
        embed,
        (CUP_2025_TITLE, "2025-05-25", CUP_2025),
        (CUP_2024_TITLE, "2024-05-26", CUP_2024),
    )
    assert lead(ex).passage.title == CUP_2024_TITLE
