"""The Chroma-server benchmark against a real ``chroma run``: bounded batches, resumable, cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from evals.perf import chroma_scale


def test_batches_are_deterministic_unit_vectors() -> None:
    a, b = chroma_scale.batch_vectors(3, 10), chroma_scale.batch_vectors(3, 10)
    assert a.shape == (10, chroma_scale.DIM)
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


def test_load_resumes_then_reuses_the_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(chroma_scale, "BATCH", 400)
    first = chroma_scale.run(1000, n_queries=5, k=5, cache=tmp_path, log=lambda _: None, max_load_s=0.0)
    assert first["vectors"] == 400 and not first["complete"]  # budget spent after one batch
    second = chroma_scale.run(1000, n_queries=5, k=5, cache=tmp_path, log=lambda _: None)
    assert second["vectors"] == 1000 and second["complete"] and second["loaded_this_run"]
    assert second["load_runs"] == 2 and second["ingest_vectors_per_s"] > 0
    third = chroma_scale.run(1000, n_queries=5, k=5, cache=tmp_path, log=lambda _: None)
    assert not third["loaded_this_run"] and third["vectors"] == 1000
    assert third["query_p50_ms"] > 0 and third["server_rss_mb"] > 0
