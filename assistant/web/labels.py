"""The web chat's interface text in German and English; the page starts bilingual."""

from __future__ import annotations

BOTH = "both"  # before the first question: German and English side by side

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Nachrichten-Assistent",
        "tagline": "Antworten nur aus den Artikeln – jede Aussage mit Quelle, sonst ein ehrliches „steht nicht drin“.",
        "placeholder": "Frage zu den Artikeln stellen …",
        "send": "Fragen",
        "chat": "Unterhaltung",
        "sources": "Quellen",
        "articles": "Artikel",
        "details": "Details: verstandene Frage, alle Fundstellen mit Score",
        "question_n": "Frage {n}",
        "understood": "Verstanden als",
        "no_sources": "Noch keine Frage gestellt. Die Belege jeder Antwort erscheinen hier; "
                      "ein Klick auf [1] in der Antwort springt zur Quelle.",
        "not_answered": "Keine belegte Antwort. Am nächsten kommen diese Stellen:",
        "near_miss": "Nicht beantwortet – was die Artikel stattdessen sagen",
        "all_passages": "Alle Fundstellen",
        "score": "Score",
        "full_passage": "Ganzer Abschnitt",
        "first_words": "erste Wörter nach {ms} ms",
        "total": "Antwort nach {ms} ms",
        "waiting": "Suche in den Artikeln …",
        "busy": "Gerade werden zu viele Fragen beantwortet ({n} warten). Bitte in ein paar Sekunden erneut fragen.",
        "store_error": "Der Index ist gerade nicht erreichbar. {detail}",
        "failed": "Beim Beantworten ist ein Fehler aufgetreten ({kind}). Bitte erneut versuchen.",
        "error": "Hinweis",
    },
    "en": {
        "title": "News assistant",
        "tagline": "Answers only from the articles – every claim cited, or an honest “the articles do not say”.",
        "placeholder": "Ask about the articles …",
        "send": "Ask",
        "chat": "Conversation",
        "sources": "Sources",
        "articles": "Articles",
        "details": "Details: understood question, all retrieved passages with scores",
        "question_n": "Question {n}",
        "understood": "Understood as",
        "no_sources": "No question asked yet. The evidence for each answer appears here; "
                      "clicking [1] in an answer jumps to its source.",
        "not_answered": "No supported answer. These passages came closest:",
        "near_miss": "Not answered – what the articles say instead",
        "all_passages": "All retrieved passages",
        "score": "score",
        "full_passage": "Full passage",
        "first_words": "first words after {ms} ms",
        "total": "answer after {ms} ms",
        "waiting": "Searching the articles …",
        "busy": "Too many questions are being answered right now ({n} waiting). Please ask again in a few seconds.",
        "store_error": "The index cannot be reached right now. {detail}",
        "failed": "Something went wrong while answering ({kind}). Please try again.",
        "error": "Note",
    },
}

# the corpus panel is not tied to a question, so it stays bilingual
CORPUS = {
    "heading": "Indexierte Artikel · Indexed articles",
    "col_title": "Titel · Title",
    "col_chunks": "Abschnitte · Chunks",
    "col_date": "Datum · Date",
    "empty": "Noch keine Artikel im Index. · No articles indexed yet.",
    "upload": "Artikel hinzufügen · Add articles (.txt, .md, .jsonl)",
    "ingest": "Aufnehmen · Ingest",
    "progress": "Einbetten · Embedding",
    "no_files": "Keine Datei gewählt. · No file chosen.",
    "report": "Ergebnis · Result",
    "problems": "Probleme · Problems",
    "busy": "Eine andere Aufnahme läuft gerade; bitte gleich noch einmal. · "
            "Another ingest is running; try again shortly.",
}


def label(lang: str, key: str, **fields: object) -> str:
    """One phrase in ``lang``; ``BOTH`` joins the German and English phrase."""
    if lang == BOTH:
        de, en = LABELS["de"][key].format(**fields), LABELS["en"][key].format(**fields)
        return de if de == en else f"{de} · {en}"
    return LABELS.get(lang, LABELS["en"])[key].format(**fields)
