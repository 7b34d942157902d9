"""The runtimes that turn token ids into token states: PyTorch, or ONNX Runtime.

Everything after the token states (mean pooling, the sentence-transformers Dense layers,
normalising, late-chunked sentence vectors) is shared in ``retrieval/embed.py``, so a runtime is only
this one step, and both give the same vectors to about a millionth of a cosine.

Why ONNX Runtime is the default: on this project's 2-core CPUs a 10–20-token query took 179 ms
through PyTorch eager in fp32 (75 ms in bf16 where the CPU has it), and 74 ms through ONNX
Runtime in fp32, with cosine 1.000000 to PyTorch's vectors. PyTorch's time goes on per-op
dispatch and small-matrix kernels, not on the arithmetic (docs/BENCHMARKS.md, "Encoder
runtimes"). ONNX Runtime computes in fp32 on every machine, so an index no longer depends on
whether the CPU that built it had native bf16.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

Runtime = Literal["onnx", "torch"]


class TokenEncoder(Protocol):
    """Token ids and attention mask in (torch tensors), token states ``(batch, tokens, dim)`` out."""

    name: str

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any: ...


class TorchTokens:
    """The sentence-transformers Transformer module, in eager PyTorch."""

    def __init__(self, transformer: Any, dtype: str) -> None:
        self._transformer = transformer
        self.name = f"torch-{dtype}"

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any:
        import torch

        with torch.inference_mode():
            # in the model's own dtype: its pooling and Dense layers follow in that dtype
            return self._transformer({"input_ids": input_ids, "attention_mask": attention_mask})["token_embeddings"]


class OnnxTokens:
    """The transformer exported by ``onnx_export.export_onnx``, run by ONNX Runtime.

    On the CPU; on a GPU where the installed ONNX Runtime has CUDA (``onnxruntime-gpu``, e.g. on
    the nodes of a Ray cluster, ``ingest/on_ray.py``): the same graph in fp32, so the same signature.
    """

    name = "onnx-fp32"

    def __init__(self, model_path: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # as many threads as torch would use (OMP_NUM_THREADS): one knob for both runtimes
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        gpu = [p for p in ("CUDAExecutionProvider",) if p in ort.get_available_providers()]
        self._session = ort.InferenceSession(str(model_path), options, providers=[*gpu, "CPUExecutionProvider"])

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any:
        import torch

        feeds = {"input_ids": _numpy(input_ids), "attention_mask": _numpy(attention_mask)}
        states = self._session.run(["last_hidden_state"], feeds)[0]
        return torch.from_numpy(np.ascontiguousarray(states, dtype=np.float32))


def _numpy(tensor: Any) -> np.ndarray:
    array = tensor.numpy() if hasattr(tensor, "numpy") else np.asarray(tensor)
    return array.astype(np.int64, copy=False)


def read_export_info(folder: Path) -> dict[str, Any]:
    """The record ``export_onnx`` writes beside the graph; empty when there is none."""
    info = folder / "export.json"
    if not info.exists():
        return {}
    try:
        return dict(json.loads(info.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}
