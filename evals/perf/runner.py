"""``assistant bench``: every benchmark, each phase in its own process, summarised into flat keys.

Phases that fail are recorded under ``errors`` and their keys left ``None``; the
run never asserts a timing. ``--merge`` takes skipped phases from an earlier
result file, so one noisy phase can be re-run alone on a quiet machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evals.gnad import write_gnad_jsonl
from evals.perf.data import CORPUS
from evals.perf.worker import PREFIX

WORK = Path.home() / ".cache" / "assistant" / "bench" / "work"
PHASES = ("main", "reingest", "llamaindex", "local", "serve", "memory", "chroma", "lexical", "ray")
Log = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    quick: bool
    gnad_articles: int | None  # None: all 1,028
    subset_articles: int  # same articles for our ingest and the llama-index default
    profile_articles: int  # 0: no profiles
    questions: int
    extractive: int
    batch_sizes: tuple[int, ...]
    raw_sample: int
    local_questions: int  # 0: skip the LLM
    serve_questions: int
    memory_chunks: int
    memory_checkpoints: tuple[int, ...]
    chroma_vectors: int
    chroma_queries: int
    chroma_load_s: float  # loading budget per run; a partly loaded cache is resumed by the next run
    lexical_trials: int  # articles added and removed at each size of the BM25 index (10k, 100k chunks)
    ray_articles: int  # ingested in process and on a local Ray instance, for ray_ingest_vs_inprocess


# Sized to finish in under 30 minutes from a fresh clone on 2 cores; embedding all 1,028 articles is
# two thirds of it (the previous, larger plan took 26.7 min with a built Chroma cache: BENCHMARKS.md).
# The million-vector Chroma build needs ~40 min at the measured ~450 vectors/s, so each run loads for
# ``chroma_load_s`` and the cached server folder is resumed by the next run; the 10k-100k memory curve
# is its own run: ``assistant bench --skip main ... --memory-chunks 100000`` (see BENCHMARKS.md).
FULL = Plan(quick=False, gnad_articles=None, subset_articles=40, profile_articles=20, questions=200,
            extractive=100, batch_sizes=(8, 16, 32), raw_sample=32, local_questions=10, serve_questions=6,
            memory_chunks=20_000, memory_checkpoints=(2_000, 10_000, 20_000), chroma_vectors=1_000_000,
            chroma_queries=200, chroma_load_s=120, lexical_trials=20,
            ray_articles=40)
QUICK = Plan(quick=True, gnad_articles=20, subset_articles=4, profile_articles=0, questions=30, extractive=10,
             batch_sizes=(16,), raw_sample=16, local_questions=0, serve_questions=2, memory_chunks=600,
             memory_checkpoints=(100, 500), chroma_vectors=10_000, chroma_queries=50,
             chroma_load_s=300, lexical_trials=5,
             ray_articles=12)

# metric -> (direction, target); "min": at least, "max": at most
TARGETS: dict[str, tuple[str, float]] = {
    "ingest_vs_torch_raw": ("min", 1.5),
    "speedup_vs_llamaindex_default": ("min", 2.0),
    "reingest_unchanged_s": ("max", 3.0),
    "retrieval_p50_ms": ("max", 35.0),
    "query_embed_p50_ms": ("max", 20.0),
    "extractive_answer_p50_ms": ("max", 150.0),
    "local_ttft_p50_ms": ("max", 2500.0),
    "cold_start_s": ("max", 20.0),
    "chroma_server_1m_query_p50_ms": ("max", 25.0),
    "lexical_update_ratio_100k_vs_10k": ("max", 2.0),
    "ray_ingest_vs_inprocess": ("min", 0.85),
}


def run_phase(phase: str, args: dict[str, Any], log: Log, stderr_path: Path, timeout_s: float) -> dict[str, Any]:
    """One ``evals.perf.worker`` process; its progress lines are logged, its RESULT line returned."""
    started = time.perf_counter()
    with stderr_path.open("a") as err:
        proc = subprocess.Popen([sys.executable, "-m", "evals.perf.worker", phase, json.dumps(args)],
                                stdout=subprocess.PIPE, stderr=err, text=True)
        result: dict[str, Any] | None = None
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(PREFIX):
                result = json.loads(line[len(PREFIX):])
            elif line.strip():
                log(f"  {phase}: {line.rstrip()}")
            if time.perf_counter() - started > timeout_s:
                proc.kill()
                raise RuntimeError(f"{phase} took over {timeout_s:.0f} s")
        proc.wait()
    if result is None:
        raise RuntimeError(f"{phase} exited {proc.returncode} without a result (see {stderr_path})")
    result["wall_s"] = time.perf_counter() - started
    return result


def cli_reingest(data_dir: Path, paths: list[Path]) -> dict[str, Any]:
    """``assistant ingest`` on unchanged files, as a user runs it: the whole process, imports included."""
    exe = Path(sys.executable).parent / "assistant"
    started = time.perf_counter()
    done = subprocess.run([str(exe), "--data-dir", str(data_dir), "ingest", *map(str, paths)],
                          capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    imports = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); import assistant.api; "
                              "print(time.perf_counter() - t)"], capture_output=True, text=True, timeout=300)
    return {"process_s": seconds, "output": done.stdout.strip()[-200:], "returncode": done.returncode,
            "import_assistant_api_s": float(imports.stdout.strip() or "nan")}


def _phase_args(plan: Plan, work: Path, gnad: Path, subset: Path, profile: Path | None, ray_set: Path
                ) -> dict[str, dict[str, Any]]:
    index = str(work / "index")
    return {
        "main": {"work": str(work), "gnad": str(gnad), "subset": str(subset),
                 "profile": str(profile) if profile else None, "questions": plan.questions,
                 "extractive": plan.extractive, "batch_sizes": list(plan.batch_sizes), "raw_sample": plan.raw_sample},
        "reingest": {"data_dir": index, "paths": [str(CORPUS), str(gnad)]},
        "llamaindex": {"jsonl": str(subset), "limit": plan.subset_articles},
        "local": {"data_dir": index, "questions": plan.local_questions},
        "memory": {"chunks": plan.memory_chunks, "work": str(work), "checkpoints": list(plan.memory_checkpoints)},
        "chroma": {"vectors": plan.chroma_vectors, "queries": plan.chroma_queries, "max_load_s": plan.chroma_load_s},
        # synthetic stems straight into the index: 100k chunks cost seconds, so --quick measures both sizes too
        "lexical": {"work": str(work / "lexical"), "trials": plan.lexical_trials},
        "ray": {"work": str(work), "paths": [str(ray_set)]},
    }


def run(plan: Plan, work: Path = WORK, skip: tuple[str, ...] = (), merge: dict[str, Any] | None = None,
        log: Log = print) -> dict[str, Any]:
    """All phases of ``plan``; returns the result document (flat keys, phases, machine, errors)."""
    from evals.perf.summary import summarize

    if merge and merge.get("plan"):
        log("note: merged phases keep the plan (sizes) of the run they came from")

    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    gnad = write_gnad_jsonl(work / "10kgnad.jsonl", plan.gnad_articles)
    subset = write_gnad_jsonl(work / f"10kgnad-{plan.subset_articles}.jsonl", plan.subset_articles)
    profile = write_gnad_jsonl(work / f"10kgnad-{plan.profile_articles}.jsonl", plan.profile_articles) \
        if plan.profile_articles else None
    ray_set = write_gnad_jsonl(work / f"10kgnad-{plan.ray_articles}.jsonl", plan.ray_articles)
    args = _phase_args(plan, work, gnad, subset, profile, ray_set)
    stderr_path = work / "worker-stderr.log"
    stderr_path.write_text("")
    skipped = set(skip)
    if plan.quick:
        skipped.add("local")
    if not plan.local_questions:
        skipped.add("local")
    phases: dict[str, Any] = {}
    errors: dict[str, str] = {}
    timeouts = {"main": 3600, "memory": 5400, "chroma": 7200, "ray": 1800}
    for phase in PHASES:
        if phase in skipped:
            if merge and phase in merge.get("phases", {}):
                phases[phase] = {**merge["phases"][phase], "merged_from_earlier_run": True}
            continue
        if phase in ("reingest", "local", "serve") and "main" not in phases:
            errors[phase] = "needs the index built by the main phase"
            continue
        log(f"[{time.perf_counter() - started:6.0f} s] {phase} ...")
        try:
            if phase == "serve":
                from evals.perf import serve_bench
                from evals.perf.data import answerable_gold_questions

                phases[phase] = serve_bench.run(work / "index", answerable_gold_questions(plan.serve_questions))
            else:
                phases[phase] = run_phase(phase, args[phase], log, stderr_path, timeouts.get(phase, 1800))
                if phase == "reingest":
                    phases[phase]["cli"] = cli_reingest(work / "index", [CORPUS, gnad])
        except Exception as err:  # a failed phase is reported, the others still run
            errors[phase] = f"{type(err).__name__}: {err}"
            log(f"  {phase} failed: {errors[phase]}")
    doc = summarize(phases)
    doc.update(quick=plan.quick, plan=asdict(plan), phases=phases, errors=errors,
               skipped=sorted(skipped - set(phases)), merged=sorted(skipped & set(phases)),
               targets={k: list(v) for k, v in TARGETS.items()},
               machine=phases.get("main", {}).get("machine", {}),
               # a merged document keeps the earlier run's time, plus this one's
               total_s=time.perf_counter() - started + (merge or {}).get("total_s", 0.0),
               finished=time.strftime("%Y-%m-%d %H:%M:%S"))
    return doc
