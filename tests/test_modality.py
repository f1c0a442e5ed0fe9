"""Later events (`rag.modality`): a question asks whether something happened, the articles only
announce it. Small news-style passages of our own; the reader is driven through `extract` with the
bag-of-words fake embedder (and the real model where a near synonym must be found)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag import modality
from rag import policy as policies
from rag.extractive import REFUSAL_UNREALISED, REFUSAL_UNREALISED_WH, SOFT_MATCH_COSINE, analyse, extract
from rag.retrieve import Passage, Retrieval
from rag.wordvec import Embed
from tests.test_answer_first import ask
from tests.test_extractive import idf

REFUSE = policies.Policy(
    min_score=0.0, require_answer_type=False, min_focus_coverage=0.0, refuse_unrealised=True
)
KEEP = policies.Policy(min_score=0.0, require_answer_type=False, min_focus_coverage=0.0)


def event(question: str) -> modality.Event | None:
    q = analyse(question)
    return modality.asked_event(q.text, q.predicate)


# -- the question --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "mode", "predicate"),
    [
        ("did the union actually call the december strike", modality.REALISED, "call"),
        ("did the car park start charging after three months", modality.REALISED, "charging"),
        ("did nordcargo end up paying the 38 million", modality.REALISED, "paying"),
        ("has the trust reopened the pool yet", modality.REALISED, "reopened"),
        ("was the suspect found guilty in the end", modality.REALISED, "found"),
        ("who won the hartley ward by-election", modality.REALISED, "won"),
        ("will the ferry run in winter", modality.FUTURE, "run"),
    ],
)
def test_the_question_asks_for_an_event(question: str, mode: str, predicate: str) -> None:
    ev = event(question)
    assert ev is not None
    assert (ev.mode, ev.predicate) == (mode, predicate)


@pytest.mark.parametrize(
    "question",
    [
        "did novak say she would publish the register",  # asks about the plan
        "what did the union threaten",
        "when did the strike start",  # a "when" answer is read by its answer type
        "was this his first trip abroad",  # a state, not an event
        "how many people live in halvik",
        "who talked about aid on the russian side",  # asks who said it
    ],
)
def test_no_event_is_asked(question: str) -> None:
    assert event(question) is None


# -- the sentence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sentence", "plan"),
    [
        (
            "did the december rail strike go ahead",
            "Marchetti said the union would call a longer strike in December if the company did not improve"
            " its offer.",
            "the union would call a longer strike in December if the company did not improve its offer",
        ),
        (
            "did ostby win the national road race in august",
            "Ostby said his next goal was the national championship road race in Halvik in August.",
            "his next goal was the national championship road race in Halvik in August",
        ),
        (
            "did the judge keep the man in custody",
            "The man was due to appear before a judge on Saturday, who will decide whether to keep him in"
            " custody.",
            # a relative clause is quoted with what it is about
            "the man was due to appear before a judge on Saturday, who will decide whether to keep him in"
            " custody",
        ),
        (
            "has the road authority approved the charge",
            "The charge needs the approval of the national road authority, which is expected to take six"
            " months.",
            "the charge needs the approval of the national road authority",
        ),
        (
            "did nordcargo end up paying the 38 million",
            "It has asked Nordcargo to pay.",
            "it has asked Nordcargo to pay",
        ),
        (
            "did the hospital hire the extra nurses",
            "Kallas said the nurses had arrived and that the hospital would hire 150 extra nurses.",
            "the hospital would hire 150 extra nurses",
        ),
        # an event dated by a schedule or an expectation ("is scheduled for", "is expected in")
        (
            "did the bank cut again on october 24",
            "The next policy meeting is scheduled for October 24.",
            "the next policy meeting is scheduled for October 24",
        ),
        (
            "did the regulator approve the pill in the spring",
            "The pill is still under review, and a decision is expected in the spring.",
            "a decision is expected in the spring",
        ),
        # the event's word is the subject of the plan ("another strike is planned for ...")
        (
            "did the bus strike on april 10 happen",
            "Another strike is planned for April 10 if no deal is reached.",
            "Another strike is planned for April 10 if no deal is reached",
        ),
        # a conditional: the too-short clause is quoted with its main clause
        (
            "was the arsonist convicted",
            "If convicted, he faces up to eight years in prison.",
            "if convicted, he faces up to eight years in prison",
        ),
        # an aside between commas (an age, a relative clause) does not cut the clause off its subject
        (
            "did marsh sign a new contract",
            "Marsh, 58, had led the club for a decade and was due to sign a new contract in 2026.",
            "Marsh, 58, had led the club for a decade and was due to sign a new contract in 2026",
        ),
        (
            "did they put the painting back on display",
            "The museum, which reopened in May, hoped to put the painting back on display in the summer.",
            "the museum, which reopened in May, hoped to put the painting back on display in the summer",
        ),
        # a request for something
        (
            "did the hospital get the money for a new ward",
            "We have asked the health ministry for money for a new ward.",
            "we have asked the health ministry for money for a new ward",
        ),
    ],
)
def test_a_sentence_that_only_announces_the_event(question: str, sentence: str, plan: str) -> None:
    assert modality.unrealised(event(question), [sentence]) == plan


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        (
            "did the union call a strike",
            "The union called a strike on Monday and said it would call another in May.",
        ),
        ("did nordcargo pay the 38 million", "Nordcargo paid the 38 million in March, the company said."),
        # a negation states the outcome: "No."
        ("did they sign an agreement", "The Kremlin said no agreement has or will be signed."),
        ("has brightwell paid the fine yet", "Brightwell has not yet paid the fine, which it will appeal."),
        # the plan is about something else
        (
            "did the council approve the budget",
            "The council approved the budget, which will take effect in May.",
        ),
        ("did the mayor open the bridge in may", "The mayor opened the bridge in May."),
        # "was set on fire" is no schedule
        ("was the warehouse burned", "The warehouse was set on fire on Monday and burned down."),
        # the event's word inside an invitation is the invitation itself, stated
        (
            "Did Kim invite Putin to North Korea?",
            "Kim invited Putin to visit North Korea and the Russian president accepted.",
        ),
    ],
)
def test_a_sentence_that_reports_the_outcome(question: str, sentence: str) -> None:
    assert modality.unrealised(event(question), [sentence]) == ""


def test_an_event_going_on_now_is_read_from_is_and_ing() -> None:
    """ "is the plant running": a present event; a plan to build the plant states it only as planned."""
    ev = event("is the skarp point plant running")
    assert ev is not None and ev.mode == modality.REALISED and ev.predicate == "running"
    plan = "The government said it would speed up plans for a desalination plant at Skarp Point."
    assert (
        modality.unrealised(ev, [plan]) == "it would speed up plans for a desalination plant at Skarp Point"
    )
    assert modality.unrealised(ev, ["The Skarp Point plant has been running since May."]) == ""
    assert event("is kim's train armoured") is None  # a state, no event


@pytest.mark.parametrize(
    ("question", "sentence", "plan"),
    [
        (
            "what did the minister answer when aasen asked about the airline in parliament",
            "Knut Aasen said he would ask the transport minister about the airline in parliament next week.",
            "he would ask the transport minister about the airline in parliament next week",
        ),
        (
            "what did brandvik actually do when she was in castelmora",
            "Brandvik will visit Castelmora on Wednesday before flying home.",
            "Brandvik will visit Castelmora on Wednesday before flying home",
        ),
        # it happened: the question's presumption holds
        ("what did brandvik do in castelmora", "Brandvik visited Castelmora on Wednesday.", ""),
        # the thing the question presumes is the subject of a modal: it has not come yet
        (
            "what did the first pictures from the satellite show",
            '"The first pictures should arrive within two weeks, once the instruments are checked."',
            "the first pictures should arrive within two weeks",
        ),
        # the one asked to act has not reported yet
        (
            "what did the audit office conclude about the overrun",
            "The council has asked the national audit office to review why the costs grew by a third.",
            "the council has asked the national audit office to review why the costs grew by a third",
        ),
        (
            "what did the intelligence report find",
            "The government asked the intelligence services for a full report and expected it in February.",
            "the government asked the intelligence services for a full report and expected it in February",
        ),
    ],
)
def test_a_what_did_question_presumes_the_event(question: str, sentence: str, plan: str) -> None:
    q = analyse(question)
    assert modality.unrealised(modality.asked_wh_event(q.text, q.predicate), [sentence]) == plan


def test_a_subject_before_a_modal_is_the_events_own_word_only() -> None:
    """ "The bakery would not name its owner" plans nothing about who founded the bakery."""
    assert (
        modality.unrealised(event("who founded the bakery"), ["The bakery would not name its owner."]) == ""
    )


def test_what_did_about_a_plan_or_speech_asks_for_no_event() -> None:
    assert modality.asked_wh_event("what did the union threaten in december") is None
    assert modality.asked_wh_event("what did brandvik say about the quotas") is None
    assert modality.asked_wh_event("when did brandvik visit castelmora") is None
    assert modality.asked_wh_event("did brandvik visit castelmora") is None


def test_a_future_question_is_answered_by_the_plan() -> None:
    ev = event("will the harbour tram open in may")
    assert ev is not None and ev.mode == modality.FUTURE
    assert modality.unrealised(ev, ["The harbour tram will open on May 3."]) == ""


def test_another_quoted_sentence_that_negates_the_event_answers_it() -> None:
    ev = event("did they sign an arms deal")
    lead = "The visit has fuelled suspicions that the two countries may conclude an arms deal."
    assert modality.unrealised(ev, [lead]) == lead[:-1].lower()
    assert (
        modality.unrealised(ev, [lead], others=["The Kremlin said no agreement has or will be signed."]) == ""
    )
    # a quoted sentence that mentions the predicate about something else does not count
    assert modality.unrealised(ev, [lead], others=["Kim signed the guest book."]) != ""


def test_a_quoted_sentence_states_the_plan_when_the_lead_does_not_state_the_event() -> None:
    ev = event("was there a public inquiry into the barriers in the end")
    lead = ["Residents said they had warned the authority in 2021 that the barriers leaked."]
    plan = "The residents' association said it would ask for a public inquiry into why the barriers failed."
    assert modality.unrealised(ev, lead) == ""
    assert (
        modality.unrealised(ev, lead, others=[plan])
        == "it would ask for a public inquiry into why the barriers failed"
    )
    held = event("did the council hold a public inquiry into the barriers")
    assert modality.unrealised(held, lead, others=[plan]) != ""
    reported = "The council held a public inquiry into the barriers in March."
    assert modality.unrealised(held, lead, others=[plan, reported]) == ""


def test_only_a_modal_or_future_construction_announces() -> None:
    assert modality.announces(["The union said it would strike."])
    assert modality.announces(["Nordcargo has been asked to pay.", "It is due to open in May."])
    assert not modality.announces(["The union called a strike on Monday.", "Trains stopped in May."])


def test_the_block_is_realised_when_one_sentence_says_so() -> None:
    ev = event("did nordcargo pay the 38 million")
    block = ["It has asked Nordcargo to pay.", "Nordcargo paid the bill on Friday."]
    assert modality.unrealised(ev, block) == ""
    assert modality.unrealised(ev, block[:1]) == "it has asked Nordcargo to pay"


# -- the reader ----------------------------------------------------------------------------------

STRIKE = (
    "Rail workers in Marrenia held a 48-hour strike on Tuesday. "
    "Union leader Lucia Marchetti said the union would call a longer strike in December if the company "
    "did not improve its offer."
)
REGISTER = (
    "Dalia Novak was elected mayor of Tarnside on Sunday. "
    "She said she would publish the city's contracts register online within 100 days."
)
TRAM = "The harbour tram will open on May 3, the city said. Work on the line began in 2023."


def test_a_planned_event_refuses_in_the_articles_words() -> None:
    with policies.using(REFUSE):
        ex = ask("did the december strike go ahead", STRIKE)
    assert ex.refused
    assert ex.reason == REFUSAL_UNREALISED.format(
        plan="the union would call a longer strike in December if the company did not improve its offer"
    )


def test_the_refusal_quotes_a_plan_that_opens_its_sentence_as_written() -> None:
    """A plan opening its sentence keeps its capital, inside quotation marks: the reason quotes the
    article instead of reading "The articles say Plans to ..."."""
    bridge = (
        "Tarnside council met on Monday. "
        "Plans to build a second footbridge over the Tarn would go to a public vote in the spring."
    )
    with policies.using(REFUSE):
        ex = ask("did they build the second footbridge", bridge)
    assert ex.refused
    assert ex.reason == (
        "The articles say “Plans to build a second footbridge over the Tarn would go to a public vote in "
        "the spring”, but do not report whether it happened."
    )


def test_a_planned_event_is_never_a_yes() -> None:
    """Even with the refusal off, "did she publish it" is not answered "Yes." from "she would publish"."""
    with policies.using(KEEP):
        ex = ask("did novak publish the contracts register", REGISTER)
        reported = ask(
            "did novak publish the contracts register", REGISTER.replace("would publish", "published")
        )
    assert not ex.refused
    assert ex.short != "Yes."
    assert ex.unrealised.startswith("she would publish the city's contracts register")
    assert reported.short == "Yes."
    assert reported.unrealised == ""


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("did novak say she would publish the contracts register", REGISTER),
        ("what did the union threaten in december", STRIKE),
        ("when will the harbour tram open", TRAM),
        ("did the rail workers strike on tuesday", STRIKE),
    ],
)
def test_questions_about_the_plan_keep_their_answer(question: str, article: str) -> None:
    with policies.using(REFUSE):
        ex = ask(question, article)
    assert not ex.refused, ex.reason
    assert ex.unrealised == ""


def test_the_predicate_is_found_by_a_near_synonym(embed: Embed) -> None:
    """ "hire" is not in the sentence; "recruit" is, near it in meaning (0.65 with the real model)."""
    sentence = "The hospital said it hoped to recruit 150 nurses by the summer."
    alike = modality.alike_words("hire", [sentence], embed=embed, min_cosine=SOFT_MATCH_COSINE)
    assert "recruit" in alike
    ev = event("did the hospital hire the nurses")
    assert modality.unrealised(ev, [sentence], alike) == "it hoped to recruit 150 nurses by the summer"
    # without the near synonym the sentence's other words decide: "nurses" is governed too
    assert modality.read_sentence(ev, "The hospital hired 150 nurses in May.", alike).verdict == "realised"
    question = "did the hospital hire the nurses"
    text = sentence + " The new wing opened on Monday."
    found = Retrieval(question, [Passage("d0::c::0000", "d0", "Nurses", "", "", text, 0, len(text))])
    found.query_embedding = embed([question])[0]
    with policies.using(REFUSE):
        ex = extract(question, found, embed=embed, idf=idf)
    assert ex.refused
    assert "hoped to recruit 150 nurses" in ex.reason


def test_a_what_did_question_about_a_planned_event_refuses_with_its_flag() -> None:
    article = (
        "Knut Aasen said he would ask the transport minister about the airline's maintenance in parliament "
        "next week. The airline said its planes were safe."
    )
    question = "what did the minister answer when aasen asked about the airline in parliament"
    with policies.using(replace(REFUSE, refuse_unrealised_wh=True)):
        refused = ask(question, article)
    with policies.using(REFUSE):
        kept = ask(question, article)
    assert refused.refused
    assert refused.reason == REFUSAL_UNREALISED_WH.format(
        plan="he would ask the transport minister about the airline's maintenance in parliament next week"
    )
    assert not kept.refused


def test_a_plan_is_quoted_with_its_numbers_whole() -> None:
    article = (
        "Lumen launched the X7 on Tuesday. A version with 512 gigabytes of storage will cost 1,099 euros."
    )
    with policies.using(replace(REFUSE, refuse_unrealised_wh=True)):
        refused = ask("what did the x7 cost", article)
    assert refused.reason == REFUSAL_UNREALISED_WH.format(
        plan="a version with 512 gigabytes of storage will cost 1,099 euros"
    )


def test_a_filled_sentence_stating_the_predicate_only_as_planned_refuses() -> None:
    """ "If convicted, he faces ..." is quoted after the lead (`_fill`): the check reads it, for it
    states the asked predicate; the filled sentence about the fire does not count."""
    article = (
        "Prosecutors in Caldera Bay charged a 34-year-old man on Thursday with starting the Caldera Hills"
        " wildfire, which burned about 3,400 hectares. Prosecutors say he lit a fire to burn garden waste on"
        " a day when fires were banned. If convicted, he faces up to eight years in prison. The fire"
        " destroyed 40 homes and a school."
    )
    with policies.using(REFUSE):
        ex = ask("was the caldera hills arsonist convicted", article)
    assert ex.refused
    assert ex.reason == REFUSAL_UNREALISED.format(plan="if convicted, he faces up to eight years in prison")


# -- events left open: "when did X <verb>", "will X <verb>" ----------------------------------------
def open_event(question: str) -> modality.Event | None:
    q = analyse(question)
    return modality.asked_open_event(q.text, q.predicate)


@pytest.mark.parametrize(
    ("question", "sentence", "plan"),
    [
        (
            "when did regulators approve velotide",
            "Aldren said it would ask regulators in Norvaland, Sarenna and the Eastern Trade Union to approve"
            " velotide in early 2027.",
            "it would ask regulators in Norvaland, Sarenna and the Eastern Trade Union to approve velotide in"
            " early 2027",
        ),
        (
            "will the health service pay for velotide",
            "The price has not been set, and the health service will then have to decide whether to pay"
            " for it.",
            "the health service will then have to decide whether to pay for it",
        ),
        ("when did the council approve the budget", "The council will vote on whether to approve it.", "x"),
    ],
)
def test_an_event_stated_only_as_left_open(question: str, sentence: str, plan: str) -> None:
    got = modality.left_open(open_event(question), [sentence])
    assert got == plan if plan != "x" else got.endswith("whether to approve it")


@pytest.mark.parametrize(
    ("question", "sentences"),
    [
        ("when did it go on sale", ["It would go on sale on September 22."]),  # a plan answers "when"
        ("when did regulators approve velotide", ["Regulators approved velotide in May."]),
        (  # one mention realised, one open: the article states it
            "when did regulators approve velotide",
            ["Regulators approved velotide in May.", "Aldren had asked regulators to approve velotide."],
        ),
        ("when did they approve it", ["The board has not decided whether to approve it."]),  # negated
        ("when did the union call the strike", ["The union asked members whether to strike."]),  # no "call"
        ("will the ministry pay", ["The ministry will pay the bill from May, the minister said."]),
        ("who will pay for velotide", ["The health service will decide whether to pay for it."]),
    ],
)
def test_an_event_stated_otherwise_is_not_left_open(question: str, sentences: list[str]) -> None:
    assert modality.left_open(open_event(question), sentences) == ""


def test_a_when_question_about_an_event_left_open_is_refused() -> None:
    article = (
        "The heart drug velotide cut deaths in a trial of 4,000 patients, its maker Aldren said on Monday."
        " Aldren said it would ask regulators in Norvaland and Sarenna to approve velotide in early 2027."
        " The drug was discovered at the Tromvik university hospital."
    )
    with policies.using(REFUSE):
        refused = ask("when did regulators approve velotide", article)
    assert refused.refused
    assert refused.reason == REFUSAL_UNREALISED.format(
        plan="it would ask regulators in Norvaland and Sarenna to approve velotide in early 2027"
    )
    with policies.using(KEEP):
        kept = ask("when did regulators approve velotide", article)
    assert not kept.refused
    realised = article.replace("it would ask regulators", "regulators").replace("to approve", "approved")
    with policies.using(REFUSE):
        answered = ask("when did regulators approve velotide", realised)
    assert not answered.refused


def test_an_event_someone_faces_is_not_yet_realised() -> None:
    """ "faces an election in September 2027" announces the election: "who won" it is not answered;
    the relative clause is quoted as a statement."""
    question = "who won norvaland's september 2027 election"
    sentence = "The government, which faces an election in September 2027, said it respected the bank."
    assert modality.read_sentence(event(question), sentence) == modality.Reading(
        modality.UNREALISED_STATED, "the government faces an election in September 2027"
    )
    faced = "The government faced an election in September 2027, and lost it."
    assert modality.read_sentence(event(question), faced).verdict == modality.NONE
