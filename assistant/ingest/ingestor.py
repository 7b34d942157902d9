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

import numpy as np
from filelock import FileLock, Timeout

from assistant.ingest.chunking import Chunk, chunk_article
from assistant.ingest.corpus import Article, LoadProblem, absolute, iter_articles
from assistant.killpoints import reached
from assistant.models import release_freed_memory
from assistant.retrieval.embed import Embedder
from assistant.retrieval.store import Store
from assistant.settings import Settings

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


@dataclass
class Embedded:
    """One article, chunked and embedded, ready for the writer: from this process or from Ray workers."""

    article: Article
    chunks: list[Chunk]
    vectors: list[np.ndarray | None]  # one per chunk
    sentence_vectors: list[np.ndarray | None]  # per chunk: one row per sentence
    signature: str = ""  # the embedder's (Ray rows carry it: the writer checks it before writing)

    @property
    def missing(self) -> int:
        return sum(v is None for v in self.vectors)


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

    def run(self, paths: Iterable[Path], progress: Progress | None = None, lock_wait_s: float = 0.0,
            ray_address: str | None = None) -> IngestReport:
        """``ray_address``: embed on Ray ("" starts a local instance); None embeds in this process."""
        with exclusive(self.settings, lock_wait_s, IngestBusyError, "wait for it to finish and run again."):
            return self._run(list(paths), progress, ray_address)

    def _run(self, paths: list[Path], progress: Progress | None, ray_address: str | None = None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        store = self.store

        interrupted = [d.doc_id for d in store.documents(state="pending")]
        report.recovered = store.remove_documents(interrupted)

        plan = self._plan(paths, report)
        roots = [absolute(p) for p in paths]
        gone = [o for o in store.sources() if o not in plan.desired and _in_scope(o, roots)]
        report.chunks = self._write(paths, plan.to_write, plan.chunks, progress, ray_address)

        store.set_sources(plan.desired, gone)
        still_used = set(store.sources().values())
        orphans = [d.doc_id for d in store.documents() if d.doc_id not in still_used]
        store.remove_documents(orphans)
        # an update replaces a document: it counts once, as updated, not also as removed
        report.removed = len(set(orphans) - plan.replaced)
        store.lexical.sync()  # also catches up after a run killed between its sync's two commits
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
        # its file is new (added), not a duplicate of it (tests/ingest/test_ingest_crash.py)
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

    def _write(self, paths: list[Path], to_write: set[str], total: int, progress: Progress | None,
               ray_address: str | None) -> int:
        """Second pass: the new documents embedded (here, or on Ray), then stored by this one writer.

        Only the open batch and the documents it touches are in memory; a document is
        recorded pending before its vectors are written and marked finished after.
        """
        if not to_write:
            return 0
        # connect before embedding: a dead Chroma server must fail in seconds, not after the model
        # has embedded a batch (tests/retrieval/test_chroma_server.py)
        _ = self.store.vector_store
        if ray_address is None:
            embedder = self._embedder()
            self._check_model(embedder.signature)
            # problems were recorded by the planning pass; a file that broke since then is skipped here too
            wanted = (a for a in iter_articles(paths, [], self.settings.max_file_mb) if a.doc_id in to_write)
            stream = self._embed_here(wanted, embedder)
        else:
            from assistant.ingest.on_ray import embed_on_ray

            stream = embed_on_ray(self.settings, paths, to_write, ray_address)
        return self._store(stream, set(to_write), total, progress)

    def _embed_here(self, articles: Iterator[Article], embedder: Embedder) -> Iterator[Embedded]:
        """Embedding batches of ``BATCH_CHUNKS`` chunks across article boundaries; articles out in order."""
        waiting: list[Embedded] = []  # articles read, some chunk vectors still to come
        batch: list[tuple[Embedded, int]] = []

        def run() -> Iterator[Embedded]:
            chunks = [e.chunks[i] for e, i in batch]
            vectors, sentence_vectors = embedder.embed_chunks(chunks, [e.article.title for e, _ in batch])
            reached("ingest.embedded")
            for (e, i), vector, sentences in zip(batch, vectors, sentence_vectors, strict=True):
                e.vectors[i], e.sentence_vectors[i] = vector, sentences
            batch.clear()
            yield from ready()

        def ready() -> Iterator[Embedded]:
            while waiting and not waiting[0].missing:
                yield waiting.pop(0)

        seen: set[str] = set()
        for article in articles:
            if article.doc_id in seen:  # the same content in two files: embedded once
                continue
            seen.add(article.doc_id)
            chunks = self._chunks(article)
            item = Embedded(article, chunks, [None] * len(chunks), [None] * len(chunks), embedder.signature)
            waiting.append(item)
            for i in range(len(chunks)):
                batch.append((item, i))
                if len(batch) >= BATCH_CHUNKS:
                    yield from run()
            yield from ready()
        if batch:
            yield from run()

    def _store(self, stream: Iterator[Embedded], pending: set[str], total: int, progress: Progress | None) -> int:
        """The single writer: documents begun, written in batches of at least ``BATCH_CHUNKS`` chunks, finished."""
        done = 0
        flushes = 0
        batch: list[Embedded] = []
        batched = 0  # chunks in ``batch``

        def flush() -> None:
            nonlocal done, flushes, batched
            if not batch:
                return
            chunks = [c for e in batch for c in e.chunks]
            self.store.write_chunks(chunks, np.stack([v for e in batch for v in e.vectors]),
                                    [s for e in batch for s in e.sentence_vectors],
                                    {e.article.doc_id: e.article for e in batch})
            for e in batch:
                self.store.finish_document(e.article.doc_id)
            self.store.lexical.sync()  # readers find the batch's documents by their words too
            done += len(chunks)
            flushes += 1
            batch.clear()
            batched = 0
            if flushes % TRIM_EVERY_BATCHES == 0:
                release_freed_memory()
            if progress:
                progress(done, max(total, done))

        checked = ""
        for item in stream:
            if item.article.doc_id not in pending:
                continue
            pending.discard(item.article.doc_id)
            if item.signature != checked:
                self._check_model(item.signature)
                checked = item.signature
            self.store.begin_document(item.article, len(item.chunks))
            reached("ingest.begin_document")
            if not item.chunks:
                self.store.finish_document(item.article.doc_id)
                continue
            batch.append(item)
            batched += len(item.chunks)
            if batched >= BATCH_CHUNKS:
                flush()
        flush()
        return done

    def _check_model(self, signature: str) -> None:
        """An index holds one model's vectors; mixing two would rank nonsense."""
        self.store.check_signature(signature)
        if self.store.get_meta("embed_model") is None:
            self.store.set_meta("embed_model", signature)
