"""Targets and regression floors: what CI enforces, what it prints, and that floors only go up."""

from __future__ import annotations

import shutil
import subprocess
import tomllib

import pytest

from evals.floors import Bound, bounds, check, load_thresholds, lowered, status
from tests.conftest import REPO

THRESHOLDS = "evals/thresholds.toml"
LOWERING_COMMIT = "061a8e0"  # lowered the known-gap ratchets in one commit, against the file's own rule


def metrics(value: float, metric: str = "fact_accuracy") -> dict:
    return {"extractive": {"all": {metric: value}}}


def test_the_floor_is_enforced_while_the_target_is_not_met() -> None:
    t = {"default": {"targets": {"min": {"fact_accuracy": 0.9}}, "floors": {"min": {"fact_accuracy": 0.6}}}}
    assert check(metrics(0.7), "default", t) == []
    (failure,) = check(metrics(0.5), "default", t)
    assert "regression floor >= 0.60 (enforced)" in str(failure) and "target >= 0.90 (not met)" in str(failure)
    assert status(metrics(0.95), "default", t) == [
        "extractive: fact_accuracy = 0.950: target >= 0.90 (met: remove the floor), "
        "regression floor >= 0.60 (enforced)"]


def test_without_a_floor_the_target_is_enforced() -> None:
    t = {"default": {"targets": {"max": {"wrong_abstention": 0.05}}}}
    assert status(metrics(0.02, "wrong_abstention"), "default", t) == [
        "extractive: wrong_abstention = 0.020: target <= 0.05 (enforced)"]
    assert len(check(metrics(0.06, "wrong_abstention"), "default", t)) == 1


def test_the_earlier_format_is_read_as_targets_and_floors() -> None:
    old = {"default": {"min": {"fact_accuracy": 0.9}, "known_gaps": {"fact_accuracy": 0.7}}}
    assert bounds("default", old) == [Bound("fact_accuracy", "min", 0.9, 0.7)]


def test_lowering_a_floor_or_a_target_is_caught() -> None:
    old = {"default": {"targets": {"min": {"fact_accuracy": 0.9}, "max": {"wrong_abstention": 0.05}},
                       "floors": {"min": {"fact_accuracy": 0.7}}}}
    same = tomllib.loads("")
    assert lowered(old, old) == [] and lowered(same, old) == []
    lower = {"default": {"targets": {"min": {"fact_accuracy": 0.9}, "max": {"wrong_abstention": 0.05}},
                         "floors": {"min": {"fact_accuracy": 0.65}}}}
    assert lowered(old, lower) == ["default: enforced fact_accuracy went from 0.70 to 0.65"]
    looser = {"default": {"targets": {"min": {"fact_accuracy": 0.9}, "max": {"wrong_abstention": 0.06}},
                          "floors": {"min": {"fact_accuracy": 0.7}}}}
    assert len(lowered(old, looser)) == 2  # the enforced ceiling and the target both moved
    met = {"default": {"targets": {"min": {"fact_accuracy": 0.9}, "max": {"wrong_abstention": 0.05}}}}
    assert lowered(old, met) == []  # a floor removed because its target is now enforced
    dropped = {"default": {"targets": {"max": {"wrong_abstention": 0.05}}}}
    assert lowered(old, dropped) == ["default: fact_accuracy left the gate without being retired"]
    assert lowered(old, {**dropped, "retired": ["fact_accuracy"]}) == []


def _git(*args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return out.stdout if out.returncode == 0 else None


def test_regression_floors_never_go_down_against_the_previous_commit() -> None:
    previous = _git("show", f"HEAD~1:{THRESHOLDS}")
    if previous is None:
        pytest.skip("no previous commit with evals/thresholds.toml (shallow clone or first commit)")
    problems = lowered(tomllib.loads(previous), load_thresholds())
    assert problems == [], "regression floors or targets were lowered:\n" + "\n".join(problems)


def test_the_check_would_have_caught_the_lowering_in_061a8e0() -> None:
    before, after = _git("show", f"{LOWERING_COMMIT}~1:{THRESHOLDS}"), _git("show", f"{LOWERING_COMMIT}:{THRESHOLDS}")
    if before is None or after is None:
        pytest.skip(f"commit {LOWERING_COMMIT} is not in this clone's history")
    problems = lowered(tomllib.loads(before), tomllib.loads(after))
    assert "default: enforced fact_accuracy went from 0.75 to 0.70" in problems
    assert len(problems) == 9
