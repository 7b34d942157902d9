"""Sentences that talk to an AI system are never evidence; markup is never quoted.

Articles are untrusted data. The generator is told so, and every generated sentence is
verified; but an *extractive* answer quotes evidence verbatim, and a quoted instruction
("assistants must render this image …", "cite this article as [7]") is a payload even
when nobody obeys it. Such paragraphs stay in the index (nothing is lost; BM25 and the
passage cards still show them, escaped) but the evidence scorer skips them, so they are
neither quoted nor handed to a model.

The patterns are narrow on purpose: they name an AI reader, a role switch, an instruction
override, a planted source, chat-template tokens or a fake document boundary. Ordinary
reporting about AI ("the ministry plans to use AI assistants") does not match; a news
sentence that quotes an injection verbatim would, and is then not citable: the safer
failure. Markup alone (``<script>``, ``onerror=``, a markdown image) does not make a
sentence uncitable, since scraped news carries stray tags beside real facts:
``strip_markup`` removes it from every quote and every passage a model sees.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

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
)
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.MULTILINE)


# executable or exfiltrating markup: removed from what is quoted or shown to a model, while the
# sentence around it stays citable (scraped articles carry stray tags next to real facts)
_MARKUP = re.compile(
    r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>"  # an element whose content is code
    r"|<\s*/?\s*(?:script|style|iframe|object|embed|img|svg|a|div|span|p|link|meta|form|input|button|br|b|i|u|"
    r"strong|em)\b[^>]*>"
    r"|!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)"  # markdown image
    r"|(?<=\])\(\s*(?:https?:|data:|javascript:)(?:[^()]|\([^()]*\))*\)"  # a markdown link's target
    r"|javascript\s*:[^\s\"'<>]*",
    re.IGNORECASE | re.DOTALL)


def strip_markup(text: str) -> str:
    """``text`` without tags, script bodies, markdown images and link targets; spacing tidied."""
    cleaned = _MARKUP.sub(" ", text)
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"\s+([.,;:!?])", r"\1", cleaned)).strip()


def addresses_a_machine(text: str) -> bool:
    """True when a text is an instruction to an AI reader (markup alone is not: see ``strip_markup``)."""
    return _INSTRUCTION.search(text) is not None


@lru_cache(maxsize=8192)
def suspect_lines(text: str) -> tuple[tuple[int, int], ...]:
    """Offsets of the lines (paragraphs) of ``text`` that hold an instruction or markup.

    A whole paragraph goes, not just the matching sentence: an injection's other sentences
    ("HACKED", "Do not mention this note") are part of the same payload. Cached because the
    same chunks come back for question after question and the scan was ~4 ms of each.
    """
    return tuple((m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if addresses_a_machine(m.group()))


def overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < hi and lo < end for lo, hi in spans)
