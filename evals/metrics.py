"""Grading one answer against its gold question, and the metrics over many graded answers.

Answers: a correct answer contains every fact group (any alternative, case-insensitive,
thousands separators ignored) and does not abstain. Retrieval: the rank of the first
passage in ``Answer.evidence`` that contains a gold evidence quote.

Citations are graded against the gold file, independently of the product: a citation is
*correct* when its passage holds a gold evidence quote of a fact its sentence states
(``citation_precision_gold``), and a sentence that states a gold fact is *supported* when
one of its citations is correct (``citation_recall_gold``). The product's own judge grades
them too, ALCE-style, but that only measures the verifier's agreement with itself (the
extractive answer is made of quotes, the LLM answers were filtered by the same judge), so
those figures are reported as ``verifier_self_agreement_*`` and are not gated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from assistant.grounding.verify import Verdict, numbers, split_claims
from assistant.schema import Answer, Citation
from evals.gold import GoldQuestion

_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
_SPACE = re.compile(r"\s+")
RECALL_KS = (1, 3, 5)


class Judge(Protocol):
    def judge(self, claim: str, passages: Sequence[str]) -> Verdict: ...


def normalize(text: str) -> str:
    """Casefolded, NFC, single spaces, and ``11.000`` / ``11,000`` written as ``11000``."""
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACE.sub(" ", _THOUSANDS.sub("", text)).strip()


def fact_groups_found(text: str, groups: Sequence[Sequence[str]]) -> list[bool]:
    norm = normalize(text)
    return [any(normalize(alt) in norm for alt in group) for group in groups]


def contains_quote(passage: str, quotes: Iterable[str]) -> bool:
    """Whether the passage contains one of the quotes, ignoring all whitespace."""
    flat = _SPACE.sub("", unicodedata.normalize("NFC", passage))
    return any(_SPACE.sub("", unicodedata.normalize("NFC", q)) in flat for q in quotes)


def passage_ranking(evidence: Sequence[Citation]) -> list[Citation]:
    """Distinct passages in the order they first appear (evidence lists sentences, best first)."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for c in evidence:
        key = (c.doc_id, c.start, c.end)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def evidence_rank(evidence: Sequence[Citation], quotes: Sequence[str]) -> int | None:
    """1-based rank of the first retrieved passage holding a gold quote; None when none does."""
    for rank, c in enumerate(passage_ranking(evidence), start=1):
        if contains_quote(f"{c.title}\n{c.text}", quotes):  # a source card shows the headline too
            return rank
    return None


@dataclass(frozen=True)
class CitationCheck:
    number: int
    title: str
    supports: bool  # alone, or as the one that makes the set support the sentence
    reason: str


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    markers: tuple[int, ...]
    supported: bool
    reason: str
    citations: tuple[CitationCheck, ...]


@dataclass(frozen=True)
class GoldSentence:
    """One answer sentence that states gold facts, and which of its citations hold their evidence."""

    text: str
    facts: tuple[int, ...]  # indices of the fact groups it states
    correct: tuple[bool, ...]  # per citation marker, in order

    @property
    def supported(self) -> bool:
        return any(self.correct)


def grade_citations_gold(answer: Answer, gold: GoldQuestion) -> list[GoldSentence]:
    """Gold-graded citations of every answer sentence that states a gold fact (none when abstaining)."""
    if answer.abstained or not gold.answer_facts:
        return []
    per_fact = gold.fact_evidence or tuple(gold.evidence for _ in gold.answer_facts)
    by_number = {c.number: c for c in answer.citations}
    out = []
    for claim in split_claims(answer.text):
        facts = tuple(i for i, found in enumerate(fact_groups_found(claim.text, gold.answer_facts)) if found)
        if not facts:
            continue
        quotes = [q for i in facts for q in per_fact[i]]
        correct = tuple(m in by_number and contains_quote(f"{by_number[m].title}\n{by_number[m].text}", quotes)
                        for m in claim.markers)
        out.append(GoldSentence(claim.text, facts, correct))
    return out


@dataclass
class QuestionResult:
    id: str
    lang: str
    type: str
    answerable: bool
    backend: str
    question: str
    answer: str
    abstained: bool
    facts: list[bool]
    rank: int | None  # of the first evidence passage; None: not retrieved or no gold evidence
    latency_ms: float
    has_evidence: bool = False  # the gold question lists evidence quotes, so retrieval is scored
    sentences: list[SentenceCheck] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    gate: dict[str, Any] = field(default_factory=dict)  # the answerability signals, for calibrating the gate
    gold_citations: list[GoldSentence] = field(default_factory=list)
    fallback: bool = False  # an LLM backend's answer was replaced by the extractive one
    direct: bool = False  # answerable, answered, and every fact within the answer's first DIRECT_CHARS


    @property
    def correct(self) -> bool:
        """Answerable: every fact group and no abstention. Unanswerable: abstained."""
        if not self.answerable:
            return self.abstained
        return not self.abstained and all(self.facts)

    @property
    def hallucinated(self) -> bool:
        return not self.abstained and not self.correct

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "lang": self.lang, "type": self.type, "answerable": self.answerable,
                "backend": self.backend, "question": self.question, "answer": self.answer,
                "abstained": self.abstained, "correct": self.correct, "hallucinated": self.hallucinated,
                "facts": self.facts, "evidence_rank": self.rank, "latency_ms": self.latency_ms,
                "sentences": [{"text": s.text, "markers": list(s.markers), "supported": s.supported,
                               "reason": s.reason,
                               "citations": [c.__dict__ for c in s.citations]} for s in self.sentences],
                "citations": self.citations, "notes": self.notes, "gate": self.gate, "fallback": self.fallback,
                "direct": self.direct,
                "gold_citations": [{"text": g.text, "facts": list(g.facts), "correct": list(g.correct)}
                                   for g in self.gold_citations]}


class CitationGrader:
    """Judges every answer sentence against the passages it cites."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge

    def _supports(self, sentence: str, passages: Sequence[Citation], gold: GoldQuestion) -> Verdict:
        verdict = self.judge.judge(sentence, [c.text for c in passages])
        if verdict.supported:
            return verdict
        # the judge cannot read across languages reliably; a passage holding the gold evidence
        # supports a sentence that states a gold fact with no number foreign to the passage
        joined = "\n".join(c.text for c in passages)
        if (gold.evidence and contains_quote(joined, gold.evidence)
                and any(fact_groups_found(sentence, gold.answer_facts)) and numbers(sentence) <= numbers(joined)):
            return Verdict(True, "passage holds the gold evidence for a gold fact", verdict.similarity)
        return verdict

    def grade(self, answer: Answer, gold: GoldQuestion) -> list[SentenceCheck]:
        if answer.abstained:
            return []
        by_number = {c.number: c for c in answer.citations}
        out = []
        for claim in split_claims(answer.text):
            cited = [by_number[m] for m in claim.markers if m in by_number]
            if not cited:
                out.append(SentenceCheck(claim.text, claim.markers, False, "no citation", ()))
                continue
            whole = self._supports(claim.text, cited, gold)
            checks = []
            for c in cited:
                alone = self._supports(claim.text, [c], gold)
                needed = False
                if not alone.supported and whole.supported and len(cited) > 1:
                    rest = [o for o in cited if o is not c]
                    needed = not self._supports(claim.text, rest, gold).supported
                checks.append(CitationCheck(c.number, c.title, alone.supported or needed, alone.reason))
            out.append(SentenceCheck(claim.text, claim.markers, whole.supported, whole.reason, tuple(checks)))
        return out


# a reader sees the answer in its first two lines: the facts must be there, not after a headline
DIRECT_CHARS = 200


def grade(answer: Answer, gold: GoldQuestion, grader: CitationGrader, backend: str, latency_ms: float
          ) -> QuestionResult:
    rank = evidence_rank(answer.evidence, gold.evidence) if gold.evidence else None
    return QuestionResult(
        id=gold.id, lang=gold.lang, type=gold.type, answerable=gold.answerable, backend=backend,
        question=gold.question, answer=answer.text, abstained=answer.abstained,
        facts=fact_groups_found(answer.text, gold.answer_facts) if not answer.abstained else
        [False] * len(gold.answer_facts),
        rank=rank, latency_ms=round(latency_ms, 1), has_evidence=bool(gold.evidence),
        sentences=grader.grade(answer, gold),
        citations=[{"number": c.number, "title": c.title, "quote": c.quote, "doc_id": c.doc_id}
                   for c in answer.citations],
        notes=list(answer.notes), gate=dict(getattr(answer, "gate", {}) or {}),
        gold_citations=grade_citations_gold(answer, gold),
        fallback=answer.fallback,
        direct=gold.answerable and not answer.abstained and all(
            fact_groups_found(answer.text[:DIRECT_CHARS], gold.answer_facts)))


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def summarize(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """All metrics over a set of graded answers; a rate with no cases is None, not 0."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    with_evidence = [r for r in answerable if r.has_evidence]
    sentences = [s for r in results for s in r.sentences]
    citations = [c for s in sentences for c in s.citations]
    gold_sentences = [g for r in results for g in r.gold_citations]
    gold_marks = [ok for g in gold_sentences for ok in g.correct]
    latencies = np.array([r.latency_ms for r in results], dtype=np.float64)
    accuracy = _share(sum(r.correct for r in results), len(results))
    hallucination = _share(sum(r.hallucinated for r in results), len(results))
    out: dict[str, Any] = {
        "questions": len(results), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "fact_accuracy": _share(sum(r.correct for r in answerable), len(answerable)),
        "wrong_abstention": _share(sum(r.abstained for r in answerable), len(answerable)),
        "abstention": _share(sum(r.abstained for r in unanswerable), len(unanswerable)),
        "hallucination": hallucination,
        "accuracy": accuracy,
        "crag_score": round(accuracy - hallucination, 4) if accuracy is not None and hallucination is not None
        else None,
        "citation_precision_gold": _share(sum(gold_marks), len(gold_marks)),
        "citation_recall_gold": _share(sum(g.supported for g in gold_sentences), len(gold_sentences)),
        "verifier_self_agreement_recall": _share(sum(s.supported for s in sentences), len(sentences)),
        "verifier_self_agreement_precision": _share(sum(c.supports for c in citations), len(citations)),
        "direct": _share(sum(r.direct for r in answerable), len(answerable)),
        "fallback_rate": _share(sum(r.fallback for r in results), len(results)),
        "sentences": len(sentences), "citations": len(citations),
    }
    for k in RECALL_KS:
        out[f"recall@{k}"] = _share(sum(r.rank is not None and r.rank <= k for r in with_evidence),
                                    len(with_evidence))
    out["mrr"] = (round(float(np.mean([1 / r.rank if r.rank else 0.0 for r in with_evidence])), 4)
                  if with_evidence else None)
    out["latency_p50_ms"] = round(float(np.percentile(latencies, 50)), 1) if len(latencies) else None
    out["latency_p95_ms"] = round(float(np.percentile(latencies, 95)), 1) if len(latencies) else None
    return out


def breakdown(results: Sequence[QuestionResult]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{backend: {"all"|"de"|"en": metrics}}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for backend in dict.fromkeys(r.backend for r in results):
        mine = [r for r in results if r.backend == backend]
        out[backend] = {"all": summarize(mine)}
        for lang in ("de", "en"):
            subset = [r for r in mine if r.lang == lang]
            if subset:
                out[backend][lang] = summarize(subset)
    return out
