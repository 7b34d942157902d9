"""What the numbers were measured on, and resident memory sampled while they were."""

from __future__ import annotations

import contextlib
import os
import platform
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    import chromadb
    import sentence_transformers
    import torch

    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu": cpu_model(),
        "cores": psutil.cpu_count(logical=True),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "sentence_transformers": sentence_transformers.__version__,
        "chromadb": chromadb.__version__,
        "load_avg_at_start": [round(x, 2) for x in load],
    }


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process and its children (a server may fork workers)."""
    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
    except psutil.Error:
        return 0.0
    return total / 2**20


class RssSampler:
    """Peak (and every) RSS of a process, sampled in a thread: ``with RssSampler() as s: ...; s.peak_mb``."""

    def __init__(self, pid: int | None = None, interval_s: float = 0.2) -> None:
        self.pid = pid or os.getpid()
        self.interval_s = interval_s
        self.samples: list[tuple[float, float]] = []  # (seconds since start, MB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = 0.0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - self._t0, rss_mb(self.pid)))
            self._stop.wait(self.interval_s)

    def __enter__(self) -> RssSampler:
        self._t0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.perf_counter() - self._t0, rss_mb(self.pid)))

    @property
    def peak_mb(self) -> float:
        return max((mb for _, mb in self.samples), default=0.0)

    @property
    def last_mb(self) -> float:
        return self.samples[-1][1] if self.samples else 0.0
