"""Question reading against the corpus vocabulary: typos, chit-chat, unknown names (pure logic)."""

from __future__ import annotations

from collections import Counter

from rag.extractive import analyse
from rag.question import Vocabulary, english_typo, read
from rag.sentences import content_terms

CORPUS = (
    "Kim Jong Un boarded his armoured train in Artyom. The train crossed the border. "
    "The governor gave Kim a bulletproof vest and five explosive drones. "
    "Kim and Putin met at the Vostochny spaceport. Shoigu showed Kim the reconnaissance drones."
)


def vocab() -> Vocabulary:
    return Vocabulary(Counter(content_terms(CORPUS)))


def reading(question: str):  # type: ignore[no-untyped-def]
    q = analyse(question)
    return read(q.focus, q.names, vocab())


def test_typos_are_corrected_to_the_corpus_vocabulary() -> None:
    r = reading("wat pulled kims trian")
    assert ("trian", "train") in r.corrected
    assert "train" in {t for t, _ in r.focus}
    r = reading("wat is the name of the spaceprot")
    assert any(w == "spaceprot" and t.startswith("spaceport") for w, t in r.corrected)
    assert r.unknown == ()


def test_chit_chat_and_contractions_are_not_focus() -> None:
    r = reading("ok so im a bit confused lol, whats the train")
    words = {w for _, w in r.focus}
    assert words == {"train"}
    assert r.unknown == ()


def test_a_name_the_articles_never_mention_is_unknown() -> None:
    assert reading("what did zelensky say about the train").unknown == ("zelensky",)
    assert reading("was the drone a kalashnikov").unknown == ("kalashnikov",)
    # An English word the articles never use is asked for, not unknown: "colour" must be stated.
    r = reading("what colour was the vest")
    assert r.unknown == () and "colour" in {w for _, w in r.focus}


def test_abbreviation_reads_as_the_corpus_word_it_shortens() -> None:
    r = reading("what did the recon drones do")
    assert r.unknown == () and any(t.startswith("reconnaiss") for t, _ in r.focus)


def test_english_typo_is_not_a_name() -> None:
    assert english_typo("drnk") and not english_typo("zelensky")


def test_without_a_vocabulary_nothing_is_corrected_or_unknown() -> None:
    q = analyse("what did zelensky say")
    r = read(q.focus, q.names, None)
    assert r.unknown == () and r.corrected == ()


def test_opening_chit_chat_does_not_hide_the_question_word() -> None:
    from rag.question import strip_chatter

    assert strip_chatter("ok so lol what colour was the vest") == "what colour was the vest"
    assert strip_chatter("im curious, who went with him") == "who went with him"
    assert analyse("ok so lol what colour was the vest").head == "colour"
    assert analyse("hey when did kim leave").types == ("time",)
