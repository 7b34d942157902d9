"""The opt-in 8-bit graph: built from the fp32 export, still the model, told apart in an index, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.ingest.chunking import chunk_article
from assistant.ingest.corpus import iter_articles
from assistant.models import ModelMissingError, sha256_file
from assistant.retrieval.embed import Embedder
from assistant.retrieval.onnx_export import GRAPH, WEIGHTS, onnx_dir
from assistant.retrieval.onnx_int8 import MIN_COSINE, fetch_int8, int8_dir, is_current
from assistant.settings import Settings
from tests.conftest import CORPUS

QUERIES = ["Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?",
           "What is the population of Pyongyang?", "Kursk", "Wer gewann die Deutschland-Rallye 2015?"]


@pytest.fixture(scope="module")
def int8_embedder() -> Embedder:
    s = Settings(embed_runtime="onnx-int8")
    fetch_int8(s.models_dir, s.embed_model, s.max_seq_length)  # built once per models folder, ~15 s
    return Embedder.from_settings(s)


def test_the_8bit_graph_is_checksummed_and_tied_to_the_fp32_export() -> None:
    s = Settings()
    folder = int8_dir(s.models_dir, s.embed_model)
    fetch_int8(s.models_dir, s.embed_model, s.max_seq_length)
    assert folder.name == "embeddinggemma-300m-onnx-int8"
    assert is_current(folder, onnx_dir(s.models_dir, s.embed_model))
    info = json.loads((folder / "export.json").read_text())
    assert set(info["sha256"]) == {GRAPH, WEIGHTS} and info["min_token_cosine"] >= MIN_COSINE
    assert (folder / WEIGHTS).stat().st_size < (onnx_dir(s.models_dir, s.embed_model) / WEIGHTS).stat().st_size


def test_its_vectors_are_the_models_and_its_index_is_its_own(int8_embedder: Embedder, embedder: Embedder) -> None:
    assert int8_embedder.runtime == "onnx-int8" and embedder.runtime == "onnx-fp32"
    assert int8_embedder.signature != embedder.signature  # an fp32 index is refused, with the fix
    cos = np.sum(int8_embedder.embed_queries(QUERIES) * embedder.embed_queries(QUERIES), axis=1)
    assert cos.min() > 0.99, cos
    articles = list(iter_articles([CORPUS], []))
    chunks = [c for a in articles for c in chunk_article(a)]
    titles = [a.title for a in articles for _ in chunk_article(a)]
    ours, our_sentences = int8_embedder.embed_chunks(chunks, titles)
    theirs, their_sentences = embedder.embed_chunks(chunks, titles)
    assert np.sum(ours * theirs, axis=1).min() > 0.99
    assert np.sum(np.concatenate(our_sentences) * np.concatenate(their_sentences), axis=1).min() > 0.98
    # a query still finds its own chunk first, as with fp32
    question = int8_embedder.embed_queries(QUERIES[:1])[0]
    assert int(np.argmax(ours @ question)) == int(np.argmax(theirs @ embedder.embed_queries(QUERIES[:1])[0]))


def test_a_stale_8bit_graph_is_rebuilt(tmp_path: Path) -> None:
    fp32, folder = tmp_path / "m-onnx", tmp_path / "m-onnx-int8"
    for f, content in ((fp32, b"fp32"), (folder, b"int8")):
        f.mkdir()
        (f / GRAPH).write_bytes(b"graph")
        (f / WEIGHTS).write_bytes(content)
    (fp32 / "export.json").write_text(json.dumps({"sha256": {WEIGHTS: sha256_file(fp32 / WEIGHTS)}}))
    record = {"source_sha256": sha256_file(fp32 / WEIGHTS),
              "sha256": {GRAPH: sha256_file(folder / GRAPH), WEIGHTS: sha256_file(folder / WEIGHTS)}}
    (folder / "export.json").write_text(json.dumps(record))
    assert is_current(folder, fp32)
    (fp32 / "export.json").write_text(json.dumps({"sha256": {WEIGHTS: "another export"}}))
    assert not is_current(folder, fp32)  # the fp32 graph it came from was rebuilt


def test_a_missing_8bit_graph_names_the_command_that_builds_it(tmp_path: Path) -> None:
    models = Settings().models_dir
    empty = tmp_path / "models"
    empty.mkdir()
    for name in ("embeddinggemma-300m", "embeddinggemma-300m-onnx"):  # the model and its fp32 graph, not the copy
        (empty / name).symlink_to(models / name)
    with pytest.raises(ModelMissingError, match=r"ASSISTANT_EMBED_RUNTIME=onnx-int8 assistant models fetch"):
        Embedder.from_settings(Settings(models_dir=empty, embed_runtime="onnx-int8"))
