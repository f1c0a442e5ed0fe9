"""Questions about things the corpus never mentions, and small talk (`rag.coverage` and its hook in the
reader).

Pure logic on small passages of our own. The reader runs with the bag-of-words fake embedder of
tests/test_extractive.py (word vectors of single words are then exact matches only, so a near
synonym is given explicitly where a test needs one) and a term snapshot built from the passages,
so the reader knows which words the articles use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from rag import coverage as coverages
from rag import extractive
from rag import policy as policies
from rag.coverage import Coverage, coverage, near_cover, nearest, small_talk, specificity
from rag.retrieve import Retrieval, _Snapshot
from rag.sentences import base_terms
from tests.test_extractive import fake_embed, idf, retrieval

TRAIN = "Kim Jong Un travelled to Russia by armoured train and met Vladimir Putin at the spaceport."
GIFTS = "Putin gave Kim a rifle and a bulletproof vest as gifts, and Kim received five drones."
BASE = {
    "min_score": 0.0,
    "min_focus_coverage": 0.0,
    "require_answer_type": False,
    "refuse_unknown_names": False,
}
OFF = policies.Policy(**BASE)  # type: ignore[arg-type]
ON = policies.Policy(**BASE, min_corpus_coverage=0.3, refuse_small_talk=True)  # type: ignore[arg-type]
FREQUENCIES = {"kimchi": 5.1, "make": 8.9, "hamlet": 6.4, "wrote": 7.8, "presents": 7.3, "kim": 6.0}


def frequency(word: str) -> float:
    return FREQUENCIES.get(word, 0.0)


def synonyms(pairs: dict[str, str]) -> Callable[[list[str]], list[list[float]]]:
    """The fake embedder with some words embedded as another ("presents" as "gifts")."""

    def embed(texts: list[str]) -> list[list[float]]:
        return fake_embed([pairs.get(t, t) for t in texts])

    return embed


def ask(
    question: str, *articles: str, embed: Callable[[list[str]], list[list[float]]] = fake_embed
) -> extractive.Extract:
    found = retrieval(question, *articles)
    df = Counter(t for text in articles for t in set(base_terms(text)))
    snap = _Snapshot("v1", {}, None, df, len(articles))
    with_snapshot = Retrieval(found.query, found.passages, found.query_embedding, snap)
    return extractive.extract(question, with_snapshot, embed=embed, idf=idf)


# -- the pure readings ------------------------------------------------------------------------


def test_a_common_english_word_weighs_nothing_and_a_rare_one_much() -> None:
    assert specificity(7.9) == 0.0  # "anything"
    assert specificity(coverages.COMMON_FREQUENCY) == 0.0
    assert specificity(5.1) == pytest.approx(coverages.COMMON_FREQUENCY - 5.1)  # "kimchi"
    assert near_cover(0.2) == 0.0 and near_cover(0.9) == 1.0
    assert 0.0 < near_cover((coverages.NEAR_FLOOR + coverages.NEAR_FULL) / 2) < 1.0


def test_an_unseen_rare_word_with_nothing_near_is_uncovered_in_the_users_spelling() -> None:
    found = coverage(["make", "kimchi"], ["kimchi"], frequency, {"kimchi": 0.2})
    assert found == Coverage(share=0.0, missing=("kimchi",))  # "make" is too common to count
    found = coverage(["wrote", "hamlet", "kim"], ["hamlet"], frequency, {})
    assert 0.0 < found.share < 1.0 and found.missing == ("hamlet",)  # "kim" is used: partly covered


def test_a_paraphrase_a_common_word_or_a_number_keeps_the_question_covered() -> None:
    assert coverage(["presents", "kim"], ["presents"], frequency, {"presents": 0.8}).share == 1.0
    assert (
        coverage(["anything", "kim"], ["anything"], lambda w: 7.9 if w == "anything" else 0.0, {}).share
        == 1.0
    )
    assert coverage(["2019"], ["2019"], frequency, {}).share == 1.0
    assert coverage([], [], frequency, {}) == Coverage()


def test_the_relation_asked_and_an_unplaced_typo_weigh_nothing() -> None:
    rare = {"oversee": 6.3, "exploring": 6.9, "chairman": 6.9, "drnk": 0.0, "vodka": 5.5, "berendt": 0.0}
    assert (
        coverage(["oversee", "chairman"], ["oversee"], rare.__getitem__, {}, predicate="oversee").share == 1.0
    )
    assert coverage(["exploring", "chairman"], ["exploring"], rare.__getitem__, {}).share == 1.0
    assert coverage(["drnk", "vodka"], ["drnk"], rare.__getitem__, {}).share == 1.0  # a typo
    named = coverage(["berendt", "vodka"], ["berendt"], rare.__getitem__, {}, names=["berendt"])
    assert named.missing == ("berendt",)  # a name the articles never mention is uncovered
    assert coverage(["oversee", "chairman"], ["oversee"], rare.__getitem__, {}).missing == ("oversee",)


def test_the_nearest_word_skips_the_word_piece_the_unseen_word_starts_with() -> None:
    embed = synonyms({"kimchi": "kim", "presents": "gifts"})  # "kimchi" embeds like its piece "kim"
    near = nearest(["kimchi", "presents"], ["kim", "gifts", "train"], embed)
    assert near["kimchi"] < 0.5  # "kim" is its own beginning, not a meaning
    assert near["presents"] == pytest.approx(1.0)
    assert nearest(["kimchi"], [], embed) == {"kimchi": 0.0}
    # a whole word of the model's vocabulary is near its beginning by meaning ("columnist", "column")
    near_column = synonyms({"columnist": "column"})
    assert nearest(["columnist"], ["column"], near_column, whole={"columnist"})["columnist"] == pytest.approx(
        1.0
    )
    assert nearest(["columnist"], ["column"], near_column)["columnist"] < 0.5


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [
        ("how are you today?", ["today"], True),
        ("hey how are you doing today", ["today"], True),
        ("hi", [], True),
        ("thanks thats all", [], True),
        ("why", [], False),  # a bare follow-up
        ("when was that?", [], False),
        ("what happened today", [], False),  # about the news, not the assistant
        ("can you tell me what gifts kim got", ["gifts", "kim"], False),
    ],
)
def test_small_talk_is_a_question_without_content_addressed_to_the_assistant(
    text: str, content: list[str], expected: bool
) -> None:
    assert small_talk(text, content) is expected


# -- the reader's hook --------------------------------------------------------------------------


def test_a_question_about_something_the_articles_never_mention_is_refused_by_name() -> None:
    with policies.using(ON):
        ex = ask("How do I make kimchi?", TRAIN, GIFTS)
    assert ex.refused
    assert ex.uncovered[:1] == ("kimchi",)
    assert ex.reason == "The articles never mention “kimchi”."
    with policies.using(OFF):  # the check off: the reader answers with the closest sentence
        assert not ask("How do I make kimchi?", TRAIN, GIFTS).refused


def test_a_paraphrase_near_a_passage_word_is_not_refused() -> None:
    with policies.using(ON):
        literal = ask("What grenades did Kim receive?", TRAIN, GIFTS)  # no word near "grenades"
        near = ask("What grenades did Kim receive?", TRAIN, GIFTS, embed=synonyms({"grenades": "rifle"}))
        common = ask("What presents did Kim receive?", TRAIN, GIFTS)  # "presents" is common English
    assert literal.refused and literal.uncovered == ("grenades",)
    assert not common.refused and common.unseen == ("presents",)
    assert not near.refused and near.corpus_coverage == 1.0


def test_small_talk_is_refused_with_a_reason_that_says_so() -> None:
    with policies.using(ON):
        ex = ask("how are you today?", TRAIN, GIFTS)
    assert ex.small_talk and ex.refused
    assert ex.reason == extractive.REFUSAL_SMALL_TALK
    with policies.using(ON):
        assert not ask("What gifts did Kim receive?", TRAIN, GIFTS).refused
    with policies.using(OFF):
        assert not ask("how are you today?", TRAIN, GIFTS).refused


def test_word_vectors_are_computed_only_for_a_specific_unseen_word(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []
    real = coverages.nearest

    def spy(targets, vocab, embed, whole=()):
        asked.append(list(targets))
        return real(targets, vocab, embed, whole)

    monkeypatch.setattr(coverages, "nearest", spy)
    with policies.using(ON):
        ask("What presents did Kim receive?", TRAIN, GIFTS)  # "presents" is common: nothing to compare
        assert asked == []
        ask("What grenades did Kim receive?", TRAIN, GIFTS)
    assert asked == [["grenades"]]
