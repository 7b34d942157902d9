"""``assistant eval``: ingest, ask every gold question, grade, print, write reports, gate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from evals.floors import check, load_thresholds, status
from evals.gold import load_gold
from evals.report import table, write_json
from evals.run import DEFAULT_DATA_DIR, make_setting, run_setting, spread


def run_eval(settings: Settings, gold: Path, backends: Sequence[str], distractors: bool, json_path: Path | None,
             report_dir: Path | None, data_dir: Path | None, gate: bool, limit: int | None,
             echo: Callable[[str], None], progress: Callable[[str], None] | None = None) -> int:
    """Runs the eval and returns the exit code: 0, or 1 when ``gate`` is set and a floor is missed."""
    # an archive question is only answerable with the archive indexed
    questions = spread([q for q in load_gold(gold) if distractors or q.setting != "archive"], limit)
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
    if failures is None or metrics is None:
        return 0
    echo(f"\ngate ({setting.name}): each target beside this run's figure; CI fails on what is marked enforced")
    for line in status(metrics, setting.name, load_thresholds()):
        echo(f"  {line}")
    if failures:
        echo(f"GATE FAILED ({setting.name}): {len(failures)} enforced bound(s) missed")
        for failure in failures:
            echo(f"  - {failure}")
        return 1
    unmet = sum("(not met)" in line for line in status(metrics, setting.name, load_thresholds()))
    echo(f"gate passed ({setting.name})" + (f", BELOW TARGET on {unmet} figure(s): it passes on regression floors, "
                                           "not on its targets" if unmet else ""))
    return 0
