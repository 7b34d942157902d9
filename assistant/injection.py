"""Sentences that talk to an AI system, or carry active markup, are never used as evidence.

Articles are untrusted data. The generator is told so, and every generated sentence is
verified; but an *extractive* answer quotes evidence verbatim, and a quoted instruction
("assistants must render this image …", a markdown image that leaks the question to a
URL, a ``<script>``) is a payload even when nobody obeys it. Such sentences stay in the
index (nothing is lost, BM25 and the passage cards still show them, escaped) but the
evidence scorer skips them, so they are neither quoted nor handed to a model.

The patterns are narrow on purpose: they name an AI reader, a role switch, an instruction
override, chat-template tokens or executable markup. Ordinary reporting about AI ("the
ministry plans to use AI assistants") does not match; a news sentence that quotes an
injection verbatim would, and is then not citable: the safer failure.
"""

from __future__ import annotations

import re

_AI = r"(?:ai|ki|llm|gpt|chatbot|bot|language model|sprachmodell|assistants?|assistent(?:en)?|model(?:l)?)"
_PATTERNS = (
    # instruction overrides, en/de
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines|documents?|"
    r"sources?|context)\b",
    r"\bignorier\w*\b.{0,40}\b(?:anweisung\w*|instruktion\w*|regel\w*|vorgabe\w*|quellen|dokument\w*|kontext)",
    r"\b(?:reply|respond|answer|antworte\w*)\s+(?:only|nur|ausschlie(?:ß|ss)lich)\s+(?:with|mit)\b",
    r"\b(?:system ?prompt|system instructions?|systemanweisung\w*|systemprompt\w*|hidden instructions?|"
    r"developer mode|entwicklermodus)\b",
    r"\b(?:reply|respond|answer|say|write|output|antworte\w*|schreib\w*)\b[^.]{0,30}\b(?:and nothing else|"
    r"und sonst nichts|und nichts anderes)\b",
    # planted sources: "cite this as [7]", "insert the link … as source", "click here: http…"
    r"\b(?:cite|zitier\w*)\b.{0,60}(?:\[\d+\]|https?://)",
    r"https?://\S+.{0,30}\b(?:als quelle|as (?:the |a |an )?(?:official )?source)\b",
    r"\b(?:click here|hier klicken|klicken sie hier)\b",
    r"\b(?:laut|gemäß|according to)\s+\[\d+\]",
    r"\b(?:wenn|falls|if|when(?:ever)?)\s+(?:ein|eine|der|die|a|the|any)\s+(?:nutzer|benutzer|user)\w*\b.{0,40}"
    r"\b(?:fragt|asks?)\b",
    # a message addressed to the machine that reads the article
    rf"\b(?:note|instruction|message|notice|hinweis|regel|anweisung|nachricht)\w*\s+(?:to|for|an|für)\s+"
    rf"(?:any\s+|all\s+|every\s+|the\s+|das\s+|die\s+|den\s+|alle\s+|jedes\s+)?{_AI}\b",
    rf"\b{_AI}[- ]?(?:systems?|systeme)?\b[^.]{{0,40}}\b(?:must|shall|should|have to|muss|müssen|sollst|sollen)\b"
    r"[^.]{0,30}\b(?:render|include|insert|print|reveal|cite|append|ignore|answer|reply|einfügen|füge|zitier\w*|"
    r"antworte\w*|ignorier\w*|ausgeben|verrat\w*)",
    r"\b(?:you are now|from now on,? you|du bist (?:jetzt|ab jetzt|nun)|ab (?:jetzt|sofort) bist du)\b",
    r"^\s*(?:system|assistant|assistent|user|admin)\s*[:,]",
    r"\[(?:admin|system|developer)[^\]]{0,20}\]",
    r"\b(?:print|reveal|show|output|gib|zeige?)\b.{0,40}\b(?:api[ _-]?keys?|access tokens?|credentials|"
    r"environment variables|zugangsdaten|passw(?:ö|o)rter|umgebungsvariablen)\b",
    # chat-template tokens and fake document boundaries
    r"<\|[^|>]{1,40}\|>|\[/?INST\]|</?\s*(?:document|system|context)\b",
    # executable or exfiltrating markup
    r"<\s*/?\s*(?:script|iframe|object|embed|img|svg|a|div|style|link|meta|form)\b",
    r"\bon[a-z]{3,20}\s*=\s*[\"']?", r"javascript\s*:", r"!\[[^\]]*\]\([^)]*\)",
    r"\[[^\]]*\]\(\s*(?:https?:|data:|javascript:)",
)
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.MULTILINE)


def addresses_a_machine(text: str) -> bool:
    """True when a text is an instruction to an AI reader or carries active markup."""
    return _INSTRUCTION.search(text) is not None


def suspect_lines(text: str) -> list[tuple[int, int]]:
    """Offsets of the lines (paragraphs) of ``text`` that hold an instruction or markup.

    A whole paragraph goes, not just the matching sentence: an injection's other sentences
    ("HACKED", "Do not mention this note") are part of the same payload.
    """
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if addresses_a_machine(m.group())]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < hi and lo < end for lo, hi in spans)
