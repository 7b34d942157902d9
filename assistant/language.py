"""Which language a question is in, and the product's fixed phrases in each."""

from __future__ import annotations

import re

# words that occur in one of the two languages only ("was", "an", "die" are in both)
_DE = frozenset(
    "der das und ist sind wie viele wer wann wo warum welche welcher welches welchen wurde wurden hat haben "
    "nach laut von mit für nicht ein eine einen einem dem den des im zu auf sich auch über liefert sagt sagte "
    "gibt warnte wieso weshalb wohin woher womit seit wird werden sein seine ihre kein keine nur noch oder "
    "aber dass es er sie wir ich bei aus vor gegen zum zur beim welcher liegt steht".split())
_EN = frozenset(
    "the is are how many who what when where why which were has have does did do according to of and on for "
    "not by with from about does their his her its they this that these those there into than did say said "
    "warned much give gives supply supplies any been be will would could should whom whose".split())
_DE_CHARS = re.compile(r"[äöüß]|sch|(?<=\w)ung\b|(?<=\w)keit\b|(?<=\w)lich\b")
_EN_CHARS = re.compile(r"\bth|(?<=\w)ing\b|(?<=\w)tion\b|\bwh")

MESSAGES = {
    "de": {
        "abstain": "Dazu finde ich in den Artikeln keine Angabe.",
        "closest": "Am nächsten kommt:",
        "empty": "Bitte stellen Sie eine Frage.",
        "too_long": "Die Frage ist zu lang ({n} Zeichen, höchstens {limit}). Bitte kürzen Sie sie.",
        "no_text": "Die Frage enthält keine Wörter.",
        "empty_index": "Der Index ist leer: Bitte zuerst Artikel aufnehmen (assistant ingest PFAD).",
        "near_conflict": "Zu „{asked}“ steht nichts in den Artikeln; die nächste Stelle handelt von „{found}“: "
                         "{quote} [1]",
        "near_missing": "Zu „{asked}“ steht nichts in den Artikeln. Am nächsten kommt: {quote} [1]",
        "near_unstated": "Was die Frage voraussetzt („{asked}“), berichten die Artikel nicht. Am nächsten kommt: "
                         "{quote} [1]",
    },
    "en": {
        "abstain": "The articles do not say.",
        "closest": "Closest passages:",
        "empty": "Please ask a question.",
        "too_long": "The question is too long ({n} characters, at most {limit}). Please shorten it.",
        "no_text": "The question contains no words.",
        "empty_index": "The index is empty: ingest articles first (assistant ingest PATH).",
        "near_conflict": "The articles say nothing about “{asked}”; the closest passage is about “{found}” "
                         "instead: “{quote}” [1]",
        "near_missing": "The articles say nothing about “{asked}”. The closest passage: “{quote}” [1]",
        "near_unstated": "The articles do not report what the question takes for granted (“{asked}”). "
                         "The closest passage: “{quote}” [1]",
    },
}


def detect_language(text: str) -> str:
    """'de' or 'en' by function words and umlauts; German wins ties, it is the corpus language."""
    lowered = text.lower()
    words = re.findall(r"[a-zäöüß]+", lowered)
    de = 2 * sum(w in _DE for w in words) + len(_DE_CHARS.findall(lowered))
    en = 2 * sum(w in _EN for w in words) + len(_EN_CHARS.findall(lowered))
    return "en" if en > de else "de"


def message(lang: str, key: str, **fields: object) -> str:
    return MESSAGES.get(lang, MESSAGES["en"])[key].format(**fields)
