"""The Gradio chat app (first version: plain chat over the answer engine).

It shows the cited answer and its numbered sources with the quoted passages.
Clickable citation badges, the embed widget and the HTTP API come with the UI
issue. It builds nothing at import time: `build_app(settings)` makes the Blocks
and loads the engine lazily on the first question; `serve` launches them.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from rag.answer import Answer
from rag.config import Settings
from rag.errors import RagError

TITLE = "Ask the news"
EXAMPLES = [
    "What gifts did Kim receive?",
    "Who did Kim meet in Vladivostok?",
    "Where did Kim and Putin meet?",
]


def render(answer: Answer) -> str:
    """Markdown for one answer: text, searched-for note, sources with quotes, flags."""
    parts = []
    if answer.searched_for:
        parts.append(f"*Searched for: {answer.searched_for}*\n")
    parts.append(answer.answer)
    if answer.sources:
        parts.append("\n**Sources**")
    for src in answer.sources:
        parts.append(f"\n[{src.n}] **{src.title}** ({src.published or 'undated'}, `{src.doc_id}`)")
        for c in answer.citations:
            if c.n == src.n:
                flag = "" if c.verified else " ⚠️ *unverified: this passage may not support the sentence*"
                parts.append(f"> {c.quote}{flag}")
    if answer.refused and answer.related:
        parts.append("\n**Related passages**")
        parts.extend(f"- *{r.title}*: {r.text[:240]}…" for r in answer.related)
    return "\n".join(parts)


def build_app(settings: Settings) -> Any:
    import gradio as gr

    from rag.engine import Engine, engine_from_settings

    lock = threading.Lock()
    holder: dict[str, Engine] = {}

    def engine() -> Engine:
        with lock:
            if "engine" not in holder:
                holder["engine"] = engine_from_settings(settings)
            return holder["engine"]

    def respond(message: str, history: list[Any]) -> str:
        try:
            return render(engine().ask(message, history))
        except RagError as exc:
            return f"⚠️ {exc}"

    return gr.ChatInterface(respond, title=TITLE, examples=EXAMPLES)


def serve(settings: Settings, *, host: str, port: int) -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    build_app(settings).launch(server_name=host, server_port=port, show_error=False)
