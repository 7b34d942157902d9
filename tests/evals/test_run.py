"""End to end: ``assistant eval --limit 10`` on the default corpus with the real models, and its reports."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from evals.gnad import headline
from evals.run import DISTRACTOR_SOURCE, write_distractors

REPO = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "assistant"


def test_eval_command_end_to_end(tmp_path: Path) -> None:
    out_json, report = tmp_path / "eval.json", tmp_path / "report"
    proc = subprocess.run(
        [str(EXE), "eval", "--limit", "10", "--data-dir", str(tmp_path / "idx"), "--json", str(out_json),
         "--report", str(report), "--gate", "-q"],
        cwd=REPO, capture_output=True, text=True, timeout=1800, env={**_env(), "ASSISTANT_CORPUS_DIR": "corpus"})
    print(proc.stdout[-3000:], proc.stderr[-2000:])
    assert proc.returncode in (0, 1), proc.stderr  # 1: the gate failed, and said which floors
    assert "fact accuracy" in proc.stdout and "citation precision" in proc.stdout
    data = json.loads(out_json.read_text())
    assert data["setting"] == "default" and data["index"]["documents"] == 2
    assert len(data["questions"]) == 10
    overall = data["metrics"]["extractive"]["all"]
    assert overall["questions"] == 10 and overall["unanswerable"] >= 1
    assert 0 <= overall["fact_accuracy"] <= 1 and overall["latency_p50_ms"] > 0
    assert (proc.returncode == 1) == (not data["gate"]["passed"])
    if proc.returncode == 1:
        assert "GATE FAILED" in proc.stdout and data["gate"]["failures"]
    for name in ("report.md", "report.html", "metrics.png", "results.json"):
        assert (report / name).stat().st_size > 0
    html = (report / "report.html").read_text()
    assert all(q["id"] in html for q in data["questions"])
    assert (report / "metrics.png").read_bytes()[:4] == b"\x89PNG"


def test_distractors_are_converted_from_the_csv(tmp_path: Path) -> None:
    source = tmp_path / "test.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", quotechar="'")
        w.writerow(["Inland", "Neue Regierung in Wien angelobt. Wien – Die neue Regierung wurde heute angelobt."])
        w.writerow(["Web", ""])
        w.writerow(["Sport", "Ein Titel ohne Punkt"])
    out = write_distractors(source, tmp_path / "out" / "d.jsonl")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["10kgnad-0001", "10kgnad-0003"]
    assert rows[0]["title"] == "Neue Regierung in Wien angelobt."
    assert rows[0]["source"] == DISTRACTOR_SOURCE and rows[0]["text"].startswith("Neue Regierung")
    assert rows[1]["title"] == "Ein Titel ohne Punkt"
    assert len(headline("Wort " * 100)) <= 122


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
