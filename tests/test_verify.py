"""Citation verification with the real local embedding model (offline)."""

from __future__ import annotations

from typing import Any

from rag.answer import Answer, AnswerSentence, Citation, Source
from rag.engine import _renumber
from rag.sentvec import CachedEmbedder
from rag.verify import Evidence, adds_up, evidence_from_passages, quoted_in, read_total, verify

ARTICLE_1 = (
    "TASS said Kim had been given five explosive drones and a bulletproof vest as gifts from a regional "
    "governor. On Saturday he met the Russian defence minister in Vladivostok."
)
ARTICLE_2 = "Kim boarded his personal armored train in Pyongyang on Sunday, according to state media."


def _evidence() -> list[Evidence]:
    return evidence_from_passages(1, "a1", "Article one", [(ARTICLE_1, 0, "a1::x::0")]) + (
        evidence_from_passages(2, "a2", "Article two", [(ARTICLE_2, 0, "a2::x::0")])
    )


def test_supported_citation_is_verified_and_quoted(embed_model: Any) -> None:
    sentences = [AnswerSentence("Kim was given five explosive drones and a bulletproof vest.", [1])]
    [citation] = verify(sentences, _evidence(), embed=CachedEmbedder(embed_model))
    assert citation.verified and citation.n == 1 and citation.doc_id == "a1"
    assert citation.quote.startswith("TASS said Kim had been given five explosive drones")
    assert ARTICLE_1[citation.start : citation.end] == citation.quote
    assert sentences[0].supported


def test_planted_unsupported_sentence_is_flagged(embed_model: Any) -> None:
    sentences = [
        AnswerSentence("Kim boarded his armored train in Pyongyang on Sunday.", [2]),
        AnswerSentence("Kim was also given a golden samovar by the mayor of Moscow.", [1]),  # planted
        AnswerSentence("Putin promised to build a bridge across the Pacific Ocean next year.", []),  # planted
    ]
    citations = verify(sentences, _evidence(), embed=CachedEmbedder(embed_model))
    by_sentence = {c.sentence: c for c in citations}
    assert by_sentence[0].verified
    assert not by_sentence[1].verified and not sentences[1].supported
    assert 2 not in by_sentence and not sentences[2].supported


def test_uncited_supported_sentence_gets_a_citation(embed_model: Any) -> None:
    sentences = [AnswerSentence("On Saturday Kim met the Russian defence minister in Vladivostok.", [])]
    [citation] = verify(sentences, _evidence(), embed=CachedEmbedder(embed_model))
    assert citation.added and citation.verified and citation.n == 1
    assert sentences[0].citations == [1] and sentences[0].supported


def test_short_and_refusal_sentences_need_no_citation(embed_model: Any) -> None:
    sentences = [AnswerSentence("I don't know based on these articles.", []), AnswerSentence("In short:", [])]
    assert verify(sentences, _evidence(), embed=CachedEmbedder(embed_model)) == []
    assert all(s.supported for s in sentences)


def test_a_short_answer_quoted_from_its_source_is_verified(embed_model: Any) -> None:
    """ "On Sunday.", "A regional governor." and "State media." stand word for word in their articles, yet
    their embeddings are far from the long sentence (support 0.50-0.59 without the word-for-word check)."""
    sentences = [
        AnswerSentence("On Sunday.", [2]),
        AnswerSentence("A regional governor.", [1]),
        AnswerSentence("State media.", [2]),
        AnswerSentence("On Sunday.", [1]),  # the wrong article: not there
        AnswerSentence("A city mayor.", [1]),  # not what it says
    ]
    citations = verify(sentences, _evidence(), embed=CachedEmbedder(embed_model))
    assert [c.verified for c in citations] == [True, True, True, False, False]
    assert citations[1].quote.startswith("TASS said Kim had been given five explosive drones")
    assert [s.supported for s in sentences] == [True, True, True, False, False]


def test_quoted_in_reads_words_not_characters() -> None:
    sentence = "Kim spent six days in Komsomolsk-on-Amur, where he met Putin."
    assert quoted_in("Six days.", sentence) and quoted_in("In Komsomolsk-on-Amur.", sentence)
    assert not quoted_in("ix days", sentence)  # a word cut in two
    assert not quoted_in("No.", sentence)  # no content word
    assert not quoted_in("Kim spent six days in Komsomolsk-on-Amur", sentence)  # long claims: the full check


def test_renumbering_follows_first_citation_order() -> None:
    answer = Answer(question="q", answer="", refused=False, backend="extractive")
    answer.sentences = [AnswerSentence("First.", [3]), AnswerSentence("Second.", [1, 3])]
    answer.sources = [
        Source(1, "d1", "T1", "", ""),
        Source(3, "d3", "T3", "", ""),
        Source(2, "d2", "T2", "", ""),
    ]
    answer.citations = [
        Citation(3, "d3", "T3", 0, "q", 0, 1, True, 1.0),
        Citation(1, "d1", "T1", 1, "q", 0, 1, True, 1.0),
    ]
    _renumber(answer)
    assert answer.answer == "First.[1] Second.[2][1]"
    assert [(s.n, s.doc_id) for s in answer.sources] == [(1, "d3"), (2, "d1")]  # d2 was never cited
    assert [(c.n, c.doc_id) for c in answer.citations] == [(1, "d3"), (2, "d1")]


# -- the reader's connecting words: a total added up, a "Yes."/"No." -------------------------------

HARBOUR = (
    "The navy commissioned four patrol boats and two rescue boats at the harbour on Monday. "
    "The mayor said the harbour would reopen to ferries next spring."
)
COAST = "The coast guard bought one helicopter in March, officials said."
ENUMERATION = "The navy commissioned four patrol boats and two rescue boats at the harbour on Monday."


def _harbour() -> list[Evidence]:
    return evidence_from_passages(1, "h1", "Harbour", [(HARBOUR, 0, "h1::x::0")]) + (
        evidence_from_passages(2, "c2", "Coast guard", [(COAST, 0, "c2::x::0")])
    )


def test_a_total_is_verified_by_the_sentence_it_adds_up_from(embed_model: Any) -> None:
    """ "In total: six boats." shares too few words with its sentence to clear the similarity check
    (today: flagged); the four and two boats of the cited sentence add up to it."""
    sentences = [AnswerSentence("In total: six boats.", [1]), AnswerSentence(ENUMERATION, [1])]
    citations = verify(sentences, _harbour(), embed=CachedEmbedder(embed_model))
    assert citations[0].sentence == 0 and citations[0].verified and citations[0].method == "total"
    assert citations[0].quote == ENUMERATION and HARBOUR[citations[0].start : citations[0].end] == ENUMERATION
    assert all(s.supported for s in sentences)


def test_a_wrong_total_stays_flagged_whatever_a_judge_says(embed_model: Any) -> None:
    sentences = [
        AnswerSentence("In total: seven boats.", [1]),  # the sum is six
        AnswerSentence("In total: six ferries.", [1]),  # six, but of another noun
        AnswerSentence("In total: six boats.", [2]),  # the wrong article
        AnswerSentence("In total: four boats.", [1]),  # one addend is not the total
    ]
    citations = verify(sentences, _harbour(), embed=CachedEmbedder(embed_model), judge=lambda claim, p: True)
    assert [c.verified for c in citations] == [False, False, False, False]
    assert [s.supported for s in sentences] == [False, False, False, False]
    assert all(c.method == "total" for c in citations)  # the judge (an LLM) does not decide arithmetic


def test_an_uncited_total_is_cited_only_where_it_adds_up(embed_model: Any) -> None:
    """Today a four-word sentence needs no citation: an LLM's uncited wrong total passed unflagged."""
    right, wrong = AnswerSentence("In total: six boats.", []), AnswerSentence("In total, 7 boats.", [])
    citations = verify([right, wrong], _harbour(), embed=CachedEmbedder(embed_model))
    assert [(c.sentence, c.n, c.added, c.verified) for c in citations] == [(0, 1, True, True)]
    assert right.citations == [1] and right.supported
    assert wrong.citations == [] and not wrong.supported


def test_yes_is_flagged_but_quotes_the_supported_sentence_after_it(embed_model: Any) -> None:
    """Whether a sentence settles the question is beyond a quote: "Yes." stays the reader's
    inference, flagged, with the quote it rests on (the sentence after it, itself verified)."""
    sentences = [AnswerSentence("Yes.", [1]), AnswerSentence(ENUMERATION, [1])]
    citations = verify(sentences, _harbour(), embed=CachedEmbedder(embed_model))
    assert [(c.sentence, c.verified, c.method) for c in citations] == [
        (0, False, "yes-no"),
        (1, True, "similarity"),
    ]
    assert citations[0].quote == citations[1].quote == ENUMERATION
    assert [s.supported for s in sentences] == [False, True]
    uncited = [
        AnswerSentence("No.", []),
        AnswerSentence("The mayor said the harbour would reopen next spring.", [1]),
    ]
    assert [c.sentence for c in verify(uncited, _harbour(), embed=CachedEmbedder(embed_model))] == [1]
    assert [s.supported for s in uncited] == [False, True]


def test_yes_before_an_unsupported_sentence_stays_flagged(embed_model: Any) -> None:
    planted = "The navy also sank an enemy submarine near the harbour last winter."
    cases = [
        [AnswerSentence("Yes.", [1]), AnswerSentence(planted, [1])],
        [AnswerSentence("No.", []), AnswerSentence(planted, [1])],  # uncited: today it passed unflagged
        [AnswerSentence("Yes.", [1])],  # nothing after it
        [AnswerSentence("Yes.", [2]), AnswerSentence(ENUMERATION, [1])],  # its article is not the one quoted
    ]
    for sentences in cases:
        citations = verify(sentences, _harbour(), embed=CachedEmbedder(embed_model))
        assert not sentences[0].supported, sentences
        assert not any(c.verified for c in citations if c.sentence == 0)


def test_read_total_and_adds_up() -> None:
    assert read_total("In total: six drones.") == (6, "drones")
    assert read_total("In total, 41,000 drones.") == (41000, "drones")
    assert read_total("In total: two.") == (2, "")
    assert read_total("In total, Kim got six drones.") is None  # more than a count: checked as a sentence
    assert read_total("In total: several drones.") is None
    # a claimed total that looks like a year is still a count to check (an article's "2019" is not)
    assert read_total("In total: 2019 drones.") == (2019, "drones")
    assert read_total("In total: Six drones.") == (6, "drones")
    assert adds_up(6, "drones", "He got five explosive drones and a reconnaissance drone.")
    assert adds_up(6, "drones", "Kim received six drones from the governor.")  # stated, not added
    assert adds_up(2, "", "He got one attack drone and one reconnaissance drone.")  # no plural to quote
    assert not adds_up(5, "drones", "Five drones came on Monday and one drone on Tuesday.")  # a part
    assert not adds_up(6, "drones", "He got five explosive drones and a drone show.")  # shows, not drones
    assert not adds_up(6, "drones", "He got the five explosive drones and a drone.")  # counted before
