"""ui: the chat app (Gradio), the /embed widget and the HTTP API (FastAPI).

It calls `rag`; `rag` never imports it (nor gradio, nor fastapi).
"""
