"""Routes for reading: the article reader, the "what is in here" panel, the operator status page.

`articles_router(settings, service)` is a FastAPI `APIRouter` that `ui.server` includes:

* `GET /api/corpus` - what the app covers: the number of articles and, per article, its
  id, headline, stated date (or "date not stated") and file type; for the panel the chat
  and the widget show a first-time visitor.
* `GET /api/articles/{doc_id}` - one whole article (its cleaned text, the text every quote's
  offsets point into), for the reader view the chat and the widget open from a source.
* `GET /status` - a plain HTML page for the people who run the server: answer backend,
  index location, documents, feedback counts and the recent warnings and errors of the
  `rag` loggers, with the details (paths, settings, commands) the chat never shows.
  Without an access token it answers only loopback clients.

Errors are `{"error": message}` in plain words; details go to the log (and so to `/status`).
It does not answer questions or render answers (`ui.service`, `ui.render`).
"""

from __future__ import annotations

import collections
import html
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from ui.render import date_label

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.index import Index
    from ui.service import ChatService

log = logging.getLogger("rag.ui")

RECENT_LOG_LINES = 50  # warnings and errors kept for the status page
UNAVAILABLE = "The articles cannot be read right now. The problem was logged for the people who run it."
STATUS_CSS = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}"
    "table{border-collapse:collapse;margin:1rem 0}"
    "th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #d0d7de;vertical-align:top}"
    ".problem{background:#fff1f0;border:1px solid #cf222e;padding:8px 12px;border-radius:6px}"
    "li{margin:4px 0}time{color:#57606a}"
)
NOT_FOUND = "That article is not in the collection (it may have been removed)."
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})


class RecentLog(logging.Handler):
    """The last warnings and errors of the `rag` loggers, for the status page."""

    def __init__(self, size: int = RECENT_LOG_LINES):
        super().__init__(level=logging.WARNING)
        self.lines: collections.deque[tuple[float, str, str]] = collections.deque(maxlen=size)
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        except Exception:  # a log call with bad arguments must not break the request
            text = str(record.msg)
        with self._guard:
            self.lines.append((record.created, record.levelname, text))

    def recent(self) -> list[tuple[float, str, str]]:
        with self._guard:
            return list(reversed(self.lines))


_recent: RecentLog | None = None


def recent_log() -> RecentLog:
    """One handler per process on the `rag` logger (every router shares it)."""
    global _recent
    if _recent is None:
        _recent = RecentLog()
        logging.getLogger("rag").addHandler(_recent)
    return _recent


def _kind(source: str) -> str:
    suffix = source.rsplit(".", 1)[-1].lower() if "." in source else ""
    return {"htm": "web page", "html": "web page", "md": "text", "markdown": "text"}.get(suffix, "text")


def articles_router(settings: Settings, service: ChatService) -> APIRouter:
    """The reader, corpus and status routes over the service's index."""
    router = APIRouter()
    recent = recent_log()
    cache: dict[str, Any] = {}

    def index() -> Index:
        return service.engine().index

    def corpus() -> list[dict[str, Any]]:
        idx = index()
        version = idx.current_version()
        if cache.get("version") != version:
            docs = sorted(idx.documents().values(), key=lambda d: (d.published or "9999", d.title))
            cache["articles"] = [
                {
                    "doc_id": d.doc_id,
                    "title": d.title or d.doc_id,
                    "published": d.published,
                    "date_label": date_label(d.published),
                    "kind": _kind(d.source),
                }
                for d in docs
            ]
            cache["version"] = version
        return list(cache["articles"])

    def unavailable(what: str, exc: BaseException) -> JSONResponse:
        log.warning("%s failed: %s", what, exc, exc_info=not _is_rag_error(exc))
        return JSONResponse({"error": UNAVAILABLE}, status_code=503)

    @router.get("/api/corpus", tags=["articles"])
    def get_corpus() -> Any:
        """What the app covers: how many articles, with their headlines and dates."""
        try:
            articles = corpus()
        except Exception as exc:
            return unavailable("listing the articles", exc)
        return {"count": len(articles), "articles": articles}

    @router.get("/api/articles/{doc_id}", tags=["articles"], responses={404: {"description": NOT_FOUND}})
    def get_article(doc_id: str) -> Any:
        """One whole article: headline, date and its text (quote offsets point into it)."""
        try:
            found = next((a for a in corpus() if a["doc_id"] == doc_id), None)
            text = index().document_text(doc_id) if found else None
        except Exception as exc:
            return unavailable(f"reading article {doc_id!r}", exc)
        if found is None or text is None:
            return JSONResponse({"error": NOT_FOUND}, status_code=404)
        return {**found, "text": text}

    @router.get("/status", response_class=HTMLResponse, include_in_schema=False)
    def status(request: Request) -> HTMLResponse:
        client = request.client.host if request.client else ""
        if not settings.access_token and client not in LOOPBACK:
            return HTMLResponse(
                "<!doctype html><title>Status</title><p>The status page is only shown on this machine "
                "(or with the access token).</p>",
                status_code=403,
            )
        return HTMLResponse(status_page(settings, service, recent), headers={"Cache-Control": "no-store"})

    return router


def _is_rag_error(exc: BaseException) -> bool:
    from rag.errors import RagError

    return isinstance(exc, RagError)


def status_page(settings: Settings, service: ChatService, recent: RecentLog) -> str:
    """The operator page: what runs, where the index is, what went wrong lately."""
    e = html.escape
    rows: list[tuple[str, str]] = [
        ("Answer backend", f"{service.backend}" + (f" ({service.model})" if service.model else "")),
        ("RAG_LLM", settings.llm),
        ("Index", settings.chroma_location),
        ("Data folder", str(settings.data_dir.resolve())),
        ("Feedback file", str(settings.feedback_path.resolve())),
        ("Engine loaded", "yes" if service.loaded else "not yet"),
    ]
    problem = ""
    docs: list[Any] = []
    try:
        idx = service.engine().index
        docs = sorted(idx.documents().values(), key=lambda d: d.doc_id)
        rows.append(("Documents / chunks", f"{len(docs)} / {idx.chunk_count()}"))
    except Exception as exc:
        problem = str(exc) if _is_rag_error(exc) else f"{type(exc).__name__}: {exc}"
    votes = 0
    if settings.feedback_path.exists():
        try:
            with open(settings.feedback_path, encoding="utf-8") as fh:
                votes = sum(1 for _ in fh)
        except OSError:
            votes = -1
    rows.append(("Feedback lines", str(votes) if votes >= 0 else "unreadable"))
    table = "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    doc_rows = "".join(
        f"<tr><td>{e(d.doc_id)}</td><td>{e(d.published or '-')}</td><td>{d.n_chunks}</td>"
        f"<td>{e(d.title)}</td><td>{e(d.source)}</td></tr>"
        for d in docs
    )
    lines = "".join(
        f"<li><time>{e(time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(ts)))} UTC</time> "
        f"<b>{e(level)}</b> {e(text)}</li>"
        for ts, level, text in recent.recent()
    )
    problem_html = (
        f'<p class="problem" role="alert"><b>The engine cannot answer:</b> {e(problem)}</p>'
        if problem
        else ""
    )
    head = "<tr><th>id</th><th>date</th><th>chunks</th><th>title</th><th>file</th></tr>"
    docs_html = f"<table>{head}{doc_rows}</table>" if docs else "<p>None.</p>"
    lines_html = f"<ol>{lines}</ol>" if lines else "<p>None since the server started.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Status - Ask the news</title><style>{STATUS_CSS}</style></head><body><main>"
        "<h1>Status</h1><p>For the people who run this server. "
        "Users see plain messages; the details are here.</p>"
        f"{problem_html}<table>{table}</table><h2>Documents</h2>{docs_html}"
        f"<h2>Recent warnings and errors</h2>{lines_html}</main></body></html>"
    )
