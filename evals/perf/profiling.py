"""Where the time goes: pyinstrument profiles of ingest and retrieval, summarised as hotspots.

A hotspot is a function's *self* time (time in its own code, or in C code it calls
that pyinstrument cannot see into) as a share of the profiled wall time; these
are what ``docs/BENCHMARKS.md`` lists. ``py-spy record`` gives the same picture
from outside the process: ``py-spy record -o ingest.svg -- assistant ingest DIR``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hotspot:
    function: str
    where: str
    seconds: float
    share: float  # of the profiled wall time

    def to_dict(self) -> dict[str, Any]:
        return {"function": self.function, "where": self.where, "seconds": round(self.seconds, 3),
                "share": round(self.share, 4)}


def profile(fn: Callable[[], Any], top: int = 10, interval_s: float = 0.005, package: str = "/assistant/"
            ) -> tuple[list[Hotspot], float, list[Hotspot]]:
    """Run ``fn`` under pyinstrument: top self-time functions, wall time, and our own functions' cumulative time.

    The cumulative list covers functions whose file is under ``package`` (the assistant's
    modules), each counted once however deep it recurses: the stage breakdown.
    """
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval_s)
    profiler.start()
    try:
        fn()
    finally:
        profiler.stop()
    session = profiler.last_session
    root = session.root_frame() if session else None
    if root is None:
        return [], 0.0, []
    self_time: dict[tuple[str, str], float] = defaultdict(float)
    cumulative: dict[tuple[str, str], float] = defaultdict(float)
    stack: list[tuple[Any, frozenset[tuple[str, str]]]] = [(root, frozenset())]
    while stack:
        frame, above = stack.pop()
        key = (frame.function or "?", f"{frame.file_path_short}:{frame.line_no}")
        if not frame.is_synthetic and package in (frame.file_path or "") and key not in above:
            cumulative[key] += frame.time
        stack.extend((child, above | {key}) for child in frame.children)
        if frame.is_synthetic:  # "[self]" leaves: already in their parent's total_self_time
            continue
        self_time[key] += frame.total_self_time
    total = session.duration

    def ranked(table: dict[tuple[str, str], float]) -> list[Hotspot]:
        best = sorted(table.items(), key=lambda kv: -kv[1])[:top]
        return [Hotspot(f, w, s, s / total if total else 0.0) for (f, w), s in best]

    return ranked(self_time), total, ranked(cumulative)
