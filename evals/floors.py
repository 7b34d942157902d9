"""Comparing eval figures against the floors in ``evals/thresholds.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


@dataclass(frozen=True)
class Failure:
    backend: str
    metric: str
    value: float | None
    bound: str  # ">= 0.90" or "<= 0.05"

    def __str__(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{self.backend}: {self.metric} = {shown}, needs {self.bound}"


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def check(metrics: dict[str, dict[str, dict[str, Any]]], setting: str, thresholds: dict[str, Any]
          ) -> list[Failure]:
    """Every floor the overall figures of each backend miss; a metric with no cases fails too."""
    if setting not in thresholds:
        raise ValueError(f"no thresholds for setting {setting!r} (have: {', '.join(thresholds)})")
    bounds = thresholds[setting]
    failures = []
    for backend, by_lang in metrics.items():
        overall = by_lang["all"]
        for metric, floor in bounds.get("min", {}).items():
            value = overall.get(metric)
            if value is None or value < floor:
                failures.append(Failure(backend, metric, value, f">= {floor:.2f}"))
        for metric, ceiling in bounds.get("max", {}).items():
            value = overall.get(metric)
            if value is None or value > ceiling:
                failures.append(Failure(backend, metric, value, f"<= {ceiling:.2f}"))
    return failures
