"""The result document: every key present, the table and the Markdown report written, the header kept."""

from __future__ import annotations

from pathlib import Path

from evals.perf.report import GENERATED, fmt, text_table, verdict, write_doc
from evals.perf.runner import TARGETS
from evals.perf.summary import KEYS, summarize


def test_summarize_without_phases_has_every_key_as_none() -> None:
    doc = summarize({})
    assert set(doc) == set(KEYS)
    assert all(v is None for v in doc.values())


def test_summarize_ratios() -> None:
    phases = {"main": {"ingest": {"chunks": 100, "chunks_per_s": 9.0, "articles_per_s": 3.0,
                                  "rss_by_chunks": [[64, 1000.0], [100, 1010.0]]},
                       "raw_encode": {"chunks_per_s": 10.0, "best_batch_size": 16, "runtime": "torch-float32"},
                       "encoder_runtime": "onnx-fp32",
                       "retrieval": {"p50": 30.0, "stages_ms": {"embed": {"p50": 18.0}}},
                       "subset_ingest": {"articles_per_s": 2.0, "chunks_per_s": 8.0}},
              "llamaindex": {"articles_per_s": 0.5, "chunks_per_s": 2.0},
              "chroma": {"vectors": 1_000_000, "query_p50_ms": 7.0},
              "lexical": {"update_ms_per_article_at_chunks": {"10000": 0.5, "100000": 0.6},
                          "query_p50_ms_at_chunks": {"10000": 1.0, "100000": 9.0}}}
    doc = summarize(phases)
    assert doc["ingest_vs_torch_raw"] == 0.9
    assert (doc["encoder_runtime"], doc["raw_encode_runtime"]) == ("onnx-fp32", "torch-float32")
    assert (doc["retrieval_p50_ms"], doc["query_embed_p50_ms"]) == (30.0, 18.0)
    assert doc["speedup_vs_llamaindex_default"] == 4.0
    assert doc["speedup_vs_llamaindex_default_chunks"] == 4.0
    assert doc["chroma_server_1m_query_p50_ms"] == 7.0
    assert doc["memory_rss_mb_at_chunks"] == {"100": 1010.0}
    assert doc["lexical_update_ms_per_article_at_chunks"] == {"10000": 0.5, "100000": 0.6}
    assert abs(doc["lexical_update_ratio_100k_vs_10k"] - 1.2) < 1e-9
    assert doc["lexical_query_p50_ms_at_chunks"]["100000"] == 9.0


def test_small_chroma_run_does_not_count_as_a_million() -> None:
    assert summarize({"chroma": {"vectors": 10_000, "query_p50_ms": 1.0}})["chroma_server_1m_query_p50_ms"] is None


def test_verdicts() -> None:
    targets = {k: list(v) for k, v in TARGETS.items()}
    assert verdict("retrieval_p50_ms", 34.0, targets).endswith("met")
    assert verdict("retrieval_p50_ms", 36.0, targets).endswith("MISSED")
    assert verdict("ingest_vs_torch_raw", 1.6, targets).endswith("met")
    assert verdict("ingest_vs_torch_raw", 0.95, targets).endswith("MISSED")
    assert verdict("ingest_vs_torch_raw", None, targets) == ""
    assert fmt(None) == "—"


def test_write_doc_keeps_the_hand_written_header(tmp_path: Path) -> None:
    doc = {**summarize({}), "targets": {k: list(v) for k, v in TARGETS.items()}, "errors": {"chroma": "boom"},
           "machine": {"cpu": "Test CPU", "cores": 2}}
    path = tmp_path / "BENCHMARKS.md"
    write_doc(doc, path)
    text = path.read_text(encoding="utf-8")
    assert GENERATED in text and "Test CPU" in text and "`chroma`: boom" in text
    assert all(f"`{key}`" in text for key in KEYS)
    assert (tmp_path / "benchmarks.png").stat().st_size > 1000
    path.write_text("# My own header\n\nkept\n\n" + GENERATED + text.split(GENERATED, 1)[1], encoding="utf-8")
    write_doc(doc, path)
    again = path.read_text(encoding="utf-8")
    assert again.startswith("# My own header\n\nkept\n") and again.count(GENERATED) == 1
    assert "chroma: boom" in text_table(doc)
