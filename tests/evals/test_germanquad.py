"""The GermanQuAD benchmark: scoring, the corpus conversion, and a small real run through the assistant."""

from __future__ import annotations

import json
from pathlib import Path

from assistant import Settings
from assistant.retrieval.embed import Embedder
from evals.germanquad import GQ_DIR, Benchmark, Query, dedupe, load_queries, scores, table, write_corpus


def test_shipped_queries_split_into_halves() -> None:
    queries = load_queries()
    assert len(queries) == 2204
    halves = {q.half for q in queries}
    assert halves == {"dev", "test"}
    assert Query("q40370", "", "c1").half == "dev" and Query("q40369", "", "c1").half == "test"


def test_scores_from_rankings() -> None:
    qs = [Query("q2", "", "a"), Query("q4", "", "b"), Query("q6", "", "c"), Query("q8", "", "z")]
    ranked = [["a", "x"], ["x", "b"], ["x"] * 4 + ["c"], [f"d{i}" for i in range(10)] + ["z"]]
    s = scores(ranked, qs)
    assert s["n"] == 4
    assert s["success@1"] == 0.25 and s["success@5"] == 0.75 and s["success@10"] == 0.75
    assert s["mrr@10"] == round((1 + 0.5 + 0.2) / 4, 4)  # rank 11 counts nothing


def test_dedupe_maps_chunks_to_passages_at_their_best_position() -> None:
    assert dedupe(["h1", "h2", "h1", "h3", "unknown"], {"h1": "c1", "h2": "c2", "h3": "c1"}) == ["c1", "c2"]


def test_corpus_keeps_doc_ids_and_titles(tmp_path: Path) -> None:
    out = write_corpus(tmp_path / "gq.jsonl")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 474
    first = json.loads((GQ_DIR / "docs.normalized.jsonl").read_text().splitlines()[0])
    assert rows[0]["id"] == first["doc_id"] and rows[0]["title"] == "Aufzugsanlage"
    assert rows[0]["text"].startswith("=== Seilloser Aufzug ===")
    before = out.stat().st_mtime_ns
    write_corpus(out)
    assert out.stat().st_mtime_ns == before  # unchanged content is not rewritten


def test_small_benchmark_through_the_assistant(tmp_path: Path, embedder: Embedder) -> None:
    source = tmp_path / "gq"
    source.mkdir()
    docs = [json.loads(line) for line in (GQ_DIR / "docs.normalized.jsonl").read_text().splitlines()][:6]
    keep = {d["doc_id"] for d in docs}
    qrels = [json.loads(line) for line in (GQ_DIR / "qrels.normalized.jsonl").read_text().splitlines()]
    qrels = [r for r in qrels if r["doc_id"] in keep]
    qids = {r["query_id"] for r in qrels}
    queries = [json.loads(line) for line in (GQ_DIR / "queries.normalized.jsonl").read_text().splitlines()]
    for name, rows in (("docs", docs), ("qrels", qrels), ("queries", [q for q in queries if q["query_id"] in qids])):
        (source / f"{name}.normalized.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    bench = Benchmark(Settings(), tmp_path / "idx", embedder=embedder, directory=source)
    try:
        assert sorted(bench.mapping.values()) == sorted(keep)
        picked = load_queries(source)[:12]
        results = bench.evaluate(picked)
        assert set(results) == {"dense", "bm25", "hybrid", "full"}
        for mode in results.values():
            assert mode["all"]["n"] == 12
            assert mode["all"]["success@10"] == 1.0  # six passages: every gold one is in the top ten
        assert results["full"]["all"]["mrr@10"] >= 0.5
        assert "assistant full" in table(results) and "bge-m3 (published)" in table(results)
        # the whole pipeline: every question is answerable, most are answered from their own passage
        answered = bench.evaluate(picked[:6], modes=["answer"])["answer"]["all"]
        assert answered["n"] == 6 and 0.0 <= answered["wrong_abstention"] <= 0.5
        assert answered["success@1"] >= 0.5
        assert "wrong abstention" in table({"answer": {"all": answered}})
    finally:
        bench.close()
