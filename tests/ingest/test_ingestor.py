from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from assistant import Assistant
from tests.conftest import CORPUS

NEW_ARTICLE = """Neue Schleuse in Kiel eröffnet

Die Stadt Kiel hat am Dienstag eine neue Schleuse für 240 Millionen Euro eröffnet. Sie soll 40 Jahre halten.
"""


def _consistent(a: Assistant) -> None:
    """Chroma, the docstore and the BM25 index hold the same chunks, each once."""
    ids = a.store.chunk_ids()
    assert a.store.chroma_ids() == ids
    assert sorted(a.store.ensure_lexical().ids()) == sorted(ids) and a.store.lexical.state(ids) == "ok"


def test_incremental_reingest(tmp_path: Path, make_assistant: Callable[..., Assistant]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    a = make_assistant(corpus_dir=corpus)

    first = a.ingest()
    assert (first.added, first.updated, first.removed, first.unchanged) == (2, 0, 0, 0)
    assert first.chunks == a.store.chunk_count() > 0
    _consistent(a)

    again = a.ingest()
    assert (again.added, again.unchanged, again.chunks) == (0, 2, 0)

    # same content under another name: stored once
    src = next(corpus.glob("000_*.txt"))
    shutil.copy(src, corpus / "copy_of_000.txt")
    dup = a.ingest()
    assert dup.duplicates == 1 and dup.chunks == 0 and len(a.documents()) == 2

    # a changed file replaces its document
    (corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    added = a.ingest()
    assert added.added == 1 and len(a.documents()) == 3
    (corpus / "new.txt").write_text(NEW_ARTICLE.replace("240", "250"), encoding="utf-8")
    changed = a.ingest()
    assert (changed.updated, changed.removed, changed.added) == (1, 0, 0)
    assert len(a.documents()) == 3
    _consistent(a)
    answer = a.ask("Wie viel hat die neue Schleuse in Kiel gekostet?")
    assert "250" in answer.text and "240" not in answer.text

    # deleting a file removes its document; the duplicate keeps the shared one alive
    (corpus / "new.txt").unlink()
    src.unlink()
    gone = a.ingest()
    assert gone.removed == 1 and len(a.documents()) == 2
    _consistent(a)


def test_ingesting_another_path_keeps_the_first(tmp_path: Path, make_assistant: Callable[..., Assistant]) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "kiel.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    a = make_assistant()
    a.ingest()
    report = a.ingest([other])
    assert report.added == 1 and report.removed == 0
    assert len(a.documents()) == 3


def test_empty_corpus_gives_a_clear_message(tmp_path: Path, make_assistant: Callable[..., Assistant]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    a = make_assistant(corpus_dir=empty)
    report = a.ingest()
    assert (report.added, report.chunks) == (0, 0)
    answer = a.ask("Wie viele Soldaten sind in Kursk?")
    assert answer.abstained and "leer" in answer.text


def test_unchanged_reingest_loads_no_model(tmp_path: Path, make_assistant: Callable[..., Assistant]) -> None:
    a = make_assistant()
    a.ingest()
    fresh = Assistant(a.settings)  # no shared embedder: it would have to load one
    report = fresh.ingest()
    assert report.unchanged == 2 and fresh._embedder is None
    fresh.close()
