"""Token counting with tiktoken's `cl100k_base`, loaded offline.

llama-index ships a cache of the `cl100k_base` file and `get_tokenizer()` points
tiktoken at it, so nothing is downloaded. Other encodings would be fetched from
the network, so this module offers none.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=1)
def tokenizer() -> Callable[[str], list[int]]:
    from llama_index.core.utils import get_tokenizer

    return get_tokenizer()


def count_tokens(text: str) -> int:
    return len(tokenizer()(text))
