"""A dataset's own corpus: ingested once into a cached, content-addressed data dir, then reused.

`prepare_corpus(corpus, settings, cache_root)` returns settings that point at
`cache_root/<key>`, where the key (`corpus_key`) is a hash of every article
file's path (relative to the corpus) and bytes, and of the settings that change
what ingestion writes (`INGEST_KEYS`: chunking and the embedding model), the
chunking and embedding signatures the index records (so a change of how the code
cleans, chunks or embeds is another key), plus the project's version. The first
call ingests the folder there; a later call with the same content and settings
finds the `READY_FILE` marker and ingests nothing. A changed article, chunk size
or embedding model is another key, so another data dir. The cache always uses
the embedded store, whatever CHROMA_HOST says, so neither the user's own data
dir nor a shared Chroma server is ever written to. An interrupted ingest leaves
no marker; the next call resumes it (ingestion is incremental).

`manifest_corpus(dataset)` reads the `corpus` of a small manifest beside the
dataset (`<dataset stem>.toml`, path relative to the manifest).

It does not answer questions or score anything.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import rag
from rag.config import Settings
from rag.documents import discover
from rag.errors import RagError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 needs the tomli backport
    import tomli as tomllib

DEFAULT_CACHE = Path("runs/corpora")  # beside the runs, never inside the user's RAG_DATA_DIR
READY_FILE = "corpus.json"  # written when the ingest completed; its presence means "reuse"
INGEST_KEYS = ("chunk_size", "chunk_overlap", "embed_backend", "embed_model_name")
KEY_CHARS = 16


class CorpusError(RagError):
    """The corpus folder or its manifest cannot be used."""


def corpus_files(corpus: Path) -> list[Path]:
    if not corpus.exists():
        raise CorpusError(f"Corpus folder {corpus} not found.")
    files, _ = discover([corpus])
    if not files:
        raise CorpusError(f"Corpus {corpus} holds no article files (.txt, .md, .html).")
    return files


def ingest_settings(settings: Settings) -> dict[str, Any]:
    """The settings that change what ingestion writes, and how this code version cleans, chunks and
    embeds (`chunking_signature`, `embedding_signature`): a change of either is another cache key, so
    a cleaning or chunking change is never measured on an index the old code wrote."""
    from rag.ingest import chunking_signature
    from rag.wiring import embedding_signature

    keys = {key: getattr(settings, key) for key in INGEST_KEYS}
    return {**keys, "chunking": chunking_signature(settings), "embedding": embedding_signature(settings)}


def corpus_key(corpus: Path, settings: Settings) -> str:
    """Hash of the corpus content and the settings that affect ingestion."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"rag": rag.__version__, **ingest_settings(settings)}, sort_keys=True).encode())
    root = corpus if corpus.is_dir() else corpus.parent
    for path in corpus_files(corpus):
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            raise CorpusError(f"Cannot read corpus file {path}: {exc.strerror or exc}") from exc
    return digest.hexdigest()[:KEY_CHARS]


def corpus_settings(settings: Settings, data_dir: Path, corpus: Path) -> Settings:
    """The settings of a cached corpus: its own data dir, embedded Chroma, the corpus as sources."""
    return settings.model_copy(update={"data_dir": data_dir, "sources": [corpus], "chroma_host": None})


def prepare_corpus(
    corpus: Path,
    settings: Settings,
    cache_root: Path = DEFAULT_CACHE,
    *,
    progress: bool = True,
    embed_model: Any = None,
) -> tuple[Settings, bool]:
    """(settings for the cached corpus, whether an existing ingest was reused)."""
    from rag.ingest import ingest

    corpus = corpus.resolve()
    key = corpus_key(corpus, settings)
    data_dir = cache_root.resolve() / key
    cached = corpus_settings(settings, data_dir, corpus)
    if (data_dir / READY_FILE).is_file():
        return cached, True
    started = time.perf_counter()
    report = ingest([corpus], settings=cached, embed_model=embed_model, progress=progress)
    loaded = len(report.added) + len(report.updated) + len(report.unchanged)
    if not loaded:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in report.skipped[:3])
        raise CorpusError(f"No article of corpus {corpus} could be ingested ({reasons}).")
    marker = {
        "corpus": str(corpus),
        "key": key,
        "documents": loaded,
        "skipped": [{"source": s.source, "reason": s.reason} for s in report.skipped],
        "settings": ingest_settings(settings),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (data_dir / READY_FILE).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return cached, False


def manifest_path(dataset: Path) -> Path:
    return dataset.with_suffix(".toml")


def manifest_corpus(dataset: Path) -> Path | None:
    """The `corpus` a manifest beside the dataset names (relative to the manifest), or None."""
    path = manifest_path(dataset)
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"Cannot read the dataset manifest {path}: {exc}") from exc
    corpus = data.get("corpus")
    if corpus is None:
        return None
    if not isinstance(corpus, str) or not corpus.strip():
        raise CorpusError(f"{path}: 'corpus' must be a folder path (relative to the manifest)")
    return (path.parent / corpus).resolve()
