"""The ask of a question with a premise as a second retrieval query (rag.askquery, rag.retrieve).

Unit tests of `ask_query` and weighted `rrf`, then real retrieval (real Chroma, the real embedding
model, a real ingest) over a small corpus written for this test: articles that restate a question's
premise outrank, on the whole question, the one article that answers its ask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import rag.askquery
import rag.retrieve
from rag.askquery import ask_query
from rag.config import Settings
from rag.ingest import ingest
from rag.retrieve import HybridRetriever, rrf
from rag.wiring import open_index

PREMISE = "The Tallowmere library reopened this week after a two-year renovation."
QUESTION = f"{PREMISE} Who designed its new reading room?"

ARTICLES = {
    "reopens.txt": (
        "Tallowmere library reopens after two-year renovation\n\n"
        "The Tallowmere public library reopened its doors this week after a two-year renovation. Crowds "
        "lined up outside the library on opening morning, and the mayor cut a ribbon at the renovated "
        "entrance.\n\nThe renovation cost 14 million crowns and was paid for by a city bond. Librarians said "
        "the reopening week brought more visitors than any week before the renovation.\n"
    ),
    "closes.txt": (
        "Renovation of Tallowmere library to take two years\n\n"
        "The Tallowmere public library will close for a two-year renovation, the city council said. The "
        "library will reopen once the renovation of its roof, stairs and heating is finished.\n\n"
        "Council members said the renovation was overdue and that the reopened library would serve the "
        "city for decades.\n"
    ),
    "brakesby.txt": (
        "Neighbouring Brakesby library reopens after renovation\n\n"
        "The Brakesby library reopened this week after a long renovation, weeks after Tallowmere's library "
        "began its own two-year renovation. Visitors praised the renovated children's floor.\n\n"
        "The reopening drew families from across the valley.\n"
    ),
    "room.txt": (
        "A reading room with a view\n\n"
        "The new reading room on the top floor was designed by architect Priya Okonkwo, who placed tall oak "
        "shelves under a glass roof. Okonkwo said she wanted readers to see the sky while they read.\n\n"
        "The room seats ninety people and stays open until ten at night.\n"
    ),
    "region.txt": (
        "Library renovations across the region\n\n"
        "Libraries in Tallowmere, Brakesby and Ollerton were renovated over the past decade. Each "
        "renovation added ramps and lifts, and each library reopened with longer hours.\n"
    ),
}


def test_the_ask_is_queried_only_after_a_premise() -> None:
    assert ask_query(QUESTION) == "Who designed its new reading room?"
    assert ask_query("Who designed the new reading room of the Tallowmere library?") is None  # no premise
    assert ask_query("In addition to the library, which building reopened this week?") == (
        "which building reopened this week?"
    )
    assert ask_query("The library reopened this week. Who?") is None  # too short to rank on its own


def test_a_zero_weight_turns_the_ask_query_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rag.askquery, "ASK_WEIGHT", 0.0)
    assert ask_query(QUESTION) is None


def test_rrf_weights_scale_each_ranking() -> None:
    fused = rrf([["a", "b"], ["b", "a"]], k=10, weights=[1.0, 0.5])
    assert fused["a"] == pytest.approx(1 / 11 + 0.5 / 12)
    assert fused["b"] == pytest.approx(1 / 12 + 0.5 / 11)
    assert fused["a"] > fused["b"]  # the heavier ranking decides a tie of ranks
    assert rrf([["a", "b"], ["b", "a"]], k=10) == rrf([["a", "b"], ["b", "a"]], k=10, weights=[1.0, 1.0])


@pytest.fixture
def library(settings_factory: Any, embed_model: Any, tmp_path: Path) -> HybridRetriever:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings: Settings = settings_factory(sources=[folder])
    ingest(settings=settings, embed_model=embed_model, progress=False)
    return HybridRetriever(
        open_index(settings), embed_model=embed_model, top_k=2, cache_dir=settings.data_dir
    )


def test_the_article_answering_the_ask_is_kept_over_premise_look_alikes(
    library: HybridRetriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = library.retrieve(QUESTION).passages
    assert any("Okonkwo" in p.text for p in kept)
    room = next(p for p in kept if "Okonkwo" in p.text)
    # its ranks are still the whole question's, on which it is not first on the dense side
    assert room.dense_rank is not None and room.dense_rank > 1
    monkeypatch.setattr(rag.askquery, "ASK_WEIGHT", 0.0)  # the whole question alone: the premise wins
    assert not any("Okonkwo" in p.text for p in library.retrieve(QUESTION).passages)
