"""Ray's overhead on one machine (``ray_ingest_vs_inprocess``): the same articles ingested both ways.

Each path builds a fresh index from the same 10kGNAD articles and pays one model load: the
in-process ingest loads the embedder itself; on Ray, the actor loads it inside the timed run.
Starting the local Ray instance is timed apart (``ray_start_s``): a cluster outlives one ingest.
On 2 cores Ray cannot be faster (one actor, the same ONNX Runtime threads); the ratio is what
its scheduling, serialisation and the actor's start cost.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from evals.perf.ingest_bench import settings_for


def _ingest(data_dir: Path, paths: list[Path], ray_address: str | None) -> dict[str, Any]:
    shutil.rmtree(data_dir, ignore_errors=True)
    assistant = Assistant(settings_for(data_dir))
    started = time.perf_counter()
    report = assistant.ingest(paths, ray_address=ray_address)
    seconds = time.perf_counter() - started
    assistant.close()
    return {"chunks": report.chunks, "articles": report.added, "seconds": seconds,
            "chunks_per_s": report.chunks / seconds if seconds else 0.0}


def run(work: Path, paths: list[Path]) -> dict[str, Any]:
    from assistant.ingest.on_ray import start

    here = _ingest(work / "ray-bench-inprocess", paths, None)
    started = time.perf_counter()
    ray = start("")
    ray_start_s = time.perf_counter() - started
    try:
        there = _ingest(work / "ray-bench-ray", paths, "")
    finally:
        ray.shutdown()
    assert there["chunks"] == here["chunks"], (here, there)
    return {"inprocess": here, "ray": there, "ray_start_s": ray_start_s,
            "ray_vs_inprocess": there["chunks_per_s"] / here["chunks_per_s"] if here["chunks_per_s"] else None}
