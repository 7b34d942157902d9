"""``assistant ingest --ray``: the same index as the in-process path, and the same crash safety.

Real Ray (a local instance started by the ingest itself), the real model in a Ray Data actor,
real Chroma. Skipped, saying so, when the optional extra is not installed (``make test`` installs it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.retrieval.embed import Embedder
from tests.conftest import CORPUS
from tests.ingest.test_ingest_crash import DRIVER, GOLD, Kill, crash_and_recover, gnad_jsonl

pytest.importorskip("ray.data", reason="the Ray extra is not installed: pip install -e '.[ray]'")

ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}
RAY_ARTICLES = 40

# every point the writer passes, with Ray embedding; the n-th arrival comes early in write batches of 4.
# No timer kill: rows stream back from the actor faster than a random delay can aim at the writing.
RAY_PLAN = [
    Kill("ingest.embedded", 3),  # rows arriving from Ray, nothing of them written
    Kill("store.chroma_added", 2),  # vectors in Chroma, no docstore rows
    Kill("store.sqlite_commit", 2),  # chunk rows inserted, not committed
    Kill("ingest.begin_document", 8),  # documents recorded pending, not written
    Kill("store.finish_document", 2),  # the 'ok' update not committed
    Kill("lexical.committed", 2),  # BM25 committed, its outbox not cleared
]


def ray_ingest(data: Path, paths: list[Path]) -> dict:
    """One ``Assistant.ingest(..., ray_address="")`` in a fresh process (the crash tests' driver); its report."""
    out = subprocess.run([sys.executable, "-c", DRIVER, str(data), "64", *map(str, paths)], capture_output=True,
                         text=True, timeout=1800, env={**ENV, "CRASH_TEST_RAY": "1"})
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_ray_ingest_builds_the_same_index_as_the_in_process_path(tmp_path: Path, embedder: Embedder) -> None:
    articles = gnad_jsonl(tmp_path / "gnad.jsonl", limit=24, shortest=True)
    here, there = tmp_path / "here", tmp_path / "ray"
    local = Assistant(Settings(data_dir=here), embedder=embedder)
    local_report = local.ingest([CORPUS, articles])
    on_ray = ray_ingest(there, [CORPUS, articles])
    # the same report
    assert (on_ray["added"], on_ray["unchanged"], on_ray["chunks"], on_ray["problems"]) == (
        local_report.added, local_report.unchanged, local_report.chunks, len(local_report.problems)), on_ray

    remote = Assistant(Settings(data_dir=there), embedder=embedder)
    try:
        a, b = local.store, remote.store
        assert a.sources() == b.sources() and a.chunk_ids() == b.chunk_ids()
        assert a.get_meta("embed_model") == b.get_meta("embed_model")
        ids = sorted(a.chunk_ids())
        va = dict(zip(*_vectors(a, ids), strict=True))
        vb = dict(zip(*_vectors(b, ids), strict=True))
        cosines = [float(np.dot(va[c], vb[c]) / np.linalg.norm(va[c]) / np.linalg.norm(vb[c])) for c in ids]
        print(f"\n{len(ids)} chunks, cosine min {min(cosines):.7f}")
        assert min(cosines) >= 0.9999
        sa, sb = a.get_chunks(ids), b.get_chunks(ids)
        for cid in ids:  # sentence vectors too (stored as float16)
            for x, y in zip(sa[cid].sentences, sb[cid].sentences, strict=True):
                assert (x.start, x.end) == (y.start, y.end) and float(np.dot(x.vector, y.vector)) > 0.999
        assert sorted(remote.store.ensure_lexical().ids()) == ids
        for question, fact in GOLD:
            x, y = local.ask(question), remote.ask(question)
            assert fact in y.text and [c.quote for c in x.citations] == [c.quote for c in y.citations], question
    finally:
        local.close()
        remote.close()
    # incremental, through the CLI: nothing new, so nothing is embedded
    again = subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(there), "ingest", "--ray", "--",
                            str(CORPUS), str(articles)], capture_output=True, text=True, timeout=600, env=ENV)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"unchanged {local_report.added}," in again.stdout and "chunks written 0 " in again.stdout, again.stdout


def _vectors(store, ids: list[str]) -> tuple[list[str], np.ndarray]:  # type: ignore[no-untyped-def]
    got = store.collection.get(ids=ids, include=["embeddings"])
    return got["ids"], np.asarray(got["embeddings"])


def test_killed_ray_ingests_recover_to_a_clean_index(tmp_path: Path, embedder: Embedder) -> None:
    articles = gnad_jsonl(tmp_path / "gnad.jsonl", limit=RAY_ARTICLES, shortest=True)
    crash_and_recover(tmp_path, embedder, articles, RAY_PLAN, batch=4, ray=True)


def test_ray_without_paths_and_with_reembed_is_refused(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(tmp_path), "ingest", "--reembed",
                          "--ray"], capture_output=True, text=True, timeout=300, env=ENV)
    assert out.returncode == 2 and "without --ray" in out.stderr
