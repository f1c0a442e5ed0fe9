"""HTML for answers: inline citation badges, quoted passages, sources, refusals.

One renderer serves the chat app, the embeddable widget and the API's optional
`html` event, so citations look and behave the same everywhere. Every piece of
text that comes from an article, a question or an answer goes through
`html.escape`; the only markup in the output is the fixed markup written here.
The output is a single line (no blank lines), so Gradio's Markdown renderer
keeps it as one HTML block and adds no emphasis, links or maths of its own.

Each badge is `<span class="rag-cite"><button class="rag-badge" aria-label="Source n:
title">n</button><span class="rag-pop">...</span></span>`: the hidden `rag-pop` holds the
source's title and date, whether the citation was verified (in words), the quoted passage
highlighted (`<mark>`) within its surrounding text, and a "Read the article" button
(`data-doc`, `data-start`, `data-end`) that opens the reader view. `static/rag.js` shows it
on hover, focus and click. The words of a quoted sentence that state the short fact the
answer opened with (`AnswerSentence.highlights`: "five explosive drones" under "In total: six
drones.") are wrapped in `<mark class="rag-fact">`, each piece escaped on its own, so the
offsets never split an escape. Backends are named in words ("Offline: quotes from the
articles", "Answered by gpt-4o-mini"); a date the article does not state says so. No
scripts or event handlers are emitted.
"""

from __future__ import annotations

import html
import re
from datetime import date

from rag.answer import Answer, Citation, Retrieved

CONTEXT_CHARS = 260  # surrounding text shown on each side of a quoted passage
RELATED_CHARS = 420
UNVERIFIED_NOTE = (
    "Dashed badges mark citations the checker could not verify: "
    "the quoted passage may not support the sentence."
)
UNSUPPORTED_NOTE = "Sentences marked “no source” are not supported by any of the articles."
OFFLINE_LABEL = "Offline: quotes from the articles"
NO_DATE = "date not stated"
READ_LABEL = "Read the article"
RELATED_TITLE = "The closest passages in the articles"
INTRO = (
    "Ask a question about the news articles collected here. Every sentence of an answer cites its source: "
    "open a numbered badge to read the quoted passage, or read the whole article."
)
_SPACE = re.compile(r"\s+")


def esc(text: object) -> str:
    """Escaped text on one line (newlines would end Gradio's HTML block)."""
    return html.escape(_SPACE.sub(" ", str(text)), quote=True)


def backend_label(backend: str, model: str | None) -> str:
    """The answer backend in words a reader understands."""
    if backend == "extractive":
        return OFFLINE_LABEL
    return f"Answered by {model}" if model else "Answered by a language model"


def date_label(published: str | None) -> str:
    """An ISO date as "12 September 2023", other text as is, no date as "date not stated"."""
    if not published:
        return NO_DATE
    try:
        d = date.fromisoformat(published[:10])
    except ValueError:
        return published
    return f"{d.day} {d:%B %Y}"


def _read_button(doc_id: str, start: int | None = None, end: int | None = None, label: str = "") -> str:
    where = f' data-start="{start}" data-end="{end}"' if start is not None and end is not None else ""
    return (
        f'<button type="button" class="rag-read" data-doc="{esc(doc_id)}"{where}>'
        f"{esc(label or READ_LABEL)}</button>"
    )


def _trim_before(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < 40 else cut)


def _trim_after(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit - 40 else cut) + "…"


def passage_context(
    quote: str, doc_id: str, start: int, end: int, passages: list[Retrieved]
) -> tuple[str, str, str]:
    """(before, quote, after): the quoted passage within the retrieved text around it."""
    for p in passages:
        if p.doc_id != doc_id or not p.text:
            continue
        lo, hi = start - p.start, end - p.start
        if not (0 <= lo < hi <= len(p.text)) or p.text[lo:hi] != quote:
            lo = p.text.find(quote) if quote else -1
            if lo < 0:
                continue
            hi = lo + len(quote)
        return (
            _trim_before(p.text[:lo], CONTEXT_CHARS),
            p.text[lo:hi],
            _trim_after(p.text[hi:], CONTEXT_CHARS),
        )
    return "", quote, ""


def _badge(answer: Answer, n: int, citation: Citation | None) -> str:
    source = answer.source(n)
    title = source.title if source else (citation.title if citation else f"Source {n}")
    doc_id = source.doc_id if source else (citation.doc_id if citation else "")
    date_text = date_label(source.published if source else "")
    span: tuple[int, int] | None = None
    if citation is not None:
        before, quote, after = passage_context(
            citation.quote, citation.doc_id, citation.start, citation.end, answer.retrieved
        )
        verified = citation.verified
        span = (citation.start, citation.end)
    elif source is not None and source.quotes:
        q = source.quotes[0]
        before, quote, after = passage_context(q.text, source.doc_id, q.start, q.end, answer.retrieved)
        verified = True
        span = (q.start, q.end)
    else:
        before, quote, after, verified = "", "", "", True
    state = "rag-verified" if verified else "rag-unverified"
    if not verified:
        status = "Not verified: this passage may not support the sentence"
    elif citation is not None and citation.added:
        status = "Verified: citation added by the checker; the passage supports it"
    else:
        status = "Verified: the quoted passage supports this sentence"
    body = (
        f'<span class="rag-pop-text">{esc(before)}<mark class="rag-quote">{esc(quote)}</mark>'
        f"{esc(after)}</span>"
        if quote
        else '<span class="rag-pop-text">No passage available.</span>'
    )
    label = f"Source {n}: {title}" + ("" if verified else " (not verified)")
    read = (
        f'<span class="rag-pop-actions">{_read_button(doc_id, *(span or (None, None)))}</span>'
        if doc_id
        else ""
    )
    flag = '<span class="rag-badge-flag" aria-hidden="true">?</span>' if not verified else ""
    return (
        f'<span class="rag-cite {state}">'
        f'<button type="button" class="rag-badge" aria-label="{esc(label)}" aria-haspopup="dialog" '
        f'aria-expanded="false">{n}{flag}</button>'
        f'<span class="rag-pop">'
        f'<span class="rag-pop-head"><span class="rag-pop-num" aria-hidden="true">{n}</span>'
        f'<span class="rag-pop-title">{esc(title)}</span>'
        f'<span class="rag-pop-date">{esc(date_text)}</span></span>'
        f'<span class="rag-pop-status">{esc(status)}</span>{body}{read}</span></span>'
    )


def marked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` escaped, with the (start, end) spans wrapped in `<mark class="rag-fact">`.

    Spans outside the text are ignored; overlapping ones are joined.
    """
    merged: list[list[int]] = []
    for start, end in sorted((int(a), int(b)) for a, b in spans):
        if not 0 <= start < end <= len(text):
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    at = 0
    for start, end in merged:
        out.append(f'{esc(text[at:start])}<mark class="rag-fact">{esc(text[start:end])}</mark>')
        at = end
    out.append(esc(text[at:]))
    return "".join(out)


def _refusal(answer: Answer, searched: str) -> str:
    parts = [
        '<div class="rag-answer rag-refused">',
        searched,
        '<p class="rag-text"><span class="rag-refusal-icon" aria-hidden="true">ℹ</span> '
        f"{esc(answer.answer)}</p>",
    ]
    if answer.related:
        by_doc: dict[str, list[Retrieved]] = {}
        for r in answer.related:
            by_doc.setdefault(r.doc_id, []).append(r)
        parts.append(f'<div class="rag-related"><div class="rag-panel-title">{RELATED_TITLE}</div><ul>')
        for doc_id, passages in by_doc.items():
            first = passages[0]
            texts = "".join(
                f'<span class="rag-related-text">{esc(_trim_after(p.text, RELATED_CHARS))}</span>'
                for p in passages[:2]
            )
            parts.append(
                '<li class="rag-related-item">'
                f'<span class="rag-src-title">{esc(first.title or doc_id)}</span>'
                f'<span class="rag-src-meta rag-date" data-doc="{esc(doc_id)}"></span>{texts}'
                f"{_read_button(doc_id, first.start, first.end)}</li>"
            )
        parts.append("</ul></div>")
    parts.append(_meta(answer))
    parts.append("</div>")
    return "".join(parts)


def _meta(answer: Answer) -> str:
    label = backend_label(answer.backend, answer.model)
    seconds = f" · {answer.latency_ms / 1000:.1f} s" if answer.latency_ms else ""
    notice = getattr(answer, "notice", "") or ""
    line = f'<div class="rag-notice" role="note">{esc(notice)}</div>' if notice else ""
    return f'{line}<div class="rag-meta">{esc(label)}{esc(seconds)}</div>'


def answer_html(answer: Answer) -> str:
    """The whole answer as one line of safe HTML."""
    searched = (
        f'<div class="rag-searched">Searched for: <q>{esc(answer.searched_for)}</q></div>'
        if answer.searched_for
        else ""
    )
    if answer.refused or not answer.sentences:
        return _refusal(answer, searched)
    by_sentence: dict[tuple[int, int], Citation] = {}
    for c in answer.citations:
        by_sentence.setdefault((c.sentence, c.n), c)
    text: list[str] = []
    unverified = unsupported = False
    for i, sentence in enumerate(answer.sentences):
        sentence_html = marked(sentence.text, sentence.highlights)
        if not sentence.supported:
            unsupported = True
            sentence_html = (
                f'<span class="rag-unsupported">{sentence_html}</span><span class="rag-flag">no source</span>'
            )
        badges = []
        for n in sentence.citations:
            citation = by_sentence.get((i, n))
            unverified |= citation is not None and not citation.verified
            badges.append(_badge(answer, n, citation))
        text.append(sentence_html + "".join(badges))
    parts = ['<div class="rag-answer">', searched, f'<p class="rag-text">{" ".join(text)}</p>']
    notes = ([UNVERIFIED_NOTE] if unverified else []) + ([UNSUPPORTED_NOTE] if unsupported else [])
    parts.extend(f'<div class="rag-note" role="note">{esc(note)}</div>' for note in notes)
    if answer.sources:
        parts.append('<div class="rag-sources"><div class="rag-panel-title">Sources</div><ol>')
        for src in answer.sources:
            first = next((c for c in answer.citations if c.n == src.n), None)
            quote = src.quotes[0] if src.quotes else None
            parts.append(
                f'<li class="rag-source">{_badge(answer, src.n, first)}'
                f'<span class="rag-src-title">{esc(src.title or src.doc_id)}</span>'
                f'<span class="rag-src-meta">{esc(date_label(src.published))}</span>'
                f"{_read_button(src.doc_id, quote.start if quote else None, quote.end if quote else None)}"
                "</li>"
            )
        parts.append("</ol></div>")
    parts.append(_meta(answer))
    parts.append("</div>")
    return "".join(parts)


_MARKER = re.compile(r"\[(\d{1,3})\]")


def streaming_html(text: str) -> str:
    """Answer text while it streams: escaped, markers shown as inert badges."""
    body = _MARKER.sub(r'<span class="rag-badge rag-pending">\1</span>', esc(text))
    return (
        f'<div class="rag-answer rag-streaming"><p class="rag-text">{body}'
        '<span class="rag-caret">▍</span></p></div>'
    )


def thinking_html() -> str:
    return '<div class="rag-answer rag-thinking"><span class="rag-dots">Searching the articles…</span></div>'


def error_html(message: str) -> str:
    """A friendly error in the chat: the message written for the user, escaped."""
    return (
        '<div class="rag-answer rag-error" role="alert">'
        f'<span class="rag-error-icon" aria-hidden="true">⚠</span> {esc(message)}</div>'
    )


def user_html(question: str) -> str:
    return f'<span class="rag-question">{esc(question)}</span>'


def chat_shell(surface: str, examples: list[str], max_question: int) -> str:
    """The chat's markup, the same in the app (`surface="chat"`) and the widget ("embed").

    `static/chat.js` brings it to life: the welcome (what is in here, example questions)
    shows until the first question; the conversation, the waiting question, the question
    box with Ask and Stop, a status line and "Start over" follow.
    """
    items = "".join(f'<li><button type="button" class="rag-example">{esc(q)}</button></li>' for q in examples)
    open_attr = " open" if surface == "chat" else ""
    return (
        f'<section id="rag-app" class="rag-app" data-surface="{esc(surface)}" '
        'aria-label="Chat about the news articles">'
        '<div class="rag-log" role="log" aria-label="Conversation">'
        f'<div class="rag-welcome"><p class="rag-intro">{esc(INTRO)}</p>'
        f'<details class="rag-corpus" hidden{open_attr}><summary>What is in here: '
        '<span class="rag-corpus-count">the articles</span></summary>'
        '<ul class="rag-corpus-list"></ul></details>'
        f'<div class="rag-examples-box"><p class="rag-examples-title" id="rag-examples-{esc(surface)}">'
        "Example questions to try:</p>"
        f'<ul class="rag-examples" aria-labelledby="rag-examples-{esc(surface)}">{items}</ul></div>'
        "</div></div>"
        '<div class="rag-queue" hidden></div>'
        '<form id="rag-form" class="rag-form" autocomplete="off">'
        f'<label class="rag-sr" for="rag-input-{esc(surface)}">Your question</label>'
        f'<textarea id="rag-input-{esc(surface)}" class="rag-input" name="question" rows="1" '
        f'maxlength="{int(max_question)}" placeholder="Ask about the articles…"></textarea>'
        '<button type="submit" class="rag-send">Ask</button>'
        '<button type="button" class="rag-stop" hidden>Stop</button>'
        "</form>"
        '<div class="rag-bar"><p class="rag-status" role="status" aria-live="polite"></p>'
        '<button type="button" class="rag-new">Start over</button></div>'
        "</section>"
    )
