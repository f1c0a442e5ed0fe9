"""An llama-index LLM for any OpenAI-compatible server (vLLM, llama.cpp, Ollama).

llama-index's `OpenAI` class knows only OpenAI's model names: for another name it
cannot tell the context window and refuses. `CompatibleOpenAI` is that class with
the window given, the chat endpoint always used and no tokenizer lookup. It
replaces the `llama-index-llms-openai-like` package, whose Hugging Face
tokenizer support pulls in `transformers` (110 MB) that nothing here uses.

It builds no client at import time and does not choose which server to call
(`rag.llm.make_llm` does).
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.llms.types import LLMMetadata
from llama_index.llms.openai import OpenAI
from pydantic import Field

DEFAULT_CONTEXT_WINDOW = 8192  # what is assumed of a server model whose window is not stated


class CompatibleOpenAI(OpenAI):
    """OpenAI's chat API on another server: any model name, a stated context window."""

    context_window: int = Field(default=DEFAULT_CONTEXT_WINDOW, gt=0)

    @classmethod
    def class_name(cls) -> str:
        return "CompatibleOpenAI"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens or -1,
            is_chat_model=True,
            is_function_calling_model=False,
            model_name=self.model,
        )

    @property
    def _tokenizer(self) -> Any:
        return None  # unknown model: no tiktoken guess; max_tokens is set explicitly

    def _should_use_structure_outputs(self) -> bool:
        return False
