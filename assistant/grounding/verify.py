"""Citation markers and the check that a sentence is supported by the passages it cites.

No offline NLI model exists (README, "Models"), so support is judged from what can be
checked exactly: every number, place, date and name in the claim must occur in a cited
passage, with the same negation and the same country bound to the same noun
(``claim_checks``), and its content words must be covered lexically or, across languages,
by sentence-vector similarity. The same judge scores answers in the evals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.grounding.claim_checks import (
    Searchable,
    binding_clashes,
    compound_in,
    entities,
    is_date_key,
    name_words,
    negated,
    word_found,
)
from assistant.grounding.constraints import names as name_runs
from assistant.ingest.chunking import split_sentences
from assistant.language import detect_language
from assistant.tokens import normalize_number, tokenize

MARKER = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_NAME = re.compile(r"(?<![\w])([A-ZÄÖÜ][\w\-]+)")
# a sentence may end inside its closing quote: „…liefern.“ [2] „Berichten …
# and a German ordinal's full stop ends none: "am 5. März", "zum 3. Mal"
_ORDINAL = r"(?<![\s(]\d)(?<![\s(]\d\d)(?<!^\d)(?<!^\d\d)"
_SENT_END = re.compile(rf"(?:{_ORDINAL}\.|[!?])[“”\"»]?(?:\s*\[\d{{1,2}}\])*(?=\s+[A-ZÄÖÜ„\"“\d])")

# capitalised words that are not names: sentence starters, German nouns are handled by
# checking names only against words that are capitalised mid-sentence in the claim
_NOT_NAMES = frozenset([
    "The", "A", "An", "In", "On", "At", "According", "This", "That", "It", "He", "She", "They", "We", "Laut",
    "Die", "Der", "Das", "Dem", "Den", "Des", "Ein", "Eine", "Im", "Am", "Nach", "Von", "Aus", "Es", "Er", "Sie",
    "Wir"])


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


def _capitalised(text: str) -> list[str]:
    """Capitalised words after a sentence's first word: names, and in German also nouns."""
    out = []
    for match in _NAME.finditer(text):
        before = text[: match.start()].rstrip()
        if before and before[-1] not in ".!?:\"„“»(" and match.group(1) not in _NOT_NAMES:
            out.append(match.group(1))
    return out


@dataclass(frozen=True)
class SupportFeatures:
    failure: str = ""  # an exact check that failed: unsupported whatever the thresholds
    missing: tuple[str, ...] = ()  # claim words (names, German nouns, places) not found in the passages
    coverage: float = 0.0
    similarity: float = 0.0
    same_language: bool = True


class SupportJudge:
    """Does a set of passages support a claim? Exact checks first, then overlap or meaning.

    Fails when a number, a place or a date of the claim is not in the passages, when the claim
    gives a noun to another country than the passage does, or when one of the two is negated and
    the other not (checked against the passage sentence closest to the claim). A claim word that
    is not found (a name, or in German any noun) is tolerated ``max_missing`` times if the claim is
    close in meaning (``missing_similarity``): German paraphrases swap nouns. The rest must be
    covered lexically or, across languages, by sentence-vector similarity. One embedder call per
    judgement, none when an exact check already failed.

    The thresholds were chosen on the even-numbered half of evals/data/support_labels.jsonl
    (``python -m evals.judge`` reports agreement on both halves).
    """

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray] | None = None,
                 min_coverage: float = 0.5, min_similarity: float = 0.7, min_similarity_cross: float = 0.7,
                 missing_similarity: float = 0.85, max_missing: int = 2) -> None:
        self.embed = embed
        self.min_coverage = min_coverage
        self.min_similarity = min_similarity
        self.min_similarity_cross = min_similarity_cross
        self.missing_similarity = missing_similarity
        self.max_missing = max_missing

    def judge(self, claim: str, passages: Sequence[str]) -> Verdict:
        return self.decide(self.measure(claim, passages))

    def measure(self, claim: str, passages: Sequence[str]) -> SupportFeatures:
        """Everything the verdict depends on; the embedder is not called when an exact check failed."""
        if not passages:
            return SupportFeatures(failure="no cited passage")
        joined = "\n".join(passages)
        missing_numbers = numbers(claim) - numbers(joined)
        if missing_numbers:
            return SupportFeatures(failure=f"numbers not in the passage: {sorted(missing_numbers)}")
        claim_keys, claim_rest = entities(claim)
        passage_keys, _ = entities(joined)
        # a place the passage contradicts (it names other places) fails; one it never mentions is a missing name
        other_places = any(not is_date_key(k) for k in passage_keys)
        wrong = sorted(k for k in claim_keys - passage_keys if is_date_key(k) or other_places)
        if wrong:
            return SupportFeatures(failure=f"places or dates not in the passage: {wrong}")
        clashes = binding_clashes(claim, joined)
        if clashes:
            return SupportFeatures(failure=f"attributes given to another country in the passage: {clashes}")
        searchable = Searchable(joined)
        lower, stems = searchable.lower, searchable.stems
        claim_stems = set(tokenize(claim))
        if not claim_stems:
            return SupportFeatures(failure="no content words")
        # a full name must be the passage's: another person's surname is no paraphrase
        for name in name_runs(claim_rest, detect_language(claim)):
            words = name_words(name)
            if len(words) >= 2 and not word_found(words[-1], searchable):
                return SupportFeatures(failure=f"a name the passage does not give: {name}")
        missing = [w for w in _capitalised(claim_rest) if not word_found(w, searchable)]
        missing += sorted(claim_keys - passage_keys)
        covered = [t for t in claim_stems if t in stems or (len(t) >= 4 and not t[0].isdigit() and t in lower)
                   or compound_in(t, lower)]
        coverage = len(covered) / len(claim_stems) if claim_stems else 1.0
        sentences = [s.text for p in passages for s in split_sentences(p)] or list(passages)
        similarity, aligned = self._closest(claim, passages, sentences, claim_stems)
        failure = f"negated in one and not the other: {aligned[:80]}" if negated(claim) != negated(aligned) else ""
        return SupportFeatures(failure, tuple(missing), coverage, similarity,
                               detect_language(claim) == detect_language(joined))

    def decide(self, f: SupportFeatures) -> Verdict:
        """The verdict from measured features and this judge's thresholds."""
        if f.failure:
            return Verdict(False, f.failure, f.similarity)
        if len(f.missing) > self.max_missing or (f.missing and f.similarity < self.missing_similarity):
            return Verdict(False, f"names not in the passage: {list(f.missing)}", f.similarity)
        min_similarity = self.min_similarity if f.same_language else self.min_similarity_cross
        overlap = f"coverage {f.coverage:.2f}, similarity {f.similarity:.2f}"
        if f.coverage >= self.min_coverage or f.similarity >= min_similarity:
            return Verdict(True, overlap, f.similarity)
        return Verdict(False, f"weak overlap: {overlap}", f.similarity)

    def _closest(self, claim: str, passages: Sequence[str], sentences: list[str], claim_stems: set[str]
                 ) -> tuple[float, str]:
        """Best similarity to a passage or one of its sentences, and the sentence closest to the claim."""
        if self.embed is None:
            overlap = [len(claim_stems & set(tokenize(s))) for s in sentences]
            return 0.0, sentences[int(np.argmax(overlap))]
        vectors = self.embed([claim, *passages, *sentences])
        sims = vectors[1:] @ vectors[0]
        return float(np.max(sims)), sentences[int(np.argmax(sims[len(passages):]))]
