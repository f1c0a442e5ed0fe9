"""What a number of a sentence quantifies, against what a how much / how many question asks.

Pure logic of `rag.quantity` on short passages written for these tests, then the reader's hooks
(`rag.extractive`: the lead's choice, the short fact, the refusal under `min_quantity_fit`) with
the bag-of-words fake embedder of the reader's own tests.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag import policy as policies
from rag import quantity
from rag.extractive import (
    AGE,
    AMOUNT_ANSWER,
    MONEY_AMOUNT,
    MONEY_RE,
    NUMBER,
    QUANTITY_RE,
    analyse,
    extract,
    frame_words,
)
from tests.test_extractive import fake_embed, idf, retrieval


def _figure(sentence: str, number: str, receivers: tuple[str, ...] = ()) -> quantity.Figure:
    start = sentence.index(number)
    return quantity.figures(sentence, [(start, start + len(number))], receivers)[0]


def _ask(question: str, counting: bool = False) -> quantity.Asked:
    q = analyse(question)
    return quantity.asked(q.text, q.focus, frame_words(q), counting=counting)


def _fit(question: str, sentence: str, number: str, counting: bool = False) -> quantity.Fit:
    ask = _ask(question, counting)
    return quantity.fit(ask, _figure(sentence, number, ask.receivers), sentence, lambda _: 1.0)


# -- reading the number's clause -------------------------------------------------------


def test_the_clause_stops_at_a_reporting_verb_and_clause_punctuation() -> None:
    sentence = "Chief executive Mara Lindqvist said Oskel had cut the price of the Tundra van by 3,500 euros."
    clause = _figure(sentence, "3,500").clause
    assert "Lindqvist" not in clause  # the speaker is not what the number is about
    assert "price of the Tundra van by 3,500 euros" in clause
    other = "The port handled 14,200 containers, while the airport took 310 flights."
    assert "airport" not in _figure(other, "14,200").clause
    assert "containers" not in _figure(other, "310").clause


def test_a_thousands_comma_is_no_clause_break() -> None:
    sentence = "A landslide in the Vell valley has buried 12,400 metres of road and cut off about 900 homes."
    assert _figure(sentence, "900").clause.startswith("A landslide in the Vell valley")


def test_a_verbless_clause_is_read_with_the_clause_before_it() -> None:
    sentence = (
        "Between 2019 and 2021 Pell paid Ida Crane, then a planner at the harbour board, "
        "a total of 52,000 dollars."
    )
    clause = _figure(sentence, "52,000").clause
    assert "Pell paid Ida Crane" in clause


def test_the_rate_of_a_number_and_of_a_question() -> None:
    assert quantity.rate_of("will charge 6 dollars a day") == "day"
    assert quantity.rate_of("at 2.20 dollars an hour") == "hour"
    assert quantity.rate_of("an annual grant of 40,000 dollars") == "year"
    assert quantity.rate_of("a year ago it cost 40,000 dollars") == ""  # a time, not a rate
    assert quantity.rate_of("cost 40,000 dollars") == ""
    assert _ask("how much do bus drivers in vell earn per hour").rate == "hour"
    assert _ask("how much is a monthly ticket for the vell tram").rate == "month"
    assert _ask("how much is a ticket for the vell tram").rate == ""


def test_who_pays_and_who_is_asked_to_receive() -> None:
    assert _ask("how much was pell paid as chairman").receivers == ("pell",)
    assert _ask("how much does mara lindqvist earn").receivers == ("mara", "lindqvist")
    assert _ask("how much did pell pay crane").receivers == ()
    assert quantity.payers("Pell paid Ida Crane 52,000 dollars", ["pell", "crane"]) == ("pell",)
    assert quantity.payers("Pell was paid 52,000 dollars", ["pell"]) == ()
    assert quantity.payers("Pell will pay 52,000 dollars", ["pell"]) == ("pell",)


def test_figure_spans_keep_counted_numbers_or_the_rate_asked() -> None:
    sentence = "The clinic saw 4,100 patients in May, about 130 a day, in rooms built for 90 a day."
    spans = quantity.figure_spans(sentence, [NUMBER], counted=["patient"])
    assert [sentence[a:b] for a, b in spans] == ["4,100"]
    spans = quantity.figure_spans(sentence, [NUMBER], counted=["patient"], rate="day")
    assert [sentence[a:b] for a, b in spans] == ["4,100", "130", "90"]
    money = "Oskel will invest 25 million dollars and pay 310 million dollars for the brand."
    found = quantity.figure_spans(money, [MONEY_AMOUNT, AMOUNT_ANSWER])
    assert {money[a:b] for a, b in found} == {"25 million dollars", "310 million dollars"}


# -- the fit ----------------------------------------------------------------------------


def test_a_number_of_another_rate_does_not_fit() -> None:
    sentence = "The new car park will be free for three months, after which it will charge 6 dollars a day."
    assert _fit("how much is a monthly pass for the car park", sentence, "6 dollars").score == 0.0
    assert _fit("how much is the car park per day", sentence, "6 dollars").score == 0.5  # "it": half
    # no rate asked: the number's rate does not matter
    assert _fit("how much will the car park charge", sentence, "6 dollars").score > 0.5


def test_a_payer_is_not_the_receiver_asked_for() -> None:
    sentence = "The court heard that Pell paid Ida Crane a total of 52,000 dollars in cash."
    wrong = _fit("how much was pell paid as chairman", sentence, "52,000")
    assert wrong.score == 0.0 and wrong.missing == ("paid",)
    assert _fit("how much did pell pay crane", sentence, "52,000").score == 1.0


def test_the_question_words_count_in_the_clause_and_half_elsewhere() -> None:
    sentence = "Chief executive Mara Lindqvist said Oskel had cut the price of the Tundra van by 3,500 euros."
    right = _fit("how much did oskel cut the tundra price", sentence, "3,500")
    assert right.score == 1.0 and right.missing == ()
    other = _fit("how much did mara lindqvist announce for the van", sentence, "3,500")
    # "van" in the clause; "mara" and "lindqvist" only outside it: half each; "announce" nowhere
    assert abs(other.score - (1 + 0.5 + 0.5) / 4) < 1e-9
    assert other.missing[0] == "announce"  # the word the sentence never states comes first


def test_an_amount_received_needs_its_verb_and_its_receiver() -> None:
    cut = "Chief executive Mara Lindqvist said Oskel had cut the price of the Tundra van by 3,500 euros."
    earn = _fit("how much does mara lindqvist earn", cut, "3,500")
    assert earn.score == 0.0 and earn.missing == ("earn",)  # a price cut is no pay
    other = "Rotich earned 40,000 euros in prize money at the Vell marathon."
    assert _fit("how much does mara lindqvist earn", other, "40,000").score == 0.0  # Rotich's pay
    assert _fit("how much did rotich earn at the vell marathon", other, "40,000").score == 1.0
    # a count needs neither: "how many seats did labour get" is answered by "Labour won 68 seats"
    won = "Labour won 68 seats in the Vell assembly."
    assert _fit("how many seats did labour get", won, "68", counting=True).score > 0.5
    assert _fit("how much did labour get", won, "68").score == 0.0


def test_near_synonyms_by_word_vectors_in_one_embedding_call() -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> list[list[float]]:
        calls.append(texts)
        vectors = fake_embed(texts)
        for vec, text in zip(vectors, texts, strict=True):
            if text in ("wages", "salary"):  # the same direction: near synonyms
                vec[:] = [0.0] * len(vec)
                vec[0] = 1.0
        return vectors

    sentence = "Dock workers at Vell earn a salary of 2,900 dollars a month, the union said."
    ask = _ask("how much are the wages of vell dock workers a month")
    start = sentence.index("2,900")
    [[(_, fitted)]] = quantity.sentence_fits(ask, [sentence], [[(start, start + 5)]], lambda _: 1.0, embed)
    assert fitted.score == 1.0
    assert len(calls) == 1
    [[(_, literal)]] = quantity.sentence_fits(ask, [sentence], [[(start, start + 5)]], lambda _: 1.0)
    assert literal.score < 1.0


# -- the reader's hooks -------------------------------------------------------------------

ON = replace(policies.current(), min_quantity_fit=0.2, require_measure=False)
OFF = replace(policies.current(), min_quantity_fit=0.0, require_measure=False)
CAR_PARK = (
    "Vell station reopened on Monday after a year of repairs. "
    "Residents said the new car park at Vell station would be free only for the first three months, "
    "after which it will charge 6 dollars a day."
)


def test_a_number_of_another_rate_refuses_with_the_question_words() -> None:
    question = "how much is a monthly pass for the vell station car park"
    found = retrieval(question, CAR_PARK)
    with policies.using(OFF):
        before = extract(question, found, embed=fake_embed, idf=idf)
    assert not before.refused and before.short == ""  # the refusal off: no wrong figure opens the answer
    with policies.using(ON):
        after = extract(question, found, embed=fake_embed, idf=idf)
    assert after.refused and after.quantity_fit == 0.0
    assert "monthly" in after.reason and "6 dollars" not in after.reason
    assert not re.search(r"\bpass\b.*\bpass\b", after.reason)
    # the rate asked is stated: answered as before
    with policies.using(ON):
        daily = extract("how much is the vell station car park per day", found, embed=fake_embed, idf=idf)
    assert not daily.refused and daily.short == "6 dollars."


def test_a_sentence_whose_number_is_the_one_asked_leads() -> None:
    payer = "As chairman of Vell harbour, Pell paid Ida Crane a total of 52,000 dollars, the court heard."
    paid = "In the post of chairman Pell was paid 140,000 dollars."
    question = "how much was pell paid as chairman of vell harbour"
    found = retrieval(question, payer, paid)
    with policies.using(OFF):  # the lead's choice does not depend on the refusal threshold
        before = extract(question, found, embed=fake_embed, idf=idf)
    assert before.short == "140,000 dollars."  # not "52,000 dollars.": what Pell paid
    with policies.using(ON):
        ex = extract(question, found, embed=fake_embed, idf=idf)
    assert not ex.refused
    assert ex.short == "140,000 dollars."
    lead = next(c for c in ex.chosen if c.role == "lead")
    assert lead.span.text == paid


def test_questions_that_ask_no_quantity_are_untouched() -> None:
    question = "who paid ida crane"
    found = retrieval(question, "The court heard that Pell paid Ida Crane a total of 52,000 dollars.")
    with policies.using(ON):
        ex = extract(question, found, embed=fake_embed, idf=idf)
    assert ex.quantity_fit == 1.0


# -- the measure asked: a price, a length, a size -----------------------------------------


def test_how_much_asks_a_price_when_it_asks_what_a_thing_is_or_names_a_payment() -> None:
    money = frozenset({quantity.MONEY_KIND})
    for question in (
        "how much is a scoop at mancini's",
        "how much were tickets for the final",
        "how much does a packet of ginger crunch cost",
        "how much does sigrid wahl earn",
    ):
        measure = quantity.asked_measure(question)
        assert measure is not None and measure.kinds == money, question
    assert quantity.asked_measure("how much does sigrid wahl earn") == quantity.Measure(
        "pay", money, things=("sigrid", "wahl")
    )
    for question in (
        "how much snow fell in port essen",
        "how much was stolen",
        "how much longer do they live",
    ):
        measure = quantity.asked_measure(question)  # an amount of anything: not only money
        assert measure is not None and quantity.LENGTH_KIND in measure.kinds, question
    thick = quantity.asked_measure("how thick is the new flood wall")
    assert thick == quantity.Measure(
        "thickness", frozenset({quantity.LENGTH_KIND}), things=("new", "flood", "wall")
    )
    # the head of what is measured, before a preposition or the question's verb; none without a subject
    assert quantity.asked_thing(" is a packet of quell ginger crunch") == ("packet",)
    assert quantity.asked_thing(" did the mussel survey cost") == ("mussel", "survey")
    assert quantity.asked_thing(" did aldren shares fall after the results") == ("aldren", "shares", "fall")
    assert quantity.asked_thing(" did it fall from the year before") == ()
    assert quantity.asked_thing(" is the pipeline going to cost") == ("pipeline",)
    assert quantity.asked_thing(" is a ticket on line 4") == ("ticket",)
    assert quantity.asked_thing(" snow fell in port essen") == ()
    capacity = quantity.asked_measure("whats the capacity of the national stadium")
    assert capacity is not None and capacity.kinds >= {quantity.COUNT_KIND}
    # the reader's answer type reads a duration; and no measure at all
    for question in ("how long is the trial", "how many people live there", "why"):
        assert quantity.asked_measure(question) is None, question


def test_the_kind_of_a_figure_is_read_from_its_unit() -> None:
    def kinds(text: str) -> set[str]:
        return quantity.figure_kinds(text, MONEY_RE, NUMBER)

    assert kinds("The organisers said 1.9 million tickets were sold.") == {quantity.COUNT_KIND}
    assert kinds("It may have tens of millions of artillery shells.") == {quantity.COUNT_KIND}
    assert kinds("Oskirk recorded 68 centimetres of snow.") == {quantity.LENGTH_KIND}
    assert kinds("It will be a 24-storey tower.") == {quantity.LENGTH_KIND}  # a height in storeys
    assert kinds("A scoop costs 3.50 euros.") == {quantity.MONEY_KIND}
    assert kinds("The lake covers 12 square kilometres.") == {quantity.AREA_KIND}
    assert kinds("Gusts reached 148 km/h.") == {quantity.SPEED_KIND}
    assert kinds("A 71-year-old man fell.") == {quantity.AGE_KIND}
    assert kinds("Prices rose 7.4% in a year.") == {quantity.PERCENT_KIND}
    assert kinds("It was a three-day visit.") == {quantity.TIME_KIND}
    # a year, a clock time, an ordinal or a bare number states no measure
    assert kinds("01:48: In Wharfside, the new flood wall finished in October is holding.") == set()
    assert kinds("In 1958 he opened Mancini's on the 32nd day of the match that ended 1-1.") == set()


def test_the_figure_asked_is_owned_by_the_thing_its_clause_names() -> None:
    tall = quantity.asked_measure("how tall is mount skarn")
    assert tall is not None and tall.things == ("mount", "skarn")
    ash = "Mount Skarn erupted on Tuesday, sending ash 6 km into the sky."
    assert not quantity.owned(tall, quantity.measured(tall, [ash], MONEY_RE, NUMBER))  # the ash's height
    assert quantity.owned(
        tall, quantity.measured(tall, ["Mount Skarn, 2,100 metres high, erupted."], MONEY_RE, NUMBER)
    )
    paid = quantity.asked_measure("how much did the weather service pay skyforge")
    assert paid is not None
    relative = "The satellite belongs to the weather service, which paid 14 million dollars for the launch."
    assert quantity.owned(paid, quantity.measured(paid, [relative], MONEY_RE, NUMBER))  # "which": the service
    spend = quantity.asked_measure("how much will tarsk water spend on the tank")
    assert spend is not None and spend.things == ("tarsk", "water")
    said = "Tarsk Water said it would spend 40 million crowns on a new tank."
    assert quantity.owned(spend, quantity.measured(spend, [said], MONEY_RE, NUMBER))  # "it": Tarsk Water


MANCINI = (
    "In 1958 Paolo Mancini opened Mancini's, a small ice-cream parlour on Harbour Parade. "
    "The parlour sold 40,000 scoops last summer, the family said."
)


def test_a_price_asked_with_no_price_stated_refuses_in_the_question_words() -> None:
    question = "how much is a scoop at mancini's"
    found = retrieval(question, MANCINI)
    with policies.using(replace(policies.current(), require_measure=False)):
        before = extract(question, found, embed=fake_embed, idf=idf)
    assert not before.refused  # a count of scoops, a year: the answer type "amount" took any number
    with policies.using(replace(policies.current(), require_measure=True)):
        after = extract(question, found, embed=fake_embed, idf=idf)
    assert after.refused and not after.measure_stated
    assert after.reason.endswith("but give no price for it.") and "mancini" in after.reason.lower()
    # a price stated: answered
    priced = MANCINI + " A scoop at Mancini's costs 3 euros."
    with policies.using(replace(policies.current(), require_measure=True)):
        ok = extract(question, retrieval(question, priced), embed=fake_embed, idf=idf)
    assert not ok.refused and ok.measure_stated


def test_an_age_given_after_another_persons_name_is_not_the_age_asked() -> None:
    measure = quantity.asked_measure("how old is elin brandt")
    assert measure is not None and measure.kinds == frozenset({quantity.AGE_KIND})

    def states(text: str) -> bool:
        return quantity.states_measure(measure, [text], MONEY_RE, NUMBER, QUANTITY_RE[AGE])

    assert not states("Chef Ida Brandt, 33, cooks only over wood fire.")  # the same surname, another person
    assert states("Director Elin Brandt, 41, made the film.")
    assert states("Brandt, 41, made the film.")  # the surname alone may be the person asked
    assert states("The 41-year-old Brandt made the film.")
    unnamed = quantity.asked_measure("how old is the brandt boy")  # no first name asked
    assert unnamed is not None
    assert quantity.states_measure(
        unnamed, ["Chef Ida Brandt, 33, cooks."], MONEY_RE, NUMBER, QUANTITY_RE[AGE]
    )


CRUNCH = (
    "Pennick's Biscuits, the company best known for its Quell Ginger Crunch, is to be bought by the "
    "food group Valcor for 310 million dollars. The Quell Ginger Crunch is sold in 40 countries."
)


def test_a_price_of_something_else_is_no_price_of_the_thing_asked() -> None:
    measure = quantity.asked_measure("how much does a packet of quell ginger crunch cost")
    assert measure is not None and measure.things == ("packet",)
    stating = quantity.measured(measure, CRUNCH.split(". "), MONEY_RE, NUMBER)
    assert stating and not quantity.owned(measure, stating)  # the company's price, not a packet's
    assert quantity.owned(measure, stating, {"packet": frozenset({"bought"})})  # a near word names it
    question = "how much does a packet of quell ginger crunch cost"
    with policies.using(replace(policies.current(), require_measure=True)):
        ex = extract(question, retrieval(question, CRUNCH), embed=fake_embed, idf=idf)
    assert ex.refused and not ex.measure_stated and "price" in ex.reason
    priced = CRUNCH + " A packet of Quell Ginger Crunch costs 2 dollars."
    with policies.using(replace(policies.current(), require_measure=True)):
        ok = extract(question, retrieval(question, priced), embed=fake_embed, idf=idf)
    assert ok.measure_stated


# -- a count of the noun asked with another qualifier ------------------------------------------


def _count_fit(question: str, sentence: str, number: str) -> quantity.Fit:
    q = analyse(question)
    ask = quantity.asked(q.text, q.focus, frame_words(q), counting=True, counted=q.counted.split())
    return quantity.fit(ask, _figure(sentence, number), sentence, lambda _: 1.0)


def test_a_count_of_the_noun_with_another_qualifier_is_not_the_count_asked() -> None:
    young = "Rangers counted 23 young otters in the Vell river this spring."
    found = _count_fit("how many adult otters live in the vell river", young, "23")
    assert found.score == 0.0 and found.missing == ("adult",) and found.other == "young otters"
    # the qualifier asked is the number's own, or none is asked, or the number has none: it fits
    assert _count_fit("how many young otters live in the vell river", young, "23").score > 0.5
    assert _count_fit("how many otters live in the vell river", young, "23").score > 0.5
    plain = "Rangers counted 23 otters in the Vell river this spring."
    assert _count_fit("how many adult otters live in the vell river", plain, "23").other == ""
    # a qualifier the sentence states elsewhere is met ("adult" in "23 otters, all of them adult")
    stated = "Rangers counted 23 grown otters in the Vell river, all of them adult."
    assert _count_fit("how many adult otters live in the vell river", stated, "23").other == ""


OTTERS = "Rangers counted 23 young otters in the Vell river this spring, the park service said."


def test_the_reader_refuses_a_count_of_another_kind_in_the_question_words() -> None:
    question = "how many adult otters live in the vell river"
    found = retrieval(question, OTTERS)
    with policies.using(OFF):
        before = extract(question, found, embed=fake_embed, idf=idf)
    assert not before.refused
    with policies.using(ON):
        after = extract(question, found, embed=fake_embed, idf=idf)
    assert after.refused
    assert after.reason == "The articles give a number of young otters, not of adult ones."
    with policies.using(ON):
        young = extract("how many young otters live in the vell river", found, embed=fake_embed, idf=idf)
    assert not young.refused and young.short == "23 young otters."


def test_several_or_a_few_is_no_count() -> None:
    question = "how many slates fell off the corn exchange roof"
    with policies.using(replace(ON, require_answer_type=True)):
        vague = extract(
            question,
            retrieval(question, "Several slates fell off the Corn Exchange roof in the storm on Monday."),
            embed=fake_embed,
            idf=idf,
        )
        counted = extract(
            question,
            retrieval(question, "Twelve slates fell off the Corn Exchange roof in the storm on Monday."),
            embed=fake_embed,
            idf=idf,
        )
    assert vague.refused and "how many" in vague.reason
    assert not counted.refused and counted.short == "Twelve slates."


def _owner_fits(question: str, *texts: str) -> list[float]:
    q = analyse(question)
    ask = quantity.asked(
        q.text, q.focus, frame_words(q), counting=True, counted=q.counted.split(), names={"dalby", "orsk"}
    )
    spans = [quantity.figure_spans(t, [NUMBER], q.own_words, set(q.counted.split())) for t in texts]
    return [f.score for row in quantity.sentence_fits(ask, texts, spans, lambda _: 1.0) for _, f in row]


def test_a_count_another_named_owner_has_is_not_the_owners_asked() -> None:
    question = "how many beds does dalby state hospital have"
    assert ask_owner(question) == ("dalby",)
    other = "The Orsk field hospitals, with 60 beds between them, had treated 95 patients by Wednesday."
    assert _owner_fits(question, other) == [0.0]
    # the owner asked is named, or the clause names no one (the hospital of the sentence before): it fits
    assert _owner_fits(question, "Dalby state hospital has 300 beds.")[0] > 0.5
    assert _owner_fits(question, "The hospital has 300 beds, the health board said on Monday.")[0] > 0.0
    # a copula makes the counted noun the subject: no owner is asked
    assert ask_owner("how many beds were in dalby state hospital") == ()


def ask_owner(question: str) -> tuple[str, ...]:
    q = analyse(question)
    return quantity.asked(q.text, q.focus, counting=True, names={"dalby", "orsk"}).owner
