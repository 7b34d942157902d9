"""``assistant ingest --reembed``: an index built by another runtime is refused, then re-embedded in place.

The old index is built by the PyTorch runtime, the process under test embeds with ONNX Runtime
(the default). Its answers must be refused with the fix named, and after the re-embed the index
must hold what a fresh ONNX ingest holds: the same chunk vectors, the same sentence vectors (to
one float16 step), the same answers. A re-embed killed mid-way must leave an index that every
reader refuses, and the next run must finish it from where it stopped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.ingest.reembed import DONE_KEY
from assistant.retrieval.embed import Embedder
from assistant.retrieval.store import REEMBEDDING, IndexMismatchError
from tests.conftest import CORPUS, REPO

QUESTION = "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?"

DRIVER = """
import sys
from pathlib import Path
from assistant import Assistant, Settings
from assistant.ingest.reembed import reembed_index
a = Assistant(Settings(data_dir=Path(sys.argv[1])))
print(reembed_index(a.settings, a.store, lambda: a.embedder, batch_chunks=int(sys.argv[2])).summary())
"""


@pytest.fixture(scope="module")
def torch_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default corpus as the PyTorch runtime indexes it; tests copy it."""
    data = tmp_path_factory.mktemp("torch") / "data"
    settings = Settings(data_dir=data, corpus_dir=CORPUS, embed_runtime="torch", embed_dtype="float32")
    assistant = Assistant(settings, embedder=Embedder.from_settings(settings))
    assistant.ingest()
    assistant.close()
    return data


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Assistant:
    assistant = Assistant(Settings(data_dir=tmp_path_factory.mktemp("onnx") / "data", corpus_dir=CORPUS),
                          embedder=embedder)
    assistant.ingest()
    return assistant


def _copy(torch_index: Path, tmp_path: Path, embedder: Embedder) -> Assistant:
    data = tmp_path / "data"
    shutil.copytree(torch_index, data)
    return Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)


def _vectors(assistant: Assistant) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    ids = sorted(assistant.store.chunk_ids())
    got = assistant.store.collection.get(ids=ids, include=["embeddings"])
    chunks = {i: np.asarray(v, np.float32) for i, v in zip(got["ids"], got["embeddings"], strict=True)}
    stored = assistant.store.get_chunks(ids)
    sentences = {i: np.stack([s.vector for s in stored[i].sentences]) for i in ids}
    return chunks, sentences


def _assert_same_index(a: Assistant, b: Assistant) -> None:
    chunks_a, sentences_a = _vectors(a)
    chunks_b, sentences_b = _vectors(b)
    assert chunks_a.keys() == chunks_b.keys()
    for cid, vec in chunks_a.items():
        assert float(vec @ chunks_b[cid]) > 1 - 1e-6, cid
        step = np.spacing(np.abs(sentences_b[cid]).astype(np.float16)).astype(np.float32)
        assert np.all(np.abs(sentences_a[cid] - sentences_b[cid]) <= step + 1e-7), cid


def test_an_index_of_another_runtime_is_refused_then_reembedded(torch_index: Path, tmp_path: Path,
                                                                embedder: Embedder, fresh: Assistant) -> None:
    assistant = _copy(torch_index, tmp_path, embedder)
    with pytest.raises(IndexMismatchError, match=r"torch-float32.*onnx-fp32.*assistant ingest --reembed"):
        assistant.ask(QUESTION)
    extra = tmp_path / "extra.txt"
    extra.write_text("Ein neuer Artikel über Wasserstoff.\n\nDer Hafen von Rostock baut ein Terminal für "
                     "Wasserstoff, das 2027 fertig sein soll.", encoding="utf-8")
    with pytest.raises(IndexMismatchError):  # nor may new vectors join the old ones
        assistant.ingest([extra])

    report = assistant.reembed()
    assert report.chunks == assistant.store.chunk_count() > 0
    assert report.previous is not None and report.previous.endswith("torch-float32")
    assert report.signature == embedder.signature and not report.resumed
    _assert_same_index(assistant, fresh)
    ours, theirs = assistant.ask(QUESTION), fresh.ask(QUESTION)
    assert not ours.abstained and "11.000" in ours.text
    assert (ours.text, [c.quote for c in ours.citations]) == (theirs.text, [c.quote for c in theirs.citations])
    assert assistant.reembed().chunks == 0  # nothing left to do
    assistant.close()


def test_a_killed_reembed_is_refused_until_the_next_run_finishes_it(torch_index: Path, tmp_path: Path,
                                                                    embedder: Embedder, fresh: Assistant) -> None:
    assistant = _copy(torch_index, tmp_path, embedder)
    total = assistant.store.chunk_count()
    assistant.close()
    env = {**os.environ, "ASSISTANT_TEST_KILL_AT": "reembed.embedded:2", "HF_HUB_OFFLINE": "1"}
    run = subprocess.run([sys.executable, "-c", DRIVER, str(tmp_path / "data"), "3"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == -9, run.stderr[-2000:]

    assistant = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS), embedder=embedder)
    stored = assistant.store.get_meta("embed_model")
    assert stored == REEMBEDDING + embedder.signature
    assert assistant.store.get_meta(DONE_KEY) == sorted(assistant.store.chunk_ids())[2]  # the first batch of 3
    with pytest.raises(IndexMismatchError, match="interrupted re-embed"):
        assistant.ask(QUESTION)

    report = assistant.reembed()
    assert report.resumed and report.chunks == total - 3
    assert assistant.store.get_meta("embed_model") == embedder.signature
    assert assistant.store.get_meta(DONE_KEY) is None
    _assert_same_index(assistant, fresh)
    assistant.close()

