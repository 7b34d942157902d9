"""Sentence splitting and sentence-aligned chunks with character offsets.

Own code rather than llama-index's ``SentenceSplitter``: that splitter does not
report the character offsets of its sentences, and citations must point at the
exact span of the article they quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.corpus import Article

# tokens before a period that do not end a sentence
_ABBREVIATIONS = frozenset(
    "z.b bzw ca dr prof nr st vgl usw u.a d.h o.ä etc evtl ggf inkl jh mio mrd mr mrs ms "
    "sog bzgl gen hr fr abs art abb str tel u.s no vs jan feb mär apr jun jul aug sep sept okt nov dez"
    .split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"“”»«)\]]*\s+(?=[\"„“«»(\[]?[A-ZÄÖÜ0-9])")


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into Article.text
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """The retrieval unit: consecutive sentences of one article."""

    chunk_id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"(\S+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().lstrip("(\"„“«»")
    # ordinals ("am 1. Januar") and initials ("Kim J. Un") are not sentence ends
    return token in _ABBREVIATIONS or (token.isdigit() and len(token) <= 2) or (len(token) == 1 and token.isalpha())


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; a line break always ends a sentence (headings, paragraphs)."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        base, body = line.start(), line.group()
        cursor = 0
        for match in _BOUNDARY.finditer(body):
            if _ends_with_abbreviation(body, match.start()):
                continue
            end = match.end() - (len(match.group()) - len(match.group().rstrip()))
            _append(sentences, body, base, cursor, end)
            cursor = match.end()
        _append(sentences, body, base, cursor, len(body))
    return sentences


def _append(out: list[Sentence], body: str, base: int, start: int, end: int) -> None:
    piece = body[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = base + start + lead
    out.append(Sentence(start=s, end=s + len(stripped), text=stripped))


def _is_heading(sentence: Sentence, text: str) -> bool:
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    whole_line = text[line_start: line_end if line_end >= 0 else len(text)].strip() == sentence.text
    return whole_line and len(sentence.text) <= 120 and not sentence.text.endswith((".", "!", "?", "“", "\"", ":"))


def chunk_article(article: Article, max_chars: int = 900, min_chars: int = 200) -> list[Chunk]:
    """Greedy sentence packing up to ``max_chars``; a heading opens a new chunk.

    No overlap between chunks: every sentence belongs to exactly one chunk, so a
    sentence's evidence score and its citation are never counted twice.
    """
    text = article.text
    groups: list[list[Sentence]] = []
    current: list[Sentence] = []
    for sentence in split_sentences(text):
        size = sentence.end - current[0].start if current else 0
        heading = _is_heading(sentence, text)
        too_big = current and size > max_chars
        if current and (too_big or (heading and size >= min_chars)):
            groups.append(current)
            current = []
        current.append(sentence)
    if current:
        # a short tail joins its predecessor rather than becoming a weak chunk alone
        if groups and current[-1].end - current[0].start < min_chars // 2:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [
        Chunk(
            chunk_id=f"{article.doc_id}-{i:04d}",
            doc_id=article.doc_id,
            index=i,
            start=group[0].start,
            end=group[-1].end,
            text=text[group[0].start: group[-1].end],
            sentences=tuple(group),
        )
        for i, group in enumerate(groups)
    ]
