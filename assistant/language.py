"""Which language a question is in, and the product's fixed phrases in each."""

from __future__ import annotations

import re

_DE = frozenset("der die das und ist sind wie viele wer was wann wo warum welche welcher welches wurde wurden "
                "hat haben nach laut von mit für nicht ein eine einen dem den des im zu auf sich auch über".split())
_EN = frozenset("the is are how many who what when where why which was were has have does did do according "
                "to of and in on for not a an by with from about".split())

MESSAGES = {
    "de": {
        "abstain": "Dazu finde ich in den Artikeln keine Angabe.",
        "closest": "Am nächsten kommt:",
        "empty": "Bitte stellen Sie eine Frage.",
        "too_long": "Die Frage ist zu lang ({n} Zeichen, höchstens {limit}). Bitte kürzen Sie sie.",
        "no_text": "Die Frage enthält keine Wörter.",
        "empty_index": "Der Index ist leer: Bitte zuerst Artikel aufnehmen (assistant ingest PFAD).",
        "quoted": "",
    },
    "en": {
        "abstain": "The articles do not say.",
        "closest": "Closest passages:",
        "empty": "Please ask a question.",
        "too_long": "The question is too long ({n} characters, at most {limit}). Please shorten it.",
        "no_text": "The question contains no words.",
        "empty_index": "The index is empty: ingest articles first (assistant ingest PATH).",
        "quoted": "The articles say (quoted in their language): ",
    },
}


def detect_language(text: str) -> str:
    """'de' or 'en' by function words and umlauts; German wins ties, it is the corpus language."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    de = sum(w in _DE for w in words) + 2 * len(re.findall(r"[äöüß]", text.lower()))
    en = sum(w in _EN for w in words)
    return "en" if en > de else "de"


def message(lang: str, key: str, **fields: object) -> str:
    return MESSAGES.get(lang, MESSAGES["en"])[key].format(**fields)
