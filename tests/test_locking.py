"""One writer per data directory; readers in other processes keep answering while it writes.

A real ingest of 10kGNAD articles runs in a child process on an index of the default
corpus. Meanwhile a second ingest (another process) is refused at once with a clear
message, or waits with ``--wait``, and this process keeps asking gold questions: no
exception, every answer correct and cited, and the BM25 index never runs ahead of the
docstore (a reader may see it a batch behind).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from assistant import Assistant, Settings
from assistant.ingest.ingestor import IngestBusyError, writer_lock
from assistant.retrieval.embed import Embedder
from tests.conftest import CORPUS
from tests.ingest.test_ingest_crash import DRIVER, GOLD, gnad_jsonl, ok_count
from tests.test_hostile import assert_well_formed


def cli(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", "--data-dir", str(data), *args]


ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def bm25_ahead(reader: Assistant) -> set[str]:
    """Chunk ids the reader's BM25 index finds that no docstore row has."""
    return set(reader.store.ensure_lexical().ids()) - reader.store.chunk_ids()


def test_second_ingest_is_refused_or_waits_and_readers_stay_consistent(tmp_path: Path, embedder: Embedder) -> None:
    data = tmp_path / "data"
    reader = Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    try:
        reader.ingest()
        articles = gnad_jsonl(tmp_path / "gnad.jsonl", limit=40, shortest=True)
        base_docs = len(reader.documents())

        # write batches of 4 chunks, so documents turn 'ok' one batch at a time for the whole run
        writer = subprocess.Popen([sys.executable, "-c", DRIVER, str(data), "4", str(articles)], env=ENV,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 900
            while ok_count(data / "docstore.sqlite") <= base_docs and writer.poll() is None:
                assert time.monotonic() < deadline, "the writer never wrote"
                time.sleep(0.2)
            assert writer.poll() is None, writer.communicate()

            # a second writer: refused at once, with the reason, the folder and what to do
            started = time.perf_counter()
            busy = subprocess.run(cli(data, "ingest", str(CORPUS)), env=ENV, capture_output=True, text=True,
                                  timeout=120)
            refused_in = time.perf_counter() - started
            assert writer.poll() is None, "the first ingest ended before the second started: inconclusive"
            assert busy.returncode == 2, busy
            assert "Another ingest is writing to" in busy.stderr and str(data) in busy.stderr, busy.stderr
            assert "wait for it to finish" in busy.stderr
            # the same in-process, without waiting for anything
            with_lock = time.perf_counter()
            try:
                reader.ingest()
                raise AssertionError("a second ingest ran beside the first")
            except IngestBusyError as err:
                assert "write.lock" in str(err)
            assert time.perf_counter() - with_lock < 2.0

            # a waiting writer queues behind the first and then runs
            waiter = subprocess.Popen(cli(data, "ingest", "--wait", "900", str(CORPUS)), env=ENV,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

            asked, seen_ok = 0, set()
            while writer.poll() is None:
                question, fact = GOLD[asked % len(GOLD)]
                answer = reader.ask(question)
                asked += 1
                assert_well_formed(answer)
                assert not answer.abstained and fact in answer.text, (question, answer.text)
                seen_ok.add(ok_count(data / "docstore.sqlite"))
                if waiter.poll() is not None:
                    # it needs the lock, so the first ingest had finished writing (its process may still be exiting)
                    assert ok_count(data / "docstore.sqlite") == base_docs + 40, "the waiting ingest did not wait"
                assert not bm25_ahead(reader), "the BM25 index holds chunks the docstore does not"
            out, err = writer.communicate(timeout=60)
            assert writer.returncode == 0, err
            assert '"added": 40' in out
            waited_out, waited_err = waiter.communicate(timeout=900)
            assert waiter.returncode == 0, waited_err
            assert "unchanged 2" in waited_out
        finally:
            for proc in (writer, locals().get("waiter")):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(30)
        print(f"\n{asked} questions answered during the ingest ({len(seen_ok)} index states seen); "
              f"second ingest refused in {refused_in:.1f} s")
        assert asked >= 3 and len(seen_ok) >= 2
        # after the writer: the reader sees everything, lexically too
        assert len(reader.documents()) == base_docs + 40
        assert sorted(reader.store.ensure_lexical().ids()) == sorted(reader.store.chunk_ids())
        for question, fact in GOLD:
            assert fact in reader.ask(question).text
    finally:
        reader.close()


def test_lock_wait_times_out_with_the_same_clear_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS)
    assistant = Assistant(settings)
    try:
        with writer_lock(settings):
            started = time.perf_counter()
            try:
                assistant.ingest(lock_wait_s=1.0)
                raise AssertionError("ingest ran under a held lock")
            except IngestBusyError as err:
                assert "Another ingest is writing" in str(err)
            assert 0.9 <= time.perf_counter() - started < 5
        with sqlite3.connect(settings.data_dir / "docstore.sqlite") as db:
            assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    finally:
        assistant.close()
