from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.models import ModelMissingError, resolve_embedding, resolve_gguf


def test_missing_embedding_names_the_fetch_command(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="assistant models fetch"):
        resolve_embedding("embeddinggemma-300m", tmp_path)


def test_missing_gguf_names_the_fetch_command(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="models fetch --llm"):
        resolve_gguf(None, tmp_path)


def test_other_models_pass_through(tmp_path: Path) -> None:
    assert resolve_embedding("/some/local/sentence-transformer", tmp_path) == "/some/local/sentence-transformer"


def test_ingest_without_models_fails_clearly(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Titel\n\nText.", encoding="utf-8")
    a = Assistant(Settings(data_dir=tmp_path / "d", corpus_dir=corpus, models_dir=tmp_path / "none"))
    with pytest.raises(ModelMissingError, match="assistant models fetch"):
        a.ingest()
    assert a.store.documents() == []  # nothing half-written
    a.close()
