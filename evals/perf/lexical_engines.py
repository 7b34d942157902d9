"""Lexical engines side by side (issue 14): ``bm25s`` (in RAM, rebuilt), SQLite FTS5 and tantivy.

Same stems (the ones the docstore holds), same questions, one process, one run:

- quality: BM25-alone passage ranking on GermanQuAD's test half (MRR@10, Success@1/10), from the
  cached GermanQuAD index (``assistant eval-retrieval germanquad`` builds it);
- query latency p50 over those questions, on the GermanQuAD chunks and on 100k synthetic chunks;
- update cost: adding one 4-chunk article, and removing it, committed, at 10k and 100k chunks
  (``bm25s`` has no update: its figure is a full rebuild);
- the RSS a reader pays to open the index.

Synthetic chunks are spliced from halves of real chunks' stems, so no embedding is needed.
``python -m evals.perf.lexical_engines`` prints a markdown table. tantivy and ``bm25s`` are not
dependencies: each is measured when installed (``pip install tantivy bm25s``) and skipped, saying
so, when not.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from assistant.tokens import tokenize
from evals.germanquad import DEFAULT_DATA_DIR, load_queries, scores
from evals.perf.machine import rss_mb

FTS_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '.'"


class Engine(Protocol):
    name: str

    def add(self, ids: Sequence[str], tokens: Sequence[list[str]]) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def search(self, tokens: list[str], k: int) -> list[str]: ...


class Bm25sEngine:
    """Today's index: every change rebuilds the whole matrix."""

    name = "bm25s (rebuilt)"

    def __init__(self, work: Path) -> None:
        import bm25s

        self.bm25s = bm25s
        self.ids: list[str] = []
        self.tokens: list[list[str]] = []
        self.bm25: Any = None

    def _rebuild(self) -> None:
        self.bm25 = self.bm25s.BM25()
        self.bm25.index([t or [""] for t in self.tokens], show_progress=False)

    def add(self, ids: Sequence[str], tokens: Sequence[list[str]]) -> None:
        self.ids += ids
        self.tokens += tokens
        self._rebuild()

    def delete(self, ids: Sequence[str]) -> None:
        gone = set(ids)
        keep = [i for i, cid in enumerate(self.ids) if cid not in gone]
        self.ids = [self.ids[i] for i in keep]
        self.tokens = [self.tokens[i] for i in keep]
        self._rebuild()

    def search(self, tokens: list[str], k: int) -> list[str]:
        vocab = self.bm25.vocab_dict if self.bm25 is not None else {}
        tokens = [t for t in tokens if t in vocab]
        if not tokens or self.bm25 is None:
            return []
        docs, s = self.bm25.retrieve([tokens], k=min(k, len(self.ids)), show_progress=False, n_threads=0)
        return [self.ids[int(d)] for d, v in zip(docs[0], s[0], strict=True) if v > 0]


class Fts5Engine:
    """An FTS5 table in a SQLite file, updated in place, ranked by FTS5's own ``bm25()``."""

    name = "SQLite FTS5"

    def __init__(self, work: Path) -> None:
        self.db = sqlite3.connect(work / "fts.sqlite", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"CREATE VIRTUAL TABLE fts USING fts5(tokens, cid UNINDEXED, tokenize=\"{FTS_TOKENIZER}\")")
        self.db.execute("CREATE TABLE rows (cid TEXT PRIMARY KEY, rid INTEGER NOT NULL)")
        self.next = 1

    def add(self, ids: Sequence[str], tokens: Sequence[list[str]]) -> None:
        rows = [(self.next + i, cid, " ".join(t)) for i, (cid, t) in enumerate(zip(ids, tokens, strict=True))]
        self.next += len(rows)
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO fts(rowid, cid, tokens) VALUES (?,?,?)", rows)
        self.db.executemany("INSERT INTO rows(cid, rid) VALUES (?,?)", [(r[1], r[0]) for r in rows])
        self.db.execute("COMMIT")

    def delete(self, ids: Sequence[str]) -> None:
        self.db.execute("BEGIN")
        for cid in ids:
            self.db.execute("DELETE FROM fts WHERE rowid = (SELECT rid FROM rows WHERE cid=?)", (cid,))
            self.db.execute("DELETE FROM rows WHERE cid=?", (cid,))
        self.db.execute("COMMIT")

    def search(self, tokens: list[str], k: int) -> list[str]:
        if not tokens:
            return []
        match = " OR ".join(f'"{t}"' for t in tokens)
        return [r[0] for r in self.db.execute(
            "SELECT cid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?", (match, k))]


class TantivyEngine:
    """A tantivy index on disk: segments, one writer, readers reload after a commit."""

    name = "tantivy"

    def __init__(self, work: Path) -> None:
        import tantivy

        self.t = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("tokens", stored=False, tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("cid", stored=True, tokenizer_name="raw", index_option="basic")
        self.schema = builder.build()
        (work / "tantivy").mkdir()
        self.index = tantivy.Index(self.schema, path=str(work / "tantivy"))
        self.writer = self.index.writer(heap_size=50_000_000, num_threads=1)

    def add(self, ids: Sequence[str], tokens: Sequence[list[str]]) -> None:
        for cid, toks in zip(ids, tokens, strict=True):
            self.writer.add_document(self.t.Document(cid=cid, tokens=" ".join(toks)))
        self.writer.commit()
        self.index.reload()

    def delete(self, ids: Sequence[str]) -> None:
        for cid in ids:
            self.writer.delete_documents_by_term("cid", cid)
        self.writer.commit()
        self.index.reload()

    def search(self, tokens: list[str], k: int) -> list[str]:
        if not tokens:
            return []
        q = self.t.Query.boolean_query([(self.t.Occur.Should, self.t.Query.term_query(self.schema, "tokens", t))
                                        for t in tokens])
        searcher = self.index.searcher()
        return [searcher.doc(addr)["cid"][0] for _, addr in searcher.search(q, k).hits]


ENGINES: dict[str, type[Any]] = {"bm25s": Bm25sEngine, "fts5": Fts5Engine, "tantivy": TantivyEngine}


def germanquad_chunks(data_dir: Path) -> tuple[list[str], list[list[str]], dict[str, str]]:
    """Chunk ids, their stems and chunk -> GermanQuAD passage, from the cached GermanQuAD index."""
    db = sqlite3.connect(data_dir / "docstore.sqlite")
    prefix_rows = db.execute("SELECT origin, doc_id FROM sources").fetchall()
    passage = {doc_id: origin.rsplit("#", 1)[1] for origin, doc_id in prefix_rows if "#" in origin}
    rows = db.execute("SELECT chunk_id, doc_id, tokens FROM chunks ORDER BY chunk_id").fetchall()
    db.close()
    return ([r[0] for r in rows], [r[2].split() for r in rows],
            {r[0]: passage[r[1]] for r in rows if r[1] in passage})


def synthetic(n: int, real: list[list[str]], rng: random.Random) -> list[list[str]]:
    """Chunks spliced from halves of two real ones: the stems keep real text's burstiness
    (independently sampled stems would put every common stem in most chunks)."""
    out = []
    for _ in range(n):
        a, b = rng.choice(real), rng.choice(real)
        out.append(a[: len(a) // 2] + b[len(b) // 2:])
    return out


def timed(fn: Any, *args: Any) -> float:
    started = time.perf_counter()
    fn(*args)
    return 1000 * (time.perf_counter() - started)


def measure(name: str, data_dir: Path, marks: Sequence[int], trials: int) -> dict[str, Any]:
    ids, tokens, passage = germanquad_chunks(data_dir)
    queries = [q for q in load_queries() if q.half == "test"]
    q_tokens = [tokenize(q.text) for q in queries]
    out: dict[str, Any] = {"engine": ENGINES[name].name}
    with tempfile.TemporaryDirectory() as tmp:
        before = rss_mb()
        engine = ENGINES[name](Path(tmp))
        engine.add(ids, tokens)
        ranked, times = [], []
        for toks in q_tokens:
            started = time.perf_counter()
            found = engine.search(toks, 50)
            times.append(1000 * (time.perf_counter() - started))
            ranked.append(list(dict.fromkeys(passage[c] for c in found if c in passage)))
        out["germanquad_test"] = scores(ranked, queries)
        out["query_p50_ms_germanquad"] = round(statistics.median(times), 2)
        out["rss_after_build_mb"] = round(rss_mb() - before, 1)
        rng = random.Random(0)
        have, update, remove, query = len(ids), {}, {}, {}
        for mark in marks:
            extra = synthetic(mark - have, tokens, rng)
            for start in range(0, len(extra), 20_000):
                part = extra[start:start + 20_000]
                engine.add([f"s{have + start + i}" for i in range(len(part))], part)
            have = mark
            add_ms, del_ms = [], []
            for trial in range(trials):
                art = [f"a{mark}-{trial}-{i}" for i in range(4)]
                add_ms.append(timed(engine.add, art, synthetic(4, tokens, rng)))
                del_ms.append(timed(engine.delete, art))
            update[str(mark)] = round(statistics.median(add_ms), 2)
            remove[str(mark)] = round(statistics.median(del_ms), 2)
            times = []
            for toks in q_tokens[:300]:
                started = time.perf_counter()
                engine.search(toks, 50)
                times.append(1000 * (time.perf_counter() - started))
            query[str(mark)] = round(statistics.median(times), 2)
        out["add_article_ms_at_chunks"] = update
        out["remove_article_ms_at_chunks"] = remove
        out["query_p50_ms_at_chunks"] = query
        out["rss_growth_mb"] = round(rss_mb() - before, 1)
    return out


def table(rows: list[dict[str, Any]]) -> str:
    marks = list(rows[0]["add_article_ms_at_chunks"]) if rows else []
    head = ("| engine | GQ test MRR@10 | S@1 | S@10 | query p50 ms (GQ) | "
            + " | ".join(f"query p50 ms @{m}" for m in marks) + " | "
            + " | ".join(f"add article ms @{m}" for m in marks) + " | "
            + " | ".join(f"remove ms @{m}" for m in marks) + " | RSS MB @max |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        g = r["germanquad_test"]
        lines.append(f"| {r['engine']} | {g['mrr@10']:.3f} | {g['success@1']:.3f} | {g['success@10']:.3f} | "
                     f"{r['query_p50_ms_germanquad']} | "
                     + " | ".join(str(r["query_p50_ms_at_chunks"][m]) for m in marks) + " | "
                     + " | ".join(str(r["add_article_ms_at_chunks"][m]) for m in marks) + " | "
                     + " | ".join(str(r["remove_article_ms_at_chunks"][m]) for m in marks) + " | "
                     + f"{r['rss_growth_mb']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--engines", default="bm25s,fts5,tantivy")
    parser.add_argument("--marks", default="10000,100000")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    marks = [int(m) for m in args.marks.split(",")]
    rows = []
    for name in args.engines.split(","):
        if name in ("tantivy", "bm25s"):
            try:
                __import__(name)
            except ImportError:
                print(f"{name}: not installed (pip install {name}), skipped")
                continue
        rows.append(measure(name, args.data_dir, marks, args.trials))
        print(json.dumps(rows[-1]), flush=True)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
