"""``assistant ingest --reembed``: every stored chunk embedded again, by this process's model and runtime.

An index records what made its vectors (``Embedder.signature``: model, dimension, title slot,
runtime). After a change of runtime (``ASSISTANT_EMBED_RUNTIME``) or model, answering from the
old vectors would rank with two incompatible spaces, so it is refused (``IndexMismatchError``)
and this is the fix. It works from the docstore, the source of truth, not from the article
files: articles whose files are gone, or that came in through the web upload, keep their place.

Crash-safe and resumable: the index is first marked half re-embedded, which every reader and
writer refuses, then each batch commits its sentence vectors together with the last chunk id
done; a killed run resumes after it, and only the end of the run marks the index whole again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.ingest.ingestor import BATCH_CHUNKS, IngestBusyError, Progress, exclusive
from assistant.killpoints import reached
from assistant.retrieval.embed import Embedder
from assistant.retrieval.store import REEMBEDDING, Store
from assistant.settings import Settings

DONE_KEY = "reembed_after"  # meta: the last chunk id (in sorted order) whose vectors are new


@dataclass
class ReembedReport:
    previous: str | None = None  # the signature the index had
    signature: str = ""  # the one it has now
    chunks: int = 0  # chunks embedded by this run
    resumed: bool = False  # an interrupted re-embed was finished
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.chunks and not self.resumed:
            return f"nothing to do: the index is embedded with {self.signature}"
        how = "finished an interrupted re-embed" if self.resumed else f"re-embedded from {self.previous}"
        return f"{how}: {self.chunks} chunks now embedded with {self.signature} in {self.seconds:.1f} s"

def reembed_index(settings: Settings, store: Store, embedder: Callable[[], Embedder],
                  progress: Progress | None = None, lock_wait_s: float = 0.0,
                  batch_chunks: int = BATCH_CHUNKS) -> ReembedReport:
    """Re-embed the index under ``settings.data_dir`` with ``embedder()``; holds the writer lock."""
    with exclusive(settings, lock_wait_s, IngestBusyError, "re-embed when it has finished (or pass --wait SECONDS)."):
        return _run(store, embedder(), progress, batch_chunks)


def _run(store: Store, embedder: Embedder, progress: Progress | None, batch: int) -> ReembedReport:
    started = time.perf_counter()
    target = embedder.signature
    stored = store.get_meta("embed_model")
    report = ReembedReport(previous=stored, signature=target)
    after = ""
    if stored == REEMBEDDING + target:
        report.resumed = True
        after = store.get_meta(DONE_KEY) or ""
    elif stored == target or not store.chunk_count():
        store.set_meta("embed_model", target)
        return report
    else:
        store.set_meta("embed_model", REEMBEDDING + target)
    ids = sorted(i for i in store.chunk_ids() if i > after)
    titles = {d.doc_id: d.title for d in store.documents()}
    headlines = store.headlines()
    for lo in range(0, len(ids), batch):
        part = ids[lo: lo + batch]
        found = store.get_chunks(part, with_vectors=False)
        chunks = [found[i].as_chunk() for i in part if i in found]
        vectors, sentence_vectors = embedder.embed_chunks(chunks, [headlines.get(c.doc_id, "") for c in chunks])
        reached("reembed.embedded")
        store.replace_vectors(chunks, vectors, sentence_vectors, titles, DONE_KEY)
        report.chunks += len(chunks)
        if progress is not None:
            progress(lo + len(part), len(ids))
    store.finish_reembed(target, DONE_KEY)
    report.seconds = time.perf_counter() - started
    return report
