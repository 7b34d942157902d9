"""How well the support judge (``assistant.grounding.verify.SupportJudge``) agrees with hand labels.

``evals/data/support_labels.jsonl`` holds claim–passage pairs labelled "supported" or not,
with the kind of near miss each false one is; ``swap_*`` kinds are adversarial (one entity,
nationality, role, place, year, number or polarity changed in an otherwise true claim). Each
label carries its ``split``: a random third (seed 20261204, drawn before any tuning) is
*held out* and never used to choose anything; thresholds may only be chosen on *tune*.
Labels without a split (older files) fall back to id parity.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.grounding.verify import SupportJudge
from evals.metrics import Judge

LABELS = Path(__file__).resolve().parent / "data" / "support_labels.jsonl"


@dataclass(frozen=True)
class Label:
    id: str
    claim: str
    passage: str
    label: bool
    lang: str
    kind: str
    split: str = ""

    @property
    def half(self) -> str:
        """The recorded split; without one, ``tune`` for even numeric ids and ``held_out`` for odd ones."""
        if self.split in ("tune", "held_out"):
            return self.split
        digits = re.sub(r"\D", "", self.id)
        return "tune" if digits and int(digits) % 2 == 0 else "held_out"

    @property
    def adversarial(self) -> bool:
        return self.kind.startswith("swap_")


@dataclass(frozen=True)
class Judged:
    item: Label
    predicted: bool
    reason: str


def load_labels(path: Path = LABELS) -> list[Label]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        obj = json.loads(line)
        try:
            out.append(Label(str(obj["id"]), obj["claim"], obj["passage"], bool(obj["label"]), obj["lang"],
                             obj["kind"], obj.get("split", "")))
        except KeyError as err:
            raise ValueError(f"{path}:{number}: missing field {err}") from None
    return out


def judge_all(judge: Judge, labels: Sequence[Label]) -> list[Judged]:
    out = []
    for item in labels:
        verdict = judge.judge(item.claim, [item.passage])
        out.append(Judged(item, verdict.supported, verdict.reason))
    return out


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def agreement(judged: Sequence[Judged]) -> dict[str, Any]:
    """Accuracy, and precision / recall / F1 of the "supported" class."""
    n = len(judged)
    tp = sum(j.predicted and j.item.label for j in judged)
    fp = sum(j.predicted and not j.item.label for j in judged)
    fn = sum(not j.predicted and j.item.label for j in judged)
    correct = sum(j.predicted == j.item.label for j in judged)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall else None)
    return {"n": n, "accuracy": _rounded(correct / n if n else None), "precision": _rounded(precision),
            "recall": _rounded(recall), "f1": _rounded(f1), "tp": tp, "fp": fp, "fn": fn, "tn": n - tp - fp - fn}


def judge_report(judged: Sequence[Judged], seconds: float = 0.0) -> dict[str, Any]:
    def subset(pred: Any) -> list[Judged]:
        return [j for j in judged if pred(j.item)]

    kinds = sorted({j.item.kind for j in judged})
    held_out = subset(lambda i: i.half == "held_out")
    return {
        "labels": len(judged),
        "all": agreement(judged),
        "tune": agreement(subset(lambda i: i.half == "tune")),
        "held_out": {**agreement(held_out), "agreement": agreement(held_out)["accuracy"],
                     "adversarial": sum(j.item.adversarial for j in held_out),
                     "adversarial_supported": sum(j.item.adversarial and j.predicted for j in held_out)},
        "adversarial_supported": sum(j.item.adversarial and j.predicted for j in judged),
        "by_kind": {k: agreement(subset(lambda i, k=k: i.kind == k)) for k in kinds},
        "by_lang": {lang: agreement(subset(lambda i, lang=lang: i.lang == lang)) for lang in ("de", "en")},
        "disagreements": [{"id": j.item.id, "kind": j.item.kind, "label": j.item.label, "reason": j.reason,
                           "claim": j.item.claim} for j in judged if j.predicted != j.item.label],
        "ms_per_judgement": round(1000 * seconds / len(judged), 1) if judged else None,
    }


def evaluate_judge(judge: Judge, path: Path = LABELS) -> dict[str, Any]:
    labels = load_labels(path)
    started = time.perf_counter()
    judged = judge_all(judge, labels)
    return judge_report(judged, time.perf_counter() - started)


# the threshold grid searched on the tune half (``assistant eval-judge --tune``)
GRID: dict[str, tuple[float, ...]] = {
    "min_coverage": (0.4, 0.5, 0.6, 0.7, 0.8),
    "min_similarity": (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.1),  # 1.1: never by similarity alone
    "missing_similarity": (0.8, 0.85, 0.9, 0.95, 1.1),
    "max_missing": (0, 1, 2),
    "min_similarity_cross": (0.6, 0.65, 0.7, 0.75, 0.8),
}


def tune(judge: SupportJudge, labels: Sequence[Label]) -> dict[str, Any]:
    """Thresholds with the best agreement on the tune half, ties broken by the mean agreement of the
    grid neighbours (a plateau generalises better than a spike); the held-out half is never consulted."""
    measured = [(item, judge.measure(item.claim, [item.passage])) for item in labels if item.half == "tune"]
    names = list(GRID)
    combos = list(itertools.product(*GRID.values()))
    accuracy: dict[tuple[float, ...], float] = {}
    for combo in combos:
        candidate = SupportJudge(**dict(zip(names, combo, strict=True)))
        accuracy[combo] = sum(candidate.decide(f).supported == item.label for item, f in measured) / len(measured)

    def neighbours(combo: tuple[float, ...]) -> float:
        points = [combo]
        for i, name in enumerate(names):
            j = GRID[name].index(combo[i])
            points += [(*combo[:i], GRID[name][jj], *combo[i + 1:]) for jj in (j - 1, j + 1)
                       if 0 <= jj < len(GRID[name])]
        return sum(accuracy[p] for p in points) / len(points)

    best = max(combos, key=lambda c: (accuracy[c], neighbours(c)))
    return {"thresholds": dict(zip(names, best, strict=True)), "tune_accuracy": round(accuracy[best], 4),
            "neighbour_accuracy": round(neighbours(best), 4), "combinations": len(combos)}


def judge_table(report: dict[str, Any]) -> str:
    rows = [("all", report["all"]), ("tune", report["tune"]), ("held-out", report["held_out"])]
    rows += [(f"kind {k}", v) for k, v in report["by_kind"].items()]
    rows += [(f"lang {k}", v) for k, v in report["by_lang"].items()]

    def pct(v: float | None) -> str:
        return "–" if v is None else f"{100 * v:.1f}%"

    lines = [f"{'subset':<22}{'n':>4}{'agree':>9}{'prec':>9}{'recall':>9}"]
    for name, a in rows:
        lines.append(f"{name:<22}{a['n']:>4}{pct(a['accuracy']):>9}{pct(a['precision']):>9}{pct(a['recall']):>9}")
    held = report["held_out"]
    lines.append(f"held-out adversarial judged supported: {held['adversarial_supported']} of {held['adversarial']} "
                 f"(target 0); all adversarial judged supported: {report['adversarial_supported']}")
    lines.append(f"{report['ms_per_judgement']} ms per judgement")
    for d in report["disagreements"]:
        lines.append(f"  {d['id']} {d['kind']} label={d['label']}: {d['reason']} | {d['claim'][:90]}")
    return "\n".join(lines)


def main() -> None:
    from assistant.api import Assistant

    print(judge_table(evaluate_judge(Assistant().judge())))


if __name__ == "__main__":
    main()
