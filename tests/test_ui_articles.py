"""The reader, corpus and status routes (ui/articles.py) on a real server over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SEED_IDS
from tests.live import QUESTION, Server, running_server, seeded_copy

pytestmark = pytest.mark.slow


def test_corpus_says_what_is_in_here(server: Server) -> None:
    body = httpx.get(f"{server.url}/api/corpus", timeout=60).json()
    assert body["count"] == 5 and sorted(a["doc_id"] for a in body["articles"]) == sorted(SEED_IDS)
    by_id = {a["doc_id"]: a for a in body["articles"]}
    assert by_id["002_d5cbf879a7b1fe58"]["date_label"] == "12 September 2023"
    assert by_id["000_e234b3a123fa6287"]["date_label"] == "date not stated"
    assert all(a["title"] and not a["title"].endswith("…") for a in body["articles"])
    assert all("/" not in str(v) for a in body["articles"] for v in a.values())  # no server paths


def test_article_text_holds_every_quote_at_its_offsets(server: Server) -> None:
    answer = server.service.ask(QUESTION)
    for source in answer.sources:
        article = httpx.get(f"{server.url}/api/articles/{source.doc_id}", timeout=60).json()
        assert article["title"] == source.title
        for quote in source.quotes:
            assert article["text"][quote.start : quote.end] == quote.text
    missing = httpx.get(f"{server.url}/api/articles/no-such-article", timeout=60)
    assert missing.status_code == 404 and "not in the collection" in missing.json()["error"]


def test_status_page_is_for_operators(server: Server) -> None:
    page = httpx.get(f"{server.url}/status", timeout=60)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Documents / chunks" in page.text and "5 / " in page.text
    assert str(server.settings.chroma_path) in page.text  # the details users never see


def test_routes_need_the_token_when_one_is_set(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory, access_token="t0ken")
    with running_server(settings, embed_model) as srv:
        for path in ("/api/corpus", f"/api/articles/{SEED_IDS[0]}", "/status"):
            assert httpx.get(srv.url + path, timeout=60).status_code == 401
        ok = httpx.get(srv.url + "/api/corpus", headers={"Authorization": "Bearer t0ken"}, timeout=60)
        assert ok.status_code == 200 and ok.json()["count"] == 5
