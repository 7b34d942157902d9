"""GermanQuAD (test split) as a passage-retrieval benchmark, through the assistant's own retrieval.

The 474 passages are ingested as articles by the normal ingest (title = the wiki article name
on the first line, the GermanQuAD ``doc_id`` kept as the jsonl ``id``, so every chunk maps back to
its passage). The 2,204 questions go through ``HybridRetriever.candidates_for`` (dense-only,
BM25-only and fused) and through the full pipeline (fused candidates, then ``EvidenceScorer``'s
sentence ranking). A passage's rank is that of its best chunk (or sentence). Queries with an
even numeric id are the *dev* half, where parameters may be chosen; odd ids are *test*.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.api import Assistant
from assistant.retrieval.embed import Embedder
from assistant.retrieval.retrieve import EvidenceScorer, HybridRetriever
from assistant.settings import Settings
from evals.cache import ingest_cached

GQ_DIR = Path(__file__).resolve().parent / "data" / "germanquad"
DEFAULT_DATA_DIR = Path.home() / ".cache" / "assistant" / "evals" / "germanquad"
MODES = ("dense", "bm25", "hybrid", "full")
# the whole pipeline, gate included (``Assistant.ask``): slow (~0.45 s a question), so never a default
ANSWER = "answer"
# the published table (evals/data/germanquad/table_main.md): MRR@10, Success@1, @5, @10
PUBLISHED = {
    "BM25": (0.884, 0.838, 0.948, 0.965),
    "BM25-de": (0.921, 0.883, 0.972, 0.985),
    "multilingual-e5-large": (0.933, 0.898, 0.979, 0.987),
    "jina-embeddings-v3": (0.943, 0.907, 0.986, 0.992),
    "text-embedding-3-large": (0.944, 0.907, 0.990, 0.994),
    "bge-m3": (0.946, 0.917, 0.980, 0.989),
}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    gold: str  # the one relevant GermanQuAD doc_id

    @property
    def half(self) -> str:
        return "dev" if int(self.id.lstrip("q")) % 2 == 0 else "test"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_queries(directory: Path = GQ_DIR) -> list[Query]:
    gold = {r["query_id"]: r["doc_id"] for r in _jsonl(directory / "qrels.normalized.jsonl") if r["relevance"] > 0}
    return [Query(q["query_id"], q["query_text"], gold[q["query_id"]])
            for q in _jsonl(directory / "queries.normalized.jsonl") if q["query_id"] in gold]


def write_corpus(out_path: Path, directory: Path = GQ_DIR) -> Path:
    """The passages as an articles .jsonl: ``id`` = GermanQuAD doc_id, title = the first line."""
    lines = []
    for doc in _jsonl(directory / "docs.normalized.jsonl"):
        first, _, rest = doc["text"].partition("\n")
        lines.append(json.dumps({"id": doc["doc_id"], "title": first.replace("_", " ").strip(),
                                 "text": rest.strip(), "source": "GermanQuAD (Wikipedia)"}, ensure_ascii=False))
    text = "\n".join(lines) + "\n"
    if not out_path.exists() or out_path.read_text(encoding="utf-8") != text:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(text, encoding="utf-8")
    return out_path


def passage_ids(assistant: Assistant, corpus: Path) -> dict[str, str]:
    """Index doc_id (a content hash) -> GermanQuAD doc_id, from the origins ingest recorded."""
    prefix = str(corpus.absolute()) + "#"
    return {doc_id: origin[len(prefix):] for origin, doc_id in assistant.store.sources().items()
            if origin.startswith(prefix)}


def dedupe(doc_ids: Sequence[str], mapping: dict[str, str]) -> list[str]:
    """Passage ranking from a chunk (or sentence) ranking: each passage at its best position."""
    return list(dict.fromkeys(mapping[d] for d in doc_ids if d in mapping))


def scores(rankings: Sequence[list[str]], queries: Sequence[Query]) -> dict[str, float | int]:
    """MRR@10 and Success@1/5/10 of the gold passage."""
    ranks = [r.index(q.gold) + 1 if q.gold in r else None for r, q in zip(rankings, queries, strict=True)]
    n = len(ranks)

    def success(k: int) -> float:
        return round(sum(1 for r in ranks if r is not None and r <= k) / n, 4) if n else 0.0

    mrr = sum(1 / r for r in ranks if r is not None and r <= 10) / n if n else 0.0
    return {"n": n, "mrr@10": round(mrr, 4), "success@1": success(1), "success@5": success(5),
            "success@10": success(10)}


class Benchmark:
    """One ingested GermanQuAD index, and the queries' vectors computed once."""

    def __init__(self, settings: Settings, data_dir: Path = DEFAULT_DATA_DIR, progress: Progress | None = None,
                 embedder: Embedder | None = None, directory: Path = GQ_DIR) -> None:
        self.progress = progress or (lambda _: None)
        self.settings = settings.model_copy(update={"data_dir": data_dir})
        self.assistant = Assistant(self.settings, embedder=embedder)
        self.corpus = write_corpus(data_dir / "corpus" / "germanquad.jsonl", directory)
        started = time.perf_counter()
        report = ingest_cached(self.assistant, [self.corpus], self.progress)
        self.progress(f"ingest: {report.summary()} ({time.perf_counter() - started:.0f} s)")
        self.mapping = passage_ids(self.assistant, self.corpus)

    def query_vectors(self, queries: Sequence[Query]) -> np.ndarray:
        """Cached beside the index, keyed by the model: embedding 2,204 questions takes minutes on a CPU."""
        cache = self.settings.data_dir / f"queries-{self.settings.embed_model.replace('/', '_')}.npz"
        known: dict[str, np.ndarray] = {}
        if cache.exists():
            data = np.load(cache, allow_pickle=False)
            known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        missing = [q.text for q in queries if q.text not in known]
        if missing:
            self.progress(f"embedding {len(missing)} questions")
            known.update(zip(missing, self.assistant.embedder.embed_queries(missing), strict=True))
            texts = sorted(known)
            np.savez(cache, texts=np.array(texts), vectors=np.stack([known[t] for t in texts]))
        return np.stack([known[q.text] for q in queries])

    def rankings(self, queries: Sequence[Query], mode: str, candidates: int | None = None,
                 dense_weight: float | None = None, fusion: str | None = None) -> list[list[str]]:
        s = self.settings
        weight = {"dense": 1.0, "bm25": 0.0}.get(mode, s.dense_weight if dense_weight is None else dense_weight)
        retriever = HybridRetriever(self.assistant.store, self.assistant.embedder, candidates or s.candidates,
                                    weight, fusion or "zscore")
        vectors = self.query_vectors(queries)
        scorer = EvidenceScorer()
        out = []
        for q, vector in zip(queries, vectors, strict=True):
            found = retriever.candidates_for(q.text, vector)
            if mode == "dense":
                found = [c for c in found if not np.isnan(c.dense)]
            elif mode == "bm25":
                found = [c for c in found if c.lexical > 0]
            order = [c.chunk.doc_id for c in found]
            if mode == "full":
                evidence = scorer.run(q.text, vector, found, self.assistant.store)
                order = [e.chunk.doc_id for e in evidence] + order
            out.append(dedupe(order, self.mapping))
        return out

    def answers(self, queries: Sequence[Query]) -> list[tuple[bool, list[str]]]:
        """Each question through ``Assistant.ask`` (the extractive answer, gate included): whether it
        abstained, and the passages it cites in order. Every GermanQuAD question is answerable from
        its passage, so here an abstention is a wrong one, on articles of another kind than news."""
        out = []
        for q in queries:
            answer = self.assistant.ask(q.text)
            out.append((answer.abstained, dedupe([c.doc_id for c in answer.citations], self.mapping)))
        return out

    def evaluate(self, queries: Sequence[Query], modes: Sequence[str] = MODES, **params: Any
                 ) -> dict[str, dict[str, dict[str, float | int]]]:
        """``{mode: {"dev"|"test"|"all": scores}}``."""
        out: dict[str, dict[str, dict[str, float | int]]] = {}
        for mode in modes:
            started = time.perf_counter()
            answered = self.answers(queries) if mode == ANSWER else []
            ranked = [cited for _, cited in answered] if answered else self.rankings(queries, mode, **params)
            ms = 1000 * (time.perf_counter() - started) / max(len(queries), 1)
            out[mode] = {}
            for half in ("dev", "test", "all"):
                idx = [i for i, q in enumerate(queries) if half == "all" or q.half == half]
                if idx:
                    out[mode][half] = scores([ranked[i] for i in idx], [queries[i] for i in idx])
                    if answered:
                        out[mode][half]["wrong_abstention"] = round(sum(answered[i][0] for i in idx) / len(idx), 4)
            out[mode]["all"]["ms_per_query"] = round(ms, 1)
            self.progress(f"{mode}: {out[mode]['all']}")
        return out

    def close(self) -> None:
        self.assistant.close()


def table(results: dict[str, dict[str, dict[str, float | int]]]) -> str:
    """Our modes per half beside the published retrievers (which report the full set)."""
    lines = ["| retriever | half | n | MRR@10 | Success@1 | Success@5 | Success@10 |",
             "|---|---|---:|---:|---:|---:|---:|"]
    answers = []
    for mode, halves in results.items():
        for half, s in halves.items():
            if half == "all" and len(halves) == 2:  # one half only: "all" repeats it
                continue
            if mode == ANSWER:  # an answer cites a few passages: Success@1 is "the first citation is gold"
                answers.append(f"| {half} | {s['n']} | {s['wrong_abstention']:.3f} | {s['success@1']:.3f} |")
                continue
            lines.append(f"| assistant {mode} | {half} | {s['n']} | {s['mrr@10']:.3f} | {s['success@1']:.3f} | "
                         f"{s['success@5']:.3f} | {s['success@10']:.3f} |")
    for name, (mrr, s1, s5, s10) in PUBLISHED.items():
        lines.append(f"| {name} (published) | all | 2204 | {mrr:.3f} | {s1:.3f} | {s5:.3f} | {s10:.3f} |")
    if answers:
        lines += ["", "| answers (`ask`) | n | wrong abstention | first citation from the gold passage |",
                  "|---|---:|---:|---:|", *answers]
    return "\n".join(lines)


def run_benchmark(settings: Settings, data_dir: Path | None, limit: int | None, half: str, modes: Sequence[str],
                  params: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Ingest (cached), rank, score: the figures of ``assistant eval-retrieval germanquad``."""
    from evals.run import spread

    queries = load_queries()
    if half != "all":
        queries = [q for q in queries if q.half == half]
    queries = spread(queries, limit)
    bench = Benchmark(settings, (data_dir or DEFAULT_DATA_DIR).expanduser().absolute(), progress)
    try:
        results = bench.evaluate(queries, modes, **{k: v for k, v in params.items() if v is not None})
        return {"queries": len(queries), "half": half, "params": params,
                "passages": len(bench.mapping), "chunks": bench.assistant.store.chunk_count(), "results": results}
    finally:
        bench.close()
