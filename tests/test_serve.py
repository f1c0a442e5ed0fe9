"""The chat app serves a page on loopback and answers through Gradio's API."""

from __future__ import annotations

import socket
import urllib.request

from rag.config import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_app_serves_and_answers(seeded_settings: Settings) -> None:
    from gradio_client import Client

    from ui.app import build_app

    port = _free_port()
    app = build_app(seeded_settings)
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200
            assert "gradio" in page.read().decode("utf-8", "replace").lower()
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        reply = client.predict("What gifts did Kim receive?", api_name="/respond")
        assert "drones" in str(reply) and "Sources" in str(reply)
        empty = client.predict("   ", api_name="/respond")
        assert "Please type a question" in str(empty)
    finally:
        app.close()
