"""The Gradio chat app: streamed answers with clickable citation badges.

`build_app(settings, service)` makes the Blocks (nothing is built at import
time, and the engine loads on first use through `ChatService`). The page has a
backend badge, a Chat tab (chatbot with thumbs up/down, example questions, a
"New chat" button), an Embed tab with the widget snippet and an API tab.
Answers are rendered by `ui.render` (escaped HTML with badges and passages);
`static/rag.js` makes the badges show their passages on hover and click.

Gradio's API keeps `/respond` (question, history) for `gradio_client`: it
streams `{"text", "done": false}` updates and ends with `{"done": true,
"answer": Answer.to_dict(), "html": ...}`, or `{"done": true, "error": ...}`.
The UI's own events are private. `serve()` runs `ui.server`, the FastAPI app
that mounts these Blocks next to the HTTP API and the `/embed` widget.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from rag.answer import Answer
from rag.engine import MAX_QUESTION_CHARS
from ui.render import (
    answer_html,
    backend_label,
    error_html,
    esc,
    streaming_html,
    thinking_html,
    user_html,
)
from ui.service import ChatService, Vote, citation_summary, error_status, friendly

if TYPE_CHECKING:
    from rag.config import Settings

TITLE = "Ask the news"
EXAMPLES = [
    "What gifts did Kim receive?",
    "Who did Kim meet in Vladivostok?",
    "Where did Kim and Putin meet?",
]
STATIC = Path(__file__).parent / "static"
CHAT_PLACEHOLDER = (
    "<b>Ask about the news articles.</b><br>Every sentence of an answer cites its source: "
    "hover or click a numbered badge to read the quoted passage."
)

Conversation = dict[str, list[Any]]  # {"chat": gradio messages, "turns": one record per message}


def header_html(service: ChatService) -> str:
    label = backend_label(service.backend, service.model)
    return (
        f'<div class="rag-header"><span class="rag-app-title">{esc(TITLE)}</span>'
        f'<span class="rag-backend" id="rag-backend" title="Answer backend">{esc(label)}</span></div>'
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


def _history(turns: list[Any]) -> list[dict[str, str]]:
    """The answered exchanges of the conversation, as the engine takes them."""
    out: list[dict[str, str]] = []
    for turn in turns:
        if turn and turn.get("answer") is not None:
            out += [
                {"role": "user", "content": turn["question"]},
                {"role": "assistant", "content": turn["answer"]},
            ]
    return out


def _client(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return str(getattr(client, "host", None) or "unknown")


def build_app(settings: Settings, service: ChatService | None = None) -> gr.Blocks:
    """The chat app's Blocks; pass a `ChatService` to share one engine with the API."""
    service = service or ChatService(settings)

    def respond(
        message: str, conv: Conversation | None, request: gr.Request
    ) -> Iterator[tuple[str, list[Any], Conversation]]:
        conv = {"chat": list((conv or {}).get("chat", [])), "turns": list((conv or {}).get("turns", []))}
        chat, turns = conv["chat"], conv["turns"]
        question = (message or "").strip()
        if not question:
            gr.Warning("Please type a question.")
            yield "", chat, conv
            return
        history = _history(turns)
        chat += [
            {"role": "user", "content": user_html(question)},
            {"role": "assistant", "content": thinking_html()},
        ]
        turns += [None, {"question": question, "answer": None}]
        yield "", chat, conv
        text = ""
        try:
            for event in service.stream(question, history, client=_client(request)):
                if isinstance(event, Answer):
                    chat[-1] = {"role": "assistant", "content": answer_html(event)}
                    turns[-1] = {
                        "question": question,
                        "answer": event.answer,
                        "citations": citation_summary(event),
                        "backend": event.backend,
                        "model": event.model,
                        "searched_for": event.searched_for,
                    }
                else:
                    text += event
                    chat[-1] = {"role": "assistant", "content": streaming_html(text)}
                yield "", chat, conv
        except Exception as exc:
            chat[-1] = {"role": "assistant", "content": error_html(friendly(exc))}
            yield "", chat, conv

    def on_like(conv: Conversation | None, data: gr.LikeData) -> None:
        turns = (conv or {}).get("turns", [])
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = turns[index] if 0 <= index < len(turns) else None
        liked = data.liked
        vote = "up" if liked in (True, "Like") else "down" if liked in (False, "Dislike") else None
        if not turn or turn.get("answer") is None or vote is None:
            return
        service.feedback.record(
            Vote(
                vote=vote,
                question=turn["question"],
                answer=turn["answer"],
                citations=turn["citations"],
                channel="chat",
                backend=turn.get("backend"),
                model=turn.get("model"),
                searched_for=turn.get("searched_for"),
            )
        )
        gr.Info("Thanks for the feedback.")

    def on_load(request: gr.Request) -> tuple[str, str]:
        headers = getattr(request, "headers", None) or {}
        host = headers.get("x-forwarded-host") or headers.get("host")
        scheme = headers.get("x-forwarded-proto") or "http"
        base = f"{scheme}://{host}" if host else None
        return header_html(service), embed_doc(settings, base)

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
        header = gr.HTML(header_html(service), elem_id="rag-header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chatbot = gr.Chatbot(
                    label="Answers with cited sources",
                    elem_id="rag-chat",
                    height=560,
                    latex_delimiters=[],
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                    group_consecutive_messages=False,
                    placeholder=CHAT_PLACEHOLDER,
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        show_label=False,
                        placeholder="Ask a question about the articles…",
                        elem_id="rag-question",
                        scale=8,
                        max_lines=4,
                        max_length=MAX_QUESTION_CHARS,
                        autofocus=True,
                    )
                    ask = gr.Button("Ask", variant="primary", elem_id="rag-ask", scale=1, min_width=90)
                with gr.Row(elem_id="rag-examples"):
                    example_buttons = [
                        gr.Button(q, size="sm", variant="secondary", elem_classes=["rag-example"])
                        for q in EXAMPLES
                    ]
                    new_chat = gr.Button(
                        "New chat",
                        size="sm",
                        variant="secondary",
                        elem_id="rag-new-chat",
                        scale=0,
                        min_width=100,
                    )
            with gr.Tab("Embed", id="embed"):
                embed_md = gr.Markdown(embed_doc(settings), elem_id="rag-embed-doc")
            with gr.Tab("API", id="api"):
                gr.Markdown(api_doc())
        conv = gr.State({"chat": [], "turns": []})

        chat_io: dict[str, Any] = {"inputs": [box, conv], "outputs": [box, chatbot, conv]}
        private: dict[str, Any] = {"api_visibility": "private"}
        gr.api(api_respond, api_name="respond")
        ask.click(respond, **chat_io, api_name="chat_ask", **private)
        box.submit(respond, **chat_io, api_name="chat_submit", **private)
        for i, button in enumerate(example_buttons):
            button.click(
                lambda q: q,
                inputs=[button],
                outputs=[box],
                queue=False,
                api_name=f"chat_example_{i}",
                **private,
            ).then(respond, **chat_io, api_name=f"chat_example_{i}_answer", **private)
        new_chat.click(
            lambda: ([], {"chat": [], "turns": []}),
            outputs=[chatbot, conv],
            queue=False,
            api_name="chat_new",
            **private,
        )
        chatbot.clear(  # the chatbot's own trash button: forget the conversation too
            lambda: {"chat": [], "turns": []}, outputs=[conv], queue=False, api_name="chat_clear", **private
        )
        chatbot.like(on_like, inputs=[conv], outputs=None, api_name="chat_feedback", **private)
        demo.load(on_load, outputs=[header, embed_md], queue=False, api_name="chat_load", **private)
    demo.queue(default_concurrency_limit=settings.concurrency)
    return demo


def assets() -> tuple[str, str]:
    """The CSS and the script the chat page needs (also served to the widget)."""
    return (STATIC / "rag.css").read_text(encoding="utf-8"), (STATIC / "rag.js").read_text(encoding="utf-8")


def serve(settings: Settings, *, host: str, port: int) -> None:
    """Run the chat app, widget and API (`rag serve`) until interrupted."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.server import run

    run(settings, host=host, port=port)
