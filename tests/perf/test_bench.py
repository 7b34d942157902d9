"""``assistant bench --quick`` end to end: every key reported, the report written. It asserts no timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from evals.perf.report import GENERATED
from evals.perf.summary import KEYS


def test_quick_bench_reports_every_key(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "assistant"
    out, doc = tmp_path / "bench.json", tmp_path / "BENCHMARKS.md"
    done = subprocess.run([str(exe), "bench", "--quick", "--json", str(out), "--doc", str(doc),
                           "--work", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=1800, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert set(KEYS) <= set(result)
    assert result["quick"] is True and "local" in result["skipped"]
    assert result["errors"] == {}, result["errors"]
    # the quick run measures everything but the LLM and the 1M-vector server
    measured = [k for k in KEYS if not k.startswith(("local_", "chroma_server_1m", "whatif_"))]
    assert [k for k in measured if result[k] is None] == []
    assert result["ingest_chunks_per_s"] > 0 and result["chroma_server_vectors"] == 10_000
    text = doc.read_text(encoding="utf-8")
    assert GENERATED in text and "ingest_vs_torch_raw" in text
    assert (tmp_path / "benchmarks.png").exists()
    assert "ingest_vs_torch_raw" in done.stdout
