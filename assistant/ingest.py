"""Incremental ingestion: diff the files against the manifest, embed only what is new.

Documents are identified by the hash of their content, so an unchanged file costs
a read and a hash, a renamed or duplicated one costs nothing, a changed one is
replaced and a deleted one removed. Work is written in bounded batches, so memory
stays flat however large the corpus, and a killed run is finished by the next one.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.chunking import Chunk, chunk_article
from assistant.corpus import Article, LoadProblem, absolute, iter_articles
from assistant.embed import Embedder
from assistant.killpoints import reached
from assistant.models import release_freed_memory
from assistant.settings import Settings
from assistant.store import Store

Progress = Callable[[int, int], None]
BATCH_CHUNKS = 64
TRIM_EVERY_BATCHES = 16


class IngestBusyError(RuntimeError):
    """Another process is writing to the same data directory."""


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0  # chunks embedded and written by this run
    duplicates: int = 0
    recovered: int = 0  # half-written documents of an interrupted run, redone
    problems: list[LoadProblem] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        text = (f"added {self.added}, updated {self.updated}, removed {self.removed}, unchanged {self.unchanged}, "
                f"duplicates {self.duplicates}, chunks written {self.chunks} in {self.seconds:.1f} s")
        if self.recovered:
            text += f", recovered {self.recovered} interrupted"
        return text


def writer_lock(settings: Settings, wait_s: float = 0.0) -> FileLock:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.data_dir / "write.lock"), timeout=wait_s)


@contextlib.contextmanager
def exclusive(settings: Settings, wait_s: float, busy: Callable[[str], Exception], then: str) -> Iterator[None]:
    """Hold the writer lock (ingest, re-embed and repair all write); else ``busy`` says who has it and ``then``."""
    lock = writer_lock(settings, wait_s)
    try:
        lock.acquire()
    except Timeout:
        raise busy(f"Another ingest is writing to {settings.data_dir} (lock {lock.lock_file}); {then}") from None
    try:
        yield
    finally:
        lock.release()


@dataclass
class _Plan:
    """What the files ask for, as ids only: small however many articles there are."""

    desired: dict[str, str] = field(default_factory=dict)  # origin -> doc_id, first article wins
    to_write: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)  # documents an updated file's new content replaces
    chunks: int = 0  # chunks to write, for progress


def _in_scope(origin: str, roots: Sequence[Path]) -> bool:
    path = origin.split("#", 1)[0]
    return any(path == str(r) or path.startswith(str(r).rstrip("/") + "/") for r in roots)


class Ingestor:
    """Brings the index in line with a set of files and folders."""

    def __init__(self, settings: Settings, store: Store, embedder: Callable[[], Embedder]) -> None:
        self.settings = settings
        self.store = store
        self._embedder = embedder  # a factory: an unchanged corpus never loads the model

    def run(self, paths: Iterable[Path], progress: Progress | None = None, lock_wait_s: float = 0.0) -> IngestReport:
        with exclusive(self.settings, lock_wait_s, IngestBusyError, "wait for it to finish and run again."):
            return self._run(list(paths), progress)

    def _run(self, paths: list[Path], progress: Progress | None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        store = self.store

        interrupted = [d.doc_id for d in store.documents(state="pending")]
        report.recovered = store.remove_documents(interrupted)

        plan = self._plan(paths, report)
        roots = [absolute(p) for p in paths]
        gone = [o for o in store.sources() if o not in plan.desired and _in_scope(o, roots)]
        report.chunks = self._write(paths, plan.to_write, plan.chunks, progress)

        store.set_sources(plan.desired, gone)
        still_used = set(store.sources().values())
        orphans = [d.doc_id for d in store.documents() if d.doc_id not in still_used]
        store.remove_documents(orphans)
        # an update replaces a document: it counts once, as updated, not also as removed
        report.removed = len(set(orphans) - plan.replaced)
        store.ensure_lexical(persist=True)
        report.seconds = time.perf_counter() - started
        return report

    def _plan(self, paths: list[Path], report: IngestReport) -> _Plan:
        """First pass: what each file is (unchanged, duplicate, updated, added), keeping only ids.

        The articles themselves are read again by ``_write``: holding every text between the
        two steps is what made ingest memory grow with the corpus.
        """
        store = self.store
        present = {d.doc_id for d in store.documents(state="ok")}
        current = store.sources()
        plan = _Plan()
        desired, to_write = plan.desired, plan.to_write
        referenced = set(current.values())
        # a document written by a run killed before it recorded its sources is present but no file's yet:
        # its file is new (added), not a duplicate of it (tests/test_ingest_crash.py)
        linked = present & referenced
        for article in iter_articles(paths, report.problems, self.settings.max_file_mb):
            if article.origin in desired:
                continue
            desired[article.origin] = article.doc_id
            previous = current.get(article.origin)
            if previous == article.doc_id and article.doc_id in present:
                report.unchanged += 1
            elif article.doc_id in linked or article.doc_id in to_write or (
                    previous is None and article.doc_id in referenced):
                report.duplicates += 1
            elif previous is not None:
                report.updated += 1
                plan.replaced.add(previous)
            else:
                report.added += 1
            if article.doc_id not in present and article.doc_id not in to_write:
                to_write.add(article.doc_id)
                plan.chunks += len(self._chunks(article))
            referenced.add(article.doc_id)
        return plan

    def _chunks(self, article: Article) -> list[Chunk]:
        return chunk_article(article, self.settings.chunk_chars, self.settings.min_chunk_chars)

    def _write(self, paths: list[Path], to_write: set[str], total: int, progress: Progress | None) -> int:
        """Second pass: embed and store the new documents in batches of ``BATCH_CHUNKS``.

        Only the open batch and the documents it touches are in memory; a document is
        marked finished once its last chunk is written.
        """
        if not to_write:
            return 0
        # connect before embedding: a dead Chroma server must fail in seconds, not after the model
        # has embedded a batch (tests/test_chroma_server.py)
        _ = self.store.vector_store
        embedder = self._embedder()
        self._check_model(embedder)
        pending = set(to_write)
        done = 0
        batch: list[Chunk] = []
        open_docs: dict[str, Article] = {}
        remaining: dict[str, int] = {}

        def flush() -> None:
            nonlocal done, batch
            if not batch:
                return
            vectors, sentence_vectors = embedder.embed_chunks(batch, [open_docs[c.doc_id].title for c in batch])
            reached("ingest.embedded")
            self.store.write_chunks(batch, vectors, sentence_vectors, open_docs)
            for chunk in batch:
                remaining[chunk.doc_id] -= 1
                if remaining[chunk.doc_id] == 0:
                    self.store.finish_document(chunk.doc_id)
                    del remaining[chunk.doc_id], open_docs[chunk.doc_id]
            done += len(batch)
            batch = []
            if (done // BATCH_CHUNKS) % TRIM_EVERY_BATCHES == 0:
                release_freed_memory()
            if progress:
                progress(done, max(total, done))

        # problems were recorded by the planning pass; a file that broke since then is skipped here too
        for article in iter_articles(paths, [], self.settings.max_file_mb):
            if article.doc_id not in pending:
                continue
            pending.discard(article.doc_id)
            chunks = self._chunks(article)
            self.store.begin_document(article, len(chunks))
            reached("ingest.begin_document")
            if not chunks:
                self.store.finish_document(article.doc_id)
                continue
            open_docs[article.doc_id] = article
            remaining[article.doc_id] = len(chunks)
            for chunk in chunks:
                batch.append(chunk)
                if len(batch) >= BATCH_CHUNKS:
                    flush()
        flush()
        return done

    def _check_model(self, embedder: Embedder) -> None:
        """An index holds one model's vectors; mixing two would rank nonsense."""
        self.store.check_signature(embedder.signature)
        if self.store.get_meta("embed_model") is None:
            self.store.set_meta("embed_model", embedder.signature)
