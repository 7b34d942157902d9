"""Benchmark inputs: question sets and synthetic articles (10kGNAD comes from ``evals.gnad``)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from evals.gnad import gnad_rows

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
GOLD = REPO / "evals" / "gold.jsonl"
GERMANQUAD_QUERIES = REPO / "evals" / "data" / "germanquad" / "queries.normalized.jsonl"


def questions(n: int = 200) -> list[str]:
    """The gold questions first, then GermanQuAD queries, ``n`` in all (deterministic)."""
    out: list[str] = []
    with GOLD.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                out.append(json.loads(line)["question"])
    with GERMANQUAD_QUERIES.open(encoding="utf-8") as handle:
        for line in handle:
            if len(out) >= n:
                break
            if line.strip():
                out.append(json.loads(line)["query_text"])
    return out[:n]


def answerable_gold_questions(n: int = 10) -> list[str]:
    """Questions the default corpus answers (no follow-ups), for the LLM timings."""
    out = []
    with GOLD.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line) if line.strip() else None
            if item and item.get("answerable") and not item.get("history"):
                out.append(item["question"])
    return out[:n]


def synthetic_articles(n: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """``n`` distinct articles made by shuffling 10kGNAD sentences; about 3 chunks each.

    Distinct text gives distinct content hashes, so every one is really ingested.
    """
    rng = random.Random(seed)
    sentences = [s.strip() + "." for row in gnad_rows() for s in row.text.split(". ") if len(s) > 40]
    for i in range(n):
        body = " ".join(rng.sample(sentences, 18))
        yield {"id": f"synthetic-{seed}-{i:07d}", "title": f"Synthetischer Artikel {i}", "text": body}


def write_jsonl(dest: Path, records: Iterator[dict[str, str]]) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return dest
