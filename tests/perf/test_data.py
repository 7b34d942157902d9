"""Benchmark inputs: 10kGNAD converts to articles the real loader accepts; question sets are full."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.ingest.corpus import load_articles
from evals.gnad import gnad_rows, write_gnad_jsonl
from evals.perf.data import answerable_gold_questions, questions, synthetic_articles, write_jsonl


def test_gnad_jsonl_loads_every_article(tmp_path: Path) -> None:
    path = write_gnad_jsonl(tmp_path / "gnad.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(gnad_rows()) == 1028
    assert all(r["id"] and r["title"] and r["text"] for r in records)
    assert records[0]["id"] == "10kgnad-0001"  # the 1-based csv row, as evals/answerability.jsonl cites it
    articles, problems = load_articles([path])
    assert problems == []
    assert len(articles) == 1028


def test_gnad_limit(tmp_path: Path) -> None:
    path = write_gnad_jsonl(tmp_path / "small.jsonl", 5)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 5


def test_questions_are_gold_then_germanquad() -> None:
    qs = questions(200)
    assert len(qs) == 200
    assert all(isinstance(q, str) and q.strip() for q in qs)
    assert len(set(qs)) > 190
    assert qs[0].startswith("Wie viele nordkoreanische Soldaten")
    assert len(answerable_gold_questions(10)) == 10


def test_synthetic_articles_are_distinct_and_ingestable(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "syn.jsonl", synthetic_articles(30))
    articles, problems = load_articles([path])
    assert problems == []
    assert len({a.doc_id for a in articles}) == 30
