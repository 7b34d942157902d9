"""Question latency: retrieval alone, the extractive answer, and the local LLM's first token.

Retrieval is what ``Assistant.stream`` does before composing: embed the question,
``HybridRetriever.candidates_for`` (Chroma + BM25 + fusion + SQLite reads) and
``EvidenceScorer.run``. Each stage is timed on its own so a slow one is visible.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.answering.answer import Composer, select_evidence
from assistant.api import CITATION_MARGIN, Assistant
from assistant.retrieval.retrieve import EvidenceScorer
from evals.perf.profiling import profile


def percentiles(values: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=np.float64)
    if not len(arr):
        return {"p50": float("nan"), "p95": float("nan"), "mean": float("nan")}
    return {"p50": float(np.percentile(arr, 50)), "p95": float(np.percentile(arr, 95)), "mean": float(arr.mean())}


def _retrieve_once(assistant: Assistant, question: str) -> dict[str, float]:
    t0 = time.perf_counter()
    vector = assistant.embedder.embed_queries([question])[0]
    t1 = time.perf_counter()
    candidates = assistant.retriever.candidates_for(question, vector)
    t2 = time.perf_counter()
    EvidenceScorer().run(question, vector, candidates, assistant.store)
    t3 = time.perf_counter()
    return {"total": (t3 - t0) * 1000, "embed": (t1 - t0) * 1000, "candidates": (t2 - t1) * 1000,
            "evidence": (t3 - t2) * 1000}


def candidate_stages(assistant: Assistant, questions: Sequence[str]) -> dict[str, dict[str, float]]:
    """Inside ``candidates_for``: dense search, BM25, and the SQLite read of the chunks."""
    store = assistant.store
    k = assistant.settings.candidates
    times: dict[str, list[float]] = {"dense": [], "lexical": [], "get_chunks": []}
    for question in questions:
        vector = assistant.embedder.embed_queries([question])[0]
        t0 = time.perf_counter()
        dense = store.dense_search(vector, k)
        t1 = time.perf_counter()
        lexical = store.ensure_lexical().search(question, k)
        t2 = time.perf_counter()
        store.get_chunks(list({h[0] for h in dense} | {h.chunk_id for h in lexical}))
        t3 = time.perf_counter()
        times["dense"].append((t1 - t0) * 1000)
        times["lexical"].append((t2 - t1) * 1000)
        times["get_chunks"].append((t3 - t2) * 1000)
    return {stage: percentiles(v) for stage, v in times.items()}


def retrieval(assistant: Assistant, questions: Sequence[str]) -> dict[str, Any]:
    assistant.warm_up()
    runs = [_retrieve_once(assistant, q) for q in questions]
    stages = {key: percentiles([r[key] for r in runs]) for key in ("embed", "candidates", "evidence")}
    stages.update(candidate_stages(assistant, questions[:50]))
    return {"questions": len(questions), "ms": [r["total"] for r in runs], **percentiles([r["total"] for r in runs]),
            "stages_ms": stages}


def profiled_retrieval(assistant: Assistant, questions: Sequence[str], top: int = 12) -> dict[str, Any]:
    hotspots, wall, stages = profile(lambda: [_retrieve_once(assistant, q) for q in questions], top=top,
                                     interval_s=0.001)
    return {"questions": len(questions), "seconds": wall, "hotspots": [h.to_dict() for h in hotspots],
            "stages": [h.to_dict() for h in stages]}


def extractive_answers(assistant: Assistant, questions: Sequence[str]) -> dict[str, Any]:
    times, abstained = [], 0
    for question in questions:
        t0 = time.perf_counter()
        answer = assistant.ask(question)
        times.append((time.perf_counter() - t0) * 1000)
        abstained += answer.abstained
    return {"questions": len(questions), "abstained": abstained, **percentiles(times)}


def _prompt_messages(assistant: Assistant, question: str) -> list[Any]:
    """The chat messages ``Assistant.stream`` sends for ``question`` once its gate let it answer."""
    cleaned, lang = assistant.check_question(question)
    vector = assistant.embedder.embed_queries([cleaned])[0]
    evidence = EvidenceScorer().run(cleaned, vector, assistant.retriever.candidates_for(cleaned, vector),
                                    assistant.store)
    chosen = select_evidence(evidence, assistant.settings.max_citations, CITATION_MARGIN)
    return Composer(assistant.llm, assistant.judge()).messages(cleaned, lang, chosen)


def local_llm(assistant: Assistant, questions: Sequence[str]) -> dict[str, Any]:
    """Warm model; per question: first verified delta, whole answer, and the raw model's own first token."""
    started = time.perf_counter()
    assistant.warm_up()
    warm_s = time.perf_counter() - started
    llm = assistant.llm
    raw = getattr(llm, "_llm", None)  # llama_cpp.Llama, for token counts
    ttft, total, raw_first, raw_total, prompt_tokens, gen_tokens = [], [], [], [], [], []
    prompts = []
    fallbacks = abstained = 0
    for question in questions:
        t0 = time.perf_counter()
        first = None
        answer = None
        for event in assistant.stream(question):
            if isinstance(event, str):
                first = first if first is not None else (time.perf_counter() - t0) * 1000
            else:
                answer = event
        total.append((time.perf_counter() - t0) * 1000)
        if first is not None:
            ttft.append(first)
        if answer is not None and any("extractive answer used" in n for n in answer.notes):
            fallbacks += 1
        abstained += bool(answer is not None and answer.abstained)
        if answer is not None and not answer.abstained and llm is not None:
            prompts.append(_prompt_messages(assistant, question))
    # the same prompts straight to the model: where does the first token come from? Reordered so each
    # prompt follows a different one and only the shared system prompt is in llama.cpp's cache, as it
    # was for the assistant's own call
    for messages in prompts[-2::-1] + prompts[-1:]:
        assert llm is not None
        t0 = time.perf_counter()
        n = 0
        for part in llm.stream_chat(messages):
            if part.delta:
                if n == 0:
                    raw_first.append((time.perf_counter() - t0) * 1000)
                n += 1
        raw_total.append((time.perf_counter() - t0) * 1000)
        gen_tokens.append(n)
        if raw is not None:
            text = "".join(m.content or "" for m in messages)
            prompt_tokens.append(len(raw.tokenize(text.encode("utf-8"), add_bos=False)))
    return {"questions": len(questions), "warm_up_s": warm_s, "ttft_ms": percentiles(ttft),
            "answer_ms": percentiles(total), "raw_first_token_ms": percentiles(raw_first),
            "raw_answer_ms": percentiles(raw_total),
            "prompt_tokens": percentiles(prompt_tokens), "generated_deltas": percentiles(gen_tokens),
            "fallbacks_to_extractive": fallbacks, "abstained": abstained}
