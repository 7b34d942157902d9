"""``assistant status --verify``: an index corrupted in each way is found out and repaired.

One real index of the default corpus is built per module; each test corrupts a copy of it
directly (Chroma ids deleted or added, the BM25 index deleted, garbled, holding strays or
behind its outbox, docstore rows changed) and checks what ``verify_index`` reports, that the index is consistent
afterwards, and that a gold question is still answered with its citation.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.ingest.ingestor import writer_lock
from assistant.retrieval.embed import Embedder
from assistant.retrieval.store import StoreError
from assistant.retrieval.verify_index import verify_index
from tests.conftest import CORPUS

PENTAGON = "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    data = tmp_path_factory.mktemp("verify") / "data"
    assistant = Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    assistant.ingest()
    assistant.close()
    return data


@pytest.fixture
def index(pristine: Path, tmp_path: Path, embedder: Embedder) -> Iterator[Assistant]:
    """An assistant on a fresh copy of the pristine index, to corrupt."""
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    assistant = Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    yield assistant
    assistant.close()


def sql(assistant: Assistant, statement: str, *args: object) -> list[tuple]:
    with sqlite3.connect(assistant.store.db_path) as db:
        return db.execute(statement, args).fetchall()


def verify(assistant: Assistant) -> dict:
    return verify_index(assistant.settings, assistant.store, assistant.embedder).to_dict()


def assert_consistent(assistant: Assistant, report: dict) -> None:
    store = assistant.store
    chunk_ids = store.chunk_ids()
    assert report["consistent"]
    assert store.chroma_ids() == chunk_ids and store.chroma_count() == len(chunk_ids)
    assert store.lexical.state(chunk_ids) == "ok" and set(store.ensure_lexical().ids()) == chunk_ids
    assert not store.documents("pending")
    assert set(store.sources().values()) <= {d.doc_id for d in store.documents("ok")}
    again = verify(assistant)  # a repaired index has nothing left to repair
    assert again["repaired"] == 0 and again["lexical"] == "ok", again


def assert_answers(assistant: Assistant) -> None:
    answer = assistant.ask(PENTAGON)
    assert not answer.abstained and "11.000" in answer.text
    assert answer.citations and "11.000" in answer.citations[0].quote


def test_clean_index_has_nothing_to_repair(index: Assistant) -> None:
    report = verify(index)
    assert report["repaired"] == 0 and report["lexical"] == "ok" and not report["lexical_rebuilt"]
    assert report["documents"] == 2 and report["chunks"] == report["vectors"] > 0
    assert_consistent(index, report)


def test_vectors_missing_from_chroma_are_reembedded_from_stored_text(index: Assistant) -> None:
    store = index.store
    victims = sorted(store.chunk_ids())[:3]
    before = store.collection.get(ids=victims, include=["embeddings"])
    old = dict(zip(before["ids"], np.asarray(before["embeddings"]), strict=True))
    rows_before = sql(index, "SELECT chunk_id, idx, vec FROM sentences ORDER BY chunk_id, idx")
    tokens_before = sql(index, "SELECT chunk_id, tokens FROM chunks ORDER BY chunk_id")
    store.collection.delete(ids=victims)
    assert store.chroma_count() == len(store.chunk_ids()) - 3

    report = verify(index)
    assert report["missing_vectors"] == 3 and report["reembedded"] == 3
    assert report["stray_vectors_deleted"] == 0 and report["pending_removed"] == 0
    after = store.collection.get(ids=victims, include=["embeddings"])
    for cid, vec in zip(after["ids"], np.asarray(after["embeddings"]), strict=True):
        assert float(np.dot(vec, old[cid])) > 0.999, cid  # the same model on the same text
    # nothing else was recomputed
    assert sql(index, "SELECT chunk_id, idx, vec FROM sentences ORDER BY chunk_id, idx") == rows_before
    assert sql(index, "SELECT chunk_id, tokens FROM chunks ORDER BY chunk_id") == tokens_before
    assert_consistent(index, report)
    assert_answers(index)


def test_stray_chroma_ids_are_deleted(index: Assistant) -> None:
    store = index.store
    dim = index.embedder.dimension
    store.collection.add(ids=["stray-1", "stray-2"], embeddings=[[0.1] * dim, [0.2] * dim],
                         documents=["Fremdkörper eins", "Fremdkörper zwei"])
    report = verify(index)
    assert report["stray_vectors_deleted"] == 2 and report["reembedded"] == 0
    assert not {"stray-1", "stray-2"} & store.chroma_ids()
    assert_consistent(index, report)


def garble_bm25_files(data: Path) -> None:
    """Overwrite every file of the tantivy index: what a torn disk leaves."""
    for file in (data / "lexical").iterdir():
        if file.is_file():
            file.write_bytes(os.urandom(max(file.stat().st_size, 64)))


def add_stray_bm25_doc(data: Path) -> None:
    import tantivy

    from assistant.retrieval.lexical import _schema

    writer = tantivy.Index(_schema(), path=str(data / "lexical"), reuse=True).writer(heap_size=15_000_000,
                                                                                     num_threads=1)
    writer.add_document(tantivy.Document(cid="stray-0000", tokens="nordkorea soldat kursk"))
    writer.commit()
    writer.wait_merging_threads()


@pytest.mark.parametrize("damage", ["deleted", "garbled", "stray", "behind"])
def test_bm25_index_damage_is_repaired(index: Assistant, damage: str) -> None:
    data = index.settings.data_dir
    if damage == "deleted":
        shutil.rmtree(data / "lexical")
    elif damage == "garbled":
        garble_bm25_files(data)
    elif damage == "stray":
        add_stray_bm25_doc(data)
    else:  # killed between tantivy's commit and the clearing of the outbox, or never synced
        sql(index, "UPDATE documents SET lexical = 0")
    report = verify(index)
    expected = {"deleted": "missing", "garbled": "corrupt", "stray": "mismatched", "behind": "behind"}[damage]
    assert report["lexical"] == expected and report["repaired"] == 1
    assert report["lexical_rebuilt"] == (damage != "behind")  # the outbox alone repairs what is behind
    assert_consistent(index, report)
    assert_answers(index)
    hits = index.store.ensure_lexical().search("nordkoreanische Soldaten Kursk", 5)
    assert hits and all(h.chunk_id in index.store.chunk_ids() for h in hits)


def test_questions_survive_a_garbled_bm25_index_without_verify(pristine: Path, tmp_path: Path,
                                                               embedder: Embedder) -> None:
    """A reader meeting a damaged BM25 index answers from dense retrieval instead of failing every question."""
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    garble_bm25_files(data)
    assistant = Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    try:
        assert assistant.store.ensure_lexical().search("nordkoreanische Soldaten", 5) == []
        assert_answers(assistant)
        report = verify(assistant)
        assert report["lexical"] == "corrupt" and report["lexical_rebuilt"]
        assert assistant.store.ensure_lexical().search("nordkoreanische Soldaten", 5)
    finally:
        assistant.close()


def test_an_index_from_before_the_bm25_index_is_caught_up_by_the_next_ingest(pristine: Path, tmp_path: Path,
                                                                            embedder: Embedder) -> None:
    """A store written with the old in-RAM snapshot: no ``lexical`` column, no tantivy folder, a ``bm25`` one."""
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    with sqlite3.connect(data / "docstore.sqlite") as db:
        db.execute("DROP INDEX documents_unsynced")
        db.execute("ALTER TABLE documents DROP COLUMN lexical")
        db.execute("DROP TABLE lexical_removed")
    shutil.rmtree(data / "lexical")
    (data / "bm25").mkdir()
    (data / "bm25" / "ids.json").write_text("{}")
    assistant = Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    try:
        assert_answers(assistant)  # dense retrieval alone meanwhile: a reader does not write
        assert assistant.store.lexical.behind() == 2
        report = assistant.ingest()
        assert report.unchanged == 2 and report.chunks == 0  # nothing embedded
        assert not (data / "bm25").exists()
        assert set(assistant.store.ensure_lexical().ids()) == assistant.store.chunk_ids()
        assert verify(assistant)["repaired"] == 0
    finally:
        assistant.close()


def test_pending_document_with_all_parts_is_finished(index: Assistant) -> None:
    doc = index.store.documents("ok")[0]
    sql(index, "UPDATE documents SET state='pending' WHERE doc_id=?", doc.doc_id)
    report = verify(index)
    assert report["pending_finished"] == 1 and report["pending_removed"] == 0 and report["reembedded"] == 0
    assert report["documents"] == 2
    assert_consistent(index, report)


def test_pending_document_with_parts_missing_is_removed_and_redone_by_ingest(index: Assistant) -> None:
    doc = next(d for d in index.store.documents("ok") if d.n_chunks > 1)
    chunk_count = index.store.chunk_count()
    sql(index, "UPDATE documents SET state='pending' WHERE doc_id=?", doc.doc_id)
    sql(index, "DELETE FROM chunks WHERE chunk_id=?", f"{doc.doc_id}-0001")
    report = verify(index)
    assert report["pending_removed"] == 1 and report["pending_finished"] == 0
    assert report["dangling_sources_dropped"] == 1  # its file's manifest entry pointed at it
    assert report["documents"] == 1 and doc.doc_id not in {d.doc_id for d in index.store.documents()}
    assert not any(c.startswith(doc.doc_id) for c in index.store.chroma_ids())
    assert_consistent(index, report)
    redo = index.ingest()
    assert redo.added == 1 and redo.unchanged == 1 and redo.chunks == doc.n_chunks
    assert index.store.chunk_count() == chunk_count
    assert_consistent(index, verify(index))
    assert_answers(index)


def test_ok_document_missing_sentence_rows_is_removed(index: Assistant) -> None:
    doc = index.store.documents("ok")[0]
    sql(index, "DELETE FROM sentences WHERE chunk_id=?", f"{doc.doc_id}-0000")
    report = verify(index)
    assert report["incomplete_removed"] == 1 and report["documents"] == 1
    assert_consistent(index, report)


def test_dangling_source_and_orphaned_chunk_rows_are_dropped(index: Assistant) -> None:
    doc = index.store.documents("ok")[0]
    sql(index, "INSERT INTO sources(origin, doc_id) VALUES ('/gone/file.txt', 'no-such-document')")
    sql(index, "DELETE FROM documents WHERE doc_id=?", doc.doc_id)  # its chunk rows and vectors are orphans now
    report = verify(index)
    assert report["dangling_sources_dropped"] == 2  # the invented entry and the one of the deleted document
    assert report["orphan_chunks_removed"] == doc.n_chunks and report["stray_vectors_deleted"] == 0
    assert not any(c.startswith(doc.doc_id) for c in index.store.chroma_ids() | index.store.chunk_ids())
    assert_consistent(index, report)


def test_verify_refuses_while_an_ingest_holds_the_lock(index: Assistant) -> None:
    with writer_lock(index.settings), pytest.raises(StoreError, match="ingest is writing"):
        verify_index(index.settings, index.store, index.embedder)


def test_cli_status_verify_reports_and_repairs(pristine: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    shutil.rmtree(data / "lexical")
    with sqlite3.connect(data / "docstore.sqlite") as db:
        db.execute("INSERT INTO sources(origin, doc_id) VALUES ('/gone.txt', 'nothing')")
    cmd = [sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "status", "--verify", "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    report = info["verify"]
    assert report["lexical"] == "missing" and report["lexical_rebuilt"]
    assert report["dangling_sources_dropped"] == 1 and report["consistent"] and report["repaired"] == 2
