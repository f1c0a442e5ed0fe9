"""A standing answers "where": "where did they finish", "where is it in the ranking".

People ask a team's or a university's position in an order as "where": "where did they finish in
2024-25" ("21st of 24, with 41 points"), "where is the university in the global ranking" ("rose
to 88th place"). The reader's "where" answer type wants a place name, so it refused the sentence
that states the position, or answered with one that names a place ("the Wharfside riverbank").

`asks_standing` reads the question's wording: "where" with a word of standing after it ("finish",
"rank", "ranking", "table", "league", "standings", "position", "place"). `states_standing` finds an
ordinal position in a sentence: "88th place", "21st of 24", "finished third", "up from 104th",
never an ordinal of something else ("June 3rd", "14th-century", "the 79th minute", "his 19th
title").

It deliberately decides nothing else: a place name still answers the question too ("where will the
marathon finish": the finish line is a place), and it does not judge whose standing the sentence
gives (the focus checks do).
"""

from __future__ import annotations

import re

# words of standing after "where" ("placed", never "place": "where will it take place")
STANDING_WORDS = r"finish(?:ed|es)?|rank(?:ed|s|ing|ings)?|table|league|standings?|position|placed"
ASKS = re.compile(rf"\bwhere\b(?=.*\b(?:{STANDING_WORDS})\b)")
ORDINAL = (
    r"(?:\d{1,3}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|bottom)"
)
# an ordinal is a standing when a standing follows it ("88th place", "21st of 24") or a verb of
# standing comes just before it ("finished 21st", "rose to 88th", "up from 104th")
AFTER = (
    r"[\s-]+(?:place|position|spot|of \d+|out of \d+|in the (?:table|league|ranking|rankings|standings))\b"
)
BEFORE = (
    r"\b(?:finish(?:ed|es)?|ranked|rank|placed|came"
    r"|rose to|fell to|climbed to|dropped to|slipped to|up from|down from)"
)
STANDING = re.compile(rf"\b{ORDINAL}\b(?={AFTER})|{BEFORE}\s+(?:\w+\s+)?{ORDINAL}\b", re.I)


def asks_standing(question: str) -> bool:
    """Whether `question` asks a position in an order with "where"."""
    return bool(ASKS.search(question.lower().replace("’", "'")))


def states_standing(text: str) -> bool:
    """Whether `text` states an ordinal position ("88th", "third place"), no date or century."""
    return bool(STANDING.search(text))
