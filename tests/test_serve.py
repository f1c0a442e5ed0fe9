"""`rag serve` starts the server; Gradio's own API answers through `gradio_client`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rag.config import Settings
from tests.live import QUESTION, running_server
from tests.llm_server import free_port
from tests.test_api import check_cited_answer


def test_gradio_client_streams_a_cited_answer(seeded_settings: Settings, embed_model: Any) -> None:
    from gradio_client import Client

    with running_server(seeded_settings, embed_model) as srv:
        page = httpx.get(srv.url + "/", timeout=30)
        assert page.status_code == 200 and "gradio" in page.text.lower()
        client = Client(srv.url + "/", verbose=False)
        try:
            assert "/respond" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
            job = client.submit(QUESTION, [], api_name="/respond")
            final = job.result(timeout=60)
            updates = job.outputs()
            assert [u["done"] for u in updates][-1] is True and all(not u["done"] for u in updates[:-1])
            assert len(updates) >= 2  # partial text first, then the answer
            assert updates[0]["text"] and final["text"] == final["answer"]["answer"]
            check_cited_answer(final["answer"])
            assert 'class="rag-badge"' in final["html"]

            history = [
                {"role": "user", "content": QUESTION},
                {"role": "assistant", "content": final["answer"]["answer"]},
            ]
            follow = client.predict("Who gave them to him?", history, api_name="/respond")
            assert follow["answer"]["searched_for"], follow

            empty = client.predict("   ", [], api_name="/respond")
            assert empty == {"done": True, "error": "Please type a question.", "status": 400}
        finally:
            client.close()


def test_rag_serve_command(seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """`rag serve --host --port` builds the whole server and hands it to uvicorn."""
    import uvicorn

    from rag.cli import main
    from ui.server import serve_in_thread
    from ui.service import ChatService

    port = free_port()
    seen: dict[str, Any] = {}

    def run(app: Any, *, host: str, port: int, **kwargs: Any) -> None:  # uvicorn.run, but returns
        seen.update(host=host, port=port, access_log=kwargs.get("access_log"))
        with serve_in_thread(app, host=host, port=port) as url:
            seen["health"] = httpx.get(f"{url}/healthz", timeout=10).json()
            seen["embed"] = httpx.get(f"{url}/embed", timeout=10).status_code
            seen["page"] = httpx.get(f"{url}/", timeout=10).text

    monkeypatch.setenv("RAG_DATA_DIR", str(seeded_settings.data_dir))
    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr(ChatService, "warm_up", lambda self: None)
    assert main(["serve", "--host", "127.0.0.1", "--port", str(port)]) == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == port
    assert seen["access_log"] is False  # page URLs may carry the token
    assert seen["health"]["status"] == "ok" and seen["embed"] == 200 and "Ask the news" in seen["page"]
