"""Loading and validating gold question files (``evals/gold.jsonl`` and any file in its format).

One JSON object a line: ``id``, ``lang`` (de|en), ``answerable``, ``question``,
``answer_facts`` (groups of alternatives; every group must appear in a correct answer),
``evidence`` (verbatim quotes; a correct citation's passage contains one), ``history``
(earlier ``[question, answer]`` turns) and ``type``. Optional: ``split`` (dev|test; a test
half is frozen, ``tests/evals/test_frozen.py``), ``setting`` (``archive``: only asked when the
10kGNAD archive is indexed; ``any``, the default: asked everywhere), ``fact_evidence`` (per
fact group, the verbatim quotes that state it), ``doc`` and ``note`` (what the articles say
instead, for an unanswerable question).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_GOLD = Path(__file__).resolve().parent / "gold.jsonl"
LANGS = ("de", "en")
SPLITS = ("", "dev", "test")
SETTINGS = ("any", "archive")


class GoldError(ValueError):
    """A gold file that cannot be used; the message lists every problem with its line."""


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    lang: str
    answerable: bool
    question: str
    answer_facts: tuple[tuple[str, ...], ...]
    evidence: tuple[str, ...]
    history: tuple[tuple[str, str], ...]
    type: str
    split: str = ""
    setting: str = "any"
    fact_evidence: tuple[tuple[str, ...], ...] = ()
    note: str = ""


def _problems(obj: Any) -> list[str]:
    """What is wrong with one parsed line (empty when it is a valid gold question)."""
    if not isinstance(obj, dict):
        return ["not a JSON object"]
    out = []
    for key in ("id", "question", "type"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            out.append(f"'{key}' must be a non-empty string")
    if obj.get("lang") not in LANGS:
        out.append(f"'lang' must be one of {LANGS}")
    if not isinstance(obj.get("answerable"), bool):
        out.append("'answerable' must be true or false")
    facts = obj.get("answer_facts", [])
    if not isinstance(facts, list) or not all(
            isinstance(g, list) and g and all(isinstance(a, str) and a.strip() for a in g) for g in facts):
        out.append("'answer_facts' must be a list of non-empty lists of strings")
    evidence = obj.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(q, str) and q.strip() for q in evidence):
        out.append("'evidence' must be a list of non-empty strings")
    history = obj.get("history", [])
    if not isinstance(history, list) or not all(
            isinstance(t, list) and len(t) == 2 and all(isinstance(x, str) for x in t) for t in history):
        out.append("'history' must be a list of [question, answer] pairs")
    if obj.get("split", "") not in SPLITS:
        out.append(f"'split' must be one of {SPLITS[1:]}")
    if obj.get("setting", "any") not in SETTINGS:
        out.append(f"'setting' must be one of {SETTINGS}")
    per_fact = obj.get("fact_evidence", [])
    if not isinstance(per_fact, list) or not all(
            isinstance(g, list) and all(isinstance(q, str) and q.strip() for q in g) for g in per_fact):
        out.append("'fact_evidence' must be a list of lists of strings")
    elif per_fact and isinstance(facts, list) and len(per_fact) != len(facts):
        out.append("'fact_evidence' must have one list of quotes per answer fact group")
    if obj.get("answerable") is True and isinstance(facts, list) and not facts:
        out.append("an answerable question needs at least one answer fact group")
    if obj.get("answerable") is False and (facts or evidence):
        out.append("an unanswerable question has no answer facts and no evidence")
    return out


def parse_gold(lines: list[str], origin: str = "<gold>") -> list[GoldQuestion]:
    problems: list[str] = []
    questions: list[GoldQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(f"{origin}:{number}: not JSON ({err.msg})")
            continue
        found = _problems(obj)
        if not found and obj["id"] in seen:
            found = [f"duplicate id {obj['id']!r}"]
        if found:
            problems.extend(f"{origin}:{number}: {p}" for p in found)
            continue
        seen.add(obj["id"])
        questions.append(GoldQuestion(
            id=obj["id"], lang=obj["lang"], answerable=obj["answerable"], question=obj["question"],
            answer_facts=tuple(tuple(g) for g in obj.get("answer_facts", [])),
            evidence=tuple(obj.get("evidence", [])),
            history=tuple((q, a) for q, a in obj.get("history", [])), type=obj["type"],
            split=obj.get("split", ""), setting=obj.get("setting", "any"),
            fact_evidence=tuple(tuple(g) for g in obj.get("fact_evidence", [])), note=obj.get("note", "")))
    if problems:
        raise GoldError("invalid gold file:\n  " + "\n  ".join(problems))
    if not questions:
        raise GoldError(f"{origin}: no questions")
    return questions


def load_gold(path: Path = DEFAULT_GOLD, limit: int | None = None) -> list[GoldQuestion]:
    """Every question of a gold file, validated; ``limit`` keeps the first N."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise GoldError(f"cannot read {path}: {err}") from None
    questions = parse_gold(text.splitlines(), str(path))
    return questions[:limit] if limit else questions
