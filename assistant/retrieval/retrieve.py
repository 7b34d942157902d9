"""Hybrid retrieval (dense + BM25, fused) and sentence-level evidence scoring.

``HybridRetriever`` is a llama-index ``BaseRetriever``: it returns chunk nodes and can
stand in any llama-index query engine. ``EvidenceScorer`` is our own step because no
offline cross-encoder exists (see README, "Models"): it ranks the sentences of the
candidate chunks by their stored vectors, their coverage of the question's terms and
their chunk's rank, which is what the citations point at. Sentences that address an AI
reader or carry markup (``retrieval/injection.py``) are skipped there.

BM25 reads stems, and an English question shares few with a German article (names mostly:
"Space Station" is "Raumstation", "crewed" is "bemannt"), so where a chunk's language differs from
the question's, the fusion gives the vectors more weight (``cross_dense_weight``, chosen on dev:
docs/EVALS.md). The sentence score's stem coverage keeps its weight: lowered across languages it
lost answers on dev, as names are what the two languages share.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.language import detect_language
from assistant.retrieval.embed import Embedder
from assistant.retrieval.injection import overlaps, strip_markup, suspect_lines
from assistant.retrieval.store import Store, StoredChunk
from assistant.tokens import tokenize


@dataclass(frozen=True)
class Candidate:
    chunk: StoredChunk
    score: float  # fused, higher is better
    dense: float  # cosine similarity, or nan when only BM25 found it
    lexical: float  # BM25 score, 0 when only dense found it
    rank: int


@dataclass(frozen=True)
class Evidence:
    """One sentence that may answer the question, with where it stands in its article."""

    chunk: StoredChunk
    sentence_index: int
    start: int
    end: int
    text: str
    score: float
    similarity: float
    coverage: float


def zscores(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    arr = np.array(list(values.values()), dtype=np.float64)
    std = float(arr.std()) or 1.0
    mean = float(arr.mean())
    return {k: (v - mean) / std for k, v in values.items()}


def fuse(dense: dict[str, float], lexical: dict[str, float], dense_weight: float, method: str = "zscore",
         weights: dict[str, float] | None = None) -> dict[str, float]:
    """Weighted z-score fusion (default) or reciprocal rank fusion of two ranked lists.

    z-scores keep *how much* better a hit is than the rest, which RRF throws away;
    a hit missing from one list gets that list's floor (its worst z-score minus one).
    ``weights``: a key's own dense weight, where it is not ``dense_weight``.
    """
    weights = weights or {}
    if method == "rrf":
        out: dict[str, float] = {}
        for dense_side, ranked in ((True, dense), (False, lexical)):
            for rank, key in enumerate(sorted(ranked, key=ranked.__getitem__, reverse=True)):
                weight = weights.get(key, dense_weight)
                out[key] = out.get(key, 0.0) + (weight if dense_side else 1 - weight) / (60 + rank + 1)
        return out
    zd, zl = zscores(dense), zscores(lexical)
    floor_d = min(zd.values(), default=0.0) - 1.0
    floor_l = min(zl.values(), default=0.0) - 1.0
    keys = set(zd) | set(zl)
    return {k: (w := weights.get(k, dense_weight)) * zd.get(k, floor_d) + (1 - w) * zl.get(k, floor_l)
            for k in keys}


def across(question_lang: str, chunk: StoredChunk) -> bool:
    """Whether ``chunk`` is written in another language than the question, read from its first 300
    characters: on the 2,766 chunk-sized pieces of the 10kGNAD archive they tell it as the whole does."""
    return _language(chunk.text[:300]) != question_lang


@lru_cache(maxsize=8192)  # the same chunks come back question after question
def _language(sample: str) -> str:
    return detect_language(sample)


_LETTERS = re.compile(r"[^\W\d_]{2}")


def _covered(terms: dict[str, float], stems: set[str]) -> float:
    """idf weight of the query terms a sentence holds, whole or inside a German compound
    ("korea" in "südkoreanisch", "waffen" in "waffenlieferung")."""
    found = 0.0
    for term, weight in terms.items():
        if term in stems or (len(term) >= 4 and any(term in s for s in stems if len(s) > len(term) + 2)):
            found += weight
    return found


class HybridRetriever(BaseRetriever):
    """Dense (Chroma) and lexical (BM25) candidates, fused into one ranking of chunks."""

    def __init__(self, store: Store, embedder: Embedder, candidates: int = 20, dense_weight: float = 0.55,
                 fusion: str = "zscore", cross_dense_weight: float | None = None) -> None:
        super().__init__()
        self.store = store
        self.embedder = embedder
        self.candidates = candidates
        self.dense_weight = dense_weight
        self.fusion = fusion
        # for a chunk in another language than the question; None: as ``dense_weight``
        self.cross_dense_weight = dense_weight if cross_dense_weight is None else cross_dense_weight

    def candidates_for(self, query: str, query_vector: np.ndarray | None = None, k: int | None = None
                       ) -> list[Candidate]:
        k = k or self.candidates
        if query_vector is None:
            query_vector = self.embedder.embed_queries([query])[0]
        dense = dict(self.store.dense_search(query_vector, k))
        lexical = {h.chunk_id: h.score for h in self.store.ensure_lexical().search(query, k)}
        chunks = self.store.get_chunks(list(dict.fromkeys([*dense, *lexical])))
        weights: dict[str, float] = {}
        if self.cross_dense_weight != self.dense_weight:
            lang = detect_language(query)
            weights = {key: self.cross_dense_weight for key, chunk in chunks.items() if across(lang, chunk)}
        fused = fuse(dense, lexical, self.dense_weight, self.fusion, weights)
        ranked = sorted(fused, key=lambda key: (-fused[key], key))
        out = []
        for key in ranked:
            if key in chunks:  # a chunk removed by a concurrent ingest is skipped, not an error
                out.append(Candidate(chunks[key], fused[key], dense.get(key, math.nan), lexical.get(key, 0.0),
                                     len(out)))
        return out

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = np.asarray(query_bundle.embedding, dtype=np.float32) if query_bundle.embedding else None
        return [
            NodeWithScore(node=TextNode(id_=c.chunk.chunk_id, text=c.chunk.text,
                                        metadata={"doc_id": c.chunk.doc_id, "title": c.chunk.title,
                                                  "start": c.chunk.start, "end": c.chunk.end}),
                          score=c.score)
            for c in self.candidates_for(query_bundle.query_str, vector)
        ]


class EvidenceScorer:
    """Ranks the sentences of candidate chunks; the best few become the citations."""

    def __init__(self, similarity_weight: float = 0.6, coverage_weight: float = 0.25, chunk_weight: float = 0.15,
                 top_chunks: int = 8) -> None:
        self.similarity_weight = similarity_weight
        self.coverage_weight = coverage_weight
        self.chunk_weight = chunk_weight
        self.top_chunks = top_chunks

    def run(self, query: str, query_vector: np.ndarray, candidates: list[Candidate], store: Store
            ) -> list[Evidence]:
        if not candidates:
            return []
        lexical = store.ensure_lexical()
        # in query order, not set order: a float sum must not depend on the process's hash seed
        terms = {t: lexical.idf(t) or 1.0 for t in dict.fromkeys(tokenize(query))}
        total = sum(terms.values())
        pool = candidates[: self.top_chunks]
        best_chunk = pool[0].score
        spread = max(best_chunk - pool[-1].score, 1e-6)
        out: list[Evidence] = []
        for cand in pool:
            chunk_part = 1.0 - (best_chunk - cand.score) / spread if len(pool) > 1 else 1.0
            suspect = suspect_lines(cand.chunk.text)
            for sent in cand.chunk.sentences:
                rel_start, rel_end = sent.start - cand.chunk.start, sent.end - cand.chunk.start
                text = cand.chunk.text[rel_start:rel_end]
                # an instruction to a model is never quoted nor shown to one; bare markup says nothing
                if overlaps(rel_start, rel_end, suspect) or not _LETTERS.search(strip_markup(text)):
                    continue
                similarity = float(np.dot(query_vector, sent.vector))
                coverage = _covered(terms, set(tokenize(text))) / total if total else 0.0
                score = (self.similarity_weight * similarity + self.coverage_weight * coverage
                         + self.chunk_weight * chunk_part)
                out.append(Evidence(cand.chunk, sent.index, sent.start, sent.end, text, score, similarity, coverage))
        out.sort(key=lambda e: (-e.score, e.chunk.chunk_id, e.sentence_index))
        return out

    def rescore(self, query: str, query_vector: np.ndarray, evidence: list[Evidence], store: Store
                ) -> list[Evidence]:
        """The same sentences scored for another query (a part of the question, ``grounding/parts.py``):
        each keeps its chunk's share of the score, which is the chunk's rank for the whole question."""
        lexical = store.ensure_lexical()
        terms = {t: lexical.idf(t) or 1.0 for t in dict.fromkeys(tokenize(query))}
        total = sum(terms.values())
        out = []
        for e in evidence:
            chunk_share = e.score - self.similarity_weight * e.similarity - self.coverage_weight * e.coverage
            vector = next(s.vector for s in e.chunk.sentences if s.index == e.sentence_index)
            similarity = float(np.dot(query_vector, vector))
            coverage = _covered(terms, set(tokenize(e.text))) / total if total else 0.0
            score = self.similarity_weight * similarity + self.coverage_weight * coverage + chunk_share
            out.append(Evidence(e.chunk, e.sentence_index, e.start, e.end, e.text, score, similarity, coverage))
        out.sort(key=lambda e: (-e.score, e.chunk.chunk_id, e.sentence_index))
        return out
