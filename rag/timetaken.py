"""When a time taken answers a speed or distance question: "how quickly", "how far ... by plane".

News states how fast something was done as the time it took ("The extinguishers put the fire out
within about 20 seconds." answers "how fast was the fire put out") and how far a place is by the
journey's length ("flew for about an hour" answers "how far is that from Pyongyang by plane"). The
reader's answer-type check wants a speed unit ("km/h") or a distance unit ("km") and refused both.

`duration_answers` says, from the question's wording alone, whether a duration answers it:
  - a speed question about something done: "how quickly" (always the time taken), or "how fast"
    with a finished auxiliary after it ("was", "were", "had") and no "-ing" progressive at the end
    ("how fast was the car going" asks a speed; so does "how fast does the z5 go", no auxiliary);
  - a distance question about a journey: "how far" with a travel mode ("by plane", "by car", a
    "drive", a "flight"), the way people say a journey's length in time.

It deliberately decides nothing else: it does not find the duration in a sentence (the reader's
`DURATION_RE` does), does not read whether the duration is of the thing asked about (the focus
checks still run), and never lets a duration answer an age, a weight or a count.
"""

from __future__ import annotations

import re

# "how quickly ...": the time something took
QUICKLY = re.compile(r"\bhow (?:quickly|soon)\b")
# "how fast was the fire put out": a speed of something done, not of a vehicle's motion
FAST_DONE = re.compile(r"\bhow fast\b(?=.*\b(?:was|were|had)\b)")
PROGRESSIVE_END = re.compile(r"\b\w{2,}ing\W*$")  # "... going?", "... travelling"
TRAVEL_MODES = r"plane|air|car|road|train|rail|bus|coach|boat|ferry|sea|foot|bike"  # "by plane"
JOURNEYS = r"drive|flight|walk|ride|journey"  # "how far a drive is it"
FAR_JOURNEY = re.compile(rf"\bhow far\b(?=.*\b(?:by (?:{TRAVEL_MODES})|{JOURNEYS})\b)")


def duration_answers(question: str, kind: str) -> bool:
    """Whether a time taken answers answer type `kind` ("speed" or "distance") of `question`."""
    text = question.lower().replace("’", "'")
    if kind == "speed":
        return bool(QUICKLY.search(text)) or (
            bool(FAST_DONE.search(text)) and not PROGRESSIVE_END.search(text)
        )
    if kind == "distance":
        return bool(FAR_JOURNEY.search(text))
    return False
