"""rag: question answering over news articles with inline, verifiable citations."""

__version__ = "0.1.0"
