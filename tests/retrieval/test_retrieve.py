"""Retrieval on the default corpus: every gold question's evidence among the top passages."""

from __future__ import annotations

import json
import re

import pytest

from assistant import Assistant
from assistant.answering.followup import deterministic_rewrite
from assistant.retrieval.retrieve import EvidenceScorer, HybridRetriever, fuse
from tests.conftest import EVALS

GOLD = [json.loads(line) for line in (EVALS / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
ANSWERABLE = [g for g in GOLD if g["answerable"]]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_fusion_keeps_hits_from_either_list() -> None:
    fused = fuse({"a": 0.9, "b": 0.5}, {"b": 12.0, "c": 3.0}, dense_weight=0.5)
    assert set(fused) == {"a", "b", "c"} and max(fused, key=fused.__getitem__) == "b"
    rrf = fuse({"a": 0.9, "b": 0.5}, {"b": 12.0}, dense_weight=0.5, method="rrf")
    assert max(rrf, key=rrf.__getitem__) == "b"


def test_a_key_may_have_its_own_dense_weight() -> None:
    dense, lexical = {"a": 0.9, "b": 0.5, "c": 0.1}, {"b": 12.0, "c": 3.0, "a": 0.5}
    assert max(fuse(dense, lexical, 0.5).items(), key=lambda kv: kv[1])[0] == "b"
    # "b" read across languages: its BM25 score counts for nothing, its vector for all
    own = fuse(dense, lexical, 0.5, weights={"b": 1.0})
    assert max(own, key=own.__getitem__) == "a"
    rrf = fuse(dense, lexical, 0.5, method="rrf", weights={"b": 1.0})
    assert max(rrf, key=rrf.__getitem__) == "a"


def test_an_english_question_over_german_chunks_takes_the_cross_weight(default_assistant: Assistant) -> None:
    """With a cross weight of 1, an English question over the German articles is ranked by its vector
    alone; a German question keeps the fusion."""
    a = default_assistant
    vectors_only = HybridRetriever(a.store, a.embedder, 20, a.settings.dense_weight, cross_dense_weight=1.0)
    english = "What does North Korea mainly supply to Russia according to South Korean intelligence?"
    ranked = [c.chunk.chunk_id for c in vectors_only.candidates_for(english)]
    dense = [key for key, _ in a.store.dense_search(a.embedder.embed_queries([english])[0], 20)]
    assert ranked[: len(dense)] == dense
    german = "Was liefert Nordkorea laut dem südkoreanischen Geheimdienst an Russland?"
    assert ([c.chunk.chunk_id for c in vectors_only.candidates_for(german)]
            == [c.chunk.chunk_id for c in a.retriever.candidates_for(german)]
            == [c.chunk.chunk_id for c in HybridRetriever(a.store, a.embedder, 20, a.settings.dense_weight)
                .candidates_for(german)])


def test_every_gold_evidence_in_top_3_passages(default_assistant: Assistant) -> None:
    misses = []
    for gold in ANSWERABLE:
        question = deterministic_rewrite(gold["question"], [tuple(h) for h in gold.get("history", [])])
        # the headline belongs to every passage: it is on the source card and in the chunk's vector
        passages = [f"{c.chunk.title}\n{c.chunk.text}"
                    for c in default_assistant.retriever.candidates_for(question)[:3]]
        if not any(_squeeze(q) in _squeeze(p) for q in gold["evidence"] for p in passages):
            misses.append(gold["id"])
    assert not misses, f"evidence not in top 3 for {misses}"


@pytest.mark.parametrize("question,expected", [
    ("Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?", "etwa 11.000"),
    ("What does North Korea mainly supply according to South Korean intelligence?", "Artilleriegeschosse"),
    ("Wohin wurden einige nordkoreanische Truppen laut Kowalenko verlegt?", "Region Belgorod verlegt"),
])
def test_best_sentence_is_the_answer(default_assistant: Assistant, question: str, expected: str) -> None:
    vector = default_assistant.embedder.embed_queries([question])[0]
    candidates = default_assistant.retriever.candidates_for(question, vector)
    evidence = EvidenceScorer().run(question, vector, candidates, default_assistant.store)
    assert expected in evidence[0].text
