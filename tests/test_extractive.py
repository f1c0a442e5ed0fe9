"""The extractive answerer: question reading, answer-type evidence, duplicate merging, refusal.

Pure logic runs on page-sized fake articles with a bag-of-words fake embedder;
the last tests run the real engine on the seeded index.
"""

from __future__ import annotations

import re
import zlib

import pytest

from rag import extractive
from rag import policy as policies
from rag.answer import REFUSAL_TEXT
from rag.config import Settings
from rag.extractive import (
    AGE,
    COUNT,
    DATE,
    DISTANCE,
    DURATION,
    MONEY,
    NAME,
    PERSON,
    PLACE,
    ROLE,
    SPEED,
    TIME,
    WEEKDAY,
    analyse,
    answer_types,
    extract,
)
from rag.retrieve import Passage, Retrieval
from rag.wiring import engine_from_settings

DIM = 512
COMMON = {"kim": 0.05, "russia": 0.2, "north": 0.1, "korea": 0.1}  # topic words every article has


def fake_embed(texts: list[str]) -> list[list[float]]:
    """Bag of words hashed into a vector: cosine similarity follows shared words."""
    out = []
    for text in texts:
        vec = [0.0] * DIM
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            vec[zlib.crc32(word.encode()) % DIM] += 1.0
        out.append(vec)
    return out


def idf(term: str) -> float:
    return COMMON.get(term, 2.0)


def retrieval(question: str, *articles: str, published: str = "") -> Retrieval:
    passages = [
        Passage(f"d{i}::c::0000", f"d{i}", f"Article {i}", published, "", text, 0, len(text))
        for i, text in enumerate(articles)
    ]
    return Retrieval(question, passages, query_embedding=fake_embed([question])[0])


def ask(question: str, *articles: str, published: str = "") -> extractive.Extract:
    found = retrieval(question, *articles, published=published)
    return extract(question, found, embed=fake_embed, idf=idf)


def answer_text(ex: extractive.Extract) -> str:
    return " ".join(c.span.text for c in ex.chosen)


# -- reading the question ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "types"),
    [
        ("How many drones did Kim receive?", (COUNT,)),
        ("How many hours did the talks last?", (COUNT,)),
        ("How long did their talks last?", (DURATION,)),
        ("How much were the drones worth?", (MONEY,)),
        ("What top speed can the armoured train reach?", (SPEED,)),
        ("How far was the train from the border?", (DISTANCE,)),
        ("How old is Kim?", (AGE,)),
        ("When did Kim leave Russia?", (TIME,)),
        ("On what date did Kim cross into Russia?", (DATE,)),
        ("On what day of the week did Kim leave?", (WEEKDAY,)),
        ("Who greeted Kim at the station?", (PERSON,)),
        ("Which Russian official was with him when he did that?", (PERSON,)),  # not a "when" question
        ("Where did Kim and Putin hold their summit?", (PLACE,)),
        ("When and where did Kim board his train?", (TIME, PLACE)),
        ("Which news agency reported the gifts?", (NAME,)),
        ("What's his job?", (ROLE,)),
        ("What did Kim wear at the summit?", ()),
    ],
)
def test_question_answer_types(question: str, types: tuple[str, ...]) -> None:
    assert analyse(question).types == types


def test_question_focus_counted_noun_predicate_and_names() -> None:
    q = analyse("How many kamikaze drones was Kim given by the governor?")
    assert "drone" in q.counted.split()
    assert {w for _, w in q.focus} == {"kamikaze", "drones", "kim", "given", "governor"}  # no "how many"
    wear = analyse("What did Kim wear at the summit?")
    assert wear.predicate == "wear" and {w for _, w in wear.focus} == {"kim", "wear", "summit"}
    assert analyse("How long did their talks last?").predicate == ""  # "last" frames a duration question
    assert analyse("Who won the 2022 football World Cup?").names == ("world", "cup", "2022")
    # the context words a follow-up rewrite appends are not part of the question's focus
    follow = analyse("Who showed it to him? (kim inspect vladivostok)")
    assert follow.text == "Who showed it to him?" and follow.types == (PERSON,)
    assert "vladivostok" not in {w for _, w in follow.focus}


# -- answer-type evidence ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("How many drones did Kim receive?", "Kim received five kamikaze drones.", True),
        ("How many drones did Kim receive?", "Kim received drones and a bulletproof vest.", False),
        ("How many drones did Kim receive?", "Five officials watched Kim receive drones.", False),
        ("How many hours did the talks last?", "The talks lasted three hours.", True),
        ("How many hours did the talks last?", "The flight lasted about an hour.", False),
        ("How long did the flight last?", "The plane flew for about an hour.", True),
        ("How long did the flight last?", "The plane flew to Vladivostok.", False),
        ("What top speed can the train reach?", "The train travelled 250 kilometres.", False),
        ("What top speed can the train reach?", "The train can reach 60 km/h.", True),
        ("How far did the train travel?", "The train travelled 250 kilometres.", True),
        ("How much were the drones worth?", "The drones were a gift worth noting.", False),
        ("How much were the drones worth?", "The drones cost $20,000 each.", True),
        ("When did Kim leave Russia?", "Kim left Russia on Sunday.", True),
        ("When did Kim leave Russia?", "Kim left Russia after a farewell ceremony.", False),
        ("When did the 2019 summit take place?", "The 2019 summit took place in Vladivostok.", False),
        ("When did the 2019 summit take place?", "The 2019 summit took place in April.", True),
        ("Who greeted Kim at the station?", "Governor Oleg Kozhemyako greeted Kim at the station.", True),
        ("Who greeted Kim at the station?", "Kim was greeted at the station with music.", False),
        ("Which officials greeted Kim?", "Local officials greeted Kim at Khasan.", False),
        ("Where did Kim stop?", "Kim stopped at the border station of Khasan.", True),
        ("Where did Kim stop?", "Kim stopped to meet local officials.", False),
    ],
)
def test_answer_type_evidence(question: str, sentence: str, expected: bool) -> None:
    q = analyse(question)
    assert (set(answer_types(q, sentence)) >= set(q.types)) is expected


def test_relative_day_counts_as_a_date_only_with_a_publication_date() -> None:
    q = analyse("On what date did Kim cross into Russia?")
    assert DATE in answer_types(q, "The train crossed into Russia early today.", "2023-09-12")
    assert DATE not in answer_types(q, "The train crossed into Russia early today.", "")


# -- selection -------------------------------------------------------------------------------

WIRE_A = "Earlier Sunday, TASS said Kim had been given five explosive drones and a bulletproof vest as gifts."
WIRE_B = "TASS said on Sunday that Kim had been given five explosive drones and a bulletproof vest as gifts."


def test_duplicate_wire_sentence_is_merged_and_cites_both_articles() -> None:
    ex = ask("What gifts was Kim given?", f"{WIRE_A} Kim later toured a factory.", WIRE_B)
    assert not ex.refused
    lead = ex.chosen[0]
    assert {lead.passage.doc_id, *(c.passage.doc_id for c in lead.also_in)} == {"d0", "d1"}
    assert sum("explosive drones" in c.span.text for c in ex.chosen) == 1  # one copy quoted
    for cand in [lead, *lead.also_in]:  # each copy's offsets point into its own article
        assert cand.passage.text[cand.span.start : cand.span.end] == cand.span.text


def test_shorter_headline_does_not_swallow_a_sentence_that_says_more() -> None:
    headline = "Kim leaves Russia for North Korea following six day trip"
    full = "Kim left Russia for North Korea on Sunday following a six day trip, state media said."
    ex = ask("On what day of the week did Kim leave Russia?", f"{headline}\n\n{full}")
    assert not ex.refused and "Sunday" in answer_text(ex)


def test_answer_continues_a_list_over_the_next_sentence() -> None:
    article = (
        "Kim received five drones as gifts from the governor. "
        "The governor also offered Kim a bulletproof vest and clothing hidden from thermal cameras. "
        "Kim later toured an aircraft factory in the east."
    )
    ex = ask("What gifts did Kim receive?", article)
    text = answer_text(ex)
    assert not ex.refused and "drones" in text and "thermal cameras" in text
    # the next sentence changes subject: no continuation of the list (a free place may still quote it)
    assert all(c.role != "continuation" for c in ex.chosen if "factory" in c.span.text)


def test_free_places_quote_more_of_the_cited_articles_never_a_new_one() -> None:
    cited = (
        "Kim received five drones as gifts from the governor. "
        "The talks lasted four hours at the spaceport. "
        "Kim later toured an aircraft factory in the east."
    )
    other = "Kim was given a rifle by the governor, another agency said. The rifle was made in Russia."
    ex = ask("What gifts did Kim receive from the governor?", cited, other)
    assert not ex.refused and len(ex.chosen) <= 3
    fills = [c for c in ex.chosen if c.role == "fill"]
    assert fills, "a free place is filled"
    cited_docs = {c.passage.doc_id for c in ex.chosen if c.role != "fill"}
    assert all(c.passage.doc_id in cited_docs for c in fills)  # no new citation


def test_pronoun_lead_is_read_with_the_sentence_before() -> None:
    article = (
        "Kremlin spokesman Dmitry Peskov spoke to reporters in Moscow on Friday. "
        '"The interests of our two countries matter to us, not warnings from Washington," he said.'
    )
    ex = ask(
        "Which official said the interests of the two countries matter, not warnings from Washington?",
        article,
    )
    assert not ex.refused and "Peskov" in answer_text(ex)


# -- refusal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "without", "with_answer", "phrase"),
    [
        (
            "How many drones did Kim receive from the governor?",
            "Kim received drones and a vest from the governor.",
            "Kim received five drones from the governor.",
            "how many",
        ),
        (
            "When did Kim leave Russia by train?",
            "Kim left Russia by train after a farewell ceremony.",
            "Kim left Russia by train on Sunday.",
            "when",
        ),
        (
            "Who greeted Kim at the border station?",
            "Kim was greeted at the border station with music.",
            "Governor Oleg Kozhemyako greeted Kim at the border station.",
            "who",
        ),
    ],
)
def test_typed_question_is_refused_without_evidence_of_its_type(
    question: str, without: str, with_answer: str, phrase: str
) -> None:
    refused = ask(question, without)
    assert refused.refused and not refused.answer_type_ok
    assert refused.reason == extractive.REFUSAL_NO_TYPE.format(what=phrase)
    answered = ask(question, without, with_answer)
    assert not answered.refused and with_answer in answer_text(answered)


def test_question_about_something_the_articles_never_state_is_refused() -> None:
    article = "Kim attended a banquet in Vladivostok with the regional governor on Sunday evening."
    focus_only = policies.Policy(min_score=0.0, min_focus_coverage=0.25)  # the focus check alone decides
    with policies.using(focus_only):
        ex = ask("What did Kim eat at the banquet with the governor?", article)
        assert not ex.refused  # eat is missing, but banquet and governor are there: most of the focus
        ex = ask("What did Kim eat for breakfast on the train?", article)
    assert ex.refused and ex.focus_coverage < focus_only.min_focus_coverage
    assert "“breakfast”" in ex.reason or "“eat”" in ex.reason or "“train”" in ex.reason


def test_off_topic_question_is_refused_on_score() -> None:
    ex = ask("What is the boiling point of water at sea level?", "Kim received five drones as gifts.")
    assert ex.refused and ex.reason == extractive.REFUSAL_NO_EVIDENCE


def test_no_passages_is_a_refusal() -> None:
    ex = extract("What gifts did Kim receive?", Retrieval("q", []), embed=fake_embed, idf=idf)
    assert ex.refused and ex.chosen == []


# -- the real seeded index ---------------------------------------------------------------------

GIFT_FACTS = {"drones": "drone", "bulletproof": "bulletproof", "thermal": "thermal"}


def test_gift_answer_names_all_three_gifts_each_cited_to_an_article_that_says_it(
    seeded_settings: Settings,
) -> None:
    engine = engine_from_settings(seeded_settings)
    answer = engine.ask("What gifts did Kim receive?")
    assert not answer.refused
    text = answer.answer.lower()
    for word in GIFT_FACTS:
        assert word in text, word
    for word, needle in GIFT_FACTS.items():
        sentences = [s for s in answer.sentences if word in s.text.lower()]
        assert sentences, word
        for sentence in sentences:
            assert sentence.citations and sentence.supported
            for n in sentence.citations:
                source = answer.source(n)
                assert source is not None
                article = (engine.index.document_text(source.doc_id) or "").lower()
                assert needle in article, (word, source.doc_id)
    assert all(c.verified for c in answer.citations)
    assert len(answer.sentences) <= extractive.MAX_SENTENCES


@pytest.mark.parametrize(
    "question",
    ["Who won the 2022 football World Cup?", "How many hours did the talks last?"],
)
def test_unanswerable_questions_are_refused_with_a_clear_sentence(
    seeded_settings: Settings, question: str
) -> None:
    answer = engine_from_settings(seeded_settings).ask(question)
    assert answer.refused and answer.sources == [] and answer.citations == []
    assert answer.answer.startswith(REFUSAL_TEXT)
    reason = answer.answer[len(REFUSAL_TEXT) :].strip()
    assert reason.endswith(".") and len(reason.split()) >= 5


def test_question_frame_words_are_no_evidence_for_a_sentence() -> None:
    """ "what day did kim arrive": "six days" shares "day" with the question but does not answer it."""
    ex = ask("what day did kim arrive", "Kim spent six days in Russia.")
    assert ex.chosen and ex.chosen[0].lexical < 0.1  # "kim" alone (IDF 0.05 of 2.05)


def test_a_sentence_that_only_restates_the_question_does_not_lead() -> None:
    """What a sentence says beyond the question counts when choosing the lead (`new_information`)."""
    restates = "Storm Berit was strong, as strong as any storm."
    informs = "Storm Berit was strong, gusting to 148 kilometres an hour."
    ex = ask("how strong was storm berit", f"{restates} {informs}")
    assert ex.chosen[0].span.text == informs


def test_a_question_in_the_article_is_never_quoted_as_an_answer() -> None:
    """Teaser headlines and rhetorical questions ask; they state nothing ("Is herd immunity for
    the virus still possible?" answers no question), while reported speech with a question stays."""
    article = (
        "How will the players suit up after the Hamlin collapse?\n\n"
        "Damar Hamlin of the Buffalo Bills remains in hospital after a cardiac arrest on Monday."
    )
    ex = ask("Which team does the player Damar Hamlin play for?", article)
    assert not ex.refused and "Buffalo Bills" in answer_text(ex)
    assert "suit up" not in answer_text(ex)
    assert extractive._asks("Is herd immunity still possible?")
    assert not extractive._asks('"Why would we do that?" the coach asked.')
    assert not extractive._asks('He asked: "Why would we do that?"')


# -- "what did X say": the speaker's words must be reported --------------------------------


def test_speech_question_reads_its_speaker() -> None:
    assert analyse("what did kalvia's prime minister say about storm berit").speaker == (
        "kalvia",
        "prime",
        "minist",
    )
    opposition = analyse("what did the opposition in estova think about it")
    assert opposition.speaker == ("opposit",) and opposition.speaker_phrase == "the opposition"
    assert analyse("who said putin was begging").speaker == ()  # asks for the speaker, not the speech
    assert analyse("what did kim receive").speaker == ()


def test_speech_question_quotes_the_speaker_not_a_mention() -> None:
    mention = "The harbour fire destroyed four warehouses near the old Tallmere docks on Sunday night."
    court = (
        "Marta Oja, the company's lawyer, said Vendi would take the case to the Supreme Court "
        "within thirty days."
    )
    spoken = "The fire chief told reporters the blaze at the Tallmere docks started in a storage unit."
    ex = ask("what did the fire chief say about the tallmere docks fire", mention, spoken)
    assert not ex.refused and "told reporters" in answer_text(ex)
    # the court is named, but the lawyer is the one speaking: nothing the court said is reported
    ex = ask("what did the supreme court say in the vendi case", court)
    assert ex.refused and ex.reason == "The articles do not report what “the supreme court” said about this."
    ex = ask("what did the mayor say about the fire", mention)
    assert ex.refused


def test_speech_reported_with_a_pronoun_names_the_speaker_just_before() -> None:
    before = "Harbour master Ilse Varik spent the night at the Tallmere docks fire with her crews."
    quote = "She said the blaze at the docks had started in a storage unit near the old crane."
    ex = ask("what did varik say about the docks fire", f"{before} {quote}")
    assert not ex.refused and "She said" in answer_text(ex)


def test_speaker_separated_by_an_aside_or_named_after_the_verb() -> None:
    aside = (
        "Outgoing Prime Minister Andres Lepp, whose Civic Union will lead the opposition, called the "
        "deal a list of expensive wishes and said the plant closure would cost jobs."
    )
    inverted = "The talks were useful and will go on next month, said Kremlin spokesman Dmitry Peskov."
    assert not ask("what did lepp say about the coalition deal", aside).refused
    # the opposition is inside the aside, not the speaker
    assert ask("what did the opposition in estova say about the deal", aside).refused
    assert not ask("what did peskov say about the talks", inverted).refused
    # a reporting verb with someone else before it and the asked speaker far after it
    far = "The agency said on Monday that the talks, which Peskov had called useful, would go on next month."
    assert ask("what did peskov say about the talks", far).refused


def test_a_speaker_named_another_way_counts_by_word_vectors() -> None:
    """ "what did seoul say": "South Korea ... stated" reports it (word vectors near: 0.8 with the
    bundled model); an unrelated speaker does not."""
    same = {"seoul": 1, "korea": 1}

    def embed(texts: list[str]) -> list[list[float]]:
        base = fake_embed(texts)
        for vec, text in zip(base, texts, strict=True):
            if text in same:
                vec[:] = [0.0] * DIM
                vec[0] = 1.0
        return base

    sentence = "Both South Korea and the United States stated on Friday that the arms trade broke sanctions."
    found = retrieval("what did seoul say about the arms trade", sentence)
    assert not extract("what did seoul say about the arms trade", found, embed=embed, idf=idf).refused
    assert extract("what did seoul say about the arms trade", found, embed=fake_embed, idf=idf).refused


def test_speech_by_an_acronym_is_speech_by_what_it_stands_for() -> None:
    written_out = (
        "The Quarry Conservation Authority said the new pit at Harrow Moor would harm the river, "
        "and asked the council to refuse it."
    )
    initials = "The QCA said the new pit at Harrow Moor would harm the river and asked for a hearing."
    assert not ask("what did the qca say about the harrow moor pit", written_out).refused
    spelled = "what did the quarry conservation authority say about the harrow moor pit"
    assert not ask(spelled, initials).refused
    # another body's words are still no speech by it
    other = "The Harbour Board said the new pit at Harrow Moor would harm the river."
    assert ask("what did the qca say about the harrow moor pit", other).refused
