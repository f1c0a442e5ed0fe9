"""A position in an order answers "where did they finish": "21st of 24", "rose to 88th place"."""

from __future__ import annotations

import pytest

from rag.extractive import analyse, answer_types
from rag.standing import asks_standing, states_standing


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("where did the rovers finish last season", True),
        ("where is the college in the national ranking", True),
        ("where did the mayor go on holiday", False),
        ("where was the new stadium built", False),
    ],
)
def test_asks_standing(question: str, expected: bool) -> None:
    assert asks_standing(question) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Rovers finished 17th of 20, two points above the drop.", True),
        ("The college climbed to 41st place in the national ranking.", True),
        ("They came fourth, up from ninth a year earlier.", True),
        ("The mill opened on May 3rd after a long delay.", False),
        ("The 12th-century chapel was damaged.", False),
        ("Ward scored in the 88th minute.", False),
        ("It was his 19th title with the club.", False),
    ],
)
def test_states_standing(text: str, expected: bool) -> None:
    assert states_standing(text) is expected


def test_a_standing_is_the_place_a_where_question_asks() -> None:
    sentence = "The college climbed to 41st place in the national ranking published on Monday."
    assert answer_types(analyse("where is the college in the national ranking"), sentence) == {"place"}
    # a "where" that asks a location is not answered by a rank
    assert answer_types(analyse("where was the college founded"), "It rose to 41st place.") == set()
