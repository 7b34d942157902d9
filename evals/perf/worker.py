"""One benchmark phase in its own process: ``python -m evals.perf.worker PHASE ARGS_JSON``.

Separate processes keep each phase's memory its own (the llama-index baseline's
float32 model never inflates our RSS), make "a new process" mean one, and give the
re-ingest a cold start. The result is the last stdout line, prefixed ``RESULT``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PREFIX = "RESULT "


def main_phase(args: dict[str, Any]) -> dict[str, Any]:
    """Ingest (subset, profile, full), raw encode, retrieval and extractive answers, one model load."""
    import shutil

    from assistant.api import Assistant
    from evals.perf import ingest_bench, query_bench
    from evals.perf.data import CORPUS, questions

    work = Path(args["work"])
    full_paths = [CORPUS, Path(args["gnad"])]
    from evals.perf.machine import machine_info, rss_mb

    out: dict[str, Any] = {"machine": machine_info()}  # before the model loads: the load average is the machine's
    embedder, out["model_load_s"] = ingest_bench.load_embedder()
    for name in ("subset-index", "subset-late-index", "profile-index", "index"):
        shutil.rmtree(work / name, ignore_errors=True)
    out["late_chunking_active"] = ingest_bench.late_chunking_available(embedder)
    out["subset_ingest"] = ingest_bench.timed_ingest(work / "subset-index", [Path(args["subset"])], embedder)
    if not out["late_chunking_active"]:
        out["subset_ingest_late_whatif"] = ingest_bench.timed_ingest_late(work / "subset-late-index",
                                                                          [Path(args["subset"])], embedder)
    if args.get("profile"):
        out["ingest_profile"] = ingest_bench.profiled_ingest(work / "profile-index", [Path(args["profile"])],
                                                             embedder)
    out["ingest"] = ingest_bench.timed_ingest(work / "index", full_paths, embedder)
    texts = ingest_bench.chunk_texts(full_paths, ingest_bench.settings_for(work / "index"), embedder)
    out["raw_encode"] = ingest_bench.raw_encode(texts, args["batch_sizes"], args["raw_sample"])
    out["encoder_runtime"] = embedder.runtime
    assistant = Assistant(ingest_bench.settings_for(work / "index"), embedder=embedder)
    qs = questions(args["questions"])
    out["retrieval"] = query_bench.retrieval(assistant, qs)
    if args.get("profile"):
        out["retrieval_profile"] = query_bench.profiled_retrieval(assistant, qs[:50])
    out["extractive"] = query_bench.extractive_answers(assistant, qs[: args["extractive"]])
    out["rss_after_queries_mb"] = rss_mb()
    assistant.close()
    return out


def reingest_phase(args: dict[str, Any]) -> dict[str, Any]:
    from evals.perf.ingest_bench import reingest_in_process

    return reingest_in_process(Path(args["data_dir"]), [Path(p) for p in args["paths"]])


def llamaindex_phase(args: dict[str, Any]) -> dict[str, Any]:
    from evals.perf import llamaindex_bench

    return llamaindex_bench.run(Path(args["jsonl"]), args["limit"])


def local_phase(args: dict[str, Any]) -> dict[str, Any]:
    from assistant.api import Assistant
    from evals.perf import query_bench
    from evals.perf.data import answerable_gold_questions
    from evals.perf.ingest_bench import settings_for

    assistant = Assistant(settings_for(Path(args["data_dir"]), backend="local"))
    out = query_bench.local_llm(assistant, answerable_gold_questions(args["questions"]))
    assistant.close()
    return out


def memory_phase(args: dict[str, Any]) -> dict[str, Any]:
    from evals.perf import memory_bench

    checkpoints = tuple(args.get("checkpoints", (10_000, 100_000)))
    return memory_bench.run(args["chunks"], Path(args["work"]), checkpoints)


def chroma_phase(args: dict[str, Any]) -> dict[str, Any]:
    from evals.perf import chroma_scale

    return chroma_scale.run(args["vectors"], args["queries"], log=lambda line: print(line, flush=True),
                            max_load_s=args.get("max_load_s", float("inf")))


def lexical_phase(args: dict[str, Any]) -> dict[str, Any]:
    from evals.perf import lexical_bench

    return lexical_bench.run(Path(args["work"]), trials=args["trials"])


def ray_phase(args: dict[str, Any]) -> dict[str, Any]:
    from evals.perf import ray_bench

    return ray_bench.run(Path(args["work"]), [Path(p) for p in args["paths"]])


PHASES = {"main": main_phase, "reingest": reingest_phase, "llamaindex": llamaindex_phase, "local": local_phase,
          "memory": memory_phase, "chroma": chroma_phase, "lexical": lexical_phase,
          "ray": ray_phase}


def main() -> None:
    phase, args = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    started = time.perf_counter()
    result = PHASES[phase](args)
    result["phase_s"] = time.perf_counter() - started
    print(PREFIX + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
