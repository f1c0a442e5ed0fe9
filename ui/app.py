"""The Gradio chat app (a placeholder until the answer engine lands).

For now it answers with the passages closest to the question, so the page,
the index and the embedding model can be exercised end to end. It builds
nothing at import time; `build_app(settings)` makes the Blocks and `serve`
launches them.
"""

from __future__ import annotations

import os
from typing import Any

from rag.config import Settings
from rag.errors import RagError

TITLE = "Ask the news"
PLACEHOLDER_PASSAGES = 3


def _closest_passages(settings: Settings, question: str) -> str:
    from llama_index.core.vector_stores.types import VectorStoreQuery

    from rag.embed import build_embed_model, embedding_signature
    from rag.index import open_index

    index = open_index(settings, signature=embedding_signature(settings))
    vector = build_embed_model(settings).get_query_embedding(question)
    result = index.vector_store.query(
        VectorStoreQuery(query_embedding=vector, similarity_top_k=PLACEHOLDER_PASSAGES)
    )
    lines = ["The answer engine is not built yet. The closest passages are:"]
    for n, node in enumerate(result.nodes or [], start=1):
        meta = node.metadata
        lines.append(
            f"\n**[{n}] {meta.get('title', '')}** ({meta.get('doc_id', '')})\n\n> {node.get_content()}"
        )
    return "\n".join(lines)


def build_app(settings: Settings) -> Any:
    import gradio as gr

    def respond(message: str, history: list[Any]) -> str:
        if not message or not message.strip():
            return "Please type a question."
        try:
            return _closest_passages(settings, message.strip())
        except RagError as exc:
            return f"⚠️ {exc}"

    return gr.ChatInterface(respond, title=TITLE, examples=["What gifts did Kim receive?"])


def serve(settings: Settings, *, host: str, port: int) -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    build_app(settings).launch(server_name=host, server_port=port, show_error=False)
