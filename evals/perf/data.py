"""Benchmark inputs: 10kGNAD as an ingestable .jsonl, question sets, synthetic articles."""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
GNAD_CSV = REPO / "evals" / "data" / "10kgnad" / "test.csv"
GOLD = REPO / "evals" / "gold.jsonl"
GERMANQUAD_QUERIES = REPO / "evals" / "data" / "germanquad" / "queries.normalized.jsonl"
_FIRST_SENTENCE = re.compile(r"^(.{20,120}?[.!?])(?=\s+[A-ZÄÖÜ„\"])")


def headline(text: str) -> str:
    """The first sentence, as a title: 10kGNAD runs headline, teaser and body together."""
    match = _FIRST_SENTENCE.match(text.strip())
    return match.group(1) if match else text.strip()[:120].rsplit(" ", 1)[0]


def gnad_rows(limit: int | None = None) -> list[tuple[str, str]]:
    """(section, text) of the 10kGNAD test split, in file order."""
    with GNAD_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [(r[0], r[1]) for r in csv.reader(handle, delimiter=";", quotechar="'") if len(r) >= 2]
    return rows[:limit] if limit is not None else rows


def write_gnad_jsonl(dest: Path, limit: int | None = None) -> Path:
    """10kGNAD as one .jsonl file the assistant ingests."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8") as out:
        for i, (section, text) in enumerate(gnad_rows(limit)):
            record = {"id": f"10kgnad-{i:04d}", "title": headline(text), "text": text,
                      "source": f"DER STANDARD (10kGNAD, {section})"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return dest


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
    sentences = [s.strip() + "." for _, text in gnad_rows() for s in text.split(". ") if len(s) > 40]
    for i in range(n):
        body = " ".join(rng.sample(sentences, 18))
        yield {"id": f"synthetic-{seed}-{i:07d}", "title": f"Synthetischer Artikel {i}", "text": body}


def write_jsonl(dest: Path, records: Iterator[dict[str, str]]) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return dest
