"""The index: chunks and a document registry in Chroma, behind llama-index's vector store.

Two collections per index name:
- `NAME` holds the chunks (text, embedding, doc_id, content hash, offsets),
  written and queried through llama-index's `ChromaVectorStore`;
- `NAME-docs` is the registry: one record per document with its title, date,
  source, content hash and cleaned text. The registry is the commit point.
  A document's new chunks are written first, then its registry record flips to
  the new hash, then its old chunks are deleted. A run stopped at any moment
  (a crash, Ctrl-C) leaves each document at its old or its new version; chunks
  that no registry record points at are ignored by readers (`live_chunk`) and
  removed by the next ingest (`repair`).

A chunk is written with upsert: re-chunking an unchanged document (new chunk
size, same content hash, same chunk ids) replaces the stored text instead of
keeping the old one. A chunk's metadata also carries the vectors of its
sentences (`rag.sentvec`), written in the same upsert: they share the chunk's
fate (orphaned, repaired, rebuilt and promoted with it).

Writers hold a lease stored in Chroma itself (`NAME-lease`, see `acquire_lease`),
so two machines sharing a Chroma server never ingest into one index at once, and
`repair` never deletes another writer's in-flight chunks. `promote` swaps a rebuilt
index in by renaming (live -> `NAME-retired`, staging -> live) and drops the old one
RETIRE_GRACE_S later; a reader that finds the name missing for that instant, or the
two collections from different generations, waits up to SWAP_WAIT_S and reads the
new index (`current_version`, `open_index`).

The chunk collection's metadata records the embedding model and its dimension;
`open_index` refuses a mismatch with a message that says to rebuild.

Where the store is comes in as a `Store` (the Chroma fields of `rag.config.Settings`, which
satisfies it); this module does not read the settings (`rag.wiring.open_index` opens the configured
index). It does not read files, chunk, embed, or rank results.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rag.chunk import Chunk
from rag.documents import SourceDocument
from rag.errors import IndexMismatchError, IndexMissingError, RagError, StoreUnavailableError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from llama_index.vector_stores.chroma import ChromaVectorStore

REGISTRY_SUFFIX = "-docs"
STORE_FILE = "chroma.sqlite3"  # the embedded store's database, inside settings.chroma_path
STAGING_SUFFIX = "-staging"
RETIRED_SUFFIX = "-retired"
LEASE_SUFFIX = "-lease"
LEASE_TTL_S = 600.0  # a writer renews its lease after every batch; a dead writer's lease expires
SWAP_WAIT_S = 5.0  # how long a reader waits for a rebuild's swap to finish
RETIRE_GRACE_S = 2.0  # the old index outlives the swap this long, for queries already under way
GENERATION_KEY = "chunks_collection"  # registry metadata: the id of the chunk collection it belongs to
MAX_META_CHARS = 1000  # any string in a chunk's metadata (titles are capped earlier, at 200)
WRITE_BATCH = 256
READ_PAGE = 1000
DISTANCE = "cosine"
REBUILD_HINT = "Rebuild it with `rag ingest --rebuild`."


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    title: str
    published: str
    source: str
    content_hash: str
    chunking: str
    n_chunks: int
    ingested_at: float


class Store(Protocol):
    """Where the index lives: the fields of `rag.config.Settings` this module reads, and nothing else."""

    @property
    def chroma_host(self) -> str | None: ...  # a Chroma server's host, or None for the embedded store
    @property
    def chroma_port(self) -> int: ...
    @property
    def chroma_path(self) -> Path: ...  # the embedded store's folder
    @property
    def collection(self) -> str: ...
    @property
    def chroma_location(self) -> str: ...  # for messages: the server's URL or the folder


def connect(settings: Store) -> ClientAPI:
    """A Chroma client: embedded under the data directory, or the configured server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
            return client
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many types for the same outage
        if not settings.chroma_host:
            _forget_embedded_system(settings)
        raise StoreUnavailableError(_unavailable_message(settings, exc)) from exc


def _file_identity(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _forget_embedded_system(settings: Store) -> None:
    """chromadb caches one system per path, even a half-built one; drop it so a retry starts clean."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(settings.chroma_path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(settings.chroma_path), None)
    except (ImportError, AttributeError):  # a chromadb without this cache needs nothing
        pass


def _unavailable_message(settings: Store, exc: BaseException) -> str:
    if settings.chroma_host:
        return (
            f"Cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
            f"({type(exc).__name__}). Start it (`chroma run --path DIR --port "
            f"{settings.chroma_port}`) or unset CHROMA_HOST to use the embedded store."
        )
    return (
        f"Cannot open the index at {settings.chroma_path} ({type(exc).__name__}: {exc}). "
        "If it is damaged, rebuild it with `rag ingest --rebuild`: the damaged index is moved aside, "
        "not deleted, and your source files are never touched."
    )


def chunk_metadata(doc: SourceDocument, chunk: Chunk) -> dict[str, Any]:
    """What each chunk carries besides its text: bounded, since every chunk has a copy."""
    return {
        "doc_id": doc.doc_id,
        "doc_hash": doc.content_hash,
        "title": doc.title[:MAX_META_CHARS],
        "published": doc.published.isoformat() if doc.published else "",
        "source": doc.source[:MAX_META_CHARS],
        "chunk_index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
    }


class Index:
    """One named index (chunks + registry) in one Chroma client."""

    def __init__(
        self,
        client: ClientAPI,
        name: str,
        chunks: Collection,
        registry: Collection,
        settings: Store | None = None,
    ):
        self.client = client
        self.name = name
        self.chunks = chunks
        self.registry = registry
        self._vector_store: ChromaVectorStore | None = None
        self._settings = settings
        # embedded store: the database file this client opened, to notice it being deleted or replaced
        self._store_file = (
            None if settings is None or settings.chroma_host else settings.chroma_path / STORE_FILE
        )
        self._store_id = _file_identity(self._store_file)

    # -- metadata -----------------------------------------------------------------
    @property
    def metadata(self) -> dict[str, Any]:
        return dict(self.chunks.metadata or {})

    @property
    def embedding(self) -> str:
        return str(self.metadata.get("embedding", "?"))

    @property
    def dimension(self) -> int:
        return int(self.metadata.get("dimension", 0))

    @property
    def version(self) -> str:
        """Changes whenever ingestion changes the index; readers cache against it."""
        return str((self.registry.metadata or {}).get("version", ""))

    def current_version(self) -> str:
        """The version as the store has it now, re-binding the collections if they were rebuilt."""
        if self._store_file is not None and _file_identity(self._store_file) != self._store_id:
            self._reopen()
        deadline = time.monotonic() + SWAP_WAIT_S
        while True:
            try:
                chunks = self.client.get_collection(self.name)
                registry = self.client.get_collection(self.name + REGISTRY_SUFFIX)
                if _same_generation(chunks, registry):
                    break
                problem: Exception = RuntimeError("a rebuilt index is being swapped in")
            except Exception as exc:
                problem = exc
            if time.monotonic() > deadline:  # not a swap in progress (it takes milliseconds)
                raise StoreUnavailableError(
                    f"The index {self.name!r} cannot be read right now ({type(problem).__name__}: "
                    f"{problem}). If the Chroma server is down, start it again; if the index was "
                    "deleted, run `rag ingest`."
                ) from problem
            time.sleep(0.02)
        if chunks.id != self.chunks.id or registry.id != self.registry.id:
            self.chunks, self.registry, self._vector_store = chunks, registry, None
        else:
            self.registry = registry
        return self.version

    def _reopen(self) -> None:
        """The embedded store was deleted or replaced on disk: open what is there now."""
        assert self._settings is not None and self._store_file is not None
        _forget_embedded_system(self._settings)
        if not self._store_file.exists():
            raise IndexMissingError(
                f"The index at {self._settings.chroma_path} was deleted while the app was running. "
                "Run `rag ingest` to rebuild it from your source files (they are not touched), "
                "then ask again."
            )
        fresh = open_index(self._settings, name=self.name)
        self.client, self.chunks, self.registry = fresh.client, fresh.chunks, fresh.registry
        self._vector_store, self._store_id = None, fresh._store_id

    def check_embedding(self, signature: str, dimension: int | None = None) -> None:
        """Refuse an index built with another embedding model."""
        if self.embedding != signature or (dimension and self.dimension != dimension):
            raise IndexMismatchError(
                f"The index {self.name!r} was built with the embedding model {self.embedding} "
                f"(dimension {self.dimension}), but the settings ask for {signature}"
                + (f" (dimension {dimension})" if dimension else "")
                + f". Its vectors cannot be compared. {REBUILD_HINT}"
            )

    def bump_version(self) -> None:
        meta = dict(self.registry.metadata or {})
        meta["version"] = f"{time.time():.6f}-{uuid.uuid4().hex[:8]}"
        self.registry.modify(metadata=meta)

    # -- reading ------------------------------------------------------------------
    @property
    def vector_store(self) -> ChromaVectorStore:
        if self._vector_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._vector_store = ChromaVectorStore(chroma_collection=self.chunks)
        return self._vector_store

    def documents(self) -> dict[str, DocRecord]:
        """Every registered document, by id."""
        out: dict[str, DocRecord] = {}
        for ids, metas in _pages(self.registry, include=["metadatas"]):
            for doc_id, meta in zip(ids, metas, strict=True):
                out[doc_id] = DocRecord(
                    doc_id=doc_id,
                    title=str(meta.get("title", "")),
                    published=str(meta.get("published", "")),
                    source=str(meta.get("source", "")),
                    content_hash=str(meta.get("content_hash", "")),
                    chunking=str(meta.get("chunking", "")),
                    n_chunks=int(meta.get("n_chunks", 0)),
                    ingested_at=float(meta.get("ingested_at", 0.0)),
                )
        return out

    def document_text(self, doc_id: str) -> str | None:
        got = self.registry.get(ids=[doc_id], include=["documents"])
        docs = got.get("documents") or []
        return docs[0] if docs else None

    def chunk_count(self) -> int:
        return self.chunks.count()

    # -- writing ------------------------------------------------------------------
    def write_document(
        self,
        doc: SourceDocument,
        chunks: Sequence[Chunk],
        embeddings: Sequence[Sequence[float]],
        *,
        chunking: str,
        stored: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Replace one document atomically (see `write_documents`)."""
        self.write_documents(
            [(doc, chunks, embeddings)], chunking=chunking, replacing={doc.doc_id}, stored=stored
        )

    def write_documents(
        self,
        batch: Sequence[tuple[SourceDocument, Sequence[Chunk], Sequence[Sequence[float]]]],
        *,
        chunking: str,
        replacing: Set[str],
        stored: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Replace documents atomically: new chunks, then one registry write, then cleanup.

        `stored` adds metadata entries to chunks, by chunk id: the packed sentence vectors
        (`rag.sentvec.pack`), written in the chunk's own upsert so they live and die with it.

        Readers see only chunks whose document record points at them (by content hash), so
        until the registry write every document in the batch reads as before, and after it
        every one reads as new: a crash in between leaves orphans that `repair` removes.
        `replacing` names the documents that may have older chunks to clean up; new ones
        need no lookup.
        """
        from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode

        nodes: list[BaseNode] = []
        for doc, chunks, embeddings in batch:
            for chunk, vector in zip(chunks, embeddings, strict=True):
                node = TextNode(
                    id_=chunk.chunk_id,
                    text=chunk.text,
                    embedding=list(vector),
                    metadata=chunk_metadata(doc, chunk),
                    start_char_idx=chunk.start,
                    end_char_idx=chunk.end,
                )
                node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=doc.doc_id)
                nodes.append(node)
        for start in range(0, len(nodes), WRITE_BATCH):
            self._upsert(nodes[start : start + WRITE_BATCH], stored or {})
        now = time.time()
        self.registry.upsert(
            ids=[doc.doc_id for doc, _, _ in batch],
            embeddings=[[0.0]] * len(batch),  # type: ignore[arg-type]  # looked up by id, never by vector
            documents=[doc.text for doc, _, _ in batch],
            metadatas=[
                {
                    "title": doc.title,
                    "published": doc.published.isoformat() if doc.published else "",
                    "source": doc.source,
                    "content_hash": doc.content_hash,
                    "chunking": chunking,
                    "n_chunks": len(chunks),
                    "ingested_at": now,
                }
                for doc, chunks, _ in batch
            ],
        )
        for doc, chunks, _ in batch:
            if doc.doc_id in replacing:
                keep = {chunk.chunk_id for chunk in chunks}
                self._delete_chunks([cid for cid in self._chunk_ids(doc.doc_id) if cid not in keep])

    def _upsert(self, nodes: Sequence[Any], stored: Mapping[str, Mapping[str, str]]) -> None:
        """What `ChromaVectorStore.add` writes, as an upsert (`add` keeps an existing id's old text).

        The `stored` entries sit beside llama-index's fields, outside the node's own metadata, so
        they never reach an embedding, a prompt, or the node JSON llama-index reads back."""
        from llama_index.core.schema import MetadataMode
        from llama_index.core.vector_stores.utils import node_to_metadata_dict

        metadatas = []
        for node in nodes:
            meta = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
            meta.update(stored.get(node.node_id, {}))
            metadatas.append({k: ("" if v is None else v) for k, v in meta.items()})
        self.chunks.upsert(
            ids=[node.node_id for node in nodes],
            embeddings=[node.get_embedding() for node in nodes],
            metadatas=metadatas,  # type: ignore[arg-type]
            documents=[node.get_content(metadata_mode=MetadataMode.NONE) for node in nodes],
        )

    def remove_document(self, doc_id: str) -> None:
        """Unregister first (the commit), then delete the chunks."""
        self.registry.delete(ids=[doc_id])
        self._delete_chunks(self._chunk_ids(doc_id))

    def repair(self) -> int:
        """Delete chunks no registry record points at (left by an interrupted run).

        Only a writer holding the lease may call it: another writer's chunks are unregistered
        until that writer's registry flip."""
        live = {d.doc_id: d.content_hash for d in self.documents().values()}
        orphans = [
            cid
            for ids, metas in _pages(self.chunks, include=["metadatas"])
            for cid, meta in zip(ids, metas, strict=True)
            if live.get(str(meta.get("doc_id"))) != meta.get("doc_hash")
        ]
        self._delete_chunks(orphans)
        return len(orphans)

    def _chunk_ids(self, doc_id: str) -> list[str]:
        return list(self.chunks.get(where={"doc_id": doc_id}, include=[]).get("ids") or [])

    def _delete_chunks(self, ids: list[str]) -> None:
        for start in range(0, len(ids), WRITE_BATCH):
            self.chunks.delete(ids=ids[start : start + WRITE_BATCH])


def _pages(collection: Collection, *, include: list[str]) -> Iterable[tuple[list[str], list[Any]]]:
    for ids, metas, _ in _raw_pages(collection, include=include):
        yield ids, metas


def _raw_pages(
    collection: Collection, *, include: list[str]
) -> Iterable[tuple[list[str], list[Any], list[str]]]:
    offset = 0
    while True:
        got = collection.get(include=include, limit=READ_PAGE, offset=offset)  # type: ignore[arg-type]
        ids = list(got.get("ids") or [])
        if not ids:
            return
        metas = list(got.get("metadatas") or [{}] * len(ids))
        docs = list(got.get("documents") or [""] * len(ids))
        yield ids, metas, docs
        offset += len(ids)


def chunk_pages(index: Index) -> Iterable[tuple[list[str], list[Any], list[str]]]:
    """All chunks of the index, a page at a time: ids, metadata, texts."""
    return _raw_pages(index.chunks, include=["metadatas", "documents"])


def _collection_names(client: ClientAPI) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def open_index(
    settings: Store,
    *,
    create: bool = False,
    signature: str | None = None,
    dimension: int | None = None,
    name: str | None = None,
    client: ClientAPI | None = None,
) -> Index:
    """Open the index; `create` makes it (recording `signature`/`dimension`) if missing.

    Raises IndexMissingError when there is none and `create` is false, and
    IndexMismatchError when `signature` differs from the one it was built with.
    """
    client = client or connect(settings)
    name = name or settings.collection
    try:
        exists = name in _collection_names(client)
        deadline = time.monotonic() + SWAP_WAIT_S
        while not exists and not create and time.monotonic() < deadline:
            names = _collection_names(client)  # between promote's renames: wait for the new index
            exists = name in names
            if exists or name + STAGING_SUFFIX not in names:
                break
            time.sleep(0.02)
        if not exists and not create:
            raise IndexMissingError(
                f"No index yet in {settings.chroma_location}. Run `rag ingest` to build it."
            )
        if not exists and (signature is None or dimension is None):
            raise ValueError("creating an index needs the embedding signature and dimension")
        chunks = client.get_or_create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": DISTANCE}},  # type: ignore[arg-type]
            metadata={"embedding": signature or "", "dimension": dimension or 0, "created": time.time()},
        )
        registry = client.get_or_create_collection(
            name + REGISTRY_SUFFIX, embedding_function=None, metadata={"version": "0"}
        )
    except (IndexMissingError, ValueError):
        raise
    except Exception as exc:
        raise StoreUnavailableError(_unavailable_message(settings, exc)) from exc
    index = Index(client, name, chunks, registry, settings)
    if signature is not None:
        index.check_embedding(signature, dimension)
    return index


def drop_index(client: ClientAPI, name: str) -> None:
    existing = _collection_names(client)
    for coll in (name, name + REGISTRY_SUFFIX):
        if coll in existing:
            client.delete_collection(coll)


def _same_generation(chunks: Collection, registry: Collection) -> bool:
    """The registry belongs to these chunks (stores from before this marker always pass)."""
    owner = (registry.metadata or {}).get(GENERATION_KEY)
    return owner is None or owner == str(chunks.id)


def promote(client: ClientAPI, staging: str, name: str, *, grace_s: float = RETIRE_GRACE_S) -> None:
    """Make the fully built `staging` index the live `name` one.

    Chroma has no atomic rename of two collections. The live index is renamed aside
    (`NAME-retired`) and the staging one renamed in: for the few milliseconds between,
    readers find no index, or a registry of the other generation, and wait
    (`Index.current_version`, `open_index`). The retired index is dropped `grace_s`
    later, so queries already running on it finish.
    """
    retired = name + RETIRED_SUFFIX
    drop_index(client, retired)
    staged_chunks = client.get_collection(staging)
    staged_registry = client.get_collection(staging + REGISTRY_SUFFIX)
    meta = dict(staged_registry.metadata or {})
    meta[GENERATION_KEY] = str(staged_chunks.id)
    staged_registry.modify(metadata=meta)
    existing = _collection_names(client)
    for suffix in ("", REGISTRY_SUFFIX):
        if name + suffix in existing:
            client.get_collection(name + suffix).modify(name=retired + suffix)
    staged_chunks.modify(name=name)
    staged_registry.modify(name=name + REGISTRY_SUFFIX)
    if grace_s:
        time.sleep(grace_s)
    drop_index(client, retired)


# -- the writers' lease ---------------------------------------------------------------------
class IngestBusyError(RagError):
    """Another writer holds the index's lease."""


def _owner() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid(), "token": uuid.uuid4().hex}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lease:
    """The right to write one index, held as a collection in the same Chroma (`NAME-lease`)."""

    def __init__(self, client: ClientAPI, name: str, owner: dict[str, Any], ttl: float):
        self.client = client
        self.collection = name + LEASE_SUFFIX
        self.owner = owner
        self.ttl = ttl

    def renew(self) -> None:
        """Extend the lease; raises IngestBusyError when another writer took it over meanwhile."""
        try:
            lease = self.client.get_collection(self.collection)
        except Exception as exc:
            raise IngestBusyError(
                "This ingest lost its lease on the index (it expired and was removed); stopped."
            ) from exc
        meta = dict(lease.metadata or {})
        if meta.get("token") != self.owner["token"]:
            raise IngestBusyError(
                f"This ingest lost its lease on the index to {meta.get('host')} (pid {meta.get('pid')}); "
                "stopped. Its finished documents are kept."
            )
        meta["expires"] = time.time() + self.ttl
        lease.modify(metadata=meta)

    def release(self) -> None:
        try:
            lease = self.client.get_collection(self.collection)
            if (lease.metadata or {}).get("token") == self.owner["token"]:
                self.client.delete_collection(self.collection)
        except Exception:  # already gone, or the store is down: it expires by itself
            pass


def _stale(meta: dict[str, Any]) -> bool:
    if float(meta.get("expires", 0)) < time.time():
        return True
    same_host = meta.get("host") == socket.gethostname()
    return same_host and not _pid_alive(int(meta.get("pid", 0) or 0))


def acquire_lease(client: ClientAPI, name: str, *, ttl: float = LEASE_TTL_S) -> Lease:
    """Take the write lease of index `name`, or raise IngestBusyError naming its holder.

    A lease whose holder is gone (expired, or a dead process on this host) is taken over.
    """
    owner = _owner()
    collection = name + LEASE_SUFFIX
    for _ in range(3):
        meta = {**owner, "since": time.time(), "expires": time.time() + ttl}
        try:
            client.create_collection(collection, embedding_function=None, metadata=meta)
            return Lease(client, name, owner, ttl)
        except Exception as exc:
            try:
                held = dict(client.get_collection(collection).metadata or {})
            except Exception:
                raise StoreUnavailableError(
                    f"Cannot take the ingest lease in Chroma ({type(exc).__name__}: {exc})."
                ) from exc
        if _stale(held):
            with contextlib.suppress(Exception):  # another writer may have removed it first
                client.delete_collection(collection)
            continue
        since = time.strftime("%H:%M:%S", time.localtime(float(held.get("since", 0))))
        until = time.strftime("%H:%M:%S", time.localtime(float(held.get("expires", 0))))
        raise IngestBusyError(
            f"Another ingest into the index {name!r} is running (host {held.get('host')}, pid "
            f"{held.get('pid')}, since {since}); wait for it to finish. If it died, its lease "
            f"expires at {until}."
        )
    raise IngestBusyError(f"Could not take the ingest lease of the index {name!r}; try again.")
