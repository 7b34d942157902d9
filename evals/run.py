"""Running the real ``Assistant`` over a gold set, on the default corpus or with distractors.

Each setting has its own index folder under the eval data dir (``default/``, ``distractors/``),
so a run with distractors never leaks them into a default run. Ingest is incremental: a
second run on the same folder re-reads the files and embeds nothing.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.embed import CachedEmbed, Embedder
from assistant.ingest import IngestReport
from assistant.settings import Settings
from assistant.verify import SupportJudge
from evals.gold import GoldQuestion
from evals.metrics import CitationGrader, QuestionResult, grade

EVALS_DIR = Path(__file__).resolve().parent
REPO_CORPUS = EVALS_DIR.parent / "corpus"
DISTRACTORS_CSV = EVALS_DIR / "data" / "10kgnad" / "test.csv"
DISTRACTOR_SOURCE = "DER STANDARD (10kGNAD)"
DEFAULT_DATA_DIR = Path.home() / ".cache" / "assistant" / "evals"
_FIRST_SENTENCE = re.compile(r"^(.{20,200}?[.!?])(?=\s+[A-ZÄÖÜ„\"])")

Progress = Callable[[str], None]


def spread(items: Sequence[Any], limit: int | None) -> list[Any]:
    """``limit`` items evenly spread over the list (so a quick run still sees every kind)."""
    if not limit or limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def headline(text: str) -> str:
    """The first sentence as title, at most ~120 characters (10kGNAD runs headline and body together)."""
    match = _FIRST_SENTENCE.match(text.strip())
    title = match.group(1) if match else text.strip()
    if len(title) > 120:
        title = title[:120].rsplit(" ", 1)[0] + " …"
    return title


def write_distractors(csv_path: Path, out_path: Path) -> Path:
    """10kGNAD's ``<section>;<text>`` rows as an articles .jsonl; rewritten only when the csv is newer."""
    if out_path.exists() and out_path.stat().st_mtime >= csv_path.stat().st_mtime:
        return out_path
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".tmp")
    with csv_path.open(encoding="utf-8", newline="") as f, tmp.open("w", encoding="utf-8") as out:
        for number, row in enumerate(csv.reader(f, delimiter=";", quotechar="'"), start=1):
            if len(row) < 2 or not row[1].strip():
                continue
            text = row[1].strip()
            out.write(json.dumps({"id": f"10kgnad-{number:04d}", "title": headline(text), "text": text,
                                  "source": DISTRACTOR_SOURCE, "section": row[0]}, ensure_ascii=False) + "\n")
    tmp.replace(out_path)
    return out_path


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
    report = first.ingest(setting.paths)
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
