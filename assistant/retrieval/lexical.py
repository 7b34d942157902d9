"""The lexical side of retrieval: a BM25 index over the chunks' stems (``tokens.py``).

The index is a tantivy index on disk (``data_dir/lexical``) over the stems the docstore
already holds. llama-index's ``BM25Retriever`` (and the ``bm25s`` snapshot this replaced) keeps
the whole corpus in RAM and is rebuilt after every change; tantivy adds and deletes in place
(segments), so an article costs that article, and readers map its files instead of loading
them. Why tantivy and not SQLite FTS5: ``docs/BENCHMARKS.md`` ("Lexical engines").

The docstore stays the source of truth. What tantivy has not caught up with is an outbox in
SQLite: ``ok`` documents with ``lexical = 0`` and the ``lexical_removed`` chunk ids. ``sync``
applies it, commits tantivy, and only then clears it, so a crash in between makes the next
``sync`` apply it again, which is harmless (every chunk is deleted by id before it is added).
"""

from __future__ import annotations

import logging
import math
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from assistant.killpoints import reached
from assistant.tokens import tokenize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


# chunks the index has not caught up with: those of 'ok' documents not yet committed to it
_UNSYNCED = "SELECT doc_id FROM documents WHERE state = 'ok' AND lexical = 0"
# the docstore's version, which every write bumps in its own transaction and readers watch
BUMP_VERSION = ("INSERT INTO meta(key, value) VALUES('version', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
SYNC_BATCH_DOCS = 500


def _all_ids(searcher: Any) -> list[str]:
    hits = searcher.search(tantivy.Query.all_query(), max(int(searcher.num_docs), 1)).hits
    return [searcher.doc(address)["cid"][0] for _, address in hits]


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    # stems are tokenized already: split on spaces, no further analysis; frequencies, no positions
    builder.add_text_field("tokens", stored=False, tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("cid", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


class LexicalIndex:
    """BM25 over the chunks of ``ok`` documents: tantivy's scoring (Lucene's: k1 1.2, b 0.75).

    Readers open it read-only and reload when the docstore's version moves; only the writer
    (ingest, verify, under the writer lock) calls ``sync`` or ``rebuild``.
    """

    def __init__(self, directory: Path, db: sqlite3.Connection) -> None:
        self.directory = directory
        self._db = db
        self._schema = _schema()
        self._index: Any = None
        self._searcher: Any = None
        self.version = -1
        self._df: dict[str, int] = {}

    # --- reads ---------------------------------------------------------------------------------
    def refresh(self, version: int) -> LexicalIndex:
        """See the writer's last commit when the docstore changed since the last look."""
        if version != self.version:
            self._searcher, self._df, self.version = None, {}, version
            try:
                if self._index is None and (self.directory / "meta.json").exists():
                    self._index = tantivy.Index.open(str(self.directory))
                if self._index is not None:
                    self._index.reload()
                    self._searcher = self._index.searcher()
            except Exception as err:  # tantivy raises ValueError / OSError / its own
                # a damaged index costs the lexical half of retrieval, not every question
                log.warning("BM25 index at %s unreadable (%s): dense retrieval only; "
                            "repair with: assistant status --verify", self.directory, err)
                self._index = None
        return self

    def __len__(self) -> int:
        return int(self._searcher.num_docs) if self._searcher is not None else 0

    def search(self, query: str, k: int) -> list[LexicalHit]:
        tokens = tokenize(query)
        if self._searcher is None or not tokens or k <= 0:
            return []
        # one clause per occurrence: a stem asked twice weighs twice, as before
        clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "tokens", t)) for t in tokens]
        searcher = self._searcher
        try:
            hits = searcher.search(tantivy.Query.boolean_query(clauses), k).hits
            return [LexicalHit(searcher.doc(address)["cid"][0], float(score)) for score, address in hits if score > 0]
        except Exception as err:
            log.warning("BM25 search failed (%s): dense retrieval only", err)
            return []

    def idf(self, token: str) -> float:
        """Inverse document frequency of a stem (0 when unknown); weights query terms.

        Lucene's form, which stays positive for a stem in most chunks of a small corpus.
        """
        if self._searcher is None:
            return 0.0
        df = self._df.get(token)
        if df is None:
            df = self._df[token] = int(self._searcher.doc_freq("tokens", token))
        if not df:
            return 0.0
        n = len(self)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def ids(self) -> list[str]:
        """Every chunk id in the index, duplicates kept (``verify_index`` compares them)."""
        if self._searcher is None:
            return []
        return _all_ids(self._searcher)

    def behind(self) -> int:
        """Documents and removals the index has not caught up with (the outbox)."""
        docs = self._db.execute(f"SELECT COUNT(*) FROM ({_UNSYNCED})").fetchone()[0]
        gone = self._db.execute("SELECT COUNT(*) FROM lexical_removed").fetchone()[0]
        return int(docs) + int(gone)

    def state(self, ok_chunk_ids: set[str]) -> str:
        """``ok``, ``missing``, ``corrupt`` (tantivy cannot open or read it), ``behind`` (outbox not
        empty) or ``mismatched`` (caught up, yet its chunk ids differ from the docstore's)."""
        if not (self.directory / "meta.json").exists():
            return "missing"
        try:
            index = tantivy.Index.open(str(self.directory))
            index.reload()
            ids = _all_ids(index.searcher())
        except Exception:
            return "corrupt"
        if self.behind():
            return "behind"
        return "ok" if len(ids) == len(set(ids)) and set(ids) == ok_chunk_ids else "mismatched"

    # --- writes: the caller holds the writer lock --------------------------------------------
    def sync(self) -> int:
        """Apply the outbox: removed chunks deleted, new ``ok`` documents' chunks added; documents done."""
        gone = [r[0] for r in self._db.execute("SELECT chunk_id FROM lexical_removed")]
        docs = [r[0] for r in self._db.execute(_UNSYNCED)]
        if not gone and not docs and (self.directory / "meta.json").exists():
            return 0
        index = self._open_for_writing()
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        try:
            for cid in gone:
                writer.delete_documents_by_term("cid", cid)
            for cid, tokens in self._chunks_of(docs):
                writer.delete_documents_by_term("cid", cid)  # a document synced twice is indexed once
                writer.add_document(tantivy.Document(cid=cid, tokens=tokens))
            writer.commit()
            reached("lexical.committed")
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer  # releases tantivy's own lock for the next writer process
        with closing(self._db.cursor()) as cur:
            cur.execute("BEGIN")
            cur.executemany("UPDATE documents SET lexical = 1 WHERE doc_id = ?", [(d,) for d in docs])
            cur.executemany("DELETE FROM lexical_removed WHERE chunk_id = ?", [(c,) for c in gone])
            cur.execute(BUMP_VERSION)  # readers reload on a version change; the index changed only now
            cur.execute("COMMIT")
        self.version = -1
        return len(docs) + len(gone)

    def rebuild(self) -> None:
        """Make the index anew from the docstore (``verify_index``, when it is missing, damaged or wrong)."""
        shutil.rmtree(self.directory, ignore_errors=True)
        self._index = self._searcher = None
        with closing(self._db.cursor()) as cur:
            cur.execute("BEGIN")
            cur.execute("UPDATE documents SET lexical = 0 WHERE lexical != 0")
            cur.execute("DELETE FROM lexical_removed")
            cur.execute("COMMIT")
        self.sync()

    def _open_for_writing(self) -> Any:
        if not (self.directory / "meta.json").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            # the in-RAM snapshot of earlier versions, replaced by this index
            for leftover in ("bm25", "bm25.old", "bm25.tmp"):
                shutil.rmtree(self.directory.parent / leftover, ignore_errors=True)
        return tantivy.Index(self._schema, path=str(self.directory), reuse=True)

    def _chunks_of(self, doc_ids: list[str]) -> Iterator[tuple[str, str]]:
        for lo in range(0, len(doc_ids), SYNC_BATCH_DOCS):
            part = doc_ids[lo: lo + SYNC_BATCH_DOCS]
            marks = ",".join("?" * len(part))
            yield from self._db.execute(f"SELECT chunk_id, tokens FROM chunks WHERE doc_id IN ({marks})", part)
