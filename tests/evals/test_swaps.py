"""Swapped-entity claims built from true gold quotes: the support judge must reject every one."""

from __future__ import annotations

from collections import Counter

from assistant.grounding.verify import SupportJudge
from assistant.retrieval.embed import CachedEmbed, Embedder
from evals.swaps import judged, quotes, swaps


def test_the_judge_rejects_every_swapped_entity_claim(embedder: Embedder) -> None:
    items = swaps(quotes())
    kinds = Counter(s.kind for s in items)
    assert len(items) >= 50 and {"country", "name", "year", "month"} <= set(kinds), kinds
    judge = SupportJudge(embed=CachedEmbed(embedder.embed_texts))
    passed = [s for s, ok in judged(items, lambda c, p: judge.judge(c, p).supported) if ok]
    assert not passed, [f"{s.kind}: {s.replaced} -> {s.by}: {s.claim}" for s in passed]


def test_the_true_quotes_themselves_are_supported(embedder: Embedder) -> None:
    judge = SupportJudge(embed=CachedEmbed(embedder.embed_texts))
    items = {s.passage for s in swaps(quotes())}
    rejected = [p for p in items if not judge.judge(p, [p]).supported]
    assert not rejected, rejected
