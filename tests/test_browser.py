"""The chat app and the embedded widget in headless Chromium (Debian's), driven by Playwright.

One real server, with an access token and one allowed embedding origin, serves both
tests. The main page is opened with `?token=`; `examples/intranet.html` is served from
another port on another host name (`localhost` vs `127.0.0.1`), so the widget's
iframe is cross-site, exactly as on an intranet. In both, the test asks "What gifts
did Kim receive?", waits for the answer, clicks a citation badge, checks the quoted
passage, votes, and saves a screenshot under `test-artifacts/`.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_api import QUESTION, Server, free_port, running_server, seeded_copy

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
TOKEN = "browser-test-token"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# An article whose text carries markup: it must show as text, never run
HOSTILE_ARTICLE = """Museum unveils golden violin <img src=x onerror="window.__xss='title'">

The city museum unveiled a golden violin on Tuesday, its curator said. <script>window.__xss='body'</script>

The curator <img src=x onerror="window.__xss='img'"> said the golden violin was made in 1720 and bought at \
auction for four million euros.

Visitors can see the golden violin from Friday in the museum's east wing, next to the harpsichords.
"""
HOSTILE_QUESTION = "What did the city museum unveil?"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does it)",
    ),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def intranet_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def server(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory, intranet_port: int
) -> Iterator[Server]:
    from rag.ingest import ingest

    settings = seeded_copy(
        seeded_data_dir,
        tmp_path_factory,
        access_token=TOKEN,
        embed_origins=[f"http://localhost:{intranet_port}"],
    )
    hostile = tmp_path_factory.mktemp("hostile") / "museum.txt"
    hostile.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    ingest([hostile], settings=settings, embed_model=embed_model, progress=False)
    with running_server(settings, embed_model) as srv:
        yield srv


@pytest.fixture(scope="module")
def intranet(server: Server, intranet_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """examples/intranet.html, pointed at the test server, on its own port."""
    folder = tmp_path_factory.mktemp("intranet")
    page = (ROOT / "examples" / "intranet.html").read_text(encoding="utf-8")
    assert 'src="http://127.0.0.1:7860/embed"' in page
    page = page.replace("http://127.0.0.1:7860/embed", f"{server.url}/embed?token={TOKEN}")
    (folder / "intranet.html").write_text(page, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", intranet_port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{intranet_port}/intranet.html"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _votes(server: Server) -> list[dict[str, Any]]:
    path = server.settings.feedback_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _quoted_passages(server: Server) -> list[str]:
    answer = server.service.ask(QUESTION)  # the same answer the page shows, from the same engine
    return [c.quote for c in answer.citations]


def test_main_page_answers_with_clickable_citations(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server.url}/?token={TOKEN}")  # swapped for a first-party cookie
        assert page.url == f"{server.url}/"
        page.wait_for_selector("#rag-question textarea", timeout=30_000)
        assert page.inner_text("#rag-backend") == "extractive"
        page.get_by_role("button", name=QUESTION).click()  # an example question
        page.wait_for_selector("#rag-chat .rag-sources", timeout=60_000)
        answer = page.locator("#rag-chat .rag-answer").last
        assert "drones" in answer.inner_text()
        assert answer.locator(".rag-sources li").count() >= 1

        badge = answer.locator(".rag-text .rag-cite > .rag-badge").first
        badge.click()
        card = page.locator("#rag-card")
        card.wait_for(state="visible", timeout=5_000)
        quote = card.locator("mark.rag-quote").inner_text()
        assert quote in _quoted_passages(server)
        assert "North Korean leader" in card.locator(".rag-pop-title").inner_text()
        assert card.locator(".rag-pop-date").inner_text()
        page.screenshot(path=str(ARTIFACTS / "main-page.png"))
        page.keyboard.press("Escape")
        card.wait_for(state="hidden", timeout=5_000)

        page.locator("#rag-chat button[aria-label='Like']").last.click()  # thumbs up
        for _ in range(50):
            if any(v["channel"] == "chat" for v in _votes(server)):
                break
            page.wait_for_timeout(100)
        vote = next(v for v in _votes(server) if v["channel"] == "chat")
        assert vote["vote"] == "up" and vote["question"] == QUESTION and vote["citations"]

        page.fill("#rag-question textarea", "Who gave them to him?")  # a follow-up
        page.click("#rag-ask")
        page.wait_for_function(
            "() => document.querySelectorAll('#rag-chat .rag-answer:not(.rag-thinking):not(.rag-streaming)')"
            ".length >= 2",
            timeout=60_000,
        )
        assert "Searched for:" in page.locator("#rag-chat .rag-answer").last.inner_text()

        page.get_by_role("tab", name="Embed").click()  # the snippet, for this server's address
        snippet = page.locator("#rag-embed-doc pre").first.inner_text()
        assert f'<iframe src="{server.url}/embed?token=YOUR_ACCESS_TOKEN"' in snippet and TOKEN not in snippet
        assert not errors, errors
    finally:
        context.close()


def test_intranet_page_embeds_the_widget_across_origins(browser: Any, server: Server, intranet: str) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    try:
        page.goto(intranet)
        frame = page.frame_locator("#rag-widget")
        frame.get_by_role("button", name=QUESTION).click()
        answer = frame.locator(".rag-answer").last
        frame.locator(".rag-sources").wait_for(timeout=60_000)
        assert "drones" in answer.inner_text() and frame.locator("#rag-backend").inner_text() == "extractive"

        answer.locator(".rag-text .rag-cite > .rag-badge").first.click()
        card = frame.locator("#rag-card")
        card.wait_for(state="visible", timeout=5_000)
        assert card.locator("mark.rag-quote").inner_text() in _quoted_passages(server)
        page.screenshot(path=str(ARTIFACTS / "intranet-embed.png"))

        frame.get_by_role("button", name="✓ Helpful").click()
        frame.locator(".rag-thanks").wait_for(timeout=10_000)
        assert frame.locator(".rag-thanks").inner_text() == "Thanks!"
        assert any(v["channel"] == "embed" and v["vote"] == "up" for v in _votes(server))
    finally:
        context.close()


def test_other_sites_cannot_frame_the_widget(browser: Any, server: Server, intranet: str) -> None:
    """Same page, but from an origin that is not allowed: no widget."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(intranet.replace("localhost", "127.0.0.1"))
        page.wait_for_load_state("load")
        widget = page.frame_locator("#rag-widget")
        page.wait_for_timeout(500)
        assert widget.locator("#rag-form").count() == 0
    finally:
        context.close()


def _ask_on_main_page(page: Any, question: str) -> Any:
    before = page.locator("#rag-chat .rag-answer").count()
    page.fill("#rag-question textarea", question)
    page.click("#rag-ask")
    page.wait_for_function(
        "n => [...document.querySelectorAll('#rag-chat .rag-answer')]"
        ".filter(e => !e.matches('.rag-thinking, .rag-streaming')).length > n",
        arg=before,
        timeout=60_000,
    )
    return page.locator("#rag-chat .rag-answer").last


def test_article_markup_is_shown_as_text_never_run(browser: Any, server: Server) -> None:
    context = browser.new_context()
    try:
        main = context.new_page()
        main.goto(f"{server.url}/?token={TOKEN}")
        main.wait_for_selector("#rag-question textarea", timeout=30_000)
        answer = _ask_on_main_page(main, HOSTILE_QUESTION)
        assert "golden violin" in answer.inner_text()
        answer.locator(".rag-text .rag-cite > .rag-badge").first.click()
        main.locator("#rag-card").wait_for(state="visible", timeout=5_000)

        widget = context.new_page()
        widget.goto(f"{server.url}/embed?token={TOKEN}")
        widget.fill("#rag-input", HOSTILE_QUESTION)
        widget.click("#rag-send")
        widget.locator(".rag-sources").wait_for(timeout=60_000)
        widget.locator(".rag-text .rag-cite > .rag-badge").first.click()
        widget.locator("#rag-card").wait_for(state="visible", timeout=5_000)

        for page, root in ((main, "#rag-chat"), (widget, "#rag-log")):
            shown = page.locator(root).inner_text() + page.locator("#rag-card").inner_text()
            assert "<script>window.__xss='body'</script>" in shown or 'onerror="window.__xss' in shown
            assert page.evaluate("() => window.__xss") is None
            assert page.locator(f"{root} img, {root} script, #rag-card img").count() == 0
    finally:
        context.close()


def test_failures_show_a_message_in_the_chat_and_it_keeps_working(
    browser: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.service import UNEXPECTED

    engine = server.service.engine()

    def outage(query: str) -> Any:
        raise RuntimeError("Chroma exploded: internal detail")

    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{server.url}/?token={TOKEN}")
        page.wait_for_selector("#rag-question textarea", timeout=30_000)
        monkeypatch.setattr(engine.retriever, "retrieve", outage)
        failed = _ask_on_main_page(page, QUESTION)
        assert "rag-error" in (failed.get_attribute("class") or "")
        assert failed.inner_text().strip().lstrip("⚠").strip() == UNEXPECTED
        assert "Traceback" not in page.content() and "exploded" not in page.content()
        monkeypatch.undo()
        answer = _ask_on_main_page(page, QUESTION)
        assert "drones" in answer.inner_text() and answer.locator(".rag-sources").count() == 1
    finally:
        context.close()
