"""ui: the Gradio front end. It calls `rag`; `rag` never imports it."""
