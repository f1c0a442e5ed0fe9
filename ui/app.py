"""The Gradio page: the chat, the Embed and API tabs, and Gradio's `/respond` API.

`build_app(settings, service)` makes the Blocks (nothing is built at import time, and
the engine loads on first use through `ChatService`). The page has a header (the
`h1` and the answer backend in words), a Chat tab holding the chat shell
(`ui.render.chat_shell`, the same markup as the `/embed` widget), an Embed tab with the
widget snippet for the address in use and an API tab. The chat itself runs in the
browser (`static/chat.js`): it keeps the conversation in localStorage, streams
answers from `/api/ask/stream`, and records votes through `/api/feedback`, exactly
like the widget, so the two behave the same and a server restart loses nothing.

Gradio's API keeps `/respond` (question, history) for `gradio_client`: it streams
`{"text", "done": false}` updates and ends with `{"done": true, "answer":
Answer.to_dict(), "html": ...}`, or `{"done": true, "error": ...}`. `serve()` runs
`ui.server`, the FastAPI app that mounts these Blocks next to the HTTP API, the
`/embed` widget and the reader, corpus and status routes (`ui.articles`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from rag.answer import Answer
from rag.engine import MAX_QUESTION_CHARS
from ui.render import answer_html, backend_label, chat_shell, esc
from ui.service import ChatService, error_status, friendly

if TYPE_CHECKING:
    from rag.config import Settings

TITLE = "Ask the news"
EXAMPLES = [
    "What gifts did Kim receive?",
    "Who did Kim meet in Vladivostok?",
    "Where did Kim and Putin meet?",
]
STATIC = Path(__file__).parent / "static"


def header_html(service: ChatService) -> str:
    label = backend_label(service.backend, service.model)
    return (
        f'<header class="rag-header"><h1 class="rag-app-title">{esc(TITLE)}</h1>'
        f'<span class="rag-backend" id="rag-backend">{esc(label)}</span></header>'
    )


def embed_doc(settings: Settings, base: str | None = None) -> str:
    """The Embed tab: the iframe snippet, for the address the page was opened at."""
    if base is None:
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
        base = f"http://{host}:{settings.port}"
    token = "?token=YOUR_ACCESS_TOKEN" if settings.access_token else ""
    origins = ", ".join(settings.embed_origins) or "none yet (only this server's own pages)"
    return f"""### Embed the chat widget in an intranet page

Paste this where the widget should appear (change the address to where `rag serve` runs):

```html
<iframe src="{base}/embed{token}" title="{TITLE}"
        style="width:100%;max-width:420px;height:600px;border:1px solid #d0d7de;border-radius:12px"
        loading="lazy"></iframe>
```

The widget is a compact chat with the same citation badges and passages. It needs no cookies:
{
        "the access token travels in the frame's address and as a Bearer header on its own requests."
        if settings.access_token
        else "set `RAG_ACCESS_TOKEN` to require a token (`/embed?token=...`)."
    }

* **Allowed origins** (`RAG_EMBED_ORIGINS`): {esc(origins)}. The server sends
  `Content-Security-Policy: frame-ancestors` with these, so browsers refuse to show the widget on other sites,
  and refuses API calls from other origins.
* A complete example page is in `examples/intranet.html`.
"""


def api_doc() -> str:
    return """### HTTP API

* `POST /api/ask` with `{"question": "...", "history": [{"role": "user", "content": "..."}, ...]}` returns the
  answer object as JSON (text with `[n]` markers, numbered sources with quotes, verified citations).
* `POST /api/ask/stream` (or `/api/ask` with `Accept: text/event-stream`) streams server-sent events:
  `delta` events with `{"text": ...}`, then one `answer` event (or an `error` event).
* `POST /api/feedback` records a thumbs up/down; `GET /healthz` reports readiness.
* The OpenAPI schema is at `/openapi.json`. With `RAG_ACCESS_TOKEN` set, send `Authorization: Bearer <token>`.
* Gradio's own API (`gradio_client`): `Client(url).submit(question, history, api_name="/respond")`.
"""


def _client(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return str(getattr(client, "host", None) or "unknown")


def build_app(settings: Settings, service: ChatService | None = None) -> gr.Blocks:
    """The chat app's Blocks; pass a `ChatService` to share one engine with the API."""
    service = service or ChatService(settings)

    def on_load(request: gr.Request) -> str:
        headers = getattr(request, "headers", None) or {}
        host = headers.get("x-forwarded-host") or headers.get("host")
        scheme = headers.get("x-forwarded-proto") or "http"
        base = f"{scheme}://{host}" if host else None
        return embed_doc(settings, base)

    def api_respond(
        question: str,
        history: list[dict[str, str]] | None = None,
        request: gr.Request = None,  # type: ignore[assignment]
    ) -> Iterator[dict[str, Any]]:
        """Answer a question about the articles, with cited sources.

        Streams {"text": partial answer, "done": false} updates and ends with
        {"done": true, "answer": the answer object, "html": the rendered answer},
        or {"done": true, "error": message} when the question cannot be answered.
        """
        text = ""
        try:
            for event in service.stream(question, history or [], client=_client(request)):
                if isinstance(event, Answer):
                    yield {
                        "done": True,
                        "text": event.answer,
                        "answer": event.to_dict(),
                        "html": answer_html(event),
                    }
                else:
                    text += event
                    yield {"done": False, "text": text}
        except Exception as exc:
            yield {"done": True, "error": friendly(exc), "status": error_status(exc)}

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(header_html(service), elem_id="rag-header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                gr.HTML(
                    chat_shell("chat", EXAMPLES, MAX_QUESTION_CHARS),
                    elem_id="rag-chat",
                    apply_default_css=False,
                )
            with gr.Tab("Embed", id="embed"):
                embed_md = gr.Markdown(embed_doc(settings), elem_id="rag-embed-doc")
            with gr.Tab("API", id="api"):
                gr.Markdown(api_doc())
        gr.api(api_respond, api_name="respond")
        demo.load(on_load, outputs=[embed_md], queue=False, api_name="chat_load", api_visibility="private")
    demo.queue(default_concurrency_limit=settings.concurrency)
    return demo


def assets() -> tuple[str, str]:
    """The CSS and the scripts the chat page needs (the widget loads the same files from /ui-assets)."""
    css = (STATIC / "rag.css").read_text(encoding="utf-8") + (STATIC / "app.css").read_text(encoding="utf-8")
    scripts = [(STATIC / name).read_text(encoding="utf-8") for name in ("rag.js", "chat.js")]
    return css, "\n".join(scripts)


def serve(settings: Settings, *, host: str, port: int) -> None:
    """Run the chat app, widget and API (`rag serve`) until interrupted."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.server import run

    run(settings, host=host, port=port)
