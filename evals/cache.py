"""The eval harness's cached indexes (``~/.cache/assistant/evals``): kept up to date, never refused.

A user's index built by another runtime or model is refused until they re-embed it; a cache of
the harness's own is simply re-embedded in place (``assistant ingest --reembed``), which costs a
pass of the encoder but no re-reading of the articles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.api import Assistant
from assistant.ingest.ingestor import IngestReport


def ingest_cached(assistant: Assistant, paths: Sequence[Path], progress: Callable[[str], None]) -> IngestReport:
    stored = assistant.store.get_meta("embed_model")
    if stored is not None and stored != assistant.embedder.signature:
        progress(f"{assistant.settings.data_dir}: built with {stored}, re-embedding it")
        progress(assistant.reembed().summary())
    return assistant.ingest(list(paths))
