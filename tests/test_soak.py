"""Bounded soak on loopback: concurrent questions, zero errors, no lost requests, flat memory.

CI asks 8 threads x 10 questions through ``Assistant.ask``; ``-m slow`` sends 500 through
the Gradio API from 8 concurrent clients. Every answer must equal the one the same
question got alone (concurrency changes nothing), and the resident memory after the
last question may be at most 5% above the memory after the 50th. p50/p95 are printed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psutil
import pytest

from assistant import Assistant
from tests.conftest import EVALS, free_port
from tests.test_hostile import assert_well_formed

GOLD = [json.loads(line) for line in (EVALS / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
# single questions and unanswerable ones, German and English: each answered alone first, as the reference
QUESTIONS = [q["question"] for q in GOLD if q["type"] in ("single", "unanswerable") and not q["history"]][::4][:12]


@dataclass
class Soak:
    expected: dict[str, tuple[str, bool]]
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, question: str, started: float, text: str, abstained: bool) -> None:
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            self.rss.append(psutil.Process().memory_info().rss)
            if (text, abstained) != self.expected[question]:
                self.errors.append(f"{question!r}: {text[:120]!r} differs from the answer it got alone")

    def report(self, what: str, sent: int) -> None:
        ordered = sorted(self.latencies)
        p50, p95 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        growth = self.rss[-1] / self.rss[min(49, len(self.rss) - 1)] - 1
        print(f"\n{what}: {len(self.latencies)}/{sent} answered, {len(self.errors)} errors, "
              f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, RSS {self.rss[-1] / 2**20:.0f} MiB "
              f"({growth * 100:+.1f}% from question 50 to the last)")
        assert not self.errors, self.errors[:5]
        assert len(self.latencies) == sent  # no lost request
        assert growth < 0.05


def run(soak: Soak, workers: int, total: int, ask: Callable[[str], tuple[str, bool]]) -> None:
    def one(i: int) -> None:
        question = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        try:
            text, abstained = ask(question)
        except Exception as err:
            with soak.lock:
                soak.errors.append(f"{question!r}: {type(err).__name__}: {err}")
            return
        soak.record(question, started, text, abstained)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(total), timeout=3600))


def reference(default_assistant: Assistant) -> dict[str, tuple[str, bool]]:
    expected = {}
    for question in QUESTIONS:
        answer = default_assistant.ask(question)
        assert_well_formed(answer)
        expected[question] = (answer.text, answer.abstained)
    return expected


def test_soak_python_api(default_assistant: Assistant) -> None:
    soak = Soak(reference(default_assistant))

    def ask(question: str) -> tuple[str, bool]:
        answer = default_assistant.ask(question)
        assert_well_formed(answer)
        return answer.text, answer.abstained

    run(soak, workers=8, total=80, ask=ask)
    soak.report("Assistant.ask, 8 threads", 80)


@pytest.mark.slow
def test_soak_gradio_api(default_assistant: Assistant) -> None:
    from gradio_client import Client

    from assistant.web.app import build_app, launch

    soak = Soak(reference(default_assistant))
    demo = build_app(default_assistant)
    url = launch(demo, default_assistant.settings, port=free_port())
    assert url.startswith("http://127.0.0.1:")  # loopback only
    local = threading.local()

    def ask(question: str) -> tuple[str, bool]:
        if not hasattr(local, "client"):
            local.client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        result = local.client.predict(question=question, history="", api_name="/ask")
        return result["text"], result["abstained"]

    try:
        run(soak, workers=8, total=500, ask=ask)
    finally:
        demo.close()
    soak.report("Gradio /ask, 8 clients", 500)
