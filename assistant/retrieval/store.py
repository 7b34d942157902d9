"""The index on disk: Chroma for chunk vectors, SQLite for everything else.

The SQLite docstore holds the manifest (sources, document hashes and states),
chunk texts with offsets and BM25 tokens, each sentence's vector, and the outbox of the
BM25 index (``retrieval/lexical.py``). It is the source of truth that makes the index checkable: a
document is ``ok`` only after its vectors are in Chroma, so a killed ingest leaves ``pending``
rows that the next run redoes. This module and ``retrieval/lexical.py`` are the only ones that write it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore

from assistant.ingest.chunking import Chunk, Sentence
from assistant.ingest.corpus import Article
from assistant.killpoints import reached
from assistant.retrieval.lexical import BUMP_VERSION, LexicalIndex
from assistant.settings import Settings
from assistant.tokens import tokenize

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (origin TEXT PRIMARY KEY, doc_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, title TEXT, date TEXT, source TEXT, url TEXT, origin TEXT,
    n_chunks INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, added REAL NOT NULL,
    headline TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, tokens TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS sentences (
    chunk_id TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    vec BLOB NOT NULL, PRIMARY KEY (chunk_id, idx));
CREATE TABLE IF NOT EXISTS lexical_removed (chunk_id TEXT PRIMARY KEY);
"""


class StoreError(RuntimeError):
    """The index cannot be reached or is unusable; the message says what to do."""


class IndexMismatchError(StoreError):
    """The index's vectors come from another model or runtime than this process embeds with."""

    def __init__(self, data_dir: Path, stored: str, current: str) -> None:
        if stored.startswith(REEMBEDDING):
            what = f"is half re-embedded (to {stored.removeprefix(REEMBEDDING)}): an interrupted re-embed"
        else:
            what = f"was built with {stored}"
        super().__init__(
            f"{data_dir} {what}; this process embeds with {current}, and vectors of two runtimes never share "
            "an index. Re-embed it from its stored text with: assistant ingest --reembed "
            "(or set ASSISTANT_EMBED_RUNTIME / ASSISTANT_EMBED_MODEL to what built it).")


# the embed_model meta of an index whose re-embedding has begun and not finished
REEMBEDDING = "reembedding:"


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    date: str
    source: str
    url: str
    origin: str
    n_chunks: int
    state: str


_NO_VECTOR = np.empty(0, dtype=np.float32)


@dataclass(frozen=True)
class StoredSentence:
    index: int
    start: int  # offsets into the article text
    end: int
    vector: np.ndarray


@dataclass(frozen=True)
class StoredChunk:
    chunk_id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    title: str
    date: str
    source: str
    url: str
    sentences: tuple[StoredSentence, ...] = ()

    def as_chunk(self) -> Chunk:
        """The chunk as the chunker made it, rebuilt from its docstore rows."""
        sentences = tuple(Sentence(s.start, s.end, self.text[s.start - self.start: s.end - self.start])
                          for s in self.sentences)
        return Chunk(self.chunk_id, self.doc_id, self.index, self.start, self.end, self.text, sentences)


def display_title(title: str, text: str) -> str:
    if title:
        return title
    words = text.split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def open_chroma(settings: Settings) -> Any:
    """An embedded ``PersistentClient`` under data_dir, or an ``HttpClient`` for ASSISTANT_CHROMA_URL."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        return chromadb.PersistentClient(path=str(settings.data_dir / "chroma"), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    try:
        client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                     ssl=url.scheme == "https", settings=chroma_settings)
        _set_timeout(client, settings.chroma_timeout_s)
        client.heartbeat()
    except Exception as err:
        raise StoreError(f"Chroma server at {settings.chroma_url} is not reachable ({err}). Start it "
                         "(chroma run --path DIR --host 127.0.0.1 --port N) or unset ASSISTANT_CHROMA_URL.") from err
    return client


def _set_timeout(client: Any, seconds: float) -> None:
    """chromadb's HTTP client waits forever by default; a stalled server must not hang a question."""
    import httpx

    server = getattr(client, "_server", None)
    session = getattr(server, "_session", None)
    if session is not None:
        session.timeout = httpx.Timeout(seconds)


class Store:
    """Chroma (through llama-index's ``ChromaVectorStore``) plus the SQLite docstore."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = settings.data_dir / "docstore.sqlite"
        self._db = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        # ``title`` is what cards show (an untitled article's first words); ``headline`` is the
        # article's own title or "", what its vectors were embedded with. Older stores lack it.
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        if "headline" not in columns:
            self._db.execute("ALTER TABLE documents ADD COLUMN headline TEXT NOT NULL DEFAULT ''")
        # ``lexical``: 1 once the document's chunks are committed to the BM25 index; stores from
        # before it start at 0, so the next ingest (or verify) indexes them
        if "lexical" not in columns:
            self._db.execute("ALTER TABLE documents ADD COLUMN lexical INTEGER NOT NULL DEFAULT 0")
        self._db.execute("CREATE INDEX IF NOT EXISTS documents_unsynced ON documents(doc_id) WHERE lexical = 0")
        self._chroma: Any = None
        self._vector_store: ChromaVectorStore | None = None
        self.lexical = LexicalIndex(settings.data_dir / "lexical", self._db)

    # --- chroma -------------------------------------------------------------------
    @property
    def vector_store(self) -> ChromaVectorStore:
        if self._vector_store is None:
            self._chroma = open_chroma(self.settings)
            try:
                collection = self._chroma.get_or_create_collection(
                    self.settings.collection, embedding_function=None, metadata={"hnsw:space": "cosine"})
            except Exception as err:
                raise StoreError(f"Chroma ({self.settings.chroma_url or self.settings.data_dir}): {err}") from err
            self._vector_store = ChromaVectorStore(chroma_collection=collection)
        return self._vector_store

    @property
    def collection(self) -> Any:
        return self.vector_store.client

    def _chroma_call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except Exception as err:
            where = self.settings.chroma_url or str(self.settings.data_dir / "chroma")
            raise StoreError(f"Chroma {what} failed at {where}: {err}") from err

    def dense_search(self, query_vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        store = self.vector_store
        query = VectorStoreQuery(query_embedding=query_vector.tolist(), similarity_top_k=k)
        result = self._chroma_call("query", store.query, query)
        ids = result.ids or []
        sims = result.similarities or []
        return list(zip(ids, (float(s) for s in sims), strict=False))

    def chroma_count(self) -> int:
        return int(self._chroma_call("count", self.collection.count))

    def chroma_ids(self) -> set[str]:
        got = self._chroma_call("get", self.collection.get, include=[])
        return set(got["ids"])

    # --- docstore reads -------------------------------------------------------------
    def version(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        return int(row[0]) if row else 0

    def sources(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT origin, doc_id FROM sources").fetchall())

    def documents(self, state: str | None = None) -> list[DocumentInfo]:
        sql = "SELECT doc_id, title, date, source, url, origin, n_chunks, state FROM documents"
        rows = self._db.execute(sql + (" WHERE state=?" if state else "") + " ORDER BY added, doc_id",
                                (state,) if state else ()).fetchall()
        return [DocumentInfo(*row) for row in rows]

    def headlines(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT doc_id, headline FROM documents").fetchall())

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT chunk_id FROM chunks")}

    def ok_chunk_ids(self) -> set[str]:
        """The chunks of ``ok`` documents: what search may find."""
        return {r[0] for r in self._db.execute(
            "SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE d.state = 'ok'")}

    def get_chunks(self, chunk_ids: Sequence[str], with_vectors: bool = True) -> dict[str, StoredChunk]:
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self._db.execute(
            f'SELECT c.chunk_id, c.doc_id, c.idx, c.start, c."end", c.text, d.title, d.date, d.source, d.url '
            f"FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
            f"WHERE c.chunk_id IN ({marks}) AND d.state = 'ok'", list(chunk_ids)).fetchall()
        sentences: dict[str, list[StoredSentence]] = {}
        # without vectors: the sentences' offsets only (what re-embedding needs), their blobs unread
        vec = "vec" if with_vectors else "NULL"
        for cid, idx, start, end, blob in self._db.execute(
                f'SELECT chunk_id, idx, start, "end", {vec} FROM sentences WHERE chunk_id IN ({marks}) '
                "ORDER BY chunk_id, idx", list(chunk_ids)):
            vector = _NO_VECTOR if blob is None else np.frombuffer(blob, dtype=np.float16).astype(np.float32)
            sentences.setdefault(cid, []).append(StoredSentence(idx, start, end, vector))
        out = {}
        for cid, doc_id, idx, start, end, text, title, date, source, url in rows:
            out[cid] = StoredChunk(cid, doc_id, idx, start, end, text, display_title(title or "", text),
                                   date or "", source or "", url or "", tuple(sentences.get(cid, ())))
        return out

    # --- lexical index ----------------------------------------------------------------
    def ensure_lexical(self) -> LexicalIndex:
        """The BM25 index, reloaded if the docstore changed since the last look."""
        return self.lexical.refresh(self.version())

    # --- writes ---------------------------------------------------------------------------
    def _bump_version(self) -> None:
        self._db.execute(BUMP_VERSION)

    def begin_document(self, article: Article, n_chunks: int) -> None:
        """Record the document as pending before any of its vectors are written."""
        self._db.execute(
            "INSERT OR REPLACE INTO documents(doc_id, title, date, source, url, origin, n_chunks, state, added, "
            "headline) VALUES (?,?,?,?,?,?,?,'pending',?,?)",
            (article.doc_id, display_title(article.title, article.text), article.date, article.source, article.url,
             article.origin, n_chunks, time.time(), article.title))

    def write_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray, sentence_vectors: Sequence[np.ndarray],
                     articles: dict[str, Article]) -> None:
        """Vectors into Chroma first, then the docstore rows in one transaction."""
        self.put_vectors(chunks, vectors, {doc_id: a.title for doc_id, a in articles.items()})
        with closing(self._db.cursor()) as cur:
            cur.execute("BEGIN")
            cur.executemany(
                'INSERT OR REPLACE INTO chunks(chunk_id, doc_id, idx, start, "end", text, tokens) '
                "VALUES (?,?,?,?,?,?,?)",
                [(c.chunk_id, c.doc_id, c.index, c.start, c.end, c.text,
                  " ".join(tokenize(f"{articles[c.doc_id].title}\n{c.text}" if c.index == 0 else c.text)))
                 for c in chunks])
            cur.executemany(
                'INSERT OR REPLACE INTO sentences(chunk_id, idx, start, "end", vec) VALUES (?,?,?,?,?)',
                [(c.chunk_id, i, s.start, s.end, vecs[i].astype(np.float16).tobytes())
                 for c, vecs in zip(chunks, sentence_vectors, strict=True) for i, s in enumerate(c.sentences)])
            reached("store.sqlite_commit")
            cur.execute("COMMIT")

    def put_vectors(self, chunks: Sequence[Chunk], vectors: np.ndarray, titles: dict[str, str]) -> None:
        """Chunk vectors into Chroma (replacing any under the same ids); the docstore is not touched.

        ``verify_index`` uses it alone to restore vectors missing from Chroma.
        """
        nodes = []
        for chunk, vector in zip(chunks, vectors, strict=True):
            node = TextNode(id_=chunk.chunk_id, text=chunk.text, embedding=vector.tolist(),
                            metadata={"title": titles.get(chunk.doc_id, ""), "chunk": chunk.index,
                                      "start": chunk.start, "end": chunk.end},
                            excluded_embed_metadata_keys=["title", "chunk", "start", "end"],
                            excluded_llm_metadata_keys=["chunk", "start", "end"])
            # the source relationship makes ref_doc_id = doc_id, so ChromaVectorStore.delete(doc_id) works
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.doc_id)
            nodes.append(node)
        if nodes:
            # delete first: ChromaVectorStore.add does not overwrite ids left by a killed run
            self._chroma_call("delete", self.collection.delete, ids=[n.node_id for n in nodes])
            reached("store.chroma_deleted")
            self._chroma_call("add", self.vector_store.add, nodes)
            reached("store.chroma_added")

    def delete_vectors(self, chunk_ids: Sequence[str]) -> None:
        """Chroma entries by id (stray ones, found by ``verify_index``)."""
        if chunk_ids:
            self._chroma_call("delete", self.collection.delete, ids=list(chunk_ids))

    def chunk_owners(self) -> dict[str, str]:
        """chunk_id -> doc_id for every chunk row, also rows whose document row is gone."""
        return dict(self._db.execute("SELECT chunk_id, doc_id FROM chunks").fetchall())

    def sentence_counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT chunk_id, COUNT(*) FROM sentences GROUP BY chunk_id").fetchall())

    def finish_document(self, doc_id: str) -> None:
        with closing(self._db.cursor()) as cur:
            cur.execute("BEGIN")
            cur.execute("UPDATE documents SET state='ok', lexical=0 WHERE doc_id=?", (doc_id,))
            self._bump_version()
            reached("store.finish_document")
            cur.execute("COMMIT")

    def remove_documents(self, doc_ids: Iterable[str]) -> int:
        """Chroma first, rows after: a crash in between leaves rows that the next run removes again."""
        removed = 0
        for doc_id in doc_ids:
            chunk_ids = [r[0] for r in self._db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
            self._db.execute("UPDATE documents SET state='pending' WHERE doc_id=?", (doc_id,))
            self._chroma_call("delete", self.vector_store.delete, doc_id)
            if chunk_ids:
                self._chroma_call("delete", self.collection.delete, ids=chunk_ids)
            reached("store.remove_document")
            with closing(self._db.cursor()) as cur:
                cur.execute("BEGIN")
                # the BM25 index drops them at its next sync (it may hold them even if never marked synced)
                cur.execute("INSERT OR IGNORE INTO lexical_removed(chunk_id) "
                            "SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))
                cur.execute("DELETE FROM sentences WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE doc_id=?)",
                            (doc_id,))
                cur.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
                cur.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
                self._bump_version()
                cur.execute("COMMIT")
            removed += 1
        return removed

    def set_sources(self, upserts: dict[str, str], deletes: Iterable[str]) -> None:
        with closing(self._db.cursor()) as cur:
            cur.execute("BEGIN")
            cur.executemany("DELETE FROM sources WHERE origin=?", [(o,) for o in deletes])
            cur.executemany("INSERT OR REPLACE INTO sources(origin, doc_id) VALUES (?,?)", list(upserts.items()))
            cur.execute("COMMIT")

    def check_signature(self, current: str) -> None:
        """``IndexMismatchError`` unless the index is empty or was built by ``current``."""
        stored = self.get_meta("embed_model")
        if stored is not None and stored != current:
            raise IndexMismatchError(self.settings.data_dir, stored, current)

    def replace_vectors(self, chunks: Sequence[Chunk], vectors: np.ndarray, sentence_vectors: Sequence[np.ndarray],
                        titles: dict[str, str], done_key: str) -> None:
        """New vectors for stored chunks: Chroma first, then the sentence rows and ``done_key`` in one commit.

        A crash in between leaves the batch's Chroma vectors new and its sentence vectors old, with
        ``done_key`` not yet past it, so a resumed re-embed writes the batch again.
        """
        self.put_vectors(chunks, vectors, titles)
        with closing(self._db.cursor()) as cur:
            cur.execute("BEGIN")
            cur.executemany(
                "UPDATE sentences SET vec=? WHERE chunk_id=? AND idx=?",
                [(vecs[i].astype(np.float16).tobytes(), c.chunk_id, i)
                 for c, vecs in zip(chunks, sentence_vectors, strict=True) for i in range(len(c.sentences))])
            if chunks:
                cur.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)", (done_key, chunks[-1].chunk_id))
            cur.execute("COMMIT")

    def finish_reembed(self, signature: str, done_key: str) -> None:
        with closing(self._db.cursor()) as cur:
            cur.execute("BEGIN")
            cur.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('embed_model', ?)", (signature,))
            cur.execute("DELETE FROM meta WHERE key=?", (done_key,))
            self._bump_version()  # serving processes drop what they cached of the old vectors
            cur.execute("COMMIT")

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self._db.close()
