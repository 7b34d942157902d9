"""``assistant eval``: ingest, ask every gold question, grade, print, write reports, gate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from evals.floors import check, known_gaps, load_thresholds
from evals.gold import load_gold
from evals.report import table, write_json
from evals.run import DEFAULT_DATA_DIR, make_setting, run_setting, spread


def run_eval(settings: Settings, gold: Path, backends: Sequence[str], distractors: bool, json_path: Path | None,
             report_dir: Path | None, data_dir: Path | None, gate: bool, limit: int | None,
             echo: Callable[[str], None], progress: Callable[[str], None] | None = None) -> int:
    """Runs the eval and returns the exit code: 0, or 1 when ``gate`` is set and a floor is missed."""
    questions = spread(load_gold(gold), limit)
    setting = make_setting(settings, (data_dir or DEFAULT_DATA_DIR).expanduser().absolute(), distractors)
    run = run_setting(setting, questions, list(backends) or [settings.backend], progress=progress)
    run.gold = str(gold)
    echo(table(run))
    failures: list[str] | None = None
    metrics: dict[str, Any] | None = None
    if gate:
        from evals.metrics import breakdown

        metrics = breakdown(run.results)
        failures = [str(f) for f in check(metrics, setting.name, load_thresholds())]
    if json_path:
        write_json(run, json_path, failures)
        echo(f"wrote {json_path}")
    if report_dir:
        from evals.report import write_report

        for path in write_report(run, report_dir, failures):
            echo(f"wrote {path}")
    if failures is None:
        return 0
    if failures:
        echo(f"\nGATE FAILED ({setting.name}): {len(failures)} floor(s) missed")
        for failure in failures:
            echo(f"  - {failure}")
        return 1
    echo(f"\ngate passed ({setting.name})")
    for gap in known_gaps(setting.name, load_thresholds(), metrics):
        echo(f"  KNOWN GAP {gap}")
    return 0
