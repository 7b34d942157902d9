"""The encoder runtimes: ONNX Runtime (default) gives PyTorch's fp32 vectors and says so in its signature; PyTorch runs
a frozen trace; ``auto`` takes PyTorch only where the CPU computes bf16."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.ingest.chunking import chunk_article
from assistant.ingest.corpus import iter_articles
from assistant.models import ModelMissingError
from assistant.retrieval.embed import Embedder
from assistant.settings import Settings
from tests.conftest import CORPUS

QUERIES = ["Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?",
           "What is the population of Pyongyang?", "Kursk"]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder.from_settings(Settings(embed_runtime="torch", embed_dtype="float32"))


def test_the_onnx_graph_gives_the_vectors_of_pytorch(embedder: Embedder, torch_embedder: Embedder) -> None:
    assert embedder.runtime == "onnx-fp32" and torch_embedder.runtime == "torch-float32"
    assert embedder.signature != torch_embedder.signature  # an index never mixes the two
    cos = np.sum(embedder.embed_queries(QUERIES) * torch_embedder.embed_queries(QUERIES), axis=1)
    assert cos.min() > 1 - 1e-5, cos
    articles = list(iter_articles([CORPUS], []))
    chunks = [c for a in articles for c in chunk_article(a)]
    titles = [a.title for a in articles for _ in chunk_article(a)]
    ours, our_sentences = embedder.embed_chunks(chunks, titles)
    theirs, their_sentences = torch_embedder.embed_chunks(chunks, titles)
    assert np.sum(ours * theirs, axis=1).min() > 1 - 1e-5
    # the late-chunked sentence vectors come from the graph's token states just the same
    assert np.sum(np.concatenate(our_sentences) * np.concatenate(their_sentences), axis=1).min() > 1 - 1e-5


def test_a_row_does_not_depend_on_its_batch(embedder: Embedder) -> None:
    texts = ["Seoul ist alarmiert.", "Pjöngjang schickt Soldaten.", "Kiew bittet um Waffen."]
    together = embedder.embed_texts(texts)
    alone = np.stack([embedder.embed_texts([t])[0] for t in texts])
    assert np.array_equal(together, alone)


def test_a_missing_graph_names_the_command_that_builds_it(tmp_path: Path) -> None:
    models = Settings().models_dir
    empty = tmp_path / "models"
    empty.mkdir()
    # the model itself is there (linked), its graph is not
    (empty / "embeddinggemma-300m").symlink_to(models / "embeddinggemma-300m")
    with pytest.raises(ModelMissingError, match=r"assistant models fetch.*ASSISTANT_EMBED_RUNTIME=torch"):
        Embedder.from_settings(Settings(models_dir=empty))


def test_the_torch_runtime_runs_a_frozen_trace_that_gives_eager_states(torch_embedder: Embedder) -> None:
    import torch

    tokens = torch_embedder._tokens
    assert getattr(tokens, "_graph", None) is not None  # EmbeddingGemma is traceable
    batch = torch_embedder._tokenize(["Kursk", "Wie viele Soldaten sind laut Pentagon in Kursk angekommen?"])
    traced = tokens(batch["input_ids"], batch["attention_mask"])
    with torch.inference_mode():
        eager = tokens._transformer(dict(batch))["token_embeddings"]
    real = batch["attention_mask"].bool()
    assert torch.equal(traced[real], eager[real])


@pytest.mark.parametrize(("runtime", "dtype", "native_bf16", "expected"), [
    ("onnx", "auto", True, "onnx"), ("torch", "auto", False, "torch"),
    ("auto", "auto", True, "torch"), ("auto", "auto", False, "onnx"), ("auto", "float32", True, "onnx")])
def test_auto_takes_torch_only_where_the_cpu_computes_bf16(monkeypatch: pytest.MonkeyPatch, runtime: str,
                                                           dtype: str, native_bf16: bool, expected: str) -> None:
    import torch

    from assistant.retrieval.encoders import resolve_runtime

    # the CPU's answer is the one input a test machine cannot choose
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: native_bf16)
    assert resolve_runtime(runtime, dtype) == expected  # type: ignore[arg-type]
