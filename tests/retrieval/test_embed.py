"""``CachedEmbed``: each text embedded once, in groups of similar length."""

from __future__ import annotations

import numpy as np

from assistant.retrieval.embed import CachedEmbed


def test_cached_embed_embeds_each_text_once() -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    cached = CachedEmbed(embed)
    first = cached(["ab", "c", "ab"])
    second = cached(["c", "def"])
    assert calls == [["ab", "c"], ["def"]]
    assert first[:, 0].tolist() == [2, 1, 2] and second[:, 0].tolist() == [1, 3]


def test_cached_embed_does_not_pad_short_texts_to_a_long_passage() -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    passage = "Ein langer Absatz mit vielen Sätzen. " * 20
    claim, sentence = "Seoul plant Gespräche.", "Seoul plant neue Gespräche mit Pjöngjang."
    vectors = CachedEmbed(embed)([claim, passage, sentence])
    assert sorted(map(len, calls)) == [1, 2] and [passage] in calls
    assert vectors[:, 0].tolist() == [len(claim), len(passage), len(sentence)]  # in the order asked
