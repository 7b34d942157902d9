"""From raw phase results to the flat keys of ``--json`` (``None`` where a phase did not run)."""

from __future__ import annotations

from typing import Any

KEYS = (
    "ingest_chunks_per_s",
    "ingest_articles_per_s",
    "raw_encode_chunks_per_s",
    "raw_encode_best_batch_size",
    "raw_encode_runtime",
    "ingest_vs_torch_raw",
    "encoder_runtime",
    "query_embed_p50_ms",
    "llamaindex_default_chunks_per_s",
    "llamaindex_default_articles_per_s",
    "subset_ingest_chunks_per_s",
    "subset_ingest_articles_per_s",
    "speedup_vs_llamaindex_default",
    "speedup_vs_llamaindex_default_chunks",
    "reingest_unchanged_s",
    "reingest_unchanged_process_s",
    "retrieval_p50_ms",
    "retrieval_p95_ms",
    "extractive_answer_p50_ms",
    "local_ttft_p50_ms",
    "local_answer_p50_ms",
    "cold_start_s",
    "rss_peak_mb",
    "chroma_server_1m_query_p50_ms",
    "late_chunking_active",
    "whatif_late_chunking_ingest_speedup",
    "chroma_server_1m_query_p95_ms",
    "chroma_server_ingest_vectors_per_s",
    "chroma_server_load_s",
    "chroma_server_rss_mb",
    "chroma_server_vectors",
    "chroma_server_query_p50_ms",
    "memory_rss_mb_at_chunks",
    "memory_standin_rss_mb_at_chunks",
    "lexical_update_ms_per_article_at_chunks",
    "lexical_update_ratio_100k_vs_10k",
    "lexical_query_p50_ms_at_chunks",
    "ray_ingest_vs_inprocess",
    "ray_start_s",
)


def _get(tree: dict[str, Any], *path: str) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _rss_at(by_chunks: list[list[float]] | None, marks: list[int]) -> dict[str, float]:
    out: dict[str, float] = {}
    for mark in marks:
        hit = next((mb for done, mb in by_chunks or [] if done >= mark), None)
        if hit is not None:
            out[str(mark)] = round(hit, 1)
    return out


def summarize(phases: dict[str, Any]) -> dict[str, Any]:
    main = phases.get("main", {})
    ingest, raw, subset = main.get("ingest", {}), main.get("raw_encode", {}), main.get("subset_ingest", {})
    li = phases.get("llamaindex", {})
    chroma = phases.get("chroma", {})
    big = (chroma.get("vectors") or 0) >= 1_000_000
    local = phases.get("local", {})
    serve = phases.get("serve", {})
    lexical = phases.get("lexical", {})
    updates = lexical.get("update_ms_per_article_at_chunks") or {}
    by_chunks = ingest.get("rss_by_chunks")
    total = ingest.get("chunks") or 0
    out: dict[str, Any] = {
        "ingest_chunks_per_s": ingest.get("chunks_per_s"),
        "ingest_articles_per_s": ingest.get("articles_per_s"),
        "raw_encode_chunks_per_s": raw.get("chunks_per_s"),
        "raw_encode_best_batch_size": raw.get("best_batch_size"),
        "raw_encode_runtime": raw.get("runtime"),
        # ingest (whatever runtime embeds) over PyTorch's bare model on the same chunks, in the same run
        "ingest_vs_torch_raw": _ratio(ingest.get("chunks_per_s"), raw.get("chunks_per_s")),
        "encoder_runtime": main.get("encoder_runtime"),
        "query_embed_p50_ms": _get(main, "retrieval", "stages_ms", "embed", "p50"),
        "llamaindex_default_chunks_per_s": li.get("chunks_per_s"),
        "llamaindex_default_articles_per_s": li.get("articles_per_s"),
        "subset_ingest_chunks_per_s": subset.get("chunks_per_s"),
        "subset_ingest_articles_per_s": subset.get("articles_per_s"),
        # judged on articles/s over the same articles: the two chunkers make different numbers of chunks
        "speedup_vs_llamaindex_default": _ratio(subset.get("articles_per_s"), li.get("articles_per_s")),
        "speedup_vs_llamaindex_default_chunks": _ratio(subset.get("chunks_per_s"), li.get("chunks_per_s")),
        "late_chunking_active": main.get("late_chunking_active"),
        # what turning the Embedder's late chunking on would change (see ingest_bench.timed_ingest_late)
        "whatif_late_chunking_ingest_speedup": _ratio(_get(main, "subset_ingest_late_whatif", "chunks_per_s"),
                                                      subset.get("chunks_per_s")),
        "reingest_unchanged_s": _get(phases, "reingest", "seconds"),
        "reingest_unchanged_process_s": _get(phases, "reingest", "cli", "process_s"),
        "retrieval_p50_ms": _get(main, "retrieval", "p50"),
        "retrieval_p95_ms": _get(main, "retrieval", "p95"),
        "extractive_answer_p50_ms": _get(main, "extractive", "p50"),
        "local_ttft_p50_ms": _get(local, "ttft_ms", "p50"),
        "local_answer_p50_ms": _get(local, "answer_ms", "p50"),
        "cold_start_s": serve.get("cold_start_s"),
        "rss_peak_mb": {"ingest": ingest.get("rss_peak_mb"), "serving": serve.get("rss_peak_mb"),
                        "serving_after_answers": serve.get("rss_serving_mb")} if ingest or serve else None,
        "chroma_server_1m_query_p50_ms": chroma.get("query_p50_ms") if big else None,
        "chroma_server_1m_query_p95_ms": chroma.get("query_p95_ms") if big else None,
        "chroma_server_ingest_vectors_per_s": chroma.get("ingest_vectors_per_s"),
        "chroma_server_load_s": chroma.get("load_s"),
        "chroma_server_rss_mb": chroma.get("server_rss_mb"),
        "chroma_server_vectors": chroma.get("vectors"),
        # at however many vectors the cache holds (the 1M keys only once it holds a million)
        "chroma_server_query_p50_ms": chroma.get("query_p50_ms"),
        "memory_rss_mb_at_chunks": _rss_at(by_chunks, [m for m in (500, 1000, 2000, 3000) if m <= total] + [total])
        if by_chunks else None,
        "memory_standin_rss_mb_at_chunks": _get(phases, "memory", "rss_at_chunks_mb"),
        "lexical_update_ms_per_article_at_chunks": updates or None,
        # O(article), not O(corpus): ten times the chunks may cost at most twice the time
        "lexical_update_ratio_100k_vs_10k": _ratio(updates.get("100000"), updates.get("10000")),
        "lexical_query_p50_ms_at_chunks": lexical.get("query_p50_ms_at_chunks"),
        # chunks/s on a local Ray instance over in-process, same articles, same run (its start apart)
        "ray_ingest_vs_inprocess": _get(phases, "ray", "ray_vs_inprocess"),
        "ray_start_s": _get(phases, "ray", "ray_start_s"),
    }
    assert set(out) == set(KEYS)
    return out
