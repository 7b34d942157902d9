"""Entry point of ``assistant bench``: run, write ``--json``, print the table, write the report."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from evals.perf.runner import FULL, QUICK, WORK, run


def main(quick: bool, json_path: Path | None, doc_path: Path | None, work: Path | None, skip: tuple[str, ...],
         merge_path: Path | None, echo: Callable[[str], None] = print, articles: int | None = None,
         memory_chunks: int | None = None) -> dict:
    from evals.perf.report import text_table, write_doc

    merge = json.loads(merge_path.read_text()) if merge_path else None
    plan = QUICK if quick else FULL
    if articles is not None:  # a smaller full run, for a machine too busy to embed all 1,028 articles
        third = max(1, articles // 3)
        plan = replace(plan, gnad_articles=articles, subset_articles=min(plan.subset_articles, third),
                       profile_articles=min(plan.profile_articles, third), raw_sample=min(plan.raw_sample, 32),
                       batch_sizes=plan.batch_sizes[:3])
    if memory_chunks is not None:
        marks = tuple(sorted({max(1, memory_chunks // 10), memory_chunks // 2, memory_chunks}))
        plan = replace(plan, memory_chunks=memory_chunks, memory_checkpoints=marks)
    doc = run(plan, (work or WORK) / ("quick" if quick else "full"), tuple(skip), merge, echo)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(doc, indent=2, ensure_ascii=False))
    echo(text_table(doc))
    if doc_path:
        write_doc(doc, doc_path)
        echo(f"wrote {doc_path} and {doc_path.with_name('benchmarks.png')}")
    return doc
