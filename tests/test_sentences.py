"""Sentence splitting, citation markers and the follow-up rewrite: pure logic."""

from __future__ import annotations

import pytest

from rag.draft import attach_markers
from rag.followup import needs_context, rewrite
from rag.retrieve import rrf
from rag.sentences import content_terms, split_sentences, strip_markers


def test_split_sentences_keeps_offsets_and_abbreviations() -> None:
    text = 'The U.S. envoy spoke. "It is over," Mr. Kim said! Was it?\nA heading\n\nLast one.'
    spans = split_sentences(text, offset=100)
    assert [s.text for s in spans] == [
        "The U.S. envoy spoke.",
        '"It is over," Mr. Kim said!',
        "Was it?",
        "A heading",
        "Last one.",
    ]
    for s in spans:
        assert text[s.start - 100 : s.end - 100] == s.text


def test_markers_after_the_full_stop_belong_to_the_sentence_before() -> None:
    parsed = attach_markers("Kim got drones [1]. He got a vest. [2][3] Nothing else. [9]")
    assert parsed == [("Kim got drones.", [1]), ("He got a vest.", [2, 3]), ("Nothing else.", [9])]
    assert strip_markers("A [1] b [22].") == "A b."


def test_content_terms_stem_and_drop_stopwords() -> None:
    assert content_terms("What gifts did Kim's hosts give him?") == ["gift", "kim", "host", "give"]


def test_rrf_rewards_agreement() -> None:
    fused = rrf([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert max(fused, key=lambda key: fused[key]) == "b"
    assert fused["d"] < fused["a"] < fused["b"]
    assert abs(fused["a"] - 1 / 61) < 1e-12


def test_followup_rewrite_brings_in_earlier_entities() -> None:
    history = [
        {"role": "user", "content": "What did Kim inspect in Vladivostok?"},
        {"role": "assistant", "content": "He inspected a hypersonic missile system [1]."},
    ]
    query = rewrite("Who showed it to him?", history)
    assert query.startswith("Who showed it to him?")
    for word in ("kim", "inspect", "vladivostok"):
        assert word in query.lower()
    # a self-contained question is left alone, and so is one with no history
    assert rewrite("What gifts did Kim receive from the governor?", history) == (
        "What gifts did Kim receive from the governor?"
    )
    assert rewrite("Who showed it to him?", []) == "Who showed it to him?"
    assert needs_context("And then?") and not needs_context("Where is the Vostochny spaceport located?")


def test_followup_ignores_malformed_history() -> None:
    history = [{"role": "system", "content": "x"}, {"role": "user"}, "junk", {"role": "user", "content": 5}]
    assert rewrite("Who showed it to him?", history) == "Who showed it to him?"


def test_run_in_subheading_becomes_its_own_span_and_is_not_prose() -> None:
    from rag.sentences import is_prose

    text = (
        "Officials agreed to meet in November, according to Kozlov. Friendship, solidarity and cooperation "
        "Kim spent six days in Russia, where he met Putin. The trip raises concerns The United States and "
        "its allies are concerned about the visit."
    )
    spans = [s.text for s in split_sentences(text)]
    assert spans == [
        "Officials agreed to meet in November, according to Kozlov.",
        "Friendship, solidarity and cooperation",
        "Kim spent six days in Russia, where he met Putin.",
        "The trip raises concerns",
        "The United States and its allies are concerned about the visit.",
    ]
    assert [is_prose(s) for s in spans] == [True, False, True, False, True]


@pytest.mark.parametrize(
    "sentence",
    [
        "Russian leader Vladimir Putin met Kim on Wednesday at the spaceport.",
        "Satellite images show Kim boarding a warship in the port city.",
        "Officials in Moscow said the talks went well and would continue.",
        "Defence minister Sergei Shoigu showed Kim the bombers at the airfield.",
        "Director and actor Rob Reiner tweeted that he was sad about the news.",
        "Last week, rideshare company Lyft said it was cutting 13% of its staff.",
        # noun phrases joined by "and" before a name or a verb
        "Farmer and council member Ruth Vale said the harvest was late this year.",
        "Singer and songwriter Ana Moro releases her fifth album on Friday.",
        "Temperatures in northern and central Norland could reach 38 degrees this week.",
        "Veterans and students with valid ID get free entry to the museum on Sunday.",
    ],
)
def test_ordinary_sentences_are_not_cut_as_run_in_headings(sentence: str) -> None:
    assert [s.text for s in split_sentences(sentence)] == [sentence]


@pytest.mark.parametrize(
    "line",
    [
        "Photo: A fallen tree blocks a road in Kuressaar after the storm. (Reuters/Ants Org)",
        "FILE PHOTO: The headquarters of the National Bank in Valmora. REUTERS/Luca Marini",
        "Read more: How the grid coped with the January storm",
        "Turnout and the smaller parties",
        "(Reporting by Clara Duval; editing by Mark Oren)",
    ],
)
def test_captions_teasers_headings_and_credits_are_not_prose(line: str) -> None:
    from rag.sentences import is_prose

    assert not is_prose(line)


def test_seed_run_in_headings_are_cut_off_their_sentences() -> None:
    """Seed 004 prints its subheadings run into the next sentence, on one line with the paragraph."""
    from rag.clean import clean
    from rag.sentences import is_prose
    from tests.conftest import SEEDS

    text = clean((SEEDS / "004_233b49a59d445921.txt").read_text(encoding="utf-8")).text
    spans = [s.text for s in split_sentences(text)]
    for heading in ("Drones and bulletproof vest as gift", "Friendship, solidarity and cooperation"):
        assert heading in spans and not is_prose(heading)
        assert not any(s.startswith(heading) and s != heading for s in spans)


def test_a_short_sentence_is_quotable_when_it_states_a_number() -> None:
    from rag.sentences import quotable

    # answers as news writes them, shorter than the usual minimum
    for sentence in (
        "By eleven publishers.",
        "Nine years.",
        "She was 93.",
        "Tickets are $5.",
        "August 12, 2025.",
    ):
        assert quotable(sentence), sentence
    # fragments the splitter leaves, labels, captions, credits, headings and short sentences without a number
    for sentence in (
        "4, 1977.",
        "At 10 a.m.",
        "Rated: PG-13.",
        '"Game 7.',
        "Photo: Reuters.",
        "By John Smith.",
        "He agreed.",
        "Five drones",
        "Reporting by Anna Lee; editing by Tom Hay.",
    ):
        assert not quotable(sentence), sentence
    assert quotable("Kim spent six days in Russia.") and not quotable("Kim left.")
