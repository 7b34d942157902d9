"""A real ``chroma run`` server holding a million chunks, queried through ``Store.dense_search``.

The vectors are synthetic (random unit vectors of the model's dimension): search
cost in an HNSW index depends on count and dimension, not on what the vectors mean.
They are loaded in bounded batches through ``Store.vector_store`` (llama-index's
``ChromaVectorStore.add``, i.e. the same call ``Store.write_chunks`` makes), with a
short document text and the node metadata llama-index writes, so queries parse
results exactly as for real chunks. The server's data folder is cached, so only the
first run pays for loading; a partly loaded folder is resumed where it stopped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from evals.perf.machine import rss_mb
from evals.perf.serving import free_port, wait_for_port

CACHE = Path.home() / ".cache" / "assistant" / "bench"
COLLECTION = "bench_synthetic"
DIM = 768
BATCH = 5000


def batch_vectors(batch_index: int, size: int, dim: int = DIM) -> np.ndarray:
    """Deterministic per batch, so a resumed load writes the same data as an uninterrupted one."""
    rng = np.random.default_rng(batch_index)
    vecs = rng.standard_normal((size, dim), dtype=np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


class ChromaServerProcess:
    """``chroma run`` on a free loopback port; stopped on exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start_s = 0.0

    def __enter__(self) -> ChromaServerProcess:
        exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
        self.path.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        self.proc = subprocess.Popen([exe, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc, timeout_s=120)
        self.start_s = time.perf_counter() - started
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid) if self.proc else 0.0


def _load(store: Any, have: int, target: int, server: ChromaServerProcess, log: Any, max_load_s: float
          ) -> dict[str, float]:
    from llama_index.core.schema import TextNode

    started = time.perf_counter()
    peak = 0.0
    for lo in range(have - have % BATCH, target, BATCH):
        size = min(BATCH, target - lo)
        vecs = batch_vectors(lo // BATCH, size)
        nodes = [TextNode(id_=f"syn-{lo + i:08d}", text=f"synthetic chunk {lo + i}", embedding=vecs[i].tolist(),
                          metadata={"title": "synthetic", "chunk": 0})
                 for i in range(size)]
        store.vector_store.add(nodes)  # re-adding an id already there is a no-op in Chroma
        peak = max(peak, server.rss_mb)
        if (lo // BATCH) % 20 == 0:
            log(f"chroma load: {lo + size:,}/{target:,} vectors, {time.perf_counter() - started:.0f} s, "
                f"server {server.rss_mb:.0f} MB")
        if time.perf_counter() - started > max_load_s and lo + size < target:  # at least one batch per run
            log(f"chroma load: time budget of {max_load_s:.0f} s used at {lo + size:,} vectors; the next run resumes")
            break
    seconds = time.perf_counter() - started
    return {"loaded": store.chroma_count() - have, "seconds": seconds, "server_peak_rss_mb": peak}


def run(n_vectors: int = 1_000_000, n_queries: int = 200, k: int = 20, cache: Path | None = None,
        log: Any = print, max_load_s: float = float("inf")) -> dict[str, Any]:
    """Load (or resume loading) ``n_vectors`` in a cached server folder, then time ``n_queries`` searches.

    Loading stops after ``max_load_s``; the queries then run on what is there (``vectors``
    says how many) and the next run goes on loading where this one stopped.
    """
    from assistant.retrieval.store import Store
    from assistant.settings import Settings

    folder = (cache or CACHE) / f"chroma-{n_vectors}"
    meta_path = folder.with_suffix(".json")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    with ChromaServerProcess(folder) as server, tempfile.TemporaryDirectory() as tmp:
        store = Store(Settings(data_dir=Path(tmp), chroma_url=server.url, collection=COLLECTION,
                               chroma_timeout_s=600))
        have = store.chroma_count()
        if have < n_vectors:
            load = _load(store, have, n_vectors, server, log, max_load_s)
            # load time and count add up over resumed runs, so the rate covers the whole build
            loaded = meta.get("loaded", 0) + load["loaded"]
            load_s = meta.get("load_s", 0.0) + load["seconds"]
            meta = {"target": n_vectors, "loaded": loaded, "load_s": load_s, "runs": meta.get("runs", 0) + 1,
                    "vectors_per_s": loaded / load_s if load_s else 0.0,
                    "last_run_vectors_per_s": load["loaded"] / load["seconds"] if load["seconds"] else 0.0,
                    "server_peak_rss_mb_loading": max(load["server_peak_rss_mb"],
                                                      meta.get("server_peak_rss_mb_loading", 0.0))}
            meta_path.write_text(json.dumps(meta, indent=2))
            loaded_now = True
        else:
            loaded_now = False
        count = store.chroma_count()
        rng = np.random.default_rng(12345)
        queries = rng.standard_normal((n_queries, DIM), dtype=np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        t0 = time.perf_counter()
        store.dense_search(queries[0], k)  # the first query after a start loads the index from disk
        first_ms = (time.perf_counter() - t0) * 1000
        times = []
        for q in queries[1:]:
            t0 = time.perf_counter()
            hits = store.dense_search(q, k)
            times.append((time.perf_counter() - t0) * 1000)
        assert len(hits) == k
        store.close()
        return {
            "vectors": count,
            "target": n_vectors,
            "complete": count >= n_vectors,
            "load_runs": meta.get("runs"),
            "dim": DIM,
            "batch": BATCH,
            "loaded_this_run": loaded_now,
            "load_s": meta.get("load_s"),
            "ingest_vectors_per_s": meta.get("vectors_per_s"),
            "server_start_s": server.start_s,
            "first_query_ms": first_ms,
            "query_p50_ms": float(np.percentile(times, 50)),
            "query_p95_ms": float(np.percentile(times, 95)),
            "server_rss_mb": server.rss_mb,
            "server_peak_rss_mb_loading": meta.get("server_peak_rss_mb_loading"),
            "disk_mb": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20,
        }
