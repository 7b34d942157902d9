"""Building the ONNX graph of an embedding model from its packaged weights (``assistant models fetch``).

No hub holds an ONNX export we could download, and the graph is 1.2 GB, so it is never
committed: it is exported here, once, from the verified safetensors, checked against PyTorch
on a probe text, checksummed and cached beside the model (``<models_dir>/<name>-onnx/``).
A killed export leaves nothing behind: it is written to a temporary folder and renamed.

Why our own wrapper (``encoders.traceable``) instead of ``optimum``'s exporter: transformers 5
builds Gemma 3's bidirectional attention masks with ``torch.vmap``, which the ONNX tracer cannot
follow ("unordered_map::at"). The wrapper builds the same masks with plain tensor ops and hands
them to the model ready-made, so the graph needs no optimum and no onnxscript, only ``onnx``.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.models import (
    FETCH_COMMAND,
    FetchResult,
    ModelMissingError,
    load_sentence_transformer,
    resolve_embedding,
    sha256_file,
)
from assistant.retrieval.encoders import read_export_info, traceable

OPSET = 17
GRAPH = "model.onnx"
# the weights beside the graph, not inside it: ONNX Runtime then maps them from disk instead of
# copying them, and the 805 MB token-embedding table is read only where a token is looked up
# (serving RSS 1,473 -> 594 MB, session load 6.4 -> 1.0 s, no slower)
WEIGHTS = "model.onnx.data"
PROBE = "Wie viele Soldaten sind laut Pentagon in die Region Kursk gelangt? How many soldiers?"
# largest token-state difference allowed between the graph and PyTorch, relative to the largest state
MAX_RELATIVE_ERROR = 1e-4


def onnx_graph(folder: Path) -> Path:
    return folder / GRAPH


def _source_digest(source: Path) -> str:
    weights = source / "model.safetensors"
    return sha256_file(weights) if weights.exists() else ""


def digests(folder: Path) -> dict[str, str]:
    return {name: sha256_file(folder / name) for name in (GRAPH, WEIGHTS) if (folder / name).exists()}


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """An empty folder to build ``target`` in, which replaces it when the block ends without error.

    The rename is atomic on one filesystem, so a killed build never leaves half a graph; the
    folder's ``export.json`` is written last, and a folder without one is never loaded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        folder = Path(tmp) / target.name
        folder.mkdir()
        yield folder
        if target.exists():
            shutil.rmtree(target)
        folder.rename(target)


def is_current(folder: Path, source: Path) -> bool:
    """The export in ``folder`` is whole, unchanged, and was made from these weights."""
    info = read_export_info(folder)
    if not info or info.get("source_sha256") != _source_digest(source):
        return False
    return digests(folder) == info.get("sha256")


def onnx_dir(models_dir: Path, model_name: str) -> Path:
    """Where the graph of ``model_name`` (the packaged name, or a folder or hub name) is cached."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_name.strip("/\\"))[-80:]
    return models_dir / f"{slug}-onnx"


def resolve_onnx(models_dir: Path, model_name: str) -> Path:
    """The graph to load, or ``ModelMissingError`` naming the command that builds it."""
    folder = onnx_dir(models_dir, model_name)
    if not (onnx_graph(folder).exists() and read_export_info(folder)):
        raise ModelMissingError(
            f"The ONNX graph of {model_name} is not in {folder}. Build it with: {FETCH_COMMAND}  "
            "(or set ASSISTANT_EMBED_RUNTIME=torch)")
    return onnx_graph(folder)


def fetch_onnx(models_dir: Path, model_name: str, max_seq_length: int, force: bool = False) -> FetchResult:
    """Export the graph unless a verified one made from the same weights is there."""
    source = Path(resolve_embedding(model_name, models_dir))
    target = onnx_dir(models_dir, model_name)
    if not force and is_current(target, source):
        return FetchResult(target.name, target, fetched=False)
    export_onnx(source, target, max_seq_length, models_dir)
    return FetchResult(target.name, target, fetched=True)


def export_onnx(source: Path, target: Path, max_seq_length: int, models_dir: Path) -> dict[str, Any]:
    """Export ``source`` (a sentence-transformers folder) to ``target``; returns what export.json records."""
    try:
        import onnx
        import onnxruntime as ort
        import torch
    except ImportError as err:
        raise ModelMissingError(f"Exporting the ONNX graph needs {err.name}: pip install -e . "
                                "(or set ASSISTANT_EMBED_RUNTIME=torch)") from err
    started = time.time()
    model = load_sentence_transformer(str(source), models_dir, max_seq_length, "float32")
    wrapped = traceable(model[0].auto_model)
    probe = model.tokenizer([PROBE, PROBE[:30]], padding=True, return_tensors="pt")
    with staged(target) as folder:
        inline = folder / "inline.onnx"
        graph = onnx_graph(folder)
        dynamic = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                   "last_hidden_state": {0: "batch", 1: "tokens"}}
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shape-dependent Python branches, checked below
            torch.onnx.export(wrapped, (probe["input_ids"], probe["attention_mask"]), str(inline),
                              input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                              dynamic_axes=dynamic, opset_version=OPSET, dynamo=False)
            expected = wrapped(probe["input_ids"], probe["attention_mask"]).numpy()
        onnx.save_model(onnx.load(str(inline)), str(graph), save_as_external_data=True,
                        all_tensors_to_one_file=True, location=WEIGHTS, size_threshold=1024)
        inline.unlink()
        session = ort.InferenceSession(str(graph), providers=["CPUExecutionProvider"])
        got = session.run(None, {"input_ids": probe["input_ids"].numpy(),
                                 "attention_mask": probe["attention_mask"].numpy()})[0]
        real = probe["attention_mask"].numpy().astype(bool)
        error = float(np.abs(got - expected)[real].max() / np.abs(expected[real]).max())
        if error > MAX_RELATIVE_ERROR:
            raise RuntimeError(f"the ONNX graph of {source} differs from PyTorch by {error:.2e} (relative); "
                               "use ASSISTANT_EMBED_RUNTIME=torch")
        info = {"source": str(source), "source_sha256": _source_digest(source), "sha256": digests(folder),
                "opset": OPSET, "torch": torch.__version__, "onnxruntime": ort.__version__,
                "relative_error": error, "seconds": round(time.time() - started, 1)}
        (folder / "export.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info
