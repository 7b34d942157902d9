"""The layout is part of the design: the package split by pipeline stage, tests mirroring it, and the
eval harness kept out of the product."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

from tests.conftest import REPO

STAGES = ("ingest", "retrieval", "grounding", "answering", "web")


def test_every_module_imports_without_the_eval_harness() -> None:
    code = ("import importlib, pkgutil, sys, assistant\n"
            "for m in pkgutil.walk_packages(assistant.__path__, 'assistant.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(k for k in sys.modules if k == 'evals' or k.startswith('evals.')))")
    # from a folder where no evals/ is importable either
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO / "assistant", capture_output=True, text=True,
                         timeout=300, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_the_eval_harness_is_not_installed_with_the_package() -> None:
    found = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert found["include"] == ["assistant*"]


def test_the_package_is_split_by_stage_and_the_tests_mirror_it() -> None:
    for stage in STAGES:
        modules = sorted(p.stem for p in (REPO / "assistant" / stage).glob("*.py") if p.stem != "__init__")
        assert modules, stage
        assert (REPO / "tests" / stage).is_dir(), stage
    flat = sorted(p.stem for p in (REPO / "assistant").glob("*.py") if p.stem != "__init__")
    assert len(flat) <= 10, f"the top level is for what every stage shares: {flat}"
    for test in (REPO / "tests").glob("*/test_*.py"):
        mirrored = REPO / ("evals" if test.parent.name in ("evals", "perf") else "assistant")
        if test.parent.name == "perf":
            mirrored = mirrored / "perf"
        elif test.parent.name != "evals":
            mirrored = mirrored / test.parent.name
        assert mirrored.is_dir(), test
