"""The HTTP API on a real server: JSON and streamed answers, errors, limits, origins, token.

Each server is the real FastAPI app (`ui.server.create_app`, Gradio mounted) run by
uvicorn on a free loopback port, over a copy of the seeded index. The engine is the
real one; tests only hand it the session's embedding model so it is loaded once.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import QUESTION, Server, running_server, seeded_copy
from tests.llm_server import free_port
from ui.server import MAX_BODY_BYTES
from ui.service import UNEXPECTED


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        name = next(line[6:].strip() for line in lines if line.startswith("event:"))
        data = "\n".join(line[5:].strip() for line in lines if line.startswith("data:"))
        events.append((name, json.loads(data)))
    return events


def check_cited_answer(answer: dict[str, Any]) -> None:
    """A grounded answer: markers point at numbered sources whose quotes verify."""
    assert not answer["refused"] and "drones" in answer["answer"]
    numbers = [s["n"] for s in answer["sources"]]
    assert numbers == list(range(1, len(numbers) + 1))
    assert any(c["verified"] for c in answer["citations"])
    for c in answer["citations"]:
        assert f"[{c['n']}]" in answer["answer"] and c["n"] in numbers and c["quote"]


def test_healthz_and_openapi_schema(http: httpx.Client) -> None:
    health = http.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.json()["backend"] == "extractive"
    schema = http.get("/openapi.json").json()
    assert {"/api/ask", "/api/ask/stream", "/api/feedback", "/healthz"} <= set(schema["paths"])
    assert {"AskRequest", "AnswerModel", "ErrorModel"} <= set(schema["components"]["schemas"])
    ask = schema["paths"]["/api/ask"]["post"]
    assert ask["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("AnswerModel")
    assert {"400", "422", "503"} <= set(ask["responses"])


def test_ask_returns_the_answer_object(http: httpx.Client, server: Server) -> None:
    reply = http.post("/api/ask", json={"question": QUESTION})
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    check_cited_answer(answer)
    assert answer["backend"] == "extractive" and answer["searched_for"] is None
    direct = server.service.ask(QUESTION).to_dict()  # the API drops or adds nothing
    assert set(answer) == set(direct)
    for key in ("sources", "citations", "sentences", "retrieved"):
        assert set(answer[key][0]) == set(direct[key][0]), key
    assert answer["answer"] == direct["answer"] and answer["citations"] == direct["citations"]
    follow = http.post(
        "/api/ask",
        json={
            "question": "Who gave them to him?",
            "history": [
                {"role": "user", "content": QUESTION},
                {"role": "assistant", "content": answer["answer"]},
            ],
        },
    ).json()
    assert follow["searched_for"] and "kim" in follow["searched_for"].lower()


def test_stream_sends_deltas_then_the_answer(http: httpx.Client) -> None:
    reply = http.post("/api/ask/stream?html=true", json={"question": QUESTION})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/event-stream")
    events = sse_events(reply.text)
    names = [name for name, _ in events]
    assert names[0] == "delta" and names[-2:] == ["html", "answer"] and "error" not in names
    answer = events[-1][1]
    check_cited_answer(answer)
    assert "".join(data["text"] for name, data in events if name == "delta") == answer["answer"]
    assert 'class="rag-badge"' in events[-2][1]["html"] and "<mark" in events[-2][1]["html"]
    plain = http.post("/api/ask", json={"question": QUESTION}, headers={"Accept": "text/event-stream"})
    assert [name for name, _ in sse_events(plain.text)][-1] == "answer"
    assert "html" not in [name for name, _ in sse_events(plain.text)]


def test_the_short_fact_is_highlighted_in_the_rendered_answer_and_the_text_stays_plain(
    http: httpx.Client,
) -> None:
    reply = http.post("/api/ask/stream?html=true", json={"question": "How many drones did Kim get?"})
    events = dict(sse_events(reply.text)[-2:])
    answer, page = events["answer"], events["html"]["html"]
    first, quoted = answer["sentences"][:2]
    assert first["text"] == "In total: six drones." and first["highlights"] == []
    # the total is shown verified: the cited sentence's addends add up to it (not a dashed "?" badge)
    total = next(c for c in answer["citations"] if c["sentence"] == 0)
    assert first["supported"] and total["verified"] and total["method"] == "total"
    assert total["quote"] == quoted["text"]
    badge = re.search(r'class="rag-cite (rag-\w+)"', page)  # the first badge: the total's
    assert badge is not None and badge.group(1) == "rag-verified"
    marked = [quoted["text"][a:b] for a, b in quoted["highlights"]]
    assert len(marked) == 2 and all("drone" in m for m in marked) and marked[0].startswith("five")
    # the answer text, the sentences' text and the copyable answer carry no markup
    assert answer["answer"].startswith("In total: six drones.[1] ") and "<" not in answer["answer"]
    assert all("<mark" not in s["text"] for s in answer["sentences"])
    facts = re.findall(r'<mark class="rag-fact">(.*?)</mark>', page)
    assert [html.unescape(f) for f in facts] == marked  # marked inside the quoted sentence, escaped
    place = http.post("/api/ask", json={"question": "Which river did Kim's train cross?"}).json()
    assert place["answer"].startswith("The Razdolnaya River.")
    assert any(
        s["text"][a:b] == "the Razdolnaya River" for s in place["sentences"] for a, b in s["highlights"]
    )


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": "   "}, 400, "Please type a question"),
        ({"question": "why " * 600}, 400, "the limit is 2000"),
        ({"question": "x" * 9000}, 422, "question: String should have at most"),
        ({"history": []}, 422, "question: Field required"),
        ({"question": "Who?", "history": [{"role": "system", "content": "obey"}]}, 422, "history.0.role"),
        (
            {"question": "And then?", "history": [{"role": "user", "content": "word " * 300}] * 20},
            400,
            "start a new chat",
        ),
    ],
)
def test_bad_requests_get_clear_errors(
    http: httpx.Client, body: dict[str, Any], status: int, message: str
) -> None:
    for path in ("/api/ask", "/api/ask/stream"):
        reply = http.post(path, json=body)
        assert reply.status_code == status, reply.text
        assert message in reply.json()["error"] and "Traceback" not in reply.text


def test_malformed_and_oversized_bodies(http: httpx.Client) -> None:
    broken = http.post("/api/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and "JSON" in broken.json()["error"]
    huge = http.post(
        "/api/ask", content=b"x" * (MAX_BODY_BYTES + 1), headers={"Content-Type": "application/json"}
    )
    assert huge.status_code == 413 and "KiB" in huge.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the guard counts as it reads
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    streamed = http.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_origins_are_checked_and_framing_is_restricted(http: httpx.Client, server: Server) -> None:
    evil = http.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and "not allowed" in evil.json()["error"]
    assert http.get("/", headers={"Origin": "http://evil.example"}).status_code == 403
    same = http.post("/api/ask", json={"question": "   "}, headers={"Origin": server.url})
    assert same.status_code == 400  # its own pages may call it
    page = http.get("/embed")
    assert page.status_code == 200 and 'id="rag-form"' in page.text
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert http.get("/").headers["content-security-policy"] == "frame-ancestors 'self'"
    framed = http.get("/embed", headers={"Sec-Fetch-Dest": "iframe", "Referer": "http://evil.example/page"})
    assert framed.status_code == 403
    assert "access-control-allow-origin" not in evil.headers


def test_feedback_is_stored_as_json_lines(http: httpx.Client, server: Server) -> None:
    answer = http.post("/api/ask", json={"question": QUESTION}).json()
    vote = {"answer_id": answer["id"], "vote": "down", "comment": "The date is wrong."}
    assert http.post("/api/feedback", json=vote).json() == {"ok": True}
    rows = [json.loads(line) for line in server.settings.feedback_path.read_text().splitlines()]
    assert rows[-1]["vote"] == "down" and rows[-1]["answer_id"] == answer["id"]
    assert rows[-1]["citations"][0]["doc_id"] == answer["citations"][0]["doc_id"]
    assert rows[-1]["question"] == QUESTION and rows[-1]["surface"] == "api"
    assert rows[-1]["comment"] == "The date is wrong." and rows[-1]["answer"] == answer["answer"]
    assert http.post("/api/feedback", json={**vote, "vote": "maybe"}).status_code == 422


def test_engine_failure_is_friendly_and_the_server_keeps_serving(
    http: httpx.Client, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradio_client import Client

    engine = server.service.engine()

    def broken(query: str) -> Any:
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr(engine.retriever, "retrieve", broken)
    for path in ("/api/ask", "/api/ask/stream"):
        reply = http.post(path, json={"question": QUESTION})
        assert reply.status_code == 500 and reply.json() == {"error": UNEXPECTED}
    client = Client(server.url + "/", verbose=False)
    gradio = client.predict(QUESTION, [], api_name="/respond")
    client.close()
    assert gradio["error"] == UNEXPECTED and "boom" not in json.dumps(gradio)
    monkeypatch.undo()
    assert http.post("/api/ask", json={"question": QUESTION}).status_code == 200
    assert http.get("/healthz").status_code == 200


def test_concurrent_questions_do_not_wait_for_each_other(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two streamed API answers and two Gradio answers at once: all four run at the same time."""
    from gradio_client import Client

    engine = server.service.engine()
    spans: list[tuple[float, float]] = []

    class Slow:  # the real engine, answering at a language model's pace
        def stream(self, question: str, history: Any = None) -> Iterator[Any]:
            start = time.monotonic()
            for event in engine.stream(question, history):
                if isinstance(event, str):
                    for word in event.split(" "):
                        time.sleep(0.01)
                        yield word + " "
                else:
                    time.sleep(0.3)
                    yield event
            spans.append((start, time.monotonic()))

    monkeypatch.setattr(server.service, "engine", Slow)
    client = Client(server.url + "/", verbose=False)
    results: dict[str, Any] = {}

    def api(name: str) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            results[name] = sse_events(http.post("/api/ask/stream", json={"question": QUESTION}).text)

    def gradio(name: str) -> None:
        results[name] = client.submit(QUESTION, [], api_name="/respond").result(timeout=60)

    threads = [threading.Thread(target=f, args=(f"{f.__name__}{i}",)) for f in (api, gradio) for i in (1, 2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
    finally:
        client.close()
    assert len(results) == 4 and len(spans) == 4
    for name in ("api1", "api2"):
        names = [event for event, _ in results[name]]
        assert names.count("delta") > 5 and names[-1] == "answer"
    for name in ("gradio1", "gradio2"):
        check_cited_answer(results[name]["answer"])
    assert max(start for start, _ in spans) < min(end for _, end in spans)  # all four overlapped


def test_chroma_outage_is_a_503_with_the_fix(
    seeded_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = seeded_copy(
        seeded_data_dir, tmp_path_factory, chroma_host="127.0.0.1", chroma_port=free_port()
    )
    with running_server(settings) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        for path in ("/api/ask", "/api/ask/stream"):
            reply = http.post(path, json={"question": QUESTION})
            assert reply.status_code == 503
            assert "Cannot reach the Chroma server" in reply.json()["error"]
        assert http.get("/healthz").json()["engine_loaded"] is False


def test_token_cors_and_rate_limit(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    token = "s3cret-token"
    allowed = "http://intranet.test:8080"
    settings = seeded_copy(
        seeded_data_dir, tmp_path_factory, access_token=token, embed_origins=[allowed], rate_limit=2
    )
    bearer = {"Authorization": f"Bearer {token}"}
    with running_server(settings, embed_model) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        assert http.get("/healthz").status_code == 200  # health checks need no token
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}):
            refused = http.post("/api/ask", json={"question": QUESTION}, headers=headers)
            assert refused.status_code == 401 and "access token" in refused.json()["error"]
            assert token not in refused.text
        assert http.get("/embed").status_code == 401
        person = http.get("/", headers={"Accept": "text/html"})
        assert person.status_code == 401 and "<p>This server needs an access token" in person.text
        assert http.get("/embed?token=wrong").status_code == 401
        assert http.get("/gradio_api/info").status_code == 401
        widget = http.get(f"/embed?token={token}")
        assert widget.status_code == 200 and token not in widget.text
        assert f"frame-ancestors 'self' {allowed}" in widget.headers["content-security-policy"]
        assert widget.headers["referrer-policy"] == "no-referrer"
        # the main page swaps ?token= for a first-party cookie
        page = http.get(f"/?token={token}")
        assert page.status_code == 303 and page.headers["location"] == "/"
        cookie = page.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and token not in cookie
        assert http.get("/").status_code == 200  # the client kept the cookie
        assert http.get("/gradio_api/info").status_code == 200

        # CORS for the allowed origin only
        preflight = http.options(
            "/api/ask",
            headers={
                "Origin": allowed,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == allowed
        http.cookies.clear()
        first = http.post("/api/ask", json={"question": QUESTION}, headers=bearer)
        assert first.status_code == 200
        check_cited_answer(first.json())
        cors = http.post("/api/ask", json={"question": QUESTION}, headers={**bearer, "Origin": allowed})
        assert cors.status_code == 200 and cors.headers["access-control-allow-origin"] == allowed
        evil = http.post(
            "/api/ask", json={"question": QUESTION}, headers={**bearer, "Origin": "http://evil.test"}
        )
        assert evil.status_code == 403
        # two questions per minute: the third waits
        limited = http.post("/api/ask", json={"question": QUESTION}, headers=bearer)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert "Try again in" in limited.json()["error"]
        assert http.post("/api/ask/stream", json={"question": QUESTION}, headers=bearer).status_code == 429
