"""Against a real ``chroma run`` server: it works, it fails fast and clearly, and it recovers.

The server is stopped, frozen (SIGSTOP: it accepts connections but never answers) and
restarted on the same port and path under one ``Assistant``; every failure must be a
``StoreError`` naming the URL within ~15 s, and the same object must answer again once
the server is back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.retrieval.embed import Embedder
from assistant.retrieval.store import StoreError
from assistant.retrieval.verify_index import verify_index
from tests.conftest import CORPUS, ChromaServer, free_port

PENTAGON = "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?"
FAIL_WITHIN_S = 15.0


def answers(assistant: Assistant) -> None:
    answer = assistant.ask(PENTAGON)
    assert not answer.abstained and "11.000" in answer.text and answer.citations


def fails_fast(action: Callable[[], object], url: str) -> float:
    started = time.perf_counter()
    with pytest.raises(StoreError) as caught:
        action()
    elapsed = time.perf_counter() - started
    assert url in str(caught.value), caught.value
    assert elapsed < FAIL_WITHIN_S, f"took {elapsed:.1f} s to fail"
    return elapsed


def test_server_stopped_frozen_and_restarted(chroma_server: ChromaServer, tmp_path: Path,
                                             embedder: Embedder) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS, chroma_url=chroma_server.url,
                        chroma_timeout_s=5.0)
    assistant = Assistant(settings, embedder=embedder)
    try:
        report = assistant.ingest()
        assert report.added == 2 and assistant.store.chroma_count() == assistant.store.chunk_count() > 0
        assert (chroma_server.path / "chroma.sqlite3").exists()  # the vectors are on the server, not embedded
        assert not (settings.data_dir / "chroma").exists()
        answers(assistant)

        chroma_server.stop()
        stopped = fails_fast(lambda: assistant.ask(PENTAGON), chroma_server.url)
        fails_fast(lambda: verify_index(settings, assistant.store, embedder), chroma_server.url)

        chroma_server.start()  # same port, same path
        answers(assistant)  # the same object, not recreated
        assert assistant.store.chroma_count() == assistant.store.chunk_count()

        assert chroma_server.proc is not None
        chroma_server.proc.send_signal(signal.SIGSTOP)  # alive, listening, never answering
        try:
            frozen = fails_fast(lambda: assistant.ask(PENTAGON), chroma_server.url)
        finally:
            chroma_server.proc.send_signal(signal.SIGCONT)
        answers(assistant)
        print(f"\nfailed in {stopped:.2f} s (stopped), {frozen:.2f} s (frozen, timeout 5 s); recovered both times")
    finally:
        assistant.close()


def test_server_that_never_ran_gives_a_clear_error(tmp_path: Path, embedder: Embedder) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assistant = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS, chroma_url=url), embedder=embedder)
    try:
        elapsed = fails_fast(lambda: assistant.ingest(), url)
        with pytest.raises(StoreError, match=r"not reachable.*chroma run"):
            assistant.store.chroma_count()
        print(f"\nno server: failed in {elapsed:.2f} s")
    finally:
        assistant.close()
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(tmp_path / "data"), "status",
                          "--verify"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", "ASSISTANT_CHROMA_URL": url})
    assert out.returncode == 2 and url in out.stderr and "Traceback" not in out.stderr, out.stderr
