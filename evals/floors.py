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
    # a floor not reached yet is listed under known_gaps with the figure last measured: the run must
    # not fall below that (a ratchet), and the gap is printed every time, never hidden
    gaps = bounds.get("known_gaps", {})
    failures = []
    for backend, by_lang in metrics.items():
        overall = by_lang["all"]
        for metric, floor in bounds.get("min", {}).items():
            value = overall.get(metric)
            if value is None or value < min(floor, gaps.get(metric, floor)):
                failures.append(Failure(backend, metric, value, f">= {min(floor, gaps.get(metric, floor)):.2f}"))
        for metric, ceiling in bounds.get("max", {}).items():
            value = overall.get(metric)
            if value is None or value > max(ceiling, gaps.get(metric, ceiling)):
                failures.append(Failure(backend, metric, value, f"<= {max(ceiling, gaps.get(metric, ceiling)):.2f}"))
    return failures


def known_gaps(setting: str, thresholds: dict[str, Any]) -> list[str]:
    """The floors this setting does not reach yet, for the gate to print beside its verdict."""
    bounds = thresholds.get(setting, {})
    floors = {**bounds.get("min", {}), **bounds.get("max", {})}
    return [f"{metric}: floor {floors.get(metric, float('nan')):.2f} not reached yet (ratchet {value:.2f})"
            for metric, value in bounds.get("known_gaps", {}).items()]
