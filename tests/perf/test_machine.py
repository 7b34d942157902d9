"""Machine facts and the RSS sampler; profiles name the function that spent the time."""

from __future__ import annotations

import numpy as np

from evals.perf.machine import RssSampler, machine_info, rss_mb
from evals.perf.profiling import profile


def test_machine_info_names_the_hardware() -> None:
    info = machine_info()
    assert info["cores"] >= 1 and info["ram_gb"] > 0
    assert info["cpu"] and info["python"].count(".") == 2 and info["torch"]


def test_sampler_sees_an_allocation() -> None:
    before = rss_mb()
    with RssSampler(interval_s=0.01) as sampler:
        block = np.ones(300 * 2**20 // 8)  # 300 MB, touched
        block += 1
        del block
    assert sampler.peak_mb >= before + 250


def _busy() -> float:
    return float(sum(i * i for i in range(400_000)))


def test_profile_finds_the_busy_function() -> None:
    hotspots, wall, stages = profile(lambda: [_busy() for _ in range(5)], top=5, interval_s=0.001)
    assert wall > 0
    assert any(h.function in ("_busy", "<genexpr>") for h in hotspots)
    assert stages == []  # nothing under /assistant/ ran
