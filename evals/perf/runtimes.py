"""Encoder runtimes side by side, same inputs, same machine, one run (issue 13).

``python -m evals.perf.runtimes [--json OUT] [--chunks N] [--questions N]``

Each runtime runs in its own process, so its RSS is its own:

- ``torch-float32``: PyTorch (a frozen trace, ``retrieval/encoders.TorchTokens``), what the CPU runs
  without native bf16;
- ``torch-bfloat16``: only where the CPU has native bf16 (emulated, it is ~5x slower than fp32);
  what ``ASSISTANT_EMBED_RUNTIME=auto`` runs there;
- ``onnx-fp32``: ONNX Runtime on the graph ``assistant models fetch`` exports (the default);
- ``openvino-fp32``: OpenVINO on the same graph, when ``openvino`` is installed (``pip install openvino``);
- ``openvino-bf16``: the same in bf16, only where the CPU has native bf16;
- ``onnx-int8-dynamic``: ONNX Runtime on a dynamically int8-quantised copy of the graph (per-channel
  MatMul weights, one activation scale per tensor); the tables before 2026-12-07 call it ``onnx-int8``;
- ``onnx-int8``: what ``ASSISTANT_EMBED_RUNTIME=onnx-int8`` runs (``retrieval/onnx_int8.py``): ONNX
  Runtime's ``MatMulNBits``, 8-bit weights in blocks of 128, activations quantised per block at run
  time (``accuracy_level=4``): per-block scales keep Gemma's activation outliers that per-tensor ones
  lose. The tables before 2026-12-07 call it ``onnx-int8-block``.

For each: model load, query embedding p50 over real questions (one at a time, as a user asks),
ingest-style embedding of 10kGNAD chunks (headline prompt, late-chunked sentence vectors), RSS,
and the cosine of every query vector to ``torch-float32``'s: a runtime whose vectors drift from
the model's is not the model any more, whatever its speed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

RUNTIMES = ("torch-float32", "torch-bfloat16", "onnx-fp32", "openvino-fp32", "openvino-bf16", "onnx-int8-dynamic",
            "onnx-int8")


class OpenVinoTokens:
    """The exported graph compiled by OpenVINO for the CPU (measured here, not shipped: no faster)."""

    def __init__(self, graph: Path, threads: int, precision: str = "f32") -> None:
        import openvino as ov

        self.name = f"openvino-{precision.replace('f32', 'fp32')}"
        compiled = ov.Core().compile_model(str(graph), "CPU", {"INFERENCE_PRECISION_HINT": precision,
                                                               "INFERENCE_NUM_THREADS": threads,
                                                               "PERFORMANCE_HINT": "LATENCY"})
        self._request = compiled.create_infer_request()
        self._output = compiled.output(0)

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any:
        import torch

        result = self._request.infer({"input_ids": input_ids.numpy(), "attention_mask": attention_mask.numpy()})
        return torch.from_numpy(np.array(result[self._output], dtype=np.float32))


def _int8_graph(graph: Path, work: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = work / "int8" / "model.onnx"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        quantize_dynamic(str(graph), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], use_external_data_format=True)
    return target


def _embedder(runtime: str, work: Path) -> Any:
    import torch

    from assistant.models import embed_dtype
    from assistant.retrieval.embed import Embedder
    from assistant.retrieval.encoders import OnnxTokens
    from assistant.retrieval.onnx_export import resolve_onnx
    from assistant.settings import Settings

    s = Settings()
    if runtime.startswith("torch"):
        dtype = runtime.removeprefix("torch-")
        if dtype == "bfloat16" and embed_dtype("auto") != "bfloat16":
            return None  # emulated bf16: ~5x slower than fp32 on this CPU (models.embed_dtype)
        return Embedder(s.embed_model, s.models_dir, s.max_seq_length, s.embed_batch_size,
                        pad_multiple=s.embed_pad_multiple, dtype=dtype, runtime="torch")
    if runtime == "onnx-int8":  # the shipped opt-in runtime, built as `assistant models fetch` builds it
        from assistant.retrieval.onnx_int8 import fetch_int8

        fetch_int8(s.models_dir, s.embed_model, s.max_seq_length)
        return Embedder.from_settings(s.model_copy(update={"embed_runtime": "onnx-int8"}))
    embedder = Embedder.from_settings(s.model_copy(update={"embed_runtime": "onnx"}))
    graph = resolve_onnx(s.models_dir, s.embed_model)
    if runtime.startswith("openvino"):
        if runtime == "openvino-bf16" and embed_dtype("auto") != "bfloat16":
            return None  # OpenVINO would compute it in fp32 on a CPU without native bf16
        try:
            embedder._tokens = OpenVinoTokens(graph, torch.get_num_threads(), runtime.removeprefix("openvino-")
                                              .replace("fp32", "f32"))
        except ImportError:
            return None
    elif runtime == "onnx-int8-dynamic":
        embedder._tokens = OnnxTokens(_int8_graph(graph, work), torch.get_num_threads(), runtime)
    return embedder


def measure(runtime: str, work: Path, n_questions: int, n_chunks: int) -> dict[str, Any]:
    """One runtime, in this process."""
    from assistant.ingest.chunking import chunk_article
    from assistant.ingest.corpus import iter_articles
    from evals.perf.data import questions
    from evals.perf.machine import rss_mb

    started = time.perf_counter()
    embedder = _embedder(runtime, work)
    if embedder is None:
        return {"runtime": runtime, "skipped": "not available on this machine"}
    load_s = time.perf_counter() - started
    qs = questions(n_questions)
    for q in qs[:5]:  # first-call allocations out of the timing
        embedder.embed_queries([q])
    times = []
    for q in qs:
        t0 = time.perf_counter()
        embedder.embed_queries([q])
        times.append((time.perf_counter() - t0) * 1000)
    vectors = embedder.embed_queries(qs)
    articles = list(iter_articles([work / "gnad.jsonl"], []))
    chunks = [(c, a.title) for a in articles for c in chunk_article(a)][:n_chunks]
    t0 = time.perf_counter()
    embedder.embed_chunks([c for c, _ in chunks], [t for _, t in chunks])
    chunk_s = time.perf_counter() - t0
    reference = work / "torch-float32.npy"
    if runtime == "torch-float32":
        np.save(reference, vectors)
    cos = np.sum(vectors * np.load(reference), axis=1) if reference.exists() else np.array([np.nan])
    return {"runtime": runtime, "load_s": round(load_s, 1), "query_p50_ms": round(statistics.median(times), 1),
            "query_p90_ms": round(float(np.percentile(times, 90)), 1), "chunks": len(chunks),
            "chunks_per_s": round(len(chunks) / chunk_s, 2), "rss_mb": round(rss_mb()),
            "query_cos_min": float(cos.min()), "query_cos_mean": float(cos.mean())}


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| runtime | load s | query p50 ms | query p90 ms | ingest chunks/s | RSS MB | cos to fp32 (min) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['runtime']} | — | — | — | — | — | {r['skipped']} |")
            continue
        lines.append(f"| {r['runtime']} | {r['load_s']} | {r['query_p50_ms']} | {r['query_p90_ms']} | "
                     f"{r['chunks_per_s']} | {r['rss_mb']} | {r['query_cos_min']:.6f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache" / "assistant" / "bench" / "runtimes")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--chunks", type=int, default=96)
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one runtime, in this process (the child's call)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.only:
        print(json.dumps(measure(args.only, args.work, args.questions, args.chunks)))
        return
    from evals.gnad import write_gnad_jsonl

    write_gnad_jsonl(args.work / "gnad.jsonl", limit=60)
    rows = []
    for runtime in RUNTIMES:  # torch-float32 first: the others are compared with its vectors
        done = subprocess.run([sys.executable, "-m", "evals.perf.runtimes", "--only", runtime, "--work", str(args.work),
                               "--questions", str(args.questions), "--chunks", str(args.chunks)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            rows.append({"runtime": runtime, "skipped": f"failed: {done.stderr.strip().splitlines()[-1:]}"})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
