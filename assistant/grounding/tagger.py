"""Parts of speech, for what a word's form cannot tell: whether a capitalised German word is a name.

In German every noun is capitalised, so a company, a town or a surname alone ("Porsche", "Aachen")
looks like "Nettogewinn", and "Botschafter Igor Petrow" like an adjective before a name. The Hanover Tagger
(HanTa, ``pip install hanta``) ships trained German and English models inside its PyPI package,
so it runs offline like everything else here, in 1 to 5 ms a sentence. It tags proper nouns
(German ``NE``, English ``NP0``) from the word and its context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from HanTa import HanoverTagger

_MODELS = {"de": "morphmodel_ger.pgz", "en": "morphmodel_en.pgz"}
_PROPER = frozenset({"NE", "NP0"})
_TOKEN = re.compile(r"\w[\w\-]*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Tagged:
    text: str
    start: int
    end: int
    lemma: str
    pos: str

    @property
    def proper(self) -> bool:
        return self.pos in _PROPER and self.text[:1].isupper()


@lru_cache(maxsize=2)
def _model(lang: str) -> HanoverTagger.HanoverTagger:
    return HanoverTagger.HanoverTagger(_MODELS[lang])


def has_model(lang: str) -> bool:
    return lang in _MODELS


@lru_cache(maxsize=4096)  # evidence sentences come back question after question
def tag(text: str, lang: str) -> tuple[Tagged, ...]:
    """Each token with its lemma and tag; nothing for a language without a model."""
    if lang not in _MODELS or not text.strip():
        return ()
    tokens = list(_TOKEN.finditer(text))
    tags = _model(lang).tag_sent([t.group() for t in tokens], taglevel=1)
    return tuple(Tagged(t.group(), t.start(), t.end(), lemma, pos)
                 for t, (_, lemma, pos) in zip(tokens, tags, strict=True))


@lru_cache(maxsize=4096)
def compound_head(word: str) -> str | None:
    """The last noun of a German compound, by HanTa's morphology: "chef" of "Personalchef",
    "magazin" of "Nachrichtenmagazin"; None for a word that is no compound. A German compound names
    a kind of its head (a Personalchef is a chief), so the head may stand for the whole."""
    last = word.split("-")[-1]  # "Vize-Außenminister": the part after the last hyphen, then its own head
    if not word[:1].isupper() or not last[:1].isalpha():
        return None
    parts = [m for m, pos in _model("de").analyze(last, taglevel=3)[1] if pos == "NN"]
    head = parts[-1] if len(parts) > 1 else last.lower()
    return head.capitalize() if head != word.lower() else None


def proper_names(text: str, lang: str, outside: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
    """Runs of proper nouns with only spaces between them ("Sabrina Singh"), as (start, end, text);
    a token inside one of the ``outside`` spans (a place) ends a run and is left out."""
    runs: list[list[Tagged]] = [[]]
    for token in tag(text, lang):
        named = token.proper and len(token.text) >= 2 and not any(a <= token.start < b for a, b in outside)
        joined = named and runs[-1] and text[runs[-1][-1].end: token.start].isspace()
        if runs[-1] and not joined:
            runs.append([])
        if named:
            runs[-1].append(token)
    return [(r[0].start, r[-1].end, text[r[0].start: r[-1].end]) for r in runs if r]
