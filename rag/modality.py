"""Later events: a question asks whether something happened; the articles only announce it.

"did the december rail strike go ahead" is not answered by "the union would call
a longer strike in December if ...": the article states the event as not yet
realised (a plan, an intention, an expectation, a request, a decision still to
come). This module reads both sides with regular expressions over a closed
grammatical class, modals and future constructions (`UNREALISED`), never topic
words:

- `asked_event` reads whether the question asks for a realised event or outcome
  ("did X <verb>", "has X <verb>ed (yet)", "was X <verb>ed", "was there a
  ...", "who won", "is X <verb>ing" (an event going on now: "is the plant
  running"), with "in the end", "end up", "actually" read as frame) or
  for a future one ("will X ..."), and its event: the predicate (the verb; an
  aspect verb before "-ing", "up" or "to" skipped: "start charging" is
  "charging") and the question's words from its subject on. A question that
  itself asks about the plan or about speech ("did Novak say she would publish
  ...", "what did the union threaten", "who talked about aid") asks for no
  event; nor does a "when/how long/what did" question here (its answer type is
  read by `rag.extractive`: "when did it go on sale" is answered by "it would go
  on sale on September 22").
- `asked_wh_event` reads a "what/who did X <verb>" question as "did X <verb>":
  it presumes the event happened ("what did the minister answer when Aasen
  asked ..." against "Aasen said he would ask the minister ... next week").
  `rag.extractive` refuses by it under its own policy flag, `refuse_unrealised_wh`.
- `read_sentence` reads one sentence: where it states the predicate (by its
  stem, or by a near synonym the caller found with word vectors,
  `alike_words`), is every mention governed by a modal or future construction
  ("would call", "is expected to take", "is scheduled for May 3", "has asked
  Nordcargo to pay", "will decide whether to keep", "his next goal was", "needs
  the approval")? Where it does not state the predicate, the question's other words decide: some
  governed, the rest only before the construction (its subject). A governing
  construction precedes the word by at most `SCOPE_WORDS` words within one
  clause (a comma, semicolon, "but" or "while" closes it). The predicate is also
  governed as the subject of a copula or modal plan just after it ("another
  strike is planned for April 10", "the first pictures should arrive"), and a
  question word as the one a request asks to act ("has asked the national
  audit office to review", "asked the intelligence services for a report"). A negation in the
  clause ("no agreement has or will be signed", "has not yet paid") states the
  outcome, "No.": it is no plan.
- `unrealised` reads the lead's block, and when that does not state the event
  the other sentences the answer quotes (`rag.extractive` passes the filled ones
  only where they state the predicate: "If convicted, he faces ..."): the clause stating the event only as
  planned, in the article's words (for the refusal reason), or "" when a
  sentence of the block states it realised or a quoted one negates it.

- `left_open` reads a "when did/will X <verb>" or "will X <verb>" question (`asked_open_event`)
  against the sentences the answer quotes: where every mention of the predicate is left open, by
  "whether"/"if"/"unless" or as a request to another party to act ("would ask regulators ... to
  approve velotide in early 2027", "will then have to decide whether to pay for it"), the date or
  plan the sentence gives is not the event's. A plain plan ("it would go on sale on September 22")
  still answers "when did it go on sale"; `rag.extractive` refuses by it under `refuse_unrealised`.

It deliberately does not parse syntax or tense beyond these patterns, decide
whether a plan was later carried out (no article says so: that is the point),
read future questions against the articles (the plan answers them), or refuse
by itself: `rag.extractive` reads yes/no and "who won" questions with it,
guards its "Yes."/"No." verdict with it, and refuses when the policy flag
`refuse_unrealised` is on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.sentences import (
    CLAUSE_PUNCT,
    COPULAS,
    DO_AUXILIARIES,
    IRREGULAR_VERBS,
    NEGATION,
    PRONOUNS,
    STOPWORDS,
    WH_WORDS,
    word_term,
    words,
)
from rag.wordvec import content_vocab, near_words

REALISED = "realised"  # the question asks whether / what / when something happened
FUTURE = "future"  # ... when or whether something will happen

# Frame of a question asking for an outcome: no event word ("in the end", "did they actually ...").
OUTCOME_CUES = re.compile(
    r"\b(in the end|at the end of the day|end(?:ed)? up|actually|finally|eventually|ever|really|"
    r"after (?:that|this|all)|so far|by now|yet|still)\b"
)
# A question that asks about the plan itself, or about what someone said, asks for no event.
ASKS_PLAN = re.compile(
    r"\b(say|said|says|tell|told|announce[ds]?|announced|claim(?:ed|s)?|would|going to|supposed to|"
    r"due to|expected|expect|plan(?:s|ned)?|promise[ds]?|pledged?|threaten(?:ed|s)?|intend(?:ed|s)?|"
    r"aim(?:ed|s)?|hope[ds]?|want(?:ed|s)?|propose[ds]?|goal|warn(?:ed|s)?|predict(?:ed|s)?|"
    r"talk(?:ed|s)?|sp[eo]ak[se]?|spoken|discuss(?:ed|es)?|mention(?:ed|s)?|comment(?:ed|s)?|react(?:ed|s)?|"
    r"respond(?:ed|s)?|think|thought|believe[ds]?)\b"
)
PAST_AUX = frozenset("did has have had was were hasn't haven't didn't wasn't weren't".split())
FUTURE_AUX = frozenset("will won't".split())
PRESENT_AUX = frozenset("is are isn't aren't".split())  # + a verb in "-ing": "is the plant running"
PROGRESSIVE = re.compile(r"[a-z]{2,}[^aeiou\W]ing")  # "running", "moving" (not "thing", "king")
WH_OBJECT = frozenset("what who whom".split())  # "what did X <verb>": the object or agent of an event
WH_AUX = frozenset("did has have".split())
MAX_AUX_POSITION = 2  # "so did they ...", "and has it ...": the auxiliary opens the question
# Aspect verbs: the event is the verb after them ("start charging", "end up paying", "manage to hire").
ASPECT_VERBS = frozenset(
    "start started begin began end stop manage managed try tried keep go went".split()
)  # + "-ing"/"up"/"to"
ASPECT_PARTICLES = frozenset("up to on".split())
PARTICIPLE = re.compile(r"[a-z]{3,}(ed|en)$")
# Irregular past forms `rag.sentences.IRREGULAR_VERBS` does not list (a closed class of English verbs).
IRREGULAR_PAST = frozenset(
    "won found caught beat bound broke bred dealt dug fed fled forbade forgave froze hid hung laid lit "
    "proved shot shook slid spun stuck swept swung tore upheld withheld woke wound".split()
)
# Words that end the subject-verb of "did the council cut THE ...": determiners and prepositions.
BOUNDARY_WORDS = frozenset(
    "the a an his her their its this that these those in on at to for with after before by from as".split()
)

# The closed class of modal and future constructions that state an event as not (yet) realised (a
# request with "to" or "for": "asked the intelligence services for a full report").
UNREALISED = re.compile(
    r"\b(?:will|would|could|may|might|shall|should|must|\w+'ll|\w+'d|"
    r"(?:is|are|was|were|be|been)\s+(?:not\s+)?(?:due|expected|set|scheduled|likely|unlikely|"
    r"going|about|planned|supposed|hoped|meant|yet)?\s*to|"
    r"(?:is|are|was|were|be|been)\s+(?:not\s+)?(?:due|expected|scheduled|planned)\s+(?:for|in|on|by)|"
    r"(?:scheduled|planned|slated)\s+for|"
    r"(?:plan|plans|planned|planning|aim|aims|aimed|aiming|intend|intends|intended|intending|hope|hopes|"
    r"hoped|hoping|want|wants|wanted|wanting|promise|promises|promised|pledge|pledged|pledges|threaten|"
    r"threatens|threatened|vow|vows|vowed|seek|seeks|sought|propose|proposes|proposed|offer|offered|"
    r"offers)\s+to|"
    r"(?:ask|asks|asked|asking|urge|urges|urged|call(?:s|ed)?\s+on|invite[ds]?)\s+(?:[\w'’-]+\s+){1,4}?(?:to|for)|"
    r"(?:decide|decides|decided|deciding|consider|considers|considering|determine|determines)\s+"
    r"(?:whether|if)|whether|if|unless|"
    r"(?:next|new)\s+(?:goal|target|step|aim)|"
    r"(?:need|needs|needed|require|requires|required|await|awaits|awaiting|pending|subject\s+to)|"
    r"(?:faces|facing)|"
    r"no\s+(?:decision|date))\b",
    re.I,
)
# A request names who is to act inside its construction ("asked THE NATIONAL AUDIT OFFICE to review"):
# that agent's event is requested, not yet realised.
ASKED = re.compile(r"(?:ask|asks|asked|asking|urge|urges|urged|call(?:s|ed)?\s+on|invite[ds]?)\b", re.I)
SCOPE_WORDS = 10  # a construction governs the words at most this many words after it
# A construction whose subject it states: "another strike IS PLANNED FOR April 10", "the first pictures
# SHOULD arrive", "whose results ARE EXPECTED IN 2027": the event word just before a copula or modal
# plan (at most `SUBJECT_GAP` words before it, one clause) is the thing planned, not yet realised.
# Only the event's own word (the predicate) is read so: "Halden will stop the third shift" plans no
# "losing jobs at Halden".
SUBJECT_OF = re.compile(
    r"(?:will|would|should|shall|could|may|might|must|\w+'ll|is|are|was|were|be|been)\b", re.I
)
SUBJECT_GAP = 1
# a comma between digits ("1,099") is inside a number, not between clauses
CLAUSE_END = re.compile(CLAUSE_PUNCT + r"|\s(?:but|while|whereas|although|though)\s", re.I)
REPORTING_START = re.compile(r"^.*\b(?:said|says|announced|added|told(?: \w+)?)\s+(?:that\s+)?", re.I)
RELATIVE_START = re.compile(r"\s*(?:\w+\s+)?(?:who|whom|whose|which|where|when)\b", re.I)
# "the government, which faces an election in September 2027" (the relative clause quoted whole)
RELATIVE_TAIL = re.compile(r"([^,]+),\s+(?:who|which)\s+([^,]+)", re.I)
RELATIVE_SUBJECT_WORDS = 4  # a noun phrase, not a clause ("he was due to appear before a judge, who ...")
SECOND_REPORTED = re.compile(r"\b(?:and|but)\s+that\s+", re.I)
LEADING_JOINER = re.compile(r"^(?:(?:and|or|but|so|that|then)\s+)+", re.I)
# Constructions that leave an event open rather than plan it: a question still to be settled
# ("will decide whether to pay", "royalties if it is approved") or a request to another party to act
# ("would ask regulators in Norvaland, Sarenna and ... to approve velotide"). An event stated only so
# answers neither "when did regulators approve it" nor "will the health service pay": the plan is not
# the event's (`left_open`).
OPEN = re.compile(r"\b(?:whether|if|unless)\b", re.I)
REQUEST = re.compile(
    r"\b(?:ask|asks|asked|asking|urge|urges|urged|urging|call(?:s|ed|ing)?\s+on|apply|applies|applied|"
    r"applying)\b",
    re.I,
)
REQUEST_SCOPE_WORDS = 12  # "ask regulators in A, B and the C to approve": a list of those asked
REQUEST_END = re.compile(r"[;:]|\s(?:but|while|whereas|although|though|and then)\s", re.I)
WHEN_LEAD = re.compile(r"^(?:(?:so|and|but|ok|okay)\s+)?when\s+", re.I)
MAX_PLAN_WORDS = 25  # words of the clause quoted in a refusal reason
MIN_PLAN_WORDS = 4  # a shorter clause ("if convicted") is quoted with the clause after it
# "Pike, 63, had been mayor ... and was due to stand ...": a clause cut off its subject by an aside
# between commas (an age, a title: this many words at most, or a relative clause) is quoted with them
ASIDE_WORDS = 4
AUXILIARIES = DO_AUXILIARIES | COPULAS | frozenset("has have had".split())


@dataclass(frozen=True)
class Event:
    """The event a question asks about."""

    mode: str  # REALISED or FUTURE
    predicate: str = ""  # the verb, lowercase ("publish"), or "" ("was there a public inquiry")
    words: tuple[str, ...] = ()  # content words from the subject on ("ostby", "win", "national", ...)


def _content(tokens: list[str]) -> tuple[str, ...]:
    return tuple(t for t in tokens if t not in STOPWORDS and t not in WH_WORDS and len(t) > 2)


def asked_event(question: str, predicate: str = "") -> Event | None:
    """The event `question` asks about, when it asks whether it happened ("did X ...", "has X ...ed",
    "was X ...ed", "who won ...") or whether it will ("will X ...").

    `predicate` is the verb the caller read (`rag.extractive`'s `Question.predicate`, from
    capitalised names); otherwise it is read here: the word before the first determiner or
    preposition that follows the subject ("did the council cut the ...": "cut").
    """
    lower = " ".join(question.lower().replace("’", "'").split())
    if ASKS_PLAN.search(lower):
        return None
    tokens = words(OUTCOME_CUES.sub(" ", lower))
    if not tokens:
        return None
    if len(tokens) > 1 and tokens[0] in ("who", "what") and _past(tokens[1]):
        return _event(REALISED, tokens, 1)  # "who won the by-election"
    aux = next((i for i, t in enumerate(tokens[: MAX_AUX_POSITION + 1]) if t in PAST_AUX | FUTURE_AUX), None)
    if aux is None and tokens[0] in PRESENT_AUX:  # "is the plant running": an event going on now
        at = next(
            (k for k, t in enumerate(tokens[1:7], 1) if PROGRESSIVE.fullmatch(t) and t not in STOPWORDS), 0
        )
        return _event(REALISED, tokens, at) if at > 1 else None
    if aux is None or WH_WORDS & set(tokens[:aux]):
        return None  # "when did ...", "how long did ...": the answer type is read elsewhere
    mode = FUTURE if tokens[aux] in FUTURE_AUX else REALISED
    rest = tokens[aux + 1 :]
    if tokens[aux] in ("did", "didn't", "will", "won't"):
        if rest and rest[0] in PRONOUNS:
            return _event(mode, tokens, aux + 2) if len(rest) > 1 else None
        content = 0
        for k, token in enumerate(rest):
            if token in BOUNDARY_WORDS and content >= 2:
                verb = next(j for j in range(k - 1, -1, -1) if rest[j] not in STOPWORDS)
                return _event(mode, tokens, aux + 1 + verb)
            content += token not in STOPWORDS
        if predicate and predicate in rest:
            return _event(mode, tokens, aux + 1 + rest.index(predicate))
        return Event(mode=mode, words=_content(rest))
    # "has the trust reopened the pool", "was dean rich found guilty": the participle
    for k, token in enumerate(rest[:6]):
        if _past(token):
            return _event(mode, tokens, aux + 1 + k)
    if rest and rest[0] == "there":  # "was there a public inquiry"
        return Event(mode=mode, words=_content(rest[1:]))
    return None  # "was this his first trip": a state, no event


def asked_wh_event(question: str, predicate: str = "") -> Event | None:
    """The event a "what/who did X <verb>" question asks the object or agent of ("what did the minister
    answer", "what did the first pictures show"), read as "did X <verb>": the question presumes it
    happened. None for other questions and for those about a plan or speech (`ASKS_PLAN`)."""
    tokens = words(" ".join(question.lower().replace("’", "'").split()))
    if len(tokens) < 3 or tokens[0] not in WH_OBJECT or tokens[1] not in WH_AUX:
        return None
    return asked_event(" ".join(tokens[1:]), predicate)


def _past(token: str) -> bool:
    return (
        (token in IRREGULAR_VERBS and token not in STOPWORDS)
        or token in IRREGULAR_PAST
        or bool(PARTICIPLE.match(token))
    )


def _event(mode: str, tokens: list[str], at: int) -> Event:
    start = at
    while (
        tokens[at] in ASPECT_VERBS
        and at + 1 < len(tokens)
        and (tokens[at + 1].endswith("ing") or tokens[at + 1] in ASPECT_PARTICLES)
    ):
        at += 1  # "start charging", "end up paying", "manage to hire"
        while tokens[at] in ASPECT_PARTICLES and at + 1 < len(tokens):
            at += 1
    first = next((i for i, t in enumerate(tokens) if t in PAST_AUX | FUTURE_AUX | PRESENT_AUX), start - 1) + 1
    return Event(mode=mode, predicate=tokens[at], words=_content(tokens[min(first, start) :]))


NONE, REALISED_STATED, NEGATED_STATED, UNREALISED_STATED = "", "realised", "negated", "unrealised"


@dataclass(frozen=True)
class Reading:
    """How one sentence states the asked event."""

    verdict: str  # NONE (it does not state it), REALISED_STATED, NEGATED_STATED or UNREALISED_STATED
    plan: str = ""  # the clause stating it as not yet realised, in the article's words


def read_sentence(event: Event | None, sentence: str, alike: frozenset[str] = frozenset()) -> Reading:
    """Whether `sentence` states `event` as realised, only as not (yet) realised, or not at all.

    `alike`: words of the sentence a caller found near in meaning to the predicate (word vectors).
    The predicate, where the sentence states it, decides: unrealised when every mention of it is
    governed by a construction of `UNREALISED`. Where it does not state the predicate, the
    question's words decide: some governed, and the others only before the construction (its
    subject: "Ostby said his next goal was the national ... road race"). A negation in the clause
    ("no agreement has or will be signed") states the outcome: realised.
    """
    if event is None:
        return Reading(NONE)
    spans = [(m.start(), m.group(0)) for m in re.finditer(r"[\w'’-]+", sentence)]
    terms = [word_term(w) for _, w in spans]
    soft = {w.lower() for w in alike}
    pred = word_term(event.predicate) if event.predicate else ""
    at_pred = [
        i
        for i, (t, (_, w)) in enumerate(zip(terms, spans, strict=True))
        if pred and (t == pred or w.lower() in soft)
    ]
    wanted = {word_term(w) for w in event.words}
    at_words = [i for i, t in enumerate(terms) if t in wanted]
    at = at_pred or at_words
    if not at:
        return Reading(NONE)
    markers = _markers(sentence)

    def negated(i: int) -> bool:
        clause = sentence[: spans[i][0]]
        bounds = list(CLAUSE_END.finditer(clause))
        return bool(NEGATION.search(clause[bounds[-1].end() if bounds else 0 :]))

    def governing(i: int) -> re.Match[str] | None:
        start = spans[i][0]
        inside = [m for m in markers if m.start() < start < m.end() and ASKED.match(m.group(0))]
        if inside and i not in at_pred:  # the event's own word inside ("invited Putin to visit") is no agent
            return inside[0]  # "has asked the national audit office to review ...": the one asked to act
        before = [m for m in markers if m.end() <= start]
        if not before:
            return None
        between = sentence[before[-1].end() : start]
        if CLAUSE_END.search(between) or len(words(between)) > SCOPE_WORDS or negated(i):
            return None  # "no agreement has or will be signed": a negation states the outcome
        return before[-1]

    def subject_of(i: int) -> re.Match[str] | None:
        if i not in at_pred:
            return None  # "Halden will stop the third shift": the asker's subject, not the event planned
        end = spans[i][0] + len(spans[i][1])
        after = next((m for m in markers if m.start() >= end), None)
        if after is None or not SUBJECT_OF.match(after.group(0)):
            return None
        between = sentence[end : after.start()]
        if CLAUSE_END.search(between) or len(words(between)) > SUBJECT_GAP or negated(i):
            return None
        return after

    if at_pred and any(negated(i) for i in at_pred):
        return Reading(NEGATED_STATED)
    governed = [(i, m) for i in at if (m := governing(i) or subject_of(i)) is not None]
    if at_pred:
        if len(governed) < len(at_pred):
            return Reading(REALISED_STATED)
    elif not governed or any(i > governed[0][0] and not (governing(i) or subject_of(i)) for i in at):
        return Reading(NONE)
    first = min(m.start() for _, m in governed)
    return Reading(UNREALISED_STATED, _clause(sentence, first, spans[max(i for i, _ in governed)][0]))


def unrealised(
    event: Event | None,
    block: list[str],
    alike: frozenset[str] = frozenset(),
    others: list[str] | None = None,
) -> str:
    """The article's clause stating `event` only as not yet realised in the sentences of `block` (a
    lead and the sentences that go on about its subject; when they do not state the event, in
    another sentence the answer quotes, `others`), or "". It is "" when one of them states
    the predicate as realised, when another sentence the answer quotes (`others`) negates it ("no
    agreement has or will be signed" answers "did they sign a deal"), and when the question asks for
    a future event (the plan answers it).
    """
    if event is None or event.mode != REALISED:
        return ""
    readings = [read_sentence(event, s, alike) for s in block]
    if any(r.verdict in (REALISED_STATED, NEGATED_STATED) for r in readings):
        return ""
    quoted = [read_sentence(event, s, alike) for s in others or []]
    if any(r.verdict == NEGATED_STATED for r in quoted):
        return ""
    if plan := next((r.plan for r in readings if r.verdict == UNREALISED_STATED), ""):
        return plan
    # the lead does not state the event; another quoted sentence states it only as planned, none
    # as realised: "did they hold an inquiry" with "the association said it would ask for an inquiry"
    if any(r.verdict == REALISED_STATED for r in quoted):
        return ""
    return next((r.plan for r in quoted if r.verdict == UNREALISED_STATED), "")


def asked_open_event(question: str, predicate: str = "") -> Event | None:
    """The event of a "did/will X <verb>" or "when did/will X <verb>" question, with its predicate (the
    caller's `predicate` when the question alone does not show it), for `left_open`; None otherwise."""
    lower = " ".join(question.lower().replace("’", "'").split())
    event = asked_event(WHEN_LEAD.sub("", lower), predicate)
    if event is None or not event.predicate:
        return None
    return event


def left_open(event: Event | None, texts: list[str], alike: frozenset[str] = frozenset()) -> str:
    """The clause of `texts` stating `event`'s predicate only as left open (`OPEN`: "will decide
    whether to pay for it"; `REQUEST`: "would ask regulators ... to approve velotide"), or "" when no
    sentence states the predicate or one states it otherwise (realised, planned, negated)."""
    if event is None or not event.predicate:
        return ""
    pred = word_term(event.predicate)
    soft = {w.lower() for w in alike}
    plan = ""
    for sentence in texts:
        for m in re.finditer(r"[\w'’-]+", sentence):
            if word_term(m.group(0)) != pred and m.group(0).lower() not in soft:
                continue
            if not (opened := _opened(sentence, m.start())):
                return ""
            plan = plan or _clause(sentence, opened, m.start())
    return plan


def _opened(sentence: str, at: int) -> int | None:
    """Where the construction leaving the word at `at` open starts, or None."""
    head = sentence[:at]
    bounds = list(CLAUSE_END.finditer(head))
    clause_start = bounds[-1].end() if bounds else 0
    if NEGATION.search(head[clause_start:]):
        return None  # "has not paid": an outcome
    if (asks := [o for o in OPEN.finditer(head) if o.start() >= clause_start]) and len(
        words(head[asks[-1].end() :])
    ) <= SCOPE_WORDS:
        return asks[-1].start()
    if not re.search(r"\bto\s*$", head, re.I):
        return None  # a request governs the infinitive it asks for: "ask X to approve"
    hard = list(REQUEST_END.finditer(head))
    start = hard[-1].end() if hard else 0
    requests = [r for r in REQUEST.finditer(head) if r.start() >= start]
    if requests and len(words(head[requests[-1].end() :])) <= REQUEST_SCOPE_WORDS:
        return requests[-1].start()
    return None


def _subjectless(text: str) -> bool:
    """Whether a clause opens without its subject: with a verb ("had been", "hoped to"), an aside's
    number ("63, had ...") or a relative pronoun ("which reopened in May, hoped ...")."""
    first = text.split(" ", 1)[0] if (text := text.strip()) else ""
    if not first or first[0].isdigit() or RELATIVE_START.match(text):
        return bool(first)
    word = first.strip(",;:").lower()
    return first[0].islower() and (word in AUXILIARIES or word not in STOPWORDS)


def _with_subject(sentence: str, bounds: list[re.Match[str]], start: int) -> int:
    """Where the clause starting at `start` starts with its subject: past the asides between commas
    before it ("Pike, 63, had ..."), when it opens without one; `start` otherwise."""
    ends = [b.end() for b in bounds]
    while start in ends and _subjectless(sentence[start:]):
        k = ends.index(start)
        prev = ends[k - 1] if k else 0
        segment = sentence[prev : bounds[k].start()]
        if len(words(segment)) > ASIDE_WORDS and not RELATIVE_START.match(segment):
            break
        start = prev
    return start


def _clause(sentence: str, marker: int, last: int) -> str:
    """The clause around a governing construction: from its subject (after a reporting verb or
    the previous clause boundary) to the end of the clause holding the last event word."""
    head = sentence[:marker]
    bounds = list(CLAUSE_END.finditer(head))
    start = bounds[-1].end() if bounds else 0
    if bounds and RELATIVE_START.match(head[start:]):
        # "..., who will decide whether ...": the relative clause is read with what it is about
        start = bounds[-2].end() if len(bounds) > 1 else 0
    start = _with_subject(sentence, bounds, start)
    if said := REPORTING_START.match(head[start:]):
        start += said.end()
    if joined := list(SECOND_REPORTED.finditer(head, start)):  # "said X and that the hospital would ..."
        start = joined[-1].end()
    tail = CLAUSE_END.search(sentence, last)
    end = tail.start() if tail else len(sentence)
    if (
        tail and len(words(sentence[start:end])) < MIN_PLAN_WORDS
    ):  # "If convicted, he faces ...": the next clause too
        after = CLAUSE_END.search(sentence, tail.end())
        end = after.start() if after else len(sentence)
    text = sentence[start:end].strip().strip('"“”').rstrip(".!? ")
    text = LEADING_JOINER.sub("", text) or text  # "and that the ministry would ...": the clause itself
    relative = RELATIVE_TAIL.fullmatch(text)
    if relative and len(words(relative.group(1))) <= RELATIVE_SUBJECT_WORDS:  # "the government, which ..."
        text = f"{relative.group(1)} {relative.group(2)}"
    tokens = text.split()
    if len(tokens) > MAX_PLAN_WORDS:
        text = " ".join(tokens[:MAX_PLAN_WORDS]) + " …"
    first = text.split(" ", 1)[0]
    if first.lower() in STOPWORDS or first.lower() in ("it", "its", "it's"):
        text = first.lower() + text[len(first) :]
    return text


def announces(texts: list[str]) -> bool:
    """Whether any of `texts` has a modal or future construction at all: without one, no sentence
    states an event only as planned (the caller skips the word vectors)."""
    return any(_markers(t) for t in texts)


def _markers(sentence: str) -> list[re.Match[str]]:
    """The modal and future constructions of `sentence` ("May" the month is no modal)."""
    return [m for m in UNREALISED.finditer(sentence) if m.group(0) != "May" or m.start() == 0]


def alike_words(
    predicate: str,
    texts: list[str],
    *,
    embed: Callable[[list[str]], list[list[float]]],
    min_cosine: float,
) -> frozenset[str]:
    """Words of `texts` whose word vector is at least `min_cosine` near `predicate`'s ("approval" for
    "approved"): the predicate worded differently. One embedding call."""
    vocab = content_vocab(w for t in texts for w in words(t))
    if not predicate:
        return frozenset()
    return near_words([predicate], vocab, embed, min_cosine).get(predicate, frozenset())
