"""Targets and regression floors in ``evals/thresholds.toml``, and what CI enforces of them.

Per setting, ``targets`` are what the product aims for and ``floors`` are regression floors: the
last CI measurement minus the noise of a question or two, for targets not met yet. CI enforces
the floor where there is one, else the target, and every line it prints says which. Floors only
go up (``lowered`` compares two versions of the file; ``tests/evals/test_floors.py`` runs it
against the previous commit), and a floor whose target is met is removed so the target becomes
what CI enforces.

The file of earlier commits had ``min``/``max`` (targets) and ``known_gaps`` (floors); both are
read, so a new version can be compared with an old one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
Metrics = dict[str, dict[str, dict[str, Any]]]  # backend -> "all"|"de"|"en" -> metric -> value


@dataclass(frozen=True)
class Bound:
    metric: str
    direction: str  # "min": the figure must be at least the value; "max": at most
    target: float
    floor: float | None  # the regression floor while the target is not met

    @property
    def enforced(self) -> float:
        return self.target if self.floor is None else self.floor

    def holds(self, value: float | None, which: float | None = None) -> bool:
        bound = self.enforced if which is None else which
        return value is not None and (value >= bound if self.direction == "min" else value <= bound)

    def describe(self, value: float | None) -> str:
        op = ">=" if self.direction == "min" else "<="
        shown = "n/a" if value is None else f"{value:.3f}"
        if self.floor is None:
            return f"{self.metric} = {shown}: target {op} {self.target:.2f} (enforced)"
        met = "met: remove the floor" if self.holds(value, self.target) else "not met"
        return (f"{self.metric} = {shown}: target {op} {self.target:.2f} ({met}), "
                f"regression floor {op} {self.floor:.2f} (enforced)")


@dataclass(frozen=True)
class Failure:
    backend: str
    bound: Bound
    value: float | None

    def __str__(self) -> str:
        return f"{self.backend}: {self.bound.describe(self.value)} FAILED"


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def bounds(setting: str, thresholds: dict[str, Any]) -> list[Bound]:
    """The setting's bounds, from either the current or the earlier file format."""
    if setting not in thresholds or not isinstance(thresholds[setting], dict):
        raise ValueError(f"no thresholds for setting {setting!r} (have: {', '.join(settings(thresholds))})")
    raw = thresholds[setting]
    if "targets" in raw:
        targets, floors = raw["targets"], raw.get("floors", {})
        out = []
        for direction in ("min", "max"):
            for metric, value in targets.get(direction, {}).items():
                floor = floors.get(direction, {}).get(metric)
                out.append(Bound(metric, direction, float(value), None if floor is None else float(floor)))
        return out
    gaps = raw.get("known_gaps", {})
    return [Bound(metric, direction, float(value), None if metric not in gaps else float(gaps[metric]))
            for direction in ("min", "max") for metric, value in raw.get(direction, {}).items()]


def settings(thresholds: dict[str, Any]) -> list[str]:
    return [name for name, value in thresholds.items() if isinstance(value, dict)]


def check(metrics: Metrics, setting: str, thresholds: dict[str, Any]) -> list[Failure]:
    """Every enforced bound the overall figures of each backend miss; a metric with no cases fails too."""
    return [Failure(backend, bound, by_lang["all"].get(bound.metric))
            for backend, by_lang in metrics.items() for bound in bounds(setting, thresholds)
            if not bound.holds(by_lang["all"].get(bound.metric))]


def status(metrics: Metrics, setting: str, thresholds: dict[str, Any]) -> list[str]:
    """Each target beside this run's figure, saying whether it is the target or a floor that CI enforces."""
    return [f"{backend}: {bound.describe(by_lang['all'].get(bound.metric))}"
            for backend, by_lang in metrics.items() for bound in bounds(setting, thresholds)]


def lowered(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What ``new`` enforces or aims for less strictly than ``old``; empty when nothing went down.

    A metric may leave the gate only when ``new`` lists it under ``retired`` (with a replacement
    said in the file); a floor may go only when its target, now enforced, is at least as strict.
    """
    retired = set(new.get("retired", []))
    problems = []
    for setting in settings(old):
        before = {(b.direction, b.metric): b for b in bounds(setting, old)}
        after = {(b.direction, b.metric): b for b in bounds(setting, new)} if setting in new else {}
        for key, was in before.items():
            now = after.get(key)
            if now is None:
                if was.metric not in retired:
                    problems.append(f"{setting}: {was.metric} left the gate without being retired")
                continue
            stricter = (lambda a, b: a >= b) if was.direction == "min" else (lambda a, b: a <= b)
            if not stricter(now.enforced, was.enforced):
                problems.append(f"{setting}: enforced {was.metric} went from {was.enforced:.2f} to {now.enforced:.2f}")
            if not stricter(now.target, was.target):
                problems.append(f"{setting}: target {was.metric} went from {was.target:.2f} to {now.target:.2f}")
    return problems
