"""What one article costs the BM25 index at 10k and 100k chunks (``lexical_update_ms_per_article_at_chunks``).

The product's own path: a real ``Store`` (docstore + tantivy index), a 4-chunk article's rows
written as ``Store.write_chunks`` writes them, then ``Store.finish_document`` and the
``LexicalIndex.sync`` that commits it to the index; then ``Store.remove_documents`` and its
sync. The index needs stems, not vectors, so the background chunks are synthetic: spliced from
halves of real 10kGNAD chunks' stems (real burstiness), inserted in bulk, never embedded.
Query latency is read at each mark too.
"""

from __future__ import annotations

import random
import shutil
import statistics
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from assistant.retrieval.store import Store
from assistant.settings import Settings
from assistant.tokens import tokenize
from evals.gnad import gnad_rows
from evals.perf.data import questions
from evals.perf.lexical_engines import synthetic

CHUNK_WORDS = 110


def real_stems(limit: int = 400) -> list[list[str]]:
    """10kGNAD articles cut into chunk-sized stem lists."""
    out = []
    for row in gnad_rows(limit=limit):
        stems = tokenize(row.text)
        out += [stems[i: i + CHUNK_WORDS] for i in range(0, len(stems), CHUNK_WORDS) if stems[i: i + CHUNK_WORDS]]
    return out


def _bulk(store: Store, start: int, chunks: Sequence[list[str]], per_doc: int = 4) -> None:
    """Background documents, already ``ok``, in one transaction; then one sync indexes them all."""
    db = store._db
    docs = [(f"bg{start + i}", per_doc) for i in range(0, len(chunks), per_doc)]
    with closing(db.cursor()) as cur:
        cur.execute("BEGIN")
        cur.executemany("INSERT INTO documents(doc_id, n_chunks, state, added) VALUES (?,?,'ok',0)", docs)
        cur.executemany('INSERT INTO chunks(chunk_id, doc_id, idx, start, "end", text, tokens) VALUES (?,?,?,0,0,?,?)',
                        [(f"bg{start + i}-{i % per_doc}", f"bg{start + i - i % per_doc}", i % per_doc, "", " ".join(t))
                         for i, t in enumerate(chunks)])
        cur.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('version', '1')")
        cur.execute("COMMIT")
    store.lexical.sync()


def _article(store: Store, doc_id: str, chunks: Sequence[list[str]]) -> float:
    """Rows as an ingest writes them, then the timed commits that make it ok and index it; ms."""
    db = store._db
    with closing(db.cursor()) as cur:
        cur.execute("BEGIN")
        cur.execute("INSERT INTO documents(doc_id, n_chunks, state, added) VALUES (?,?,'pending',0)",
                    (doc_id, len(chunks)))
        cur.executemany('INSERT INTO chunks(chunk_id, doc_id, idx, start, "end", text, tokens) VALUES (?,?,?,0,0,?,?)',
                        [(f"{doc_id}-{i}", doc_id, i, "", " ".join(t)) for i, t in enumerate(chunks)])
        cur.execute("COMMIT")
    started = time.perf_counter()
    store.finish_document(doc_id)
    store.lexical.sync()
    return 1000 * (time.perf_counter() - started)


def run(work: Path, marks: Sequence[int] = (10_000, 100_000), trials: int = 20, n_queries: int = 200
        ) -> dict[str, Any]:
    shutil.rmtree(work, ignore_errors=True)
    store = Store(Settings(data_dir=work))
    rng = random.Random(0)
    real = real_stems()
    qs = questions(n_queries)
    update: dict[str, float] = {}
    remove: dict[str, float] = {}
    query: dict[str, float] = {}
    have = 0
    try:
        store.vector_store  # noqa: B018 - open Chroma now: removal deletes there first, and its start is not ours
        for mark in marks:
            for lo in range(have, mark, 20_000):
                _bulk(store, lo, synthetic(min(20_000, mark - lo), real, rng))
            have = mark
            adds, removes = [], []
            for trial in range(trials):
                doc_id = f"new{mark}-{trial}"
                adds.append(_article(store, doc_id, synthetic(4, real, rng)))
                started = time.perf_counter()
                store.remove_documents([doc_id])
                store.lexical.sync()
                removes.append(1000 * (time.perf_counter() - started))
            update[str(mark)] = round(statistics.median(adds), 3)
            remove[str(mark)] = round(statistics.median(removes), 3)
            lexical = store.ensure_lexical()
            times = []
            for q in qs:
                started = time.perf_counter()
                lexical.search(q, 20)
                times.append(1000 * (time.perf_counter() - started))
            query[str(mark)] = round(statistics.median(times), 3)
            assert len(lexical) == mark, (len(lexical), mark)
    finally:
        store.close()
    size_mb = sum(f.stat().st_size for f in (work / "lexical").iterdir() if f.is_file()) / 2**20
    shutil.rmtree(work, ignore_errors=True)
    return {"engine": "tantivy", "update_ms_per_article_at_chunks": update,
            "remove_ms_per_article_at_chunks": remove,  # Chroma's delete included
            "query_p50_ms_at_chunks": query,
            "index_mb_at_max": round(size_mb, 1), "trials": trials, "article_chunks": 4}
