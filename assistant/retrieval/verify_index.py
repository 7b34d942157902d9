"""``assistant status --verify``: check Chroma, the BM25 index and the manifest against each other, and repair.

The SQLite docstore is the source of truth: it holds every chunk's text, offsets, tokens
and sentence vectors. So whatever Chroma or the BM25 index lost can be restored from
it — vectors missing from Chroma are re-embedded from the stored chunk texts (nothing
else is recomputed), the FTS5 table is refilled from the stored tokens — and whatever they
hold that the docstore does not know is deleted. Half-written documents are finished when
all their parts are there and removed otherwise; the next ingest redoes them.

It takes the writer lock, like an ingest: repairs must not race another writer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.ingest.ingestor import exclusive
from assistant.retrieval.embed import Embedder
from assistant.retrieval.store import DocumentInfo, Store, StoreError
from assistant.settings import Settings

REEMBED_BATCH = 64


@dataclass
class VerifyReport:
    """What was found, and what was done about it; counts of documents, chunks or vectors."""

    documents: int = 0  # 'ok' documents after repair
    chunks: int = 0
    vectors: int = 0  # Chroma entries after repair
    pending_finished: int = 0  # pending documents with every part written: marked ok
    pending_removed: int = 0  # pending documents with parts missing: removed, the next ingest redoes them
    incomplete_removed: int = 0  # 'ok' documents missing chunk or sentence rows: removed likewise
    orphan_chunks_removed: int = 0  # chunk rows whose document row is gone
    missing_vectors: int = 0  # docstore chunks absent from Chroma ...
    reembedded: int = 0  # ... and re-embedded from their stored text
    stray_vectors_deleted: int = 0  # Chroma ids with no docstore chunk
    dangling_sources_dropped: int = 0  # manifest entries pointing at a document that is not there
    unreferenced_documents: int = 0  # documents no source names (an interrupted run's): kept for the next ingest
    lexical: str = "ok"  # the BM25 index as found: ok, missing, corrupt, behind (outbox not applied) or mismatched
    lexical_rebuilt: bool = False
    consistent: bool = False  # after repair: Chroma ids == BM25 ids == docstore chunk ids
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def repaired(self) -> int:
        return (self.pending_finished + self.pending_removed + self.incomplete_removed + self.orphan_chunks_removed
                + self.reembedded + self.stray_vectors_deleted + self.dangling_sources_dropped
                + int(self.lexical != "ok"))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "repaired": self.repaired}


def verify_index(settings: Settings, store: Store, embedder: Embedder | Callable[[], Embedder] | None = None,
                 lock_wait_s: float = 0.0) -> VerifyReport:
    """Check and repair the index under ``settings.data_dir``; the embedding model loads only if vectors are missing."""
    with exclusive(settings, lock_wait_s, StoreError, "run the check again when it has finished."):
        return _Verifier(settings, store, embedder).run()


class _Verifier:
    def __init__(self, settings: Settings, store: Store, embedder: Embedder | Callable[[], Embedder] | None) -> None:
        self.settings = settings
        self.store = store
        self._embedder = embedder
        self.report = VerifyReport()

    def run(self) -> VerifyReport:
        started = time.perf_counter()
        store, report = self.store, self.report
        report.lexical = store.lexical.state(store.ok_chunk_ids())
        self._settle_documents()
        self._sync_vectors()
        self._sync_sources()
        if report.lexical in ("ok", "behind"):
            store.lexical.sync()  # the outbox (and what settling the documents changed) is the repair
        if report.lexical not in ("ok", "behind") or store.lexical.state(store.ok_chunk_ids()) != "ok":
            store.lexical.rebuild()
            report.lexical_rebuilt = True
        chunk_ids = store.chunk_ids()
        chroma_ids = store.chroma_ids()
        report.documents = len(store.documents("ok"))
        report.chunks = len(chunk_ids)
        report.vectors = store.chroma_count()
        report.consistent = (chroma_ids == chunk_ids and report.vectors == len(chunk_ids)
                             and store.lexical.state(chunk_ids) == "ok")
        report.seconds = round(time.perf_counter() - started, 2)
        return report

    # --- the manifest ---------------------------------------------------------------------
    def _settle_documents(self) -> None:
        """Pending documents are finished or removed; incomplete 'ok' ones and orphaned chunk rows removed."""
        store, report = self.store, self.report
        owners = store.chunk_owners()
        by_doc: dict[str, list[str]] = {}
        for chunk_id, doc_id in owners.items():
            by_doc.setdefault(doc_id, []).append(chunk_id)
        sentence_counts = store.sentence_counts()
        documents = store.documents()
        chroma_ids = store.chroma_ids() if any(d.state != "ok" for d in documents) else set()

        def complete(doc: DocumentInfo) -> bool:
            chunks = by_doc.get(doc.doc_id, [])
            return len(chunks) == doc.n_chunks and all(sentence_counts.get(c, 0) > 0 for c in chunks)

        remove: list[str] = []
        for doc in documents:
            if doc.state == "ok":
                if not complete(doc):
                    report.incomplete_removed += 1
                    remove.append(doc.doc_id)
            elif complete(doc) and all(c in chroma_ids for c in by_doc.get(doc.doc_id, [])):
                store.finish_document(doc.doc_id)
                report.pending_finished += 1
            else:
                report.pending_removed += 1
                remove.append(doc.doc_id)
        known = {d.doc_id for d in documents}
        orphans = sorted({doc_id for doc_id in by_doc if doc_id not in known})
        report.orphan_chunks_removed = sum(len(by_doc[d]) for d in orphans)
        # remove_documents deletes by doc_id, so it also clears chunk rows whose document row is gone
        store.remove_documents(remove + orphans)

    def _sync_sources(self) -> None:
        store, report = self.store, self.report
        present = {d.doc_id for d in store.documents("ok")}
        sources = store.sources()
        dangling = [origin for origin, doc_id in sources.items() if doc_id not in present]
        if dangling:
            store.set_sources({}, dangling)
            report.dangling_sources_dropped = len(dangling)
        report.unreferenced_documents = len(present - set(sources.values()))

    # --- Chroma -------------------------------------------------------------------------------
    def _sync_vectors(self) -> None:
        store, report = self.store, self.report
        chunk_ids = store.chunk_ids()
        chroma_ids = store.chroma_ids()
        stray = sorted(chroma_ids - chunk_ids)
        for lo in range(0, len(stray), 1000):
            store.delete_vectors(stray[lo: lo + 1000])
        report.stray_vectors_deleted = len(stray)
        missing = sorted(chunk_ids - chroma_ids)
        report.missing_vectors = len(missing)
        if not missing:
            return
        embedder = self._model()
        titles = {d.doc_id: d.title for d in store.documents()}
        headlines = store.headlines()
        for lo in range(0, len(missing), REEMBED_BATCH):
            stored = store.get_chunks(missing[lo: lo + REEMBED_BATCH], with_vectors=False)
            chunks = [stored[cid].as_chunk() for cid in missing[lo: lo + REEMBED_BATCH] if cid in stored]
            # sentence vectors are already stored: not rewritten
            vectors, _ = embedder.embed_chunks(chunks, [headlines.get(c.doc_id, "") for c in chunks])
            store.put_vectors(chunks, vectors, titles)
            report.reembedded += len(chunks)

    def _model(self) -> Embedder:
        if isinstance(self._embedder, Embedder):
            embedder = self._embedder
        elif self._embedder is not None:
            embedder = self._embedder()
        else:
            s = self.settings
            embedder = Embedder.from_settings(s)
        # vectors of another model would rank nonsense next to the stored ones
        self.store.check_signature(embedder.signature)
        return embedder
