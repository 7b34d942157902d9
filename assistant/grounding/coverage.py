"""Does the evidence mention what the question is about? Term coverage across languages.

Each salient word of the question (not a stopword, not question scaffolding) counts
as covered when its stem occurs in the evidence, inside a compound ("Waffen" in
"Waffenlieferungen"), or, failing that, when its word vector is close to the vector
of an evidence word: that is how "ambassador" finds "Botschafter" and "Gefahr" finds
"Bedrohung". Both sides are embedded alike (``Embedder.embed_words``), and word vectors are
cached, so a warm process embeds few new words.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.stopwords import FUNCTION_WORDS
from assistant.tokens import STOPWORDS, tokenize

# words that frame a question rather than name its subject (function words are in stopwords.FUNCTION_WORDS)
_SCAFFOLD = frozenset(
    "laut zufolge artikel article articles bericht berichten report reports according corpus text passage "
    "genau genaue genauen exact exactly konkret konkreten concrete specific jeweils respectively insgesamt "
    "total welche welcher welches welchen welchem whose wie viele many much wann "
    "wo warum wieso weshalb weswegen wozu inwiefern wer was "
    "heißt heisst called name namen named nennt nennen gibt give geben "
    "steht stehen say says said sagt sagte tell tells stated erklärt beiden two zwei etwa "
    "bisher far currently derzeit would could may might shall "
    "others besides apart even also first "
    "kind sort type source sources person people man woman mann frau described describe describes "
    "mention mentioned mentions erwähnt beschreibt beschrieben genannt article's "
    # attributes whose value, not whose name, is in the text: "Welches Amt hat er inne?" -> "Vize-Außenminister"
    "amt inne rolle role funktion function position posten job titel title beruf occupation hold holds "
    "monat month tag day".split())
# "Welcher Journalist …", "Which party …": the noun after the question word names what is asked for,
# so evidence that never mentions it is unlikely to answer
_HEAD_NOUN = re.compile(r"\b(?:welche[rsnm]?|which|what)\s+([\w\-]+)(?:\s+([\w\-]+))?", re.I)
HEAD_WEIGHT = 3.0
# conjunctions and particles the stopword lists miss; "falls" must not stand in for "gefallen"
_PARTICLES = frozenset(
    "falls sowie sowohl weder noch bereits derzeit etwa lediglich demnach zufolge bisher jedoch zudem "
    "damit dabei dazu daher deshalb darüber davon indem obwohl sondern während wobei womit worauf "
    "also although however whether while unless since because therefore thus".split())
_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
_NOT_SALIENT = STOPWORDS | FUNCTION_WORDS | _SCAFFOLD
_NOT_EVIDENCE = STOPWORDS | FUNCTION_WORDS | _PARTICLES


@dataclass(frozen=True)
class CoverageResult:
    coverage: float  # idf-weighted share of salient question words found in the evidence
    missing: tuple[str, ...]
    closest: tuple[float, ...] = ()  # per missing word, its best word-vector similarity in the evidence

    def closeness(self, word: str) -> float:
        """How close the evidence comes to a missing word; 1.0 for a word that is not missing."""
        if word not in self.missing:
            return 1.0
        at = self.missing.index(word)
        return self.closest[at] if at < len(self.closest) else 0.0


def salient_words(question: str) -> list[str]:
    words = []
    for word in _WORD.findall(question):
        lw = word.lower()
        if len(lw) < 3 or lw in _NOT_SALIENT:
            continue
        words.append(word)
    return list(dict.fromkeys(words))


class TermCoverage:
    def __init__(self, embed_words: Callable[[Sequence[str]], np.ndarray], idf: Callable[[str], float],
                 min_similarity: float = 0.45, cache_size: int = 50_000) -> None:
        self._embed = embed_words
        self._idf = idf
        self.min_similarity = min_similarity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def _vectors(self, words: Sequence[str]) -> np.ndarray:
        # a word's vector does not depend on what it is embedded with (retrieval/embed.py), so the cache's
        # state cannot change a decision
        missing = list(dict.fromkeys(w for w in words if w not in self._cache))
        if missing:
            for word, vec in zip(missing, self._embed(missing), strict=True):
                self._cache[word] = vec
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        for w in words:
            self._cache.move_to_end(w)
        return np.stack([self._cache[w] for w in words])

    def similar(self, a: str, b: str) -> bool:
        """Whether two words are close enough to count as one (a translation, an inflection)."""
        return self.any_close([a], [b], self.min_similarity)

    def any_close(self, ours: Sequence[str], theirs: Sequence[str], at_least: float) -> bool:
        """Whether a word of one list is at least this close to a word of the other; one batch."""
        ours, theirs = list(dict.fromkeys(ours)), list(dict.fromkeys(theirs))
        if not ours or not theirs:
            return False
        vectors = self._vectors([*ours, *theirs])
        return bool((vectors[: len(ours)] @ vectors[len(ours):].T).max() >= at_least)

    def run(self, question: str, evidence_texts: Sequence[str]) -> CoverageResult:
        words = salient_words(question)
        if not words:
            return CoverageResult(1.0, ())
        heads = {w.lower() for m in _HEAD_NOUN.finditer(question) for w in m.groups() if w}
        joined = " ".join(evidence_texts)
        lowered = joined.lower()
        evidence_stems = set(tokenize(joined))
        weights: dict[str, float] = {}
        uncovered: list[str] = []
        closest: dict[str, float] = {}
        covered_weight = 0.0
        for word in words:
            stems = tokenize(word)
            weight = max((self._idf(s) for s in stems), default=0.0) or 1.0
            if word.lower() in heads:
                weight *= HEAD_WEIGHT
            weights[word] = weight
            if (stems and all(s in evidence_stems for s in stems)) or (
                    len(word) >= 4 and word.lower()[: max(4, len(word) - 3)] in lowered):
                covered_weight += weight
            else:
                uncovered.append(word)
        if uncovered:
            candidates = [w for w in dict.fromkeys(_WORD.findall(joined))
                          if len(w) >= 4 and w.lower() not in _NOT_EVIDENCE]
            if candidates:
                sims = self._vectors(candidates) @ self._vectors(uncovered).T
                best = sims.max(axis=0)
                still = []
                for word, sim in zip(uncovered, best, strict=True):
                    if sim >= self.min_similarity:
                        covered_weight += weights[word]
                    else:
                        still.append(word)
                        closest[word] = float(sim)
                uncovered = still
        total = sum(weights.values())
        return CoverageResult(covered_weight / total if total else 1.0, tuple(uncovered),
                              tuple(closest.get(w, 0.0) for w in uncovered))
