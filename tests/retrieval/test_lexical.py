"""The BM25 index: tantivy on disk, kept in step with the docstore through its SQLite outbox.

A real ``Store`` (SQLite, tantivy, embedded Chroma) without the embedding model: chunk rows are
written as an ingest writes them, then ``finish_document`` and ``lexical.sync``, as ingest does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from assistant.retrieval.store import Store
from assistant.settings import Settings
from assistant.tokens import tokenize


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(Settings(data_dir=tmp_path / "data"))
    yield s
    s.close()


def write(store: Store, doc_id: str, texts: list[str], finish: bool = True) -> None:
    """Chunk rows as ``Store.write_chunks`` writes them, then the 'ok' commit of ``Store.finish_document``."""
    with closing(store._db.cursor()) as cur:
        cur.execute("BEGIN")
        cur.execute("INSERT INTO documents(doc_id, n_chunks, state, added) VALUES (?,?,'pending',0)",
                    (doc_id, len(texts)))
        cur.executemany('INSERT INTO chunks(chunk_id, doc_id, idx, start, "end", text, tokens) VALUES (?,?,?,?,?,?,?)',
                        [(f"{doc_id}-{i}", doc_id, i, 0, len(t), t, " ".join(tokenize(t)))
                         for i, t in enumerate(texts)])
        cur.execute("COMMIT")
    if finish:
        store.finish_document(doc_id)


def found(store: Store, query: str, k: int = 5) -> list[str]:
    return [h.chunk_id for h in store.ensure_lexical().search(query, k)]


def test_documents_are_found_once_synced_and_gone_once_removed(store: Store) -> None:
    write(store, "kiel", ["Die Stadt Kiel eröffnet eine neue Schleuse für 240 Millionen Euro.",
                          "Der Hafen rechnet mit mehr Schiffen."])
    write(store, "mond", ["Die Raumsonde landete auf dem Mond.", "Die Mission kostete 3,5 Milliarden Dollar."])
    write(store, "halb", ["Eine Schleuse, halb geschrieben."], finish=False)  # pending: never indexed
    assert found(store, "Schleuse in Kiel") == [] and store.lexical.behind() == 2  # ok, not yet synced
    assert store.lexical.sync() == 2 and store.lexical.behind() == 0
    assert found(store, "Schleuse in Kiel") == ["kiel-0"]
    assert found(store, "3,5 Milliarden") == ["mond-1"]  # a decimal stays one token
    assert len(store.ensure_lexical()) == 4
    assert store.lexical.state(store.ok_chunk_ids()) == "ok"

    store.remove_documents(["kiel"])
    assert store.lexical.behind() == 2  # its two chunks wait in the outbox
    store.lexical.sync()
    assert found(store, "Schleuse in Kiel") == []
    assert sorted(store.ensure_lexical().ids()) == ["mond-0", "mond-1"]


def test_scores_rank_the_rarer_term_higher_and_idf_stays_positive(store: Store) -> None:
    write(store, "a", ["Nordkorea schickt Soldaten nach Kursk.", "Nordkorea und Russland.", "Nordkorea droht."])
    store.lexical.sync()
    hits = store.ensure_lexical().search("Nordkorea Kursk", 3)
    assert hits[0].chunk_id == "a-0" and all(h.score > 0 for h in hits) and len(hits) == 3
    # a stem in every chunk of a small corpus still weighs something; an unknown one nothing
    assert 0 < store.lexical.idf(tokenize("Nordkorea")[0]) < store.lexical.idf(tokenize("Kursk")[0])
    assert store.lexical.idf("unbekanntwort") == 0.0


def test_a_sync_applied_twice_indexes_each_chunk_once(store: Store) -> None:
    """What a crash between tantivy's commit and the outbox's clearing leaves: the next sync redoes it."""
    write(store, "kiel", ["Die Stadt Kiel eröffnet eine Schleuse."])
    store.lexical.sync()
    store._db.execute("UPDATE documents SET lexical = 0")  # the outbox as if never cleared
    store.lexical.sync()
    assert store.ensure_lexical().ids() == ["kiel-0"]
    assert store.lexical.state(store.ok_chunk_ids()) == "ok"


@pytest.mark.parametrize("query", ['"', '" OR *', "NEAR(a b)", "a AND", "-", "^x", "(", "ÄÖÜ ß", "", "   ", "*:*"])
def test_query_syntax_in_questions_is_never_interpreted(store: Store, query: str) -> None:
    write(store, "x", ["Ein Text über Häfen."])
    store.lexical.sync()
    assert store.ensure_lexical().search(query, 5) == []


def test_an_empty_store_searches_nothing(store: Store) -> None:
    assert found(store, "Kiel") == [] and len(store.ensure_lexical()) == 0
    assert store.lexical.state(set()) == "missing"


def test_a_reader_process_sees_the_writers_sync(store: Store, tmp_path: Path) -> None:
    """Another process's reader reloads when the docstore version moves: no restart, no stale index."""
    reader = ("import sys; from pathlib import Path; from assistant.settings import Settings; "
              "from assistant.retrieval.store import Store; s = Store(Settings(data_dir=Path(sys.argv[1]))); "
              "print(len(s.ensure_lexical()))")
    write(store, "kiel", ["Die Stadt Kiel eröffnet eine Schleuse."])
    store.lexical.sync()
    run = [sys.executable, "-c", reader, str(tmp_path / "data")]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    assert subprocess.run(run, capture_output=True, text=True, env=env, timeout=120).stdout.strip() == "1"
    open_reader = Store(Settings(data_dir=tmp_path / "data"))
    try:
        assert len(open_reader.ensure_lexical()) == 1
        write(store, "mond", ["Die Raumsonde landete auf dem Mond."])
        store.lexical.sync()
        assert len(open_reader.ensure_lexical()) == 2
        assert [h.chunk_id for h in open_reader.ensure_lexical().search("Mond", 3)] == ["mond-0"]
    finally:
        open_reader.close()
