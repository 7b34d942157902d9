"""Cold start: ``assistant serve --no-ingest`` on a built index until the first answer over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from evals.perf.machine import rss_mb
from evals.perf.serving import free_port, wait_for_port


def run(data_dir: Path, questions: list[str], timeout_s: float = 300) -> dict[str, Any]:
    """Spawn the server, wait for the port, ask over gradio_client; RSS of the server throughout."""
    from gradio_client import Client

    port = free_port()
    exe = Path(sys.executable).parent / "assistant"
    cmd = [str(exe), "--data-dir", str(data_dir), "serve", "--no-ingest", "--port", str(port)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        listen_s = wait_for_port(port, proc, timeout_s)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False, download_files=False)
        first = client.predict(question=questions[0], history="", api_name="/ask")
        cold_start_s = time.perf_counter() - started
        times = []
        for question in questions[1:]:
            t0 = time.perf_counter()
            client.predict(question=question, history="", api_name="/ask")
            times.append((time.perf_counter() - t0) * 1000)
        serving_rss = rss_mb(proc.pid)
    finally:
        stop.set()
        sampler.join()
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    times.sort()
    return {"cold_start_s": cold_start_s, "listening_s": listen_s, "first_answer_abstained": first["abstained"],
            "http_answer_p50_ms": times[len(times) // 2] if times else None, "questions": len(questions),
            "rss_serving_mb": serving_rss, "rss_peak_mb": peak[0]}
