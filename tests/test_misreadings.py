"""What the answer-type and focus checks misread in news as people ask about it (issue 10, false refusals).

Each case is a general way news or a user words a fact that the reader read wrong, on a small
passage of our own, with the cost side beside it (what must still not count):

- a clitic ("there'd", "they'll") is a function word, never a name the articles lack;
- an adjective after "what" ("the old record") asks for no measure: only "how old" asks an age;
- "how long has she been ..." is answered by "since January 2023";
- a season or financial year "2023-24" is stated by either of its years, and its "24" is no number of
  its own; a lead whose title states the year asked is not contradicted by it;
- "how many houses" is counted by "120 homes" (a word near in meaning right after the number: the real
  embedding model);
- "budjet" is a typo of "budget" (a consonant spelled as said), not a name;
- "i want to know" frames a question;
- the lead is read with a continuation that goes on about its subject by a pronoun ("... was
  sacked." "She was replaced by ...").
"""

from __future__ import annotations

from dataclasses import replace

from rag import mentions
from rag.extractive import (
    AGE,
    COUNT,
    DURATION,
    Candidate,
    _lead_block,
    analyse,
    answer_types,
    block_coverage,
    contradictions,
    counted_alike,
    focus_coverage_of,
    frame_words,
)
from rag.question import read
from rag.retrieve import Passage
from rag.sentences import Span, base_terms
from rag.wordvec import Embed
from tests.test_extractive import idf


def candidate(text: str, title: str = "Article", published: str = "") -> Candidate:
    passage = Passage("d0::c::0000", "d0", title, published, "", text, 0, len(text))
    return Candidate(span=Span(0, len(text), text), passage=passage, terms=set(base_terms(text)))


def test_a_clitic_is_a_function_word_not_a_name() -> None:
    q = analyse("did the firm promise there'd be no job cuts")
    assert "there'd" not in dict(q.focus).values()
    assert {"promise", "job", "cuts"} <= set(dict(q.focus).values())
    chatty = analyse("and whether they'll sort out the defences")
    assert "they'll" not in dict(chatty.focus).values()
    # read against any vocabulary: neither is an unknown name
    reading = read((("there'd", "there'd"), ("they'll", "they'll"), ("zelensky", "zelensky")), (), None)
    assert not reading.unknown
    # the cost side: an unknown name beside them is still read as one
    assert reading.focus == (("zelensky", "zelensky"),)


def test_an_adjective_after_what_asks_for_no_measure() -> None:
    assert AGE not in analyse("what was the old record").types
    assert analyse("what was the old record").types == ()
    # the cost side: "how old" and a measure noun still ask for one
    assert analyse("how old is the mayor").types == (AGE,)
    assert AGE in analyse("what age was she").types


def test_how_long_is_answered_by_since_a_date() -> None:
    q = analyse("how long has osei been in charge of the health board")
    assert q.types == (DURATION,)
    sentence = "Amara Osei has been chief executive of the board since January 2023."
    assert answer_types(q, sentence) == {DURATION}
    assert answer_types(q, "She has run it since 2019.") == {DURATION}
    # the cost side: "since" with no time, or no length at all, is no answer
    assert answer_types(q, "She has run it since she moved to the city.") == set()
    assert answer_types(q, "Osei is chief executive of the board.") == set()


def test_a_season_is_stated_by_either_year() -> None:
    assert mentions.asked_numbers("top scorer 2023-24 for athletic") == [("2023-24", ("2023", "2024"))]
    assert "2027" in mentions.number_values("a budget of 431 million dollars for 2026-27")
    # the cost side: two numbers joined by a dash that are no consecutive years stay two numbers
    assert [w for w, _ in mentions.asked_numbers("between 2019-21 and 24 goals")] == ["2019", "21", "24"]
    q = analyse("who was top scorer in 2023-24")
    assert "24" not in q.names
    lead = candidate("He finished the 2024 season as top scorer with 26 goals.")
    assert contradictions(q, lead) == ()
    assert contradictions(q, candidate("He was top scorer in 2021 with 20 goals.")) == (("2023", "2021"),)


def test_a_title_stating_the_year_asked_is_no_contradiction() -> None:
    q = analyse("how much is the council taking from its reserves in 2026")
    lead = candidate(
        "The council will also take 7 million dollars from its reserves.",
        title="City budget 2026: libraries reopen",
        published="2026-02-12",
    )
    assert contradictions(q, lead) == ()
    # the cost side: a lead dated by another year, whose article never states the one asked
    other = candidate(
        "The council will also take 7 million dollars from its reserves.",
        title="City budget 2024: libraries close",
        published="2024-02-12",
    )
    assert contradictions(q, other) == (("2026", "2024"),)


def test_how_many_counts_by_a_word_near_in_meaning(embed: Embed) -> None:
    q = analyse("how many houses flooded in january")
    homes = candidate("About 120 homes and 14 businesses were flooded, the authority said.")
    assert COUNT not in answer_types(q, homes.span.text)  # literally, "houses" is not counted
    q = replace(q, counted_alike=counted_alike(q, [homes], embed))
    assert answer_types(q, homes.span.text) == {COUNT}
    # the cost side: a number of something else is still no count of houses
    shops = candidate("About 14 businesses and 3 schools were flooded, the authority said.")
    q2 = analyse("how many houses flooded in january")
    q2 = replace(q2, counted_alike=counted_alike(q2, [shops], embed))
    assert answer_types(q2, shops.span.text) == set()


def test_a_consonant_spelled_as_said_is_a_typo_not_a_name() -> None:
    from rag.question import slip

    assert slip("budjet", "budget")  # g and j spell one sound
    assert slip("kanal", "canal")
    # the cost side: a letter far from the one meant, or one added, is still no slip
    assert not slip("salah", "sarah")
    assert not slip("messi", "mess")


def test_wanting_to_know_frames_the_question() -> None:
    q = analyse("i want to know what help there is from the council for flooded homes")
    assert {"want", "know"} <= frame_words(q)
    assert "help" not in frame_words(q)


def test_the_lead_is_read_with_the_sentence_that_continues_it() -> None:
    q = analyse("who replaced her")
    lead = candidate("Manager Ana Duarte, who led the club to the title in 2024, was sacked in February.")
    after = candidate("She was replaced by Rhys Fairweather, the former Penmoor coach.")
    assert focus_coverage_of(q, lead, idf) == 0.0
    assert block_coverage(q, [lead, after], idf) == 1.0
    # the cost side: a block none of whose sentences states the focus stays uncovered
    other = candidate("Duarte has not spoken publicly since leaving the club.")
    assert block_coverage(q, [lead, other], idf) == 0.0
    # only a continuation that goes on about the lead's subject by a pronoun joins the lead
    after.role = other.role = "continuation"
    named = candidate("The club replaced the pitch in March.")
    named.role = "continuation"
    assert _lead_block(lead, [lead, after, other, named]) == [lead, after]


def test_a_decade_in_two_digits_is_stated_by_any_year_of_it() -> None:
    asked = mentions.asked_numbers("how much has the ice cap thinned since the 70s")
    assert asked == [("70s", ("1970s",))]
    assert mentions.states_number(asked[0][1], mentions.number_values("About 9 metres since 1978."))
    # the cost side: a year of another decade does not state it
    assert not mentions.states_number(asked[0][1], mentions.number_values("About 9 metres since 1988."))


def test_an_article_of_the_year_asked_may_recall_another_year() -> None:
    q = analyse("how many fans were at the 2025 final")
    recall = candidate("Rovers finished seventh, their worst finish since 2022.", published="2025-05-20")
    assert contradictions(q, recall) == ()
    # the cost side: the same sentence in an article of another year contradicts the year asked
    other = candidate("Rovers finished seventh, their worst finish since 2022.", published="2022-05-20")
    assert contradictions(q, other) == (("2025", "2022"),)


def test_a_quiz_style_question_asks_the_years_of_its_last_sentence_only() -> None:
    """ "Orbix sold 470,000 tablets in 2024. What did it earn in 2025?" asks about 2025: its opening
    statement's year is no year asked, so a lead dated 2025 contradicts nothing."""
    q = analyse("Orbix sold 470,000 tablets in 2024. What was its profit in 2025?")
    lead = candidate("Orbix made a net profit of 54 million dollars in 2025.", published="2026-01-20")
    assert contradictions(q, lead) == ()
    # the cost side: the asking sentence's own year still contradicts a lead dated by another one
    other = candidate("Orbix made a net profit of 61 million dollars in 2023.", published="2024-01-20")
    assert contradictions(q, other) == (("2025", "2023"),)
