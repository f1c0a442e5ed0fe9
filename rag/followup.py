"""Turn a follow-up question into a standalone retrieval query.

Without an LLM the rewrite is deterministic: when the question leans on the
conversation (a pronoun such as "it" or "him", or too few content words of its
own), the names and content words of the previous user turn, and the names in
the previous answer, are appended to it. "Who showed it to him?" after "What
did Kim inspect in Vladivostok?" becomes a query that also says Kim, inspect,
Vladivostok. With an LLM, `CONDENSE_PROMPT` asks it for the standalone question
(`rag.llm`). It does not retrieve.

An elliptical follow-up, a noun phrase after "and" or "what/how about" ("and the
one in 2023?", "and the x8?"), asks the previous question again about something
else. When all it names is a year, a model code, a month or a weekday, the
previous question is asked again with it in place of its own ("how long did the
2025 heatwave last", "and the one in 2023?": "how long did the 2023 heatwave
last"); otherwise it borrows that question's frame, its wh-phrase up to the
auxiliary ("and the women's race?" after "who won the men's race": "who won the
women's race"), so the reader knows what kind of answer is wanted. A context
word of the same kind as a word of the follow-up (a year for a year, a model code
for a code, a month for a month) is what the follow-up replaces, and is not
carried; nor are number words from the previous answer ("Six days."), nor, after
an elliptical follow-up, its names: they answered the other subject ("Kiprono" won
the men's race, not "the women's race that year").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag.sentences import MONTHS, NUMBER_VALUES, SCALE_WORDS, STOPWORDS, WEEKDAYS, strip_markers, words

ANAPHORS = frozenset(
    "it its he him his she her they them their this that these those there then such one".split()
)
MIN_OWN_CONTENT_WORDS = 3
MAX_ADDED_WORDS = 12
NAME = re.compile(r"\b[A-Z][a-zA-Z’'-]+(?:\s+[A-Z][a-zA-Z’'-]+)*")
# "and ...", "what about ...", "how about ...": a follow-up that may only name a new subject.
ELLIPSIS_OPENER = re.compile(
    r"^\s*(?:(?:and|so|ok|okay)\s+)?(?:what|how)\s+about\s+|^\s*(?:and|also)\s+", re.I
)
WH = frozenset("what which who whom whose when where why how".split())
AUXILIARIES = frozenset("is are was were did does do will would can could has have had should".split())
SUBJECT_PRONOUNS = frozenset("i you he she it we they".split())
FRAME_MAX_WORDS = 5  # a frame's auxiliary at most this many words after its wh-word ("how many seats did")
# Words that are no names although capitalised: an answer that opens with its fact ("Six days.").
NUMBER_WORDS = (
    frozenset(NUMBER_VALUES) | frozenset(SCALE_WORDS) | frozenset("first second third yes no".split())
)

CONDENSE_PROMPT = (
    "Given the conversation below and a follow-up question, rewrite the follow-up as one "
    "standalone question that can be understood without the conversation. Keep names and "
    "specifics. Reply with the question only.\n\nConversation:\n{history}\n\nFollow-up: {question}\n"
    "Standalone question:"
)


def turns(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    """(role, content) pairs from dicts or objects, ignoring anything malformed."""
    out: list[tuple[str, str]] = []
    for turn in history or []:
        role = turn.get("role") if isinstance(turn, dict) else getattr(turn, "role", None)
        content = turn.get("content") if isinstance(turn, dict) else getattr(turn, "content", None)
        if role in ("user", "assistant") and isinstance(content, str) and content.strip():
            out.append((role, content))
    return out


def needs_context(question: str) -> bool:
    tokens = words(question)
    own = [w for w in tokens if w not in STOPWORDS and w not in ANAPHORS]
    return any(w in ANAPHORS for w in tokens) or len(own) < MIN_OWN_CONTENT_WORDS


def shape(word: str) -> str:
    """The kind of a word a follow-up may swap for another of its kind: "year", "number", "code"
    ("x8"), "quantity" ("512gb"), "month", "weekday", or ""."""
    if re.fullmatch(r"(1[89]|20)\d\d", word):
        return "year"
    if word.isdigit():
        return "number"
    if re.fullmatch(r"[a-z]+\d+[a-z]*", word):
        return "code"
    if re.fullmatch(r"\d+[a-z]+", word):
        return "quantity"  # "512gb" is no model code: "the 512gb x8"
    return "month" if word in MONTHS else "weekday" if word in WEEKDAYS else ""


def elliptical(question: str) -> str:
    """The noun phrase an elliptical follow-up asks about ("and the one in 2023?": "the one in
    2023"), or "" when the question says what it asks itself (a wh-word, an auxiliary, a subject
    pronoun opening it)."""
    opener = ELLIPSIS_OPENER.match(question)
    if opener is None:
        return ""
    rest = question[opener.end() :].strip().rstrip("?.! ").strip()
    tokens = words(rest)
    if not tokens or WH & set(tokens) or tokens[0] in AUXILIARIES or tokens[0] in SUBJECT_PRONOUNS:
        return ""
    return rest


def frame(question: str) -> str:
    """The wh-phrase of `question` up to its auxiliary ("how long did", "how many seats did",
    "what is"), or its wh-word and the verb after it ("who won"); "" without a wh-word."""
    tokens = re.sub(r"\b(what|who|where|when|which|how)['’]s\b", r"\1 is", question.lower()).split()
    bare = [t.strip(",.?!;:") for t in tokens]
    start = next((i for i, t in enumerate(bare[:3]) if t in WH), -1)
    if start < 0:
        return ""
    for i in range(start + 1, min(len(bare), start + 1 + FRAME_MAX_WORDS)):
        if bare[i] in AUXILIARIES:
            return " ".join(bare[start : i + 1])
    return " ".join(bare[start : start + 2]) if len(bare) > start + 2 else ""


def swap(previous: str, subject: str) -> str:
    """The previous question asked again with the follow-up's year, code, month or weekday in place
    of its own ("how long did the 2025 heatwave last" and "the one in 2023": "how long did the
    2023 heatwave last"), when that is all the follow-up names; "" otherwise."""
    content = [w for w in words(subject) if w not in STOPWORDS and w not in ANAPHORS]
    if not content or any(not shape(w) for w in content):
        return ""
    out = previous
    for word in content:
        match = next(
            (m for m in re.finditer(r"[\w-]+", out) if shape(m.group(0).lower()) == shape(word)), None
        )
        if match is None:
            return ""
        out = out[: match.start()] + word + out[match.end() :]
    return out


def rewrite(question: str, history: Sequence[Any] | None) -> str:
    """The question plus the context words it leans on, or the question unchanged."""
    past = turns(history)
    if not past or not needs_context(question):
        return question
    last_user = next((c for r, c in reversed(past) if r == "user"), "")
    last_answer = next((c for r, c in reversed(past) if r == "assistant"), "")
    subject = elliptical(question)
    swapped = swap(last_user, subject) if subject else ""
    if swapped:
        return swapped
    borrowed = frame(last_user) if subject else ""
    asked = f"{borrowed} {subject}?" if borrowed else question
    own = set(words(asked))
    replaced = {shape(w) for w in own} - {""}  # "2023" asked: the previous question's "2025" is not
    added: list[str] = []
    # an elliptical follow-up asks the same of another subject: the previous answer answered the old one
    answer_names = "" if subject else strip_markers(last_answer)
    for word in [w for w in words(last_user) if re.sub(r"'s$", "", w) not in STOPWORDS | WH] + [
        w for name in NAME.findall(answer_names) for w in words(name) if w not in NUMBER_WORDS
    ]:
        if (
            word not in own
            and word not in added
            and word not in STOPWORDS
            and word not in ANAPHORS
            and shape(word) not in replaced
        ):
            added.append(word)
    if not added:
        return asked
    return f"{asked} ({' '.join(added[:MAX_ADDED_WORDS])})"
