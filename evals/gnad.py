"""The 10kGNAD test split as articles the assistant ingests: the one converter.

Evals (distractors), benchmarks and the crash tests all read it through here, so an article
has the same id, headline and text everywhere: ``10kgnad-NNNN`` with NNNN its 1-based row in
``test.csv`` (what ``evals/answerability.jsonl`` refers to), the first sentence as headline.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

GNAD_CSV = Path(__file__).resolve().parent / "data" / "10kgnad" / "test.csv"
SOURCE = "DER STANDARD (10kGNAD)"
_FIRST_SENTENCE = re.compile(r"^(.{20,200}?[.!?])(?=\s+[A-ZÄÖÜ„\"])")


@dataclass(frozen=True)
class GnadRow:
    number: int  # 1-based row of the csv
    section: str
    text: str

    @property
    def id(self) -> str:
        return f"10kgnad-{self.number:04d}"


def headline(text: str) -> str:
    """The first sentence as title, at most ~120 characters (10kGNAD runs headline and body together)."""
    match = _FIRST_SENTENCE.match(text.strip())
    title = match.group(1) if match else text.strip()
    if len(title) > 120:
        title = title[:120].rsplit(" ", 1)[0] + " …"
    return title


def gnad_rows(csv_path: Path = GNAD_CSV, limit: int | None = None, shortest: bool = False) -> list[GnadRow]:
    """The rows with text, in file order (``shortest``: shortest text first), the first ``limit``."""
    with csv_path.open(encoding="utf-8", newline="") as f:
        rows = [GnadRow(number, row[0], row[1].strip())
                for number, row in enumerate(csv.reader(f, delimiter=";", quotechar="'"), start=1)
                if len(row) >= 2 and row[1].strip()]
    if shortest:
        rows.sort(key=lambda r: (len(r.text), r.number))
    return rows[:limit] if limit is not None else rows


def write_gnad_jsonl(dest: Path, limit: int | None = None, shortest: bool = False,
                     csv_path: Path = GNAD_CSV) -> Path:
    """The rows as one ``.jsonl`` articles file, written whole or not at all."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for row in gnad_rows(csv_path, limit, shortest):
            out.write(json.dumps({"id": row.id, "title": headline(row.text), "text": row.text, "source": SOURCE,
                                  "section": row.section}, ensure_ascii=False) + "\n")
    tmp.replace(dest)
    return dest
