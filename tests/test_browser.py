"""The chat app and the embedded widget in headless Chromium (Debian's), driven by Playwright.

One real server (with an access token and one allowed embedding origin) serves most tests;
the persistence and outage tests run their own server on a fixed port, stop it and start
a new process-equivalent app on the same port. `examples/intranet.html` is served unchanged
from another port on another host name (`localhost` vs `127.0.0.1`) and told the app's
address in its own URL, so the widget's iframe is cross-site, exactly as on an intranet.

Covered (issue 12): typing while an answer streams (the box keeps its text; a question
sent meanwhile waits visibly), Stop (ends the answer on the server too), the conversation
surviving a reload and a server restart (the browser sends the history), an unreachable
server (the question stays, with Ask again), Start over, Copy (plain text with numbered
sources and quotes), the reader view (quoted passages highlighted and scrolled into view)
in the app and the widget, the corpus panel, refusals styled as answers, errors in plain
words (details on /status), the LLM-fallback notice and degraded badge, feedback that can
be changed and taken back (with an optional "what was wrong"), keyboard use, the phone
layout, and the shipped intranet page. Accessibility checks are in `test_browser_a11y.py`.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.live import ARTIFACTS, CHROMIUM, QUESTION, Server, running_server, seeded_copy
from tests.llm_server import free_port

TOKEN = "browser-test-token"
OFF_TOPIC = "Who won the football world cup?"
SLOW_QUESTION = "What did Kim do in Russia, slowly?"
SLOW_DELTAS = 40  # a slow answer: this many text pieces, SLOW_DELAY_S apart
SLOW_DELAY_S = 0.25
ANSWERED = "#rag-app .rag-turn .rag-actions"  # an answer is complete when its action bar is there

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
        reason="needs Debian's chromium at /usr/bin/chromium (scripts/install-browser)",
    ),
]


# -- servers -------------------------------------------------------------------------------------
def feedback_rows(settings: Any) -> list[dict[str, Any]]:
    path = settings.feedback_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@contextmanager
def serve(settings: Any, embed_model: Any, port: int = 0) -> Iterator[Server]:
    with running_server(settings, embed_model, port=port) as srv:
        yield srv


def slow_engine(server: Server) -> dict[str, Any]:
    """Make SLOW_QUESTION stream slowly (as an LLM would); record when the server stops producing it."""
    engine = server.service.engine()
    real = engine.stream
    state: dict[str, Any] = {"closed": False, "sent": 0}

    def stream(question: str, history: Any = None) -> Iterator[Any]:
        if question != SLOW_QUESTION:
            yield from real(question, history)
            return
        state.update(closed=False, sent=0)
        try:
            for i in range(SLOW_DELTAS):
                time.sleep(SLOW_DELAY_S)
                state["sent"] = i + 1
                yield f"Piece {i + 1}. "
            yield from real("What did Kim do in Russia?", history)
        finally:
            state["closed"] = True  # the generator was closed: the server stopped answering

    engine.stream = stream
    return state


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
    with serve(settings, embed_model) as srv:
        slow_engine(srv)
        yield srv


@pytest.fixture(scope="module")
def intranet(intranet_port: int) -> Iterator[str]:
    """examples/intranet.html exactly as shipped, on its own port."""
    handler = functools.partial(_Quiet, directory=str(ROOT / "examples"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", intranet_port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{intranet_port}/intranet.html"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def new_page(browser: Any, **options: Any) -> Iterator[Any]:
    context = browser.new_context(**{"viewport": {"width": 1366, "height": 900}, **options})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
        assert not errors, errors
    finally:
        context.close()


# -- helpers ---------------------------------------------------------------------------------------
def open_chat(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#rag-app .rag-input", timeout=30_000)
    page.wait_for_function("() => window.ragChat !== undefined", timeout=10_000)


def turns(page: Any) -> Any:
    return page.locator("#rag-app .rag-turn")


def ask(page: Any, question: str, *, wait: bool = True) -> Any:
    """Type and send a question; with `wait`, return the finished answer's turn."""
    before = page.locator(ANSWERED).count()
    page.fill("#rag-app .rag-input", question)
    page.press("#rag-app .rag-input", "Enter")
    if wait:
        page.wait_for_function(
            f"n => document.querySelectorAll({json.dumps(ANSWERED)}).length > n", arg=before, timeout=60_000
        )
    return turns(page).last


def wait_votes(settings: Any, count: int) -> list[dict[str, Any]]:
    for _ in range(100):
        rows = feedback_rows(settings)
        if len(rows) >= count:
            return rows
        time.sleep(0.05)
    return feedback_rows(settings)


def stored(page: Any) -> list[dict[str, Any]]:
    return json.loads(page.evaluate("() => localStorage.getItem('rag-chat-v1:chat') || '[]'"))


def quoted_passages(server: Server) -> list[str]:
    answer = server.service.ask(QUESTION)  # the same answer the page shows, from the same engine
    return [c.quote for c in answer.citations]


# -- the main page ---------------------------------------------------------------------------------
def test_main_page_answers_with_sources_people_can_open(browser: Any, server: Server) -> None:
    with new_page(browser) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")  # the token is swapped for a first-party cookie
        assert page.url == f"{server.url}/"
        assert page.inner_text("#rag-backend") == "Offline: quotes from the articles"
        assert page.locator("h1").inner_text() == "Ask the news"

        # what is in here: the articles, with headlines and dates (or "date not stated")
        corpus = page.locator("#rag-app .rag-corpus")
        corpus.wait_for(state="visible", timeout=10_000)
        assert "6 news articles" in corpus.locator("summary").inner_text()
        listed = corpus.locator(".rag-corpus-list li").all_inner_texts()
        assert any("Kim Jong Un arrives in Russia for first trip since pandemic" in x for x in listed)
        assert any("12 September 2023" in x for x in listed) and any("date not stated" in x for x in listed)
        assert not any("…" in x or "004_233b" in x for x in listed)

        page.get_by_role("button", name=QUESTION).click()  # an example question, styled as one
        turn = turns(page).last
        turn.locator(".rag-actions").wait_for(timeout=60_000)
        assert "drones" in turn.locator(".rag-answer").inner_text()
        assert turn.locator(".rag-user").inner_text().endswith(QUESTION)
        assert "Offline: quotes from the articles" in turn.locator(".rag-meta").inner_text()

        sources = turn.locator(".rag-sources li")
        assert sources.count() >= 1
        titles = sources.locator(".rag-src-title").all_inner_texts()
        assert all(t and "…" not in t and "_" not in t for t in titles), titles
        metas = sources.locator(".rag-src-meta").all_inner_texts()
        assert all(m in ("date not stated",) or m[-4:].isdigit() for m in metas), metas

        # a badge has an accessible name and controls a labelled card with a close button
        badge = turn.locator(".rag-text .rag-cite > .rag-badge").first
        assert badge.get_attribute("aria-label").startswith("Source 1: ")
        badge.click()
        card = page.locator("#rag-card")
        card.wait_for(state="visible", timeout=5_000)
        assert (
            badge.get_attribute("aria-expanded") == "true"
            and badge.get_attribute("aria-controls") == "rag-card"
        )
        assert card.get_attribute("role") == "dialog" and card.get_attribute("aria-label").startswith(
            "Source 1"
        )
        quote = card.locator("mark.rag-quote").inner_text()
        assert quote in quoted_passages(server)
        assert card.locator(".rag-pop-status").inner_text().startswith("Verified")  # in words, not colour
        page.screenshot(path=str(ARTIFACTS / "main-page.png"))
        card.get_by_role("button", name="Close").click()
        card.wait_for(state="hidden", timeout=5_000)

        # view in context: the whole article, the quoted passage highlighted and scrolled into view
        badge.click()
        card.get_by_role("button", name="Read the article").click()
        reader = page.locator("#rag-reader")
        reader.wait_for(state="visible", timeout=10_000)
        assert page.locator("#rag-card").is_hidden() or True
        mark = reader.locator("mark.rag-quote").first
        mark.wait_for(timeout=10_000)
        assert quote in reader.locator("mark.rag-quote").all_inner_texts()
        body = reader.locator(".rag-reader-body")
        assert len(body.inner_text()) > len(quote) * 3  # the whole article, not the passage
        visible = page.evaluate(
            """() => {
                const b = document.querySelector('#rag-reader .rag-reader-body').getBoundingClientRect();
                const m = document.querySelector('#rag-reader mark.rag-quote').getBoundingClientRect();
                return m.top >= b.top - 1 && m.top < b.bottom; }"""
        )
        assert visible
        page.screenshot(path=str(ARTIFACTS / "reader.png"))
        page.keyboard.press("Escape")
        reader.wait_for(state="hidden", timeout=5_000)

        # a follow-up uses the conversation the browser sends
        follow = ask(page, "Who gave them to him?")
        assert "Searched for:" in follow.inner_text()


def test_typing_while_streaming_is_kept_queued_and_stop_ends_the_answer_on_the_server(
    browser: Any, server: Server
) -> None:
    state = slow_engine(server)
    with new_page(browser) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        ask(page, SLOW_QUESTION, wait=False)
        page.locator("#rag-app .rag-streaming").wait_for(timeout=30_000)
        box = page.locator("#rag-app .rag-input")
        box.fill("Who did Kim meet")  # typing while the answer streams
        page.wait_for_timeout(1200)  # several more pieces arrive
        assert box.input_value() == "Who did Kim meet"
        assert "Piece 3." in turns(page).last.inner_text()

        box.fill("Who did Kim meet in Vladivostok?")
        box.press("Enter")  # sent during streaming: it waits, visibly
        queue = page.locator("#rag-app .rag-queue")
        queue.wait_for(state="visible")
        assert "Who did Kim meet in Vladivostok?" in queue.inner_text()
        assert box.input_value() == ""
        box.fill("A third question")
        box.press("Enter")  # only one waits; this one is refused in words and kept in the box
        assert "already waiting" in page.locator("#rag-app .rag-status").inner_text()
        assert box.input_value() == "A third question"

        page.get_by_role("button", name="Stop").click()
        stopped = turns(page).nth(0)
        stopped.locator(".rag-problem").wait_for(timeout=10_000)
        assert "Stopped" in stopped.inner_text() and "Piece 1." in stopped.inner_text()
        for _ in range(100):  # the server stops producing the answer
            if state["closed"]:
                break
            time.sleep(0.05)
        assert state["closed"] and state["sent"] < SLOW_DELTAS
        # the waiting question is asked next
        page.wait_for_function(f"() => document.querySelectorAll({json.dumps(ANSWERED)}).length >= 1")
        assert turns(page).count() == 2 and "Vladivostok" in turns(page).nth(1).inner_text()
        assert queue.is_hidden()
        # no thumbs on the stopped answer; thumbs and Copy on the real one
        assert stopped.locator(".rag-vote").count() == 0
        assert turns(page).nth(1).locator(".rag-vote").count() == 2
        # starting over while an answer streams ends it and leaves nothing behind
        ask(page, SLOW_QUESTION, wait=False)
        page.locator("#rag-app .rag-streaming").wait_for(timeout=30_000)
        page.get_by_role("button", name="Start over").click()
        page.wait_for_timeout(800)
        assert turns(page).count() == 0 and stored(page) == []
        assert page.get_by_role("button", name="Stop").is_hidden()


def test_conversation_survives_reload_and_server_restart_and_outage(
    browser: Any, seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory)
    port = free_port()
    with new_page(browser) as page:
        with serve(settings, embed_model, port=port) as srv:
            open_chat(page, f"{srv.url}/")
            ask(page, QUESTION)
            page.reload()
            page.wait_for_selector("#rag-app .rag-turn .rag-sources", timeout=30_000)
            assert turns(page).count() == 1 and "drones" in turns(page).first.inner_text()
            assert stored(page)[0]["q"] == QUESTION

        # the server is down: the question stays in the chat, with a way to ask again
        ask(page, "Who gave them to him?", wait=False)
        problem = turns(page).last.locator(".rag-problem")
        problem.wait_for(timeout=20_000)
        assert "Could not reach the server" in problem.inner_text()
        assert turns(page).last.locator(".rag-user").inner_text().endswith("Who gave them to him?")
        assert turns(page).count() == 2

        # a new server process (nothing in memory): retry, and the follow-up still has its context
        with serve(settings, embed_model, port=port):
            problem.get_by_role("button", name="Ask again").click()
            turns(page).last.locator(".rag-actions").wait_for(timeout=60_000)
            follow = turns(page).last.inner_text()
            assert "Searched for:" in follow and "gift" in follow.lower()
            assert turns(page).count() == 2  # the retried question replaced its failed turn

            # start over: the conversation is gone, here and after a reload
            page.get_by_role("button", name="Start over").click()
            assert turns(page).count() == 0 and stored(page) == []
            assert page.locator("#rag-app .rag-welcome").is_visible()
            page.reload()
            page.wait_for_selector("#rag-app .rag-input")
            assert turns(page).count() == 0


def test_copy_gives_plain_text_with_numbered_sources_and_quotes(browser: Any, server: Server) -> None:
    with new_page(browser, permissions=["clipboard-read", "clipboard-write"]) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        turn = ask(page, QUESTION)
        turn.get_by_role("button", name="Copy the answer with its sources").click()
        turn.locator(".rag-action-note", has_text="Copied").wait_for(timeout=5_000)
        text = page.evaluate("() => navigator.clipboard.readText()")
        assert text.startswith(f"Q: {QUESTION}")
        assert "[1]" in text and "\nSources:\n[1] " in text
        assert "<" not in text and "rag-" not in text  # no markup, no hidden card text
        for quote in set(quoted_passages(server)):
            assert f"> {quote}" in text
        assert "date not stated" in text or "2023" in text


def test_the_short_fact_is_highlighted_in_the_chat_and_copied_as_plain_text(
    browser: Any, server: Server
) -> None:
    with new_page(browser, permissions=["clipboard-read", "clipboard-write"]) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        turn = ask(page, "How many drones did Kim get?")
        answer = turn.locator(".rag-answer > .rag-text")
        assert answer.inner_text().startswith("In total: six drones.")
        facts = answer.locator("mark.rag-fact").all_inner_texts()
        assert len(facts) == 2 and facts[0].startswith("five") and all("drone" in f for f in facts)
        turn.get_by_role("button", name="Copy the answer with its sources").click()
        turn.locator(".rag-action-note", has_text="Copied").wait_for(timeout=5_000)
        text = page.evaluate("() => navigator.clipboard.readText()")
        assert "In total: six drones.[1]" in text and "<" not in text and "rag-fact" not in text


def test_feedback_can_be_changed_and_taken_back_with_an_optional_note(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    with new_page(browser) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        turn = ask(page, QUESTION)
        answer_id = stored(page)[-1]["answer"]["id"]
        start = len(feedback_rows(server.settings))
        up = turn.get_by_role("button", name="Helpful", exact=True)
        down = turn.get_by_role("button", name="Not helpful")
        assert up.bounding_box()["height"] >= 24 and up.bounding_box()["width"] >= 24

        def last_vote(count: int) -> dict[str, Any]:
            rows = [
                r for r in wait_votes(server.settings, start + count)[start:] if r["answer_id"] == answer_id
            ]
            assert len(rows) == count, rows
            return rows[-1]

        up.click()
        assert last_vote(1)["vote"] == "up"
        expect(up).to_have_attribute("aria-pressed", "true")
        down.click()  # changed
        assert last_vote(2)["vote"] == "down"
        expect(up).to_have_attribute("aria-pressed", "false")
        expect(down).to_have_attribute("aria-pressed", "true")
        note = turn.get_by_label("What was wrong? (optional)")
        note.wait_for(state="visible")
        assert note.evaluate("n => n === document.activeElement")
        note.fill("It quotes a subheading.")
        turn.get_by_role("button", name="Send").click()
        row = last_vote(3)
        assert row["vote"] == "down" and row["comment"] == "It quotes a subheading."
        down.click()  # taken back
        assert last_vote(4)["vote"] is None
        expect(down).to_have_attribute("aria-pressed", "false")
        expect(turn.locator(".rag-vote-note")).to_contain_text("taken back")

        # the vote survives a reload
        up.click()
        last_vote(5)
        expect(up).to_have_attribute("aria-pressed", "true")
        page.reload()
        page.wait_for_selector("#rag-app .rag-turn .rag-actions")
        assert (
            turns(page).last.get_by_role("button", name="Helpful", exact=True).get_attribute("aria-pressed")
            == "true"
        )


def test_refusals_look_like_answers_with_distinct_related_passages(browser: Any, server: Server) -> None:
    with new_page(browser, color_scheme="dark") as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        turn = ask(page, OFF_TOPIC)
        refusal = turn.locator(".rag-refused")
        assert refusal.count() == 1 and turn.locator(".rag-error, .rag-problem").count() == 0
        assert refusal.inner_text().count("I don't know based on these articles") == 1
        items = refusal.locator(".rag-related-item")
        if items.count():
            titles = items.locator(".rag-src-title").all_inner_texts()
            assert len(titles) == len(set(titles))  # one entry per article
            page.wait_for_function(
                "() => [...document.querySelectorAll('.rag-related-item .rag-date')]"
                ".every(n => n.textContent)"
            )
            dates = items.locator(".rag-date").all_inner_texts()
            assert all(d == "date not stated" or d[-4:].isdigit() for d in dates), dates
        icon = refusal.locator(".rag-refusal-icon")
        colours = icon.evaluate(
            "n => [getComputedStyle(n).color, getComputedStyle(n.closest('.rag-bot')).backgroundColor]"
        )
        assert colours[0] != colours[1]  # the icon is visible in dark mode
        assert turn.locator(".rag-vote").count() == 2  # a refusal is an answer: it can be rated
        page.screenshot(path=str(ARTIFACTS / "refusal-dark.png"))


def test_errors_are_plain_words_and_the_details_are_on_the_status_page(
    browser: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.errors import RagError

    engine = server.service.engine()

    def outage(query: str) -> Any:
        raise RagError(
            "Cannot reach the Chroma server at http://10.0.0.7:8000; set CHROMA_HOST or run `rag ingest`."
        )

    with new_page(browser) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        monkeypatch.setattr(engine.retriever, "retrieve", outage)
        ask(page, QUESTION, wait=False)
        problem = turns(page).last.locator(".rag-problem")
        problem.wait_for(timeout=30_000)
        shown = page.locator("#rag-app").inner_text()
        for secret in ("10.0.0.7", "CHROMA_HOST", "rag ingest", "http", "Traceback"):
            assert secret not in shown
        assert "cannot answer right now" in problem.inner_text()
        assert turns(page).last.locator(".rag-vote").count() == 0  # no thumbs on errors
        monkeypatch.undo()
        problem.get_by_role("button", name="Ask again").click()
        turns(page).last.locator(".rag-actions").wait_for(timeout=60_000)
        assert "drones" in turns(page).last.inner_text()

        status = page.context.new_page()
        status.goto(f"{server.url}/status")
        text = status.locator("main").inner_text()
        assert "Cannot reach the Chroma server at http://10.0.0.7:8000" in text  # for the operators
        assert "Documents / chunks" in text and "6 /" in text


def test_fallback_notice_and_degraded_badge(
    browser: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When another route answered (the LLM was down), one quiet line says so and the badge shows it."""
    from rag.answer import Answer

    engine = server.service.engine()
    real = engine.stream
    notice = "The language model was unavailable; this answer quotes the articles directly."

    def with_notice(question: str, history: Any = None) -> Iterator[Any]:
        for event in real(question, history):
            if isinstance(event, Answer):
                event.notice = notice
            yield event

    monkeypatch.setattr(engine, "stream", with_notice)
    with new_page(browser) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        turn = ask(page, QUESTION)
        assert turn.locator(".rag-notice").inner_text() == notice
        badge = page.locator("#rag-backend")
        assert "rag-degraded" in (badge.get_attribute("class") or "")
        assert "unavailable" in badge.inner_text()


def test_keyboard_only(browser: Any, server: Server) -> None:
    with new_page(browser) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        page.locator("#rag-app .rag-input").focus()
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_selector(ANSWERED, timeout=60_000)
        badge = turns(page).last.locator(".rag-text .rag-cite > .rag-badge").first
        badge.focus()
        card = page.locator("#rag-card")
        card.wait_for(state="visible")  # focus shows the card
        for _ in range(12):  # focus moves on past the badges: the card closes
            page.keyboard.press("Tab")
            if not page.evaluate("() => document.activeElement.matches('.rag-badge')"):
                break
        card.wait_for(state="hidden")
        badge.focus()
        page.keyboard.press("Enter")  # opens and moves into the card
        card.wait_for(state="visible")
        assert page.evaluate("() => document.activeElement.closest('#rag-card') !== null")
        page.keyboard.press("Escape")
        card.wait_for(state="hidden")
        assert badge.evaluate("n => n === document.activeElement")  # back where it was
        ring = badge.evaluate("n => getComputedStyle(n).outlineWidth")
        assert ring == "3px"


def test_phone_layout(browser: Any, server: Server, intranet: str) -> None:
    with new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True) as page:
        open_chat(page, f"{server.url}/?token={TOKEN}")
        turn = ask(page, QUESTION)
        box = page.locator("#rag-app .rag-input").bounding_box()
        assert box["y"] + box["height"] <= 844, box  # the question box stays on screen
        top = turn.bounding_box()["y"]
        assert 0 <= top < 844 / 2  # the start of the new answer is in view, not its end
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        for selector in (".rag-text .rag-badge", ".rag-vote", ".rag-source > .rag-read", ".rag-copy"):
            size = turn.locator(selector).first.bounding_box()
            assert size["width"] >= 24 and size["height"] >= 24, (selector, size)
        turn.locator(".rag-text .rag-cite > .rag-badge").first.tap()
        card = page.locator("#rag-card")
        card.wait_for(state="visible")
        close = card.get_by_role("button", name="Close")
        assert close.is_visible()
        page.screenshot(path=str(ARTIFACTS / "phone-card.png"))
        close.tap()
        card.wait_for(state="hidden")

        page.goto(f"{intranet}?app={server.url}&token={TOKEN}")
        page.wait_for_load_state("load")
        page.frame_locator("#rag-widget").locator(".rag-input").wait_for(timeout=30_000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


# -- the widget ------------------------------------------------------------------------------------
def test_intranet_page_as_shipped_embeds_the_widget_across_origins(
    browser: Any, server: Server, intranet: str
) -> None:
    with new_page(browser, viewport={"width": 1100, "height": 900}) as page:
        page.goto(f"{intranet}?app={server.url}&token={TOKEN}")
        snippet = page.locator("#snippet").inner_text()  # visible, for this server's address
        assert page.locator("#snippet").is_visible()
        assert f'<iframe src="{server.url}/embed?token=YOUR_ACCESS_TOKEN"' in snippet and TOKEN not in snippet
        frame = page.frame_locator("#rag-widget")
        frame.get_by_role("button", name=QUESTION).click()
        frame.locator(".rag-actions").wait_for(timeout=60_000)
        answer = frame.locator(".rag-answer").last
        assert "drones" in answer.inner_text()
        assert frame.locator("#rag-backend").inner_text() == "Offline: quotes from the articles"

        answer.locator(".rag-text .rag-cite > .rag-badge").first.click()
        card = frame.locator("#rag-card")
        card.wait_for(state="visible", timeout=5_000)
        quote = card.locator("mark.rag-quote").inner_text()
        assert quote in quoted_passages(server)
        page.screenshot(path=str(ARTIFACTS / "intranet-embed.png"))
        card.get_by_role("button", name="Close").click()  # in a narrow widget the card is a sheet
        card.wait_for(state="hidden")

        # the same controls and record as the main page
        start = len(feedback_rows(server.settings))
        frame.get_by_role("button", name="Helpful", exact=True).click()
        rows = wait_votes(server.settings, start + 1)[start:]
        assert rows and rows[-1]["vote"] == "up" and rows[-1]["answer_id"]

        # view in context works in the widget too
        answer.locator(".rag-text .rag-cite > .rag-badge").first.click()
        card.get_by_role("button", name="Read the article").click()
        reader = frame.locator("#rag-reader")
        reader.wait_for(state="visible", timeout=10_000)
        reader.locator("mark.rag-quote").first.wait_for(timeout=10_000)  # the article loads after opening
        assert quote in reader.locator("mark.rag-quote").all_inner_texts()
        frame.get_by_role("button", name="Close the article").click()
        reader.wait_for(state="hidden")


def test_other_sites_cannot_frame_the_widget(browser: Any, server: Server, intranet: str) -> None:
    """Same page, but from an origin that is not allowed: no widget."""
    with new_page(browser) as page:
        page.goto(f"{intranet.replace('localhost', '127.0.0.1')}?app={server.url}")
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        assert page.frame_locator("#rag-widget").locator("#rag-app").count() == 0
        # the page takes only a web address for the app, never a script
        page.goto(f"{intranet}?app=javascript:window.__owned=1//")
        page.wait_for_load_state("load")
        assert page.locator("#rag-widget").get_attribute("src") == "http://127.0.0.1:7860/embed"
        assert page.evaluate("() => window.__owned") is None


def test_article_markup_is_shown_as_text_never_run(browser: Any, server: Server) -> None:
    with new_page(browser) as main:
        open_chat(main, f"{server.url}/?token={TOKEN}")
        turn = ask(main, HOSTILE_QUESTION)
        assert "golden violin" in turn.inner_text()
        turn.locator(".rag-text .rag-cite > .rag-badge").first.click()
        main.locator("#rag-card").wait_for(state="visible", timeout=5_000)
        main.locator("#rag-card").get_by_role("button", name="Read the article").click()
        main.locator("#rag-reader mark.rag-quote").first.wait_for(timeout=10_000)

        widget = main.context.new_page()
        open_chat(widget, f"{server.url}/embed?token={TOKEN}")
        ask(widget, HOSTILE_QUESTION)
        widget.locator(".rag-text .rag-cite > .rag-badge").first.click()
        widget.locator("#rag-card").wait_for(state="visible", timeout=5_000)

        for page in (main, widget):
            shown = page.locator("#rag-app").inner_text() + page.locator("#rag-card").inner_text()
            if page is main:
                shown += page.locator("#rag-reader").inner_text()
            assert "<script>window.__xss='body'</script>" in shown or 'onerror="window.__xss' in shown
            assert page.evaluate("() => window.__xss") is None
            assert page.locator("#rag-app img, #rag-app script, #rag-card img, #rag-reader img").count() == 0
