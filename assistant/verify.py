"""Citation markers and the check that a sentence is supported by the passages it cites.

No offline NLI model exists (README, "Models"), so support is judged from what can be
checked exactly: every number and every name in the claim must occur in a cited
passage, and its content words must be covered lexically or, across languages, by
sentence-vector similarity. The same judge scores answers in the evals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.lexical import normalize_number, tokenize

MARKER = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_NAME = re.compile(r"(?<![\w])([A-ZÄÖÜ][\w\-]+)")
_SENT_END = re.compile(r"[.!?](?:\s*\[\d{1,2}\])*(?=\s+[A-ZÄÖÜ„\"“\d])")

# capitalised words that are not names: sentence starters, German nouns are handled by
# checking names only against words that are capitalised mid-sentence in the claim
_NOT_NAMES = frozenset("The A An In On At According This That It He She They We According Laut Die Der Das Ein "
                       "Eine Im Am Nach Von Es Er Sie Wir".split())


@dataclass(frozen=True)
class Claim:
    text: str  # without markers
    markers: tuple[int, ...]


@dataclass(frozen=True)
class Verdict:
    supported: bool
    reason: str
    similarity: float


def split_claims(answer: str) -> list[Claim]:
    """Answer sentences with the [n] markers that follow or sit inside each."""
    claims = []
    pieces, last = [], 0
    for match in _SENT_END.finditer(answer):
        pieces.append(answer[last: match.end()])
        last = match.end()
    pieces.append(answer[last:])
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        markers = tuple(dict.fromkeys(int(m) for m in MARKER.findall(piece)))
        text = MARKER.sub("", piece)
        text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
        if text:
            claims.append(Claim(text, markers))
    return claims


def numbers(text: str) -> set[str]:
    return {normalize_number(n) for n in _NUMBER.findall(text)}


def names(text: str) -> set[str]:
    """Capitalised words that are not the first word of a sentence: names, in English text."""
    found = set()
    for match in _NAME.finditer(text):
        before = text[: match.start()].rstrip()
        if not before or before[-1] in ".!?:\"„“»(":
            continue
        word = match.group(1)
        if word not in _NOT_NAMES:
            found.add(word)
    return found


def _name_in(name: str, passage: str, passage_stems: set[str]) -> bool:
    if name.lower() in passage.lower():
        return True
    # inflected or compounded forms: "Pentagon" ~ "Pentagons", "Kursk" ~ "Kursk-Region"
    stems = tokenize(name)
    return bool(stems) and all(s in passage_stems for s in stems)


class SupportJudge:
    """Does a set of passages support a claim? Numbers and names exactly; the rest by meaning."""

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray] | None = None,
                 min_coverage: float = 0.5, min_similarity: float = 0.55) -> None:
        self.embed = embed
        self.min_coverage = min_coverage
        self.min_similarity = min_similarity

    def judge(self, claim: str, passages: Sequence[str]) -> Verdict:
        if not passages:
            return Verdict(False, "no cited passage", 0.0)
        joined = "\n".join(passages)
        missing_numbers = numbers(claim) - numbers(joined)
        if missing_numbers:
            return Verdict(False, f"numbers not in the passage: {sorted(missing_numbers)}", 0.0)
        passage_stems = set(tokenize(joined))
        missing_names = [n for n in names(claim) if not _name_in(n, joined, passage_stems)]
        claim_stems = set(tokenize(claim))
        coverage = len(claim_stems & passage_stems) / len(claim_stems) if claim_stems else 1.0
        similarity = self._similarity(claim, passages)
        if missing_names and similarity < self.min_similarity + 0.15:
            return Verdict(False, f"names not in the passage: {missing_names}", similarity)
        if coverage >= self.min_coverage or similarity >= self.min_similarity:
            return Verdict(True, f"coverage {coverage:.2f}, similarity {similarity:.2f}", similarity)
        return Verdict(False, f"weak overlap: coverage {coverage:.2f}, similarity {similarity:.2f}", similarity)

    def _similarity(self, claim: str, passages: Sequence[str]) -> float:
        if self.embed is None:
            return 0.0
        vectors = self.embed([claim, *passages])
        return float(np.max(vectors[1:] @ vectors[0]))
