"""Bounded load on loopback: 8 concurrent gradio_client clients x 5 questions, none lost, none wrong."""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from gradio_client import Client

from assistant import Assistant
from assistant.web.app import build_app, launch
from tests.conftest import free_port

CLIENTS = 8
PER_CLIENT = 5
# (question, a substring the answer must contain, or None when it must abstain)
QUESTIONS = [
    ("Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?", "11.000"),
    ("What is the population of Pyongyang?", None),
    ("Wer warnte Seoul vor Waffenlieferungen an die Ukraine?", "Rudenko"),
    ("Wie viele nordkoreanische Soldaten befinden sich laut südkoreanischem Geheimdienst in Russland?", "1500"),
    ("Wie heißt die Hauptstadt von Frankreich?", None),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_concurrent_clients_all_answered(default_assistant: Assistant) -> None:
    demo = build_app(default_assistant)
    url = launch(demo, default_assistant.settings, port=free_port())
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    clients = [Client(url, verbose=False, analytics_enabled=False, download_files=False) for _ in range(CLIENTS)]

    def run(index: int, client: Client) -> None:
        for k in range(PER_CLIENT):
            question, expected = QUESTIONS[(index + k) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                result = client.predict(question=question, history="", api_name="/ask")
            except Exception as err:  # recorded and asserted below
                with lock:
                    failures.append(f"{question}: {type(err).__name__}: {err}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            ok = result["abstained"] if expected is None else (not result["abstained"] and expected in result["text"])
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures.append(f"{question}: unexpected answer {result['text'][:120]!r}")

    started = time.perf_counter()
    try:
        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        wall = time.perf_counter() - started
        hung = sum(t.is_alive() for t in threads)
    finally:
        demo.close()

    numbers = {"clients": CLIENTS, "questions_each": PER_CLIENT, "answered": len(latencies),
               "concurrency": default_assistant.settings.concurrency, "backend": default_assistant.settings.backend,
               "p50_ms": round(statistics.median(latencies)) if latencies else None,
               "p95_ms": round(percentile(latencies, 0.95)) if latencies else None,
               "max_ms": round(max(latencies)) if latencies else None,
               "wall_s": round(wall, 1), "throughput_qps": round(len(latencies) / wall, 2)}
    out = Path(tempfile.gettempdir()) / "web_load.json"
    out.write_text(json.dumps(numbers, indent=2))
    print(f"\nweb load: {json.dumps(numbers)} -> {out}")
    assert hung == 0, f"{hung} clients still waiting"
    assert failures == []
    assert len(latencies) == CLIENTS * PER_CLIENT
