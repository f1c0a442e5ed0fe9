"""The server `rag serve` runs: FastAPI with the HTTP API, the widget and the Gradio app.

Routes (all answers come from one shared `ChatService`):

* `POST /api/ask` - `{question, history}` -> the answer object (`Answer.to_dict()`) as JSON;
  with `Accept: text/event-stream` it streams like the next route.
* `POST /api/ask/stream` - server-sent events: `delta` ({"text"}) as the answer is
  produced, then one `answer` event (plus an `html` event first with `?html=true`), or
  an `error` event.
* `POST /api/feedback` - `{answer_id, vote: "up"|"down"|null, comment}` on an answer this
  server gave; the last choice counts (`ui.service.read_feedback`). Rate-limited like questions.
* `GET /healthz` - liveness, the answer backend and the slot/queue counts; never needs the
  token; answered on the event loop, so it stays fast however many questions wait.
* `GET /embed` - the compact chat widget for iframes; `/ui-assets/*` its script and styles.
* `/openapi.json`, `/docs` - the API schema; `/` - the Gradio chat app and Gradio's API.

Errors are JSON `{"error": message}`: 400 for a bad question or an unreadable body, 404
for an unknown answer id, 422 for a malformed request, 413 for an oversized body, 429
over the rate limit, 503 when the index, Chroma or the LLM is unavailable or the queue
is full (with `Retry-After`), 500 (logged, no traceback) otherwise.

Questions wait for an answering slot (`RAG_CONCURRENCY`) on the event loop, not on a
worker thread, in a queue of at most `RAG_QUEUE_SIZE`. A streamed answer whose client
goes away is closed: its slot is released and the upstream LLM request closed.

`Guard`, an ASGI middleware in front of everything, enforces the embedding policy:
`Content-Security-Policy: frame-ancestors 'self' <RAG_EMBED_ORIGINS>` on every
response, 403 for requests whose `Origin` (or, for frames, referring page) is neither
this server nor allowed, CORS for the allowed origins, the optional access token
(`Authorization: Bearer`, `?token=` on page URLs, or a first-party cookie the main
page sets; the widget needs no cookie), the Host allowlist (`RAG_ALLOWED_HOSTS`; loopback
names by default on a loopback bind, which defeats DNS rebinding), the refusal of
Gradio's upload route (the app takes no files) and a request-body size limit.
Forwarded headers (X-Forwarded-For) are believed only from `RAG_TRUSTED_PROXIES`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from http.cookies import SimpleCookie
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.answer import Answer
from rag.engine import MAX_HISTORY_CHARS, MAX_HISTORY_TURNS, MAX_QUESTION_CHARS
from ui.render import answer_html, backend_label, chat_shell, esc
from ui.service import (
    MAX_COMMENT_CHARS,
    UNEXPECTED,
    Busy,
    ChatService,
    RateLimited,
    Slot,
    error_status,
    friendly,
)

if TYPE_CHECKING:
    from rag.config import Settings

log = logging.getLogger("rag.ui")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 256 * 1024
SHUTDOWN_GRACE_S = 3  # browsers keep Gradio's heartbeat stream open; do not wait for it
TOKEN_COOKIE = "rag_access"
PUBLIC_PATHS = frozenset({"/healthz"})
PUBLIC_PREFIXES = ("/ui-assets/",)
UPLOAD_PATHS = ("/gradio_api/upload", "/upload")  # Gradio's file upload routes: this app takes no files
REFUSED_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ask the news</title></head>'
    '<body style="font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">'
    "<h1>Ask the news</h1><p>{message}</p></body></html>"
)
EMBED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


# -- request and response models ---------------------------------------------------------
_OPEN = ConfigDict(extra="allow")  # fields the answer object gains later pass through unchanged


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_HISTORY_CHARS)


class AskRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"question": "What gifts did Kim receive?"}})

    question: str = Field(
        max_length=4 * MAX_QUESTION_CHARS,
        description=f"The question; at most {MAX_QUESTION_CHARS} characters once whitespace is collapsed.",
    )
    history: list[Turn] = Field(
        default_factory=list,
        max_length=4 * MAX_HISTORY_TURNS,
        description=f"Earlier turns, oldest first; the last {MAX_HISTORY_TURNS} are used, "
        f"at most {MAX_HISTORY_CHARS} characters in all.",
    )


class QuoteModel(BaseModel):
    model_config = _OPEN

    text: str
    start: int
    end: int
    chunk_id: str = ""


class SourceModel(BaseModel):
    model_config = _OPEN

    n: int
    doc_id: str
    title: str
    published: str
    source: str
    quotes: list[QuoteModel]


class CitationModel(BaseModel):
    model_config = _OPEN

    n: int
    doc_id: str
    title: str
    sentence: int
    quote: str
    start: int
    end: int
    verified: bool
    score: float
    added: bool = False
    method: str = "similarity"


class SentenceModel(BaseModel):
    model_config = _OPEN

    text: str
    citations: list[int]
    supported: bool
    highlights: list[tuple[int, int]] = Field(
        default_factory=list,
        description="(start, end) offsets in `text` of the short fact the answer opened with; "
        "the rendered answer marks them, `text` stays plain.",
    )


class RetrievedModel(BaseModel):
    model_config = _OPEN

    doc_id: str
    chunk_id: str
    score: float
    title: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    dense_score: float | None = None
    bm25_score: float | None = None


class AnswerModel(BaseModel):
    """An answer with inline `[n]` markers, numbered sources and verified citations."""

    model_config = _OPEN

    question: str
    answer: str
    refused: bool
    backend: str
    standalone_question: str = ""
    searched_for: str | None = None
    model: str | None = None
    sources: list[SourceModel]
    citations: list[CitationModel]
    sentences: list[SentenceModel]
    retrieved: list[RetrievedModel]
    related: list[RetrievedModel]
    refusal_reason: str = ""
    usage: dict[str, int]
    latency_ms: float


class ErrorModel(BaseModel):
    error: str


class HealthModel(BaseModel):
    status: str
    version: str
    backend: str
    model: str | None
    engine_loaded: bool
    slots_in_use: int
    queued: int


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"answer_id": "3f2c...", "vote": "up"}})

    answer_id: str = Field(max_length=64, description="The `id` of an answer this server gave.")
    vote: Literal["up", "down"] | None = Field(description="null withdraws an earlier vote.")
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)
    surface: Literal["api", "embed"] = Field("api", description="Where the vote was cast.")


class FeedbackResponse(BaseModel):
    ok: bool


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorModel, "description": text}
    for code, text in [
        (400, "The question cannot be answered as given (empty, too long, history too long)."),
        (401, "Missing or wrong access token."),
        (403, "The request's origin is not allowed (RAG_EMBED_ORIGINS)."),
        (404, "Feedback on an answer this server does not know."),
        (413, "The request body is too large."),
        (422, "The request is malformed."),
        (429, "Too many questions from this client (RAG_RATE_LIMIT); see Retry-After."),
        (503, "The index, Chroma or the LLM is unavailable, or the queue is full; see Retry-After."),
    ]
}


# -- errors -------------------------------------------------------------------------------
def error_response(exc: BaseException) -> JSONResponse:
    status = error_status(exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, (RateLimited, Busy)) else None
    return JSONResponse({"error": friendly(exc)}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    problems = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(problems)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def host_name(host: str) -> str:
    """The name part of a Host header ("[::1]:8080" -> "[::1]", "a.example:80" -> "a.example")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def safe_location(path: str) -> str:
    """A same-origin path: "//evil.example/x" or "/\\evil.example" would leave the site."""
    return "/" + path.lstrip("/\\")


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


# -- the guard ------------------------------------------------------------------------------
def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def frame_ancestors(settings: Settings) -> str:
    """The CSP directive naming who may put this server's pages in a frame."""
    if "*" in settings.embed_origins:
        return "frame-ancestors *"
    return "frame-ancestors " + " ".join(["'self'", *sorted(set(settings.embed_origins))])


class Guard:
    """Origin policy, access token, body size and security headers (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.origins = set(settings.embed_origins)
        self.any_origin = "*" in self.origins
        self.token = settings.access_token.get_secret_value() if settings.access_token else None
        self.cookie = (
            hmac.new(self.token.encode(), b"rag-access-cookie", hashlib.sha256).hexdigest()
            if self.token
            else ""
        )
        self.frame_ancestors = frame_ancestors(settings)
        self.hosts = settings.host_names  # None: any Host

    # policy
    def origin_allowed(self, origin: str, host: str) -> bool:
        """This server's own pages (same host, whatever scheme a proxy terminated), or a listed origin."""
        origin = origin.lower().rstrip("/")
        own = bool(host) and origin.partition("://")[2] == host
        return own or self.any_origin or origin in self.origins

    def token_ok(self, supplied: str | None) -> bool:
        return bool(self.token and supplied) and hmac.compare_digest(
            str(supplied).encode(), str(self.token).encode()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        own = headers.get("host", "").lower()

        if self.hosts is not None and host_name(own) not in self.hosts and not self.public(path):
            await self.refuse(
                scope,
                receive,
                send,
                400,
                f"This server does not answer to the host name {host_name(own)!r}; "
                "its operator can add it to RAG_ALLOWED_HOSTS.",
            )
            return
        if scope["type"] == "http" and path.rstrip("/").endswith(UPLOAD_PATHS):
            await self.refuse(scope, receive, send, 403, "This server accepts no file uploads.")
            return

        origin = headers.get("origin")
        if origin is not None and not self.origin_allowed(origin, own):
            await self.refuse(
                scope, receive, send, 403, f"Origin {origin} is not allowed to use this server."
            )
            return
        if headers.get("sec-fetch-dest") in ("iframe", "frame") and headers.get("referer"):
            parent = _origin_of(headers["referer"])
            if parent and not self.origin_allowed(parent, own):
                await self.refuse(scope, receive, send, 403, f"Pages on {parent} may not embed this server.")
                return

        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if self.token and method != "OPTIONS" and not self.public(path):
            auth = headers.get("authorization", "")
            bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
            cookie = SimpleCookie()
            try:
                cookie.load(headers.get("cookie", ""))
            except Exception:  # a malformed cookie header is no cookie
                cookie = SimpleCookie()
            by_cookie = TOKEN_COOKIE in cookie and hmac.compare_digest(
                cookie[TOKEN_COOKIE].value.encode(), self.cookie.encode()
            )
            by_query = self.token_ok(query.get("token"))
            if not (self.token_ok(bearer) or by_query or by_cookie):
                await self.refuse(
                    scope,
                    receive,
                    send,
                    401,
                    "This server needs an access token: open pages with ?token=... "
                    "or send 'Authorization: Bearer ...' with API requests.",
                )
                return
            if by_query and method == "GET" and scope["type"] == "http" and self.sets_cookie(path):
                await self.redirect_with_cookie(scope, send, query)
                return

        if scope["type"] == "http" and method in ("POST", "PUT", "PATCH"):
            declared = headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                await self.refuse(scope, receive, send, 413, self.too_large())
                return
            body, too_large = await self.read_body(receive)
            if too_large:
                await self.refuse(scope, receive, send, 413, self.too_large())
                return
            receive = self.replay(body, receive)

        await self.app(scope, receive, self.with_headers(send, path))

    @staticmethod
    def public(path: str) -> bool:
        return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)

    @staticmethod
    def sets_cookie(path: str) -> bool:
        """Pages opened in the top window get a first-party cookie; the widget and API do not."""
        return not (path.startswith("/embed") or path.startswith("/api/"))

    @staticmethod
    def too_large() -> str:
        return f"The request is larger than {MAX_BODY_BYTES // 1024} KiB."

    @staticmethod
    async def read_body(receive: Receive) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return b"", True
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    @staticmethod
    def replay(body: bytes, receive: Receive) -> Receive:
        """The buffered body once, then the real channel (a streaming response waits on it)."""
        sent = False

        async def replayed() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replayed

    def with_headers(self, send: Send, path: str) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                names = {k.lower() for k, _ in raw}
                if b"content-security-policy" not in names:
                    raw.append((b"content-security-policy", self.frame_ancestors.encode()))
                if b"x-content-type-options" not in names:
                    raw.append((b"x-content-type-options", b"nosniff"))
                if path.startswith("/embed") and b"referrer-policy" not in names:
                    raw.append((b"referrer-policy", b"no-referrer"))
                message["headers"] = raw
            await send(message)

        return send_with_headers

    async def refuse(self, scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
        response: Response
        if "text/html" in accept:  # a person opening a page: a page, not JSON
            response = HTMLResponse(
                REFUSED_PAGE.format(message=esc(message)), status_code=status, headers=extra
            )
        else:
            response = JSONResponse({"error": message}, status_code=status, headers=extra)
        await response(scope, receive, self.with_headers(send, scope.get("path", "")))

    async def redirect_with_cookie(self, scope: Scope, send: Send, query: dict[str, str]) -> None:
        """Swap ?token= for a first-party HttpOnly cookie, so the address bar loses the secret."""
        rest = {k: v for k, v in query.items() if k != "token"}
        path = safe_location(scope.get("root_path", "") + scope["path"])
        location = path + (f"?{urlencode(rest)}" if rest else "")
        response = Response(status_code=303, headers={"Location": location, "Cache-Control": "no-store"})
        response.set_cookie(
            TOKEN_COOKIE, self.cookie, httponly=True, samesite="strict", secure=scope.get("scheme") == "https"
        )

        async def noop() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, noop, self.with_headers(send, scope["path"]))


# -- the widget page ------------------------------------------------------------------------
def embed_page(settings: Settings, service: ChatService, root: str) -> str:
    from ui.app import EXAMPLES, TITLE

    config = {
        "stream_url": f"{root}/api/ask/stream?html=true",
        "feedback_url": f"{root}/api/feedback",
        "max_question": MAX_QUESTION_CHARS,
        "max_history": 2 * MAX_HISTORY_TURNS,
    }
    # JSON inside <script type="application/json">: escape "<" so no "</script>" can end it
    config_json = json.dumps(config).replace("<", "\\u003c")
    examples = "".join(f'<button type="button" class="rag-example">{esc(q)}</button>' for q in EXAMPLES)
    label = backend_label(service.backend, service.model)
    template = Template((Path(__file__).parent / "templates" / "embed.html").read_text(encoding="utf-8"))
    return template.substitute(
        title=esc(TITLE),
        root=esc(root),
        backend=esc(label),
        examples=examples,
        max_question=MAX_QUESTION_CHARS,
        shell=chat_shell("embed", EXAMPLES, MAX_QUESTION_CHARS),  # ui/render.py: the widget's chat
        config=config_json,
    )


# -- the app ----------------------------------------------------------------------------------
def _version() -> str:
    try:
        return version("rag-news")
    except PackageNotFoundError:
        return "0"


def create_app(settings: Settings, service: ChatService | None = None) -> FastAPI:
    """The whole server as one ASGI app (nothing is loaded until the first question)."""
    import gradio as gr

    from ui.app import STATIC, assets, build_app
    from ui.articles import articles_router

    service = service or ChatService(settings)
    app = FastAPI(
        title="Ask the news",
        version=_version(),
        description="Answers about news articles with inline, verified citations. "
        "Send `Authorization: Bearer <token>` when the server has RAG_ACCESS_TOKEN set.",
        redoc_url=None,
    )
    app.state.service = service
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"] if "*" in settings.embed_origins else list(settings.embed_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Accept"],
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(Guard, settings=settings)  # outermost: runs before CORS and routing

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Starlette's and FastAPI's own errors (an unreadable body, 404, 405) in the documented shape."""
        message = exc.detail if isinstance(exc.detail, str) else "The request failed."
        if exc.status_code == 400 and "parsing the body" in message:
            message = "The request body is not valid UTF-8 JSON (or is nested too deeply)."
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)

    @app.get("/healthz", response_model=HealthModel, tags=["service"])
    async def healthz() -> dict[str, Any]:
        """Liveness, the answer backend in use, and the answering slots and queue. Needs no token."""
        return {
            "status": "ok",
            "version": _version(),
            "backend": service.backend,
            "model": service.model,
            "engine_loaded": service.loaded,
            "slots_in_use": service.slots.in_use,
            "queued": service.slots.queued,
        }

    async def take_slot(body: AskRequest, request: Request) -> Slot:
        """Check the question and the rate, then wait for a slot on the event loop (no thread)."""
        history = [t.model_dump() for t in body.history]
        service.check(body.question, history, client=_client(request))
        await run_in_threadpool(service.engine)  # a missing index fails before queueing
        return await service.slots.acquire_async(request.is_disconnected)

    async def stream_events(first: str | Answer, pump: Pump, slot: Slot, html: bool) -> Any:
        """SSE text. On a disconnect the body is closed (ClosingStream) at once, even while a
        step waits on the LLM: the slot is released now, and the engine's stream (with the
        upstream LLM request) is closed as soon as that step returns (`Pump`)."""
        try:
            event: str | Answer | None = first
            while event is not None:
                if isinstance(event, Answer):
                    if html:
                        yield _sse("html", {"html": answer_html(event)})
                    yield _sse("answer", event.to_dict())
                else:
                    yield _sse("delta", {"text": event})
                event = await anyio.to_thread.run_sync(pump.step, abandon_on_cancel=True)
        except Exception as exc:
            yield _sse("error", {"error": friendly(exc), "status": error_status(exc)})
        finally:
            pump.close()
            slot.release()

    async def start_stream(body: AskRequest, request: Request, html: bool) -> Response:
        try:
            slot = await take_slot(body, request)
        except asyncio.CancelledError:
            return Response(status_code=499)  # the client left while queued: nobody reads this
        except Exception as exc:
            return error_response(exc)
        pump = Pump(service.stream(body.question, [t.model_dump() for t in body.history], slot=slot))
        try:  # errors before the first event get a real status code
            first = await anyio.to_thread.run_sync(pump.step, abandon_on_cancel=True)
        except BaseException as exc:
            pump.close()
            slot.release()
            if not isinstance(exc, Exception):
                raise
            return error_response(exc)
        if first is None:  # the engine always ends with an Answer
            pump.close()
            slot.release()
            return JSONResponse({"error": UNEXPECTED}, status_code=500)
        return ClosingStream(
            stream_events(first, pump, slot, html),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @app.post(
        "/api/ask",
        response_model=AnswerModel,
        responses={
            **ERRORS,
            200: {"content": {"text/event-stream": {}}, "description": "The answer (JSON, or SSE)"},
        },
        tags=["answers"],
    )
    async def ask(body: AskRequest, request: Request) -> Any:
        """Answer a question with cited sources. `Accept: text/event-stream` streams it."""
        if "text/event-stream" in request.headers.get("accept", ""):
            return await start_stream(body, request, html=False)
        try:
            slot = await take_slot(body, request)
        except asyncio.CancelledError:
            return Response(status_code=499)
        except Exception as exc:
            return error_response(exc)
        try:
            answer = await run_in_threadpool(
                service.ask, body.question, [t.model_dump() for t in body.history], slot=slot
            )
        except Exception as exc:
            return error_response(exc)
        finally:
            slot.release()
        return answer.to_dict()

    @app.post(
        "/api/ask/stream",
        responses={
            **ERRORS,
            200: {
                "content": {"text/event-stream": {}},
                "description": "Server-sent events: `delta` ({text}) events, then `answer` "
                "(the answer object; preceded by `html` with ?html=true), or `error` ({error, status}).",
            },
        },
        response_class=StreamingResponse,
        tags=["answers"],
    )
    async def ask_stream(
        body: AskRequest,
        request: Request,
        html: bool = Query(
            False, description="Also send the rendered answer (escaped HTML) as an `html` event."
        ),
    ) -> Response:
        """Answer a question, streaming the text as server-sent events."""
        return await start_stream(body, request, html=html)

    @app.post("/api/feedback", response_model=FeedbackResponse, responses=ERRORS, tags=["answers"])
    async def feedback(body: FeedbackRequest, request: Request) -> Any:
        """Rate an answer this server gave (its `id`); a later vote replaces it, null withdraws it.

        Stored as JSON lines under the data directory, rotated past RAG_FEEDBACK_MAX_MB.
        """
        try:
            service.record_feedback(
                body.answer_id, body.vote, body.comment, body.surface, client=_client(request)
            )
        except Exception as exc:
            return error_response(exc)
        return {"ok": True}

    @app.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    async def embed(request: Request) -> HTMLResponse:
        page = embed_page(settings, service, request.scope.get("root_path", "").rstrip("/"))
        csp = f"{EMBED_CSP}; {frame_ancestors(settings)}"
        return HTMLResponse(page, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})

    app.include_router(articles_router(settings, service))  # ui/articles.py: reader, corpus, /status

    @app.api_route(
        "/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    async def no_such_route(request: Request, rest: str) -> JSONResponse:
        """Unknown API paths (and wrong methods) answer in the API's error shape, not Gradio's."""
        return JSONResponse(
            {"error": f"No API route {request.method} /api/{rest}; see /openapi.json."}, status_code=404
        )

    app.mount("/ui-assets", StaticFiles(directory=STATIC), name="ui-assets")

    css, js = assets()
    blocks = build_app(settings, service)
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        css=css,
        head=f"<script>{js}</script>",
        show_error=False,
        ssr_mode=False,
        footer_links=["api", "gradio"],
    )


class ClosingStream(StreamingResponse):
    """A StreamingResponse that always closes its body, also when the client went away mid-stream."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            aclose = getattr(self.body_iterator, "aclose", None)
            if aclose is not None:
                await aclose()


class Pump:
    """Steps a synchronous answer stream on worker threads; `close()` from the event loop is
    safe at any time: while a step is running, the stream is closed when that step returns."""

    def __init__(self, events: Iterator[str | Answer]):
        self.events = events
        self._lock = threading.Lock()
        self._busy = False
        self._closed = False

    def step(self) -> str | Answer | None:
        with self._lock:
            if self._closed:
                return None
            self._busy = True
        try:
            return next(self.events, None)
        finally:
            with self._lock:
                self._busy = False
                close_now = self._closed
            if close_now:
                _close_quietly(self.events)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._busy:
                return  # the running step closes it
        _close_quietly(self.events)


def _close_quietly(events: Iterator[Any]) -> None:
    close = getattr(events, "close", None)
    if close is None:
        return
    try:
        close()
    except Exception:  # closing after a failure must not hide it
        log.debug("closing an answer stream failed", exc_info=True)


def uvicorn_options(settings: Settings | None) -> dict[str, Any]:
    """Forwarded headers only from the named proxies (uvicorn trusts 127.0.0.1 by default)."""
    proxies = settings.trusted_proxies if settings is not None else []
    return {
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else None,
        "server_header": False,
    }


def run(settings: Settings, *, host: str, port: int) -> None:
    """Serve until interrupted. Access logs are off: page URLs may carry the token."""
    import uvicorn

    settings = settings.model_copy(update={"host": host, "port": port})  # --host/--port win
    service = ChatService(settings)
    app = create_app(settings, service)
    service.warm_up()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Chat app:  http://{shown}:{port}/   widget: /embed   API: /api/ask   schema: /openapi.json")
    if settings.host_names is None and not settings.access_token:
        print(
            "Warning: any Host name is accepted and no access token is set; set RAG_ALLOWED_HOSTS "
            "to the names users type (DNS rebinding) or RAG_ACCESS_TOKEN."
        )
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        **uvicorn_options(settings),
    )


@contextmanager
def serve_in_thread(
    app: Any, *, host: str = "127.0.0.1", port: int = 0, grace_s: int = 1, settings: Settings | None = None
) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a background thread; yields its base URL (tests, notebooks)."""
    import socket
    import threading
    import time

    import uvicorn

    if not port:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=grace_s,
            **uvicorn_options(settings),
        )
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on {host}:{port}")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
