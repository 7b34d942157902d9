"""What a user would write instead: llama-index defaults over the same model and articles.

``VectorStoreIndex.from_documents`` with a fresh embedded Chroma behind
``ChromaVectorStore`` and ``HuggingFaceEmbedding`` on the local EmbeddingGemma
folder, every other setting left at the library default (``SentenceSplitter``'s
1,024-token chunks with 200 overlap, the model's own dtype, float32, and its
2,048-token limit, batch size 10). Chunk counts differ from ours, so articles/s is
the rate to compare.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.perf.machine import RssSampler


def documents_from_jsonl(path: Path, limit: int) -> list[Any]:
    from llama_index.core import Document

    docs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if len(docs) >= limit:
                break
            record = json.loads(line)
            docs.append(Document(text=record["text"], metadata={"title": record.get("title", "")}))
    return docs


def run(jsonl: Path, limit: int) -> dict[str, Any]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from assistant.models import embed_dir
    from assistant.settings import Settings

    docs = documents_from_jsonl(jsonl, limit)
    started = time.perf_counter()
    embed_model = HuggingFaceEmbedding(model_name=str(embed_dir(Settings().models_dir)), device="cpu")
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp, RssSampler() as sampler:
        client = chromadb.PersistentClient(path=tmp, settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection("llamaindex_default")
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        started = time.perf_counter()
        VectorStoreIndex.from_documents(docs, storage_context=storage, embed_model=embed_model)
        seconds = time.perf_counter() - started
        nodes = collection.count()
    return {"articles": len(docs), "chunks": nodes, "seconds": seconds, "model_load_s": load_s,
            "chunks_per_s": nodes / seconds, "articles_per_s": len(docs) / seconds,
            "dtype": str(next(embed_model._model.parameters()).dtype),
            "max_seq_length": embed_model._model.max_seq_length, "rss_peak_mb": sampler.peak_mb}
