"""Words as both halves of the pipeline compare them: lowercased German Snowball stems without
stopwords, numbers in one canonical form. BM25 indexes these stems, and the grounding checks match
question words to evidence words through them, so the two can never disagree on what a word is."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from assistant.stopwords import ENGLISH, GERMAN

_WORD = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?|[^\W\d_]+", re.UNICODE)
STOPWORDS = GERMAN | ENGLISH


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


def normalize_number(token: str) -> str:
    """``11.000`` and ``11,000`` are the same number as ``11000``."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        return re.sub(r"[.,]", "", token)
    return token.replace(",", ".")


def tokenize(text: str) -> list[str]:
    """Lowercased German stems without stopwords; numbers canonicalised."""
    words = [w.lower() for w in _WORD.findall(text)]
    words = [w for w in words if w not in STOPWORDS]
    stems = _stemmer().stemWords([w for w in words if not w[0].isdigit()])
    out, it = [], iter(stems)
    for word in words:
        out.append(normalize_number(word) if word[0].isdigit() else next(it))
    return out
