"""Test hook: crash the process at a named point of an ingest, deterministically.

``ASSISTANT_TEST_KILL_AT=<point>:<n>`` makes the n-th arrival at ``reached(point)``
SIGKILL the process, so the crash tests (tests/ingest/test_ingest_crash.py) can stop an ingest
exactly mid-batch, between the Chroma write and the SQLite commit, or between the BM25
index's commit and the clearing of its outbox, and prove the next run repairs it. Outside tests the variable
is unset and ``reached`` is one comparison against ``None``.

Points: see ``POINTS``; each is named after the module and step that calls it.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "ingest.begin_document",  # a document is recorded pending, its batch not yet embedded
    "ingest.embedded",  # a batch's vectors are computed, nothing of it written
    "store.chroma_deleted",  # old ids of the batch deleted from Chroma, new ones not added
    "store.chroma_added",  # vectors in Chroma, docstore rows not yet written
    "store.sqlite_commit",  # chunk rows inserted inside the open transaction, before COMMIT
    "store.finish_document",  # the 'ok' update inside its open transaction, before COMMIT
    "lexical.committed",  # the BM25 index committed a sync, its outbox in SQLite not yet cleared
    "store.remove_document",  # vectors of a removed document deleted, its rows still there
    "reembed.embedded",  # a re-embed batch's vectors computed, nothing of it written
)


def _parse(spec: str | None) -> tuple[str, int] | None:
    if not spec:
        return None
    point, _, count = spec.rpartition(":")
    if point not in POINTS or not count.isdigit() or int(count) < 1:
        raise ValueError(f"ASSISTANT_TEST_KILL_AT={spec!r}: expected <point>:<n> with point one of {POINTS}")
    return point, int(count)


_TARGET = _parse(os.environ.get("ASSISTANT_TEST_KILL_AT"))
_arrivals = 0


def reached(point: str) -> None:
    """SIGKILL this process if it is the configured point's n-th arrival."""
    global _arrivals
    if _TARGET is None or point != _TARGET[0]:
        return
    _arrivals += 1
    if _arrivals >= _TARGET[1]:
        os.kill(os.getpid(), signal.SIGKILL)
