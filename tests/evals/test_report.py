"""Reports from hand-built graded answers: the table, JSON, Markdown, HTML and the plot."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.grounding.verify import SupportJudge
from assistant.schema import Answer, Citation
from evals.gold import GoldQuestion
from evals.metrics import CitationGrader, grade
from evals.report import table, to_json, write_report
from evals.run import EvalRun

PASSAGE = "Insgesamt sollen dem Vernehmen nach sogar bis zu 12.000 Soldaten an die Front geschickt werden."


def make_run() -> EvalRun:
    grader = CitationGrader(SupportJudge())
    cite = Citation(1, "d1", "Nordkorea | <Titel>", PASSAGE, 0.8, 0, len(PASSAGE), PASSAGE)
    q1 = GoldQuestion("q1", "de", True, "Wie viele Soldaten sollen an die Front?", (("12.000",),),
                      ("bis zu 12.000 Soldaten",), (), "single")
    q2 = GoldQuestion("q2", "en", False, "What is the population of <b>Pyongyang</b>?", (), (), (), "unanswerable")
    results = [grade(Answer(f"{PASSAGE} [1]", [cite], False, evidence=[cite]), q1, grader, "extractive", 120.0),
               grade(Answer("The articles do not say.", [], True), q2, grader, "extractive", 80.0)]
    return EvalRun("default", "gold.jsonl", ["extractive"], results, {"documents": 2, "chunks": 8}, 1.5)


def test_table_has_a_column_per_backend_and_language() -> None:
    text = table(make_run())
    assert "extractive all" in text and "extractive de" in text and "extractive en" in text
    assert "fact accuracy" in text and "100.0%" in text


def test_json_carries_metrics_questions_and_gate() -> None:
    data = to_json(make_run(), ["extractive: fact_accuracy = 0.5, needs >= 0.90"])
    assert data["metrics"]["extractive"]["all"]["questions"] == 2
    assert data["gate"] == {"passed": False, "failures": ["extractive: fact_accuracy = 0.5, needs >= 0.90"]}
    assert data["questions"][0]["sentences"][0]["supported"] is True
    json.dumps(data)


def test_report_files_escape_article_text(tmp_path: Path) -> None:
    paths = write_report(make_run(), tmp_path / "r", failures=[])
    assert [p.name for p in paths] == ["report.md", "report.html", "metrics.png", "results.json"]
    page = (tmp_path / "r" / "report.html").read_text()
    assert "<b>Pyongyang</b>" not in page and "&lt;b&gt;Pyongyang&lt;/b&gt;" in page
    assert "Gate: passed" in page and 'src="metrics.png"' in page
    md = (tmp_path / "r" / "report.md").read_text()
    assert "| q1 | extractive | de | single | correct |" in md
    assert "correct abstention" in md
    assert (tmp_path / "r" / "metrics.png").read_bytes()[:4] == b"\x89PNG"
