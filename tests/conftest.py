"""Shared fixtures: one embedding model per test session, temp data dirs, a real Chroma server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant import Assistant, Settings
from assistant.retrieval.embed import Embedder

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
EVALS = REPO / "evals"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    s = Settings()
    return Embedder.from_settings(s)


@pytest.fixture
def make_assistant(tmp_path: Path, embedder: Embedder) -> Iterator[Callable[..., Assistant]]:
    """Assistants on fresh temp data dirs, sharing the session's model."""
    made: list[Assistant] = []

    def make(**overrides: Any) -> Assistant:
        overrides.setdefault("data_dir", tmp_path / f"data{len(made)}")
        overrides.setdefault("corpus_dir", CORPUS)
        assistant = Assistant(Settings(**overrides), embedder=embedder)
        made.append(assistant)
        return assistant

    yield make
    for assistant in made:
        assistant.close()


@pytest.fixture(scope="session")
def default_assistant(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Assistant]:
    """The default corpus, ingested once for all read-only tests."""
    data = tmp_path_factory.mktemp("default") / "data"
    assistant = Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    assistant.ingest()
    yield assistant
    assistant.close()


class ChromaServer:
    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60) -> None:
        exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
        self.proc = subprocess.Popen([exe, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("chroma run exited at start") from None
                time.sleep(0.2)
        raise RuntimeError(f"chroma server did not listen on {self.port} within {timeout_s} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A real ``chroma run`` server on a free loopback port, stopped after the test."""
    server = ChromaServer(tmp_path / "chroma-server", free_port())
    server.start()
    yield server
    server.stop()
