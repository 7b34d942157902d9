"""The test halves are frozen: written before the code they measure, never edited afterwards.

A threshold chosen while looking at a test half would make its figure flatter; this fails when a
line of a test half changes, is added or removed. Dev halves may grow freely.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EVALS

FROZEN = [
    # (file, which lines form the test half, number of lines, sha256 of those lines joined by "\n")
    ("answerability.jsonl", lambda o: o["split"] == "test", 102,
     "0624f3e18026ff8ef46d66e7f4229f5c3384fa105518d8fd916abbd7f858ac7c"),
    ("reasons.jsonl", lambda o: o["split"] == "test", 16,
     "32d4b687956638b2cd51c93c1485853ac8c385cafe71157dbda7ea4be60bda18"),
    ("data/support_labels.jsonl", lambda o: o["split"] == "held_out", 121,
     "e3580214c5f5947503b6caf1a6606618f8bbe23497874a32b70dde805ed785d7"),
]


@pytest.mark.parametrize(("name", "is_test", "count", "digest"), FROZEN, ids=[f[0] for f in FROZEN])
def test_test_half_is_unchanged(name: str, is_test: Callable[[dict], bool], count: int, digest: str) -> None:
    lines = [line.rstrip("\n") for line in (EVALS / name).read_text(encoding="utf-8").splitlines()
             if line.strip() and is_test(json.loads(line))]
    assert len(lines) == count, f"{name}: the test half has {len(lines)} lines, frozen with {count}"
    assert hashlib.sha256("\n".join(lines).encode()).hexdigest() == digest, f"{name}: a test-half line was edited"


def test_frozen_files_exist() -> None:
    assert all(Path(EVALS / name).is_file() for name, *_ in FROZEN)
