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

Where the CPU has native bf16 (AVX512-BF16, AMX), PyTorch in bf16 is faster still: a query in
26 ms and 19 chunks/s on a 2-core Sapphire Rapids, against 54 ms and 6.5 chunks/s for ONNX
Runtime in fp32. ``auto`` chooses it there; it is not the default, because an index would then
depend on the machine that built it, and the evals' figures with it (docs/BENCHMARKS.md).
``onnx-int8`` runs an 8-bit copy of the graph through ``OnnxTokens`` (``retrieval/onnx_int8.py``),
opt-in for the same reason.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

Runtime = Literal["onnx", "onnx-int8", "torch", "auto"]

log = logging.getLogger(__name__)


def resolve_runtime(runtime: Runtime, dtype: str) -> Literal["onnx", "onnx-int8", "torch"]:
    """``auto``: PyTorch where it computes bf16 natively (and ``dtype`` allows it), else ONNX Runtime."""
    if runtime != "auto":
        return runtime
    from assistant.models import embed_dtype

    return "torch" if embed_dtype(dtype) == "bfloat16" else "onnx"


class TokenEncoder(Protocol):
    """Token ids and attention mask in (torch tensors), token states ``(batch, tokens, dim)`` out."""

    name: str

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any: ...


class TorchTokens:
    """The sentence-transformers Transformer module in PyTorch, traced and frozen where it can be.

    Eager PyTorch spends much of a short query on per-op dispatch: a frozen TorchScript trace of
    the same module gives the same token states bit for bit and takes a bf16 query from 33 to 26
    ms (docs/BENCHMARKS.md). A model the tracer cannot follow, or whose trace differs from eager
    on a probe, runs eagerly.
    """

    def __init__(self, transformer: Any, dtype: str) -> None:
        self._transformer = transformer
        self.name = f"torch-{dtype}"
        self._graph = _frozen(transformer)

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any:
        import torch

        with torch.inference_mode():
            # in the model's own dtype: its pooling and Dense layers follow in that dtype
            if self._graph is not None:
                return self._graph(input_ids, attention_mask)
            return self._transformer({"input_ids": input_ids, "attention_mask": attention_mask})["token_embeddings"]


def traceable(model: Any) -> Any:
    """A transformer whose attention masks are built from plain tensor ops, so tracers follow it.

    transformers 5 builds Gemma 3's bidirectional masks with ``torch.vmap``, which neither the
    ONNX exporter nor TorchScript can trace; this wrapper builds the same masks and hands them
    to the model ready-made.
    """
    import torch

    class Traceable(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model
            self.bidirectional = bool(getattr(model.config, "use_bidirectional_attention", False))
            self.window = getattr(model.config, "sliding_window", None)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            if not self.bidirectional:
                return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            n = input_ids.shape[1]
            keep = attention_mask.bool()[:, None, None, :].expand(-1, 1, n, -1)
            masks = {"full_attention": keep, "sliding_attention": keep}
            if self.window:
                pos = torch.arange(n)
                masks["sliding_attention"] = keep & ((pos[:, None] - pos[None, :]).abs() < self.window)
            return self.model(input_ids=input_ids, attention_mask=masks).last_hidden_state

    return Traceable().eval()


# one probe for the trace and two for its check: another length and a padded batch, so a trace
# that froze a shape or ignored the mask is caught
_PROBES = (["Wie viele Soldaten sind in Kursk?"],
           ["How many soldiers are in Kursk, according to the Pentagon spokeswoman?", "Kursk"])


def _frozen(transformer: Any) -> Any:
    """``transformer``'s frozen trace, or None when tracing fails or changes its states."""
    import torch

    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on Python branches: checked below
            example = transformer.tokenizer(_PROBES[0], return_tensors="pt")
            graph = torch.jit.freeze(torch.jit.trace(traceable(transformer.auto_model),
                                                     (example["input_ids"], example["attention_mask"]),
                                                     check_trace=False))
            for texts in _PROBES:
                probe = transformer.tokenizer(texts, return_tensors="pt", padding=True)
                eager = transformer(dict(probe))["token_embeddings"]
                traced = graph(probe["input_ids"], probe["attention_mask"])
                real = probe["attention_mask"].bool()
                if not torch.equal(eager[real], traced[real]):
                    log.info("the traced encoder differs from eager PyTorch; running eagerly")
                    return None
    except Exception as err:  # any model the tracer cannot follow runs eagerly
        log.info("the encoder cannot be traced (%s); running eagerly", err)
        return None
    return graph


class OnnxTokens:
    """The transformer exported by ``onnx_export.export_onnx``, run by ONNX Runtime.

    On the CPU; on a GPU where the installed ONNX Runtime has CUDA (``onnxruntime-gpu``, e.g. on
    the nodes of a Ray cluster, ``ingest/on_ray.py``): the same graph in fp32, so the same signature.
    """

    def __init__(self, model_path: Path, threads: int, name: str = "onnx-fp32") -> None:
        import onnxruntime as ort

        self.name = name  # the 8-bit copy (``onnx_int8.py``) runs here too, and an index must tell them apart

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
