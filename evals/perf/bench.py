"""Entry point of ``assistant bench``: run, write ``--json``, print the table, write the report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from evals.perf.runner import FULL, QUICK, WORK, run


def main(quick: bool, json_path: Path | None, doc_path: Path | None, work: Path | None, skip: tuple[str, ...],
         merge_path: Path | None, echo: Callable[[str], None] = print) -> dict:
    from evals.perf.report import text_table, write_doc

    merge = json.loads(merge_path.read_text()) if merge_path else None
    plan = QUICK if quick else FULL
    doc = run(plan, (work or WORK) / ("quick" if quick else "full"), tuple(skip), merge, echo)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(doc, indent=2, ensure_ascii=False))
    echo(text_table(doc))
    if doc_path:
        write_doc(doc, doc_path)
        echo(f"wrote {doc_path} and {doc_path.with_name('benchmarks.png')}")
    return doc
