"""A time taken answers "how quickly" and "how far ... by plane", never a vehicle's speed or an age."""

from __future__ import annotations

import pytest

from rag.extractive import analyse, answer_types
from rag.timetaken import duration_answers


@pytest.mark.parametrize(
    ("question", "kind", "expected"),
    [
        ("how fast was the blaze put out", "speed", True),
        ("how quickly were the passengers taken off the ferry", "speed", True),
        ("how fast does the new tram go", "speed", False),
        ("how fast was the lorry going?", "speed", False),
        ("how far is the island from the coast by ferry", "distance", True),
        ("how far a drive is it to the new hospital", "distance", True),
        ("how far is the quarry from the school", "distance", False),
        ("how far was the coach going when it crashed", "distance", False),
        ("how old was the mill", "age", False),
    ],
)
def test_duration_answers(question: str, kind: str, expected: bool) -> None:
    assert duration_answers(question, kind) is expected


def test_a_time_taken_is_the_speed_of_something_done() -> None:
    sentence = "Crews had the blaze at the timber yard under control within about 40 minutes."
    assert answer_types(analyse("how fast was the blaze put out"), sentence) == {"speed"}
    # a vehicle's speed is not the time something took
    assert (
        answer_types(analyse("how fast does the new tram go"), "The tram takes 25 minutes to the port.")
        == set()
    )


def test_a_journey_time_is_how_far_by_ferry() -> None:
    sentence = "The crossing from Harbury to the island takes about an hour and a half."
    assert answer_types(analyse("how far is the island from harbury by ferry"), sentence) == {"distance"}
    assert answer_types(analyse("how far is the island from harbury"), sentence) == set()
