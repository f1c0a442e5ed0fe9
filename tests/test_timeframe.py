"""Other times (`rag.timeframe`): a question asks for one year or quarter, the lead states its fact for
another. Small news-style passages of our own; the reader is driven through `extract` with the
bag-of-words fake embedder."""

from __future__ import annotations

import pytest

from rag import policy as policies
from rag import timeframe
from rag.extractive import REFUSAL_OTHER_TIME, Candidate, analyse, contradictions
from rag.retrieve import Passage
from rag.sentences import Span, base_terms
from tests.test_answer_first import ask

REFUSE = policies.Policy(
    min_score=0.0, require_answer_type=False, min_focus_coverage=0.0, refuse_other_time=True
)
KEEP = policies.Policy(min_score=0.0, require_answer_type=False, min_focus_coverage=0.0)

HOUSING = (
    "House prices in Eskerholm fell sharply this spring as mortgage rates rose, agents said on Monday. "
    "The housing market had begun to recover in the autumn, with prices in Eskerholm up 3 percent in 2025."
)
PROFIT = (
    "Orbix said on Thursday its net profit fell 12% to 54 million dollars in the third quarter of 2025 "
    "as sales of its tablets slowed. The company sold 470,000 tablets in the quarter."
)
OUTBREAK = (
    "A measles outbreak in Brannock has grown to 47 confirmed cases, health officials said. "
    "It is the largest outbreak in the region since 2019, when 112 cases were recorded in Port Essen."
)


# -- the reading -----------------------------------------------------------------------------------


def test_the_asked_time_is_read_from_the_question_sentence_only() -> None:
    quiz = "Varnholt airport passed 20 million passengers in 2024. How many passengers did it handle in 2025?"
    assert [t.text for t in timeframe.asked_times(quiz)] == ["2025"]
    assert [t.values for t in timeframe.asked_times("what was revenue in the second quarter")] == [
        frozenset({"q2"})
    ]
    assert [t.values for t in timeframe.asked_times("and in Q3?")] == [frozenset({"q3"})]


def test_a_reference_year_is_no_anchor() -> None:
    assert timeframe.anchored_times("It was the worst drought since 2022.") == []
    stated = timeframe.anchored_times("Hackers stole 2.9 billion in 2024, up from 1.7 billion in 2023.")
    assert [t.text for t in stated] == ["2024"]
    # the comma of "36,500" is no clause break that would cut "up from" off its year
    sold = timeframe.anchored_times("The festival sold 41,000 tickets, up from 36,500 in 2023.")
    assert sold == []


@pytest.mark.parametrize(
    ("question", "lead", "expected"),
    [
        ("how much did house prices fall in 2026", HOUSING.split(". ")[1], ("2026", "2025")),
        ("what was its profit in the second quarter?", PROFIT, ("second quarter", "third quarter")),
        ("what was its profit in Q2?", PROFIT, ("Q2", "third quarter")),
        ("how many cases were there in 2025", OUTBREAK.split(". ")[1], None),  # 2019 is a reference
        ("what was its profit in the third quarter", PROFIT, None),  # the time asked is stated
        ("what was its profit in 2025", PROFIT, None),  # a year against a quarter: nothing to compare
        ("how many fans came to the 2023-24 final", "The 2024 final drew 74,000 fans.", None),  # a season
        ("how much did prices rise", HOUSING, None),  # no time asked
        ("how much did prices rise in 2026", "Prices rose 3 percent, agents said.", None),  # none stated
        # a relative clause dates something else than the sentence's fact
        (
            "top scorer 2023-24 for athletic",
            "Mensah, 24, who joined for a fee of 40,000 dollars in 2022, finished as top scorer.",
            None,
        ),
    ],
)
def test_other_time(question: str, lead: str, expected: tuple[str, str] | None) -> None:
    assert timeframe.other_time(question, lead) == expected


# -- the reader ------------------------------------------------------------------------------------


def test_a_lead_for_another_year_refuses_in_both_sides_words() -> None:
    with policies.using(REFUSE):
        ex = ask("how much did eskerholm house prices rise in 2026", HOUSING)
    assert ex.refused
    assert ex.reason == REFUSAL_OTHER_TIME.format(stated="“2025”", asked="“2026”")


def test_a_lead_for_another_quarter_refuses() -> None:
    with policies.using(REFUSE):
        ex = ask("what was orbix's net profit in the second quarter", PROFIT)
    assert ex.refused
    assert "“third quarter”" in ex.reason and "“second quarter”" in ex.reason


def test_the_time_asked_answers_and_the_flag_off_keeps_the_answer() -> None:
    with policies.using(REFUSE):
        stated = ask("what was orbix's net profit in the third quarter", PROFIT)
    with policies.using(KEEP):
        kept = ask("what was orbix's net profit in the second quarter", PROFIT)
    assert not stated.refused
    assert stated.other_time is None
    assert not kept.refused
    assert kept.other_time == ("second quarter", "third quarter")


def test_the_time_asked_stated_elsewhere_in_the_answer_is_no_other_time() -> None:
    lead = HOUSING.split(". ")[1]
    assert timeframe.other_time("how much did prices rise in 2026", lead) == ("2026", "2025")
    assert timeframe.other_time("how much did prices rise in 2026", lead, ["In 2026 prices rose 1%."]) is None


RATES = (
    "The central bank raised its main interest rate by half a point to 3.75 percent on Thursday, "
    "its sixth increase in a row."
)


@pytest.mark.parametrize(
    ("question", "texts", "published", "expected"),
    [
        ("did the bank hike again in may", [RATES], "2023-03-16", ("may", "March 2023")),
        ("did the bank hike again in March", [RATES], "2023-03-16", None),  # the article's month
        ("did the bank hike again in may", [RATES + " The next meeting is in May."], "2023-03-16", None),
        ("did the bank hike again in may 2024", [RATES + " It expects to stop in 2024."], "2023-03-16", None),
        # another month of the year asked says nothing of the month asked
        (
            "did the bank hike again in may 2024",
            [RATES + " It hiked in June 2024."],
            "2023-03-16",
            ("may", "March 2023"),
        ),
        ("did the bank hike again in may", [RATES], "", None),  # no date: nothing to compare
        ("how much may the bank raise rates", [RATES], "2023-03-16", None),  # "may" the modal
    ],
)
def test_other_month(
    question: str, texts: list[str], published: str, expected: tuple[str, str] | None
) -> None:
    assert timeframe.other_month(question, texts, published) == expected


# -- the clause that states the asked relation, the sentences that state the year, the headline model -----


def test_a_relative_clause_stating_what_is_asked_dates_the_fact() -> None:
    lead = "Lena Dvorak, who won the Corvenia Open in 2023, has retired from tennis at 26."
    assert timeframe.other_time("who won the corvenia open in 2025", lead) == ("2025", "2023")
    assert timeframe.other_time("who won the corvenia open in 2023", lead) is None
    # a relative clause about something else still dates nothing of the question's
    joined = "Mensah, who joined Athletic in 2022, finished as top scorer in the league."
    assert [t.text for t in timeframe.anchored_times(joined, "who was top scorer in 2024")] == []
    assert timeframe.other_time("who was top scorer in 2024", joined) is None


def test_the_year_asked_counts_only_in_a_sentence_about_the_leads_fact() -> None:
    lead = "Shareholders approved a dividend of 4.20 crowns per share for 2023 at the annual meeting."
    question = "what dividend did telvara pay for 2024"
    forecast = "Telvara kept its forecast for 2024, expecting revenue growth of 2 to 4 percent."
    assert timeframe.other_time(question, lead, [forecast]) == ("2024", "2023")
    # a sentence stating the lead's fact for the year asked: the answer may be there
    paid = "The board proposed a dividend of 4.50 crowns for 2024."
    assert timeframe.other_time(question, lead, [f"{forecast} {paid}"]) is None


@pytest.mark.parametrize(
    ("code", "title", "article", "expected"),
    [
        ("tab 7", "Orbix Tab 6: bigger screen, new K3 chip, higher price", "It costs 549 dollars.", "tab 6"),
        ("x8", "Lumen unveils X7 phone with bigger battery", "It costs 899 euros.", "x7"),
        ("tab 7", "Orbix Tab 6: bigger screen", "The Tab 7 follows next year.", ""),  # the article names it
        ("tab 6", "Orbix Tab 6: bigger screen", "It costs 549 dollars.", ""),  # the one asked
        ("x8", "Phone sales fall in 2024", "It costs 899 euros.", ""),  # no model in the headline
    ],
)
def test_titled_other(code: str, title: str, article: str, expected: str) -> None:
    assert timeframe.titled_other(code, title, article) == expected


def test_a_lead_naming_no_model_is_about_the_one_its_headline_names() -> None:
    text = "A stylus, the Orbix Pen, is sold separately for 79 dollars."
    passage = Passage(
        "d0::c::0000", "d0", "Orbix Tab 6: bigger screen, higher price", "", "", text, 0, len(text)
    )
    lead = Candidate(span=Span(0, len(text), text), passage=passage, terms=set(base_terms(text)))
    assert contradictions(analyse("how much does the orbix tab 7 cost"), lead) == (("tab 7", "tab 6"),)
    assert contradictions(analyse("how much does the orbix tab 6 cost"), lead) == ()


def test_a_run_in_heading_is_a_sentence_of_its_own() -> None:
    lead = "Shareholders approved a dividend of 4.20 crowns per share for 2023 at the annual meeting."
    passage = f"Outlook and dividend\nTelvara kept its forecast for 2024, expecting growth.\n{lead}"
    assert timeframe.other_time("what dividend did telvara pay for 2024", lead, [passage]) == ("2024", "2023")


def test_an_undated_lead_is_of_its_articles_year_unless_a_sentence_about_it_names_the_year_asked() -> None:
    text = "16:30: Health authorities say two elderly people have died in Oriel after the heat."
    quoted = "15:40: A meteorologist who also spoke to us during the 2023 heatwave said records will fall."
    recalled = "In the 2023 heatwave 14 people died in Oriel."
    for article, expected in ((f"{quoted}\n{text}", (("2023", "2025"),)), (f"{recalled}\n{text}", ())):
        passage = Passage("d0::c::0000", "d0", "Heatwave live", "2025-08-12", "", article, 0, len(article))
        lead = Candidate(span=Span(0, len(text), text), passage=passage, terms=set(base_terms(text)))
        assert contradictions(analyse("how many people died in the 2023 heatwave"), lead) == expected


def test_of_two_years_asked_any_sentence_of_the_article_may_state_one() -> None:
    text = "Kalla lifts the Corvenia Open trophy after a 58-minute final."
    article = f"Dvorak took the title in 2023.\n{text}"
    passage = Passage("d0::c::0000", "d0", "Kalla lifts trophy", "2024-09-08", "", article, 0, len(article))
    lead = Candidate(span=Span(0, len(text), text), passage=passage, terms=set(base_terms(text)))
    assert contradictions(analyse("what did the corvenia open champion get in 2023 vs 2024"), lead) == ()
    one = analyse("what did the corvenia open champion get in 2023")
    assert contradictions(one, lead) == (("2023", "2024"),)
