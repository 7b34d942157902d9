"""The ONNX export that ``assistant models fetch`` builds: checksummed, tied to its weights, never half there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assistant.models import embed_dir, sha256_file
from assistant.retrieval.onnx_export import GRAPH, WEIGHTS, digests, is_current, onnx_dir, resolve_onnx
from assistant.settings import Settings


def test_the_fetched_graph_is_current_and_checksummed() -> None:
    models = Settings().models_dir
    folder = onnx_dir(models, "embeddinggemma-300m")
    assert resolve_onnx(models, "embeddinggemma-300m") == folder / GRAPH
    assert is_current(folder, embed_dir(models))
    info = json.loads((folder / "export.json").read_text())
    assert set(info["sha256"]) == {GRAPH, WEIGHTS} and info["relative_error"] < 1e-4


def _fake_export(folder: Path, source: Path) -> None:
    folder.mkdir(parents=True)
    (folder / GRAPH).write_bytes(b"graph")
    (folder / WEIGHTS).write_bytes(b"weights")
    (source / "model.safetensors").write_bytes(b"source weights")
    info = {"source_sha256": sha256_file(source / "model.safetensors"), "sha256": digests(folder)}
    (folder / "export.json").write_text(json.dumps(info))


def test_a_changed_file_or_other_weights_make_the_export_stale(tmp_path: Path) -> None:
    source = tmp_path / "model"
    source.mkdir()
    folder = tmp_path / "model-onnx"
    _fake_export(folder, source)
    assert is_current(folder, source)
    (folder / WEIGHTS).write_bytes(b"weightz")  # damaged on disk
    assert not is_current(folder, source)
    shutil.rmtree(folder)
    _fake_export(folder, source)
    (source / "model.safetensors").write_bytes(b"other weights")  # the model was replaced
    assert not is_current(folder, source)
    (folder / "export.json").unlink()  # an export that never finished writes no record
    assert not is_current(folder, source)


def test_any_model_name_gets_its_own_folder(tmp_path: Path) -> None:
    assert onnx_dir(tmp_path, "embeddinggemma-300m").name == "embeddinggemma-300m-onnx"
    assert onnx_dir(tmp_path, "/home/me/models/e5 small/").name == "home_me_models_e5_small-onnx"
    assert onnx_dir(tmp_path, "org/model").parent == tmp_path
