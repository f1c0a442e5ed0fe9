"""The baseline: a plain llama-index pipeline over the same files, Chroma client and embedding model.

`SimpleDirectoryReader` reads the files, `VectorStoreIndex.from_documents`
splits them with llama-index's default `SentenceSplitter` (1024 tokens, 200
overlap) and stores the vectors in its own collection (`BASELINE_COLLECTION`)
of the Chroma client our index uses, and `as_retriever(similarity_top_k=5)`
answers queries: dense only, no cleaning, no titles, no BM25.

It does not measure anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from llama_index.core import VectorStoreIndex
    from llama_index.core.base.base_retriever import BaseRetriever
    from llama_index.core.base.embeddings.base import BaseEmbedding

BASELINE_COLLECTION = "bench-baseline"
BASELINE_TOP_K = 5
DESCRIPTION = (
    "plain llama-index: SimpleDirectoryReader -> VectorStoreIndex (default SentenceSplitter "
    "1024/200) in a separate collection of the same Chroma client, same MiniLM embedding model, "
    f"as_retriever(similarity_top_k={BASELINE_TOP_K})"
)


def _store(client: ClientAPI) -> Any:
    from llama_index.vector_stores.chroma import ChromaVectorStore

    return ChromaVectorStore(chroma_collection=client.get_or_create_collection(BASELINE_COLLECTION))


def baseline_chunks(client: ClientAPI) -> int:
    """Chunks the baseline collection holds (0 when it does not exist)."""
    names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    if BASELINE_COLLECTION not in names:
        return 0
    return client.get_collection(BASELINE_COLLECTION).count()


def build_baseline(client: ClientAPI, files: Sequence[Path], embed_model: BaseEmbedding) -> int:
    """Index `files` from scratch the plain llama-index way; returns the number of documents read."""
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex

    if baseline_chunks(client):
        client.delete_collection(BASELINE_COLLECTION)
    documents = SimpleDirectoryReader(input_files=[str(f) for f in files]).load_data()
    storage = StorageContext.from_defaults(vector_store=_store(client))
    VectorStoreIndex.from_documents(
        documents, storage_context=storage, embed_model=embed_model, show_progress=False
    )
    return len(documents)


def open_baseline(client: ClientAPI, embed_model: BaseEmbedding) -> VectorStoreIndex:
    from llama_index.core import VectorStoreIndex

    return VectorStoreIndex.from_vector_store(_store(client), embed_model=embed_model)


def baseline_retriever(index: VectorStoreIndex) -> BaseRetriever:
    return index.as_retriever(similarity_top_k=BASELINE_TOP_K)


def retrieved_doc_ids(retriever: BaseRetriever, query: str) -> list[str]:
    """The document id (file stem, as ours uses) of each retrieved chunk, best first."""
    out = []
    for hit in retriever.retrieve(query):
        meta = hit.node.metadata
        name = meta.get("file_name") or meta.get("file_path") or ""
        out.append(Path(str(name)).stem)
    return out
