"""Swapped-entity claims: true sentences from the gold evidence with one entity exchanged.

    python -m evals.swaps            # how many the support judge lets through (must be 0)

Each gold evidence quote is a true claim about its passage. Exchanging one nationality or
country, one year, one month or one person's name for another of the same kind taken from
another quote makes a claim that reads just as well and is false. The judge that verifies
generated answers (``assistant.grounding.verify.SupportJudge``) must reject every one of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from assistant.grounding.constraints import names, years
from assistant.grounding.gazetteer import is_time_key, mentions
from evals.gold import load_gold

EVALS_DIR = Path(__file__).resolve().parent
SOURCES = (EVALS_DIR / "gold.jsonl", EVALS_DIR / "answerability.jsonl")


@dataclass(frozen=True)
class Swap:
    kind: str  # "country", "year", "month" or "name"
    claim: str
    passage: str
    replaced: str
    by: str


def quotes(paths: Iterable[Path] = SOURCES) -> list[str]:
    """Every gold evidence quote, once, in file order."""
    out: list[str] = []
    for path in paths:
        for q in load_gold(path):
            out += [quote for group in q.fact_evidence for quote in group]
    return list(dict.fromkeys(out))


def _ending(word: str) -> str:
    match = re.search(r"(e|en|er|es|em|n|s)$", word)
    return match.group(1) if match and word[:1].islower() else ""


def swaps(passages: Sequence[str]) -> list[Swap]:
    """At most one swap of each kind per passage; the replacement comes from another passage."""
    places = [(m.key, m.text) for p in passages for m in mentions(p) if not is_time_key(m.key)]
    people = [n for p in passages for n in names(p, "de") if " " in n and not mentions(n)]
    out: list[Swap] = []
    for passage in passages:
        found = mentions(passage)
        keys = {m.key for m in found}
        for m in found:
            if is_time_key(m.key):
                continue
            shape = (m.text[:1].islower(), _ending(m.text))
            other = next((text for key, text in places if key not in keys
                          and (text[:1].islower(), _ending(text)) == shape), None)
            if other:
                out.append(Swap("country", passage[: m.start] + other + passage[m.end:], passage, m.text, other))
                break
        month = next((m for m in found if m.key.startswith("month")), None)
        if month:
            number = int(month.key[5:])
            other = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                     "Oktober", "November", "Dezember")[(number + 2) % 12]
            out.append(Swap("month", passage[: month.start] + other + passage[month.end:], passage, month.text, other))
        for year in years(passage)[:1]:
            other = str(int(year) - 3)
            if other not in passage:
                out.append(Swap("year", re.sub(rf"\b{year}\b", other, passage, count=1), passage, year, other))
        own = [n for n in names(passage, "de") if " " in n and not mentions(n)]
        if own:
            words = set(own[0].split())
            lower = passage.lower()
            other = next((n for n in people if not words & set(n.split())
                          and not any(w.lower() in lower for w in n.split())), None)
            if other and own[0] in passage:
                out.append(Swap("name", passage.replace(own[0], other, 1), passage, own[0], other))
    return out


def judged(items: Sequence[Swap], judge: Callable[[str, list[str]], bool]) -> list[tuple[Swap, bool]]:
    return [(s, judge(s.claim, [s.passage])) for s in items]


@click.command()
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write every swap and its verdict.")
def main(json_path: Path | None) -> None:
    from assistant.grounding.verify import SupportJudge
    from assistant.retrieval.embed import CachedEmbed, Embedder
    from assistant.settings import Settings

    embed = CachedEmbed(Embedder.from_settings(Settings()).embed_texts)
    judge = SupportJudge(embed=embed)
    results = judged(swaps(quotes()), lambda claim, passages: judge.judge(claim, passages).supported)
    passed = [s for s, ok in results if ok]
    kinds = sorted({s.kind for s, _ in results})
    for kind in kinds:
        n = sum(s.kind == kind for s, _ in results)
        click.echo(f"{kind:8s} {n:3d} swapped claims, {sum(s.kind == kind for s in passed)} supported")
    click.echo(f"all      {len(results):3d} swapped claims, {len(passed)} supported (must be 0)")
    for s in passed:
        click.echo(f"  PASSED: {s.kind}: {s.replaced} -> {s.by}: {s.claim}")
    if json_path:
        json_path.write_text(json.dumps([{**s.__dict__, "supported": ok} for s, ok in results], ensure_ascii=False,
                                        indent=1), encoding="utf-8")
    raise SystemExit(1 if passed else 0)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
