"""The sentence that settles a yes/no question, and its verdict (`rag.verdict`), on text written here."""

from __future__ import annotations

from rag import verdict
from rag.sentences import base_form, base_terms, stem, words


def focus_of(question: str) -> list[tuple[str, str]]:
    skip = {"did", "does", "do", "is", "was", "were", "anyone", "still", "so", "right", "the", "in", "to"}
    return [(stem(base_form(w)), w) for w in words(question.lower()) if w not in skip]


def sentence(
    text: str, passage: str = "", title: str = "", before: str = "", **kw: object
) -> verdict.Sentence:
    return verdict.Sentence(
        text=text,
        terms=frozenset(base_terms(text)),
        context=frozenset(base_terms(passage or text)),
        title=frozenset(base_terms(title)),
        antecedent=frozenset(base_terms(before)),
        **kw,  # type: ignore[arg-type]
    )


def one(_: str) -> float:
    return 1.0


def test_a_negated_event_says_no_and_is_chosen_over_a_mention() -> None:
    q = "does the harbour board still object to the marina"
    passage = (
        "After objections from the harbour board, the marina was redesigned. It said it no longer objected."
    )
    found = verdict.settle(
        q,
        focus_of(q),
        [
            sentence(
                "After objections from the harbour board, the marina was redesigned.", passage, "Marina plan"
            ),
            sentence("It said it no longer objected.", passage, "Marina plan", before=passage.split(". ")[0]),
        ],
        weight=one,
    )
    assert found == verdict.Settled(1, verdict.NO)


def test_an_affirmed_event_says_yes() -> None:
    q = "did the council close the library"
    s = sentence("The council closed the library on Friday after a vote of 30 to 12.", title="Library vote")
    assert verdict.settle(q, focus_of(q), [s], weight=one) == verdict.Settled(0, verdict.YES)


def test_a_planned_event_gets_no_verdict() -> None:
    q = "did the union strike"
    s = sentence("The union said it would strike in May if talks failed.", title="Pay talks")
    found = verdict.settle(q, focus_of(q), [s], weight=one)
    assert found is not None and found.verdict == ""


def test_a_question_in_the_negative_is_read_the_other_way() -> None:
    q = "didn't the council close the library"
    s = sentence("The council did not close the library.", title="Library vote")
    assert verdict.settle(q, focus_of(q), [s], weight=one) == verdict.Settled(0, verdict.YES)


def test_the_relation_must_be_in_the_sentence_not_only_the_headline() -> None:
    q = "did anyone die in the flood"
    s = sentence("The water reached 4.1 metres at the bridge.", title="Flood: nobody died")
    assert verdict.settle(q, focus_of(q), [s], weight=one) is None


def test_another_year_than_asked_settles_nothing() -> None:
    q = "did anyone die in the 2025 flood"
    passage = "The 2025 flood closed the ford. A man died in the flood of November 2023."
    s = sentence("A man died in the flood of November 2023.", passage, "The 2025 flood")
    assert verdict.settle(q, focus_of(q), [s], weight=one) is None


def test_missing_names_or_an_ineligible_sentence_settle_nothing() -> None:
    q = "did the council close the library"
    text = "The council closed the library on Friday."
    assert verdict.settle(q, focus_of(q), [sentence(text, missing=frozenset({"x"}))], weight=one) is None
    assert verdict.settle(q, focus_of(q), [sentence(text, eligible=False)], weight=one) is None


def test_a_false_premise_is_answered_by_the_other_value() -> None:
    q = "so the summit was in brussels right"
    found = verdict.settle(
        q,
        focus_of(q),
        [sentence("The summit took place at the Rennick conference centre in Halvor.", title="Leaders meet")],
        weight=one,
    )
    assert found == verdict.Settled(0, verdict.NO)
    assert verdict.premise(q) == ("in", "brussels")
    assert verdict.premise("was the summit in brussels") is None


def test_a_premise_some_sentence_confirms_is_no_false_premise() -> None:
    q = "so the summit was in brussels right"
    found = verdict.settle(
        q,
        focus_of(q),
        [
            sentence("The summit opened in Brussels on Monday.", title="Leaders meet"),
            sentence("The summit took place at the Rennick conference centre.", title="Leaders meet"),
        ],
        weight=one,
    )
    assert found == verdict.Settled(0, verdict.YES)


def test_polarity_reads_the_clause_before_the_word() -> None:
    text = "Police made no arrests, but the owner recovered the paintings."
    assert verdict.polarity(text, [text.index("arrests")])
    assert not verdict.polarity(text, [text.index("recovered")])
    assert verdict.polarity("The rocket failed to reach orbit.", [len("The rocket failed to ")])


def test_a_negation_far_from_the_word_or_in_the_asked_statement_does_not_count() -> None:
    text = "Nobody in this chamber became a councillor to close a public swimming pool, she said."
    assert not verdict.polarity(text, [text.index("swimming")])
    assert verdict.negated_question("didn't they sign it")
    assert not verdict.negated_question("did the judges say the messages should not have been used")


def test_a_sentence_stating_too_little_of_the_relation_settles_nothing() -> None:
    q = "did the planning officers tell them to refuse it"
    s = sentence("The mayor, who does not sit on the planning committee, respected it.", title="Tower plan")
    assert verdict.settle(q, focus_of(q), [s], weight=one) is None


def test_yes_needs_most_of_the_event_stated() -> None:
    q = "did the planning officers tell them to refuse it"
    passage = (
        "Planning officers had written a report. The planning committee refused permission for the tower."
    )
    s = sentence("The planning committee refused permission for the tower.", passage, "Tower")
    focus = [("plan", "planning"), ("offic", "officers"), ("refus", "refuse")]
    found = verdict.settle(q, focus, [s], weight=one)
    assert found is not None and found.verdict == ""


def test_a_name_alone_states_no_event_and_yes_needs_the_numbers() -> None:
    q = "did people in halvor get the day off"
    s = sentence("Farmers, who sell a lot to Halvor, were worried.", title="Quake")
    assert verdict.settle(q, [("halvor", "halvor")], [s], weight=one, names=frozenset({"halvor"})) is None
    q = "does the ban cover 7 nanometre chips"
    s = sentence("The ban covers chips made on processes of 5 nanometres.", numbers_stated=False)
    found = verdict.settle(q, focus_of(q), [s], weight=one)
    assert found is not None and found.verdict == ""


def test_a_negation_says_no_only_of_the_subject_asked() -> None:
    q = "has rovena won the cup before"
    s = sentence("Halbeck have never won the cup.", title="Halbeck win cup", named=False)
    found = verdict.settle(q, focus_of(q), [s], weight=one)
    assert found is None or found.verdict != verdict.NO


def test_a_short_negated_statement_is_read() -> None:
    assert verdict.short_negation("- Nobody died.") == "Nobody died."
    assert verdict.short_negation("Nine years.") == ""
    assert verdict.short_negation("Nobody") == ""


def test_a_sentence_naming_another_subject_is_not_made_about_the_question_by_its_headline() -> None:
    from rag.extractive import _names_other

    assert _names_other("Halbeck have never won it.", frozenset({"rovena"}))
    assert not _names_other("Nobody died on Monday.", frozenset())
    assert not _names_other("It said it no longer objected.", frozenset({"qca"}))


def test_the_reader_opens_with_no_and_the_sentence_that_negates_the_event() -> None:
    from rag import policy as policies
    from tests.test_answer_first import OPEN, ask

    flood = (
        "The January flood closed roads across the city of Parvel on Monday. "
        "The river reached 5.8 metres at the Mill bridge, the highest level since records began. "
        "Nobody died. Nineteen people were rescued by boat from homes near the river."
    )
    with policies.using(OPEN):
        ex = ask("did anyone die in the january flood", flood, titles=("Parvel flood: what we know",))
    assert ex.short == "No."
    assert ex.short_from is not None and ex.short_from.span.text == "Nobody died."
    assert ex.chosen[0] is ex.short_from


def test_a_negation_five_words_before_counts() -> None:
    text = "The ministry said no agreement has or will be signed."
    assert verdict.polarity(text, [text.index("signed")])
    far = "No one in this room has ever been asked to sign."
    assert not verdict.polarity(far, [far.index("sign")])


def test_a_pronoun_sentence_that_settles_follows_the_sentence_it_leans_on() -> None:
    from rag import policy as policies
    from tests.test_answer_first import OPEN, ask

    article = (
        "The Harbour Board objected to the marina plan in March because of the dredging it needs. "
        "It said in June that it no longer objected after the design was changed. "
        "The city council will vote on the marina plan in September."
    )
    with policies.using(OPEN):
        ex = ask("does the harbour board still object to the marina plan", article)
    assert ex.short == "No."
    texts = [c.span.text for c in ex.chosen]
    settling = texts.index("It said in June that it no longer objected after the design was changed.")
    assert settling > 0 and texts[settling - 1].startswith("The Harbour Board objected")
