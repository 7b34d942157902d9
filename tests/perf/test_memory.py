"""The memory-scaling benchmark's stand-in embedder is a real, tiny sentence-transformers model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.retrieval.embed import Embedder
from assistant.settings import Settings
from evals.perf import memory_bench


def test_standin_is_labelled_and_shaped_like_embeddinggemma(tmp_path: Path) -> None:
    folder = memory_bench.build_standin(tmp_path / "standin")
    embedder = Embedder(str(folder), Settings().models_dir)
    assert embedder.dimension == 768
    vecs = embedder.embed_texts(["Ein Satz.", "Noch ein ganz anderer Satz."])
    assert vecs.shape == (2, 768)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-2)  # normalised in bf16
    assert "stand-in" in memory_bench.STANDIN_LABEL and "NOT EmbeddingGemma" in memory_bench.STANDIN_LABEL


def test_run_ingests_through_the_real_path(tmp_path: Path) -> None:
    result = memory_bench.run(60, tmp_path, checkpoints=(10, 40))
    assert result["chunks"] >= 40 and result["articles"] == 20
    assert set(result["rss_at_chunks_mb"]) == {"10", "40"}
    assert result["rss_peak_mb"] >= result["rss_start_mb"] > 0
    assert "stand-in" in result["label"]
