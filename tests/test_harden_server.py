"""Issue 11, server items: each test performs the attack against a real server.

The servers are the real app (`ui.server.create_app`, Gradio mounted) on a free loopback
port over a copy of the seeded index, or a real `rag serve` process where the attack
depends on how the command starts uvicorn (forwarded headers). Item 1 streams from a
real OpenAI-compatible server (llama.cpp with SmolLM2) when it is installed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SEEDS
from tests.live import QUESTION, Server, running_server, seeded_copy
from tests.llm_server import free_port


def _ask_id(http: httpx.Client, question: str = QUESTION) -> str:
    reply = http.post("/api/ask", json={"question": question})
    assert reply.status_code == 200, reply.text
    return str(reply.json()["id"])


@pytest.fixture(scope="module")
def limited(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory, rate_limit=4, feedback_max_mb=1)
    with running_server(settings, embed_model) as srv:
        yield srv


# -- item 2: feedback --------------------------------------------------------------------
def test_feedback_is_rate_limited_like_questions(limited: Server) -> None:
    with httpx.Client(base_url=limited.url, timeout=60) as http:
        answer_id = _ask_id(http)
        codes = [
            http.post("/api/feedback", json={"answer_id": answer_id, "vote": "up"}).status_code
            for _ in range(12)
        ]
    assert codes[0] == 200 and 429 in codes, codes
    limited.service.feedback_limiter._buckets.clear()
    limited.service.limiter._buckets.clear()


def test_feedback_names_a_real_answer_and_the_last_vote_wins(server: Server, http: httpx.Client) -> None:
    from ui.service import read_feedback

    unknown = http.post("/api/feedback", json={"answer_id": "0" * 32, "vote": "up"})
    assert unknown.status_code == 404 and "unknown" in unknown.json()["error"]
    answer_id = _ask_id(http)
    for vote, comment in (("up", None), ("down", "wrong date"), (None, None)):
        reply = http.post("/api/feedback", json={"answer_id": answer_id, "vote": vote, "comment": comment})
        assert reply.status_code == 200 and reply.json() == {"ok": True}
    state = read_feedback(server.settings.feedback_path)
    assert state[answer_id]["vote"] is None and state[answer_id]["question"] == QUESTION
    assert set(state[answer_id]) == {
        "ts", "answer_id", "vote", "comment", "question", "answer", "citations", "surface"
    }  # fmt: skip
    long = http.post("/api/feedback", json={"answer_id": answer_id, "vote": "up", "comment": "x" * 1001})
    assert long.status_code == 422 and "error" in long.json()
    bad = http.post("/api/feedback", json={"answer_id": answer_id, "vote": "meh"})
    assert bad.status_code == 422 and "error" in bad.json()


def test_feedback_lines_are_ascii_so_u2028_cannot_split_them(server: Server, http: httpx.Client) -> None:
    from ui.service import read_feedback

    answer_id = _ask_id(http)
    comment = "wrong\u2028line\u2029split \u00e9t\u00e9"
    reply = http.post("/api/feedback", json={"answer_id": answer_id, "vote": "up", "comment": comment})
    assert reply.status_code == 200
    raw = server.settings.feedback_path.read_bytes()
    assert "\u2028".encode() not in raw and "\u2029".encode() not in raw
    for line in raw.decode("ascii").splitlines():  # str.splitlines splits on U+2028 too
        json.loads(line)
    assert read_feedback(server.settings.feedback_path)[answer_id]["comment"] == comment


def test_feedback_file_is_capped_and_rotated(limited: Server) -> None:
    from ui.service import read_feedback

    path = limited.settings.feedback_path
    with httpx.Client(base_url=limited.url, timeout=60) as http:
        answer_id = _ask_id(http)
    limited.service.feedback_limiter.per_minute = 0  # the size cap, not the rate, is under test
    try:
        started = time.monotonic()
        for _ in range(1500):  # ~1.5 MB of comments against a 1 MB cap
            limited.service.record_feedback(answer_id, "down", "y" * 1000, "api")
        took = time.monotonic() - started
    finally:
        limited.service.feedback_limiter.per_minute = 4
    assert path.stat().st_size <= 1024 * 1024
    assert path.with_name(path.name + ".1").exists()
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    assert total <= 4 * 1024 * 1024, total
    assert read_feedback(path)[answer_id]["vote"] == "down"
    print(f"1500 feedback records in {took:.2f}s; current file {path.stat().st_size} bytes")


# -- item 3: uploads ----------------------------------------------------------------------
def test_gradio_upload_route_is_refused(server: Server, http: httpx.Client, tmp_path: Path) -> None:
    import tempfile

    before = (
        set(Path(tempfile.gettempdir(), "gradio").rglob("*"))
        if Path(tempfile.gettempdir(), "gradio").exists()
        else set()
    )
    for path in ("/gradio_api/upload", "/gradio_api/upload/", "/upload"):
        reply = http.post(path, files={"files": ("a.txt", b"z" * 250_000, "text/plain")})
        assert reply.status_code == 403, (path, reply.status_code, reply.text[:200])
        assert "no file uploads" in reply.json()["error"]
    after = (
        set(Path(tempfile.gettempdir(), "gradio").rglob("*"))
        if Path(tempfile.gettempdir(), "gradio").exists()
        else set()
    )
    assert not [p for p in after - before if p.is_file() and p.stat().st_size >= 250_000]


# -- item 4: the embedding cache -----------------------------------------------------------
def test_cached_embedder_never_evicts_what_it_returns(embed_model: Any) -> None:
    from rag.sentvec import CachedEmbedder

    embed = CachedEmbedder(embed_model, size=3)
    embed(["old", "b", "c"])
    vectors = embed(["old", "new"])  # KeyError before the fix
    fresh = embed_model.get_text_embedding_batch(["old"])[0]
    assert len(vectors) == 2 and vectors[0] == pytest.approx(fresh, abs=1e-4)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(15):
                embed([f"w{n}-{i}", "old", f"w{(n + 1) % 4}-{i}", "b"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:1]


# -- item 5: liveness and the queue ----------------------------------------------------------
def test_liveness_stays_fast_while_questions_queue_and_the_queue_is_bounded(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory, concurrency=1, queue_size=30)
    with running_server(settings, embed_model) as srv:
        results: list[httpx.Response] = []
        lock = threading.Lock()

        def asker(i: int) -> None:
            with httpx.Client(base_url=srv.url, timeout=120) as c:
                r = c.post("/api/ask", json={"question": f"What gifts did Kim receive? ({i})"})
            with lock:
                results.append(r)

        threads = [threading.Thread(target=asker, args=(i,)) for i in range(70)]
        for t in threads:
            t.start()
        probes = []
        with httpx.Client(base_url=srv.url, timeout=10) as c:
            deadline = time.monotonic() + 60
            while any(t.is_alive() for t in threads) and time.monotonic() < deadline and len(probes) < 40:
                started = time.perf_counter()
                health = c.get("/healthz")
                probes.append((time.perf_counter() - started, health.json()))
                time.sleep(0.05)
        for t in threads:
            t.join()
    busy = [r for r in results if r.status_code == 503]
    assert busy and all(r.headers.get("retry-after") and "busy" in r.json()["error"] for r in busy)
    assert all(r.status_code in (200, 503) for r in results), {r.status_code for r in results}
    assert max(h["queued"] for _, h in probes) >= 10
    worst = max(t for t, _ in probes)
    print(f"healthz worst {worst * 1000:.1f} ms over {len(probes)} probes; {len(busy)} refused at once")
    assert worst < 1.0


# -- item 7: DNS rebinding --------------------------------------------------------------------
def test_a_rebinding_host_name_is_refused(server: Server) -> None:
    port = server.url.rsplit(":", 1)[1]
    with httpx.Client(base_url=server.url, timeout=60) as http:
        evil = http.post(
            "/api/ask",
            json={"question": QUESTION},
            headers={"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"},
        )
        assert evil.status_code == 400 and "RAG_ALLOWED_HOSTS" in evil.json()["error"]
        assert http.get("/config", headers={"Host": f"evil.example:{port}"}).status_code == 400
        for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
            own = http.post(
                "/api/ask", json={"question": "  "}, headers={"Host": host, "Origin": f"http://{host}"}
            )
            assert own.status_code == 400 and "Please type a question" in own.json()["error"]
        assert http.get("/healthz", headers={"Host": "probe.internal"}).status_code == 200


def test_allowed_hosts_setting_names_the_intranet_host(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory, allowed_hosts=["rag.intranet.example"])
    with running_server(settings, embed_model) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        ok = http.post("/api/ask", json={"question": " "}, headers={"Host": "rag.intranet.example"})
        assert ok.status_code == 400 and "Please type" in ok.json()["error"]
        assert http.get("/healthz").status_code == 200
        assert http.post("/api/ask", json={"question": QUESTION}).status_code == 400  # 127.0.0.1 not listed


# -- item 8: open redirect -----------------------------------------------------------------------
def test_token_redirect_stays_on_this_site(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory, access_token="s3cret-token")
    with running_server(settings, embed_model) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        for attack in ("//evil.example/phish", "/\\evil.example/phish", "///evil.example/"):
            reply = http.get(f"{srv.url}{attack}?token=s3cret-token&x=1", follow_redirects=False)
            assert reply.status_code == 303
            location = reply.headers["location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location
            assert httpx.URL(srv.url).join(location).host == "127.0.0.1"


# -- item 9: every error has the documented shape --------------------------------------------------
def test_body_parse_errors_use_the_error_shape(http: httpx.Client) -> None:
    cases = [
        b"\xff\xfe\x00{",  # not UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # nested too deeply for the JSON parser
        b'{"answer_id": "\xc3\x28", "vote": "up"}',
    ]
    for path in ("/api/ask", "/api/ask/stream", "/api/feedback"):
        for body in cases:
            reply = http.post(path, content=body[:200_000], headers={"Content-Type": "application/json"})
            assert 400 <= reply.status_code < 500, (path, reply.status_code)
            data = reply.json()
            assert set(data) == {"error"} and "Traceback" not in reply.text, (path, data)
    assert set(http.get("/api/nothing-here").json()) == {"error"}
    assert set(http.get("/api/ask").json()) == {"error"}  # a wrong method


# -- item 6: forwarded headers, on the real `rag serve` command --------------------------------------
def test_x_forwarded_for_does_not_bypass_the_rate_limit(tmp_path: Path) -> None:
    from bench.load import served

    port = free_port()
    env = {"RAG_SOURCES": str(SEEDS), "RAG_RATE_LIMIT": "3"}
    with (
        served(tmp_path / "data", port, env=env),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http,
    ):
        codes = [
            http.post(
                "/api/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": f"10.0.0.{i}"}
            ).status_code
            for i in range(1, 7)
        ]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:], codes


def test_trusted_proxies_are_believed(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory, rate_limit=1, trusted_proxies=["127.0.0.1"])
    with running_server(settings, embed_model) as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        codes = [
            http.post(
                "/api/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": f"10.0.0.{i}"}
            ).status_code
            for i in range(1, 4)
        ]
        again = http.post("/api/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "10.0.0.1"})
    assert codes == [200, 200, 200] and again.status_code == 429
