"""Answer first: the short fact, in the articles' words (pure logic)."""

from __future__ import annotations

import pytest

from rag.compose import format_short
from rag.extractive import extract
from rag.retrieve import Passage, Retrieval
from tests.test_extractive import fake_embed, idf


def ask(question: str, *articles: str):  # type: ignore[no-untyped-def]
    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", f"Article {i}", "", "", text, 0, len(text))
        for i, text in enumerate(articles)
    ]
    found = Retrieval(question, passages, query_embedding=fake_embed([question])[0])
    return extract(question, found, embed=fake_embed, idf=idf)


@pytest.mark.parametrize(
    ("question", "article", "short"),
    [
        (
            "How long did Kim's trip to Russia last?",
            "Kim ended his trip to Russia after six days of talks.",
            "Six days.",
        ),
        (
            "How many drones did the governor give Kim?",
            "The governor gave Kim five explosive drones and a vest.",
            "Five explosive drones.",
        ),
        (
            "What day did Kim arrive in Russia?",
            "Kim arrived in Russia on Tuesday by armoured train.",
            "On Tuesday.",
        ),
        (
            "How much did New Zealand pledge for the cyclone?",
            "New Zealand pledged 2 million dollars in aid after the cyclone.",
            "2 million dollars.",
        ),
        (
            "When did Kim take power in North Korea?",
            "Kim has led North Korea since 2011, when he took power.",
            "Since 2011.",
        ),
    ],
)
def test_short_fact_opens_the_answer_in_the_articles_words(question: str, article: str, short: str) -> None:
    ex = ask(question, article)
    assert not ex.refused
    assert ex.short == short
    assert short.rstrip(".").lower() in article.lower()  # never invented: the article's own words


def test_no_short_answer_for_why_or_who_questions() -> None:
    ex = ask("Why did Kim go to Russia?", "Kim went to Russia to meet Putin about weapons on Tuesday.")
    assert ex.short == ""


def test_format_short() -> None:
    assert format_short("six days") == "Six days."
    assert format_short("a phrase of far too many words to be short") == ""


# -- counts added up ---------------------------------------------------------------------------


def _total(*sentences: str, head: str = "drone", modifiers: tuple[str, ...] = ()) -> str:
    from rag.compose import count_total
    from rag.extractive import _stem_word
    from rag.sentences import STOPWORDS

    total = count_total(list(sentences), head, modifiers, _stem_word, STOPWORDS)
    return total.text if total else ""


@pytest.mark.parametrize(
    ("sentence", "total"),
    [
        ("The governor gave him five attack drones and one reconnaissance drone.", "In total: six drones."),
        (
            "He got five explosive drones, a reconnaissance drone and a bulletproof vest.",
            "In total: six drones.",
        ),
        ("He got five kamikaze drones and a ‘Geran-25’ reconnaissance drone.", "In total: six drones."),
        ("Crews flew 40,000 drones as well as 1,000 cargo drones.", "In total: 41,000 drones."),
        ("He got one attack drone and one reconnaissance drone.", "In total: two."),  # no plural to quote
    ],
)
def test_counts_in_one_enumeration_are_added_up(sentence: str, total: str) -> None:
    assert _total(sentence) == total


@pytest.mark.parametrize(
    "sentence",
    [
        "He got five drones and a vest.",  # one count of the noun: nothing to add
        "He got five drones and three rifles.",  # different nouns
        "He saw five drones at a drone show and a drone display.",  # "drone show" counts shows
        "He got five drones in 2023 and two drones in 2024.",  # not one enumeration
        "He paid $5 for drones and 3 drones more.",  # a price
        "He got 2023 drones and one reconnaissance drone.",  # a year, not a count
        "He got 2.5 drones and one reconnaissance drone.",  # not an exact count
        "He got dozens of drones and one reconnaissance drone.",
        "He got the five drones and one reconnaissance drone.",  # "the five": counted before
        "He got a drone and a reconnaissance drone.",  # no number written
        "He got six drones, five attack drones and one reconnaissance drone.",  # a total and its parts
        "He got eight drones, including five attack drones and one reconnaissance drone.",
    ],
)
def test_counts_that_must_not_be_added(sentence: str) -> None:
    assert _total(sentence) == ""


def test_a_count_of_other_items_of_the_noun_is_not_added() -> None:
    sentence = "He got five kamikaze drones and one reconnaissance drone."
    assert _total(sentence, modifiers=("kamikaz",)) == ""  # "how many kamikaze drones": five
    assert _total(sentence) == "In total: six drones."


def test_sentences_of_one_article_must_agree_and_are_never_added_together() -> None:
    restated = (
        "TASS said he was given five explosive drones and a reconnaissance drone.",
        "He received five kamikaze drones and a Geran-25 reconnaissance drone, TASS said.",
    )
    assert _total(*restated) == "In total: six drones."  # the same six, said twice
    assert _total("He got five attack drones.", "He got one reconnaissance drone.") == ""
    assert _total(restated[0], "Later he got three cargo drones and two attack drones.") == ""


def test_the_total_opens_the_answer_and_its_addends_are_marked() -> None:
    article = (
        "The governor gave Kim five attack drones and one reconnaissance drone as gifts. "
        "The train left for Pyongyang on Sunday."
    )
    ex = ask("How many drones did Kim get?", article)
    assert not ex.refused and ex.short == "In total: six drones."
    assert ex.short_from is not None and ex.short_from in ex.chosen
    marked = [cand.span.text[start:end] for cand, start, end in ex.short_marks]
    assert marked == ["five attack drones", "one reconnaissance drone"]
    # every word but "In total:" and the number is the article's
    assert "drones" in article and "six" not in article.lower()


def test_the_same_items_in_two_articles_are_not_added() -> None:
    ex = ask(
        "How many drones did Kim get?",
        "The governor gave Kim five attack drones as gifts on Sunday.",
        "Kim was also given one reconnaissance drone by the governor on Sunday.",
    )
    assert not ex.refused and "total" not in ex.short.lower()


# -- the short fact, carried to the answer as highlights ----------------------------------------


def _draft(question: str, *articles: str):  # type: ignore[no-untyped-def]
    from rag.answerer import AnswerRequest
    from rag.reader import ExtractiveAnswerer

    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", f"Article {i}", "", "", text, 0, len(text))
        for i, text in enumerate(articles)
    ]
    found = Retrieval(question, passages, query_embedding=fake_embed([question])[0])
    return ExtractiveAnswerer().draft(AnswerRequest(question, question, found, embed=fake_embed, idf=idf))


def test_the_draft_marks_the_short_fact_inside_the_quoted_sentence() -> None:
    draft = _draft(
        "How long did Kim's trip to Russia last?", "Kim ended his trip to Russia after six days of talks."
    )
    (short, _), (quoted, cites) = draft.sentences[:2]
    assert short == "Six days." and cites == ["d0"]
    assert draft.highlights == {1: [(quoted.index("six days"), quoted.index("six days") + len("six days"))]}
    assert 0 not in draft.highlights  # the short answer itself is plain text


def test_the_draft_marks_each_addend_of_a_total() -> None:
    draft = _draft(
        "How many drones did Kim get?",
        "The governor gave Kim five attack drones and one reconnaissance drone as gifts.",
    )
    assert draft.sentences[0] == ("In total: six drones.", ["d0"])
    text = draft.sentences[1][0]
    assert [text[a:b] for a, b in draft.highlights[1]] == ["five attack drones", "one reconnaissance drone"]


def test_no_marks_without_a_short_fact() -> None:
    draft = _draft("Why did Kim go to Russia?", "Kim went to Russia to meet Putin about weapons on Tuesday.")
    assert draft.highlights == {}


# -- list questions beyond "who were / what are" ------------------------------------------------

CREW = "Foreign Minister Choe Son Hui and Marshal Ri Pyong Chol travelled with Kim on the armoured train."
NAVY = "Navy commander Kim Myong Sik travelled on the armoured train too, state media reported on Sunday."
RIVER = "The armoured train crossed the Razdolnaya River on Tuesday morning."


def _lead(text: str):  # type: ignore[no-untyped-def]
    from rag.extractive import Candidate
    from rag.sentences import Span

    return Candidate(
        span=Span(0, len(text), text), passage=Passage("d::c::0", "d", "", "", "", text, 0, len(text))
    )


@pytest.mark.parametrize(
    ("question", "lead", "several"),
    [
        ("who went with him", CREW, True),  # names joined by "and"
        ("who went with him", "Kim met Matthew Miller, US State Department spokesman.", False),  # a title
        ("who is the minister who went with him", CREW, False),  # singular agreement
        ("which official went with him", CREW, False),  # singular class noun
        (
            "what did they talk about",
            "They talked about grain supplies, air travel and infrastructure.",
            True,
        ),
        ("what did they talk about", "They talked about grain supplies.", False),
        ("why did they meet", "They met to discuss grain supplies, air travel and infrastructure.", False),
        ("where did they meet", "They met in Vladivostok, Khasan and Artyom.", False),
    ],
)
def test_a_lead_that_lists_several_items_of_the_asked_kind_makes_a_list_question(
    question: str, lead: str, several: bool
) -> None:
    from rag.extractive import analyse, enumerates

    assert enumerates(analyse(question), _lead(lead)) is several


@pytest.mark.parametrize(
    ("question", "listing"),
    [
        ("ok so who were the people killed", True),  # plural agreement, after chit-chat
        ("and what are his plans", True),
        ("which weapons did he see", True),  # a plural class noun
        ("what is the plan", False),
        ("who was the first to arrive", False),
    ],
)
def test_plural_agreement_in_the_question_asks_for_a_list(question: str, listing: bool) -> None:
    from rag.extractive import analyse

    assert analyse(question).listing is listing


def test_a_list_question_gathers_each_article_once_and_is_not_cut_to_one_name() -> None:
    ex = ask("who travelled with Kim on the armoured train", CREW, NAVY, RIVER)
    assert not ex.refused and ex.question is not None and ex.question.listing
    assert ex.short == ""  # several people: no single name opens the answer
    docs = [c.passage.doc_id for c in ex.chosen]
    assert {"d0", "d1"} <= set(docs) and len(docs) == len(set(docs))


def test_a_role_word_the_question_asks_by_may_stand_in_the_name() -> None:
    ex = ask("who is the minister who travelled with Kim on the armoured train", CREW)
    assert ex.short == "Minister Choe Son Hui."  # not the marshal named after him


def test_a_mark_follows_the_sentence_into_the_outlet_copy_it_is_quoted_from() -> None:
    sentence = "Kim ended his trip to Russia after six days of talks, state media said."
    draft = _draft("How long did Kim's trip to Russia last?", sentence, sentence, "The weather was mild.")
    (short, cites), (quoted, quoted_cites) = draft.sentences[:2]
    assert short == "Six days." and set(cites) == set(quoted_cites) == {
        "d0",
        "d1",
    }  # one sentence, two outlets
    assert [quoted[a:b] for a, b in draft.highlights[1]] == ["six days"]


def test_a_mark_is_found_again_in_a_copy_that_words_the_sentence_with_another_opening() -> None:
    from rag.extractive import Extract
    from rag.reader import _highlights

    lead = _lead("Kim spent six days in Russia.")
    copy = _lead("Officials said Kim spent six days in Russia.")
    other = _lead("Kim spent a week in Russia, a rival outlet said.")
    copy.also_in, other.also_in = [lead], [_lead("unrelated")]
    at = lead.span.text.index("six days")
    ex = Extract(chosen=[other, copy], refused=False, short_marks=((lead, at, at + 8),))
    assert _highlights(ex, 1) == {
        2: [(copy.span.text.index("six days"), copy.span.text.index("six days") + 8)]
    }
    other.also_in = [lead]  # a copy that words it differently gets no mark
    ex = Extract(chosen=[other], refused=False, short_marks=((lead, at, at + 8),))
    assert _highlights(ex, 0) == {}


def test_a_list_gathers_an_article_that_states_the_items_in_other_words() -> None:
    import numpy as np

    from rag.extractive import _gather, analyse
    from rag.sentences import base_terms

    synonyms = {"requested": "asked", "missiles": "weapons"}  # what a real embedding model finds near

    def embed(texts: list[str]) -> list[list[float]]:
        return fake_embed([" ".join(synonyms.get(w.lower(), w) for w in t.split()) for t in texts])

    q = analyse("what weapons were asked for")
    lead, other = (
        _lead("Weapons were asked for, analysts said."),
        _lead("The envoys requested antitank missiles."),
    )
    other.passage = Passage("e::c::0", "e", "", "", "", other.span.text, 0, len(other.span.text))
    for i, cand in enumerate((lead, other)):
        cand.terms, cand.score = set(base_terms(cand.span.text)), 1.0 - i / 10
        cand.unit = np.eye(2)[i]
    lead.coverage = 1.0
    chosen = [lead]
    _gather(q, chosen, [lead, other], lead, idf)
    assert chosen == [lead]  # literally it states neither "weapons" nor "asked"
    _gather(q, chosen, [lead, other], lead, idf, embed)
    assert chosen == [lead, other]  # by near synonyms it states both: a further article's items
