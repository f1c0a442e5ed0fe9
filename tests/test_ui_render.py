"""Answer HTML, rate limiter, feedback store and the new settings (no server, no models)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.answer import Answer, AnswerSentence, Citation, Quote, Retrieved, Source
from rag.config import Settings
from ui.render import (
    answer_html,
    backend_label,
    chat_shell,
    date_label,
    error_html,
    passage_context,
    streaming_html,
    user_html,
)
from ui.service import FeedbackStore, RateLimited, RateLimiter, Vote, friendly

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>"
BEFORE = "The governor spoke first. "
QUOTE = f"Kim received five drones {EVIL} as gifts."
AFTER = " Then the train left for Pyongyang."


def _answer(*, verified: bool = True, supported: bool = True) -> Answer:
    text = BEFORE + QUOTE + AFTER
    start = len(BEFORE)
    retrieved = Retrieved(
        "doc-a", "doc-a::0", 0.5, title=f"Gifts {EVIL}", text=text, start=100, end=100 + len(text)
    )
    citation = Citation(
        n=1,
        doc_id="doc-a",
        title=f"Gifts {EVIL}",
        sentence=0,
        quote=QUOTE,
        start=100 + start,
        end=100 + start + len(QUOTE),
        verified=verified,
        score=0.9 if verified else 0.3,
    )
    return Answer(
        question="What gifts did Kim receive?",
        standalone_question="What gifts did Kim receive? (Kim <b>)",
        answer=f"Kim received five drones {EVIL} as gifts.[1]",
        refused=False,
        backend="extractive",
        sources=[
            Source(
                1,
                "doc-a",
                f"Gifts {EVIL}",
                "2023-09-17",
                "seeds/a.txt",
                [Quote(QUOTE, citation.start, citation.end)],
            )
        ],
        citations=[citation],
        sentences=[AnswerSentence(f"Kim received five drones {EVIL} as gifts.", [1], supported=supported)],
        retrieved=[retrieved],
    )


def _no_raw_markup(page: str) -> None:
    assert (
        "<script" not in page and "<img" not in page and "onerror=" not in page.replace("onerror=alert", "")
    )
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "\n" not in page  # one line: Gradio's Markdown keeps it as a single HTML block


def test_answer_html_escapes_article_text_and_marks_the_quote() -> None:
    page = answer_html(_answer())
    _no_raw_markup(page)
    assert page.count('class="rag-cite rag-verified"') == 2  # in the text and in the sources panel
    mark = re.search(r'<mark class="rag-quote">(.*?)</mark>', page)
    assert mark and html.unescape(mark.group(1)) == QUOTE
    pop = page[page.index('<span class="rag-pop"') :]
    assert html.unescape(BEFORE.strip()) in html.unescape(pop) and "Then the train left" in pop
    assert "17 September 2023" in page and "Searched for:" in page and "Kim &lt;b&gt;" in page
    assert '<div class="rag-sources">' in page and "doc-a" in page
    assert "rag-unverified" not in page and "rag-note" not in page


def test_unverified_and_unsupported_citations_look_different() -> None:
    page = answer_html(_answer(verified=False, supported=False))
    assert 'class="rag-cite rag-unverified"' in page
    assert "Not verified" in page and "may not support the sentence" in page
    assert 'class="rag-unsupported"' in page and page.count('class="rag-note"') == 2


def test_refusal_offers_the_related_passages() -> None:
    base = _answer()
    refusal = Answer(
        question="Who won the match?",
        answer="I don't know based on these articles.",
        refused=True,
        backend="extractive",
        related=base.retrieved,
    )
    page = answer_html(refusal)
    assert 'class="rag-answer rag-refused"' in page and "rag-refusal" in page
    assert "The closest passages in the articles" in page and "Then the train left" in page
    assert html.unescape(page).count("I don't know based on these articles.") == 1  # said once
    assert "rag-error" not in page  # a refusal is an answer, not an error
    _no_raw_markup(page)


def test_sources_are_named_in_words_and_open_in_the_reader() -> None:
    page = answer_html(_answer())
    assert 'aria-label="Source 1: ' in page and 'data-doc="doc-a"' in page and "Read the article" in page
    assert "Offline: quotes from the articles" in page and "extractive" not in page
    undated = _answer()
    undated.sources[0].published = ""
    assert "date not stated" in answer_html(undated) and "undated" not in answer_html(undated)
    assert backend_label("openai", "gpt-4o-mini") == "Answered by gpt-4o-mini"
    assert date_label("2023-09-12") == "12 September 2023" and date_label("") == "date not stated"


def test_unverified_state_is_in_words_not_only_colour() -> None:
    page = answer_html(_answer(verified=False, supported=False))
    assert "(not verified)" in page  # in the badge's accessible name
    assert "Not verified:" in page  # in the card
    assert '<span class="rag-flag">no source</span>' in page  # an unsupported sentence says so


def test_chat_shell_is_the_same_markup_for_app_and_widget() -> None:
    app, widget = chat_shell("chat", ["Q1?"], 500), chat_shell("embed", ["Q1?"], 500)
    for shell in (app, widget):
        assert 'id="rag-app"' in shell and 'class="rag-example">Q1?</button>' in shell
        assert 'class="rag-new">Start over</button>' in shell and 'maxlength="500"' in shell
        assert '<label class="rag-sr" for="rag-input-' in shell
    assert app.replace("hidden open>", "hidden>").replace('"chat"', '"X"').replace(
        "-chat", "-X"
    ) == widget.replace('"embed"', '"X"').replace("-embed", "-X")


def test_passage_context_falls_back_to_searching_the_text() -> None:
    text = "Alpha beta. Gamma delta. Epsilon."
    passages = [Retrieved("d", "d::0", 1.0, text=text, start=0, end=len(text))]
    assert passage_context("Gamma delta.", "d", 999, 1011, passages) == (
        "Alpha beta. ",
        "Gamma delta.",
        " Epsilon.",
    )
    assert passage_context("Missing.", "d", 0, 8, passages) == ("", "Missing.", "")
    assert passage_context("Gamma delta.", "other", 12, 24, passages) == ("", "Gamma delta.", "")


def test_streaming_error_and_question_html_are_escaped() -> None:
    streamed = streaming_html(f"Drones {EVIL}[1]")
    assert '<span class="rag-badge rag-pending">1</span>' in streamed and "<script" not in streamed
    assert "<script" not in error_html(EVIL) and "&lt;script&gt;" in error_html(EVIL)
    assert user_html(EVIL) == f'<span class="rag-question">{html.escape(EVIL)}</span>'


def test_rate_limiter_is_a_token_bucket_per_client() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    limiter.check("a")
    limiter.check("a")
    with pytest.raises(RateLimited) as info:
        limiter.check("a")
    assert info.value.retry_after == 30 and "Try again in 30 s" in str(info.value)
    limiter.check("b")  # another client has its own bucket
    now[0] = 30.0
    limiter.check("a")  # one token back after 30 s at 2 per minute
    RateLimiter(0).check("a")  # 0 = off


def test_feedback_store_appends_json_lines(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "feedback.jsonl")
    store.record(Vote("up", "q1", "a1 [1]", [{"n": 1, "doc_id": "d"}], channel="chat"))
    store.record(Vote("down", "q2", "a2", [], channel="api", backend="extractive"))
    rows = [json.loads(line) for line in (tmp_path / "sub" / "feedback.jsonl").read_text().splitlines()]
    assert [r["vote"] for r in rows] == ["up", "down"] and rows[0]["citations"][0]["doc_id"] == "d"
    assert rows[0]["question"] == "q1" and rows[1]["channel"] == "api" and rows[0]["ts"]
    with pytest.raises(ValueError):
        store.record(Vote("meh", "q", "a", [], channel="api"))


def test_friendly_messages_hide_unexpected_errors() -> None:
    from rag.errors import StoreUnavailableError

    assert friendly(StoreUnavailableError("Cannot reach Chroma.")) == "Cannot reach Chroma."
    message = friendly(RuntimeError("secret internals /etc/passwd"))
    assert "secret" not in message and "try again" in message


def test_serving_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.embed_origins == [] and s.access_token is None and s.rate_limit == 0 and s.concurrency >= 1
    monkeypatch.setenv("RAG_EMBED_ORIGINS", "https://Intranet.example.com/, http://127.0.0.1:8080")
    monkeypatch.setenv("RAG_ACCESS_TOKEN", "tok-123")
    monkeypatch.setenv("RAG_RATE_LIMIT", "30")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.embed_origins == ["https://intranet.example.com", "http://127.0.0.1:8080"]
    assert s.access_token is not None and s.access_token.get_secret_value() == "tok-123"
    assert "tok-123" not in repr(s) and s.rate_limit == 30
    assert s.feedback_path == s.data_dir / "feedback.jsonl"
    monkeypatch.setenv("RAG_ACCESS_TOKEN", "  ")
    assert Settings(_env_file=None).access_token is None  # type: ignore[call-arg]


@pytest.mark.parametrize("origins", ["intranet.example.com", "https://x.example.com/page", "ftp://x.example"])
def test_bad_embed_origins_are_rejected(monkeypatch: pytest.MonkeyPatch, origins: str) -> None:
    monkeypatch.setenv("RAG_EMBED_ORIGINS", origins)
    with pytest.raises(ValidationError, match="RAG_EMBED_ORIGINS"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_short_fact_is_marked_inside_its_quoted_sentence_and_escaped() -> None:
    from ui.render import marked

    answer = _answer()
    text = answer.sentences[0].text
    start = text.index("five drones")
    answer.sentences[0].highlights = [(start, start + len("five drones <script>"))]
    page = answer_html(answer)
    _no_raw_markup(page)
    fact = re.findall(r'<mark class="rag-fact">(.*?)</mark>', page)
    assert fact == ["five drones &lt;script&gt;"]  # the mark's text is escaped like the rest
    assert answer.answer == f"Kim received five drones {EVIL} as gifts.[1]"  # the text stays plain
    # spans outside the text are ignored, overlapping ones joined, markup never split
    assert marked("a <b> c", [(2, 5), (3, 4), (40, 50)]) == 'a <mark class="rag-fact">&lt;b&gt;</mark> c'
    assert marked("a & b", [(1, 99)]) == "a &amp; b"
    assert marked("plain", []) == "plain"
