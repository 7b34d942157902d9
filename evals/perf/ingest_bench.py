"""Ingest through ``Assistant.ingest`` against the embedding model alone, and re-ingest.

Both rates are over the same chunk texts (the assistant's own chunking of the same
articles) with the same bf16 model object, so their ratio says how much the rest of
ingest (loading, repair, chunking, late-chunked sentence vectors, Chroma, SQLite,
BM25) costs on top of the forward passes.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.ingest.chunking import chunk_article
from assistant.ingest.corpus import load_articles
from assistant.models import embed_dtype, load_sentence_transformer
from assistant.retrieval.embed import Embedder
from assistant.settings import Settings
from evals.perf.machine import RssSampler, rss_mb
from evals.perf.profiling import profile


def settings_for(data_dir: Path, **overrides: Any) -> Settings:
    from evals.perf.data import CORPUS

    return Settings(data_dir=data_dir, corpus_dir=CORPUS, **overrides)


def load_embedder() -> tuple[Embedder, float]:
    s = Settings()
    started = time.perf_counter()
    embedder = Embedder.from_settings(s)
    return embedder, time.perf_counter() - started


def timed_ingest(data_dir: Path, paths: list[Path], embedder: Embedder) -> dict[str, Any]:
    """A fresh index from ``paths``; RSS is sampled throughout and recorded after every written batch."""
    assistant = Assistant(settings_for(data_dir), embedder=embedder)
    per_batch: list[tuple[int, float]] = []
    with RssSampler() as sampler:
        report = assistant.ingest(paths, progress=lambda done, total: per_batch.append((done, rss_mb())))
    assistant.close()
    articles = report.added + report.updated
    return {
        "articles": articles,
        "chunks": report.chunks,
        "seconds": report.seconds,
        "chunks_per_s": report.chunks / report.seconds if report.seconds else 0.0,
        "articles_per_s": articles / report.seconds if report.seconds else 0.0,
        "rss_peak_mb": sampler.peak_mb,
        "rss_by_chunks": per_batch,
    }


def late_chunking_available(embedder: Embedder) -> bool:
    """Whether the Embedder's own check turned late chunking on for this model."""
    return bool(embedder._late)


def timed_ingest_late(data_dir: Path, paths: list[Path], embedder: Embedder) -> dict[str, Any]:
    """WHAT-IF, for the record: the same ingest with late-chunked sentence vectors forced on.

    ``Embedder`` detects mean pooling through ``pooling_mode_mean_tokens``, which
    sentence-transformers 6 no longer has (it has ``pooling_mode == "mean"``), so on
    this install it embeds every sentence again on its own. This measures what the
    detection fix would buy; it changes the sentence vectors, so it is not applied.
    """
    before = embedder._late
    embedder._late = True
    try:
        return timed_ingest(data_dir, paths, embedder)
    finally:
        embedder._late = before


def profiled_ingest(data_dir: Path, paths: list[Path], embedder: Embedder, top: int = 12) -> dict[str, Any]:
    assistant = Assistant(settings_for(data_dir), embedder=embedder)
    reports: list[Any] = []
    hotspots, wall, stages = profile(lambda: reports.append(assistant.ingest(paths)), top=top)
    assistant.close()
    return {"chunks": reports[0].chunks, "seconds": wall, "hotspots": [h.to_dict() for h in hotspots],
            "stages": [h.to_dict() for h in stages]}


def chunk_texts(paths: list[Path], settings: Settings, embedder: Embedder) -> list[str]:
    """The model inputs ingest embeds: document prompt with the article's headline, then the chunk."""
    articles, _ = load_articles(paths, settings.max_file_mb)
    seen: set[str] = set()
    texts: list[str] = []
    for article in articles:
        if article.doc_id in seen:
            continue
        seen.add(article.doc_id)
        prefix = embedder.doc_prefix(article.title)
        texts.extend(prefix + c.text for c in chunk_article(article, settings.chunk_chars, settings.min_chunk_chars))
    return texts


def raw_encode(texts: list[str], batch_sizes: list[int], sample: int, rate_sample: int = 256) -> dict[str, Any]:
    """PyTorch's bare model (``SentenceTransformer.encode``, bf16 where the CPU has it) on the same inputs:
    a batch-size sweep on ``sample`` texts, then the rate at the best size on ``rate_sample`` others
    drawn at random (all, if fewer): a per-chunk rate, without a second full embedding pass that
    would double the benchmark's time. The yardstick for ingest whatever runtime ingest uses."""
    s = Settings()
    model = load_sentence_transformer(s.embed_model, s.models_dir, s.max_seq_length, s.embed_dtype)
    rng = random.Random(0)
    order = rng.sample(range(len(texts)), len(texts))
    picked = [texts[i] for i in order[:sample]]
    rest = [texts[i] for i in order[sample:sample + rate_sample]] or picked
    model.encode(picked[:4], batch_size=4)  # first-call allocations out of the timing
    sweep: dict[int, float] = {}
    for size in batch_sizes:
        started = time.perf_counter()
        model.encode(picked, batch_size=size, normalize_embeddings=True, convert_to_numpy=True)
        sweep[size] = len(picked) / (time.perf_counter() - started)
    best = max(sweep, key=sweep.__getitem__)
    started = time.perf_counter()
    model.encode(rest, batch_size=best, normalize_embeddings=True, convert_to_numpy=True)
    seconds = time.perf_counter() - started
    return {"chunks": len(rest), "of_chunks": len(texts), "best_batch_size": best, "seconds": seconds,
            "chunks_per_s": len(rest) / seconds, "sweep_chunks_per_s": sweep,
            "runtime": f"torch-{embed_dtype(s.embed_dtype)}"}


def reingest_in_process(data_dir: Path, paths: list[Path]) -> dict[str, Any]:
    """A fresh ``Assistant`` (no model given) re-ingesting unchanged files; run in a new process."""
    started = time.perf_counter()
    assistant = Assistant(settings_for(data_dir))
    report = assistant.ingest(paths)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "unchanged": report.unchanged, "chunks_written": report.chunks,
           "embedder_loaded": assistant._embedder is not None,
           "model_weights_imported": "sentence_transformers" in sys.modules, "rss_mb": rss_mb()}
    assistant.close()
    return out
