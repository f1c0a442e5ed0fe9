"""Why and how: which sentences state a cause, reason, purpose or means.

A "why" question asks for a cause or a reason, a "how did X ..." question for a means; the
sentence that best matches the question's words usually states the event ("Valcor plans to cut
260 jobs ..." for "why is valcor moving the cracker lines") while the answer is another sentence
of the same article ("The lines are more than 30 years old and too slow, the company said.").
News states causes and means with a small closed set of grammatical marks, listed below like
`rag.sentences`' word classes:
- causal connectives and constructions: "because", "as", "since", "after", "due to", "over",
  "amid", "caused by", "blamed ... on", "led to", "the reason", "said ... was too ...";
- purpose: "so that", "in order to", ", to" + verb;
- means: "by" + -ing, "through", "using", "via", "after a tip-off", "traced ... through";
- a run-in heading that restates the question ("Why it took so long.") announces the paragraph
  under it: the paragraph answers, the heading does not.

`asked` reads which of the two a question asks (not "how many/much/long", not "how did X do/react":
those ask a number or an outcome); `strength` grades a sentence's marks of it (a weak mark, "after",
"as", "since", "over", often only dates or compares); `heading_asks` says whether a sentence is a
heading restating such a question; `explanation` chooses, among the best-ranked sentences of the
lead's article, the one to quote when no quoted sentence explains plainly. The reader quotes it in a
place of its own, right after the lead's block: the sentence stating the event stays (the user needs
both), and nothing is quoted beyond the usual count unless it explains.

It deliberately knows no topic words, changes no score, and never chooses a sentence of another
article (a look-alike article's cause is no answer); whether an explaining sentence is quoted,
and where, is the reader's choice (`rag.extractive`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.extractive import Candidate

WHY = "why"
HOW = "how"

# "why ...", "what caused / led to ...", "what's the reason ...", "how come ...", "for what reason"
WHY_ASKED = re.compile(
    r"\b(why|how come|what (?:caused|causes|led to|leads to|made|makes|prompted|drove)|"
    r"(?:what(?:'s| is| was| were|’s)?|the) reasons?\b|for what reason)\b",
    re.I,
)
# "how did/do/was/were/will/can ... ": a means, unless it asks a degree ("how many/much/long ...")
HOW_ASKED = re.compile(
    r"\bhow\s+(?!(?:many|much|long|old|far|big|high|fast|often|tall|large|deep|soon|late|early|bad|"
    r"good|well|close|serious|severe|strong|heavy|small|low|come)\b)"
    r"(?:did|do|does|was|were|is|are|will|would|can|could|has|have|had|should)\b",
    re.I,
)
# "how did X do / vote / react": the outcome, not a means (the last verb of the question)
OUTCOME_VERBS = frozenset("do go went fare fared react reacted respond responded vote voted "
                          "feel felt turn end look perform performed".split())  # fmt: skip

CAUSE = re.compile(
    r"\b(because|cause[sd]? by|caused|due to|owing to|thanks to|as a result|result(?:ed|s)? (?:of|in|from)|"
    r"led to|leading to|blamed?\b|blaming|reasons?\b|(?:main |the )?cause\b|"
    r"amid|following|after|since|as|over|so that|in order to|so as to|for fear|"
    r"which meant|meaning that|means that|therefore|hence|forced|prompt(?:ed|ing)|"
    r"(?:was|were|is|are|had been|been|being) (?:too|no longer|not (?:big|large|safe|enough))\b)\b",
    re.I,
)
MEANS = re.compile(
    r"\b(by (?:\w+ing|using)|through|using|via|with the help of|tip-?off|traced|thanks to|"
    r"after (?:a|an) \w+|helped|identified|spotted|found (?:by|through|after))\b",
    re.I,
)
PURPOSE = re.compile(r"\b(?:in order|so as|so that|aimed at|in a bid|intended)\s+(?:to\s+)?[a-z]+", re.I)
# words that begin a causal clause yet more often mark time or comparison: weaker evidence
WEAK = frozenset("as since after over following amid".split())
POOL = 30  # best-ranked candidates searched for a sentence of the lead's article that explains
STRONG_FLOOR = 0.25  # a sentence with a strong mark is quoted when it scores this share of the lead
WEAK_FLOOR = 0.6  # ... one with only a weak mark ("after", "as"), this share
HEADING_MAX_WORDS = 8  # a heading restating a question is short ...
HEADING_WORD = re.compile(r"^\s*(why|how)\b", re.I)  # ... and opens with the question's word


def asked(question: str) -> str:
    """`WHY`, `HOW` (a means) or "" for a question that asks neither.

    >>> asked("why is valcor moving the cracker lines"), asked("how were the thieves caught")
    ('why', 'how')
    >>> asked("how many seats"), asked("how did the shares react")
    ('', '')
    """
    if WHY_ASKED.search(question):
        return WHY
    match = HOW_ASKED.search(question)
    if not match:
        return ""
    words = re.findall(r"[a-z’'-]+", question[match.end() :].lower())
    verbs = [w for w in words if w in OUTCOME_VERBS]
    return "" if verbs else HOW


def marks(text: str, kind: str) -> list[str]:
    """The cause or purpose marks (`kind` why) or means marks (`kind` how) of `text`, lowercase."""
    if kind == HOW:
        return [m.group(1).lower() for m in MEANS.finditer(text)]
    found = [m.group(1).lower() for m in CAUSE.finditer(text)]
    return found + [m.group(0).lower() for m in PURPOSE.finditer(text)]


def strength(text: str, kind: str) -> float:
    """How plainly `text` explains: 1.0 for a strong mark ("because", "due to", "traced ...
    through"), 0.5 for a mark that often only dates or compares ("after", "as", "since", "over"),
    else 0."""
    found = marks(text, kind)
    if not found:
        return 0.0
    return 1.0 if any(m.split()[0] not in WEAK for m in found) else 0.5


def heading_asks(text: str, kind: str) -> bool:
    """A short run-in heading that restates a question of `kind`: "Why it took so long."."""
    match = HEADING_WORD.match(text)
    return (
        bool(kind)
        and match is not None
        and match.group(1).lower() == kind
        and len(text.split()) <= HEADING_MAX_WORDS
    )


def explanation(
    kind: str,
    lead: Candidate,
    chosen: Sequence[Candidate],
    ranked: Sequence[Candidate],
    after: Callable[[Candidate], list[Candidate]],
) -> Candidate | None:
    """The sentence of the lead's article to quote as the explanation, or None.

    None when a chosen sentence of the lead's article already explains plainly (another article's
    cause may be a look-alike's). Otherwise, among the `POOL` best-ranked
    sentences of the lead's article: the sentence right after a heading that restates the question
    (`after`: the sentences that follow one in its article), else the best-scoring one with a
    strong mark scoring `STRONG_FLOOR` of the lead, else one with a weak mark scoring `WEAK_FLOOR`.
    """
    own = [c for c in ranked[:POOL] if c.passage.doc_id == lead.passage.doc_id]
    if any(strength(c.span.text, kind) >= 1.0 for c in chosen if c.passage.doc_id == lead.passage.doc_id):
        return None
    announced = [n for c in own if heading_asks(c.span.text, kind) for n in after(c)]
    options: list[tuple[float, float, Candidate]] = [(2.0, c.score, c) for c in announced]
    for cand in own:
        grade = strength(cand.span.text, kind)
        floor = STRONG_FLOOR if grade >= 1.0 else WEAK_FLOOR
        if grade and cand.score >= floor * lead.score:
            options.append((grade, cand.score, cand))
    options = [o for o in options if o[2] not in chosen and not heading_asks(o[2].span.text, kind)]
    return max(options, key=lambda o: o[:2])[2] if options else None
