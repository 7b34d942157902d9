"""Embedding for ``assistant ingest --ray [ADDRESS]``: Ray Data reads, chunks and embeds; this process writes.

The plan (content hashes against the manifest) and the single writer stay in the ingest
process, so every guarantee of the in-process path holds unchanged: documents are recorded
pending before their vectors are written and finished after, under the writer lock, through
``Ingestor._store``. Only the expensive part moves: a Ray Data pipeline over the corpus files,

    files ─▶ flat_map(read + repair + keep what the plan wants)   (Ray tasks)
          ─▶ map_batches(EmbedActor)                               (an actor pool, one model per actor,
                                                                    a GPU each where the cluster has them)
          ─▶ iter_rows() in file order ─▶ the writer here

streams articles back embedded. Workers read the corpus paths themselves, so on a multi-node
cluster the corpus must be on storage every node mounts at the same path; the models must be
fetched on every node (``assistant models fetch``). Without an address a local Ray instance is
started, which is what CI runs.
"""

from __future__ import annotations

import logging
import os
import pickle
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.ingest.chunking import chunk_article
from assistant.ingest.corpus import absolute, iter_articles, iter_files
from assistant.ingest.ingestor import Embedded
from assistant.killpoints import reached
from assistant.settings import Settings

INSTALL_HINT = "Ray is an optional extra: pip install -e '.[ray]' (or use assistant ingest without --ray)"


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as err:
        raise RuntimeError(f"{INSTALL_HINT} ({err})") from err
    return ray


def _articles_of(row: dict[str, Any], wanted: Any, max_file_mb: int) -> list[dict[str, Any]]:
    """One corpus file's articles that the plan asked for (a Ray task)."""
    ray = _ray()
    wanted = ray.get(wanted) if isinstance(wanted, ray.ObjectRef) else wanted
    return [{"article": pickle.dumps(a)} for a in iter_articles([Path(row["path"])], [], max_file_mb)
            if a.doc_id in wanted]


class EmbedActor:
    """One embedding model per Ray actor; chunks a batch of articles and embeds all their chunks at once."""

    def __init__(self, settings_json: str) -> None:
        from assistant.retrieval.embed import Embedder

        self.settings = Settings.model_validate_json(settings_json)
        self.embedder = Embedder.from_settings(self.settings)
        self.signature = self.embedder.signature

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        s = self.settings
        articles = [pickle.loads(blob) for blob in batch["article"]]
        chunked = [chunk_article(a, s.chunk_chars, s.min_chunk_chars) for a in articles]
        flat = [c for chunks in chunked for c in chunks]
        vectors, sentences = self.embedder.embed_chunks(flat, [a.title for a, cs in zip(articles, chunked, strict=True)
                                                               for _ in cs]) if flat else ([], [])
        out: dict[str, list[Any]] = {"article": [], "chunks": [], "vectors": [], "sentences": [], "signature": []}
        at = 0
        for article, chunks in zip(articles, chunked, strict=True):
            out["article"].append(pickle.dumps(article))
            out["chunks"].append(pickle.dumps(chunks))
            out["vectors"].append(pickle.dumps(list(vectors[at: at + len(chunks)])))
            out["sentences"].append(pickle.dumps(list(sentences[at: at + len(chunks)])))
            out["signature"].append(self.signature)
            at += len(chunks)
        return out


def start(address: str) -> Any:
    """Connect to the cluster at ``address``, or start a local instance when it is ""."""
    ray = _ray()
    if not ray.is_initialized():
        # workers load models offline, like this process
        env = {k: os.environ.get(k, "1") for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False,
                                  "runtime_env": {"env_vars": {**env, "TOKENIZERS_PARALLELISM": "false"}}}
        if address:
            ray.init(address=address, **kwargs)
        else:
            # the workers must find the models where this process does (env is inherited)
            ray.init(num_cpus=os.cpu_count() or 2, **kwargs)
    return ray


def embed_on_ray(settings: Settings, paths: list[Path], to_write: set[str], address: str) -> Iterator[Embedded]:
    """The planned articles, embedded by a Ray Data actor pool, in corpus file order."""
    ray = start(address)
    files = [str(p) for p in iter_files([absolute(p) for p in paths], [])]
    if not files:
        return
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # the same write order as the in-process path
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # the CLI shows its own progress
    context.enable_progress_bars = False
    gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
    # Ray gives an actor as many threads as CPUs it reserves: one reserving 1 of 2 cores embeds at half speed
    cpus = settings.ray_actor_cpus or min(n["Resources"].get("CPU", 1) for n in ray.nodes() if n["Alive"])
    with warnings.catch_warnings():
        # max_restarts goes through **ray_remote_args, which Ray 2.60 flags as deprecated with no replacement
        # yet; without it Ray logs an error for every actor ("restart will fail")
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = (
            ray.data.from_items([{"path": f} for f in files], override_num_blocks=min(len(files), 64))
            .flat_map(_articles_of, fn_kwargs={"wanted": ray.put(frozenset(to_write)),
                                               "max_file_mb": settings.max_file_mb},
                      num_cpus=0)  # reading is light, and must not wait for CPUs the actors hold
            .map_batches(EmbedActor, fn_constructor_kwargs={"settings_json": settings.model_dump_json()},
                         batch_size=settings.ray_batch_articles, concurrency=settings.ray_actors,
                         num_cpus=cpus, num_gpus=gpus, batch_format="numpy",
                         # a dead actor fails the run, and the next ingest redoes what it had not written
                         max_restarts=0)
        )
    for row in dataset.iter_rows():
        reached("ingest.embedded")
        chunks = pickle.loads(row["chunks"])
        yield Embedded(pickle.loads(row["article"]), chunks, pickle.loads(row["vectors"]),
                       pickle.loads(row["sentences"]), str(row["signature"]))
