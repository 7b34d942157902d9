"""An 8-bit copy of the exported graph (``ASSISTANT_EMBED_RUNTIME=onnx-int8``), built by ``assistant models fetch``.

Why this scheme and no other: ONNX Runtime's dynamic int8 quantises each activation tensor with one
scale, and Gemma's activations have outliers that one scale destroys (query vectors at cosine 0.93
to fp32: not the model any more). ``MatMulNBits`` keeps 8-bit weights in blocks of 128 and, at
``accuracy_level=4``, quantises the activations per block too, so an outlier costs only its own
block. The vectors stay at cosine ≥ 0.994 to fp32 (0.9995 on average) and GermanQuAD's test MRR@10
is fp32's to the third decimal (docs/BENCHMARKS.md), while a query takes about 0.6x and ingest
0.6x–0.95x of fp32's time, by CPU.

It is opt-in, not the default: an index records the runtime that built it, and int8 kernels differ
by CPU (VNNI or not) more than fp32's do, so the evals' figures would depend on the machine that
ran them. The graph is made from the verified fp32 export, checked against it on a probe,
checksummed and cached beside it; a killed build leaves nothing behind.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.models import FETCH_COMMAND, FetchResult, ModelMissingError, resolve_embedding
from assistant.retrieval.encoders import read_export_info
from assistant.retrieval.onnx_export import GRAPH, PROBE, WEIGHTS, digests, fetch_onnx, onnx_dir, staged

BITS = 8
BLOCK = 128
ACCURACY_LEVEL = 4  # int8 activations per block: what keeps Gemma's outliers (see the module docstring)
# the probe's token states must keep at least this cosine to the fp32 graph's, token by token
MIN_COSINE = 0.98


def int8_dir(models_dir: Path, model_name: str) -> Path:
    fp32 = onnx_dir(models_dir, model_name)
    return fp32.with_name(f"{fp32.name}-int8")


def _source_digest(fp32: Path) -> str:
    """The fp32 export this copy is made from, by the checksum its own record holds."""
    return str(read_export_info(fp32).get("sha256", {}).get(WEIGHTS, ""))


def is_current(folder: Path, fp32: Path) -> bool:
    info = read_export_info(folder)
    if not info or not _source_digest(fp32) or info.get("source_sha256") != _source_digest(fp32):
        return False
    return digests(folder) == info.get("sha256")


def resolve_int8(models_dir: Path, model_name: str) -> Path:
    """The 8-bit graph to load, or ``ModelMissingError`` naming the command that builds it."""
    folder = int8_dir(models_dir, model_name)
    if not ((folder / GRAPH).exists() and read_export_info(folder)):
        raise ModelMissingError(
            f"The 8-bit ONNX graph of {model_name} is not in {folder}. Build it with: "
            f"ASSISTANT_EMBED_RUNTIME=onnx-int8 {FETCH_COMMAND}  (or set ASSISTANT_EMBED_RUNTIME=onnx)")
    return folder / GRAPH


def fetch_int8(models_dir: Path, model_name: str, max_seq_length: int, force: bool = False) -> FetchResult:
    """The 8-bit copy of the fp32 export unless a verified one of it is there (``force``: rebuilt
    anyway); the fp32 export is made first where it is missing or stale, never forced from here."""
    fetch_onnx(models_dir, model_name, max_seq_length)
    fp32 = onnx_dir(models_dir, model_name)
    target = int8_dir(models_dir, model_name)
    if not force and is_current(target, fp32):
        return FetchResult(target.name, target, fetched=False)
    quantise(fp32, target, models_dir, model_name)
    return FetchResult(target.name, target, fetched=True)


def quantise(fp32: Path, target: Path, models_dir: Path, model_name: str) -> dict[str, Any]:
    """Write the 8-bit copy of the graph in ``fp32`` to ``target``; returns what its export.json records."""
    try:
        import onnx
        import onnxruntime as ort
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    except ImportError as err:
        raise ModelMissingError(f"Building the 8-bit graph needs {err.name}: pip install -e . "
                                "(or set ASSISTANT_EMBED_RUNTIME=onnx)") from err
    started = time.time()
    with staged(target) as folder:
        quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32 / GRAPH)), bits=BITS, block_size=BLOCK,
                                         is_symmetric=True, accuracy_level=ACCURACY_LEVEL)
        quantizer.process()
        quantizer.model.save_model_to_file(str(folder / GRAPH), use_external_data_format=True)
        cosine = _probe_cosine(ort, fp32 / GRAPH, folder / GRAPH, models_dir, model_name)
        if cosine < MIN_COSINE:
            raise RuntimeError(f"the 8-bit graph drifts from fp32 (token cosine {cosine:.4f} < {MIN_COSINE}); "
                               "use ASSISTANT_EMBED_RUNTIME=onnx")
        info = {"source": str(fp32), "source_sha256": _source_digest(fp32), "sha256": digests(folder),
                "bits": BITS, "block_size": BLOCK, "accuracy_level": ACCURACY_LEVEL, "onnxruntime": ort.__version__,
                "min_token_cosine": cosine, "seconds": round(time.time() - started, 1)}
        (folder / "export.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def _probe_cosine(ort: Any, reference: Path, graph: Path, models_dir: Path, model_name: str) -> float:
    """The smallest cosine between the two graphs' states of the probe's real tokens."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_embedding(model_name, models_dir))
    probe = tokenizer([PROBE, PROBE[:30]], padding=True, return_tensors="np")
    feeds = {name: probe[name].astype(np.int64) for name in ("input_ids", "attention_mask")}
    states = [ort.InferenceSession(str(g), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
              for g in (reference, graph)]
    real = feeds["attention_mask"].astype(bool)
    a, b = states[0][real], states[1][real]
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return float(cos.min())
