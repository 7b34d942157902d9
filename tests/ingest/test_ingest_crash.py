"""Crash-safe ingestion: an ingest SIGKILLed anywhere is finished by the next run, to the same index.

Each run is a real ``assistant`` ingest in its own process, killed either at a named point
(``ASSISTANT_TEST_KILL_AT=<point>:<n>``, see assistant/killpoints.py) or by a timer at a
random moment while it writes. After every kill the on-disk index must still keep its
promise to readers (every 'ok' document has all its rows and vectors); after the last,
clean run it must equal a clean ingest: the same documents, the same chunk ids (content
hashes, so a clean run's ids are known without running one), Chroma ids == docstore ids
== BM25 ids with no duplicate, vectors equal to fresh embeddings, and gold questions
answered with their citations.

CI runs the 80 shortest 10kGNAD articles (plus the default corpus; ``CI_ARTICLES``) with
small write batches so that each kill point falls early; ``-m slow`` runs all 1,028.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.ingest.chunking import chunk_article
from assistant.ingest.corpus import load_articles
from assistant.retrieval.embed import Embedder
from assistant.retrieval.verify_index import verify_index
from evals.gnad import write_gnad_jsonl
from tests.conftest import CORPUS

# EmbeddingGemma costs ~0.7 CPU-seconds a chunk here, so CI takes the 80 shortest articles (~90 chunks with the
# default corpus, ~3 minutes on an idle 2-core machine); ASSISTANT_TEST_CRASH_ARTICLES=150 for the brief's size
CI_ARTICLES = int(os.environ.get("ASSISTANT_TEST_CRASH_ARTICLES", "80"))
GOLD = [
    ("Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?", "11.000"),
    ("Wie viele Soldaten sollen dem Vernehmen nach insgesamt an die Front geschickt werden?", "12.000"),
    ("According to South Korean intelligence, how many North Korean soldiers are currently in Russia "
     "to be trained for the war in Ukraine?", "1500"),
]

# Runs one ingest; write batches of ``argv[2]`` chunks so that a kill point's n-th arrival comes early;
# with CRASH_TEST_RAY set, embedding runs on a local Ray instance (tests/ingest/test_on_ray.py).
DRIVER = """
import json, os, sys
from pathlib import Path
import assistant.ingest.ingestor as ingest
ingest.BATCH_CHUNKS = int(sys.argv[2])
from assistant import Assistant, Settings
ray = "" if os.environ.get("CRASH_TEST_RAY") else None
report = Assistant(Settings(data_dir=Path(sys.argv[1]))).ingest([Path(p) for p in sys.argv[3:]], ray_address=ray)
print(json.dumps({"added": report.added, "unchanged": report.unchanged, "recovered": report.recovered,
                  "chunks": report.chunks, "problems": len(report.problems)}))
"""


def gnad_jsonl(path: Path, limit: int | None = None, shortest: bool = False) -> Path:
    return write_gnad_jsonl(path, limit, shortest)


@dataclass(frozen=True)
class Kill:
    point: str  # a killpoints.POINTS name, or "timer"
    n: int = 1  # the n-th arrival; for "timer": unused

    def __str__(self) -> str:
        return f"{self.point}:{self.n}" if self.point != "timer" else "timer"


# In order; each run picks up what the one before left. Every named point must be reached (rc -9),
# so the plan leaves enough work for each; the clean run after them finishes what is left.
PLAN = [
    Kill("ingest.begin_document", 12),  # mid-batch: documents recorded pending, their batch not embedded
    Kill("ingest.embedded", 2),  # during embedding: a batch's vectors computed, nothing of it written
    Kill("timer"),
    Kill("store.chroma_added", 2),  # during the Chroma write: vectors in Chroma, no docstore rows
    Kill("store.sqlite_commit", 2),  # inside the SQLite transaction, before COMMIT
    Kill("store.remove_document", 1),  # during the recovery of the run before: its pending docs half removed
    Kill("timer"),
    Kill("store.finish_document", 3),  # marking a document ok, before COMMIT
    Kill("lexical.committed", 2),  # the BM25 index committed a batch, its outbox not yet cleared
]


def ok_count(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    with sqlite3.connect(db_path, timeout=30) as db:
        try:
            return int(db.execute("SELECT COUNT(*) FROM documents WHERE state='ok'").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not created yet
            return 0


def run_ingest(data: Path, paths: list[Path], kill: Kill | None, batch: int, rng: random.Random,
               timeout_s: float = 1800, ray: bool = False) -> subprocess.CompletedProcess[str] | int:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("ASSISTANT_TEST_KILL_AT", None)
    env.pop("CRASH_TEST_RAY", None)
    if ray:
        env["CRASH_TEST_RAY"] = "1"
    if kill is not None and kill.point != "timer":
        env["ASSISTANT_TEST_KILL_AT"] = str(kill)
    cmd = [sys.executable, "-c", DRIVER, str(data), str(batch), *map(str, paths)]
    # its own process group: what it leaves running when killed (Ray's agents, with --ray) is killed with it
    if kill is None or kill.point != "timer":
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout_s)
        finally:
            _kill_group(proc)
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    before = ok_count(data / "docstore.sqlite")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while ok_count(data / "docstore.sqlite") <= before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(rng.uniform(0.0, 3.0))  # somewhere in the writing: embedding, Chroma, SQLite
    proc.send_signal(signal.SIGKILL)
    rc = proc.wait(30)
    _kill_group(proc)
    return rc


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


# Run in a fresh process: an embedded Chroma client caches its vector index per process, so a client kept
# open here would not see what later runs write (see docs/RELIABILITY.md, "embedded Chroma").
READERS_SAFE = """
import sys
from pathlib import Path
from assistant import Settings
from assistant.retrieval.store import Store
store = Store(Settings(data_dir=Path(sys.argv[1])))
chroma, owners, sentences = store.chroma_ids(), store.chunk_owners(), store.sentence_counts()
for doc in store.documents("ok"):
    chunks = [c for c, d in owners.items() if d == doc.doc_id]
    assert len(chunks) == doc.n_chunks, doc
    assert all(c in chroma and sentences.get(c, 0) > 0 for c in chunks), doc
"""


def assert_readers_safe(data: Path) -> None:
    """What a kill leaves must be safe to read: an 'ok' document has all its chunk, sentence and vector rows."""
    out = subprocess.run([sys.executable, "-c", READERS_SAFE, str(data)], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr[-2000:]


def expected_index(paths: list[Path], settings: Settings) -> tuple[dict[str, str], set[str]]:
    """origin -> doc_id and the chunk ids a clean ingest makes: both follow from the content alone."""
    articles, _ = load_articles(paths, settings.max_file_mb)
    sources: dict[str, str] = {}
    unique = {}
    for article in articles:
        sources.setdefault(article.origin, article.doc_id)
        unique.setdefault(article.doc_id, article)
    chunk_ids = {c.chunk_id for a in unique.values()
                 for c in chunk_article(a, settings.chunk_chars, settings.min_chunk_chars)}
    return sources, chunk_ids


def crash_and_recover(tmp_path: Path, embedder: Embedder, articles: Path, plan: list[Kill], batch: int,
                      ray: bool = False) -> None:
    data = tmp_path / "data"
    paths = [CORPUS, articles]
    seed = int(os.environ.get("ASSISTANT_TEST_SEED", time.time_ns() % 100_000))
    rng = random.Random(seed)
    print(f"\ncrash plan (seed {seed}{', on Ray' if ray else ''}):")
    kill_all(data, paths, plan, batch, rng, ray)
    recover_and_check(data, paths, embedder, batch, rng, ray)


def kill_all(data: Path, paths: list[Path], plan: list[Kill], batch: int, rng: random.Random,
             ray: bool = False) -> None:
    for kill in plan:
        started = time.perf_counter()
        result = run_ingest(data, paths, kill, batch, rng, ray=ray)
        rc = result if isinstance(result, int) else result.returncode
        detail = "" if isinstance(result, int) else result.stderr[-2000:]
        print(f"  killed at {kill}: rc {rc}, {ok_count(data / 'docstore.sqlite')} documents ok, "
              f"{time.perf_counter() - started:.1f} s")
        assert rc == -signal.SIGKILL, f"{kill} was not reached (rc {rc}): {detail}"
        assert_readers_safe(data)


def ok_chunks(db_path: Path) -> int:
    with sqlite3.connect(db_path, timeout=30) as db:
        return int(db.execute("SELECT COUNT(*) FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                              "WHERE d.state = 'ok'").fetchone()[0])


def recover_and_check(data: Path, paths: list[Path], embedder: Embedder, batch: int, rng: random.Random,
                      ray: bool = False) -> None:
    settings = Settings(data_dir=data)
    sources, chunk_ids = expected_index(paths, settings)
    done_before = ok_chunks(data / "docstore.sqlite")
    final = run_ingest(data, paths, None, batch, rng, ray=ray)
    assert not isinstance(final, int) and final.returncode == 0, final
    report = json.loads(final.stdout.strip().splitlines()[-1])
    # the clean run embeds exactly what no killed run finished, and finds no problem
    assert report["chunks"] == len(chunk_ids) - done_before and report["problems"] == 0, (report, done_before)
    assistant = Assistant(settings, embedder=embedder)
    try:
        store = assistant.store
        assert store.sources() == sources
        assert {d.doc_id for d in store.documents("ok")} == set(sources.values())
        assert not store.documents("pending")
        assert store.chunk_ids() == chunk_ids
        assert store.chroma_ids() == chunk_ids and store.chroma_count() == len(chunk_ids)  # no duplicates
        assert sorted(store.ensure_lexical().ids()) == sorted(chunk_ids)  # in BM25 once each
        assert store.lexical.state(chunk_ids) == "ok" and not store.lexical.behind()

        # the vectors are the ones a clean run computes
        sample = sorted(rng.sample(sorted(chunk_ids), 8))
        got = store.collection.get(ids=sample, include=["embeddings"])
        stored = dict(zip(got["ids"], np.asarray(got["embeddings"]), strict=True))
        articles_by_id = {a.doc_id: a for a in load_articles(paths)[0]}
        fresh = [c for cid in sample for c in chunk_article(articles_by_id[cid.rsplit("-", 1)[0]])
                 if c.chunk_id == cid]
        vectors, _ = embedder.embed_chunks(fresh, [articles_by_id[c.doc_id].title for c in fresh])
        for chunk, vector in zip(fresh, vectors, strict=True):
            assert float(np.dot(vector, stored[chunk.chunk_id])) > 0.999, chunk.chunk_id

        for question, fact in GOLD:
            answer = assistant.ask(question)
            assert not answer.abstained and fact in answer.text, (question, answer.text)
            assert any(fact in c.quote for c in answer.citations), answer.citations
        # BM25 finds 10kGNAD chunks by their own words
        lexical = store.ensure_lexical()
        for cid in sample:
            text = store.get_chunks([cid], with_vectors=False)[cid].text
            assert cid in [h.chunk_id for h in lexical.search(" ".join(text.split()[:25]), 5)], cid

        check = verify_index(settings, store, embedder).to_dict()
        assert check["repaired"] == 0 and check["consistent"], check
    finally:
        assistant.close()


def test_killed_ingests_recover_to_a_clean_index(tmp_path: Path, embedder: Embedder) -> None:
    articles = gnad_jsonl(tmp_path / "gnad.jsonl", limit=CI_ARTICLES, shortest=True)
    crash_and_recover(tmp_path, embedder, articles, PLAN, batch=4)


@pytest.mark.slow
def test_killed_ingests_recover_full_10kgnad(tmp_path: Path, embedder: Embedder) -> None:
    articles = gnad_jsonl(tmp_path / "gnad.jsonl")
    plan = [Kill(k.point, k.n * 10) if k.point.startswith(("ingest", "store.chroma", "store.sqlite",
                                                           "store.finish")) else k for k in PLAN]
    crash_and_recover(tmp_path, embedder, articles, plan, batch=32)


def test_report_after_a_kill_counts_the_new_files_as_added(tmp_path: Path, embedder: Embedder) -> None:
    """Documents a killed run finished before recording their files are that file's, not duplicates."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, crop in enumerate(["Erdbeeren", "Kirschen", "Pflaumen"]):
        (folder / f"{i}.txt").write_text(f"{crop}ernte\n\nDie {crop}ernte brachte {i + 2}.000 Tonnen, sagte der "
                                         "Bauernverband am Montag.", encoding="utf-8")
    data = tmp_path / "data"
    # one chunk per write batch: the kill at the 3rd document leaves two 'ok' ones and one pending, no sources
    killed = run_ingest(data, [folder], Kill("ingest.begin_document", 3), 1, random.Random(0))
    assert not isinstance(killed, int) and killed.returncode == -signal.SIGKILL, killed
    assert ok_count(data / "docstore.sqlite") == 2
    assistant = Assistant(Settings(data_dir=data), embedder=embedder)
    try:
        report = assistant.ingest([folder])
        assert (report.added, report.duplicates, report.recovered, report.chunks) == (3, 0, 1, 1), report
        assert len(assistant.store.sources()) == 3 and len(assistant.documents()) == 3
    finally:
        assistant.close()
