"""The LLM path goes through the same verification: an LLM's "In total:" is checked by its
arithmetic and its "Yes."/"No." is flagged with the quote after it, on the real engine over the seeded index
(the model's reply is scripted, so the test controls exactly what it claims)."""

from __future__ import annotations

from typing import Any

from rag.answer import Answer
from rag.config import Settings
from rag.engine import build_engine
from rag.index import open_index
from rag.llm import OpenAIAnswerer, number_sources
from tests.test_llm import ScriptedLLM

DRONES = "How many drones did Kim get?"
GIFT_SENTENCE = (
    "Kim had been given five explosive drones, a reconnaissance drone and a bulletproof vest as gifts"
)


def _ask(settings: Settings, embed_model: Any, reply: str, judge_says: str = "") -> Answer:
    judge = OpenAIAnswerer(ScriptedLLM("", condensed=judge_says)).judge if judge_says else None
    engine = build_engine(
        open_index(settings),
        embed_model=embed_model,
        answerer=OpenAIAnswerer(ScriptedLLM(reply.format(n=_drone_source(settings, embed_model)))),
        judge=judge,
    )
    return engine.ask(DRONES)


def _drone_source(settings: Settings, embed_model: Any) -> int:
    engine = build_engine(open_index(settings), embed_model=embed_model)
    _, numbers = number_sources(engine.retriever.retrieve(DRONES))
    return next(n for n, d in numbers.items() if d.startswith("004"))


def test_an_llm_total_is_checked_by_its_arithmetic(seeded_settings: Settings, embed_model: Any) -> None:
    right = _ask(seeded_settings, embed_model, "In total: six drones. [{n}] " + GIFT_SENTENCE + " [{n}].")
    total = right.citations[0]
    assert total.sentence == 0 and total.verified and total.method == "total" and right.sentences[0].supported
    assert "five explosive drones, a reconnaissance drone" in total.quote
    # a wrong total citing the same sentence stays flagged, even when an LLM judge would pass it
    wrong = _ask(
        seeded_settings, embed_model, "In total: seven drones. [{n}] " + GIFT_SENTENCE + " [{n}].", "Yes."
    )
    assert not wrong.sentences[0].supported
    assert [(c.verified, c.method) for c in wrong.citations if c.sentence == 0] == [(False, "total")]
    assert wrong.sentences[1].supported  # the quoted sentence itself is still supported


def test_an_llm_yes_is_flagged_and_quotes_the_sentence_after_it(
    seeded_settings: Settings, embed_model: Any
) -> None:
    grounded = _ask(seeded_settings, embed_model, "Yes. [{n}] " + GIFT_SENTENCE + " [{n}].")
    assert [s.supported for s in grounded.sentences] == [False, True]
    assert [(c.method, c.verified) for c in grounded.citations if c.sentence == 0] == [("yes-no", False)]
    invented = _ask(
        seeded_settings,
        embed_model,
        "Yes. [{n}] Kim was given a golden samovar by the mayor of Moscow [{n}].",
    )
    assert not invented.sentences[0].supported and not invented.sentences[1].supported
    assert not any(c.verified for c in invented.citations)
