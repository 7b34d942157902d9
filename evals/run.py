"""Running the real ``Assistant`` over a gold set, on the default corpus or with distractors.

Each setting has its own index folder under the eval data dir (``default/``, ``distractors/``),
so a run with distractors never leaks them into a default run. Ingest is incremental: a
second run on the same folder re-reads the files and embeds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.grounding.verify import SupportJudge
from assistant.ingest.ingestor import IngestReport
from assistant.retrieval.embed import CachedEmbed, Embedder
from assistant.settings import Settings
from evals.cache import ingest_cached
from evals.gnad import GNAD_CSV, SOURCE, write_gnad_jsonl
from evals.gold import GoldQuestion
from evals.metrics import CitationGrader, QuestionResult, grade

EVALS_DIR = Path(__file__).resolve().parent
REPO_CORPUS = EVALS_DIR.parent / "corpus"
DISTRACTORS_CSV = GNAD_CSV
DISTRACTOR_SOURCE = SOURCE
DEFAULT_DATA_DIR = Path.home() / ".cache" / "assistant" / "evals"

Progress = Callable[[str], None]


def spread(items: Sequence[Any], limit: int | None) -> list[Any]:
    """``limit`` items evenly spread over the list (so a quick run still sees every kind)."""
    if not limit or limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def write_distractors(csv_path: Path, out_path: Path) -> Path:
    """The 10kGNAD csv as an articles .jsonl; rewritten only when the csv is newer."""
    if out_path.exists() and out_path.stat().st_mtime >= csv_path.stat().st_mtime:
        return out_path
    return write_gnad_jsonl(out_path, csv_path=csv_path)


@dataclass
class Setting:
    """One corpus configuration: its name, index folder and the paths ingested into it."""

    name: str
    settings: Settings
    paths: list[Path]
    ingest: IngestReport | None = None


def make_setting(base: Settings, data_root: Path, distractors: bool) -> Setting:
    name = "distractors" if distractors else "default"
    corpus = base.corpus_dir if base.corpus_dir.exists() else REPO_CORPUS  # run from anywhere, not only the repo
    settings = base.model_copy(update={"data_dir": data_root / name, "corpus_dir": corpus.absolute()})
    paths = [settings.corpus_dir]
    if distractors:
        paths.append(write_distractors(DISTRACTORS_CSV, data_root / name / "corpus" / "10kgnad.jsonl"))
    return Setting(name, settings, paths)


@dataclass
class EvalRun:
    setting: str
    gold: str
    backends: list[str]
    results: list[QuestionResult] = field(default_factory=list)
    ingest: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def ask_all(assistant: Assistant, questions: Sequence[GoldQuestion], grader: CitationGrader,
            progress: Progress | None = None) -> list[QuestionResult]:
    out = []
    backend = assistant.settings.backend
    for i, q in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = assistant.ask(q.question, history=list(q.history))
        latency = (time.perf_counter() - started) * 1000
        result = grade(answer, q, grader, backend, latency)
        out.append(result)
        if progress:
            mark = "ok" if result.correct else ("abstained" if result.abstained else "WRONG")
            progress(f"[{backend} {i}/{len(questions)}] {q.id} {mark} ({latency:.0f} ms)")
    return out


def run_setting(setting: Setting, questions: Sequence[GoldQuestion], backends: Sequence[str],
                embedder: Embedder | None = None, progress: Progress | None = None) -> EvalRun:
    """Ingest the setting's corpus (incrementally), then ask every question with every backend."""
    started = time.perf_counter()
    first = Assistant(setting.settings, embedder=embedder)
    report = ingest_cached(first, setting.paths, progress or (lambda _: None))
    embedder = first.embedder
    if progress:
        progress(f"{setting.name}: {report.summary()}")
    run = EvalRun(setting.name, "", list(backends),
                  ingest={"documents": len(first.documents()), "chunks": first.store.chunk_count(),
                          "summary": report.summary()})
    first.close()
    for backend in backends:
        assistant = Assistant(setting.settings.model_copy(update={"backend": backend}), embedder=embedder)
        try:
            judge = SupportJudge(embed=CachedEmbed(embedder.embed_texts))
            run.results.extend(ask_all(assistant, questions, CitationGrader(judge), progress))
        finally:
            assistant.close()
    run.seconds = round(time.perf_counter() - started, 1)
    return run
