"""User-facing errors.

Every failure a user can cause or fix (no index yet, a mismatched index, an
unreachable server, a bad question) is a `RagError` whose message says what
happened and what to do. The CLI prints the message and exits non-zero; the UI
shows it in the chat. Nothing here formats tracebacks.
"""

from __future__ import annotations


class RagError(Exception):
    """An error whose message is written for the user, with the fix in it."""

    exit_code = 1


class ConfigError(RagError):
    """The settings are invalid."""

    exit_code = 2


class IndexMissingError(RagError):
    """There is no index yet."""


class IndexMismatchError(RagError):
    """The index was built with another embedding model (or is damaged)."""


class StoreUnavailableError(RagError):
    """The Chroma server cannot be reached, or the store cannot be opened."""


class LLMUnavailableError(RagError):
    """The LLM server cannot be reached, timed out, or failed."""

    exit_code = 3


class LLMAuthError(RagError):
    """The LLM server refused the API key (401/403)."""

    exit_code = 3
