"""Does ingest memory stay flat as the corpus grows? RSS against chunks written.

Embedding 100,000 chunks with EmbeddingGemma takes about an hour on two cores, so
the large run uses a STAND-IN EMBEDDER: a real sentence-transformers model with
EmbeddingGemma's tokenizer, prompts, mean pooling and 768-d output, but one tiny
randomly initialised Gemma3 layer (hidden size 64). Its vectors mean nothing; every
other step (loading, repair, chunking, late-chunked sentence vectors, Chroma,
SQLite, BM25) is the real ingest path. Results from it are labelled as such.

By default the vectors go to a ``chroma run`` server, the scale-out setup: the HNSW
graph then lives in the server, and the ingest process's RSS shows what ingest itself
holds (the open batch, the docstore, the id sets of the plan). With ``server=False``
the index is embedded and its graph (≈ 3-5 KB per vector) is in the same process.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.models import embed_dir
from assistant.retrieval.embed import Embedder
from assistant.settings import Settings
from evals.perf.chroma_scale import ChromaServerProcess
from evals.perf.data import CORPUS, synthetic_articles, write_jsonl
from evals.perf.machine import RssSampler, rss_mb

STANDIN_LABEL = "stand-in embedder (1 random Gemma3 layer, hidden 64, 768-d output): timings are NOT EmbeddingGemma's"
PART_ARTICLES = 2_000
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json",
                   "added_tokens.json")


def build_standin(dest: Path) -> Path:
    """A sentence-transformers folder shaped like EmbeddingGemma but tiny; built once, offline."""
    if (dest / "modules.json").exists():
        return dest
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Dense, Normalize, Pooling, Transformer
    from transformers import AutoConfig, AutoModel

    source = embed_dir(Settings().models_dir)
    torch.manual_seed(0)
    config = AutoConfig.from_pretrained(source)
    config.update({"num_hidden_layers": 1, "layer_types": ["full_attention"], "hidden_size": 64,
                   "intermediate_size": 128, "num_attention_heads": 1, "num_key_value_heads": 1, "head_dim": 64,
                   "query_pre_attn_scalar": 64})
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        AutoModel.from_config(config).save_pretrained(base)
        for name in TOKENIZER_FILES:
            if (source / name).exists():
                shutil.copy(source / name, base / name)
        prompts = json.loads((source / "config_sentence_transformers.json").read_text())["prompts"]
        transformer = Transformer(str(base), max_seq_length=512)
        model = SentenceTransformer(modules=[transformer, Pooling(64, "mean"), Dense(64, 768), Normalize()],
                                    prompts=prompts, device="cpu")
        model.save(str(dest))
    return dest


def run(n_chunks_target: int, work: Path, checkpoints: tuple[int, ...] = (10_000, 100_000),
        server: bool = True) -> dict[str, Any]:
    """Ingest synthetic articles (about 3 chunks each) with the stand-in; RSS after every batch."""
    if not server:
        return _run(n_chunks_target, work, checkpoints, None)
    with tempfile.TemporaryDirectory() as tmp, ChromaServerProcess(Path(tmp)) as chroma:
        result = _run(n_chunks_target, work, checkpoints, chroma.url)
        result["chroma_server_rss_mb"] = chroma.rss_mb
        return result


def _run(n_chunks_target: int, work: Path, checkpoints: tuple[int, ...], chroma_url: str | None) -> dict[str, Any]:
    model_dir = build_standin(work / "standin-model")
    embedder = Embedder(str(model_dir), Settings().models_dir)
    articles = work / f"synthetic-{n_chunks_target}"
    if not (articles / "done").exists():
        # a folder of files of 2,000 articles each, as an archive would come, and each far below
        # ASSISTANT_MAX_FILE_MB (one 100k-chunk file would be refused)
        shutil.rmtree(articles, ignore_errors=True)
        records = synthetic_articles(max(1, n_chunks_target // 3))
        part = 0
        while batch := list(islice(records, PART_ARTICLES)):
            write_jsonl(articles / f"part-{part:04d}.jsonl", iter(batch))
            part += 1
        (articles / "done").write_text("")
    data = work / f"standin-index-{n_chunks_target}"
    shutil.rmtree(data, ignore_errors=True)
    settings = Settings(data_dir=data, corpus_dir=CORPUS, chroma_url=chroma_url, chroma_timeout_s=600)
    assistant = Assistant(settings, embedder=embedder)
    by_chunks: list[tuple[int, float]] = []
    start_rss = rss_mb()
    started = time.perf_counter()
    with RssSampler() as sampler:
        report = assistant.ingest([articles], progress=lambda done, total: by_chunks.append((done, rss_mb())))
    seconds = time.perf_counter() - started
    assistant.close()
    if report.problems or not report.chunks:
        raise RuntimeError(f"the memory run ingested {report.chunks} chunks; problems: {report.problems[:3]}")
    shutil.rmtree(data, ignore_errors=True)

    def at(n: int) -> float | None:
        hits = [mb for done, mb in by_chunks if done >= n]
        return hits[0] if hits else None

    return {"label": STANDIN_LABEL, "vectors_in": "chroma server" if chroma_url else "embedded chroma",
            "chunks": report.chunks, "articles": report.added, "seconds": seconds,
            "rss_start_mb": start_rss, "rss_peak_mb": sampler.peak_mb,
            "rss_at_chunks_mb": {str(n): at(n) for n in checkpoints if n <= report.chunks},
            "rss_by_chunks": by_chunks[:: max(1, len(by_chunks) // 200)]}
