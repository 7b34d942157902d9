from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli
from tests.conftest import CORPUS, REPO


def _run(*args: str, data: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CORPUS_DIR": str(CORPUS), **(env or {})}
    exe = Path(sys.executable).parent / "assistant"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=full_env, cwd=REPO, timeout=600)


def test_ingest_ask_json_status(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest = _run("ingest", data=data)
    assert ingest.returncode == 0, ingest.stderr
    assert "added 2" in ingest.stdout

    ask = _run("ask", "--json", "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?",
               data=data)
    assert ask.returncode == 0, ask.stderr
    out = json.loads(ask.stdout)
    assert set(out) == {"text", "abstained", "citations", "nearest", "short_answer", "short_answers"}
    assert "11.000" in out["text"] and not out["abstained"]
    short = out["short_answer"]  # first in the text, and a span of the sentence cited as [1]
    assert out["text"].startswith(f"{short['text']} [1].")
    assert out["citations"][0]["quote"][short["start"]: short["end"]] == "etwa 11.000 nordkoreanische Soldaten"
    assert {"number", "doc_id", "title", "text", "score", "start", "end"} <= set(out["citations"][0])

    status = _run("status", "--json", data=data)
    info = json.loads(status.stdout)
    assert info["documents"] == 2 and info["chunks"] > 0


def test_bad_question_exits_with_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "ask", "   "])
    assert result.exit_code == 2
    assert "error:" in result.output


def test_missing_model_names_the_command(tmp_path: Path) -> None:
    result = _run("ingest", data=tmp_path / "d", env={"ASSISTANT_MODELS_DIR": str(tmp_path / "nomodels")})
    assert result.returncode == 2
    assert "assistant models fetch" in result.stderr


def test_unreachable_chroma_server_names_the_url(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9"
    result = _run("ingest", data=tmp_path / "d", env={"ASSISTANT_CHROMA_URL": url})
    assert result.returncode == 2
    assert url in result.stderr


def test_reembed_takes_no_paths(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "ingest", "--reembed", "corpus"])
    assert result.exit_code == 2 and "--reembed works on the whole index" in result.output


def test_reembed_of_an_empty_index_has_nothing_to_do(tmp_path: Path) -> None:
    result = _run("ingest", "--reembed", data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert "nothing to do" in result.stdout


def test_a_plain_bench_rewrites_no_tracked_file(tmp_path: Path) -> None:
    """Only ``--doc`` writes the report: a plain run leaves docs/BENCHMARKS.md and its plot alone."""
    from evals.perf.runner import PHASES

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "BENCHMARKS.md").write_text("tracked\n")
    skips = [arg for phase in PHASES for arg in ("--skip", phase)]  # every phase out: only the CLI's own writing
    exe = Path(sys.executable).parent / "assistant"
    done = subprocess.run([str(exe), "bench", "--quick", "--work", str(tmp_path / "work"), *skips], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (docs / "BENCHMARKS.md").read_text() == "tracked\n" and sorted(p.name for p in docs.iterdir()) == [
        "BENCHMARKS.md"]
    written = subprocess.run([str(exe), "bench", "--quick", "--work", str(tmp_path / "work"), *skips, "--doc",
                              str(docs / "BENCHMARKS.md")], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert written.returncode == 0, written.stderr
    assert (docs / "BENCHMARKS.md").read_text() != "tracked\n" and (docs / "benchmarks.png").exists()
