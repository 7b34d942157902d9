"""Per kind, per language and per half: the table the answerability issue asks for.

    python -m evals.breakdown --gold evals/answerability.jsonl RUN.json [RUN.json ...]

Each RUN.json is written by ``assistant eval --json``. For unanswerable kinds the figure is the
share abstained; for answerable questions it is fact accuracy, with wrong abstention beside it.
Dev and test halves stand side by side: thresholds were chosen on dev only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import click

from evals.gold import load_gold


def table(rows: Sequence[dict], splits: dict[str, str]) -> list[str]:
    """Markdown lines: one row per (kind, language), dev and test columns."""
    cells: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        kind = r["type"] if not r["answerable"] else "answerable"
        for lang in (r["lang"], "all"):
            cells[(kind, lang, splits.get(r["id"], "dev"))].append(r)
    kinds = sorted({k for k, _, _ in cells}, key=lambda k: (k == "answerable", k))
    lines = ["| kind | lang | dev | test | measures |", "|---|---|---|---|---|"]
    for kind in kinds:
        for lang in ("de", "en", "all"):
            figures = []
            for split in ("dev", "test"):
                group = cells.get((kind, lang, split), [])
                figures.append(_figure(kind, group))
            what = "fact accuracy (wrong abstention)" if kind == "answerable" else "abstention"
            lines.append(f"| {kind} | {lang} | {figures[0]} | {figures[1]} | {what} |")
    return lines


def _figure(kind: str, group: Sequence[dict]) -> str:
    if not group:
        return "–"
    n = len(group)
    if kind == "answerable":
        correct = sum(bool(r["correct"]) for r in group)
        wrong = sum(bool(r["abstained"]) for r in group)
        return f"{correct / n:.3f} ({wrong}/{n})"
    return f"{sum(bool(r['abstained']) for r in group) / n:.3f} (n={n})"


@click.command()
@click.option("--gold", "gold_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.argument("runs", nargs=-1, type=click.Path(exists=True, path_type=Path))
def main(gold_path: Path, runs: Sequence[Path]) -> None:
    splits = {q.id: q.split or ("dev" if int("".join(c for c in q.id if c.isdigit()) or 0) % 2 == 0 else "test")
              for q in load_gold(gold_path)}
    for run in runs:
        data = json.loads(run.read_text(encoding="utf-8"))
        for backend in sorted({r["backend"] for r in data["questions"]}):
            rows = [r for r in data["questions"] if r["backend"] == backend]
            click.echo(f"\n### {data.get('setting', run.stem)}, {backend} ({run.name})\n")
            click.echo("\n".join(table(rows, splits)))


if __name__ == "__main__":
    main()
