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


def known_gaps(setting: str, thresholds: dict[str, Any],
               metrics: dict[str, dict[str, dict[str, Any]]] | None = None) -> list[str]:
    """The floors this setting does not reach yet, with this run's figure, for the gate to print.

    A ratchet whose floor this run reaches is said to be removable, so none outlives its gap.
    """
    bounds = thresholds.get(setting, {})
    lower, upper = bounds.get("min", {}), bounds.get("max", {})
    lines = []
    for metric, ratchet in bounds.get("known_gaps", {}).items():
        floor = lower.get(metric, upper.get(metric, float("nan")))
        for backend, by_lang in (metrics or {"": {"all": {}}}).items():
            value = by_lang["all"].get(metric)
            where = f" {backend}" if backend else ""
            if value is None:
                lines.append(f"{metric}{where}: floor {floor:.2f} not reached yet (ratchet {ratchet:.2f})")
            elif (value >= floor) if metric in lower else (value <= floor):
                lines.append(f"{metric}{where}: {value:.3f} reaches the floor {floor:.2f}: remove the ratchet")
            else:
                lines.append(f"{metric}{where}: {value:.3f}, floor {floor:.2f} not reached yet "
                             f"(ratchet {ratchet:.2f})")
    return lines
