"""HTML for answers: inline citation badges, quoted passages, sources, refusals.

One renderer serves the chat app, the embeddable widget and the API's optional
`html` event, so citations look and behave the same everywhere. Every piece of
text that comes from an article, a question or an answer goes through
`html.escape`; the only markup in the output is the fixed markup written here.
The output is a single line (no blank lines), so Gradio's Markdown renderer
keeps it as one HTML block and adds no emphasis, links or maths of its own.

Each badge is `<span class="rag-cite"><button class="rag-badge">n</button>
<span class="rag-pop">...</span></span>`: the hidden `rag-pop` holds the source's
title and date and the quoted passage highlighted (`<mark>`) within its
surrounding text. `static/rag.js` shows it on hover and on click. No scripts,
event handlers or data attributes are emitted (Gradio's sanitizer strips them).
"""

from __future__ import annotations

import html
import re

from rag.answer import Answer, Citation, Retrieved

CONTEXT_CHARS = 260  # surrounding text shown on each side of a quoted passage
RELATED_CHARS = 420
UNVERIFIED_NOTE = (
    "Dashed badges mark citations the checker could not verify: "
    "the quoted passage may not support the sentence."
)
UNSUPPORTED_NOTE = "Underlined sentences are not supported by any of the articles."
_SPACE = re.compile(r"\s+")


def esc(text: object) -> str:
    """Escaped text on one line (newlines would end Gradio's HTML block)."""
    return html.escape(_SPACE.sub(" ", str(text)), quote=True)


def backend_label(backend: str, model: str | None) -> str:
    return f"{backend} · {model}" if model else backend


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
    date = (source.published if source else "") or "undated"
    if citation is not None:
        before, quote, after = passage_context(
            citation.quote, citation.doc_id, citation.start, citation.end, answer.retrieved
        )
        verified = citation.verified
    elif source is not None and source.quotes:
        q = source.quotes[0]
        before, quote, after = passage_context(q.text, source.doc_id, q.start, q.end, answer.retrieved)
        verified = True
    else:
        before, quote, after, verified = "", "", "", True
    state = "rag-verified" if verified else "rag-unverified"
    status = (
        '<span class="rag-pop-status">✓ Quoted passage supports this sentence</span>'
        if verified
        else '<span class="rag-pop-status">⚠ Not verified: this passage may not support the sentence</span>'
    )
    if citation is not None and citation.added and verified:
        status = (
            '<span class="rag-pop-status">✓ Citation added by the checker; the passage supports it</span>'
        )
    body = (
        f'<span class="rag-pop-text">{esc(before)}<mark class="rag-quote">{esc(quote)}</mark>'
        f"{esc(after)}</span>"
        if quote
        else '<span class="rag-pop-text">No passage available.</span>'
    )
    label = f"Source {n}: {title}" + ("" if verified else " (unverified citation)")
    return (
        f'<span class="rag-cite {state}">'
        f'<button type="button" class="rag-badge" title="{esc(label)}">{n}</button>'
        f'<span class="rag-pop" role="tooltip">'
        f'<span class="rag-pop-head"><span class="rag-pop-num">{n}</span>'
        f'<span class="rag-pop-title">{esc(title)}</span>'
        f'<span class="rag-pop-date">{esc(date)}</span></span>'
        f"{status}{body}</span></span>"
    )


def _refusal(answer: Answer, searched: str) -> str:
    parts = [
        '<div class="rag-answer rag-refused">',
        searched,
        f'<div class="rag-refusal"><span class="rag-refusal-icon">⊘</span> {esc(answer.answer)}</div>',
    ]
    if answer.related:
        parts.append('<div class="rag-related"><div class="rag-panel-title">Related passages</div><ul>')
        for r in answer.related:
            parts.append(
                f'<li><details><summary><span class="rag-related-title">{esc(r.title or r.doc_id)}</span>'
                f'</summary><span class="rag-related-text">{esc(_trim_after(r.text, RELATED_CHARS))}</span>'
                "</details></li>"
            )
        parts.append("</ul></div>")
    parts.append(_meta(answer))
    parts.append("</div>")
    return "".join(parts)


def _meta(answer: Answer) -> str:
    label = backend_label(answer.backend, answer.model)
    seconds = f" · {answer.latency_ms / 1000:.1f} s" if answer.latency_ms else ""
    return f'<div class="rag-meta">answered by {esc(label)}{esc(seconds)}</div>'


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
        sentence_html = esc(sentence.text)
        if not sentence.supported:
            unsupported = True
            sentence_html = (
                f'<span class="rag-unsupported" title="No article supports this sentence">'
                f"{sentence_html}</span>"
            )
        badges = []
        for n in sentence.citations:
            citation = by_sentence.get((i, n))
            unverified |= citation is not None and not citation.verified
            badges.append(_badge(answer, n, citation))
        text.append(sentence_html + "".join(badges))
    parts = ['<div class="rag-answer">', searched, f'<p class="rag-text">{" ".join(text)}</p>']
    notes = ([UNVERIFIED_NOTE] if unverified else []) + ([UNSUPPORTED_NOTE] if unsupported else [])
    parts.extend(f'<div class="rag-note">⚠ {esc(note)}</div>' for note in notes)
    if answer.sources:
        parts.append('<div class="rag-sources"><div class="rag-panel-title">Sources</div><ol>')
        for src in answer.sources:
            first = next((c for c in answer.citations if c.n == src.n), None)
            meta = " · ".join(x for x in (src.published or "undated", src.doc_id) if x)
            parts.append(
                f'<li class="rag-source">{_badge(answer, src.n, first)}'
                f'<span class="rag-src-title">{esc(src.title)}</span>'
                f'<span class="rag-src-meta">{esc(meta)}</span></li>'
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
    return f'<div class="rag-answer rag-error"><span class="rag-error-icon">⚠</span> {esc(message)}</div>'


def user_html(question: str) -> str:
    return f'<span class="rag-question">{esc(question)}</span>'
