"""HTML for the web chat: answers with linked [n] markers, source cards, the article list.

Article text is data. Everything that comes from an article, a question or a file name
goes through ``html.escape`` here, so markup inside an article shows as text; the only
tags on the page are the ones written in this module. The chat messages are also passed
through Gradio's sanitizer; the source panel (``gr.HTML``) is not, which is why nothing
reaches it unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from assistant.grounding.verify import MARKER
from assistant.language import message
from assistant.web.labels import CORPUS, label

Turn = Mapping[str, Any]  # {"question", "language", "answer": Answer.to_dict(full=True) | None, "error", ...}
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.I)
_BLANK_LINES = re.compile(r"\n\s*\n+")
CONTEXT_CHARS = 240  # of the passage shown around the supporting sentence; the rest is one click away


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def card_id(turn_no: int, number: int, kind: str = "src") -> str:
    return f"{kind}-{turn_no}-{number}"


def linked_answer(text: str, turn_no: int, count: int | None, kind: str = "src") -> str:
    """The answer text, escaped, with each [n] a link to its card (``count=None``: any n, while streaming)."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n < 1 or (count is not None and n > count):
            return match.group(0)
        return f'<a class="cite" href="#{card_id(turn_no, n, kind)}" title="[{n}]">[{n}]</a>'

    return MARKER.sub(link, esc(text))


def _clip(text: str, context: int, keep_end: bool) -> str:
    """At most ``context`` characters next to the highlight, cut at a word, marked with …"""
    if len(text) <= context:
        return text
    if keep_end:
        cut = text[-context:]
        return "… " + (cut.split(" ", 1)[1] if " " in cut else cut)
    cut = text[:context]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def highlighted(text: str, quote: str, start: int, end: int, context: int | None = None) -> str:
    """The passage with its supporting sentence in <mark>; offsets are checked, never trusted.

    With ``context``, only that many characters either side of the sentence are kept.
    """
    if not (0 <= start < end <= len(text)) or (quote and text[start:end].strip() != quote.strip()):
        found = text.find(quote) if quote else -1
        if found < 0:
            shown = _BLANK_LINES.sub("\n", text)
            return esc(_clip(shown, 2 * context, keep_end=False) if context else shown)
        start, end = found, found + len(quote)
    before, quote_text, after = (_BLANK_LINES.sub("\n", part) for part in (text[:start], text[start:end], text[end:]))
    if context is not None:
        before, after = _clip(before, context, keep_end=True), _clip(after, context, keep_end=False)
    return f"{esc(before)}<mark>{esc(quote_text)}</mark>{esc(after)}"


def _meta(c: Mapping[str, Any], lang: str, with_score: bool) -> str:
    parts = [esc(p) for p in (c.get("date"), c.get("source")) if p]
    if with_score:
        parts.append(f"{esc(label(lang, 'score'))} {float(c.get('score', 0.0)):.2f}")
    url = str(c.get("url") or "")
    if _SAFE_URL.match(url):
        parts.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer nofollow">{esc(url[:60])}</a>')
    return f'<div class="src-meta">{" · ".join(parts)}</div>' if parts else ""


def card(c: Mapping[str, Any], turn_no: int, lang: str, kind: str = "src", with_score: bool = False) -> str:
    number = int(c["number"])
    where = (str(c.get("text", "")), str(c.get("quote", "")), int(c.get("highlight_start", 0)),
             int(c.get("highlight_end", 0)))
    short, full = highlighted(*where, context=CONTEXT_CHARS), highlighted(*where)
    more = "" if short == full else (f'<details class="full"><summary>{esc(label(lang, "full_passage"))}</summary>'
                                     f'<p class="src-text">{full}</p></details>')
    return (f'<article class="src-card {kind}" id="{card_id(turn_no, number, kind)}">'
            f'<header><span class="src-num">[{number}]</span> <span class="src-title">{esc(c.get("title", ""))}'
            f'</span></header>{_meta(c, lang, with_score)}<p class="src-text">{short}</p>{more}</article>')


def _evidence_list(evidence: Sequence[Mapping[str, Any]], lang: str) -> str:
    rows = "".join(
        f'<li><span class="score">{float(e.get("score", 0.0)):.3f}</span> '
        f'<span class="ev-title">{esc(e.get("title", ""))}</span><br>'
        f'<span class="ev-quote">{esc(e.get("quote") or e.get("text", ""))}</span></li>'
        for e in evidence)
    summary = f"{esc(label(lang, 'all_passages'))} ({len(evidence)}, {esc(label(lang, 'score'))})"
    return f'<details class="evidence" open><summary>{summary}</summary><ol>{rows}</ol></details>'


def understood_line(turn: Turn) -> str:
    answer = turn.get("answer") or {}
    rewritten = str(answer.get("rewritten_question") or "")
    if not rewritten:
        return ""
    lang = str(turn.get("language", "de"))
    return f'<div class="understood">{esc(label(lang, "understood"))}: <q>{esc(rewritten)}</q></div>'


def timing_line(turn: Turn) -> str:
    ui = turn.get("ui") or {}
    lang = str(turn.get("language", "de"))
    parts = []
    if "first_words_ms" in ui:
        parts.append(label(lang, "first_words", ms=round(ui["first_words_ms"])))
    if "total_ms" in ui:
        parts.append(label(lang, "total", ms=round(ui["total_ms"])))
    backend = (turn.get("answer") or {}).get("backend")
    if backend:
        parts.append(str(backend))
    return f'<div class="timing">{esc(" · ".join(parts))}</div>' if parts else ""


def answer_body(answer: Mapping[str, Any], turn_no: int, count: int) -> str:
    """The short answer, when there is one, in bold on its own line above the quotes."""
    text = str(answer.get("text", ""))
    head, sep, rest = text.partition("\n\n")
    if not answer.get("short_answer") or not sep:
        return linked_answer(text, turn_no, count)
    return (f'<p class="short-answer"><strong>{linked_answer(head, turn_no, count)}</strong></p>'
            f'<div class="quotes">{linked_answer(rest, turn_no, count)}</div>')


def chat_message(turn: Turn, turn_no: int, details: bool) -> str:
    """The assistant's bubble for one turn: error, streamed text so far, or the final answer."""
    lang = str(turn.get("language", "de"))
    if turn.get("error"):
        return f'<div class="note-error"><strong>{esc(label(lang, "error"))}:</strong> {esc(turn["error"])}</div>'
    answer = turn.get("answer")
    if not answer:
        partial = str(turn.get("partial") or "")
        if partial:
            return f'<div class="answer streaming">{linked_answer(partial, turn_no, None)}</div>'
        return f'<div class="answer waiting">{esc(label(lang, "waiting"))}</div>'
    count = len(answer.get("citations") or [])
    nearest = answer.get("nearest")
    if nearest:
        # a reply of its own kind: not an answer, but what the articles say about the nearest thing
        return (f'<div class="answer near-miss"><div class="near-label">{esc(label(lang, "near_miss"))}</div>'
                f'{linked_answer(str(nearest.get("text", "")), turn_no, 1, kind="near")}</div>'
                + (understood_line(turn) + timing_line(turn) if details else ""))
    html = f'<div class="answer">{answer_body(answer, turn_no, count)}</div>'
    if answer.get("abstained") and answer.get("evidence"):
        html += f'<div class="closest"><a href="#turn-{turn_no}">{esc(message(lang, "closest"))} →</a></div>'
    if details:
        html += understood_line(turn) + timing_line(turn)
    return html


def chat_messages(turns: Sequence[Turn], details: bool) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for i, turn in enumerate(turns, start=1):
        out.append({"role": "user", "content": f'<span class="question">{esc(turn.get("question", ""))}</span>'})
        out.append({"role": "assistant", "content": chat_message(turn, i, details)})
    return out


def turn_sources(turn: Turn, turn_no: int, details: bool) -> str:
    answer = turn.get("answer")
    if not answer:
        return ""
    lang = str(turn.get("language", "de"))
    parts = [f'<div class="turn-head"><span class="turn-no">{esc(label(lang, "question_n", n=turn_no))}</span> '
             f'<span class="turn-q">{esc(turn.get("question", ""))}</span></div>']
    if details:
        parts.append(understood_line(turn))
    citations = answer.get("citations") or []
    parts.extend(card(c, turn_no, lang, with_score=details) for c in citations)
    nearest = answer.get("nearest")
    if nearest:
        parts.append(f'<p class="closest-note">{esc(label(lang, "near_miss"))}</p>')
        parts.append(card(nearest["citation"], turn_no, lang, kind="near", with_score=details))
    elif answer.get("abstained"):
        closest = (answer.get("evidence") or [])[:3]
        if closest:
            parts.append(f'<p class="closest-note">{esc(label(lang, "not_answered"))}</p>')
            parts.extend(card(c, turn_no, lang, kind="closest", with_score=True) for c in closest)
    if details and answer.get("evidence"):
        parts.append(_evidence_list(answer["evidence"], lang))
    return f'<section class="turn" id="turn-{turn_no}">{"".join(parts)}</section>'


def sources_panel(turns: Sequence[Turn], details: bool, lang: str) -> str:
    """Every turn's cards, newest first, so older [n] links still find theirs."""
    sections = [turn_sources(t, i, details) for i, t in enumerate(turns, start=1)]
    sections = [s for s in reversed(sections) if s]
    if not sections:
        return f'<div class="sources-empty">{esc(label(lang, "no_sources"))}</div>'
    return f'<div class="sources">{"".join(sections)}</div>'


def documents_table(rows: Sequence[tuple[str, int, str]]) -> str:
    """(title, n_chunks, date) per indexed article."""
    if not rows:
        return f'<p class="docs-empty">{esc(CORPUS["empty"])}</p>'
    body = "".join(f"<tr><td>{esc(t)}</td><td class=\"num\">{n}</td><td>{esc(d)}</td></tr>" for t, n, d in rows)
    return (f'<div class="docs"><div class="docs-head">{esc(CORPUS["heading"])} ({len(rows)})</div>'
            f'<table><thead><tr><th>{esc(CORPUS["col_title"])}</th><th>{esc(CORPUS["col_chunks"])}</th>'
            f'<th>{esc(CORPUS["col_date"])}</th></tr></thead><tbody>{body}</tbody></table></div>')


def ingest_result(summary: str, problems: Sequence[tuple[str, str]], stored: Sequence[str]) -> str:
    parts = [f'<div class="ingest-report"><strong>{esc(CORPUS["report"])}:</strong> {esc(summary)}']
    if stored:
        parts.append(f'<div class="stored">{", ".join(esc(s) for s in stored)}</div>')
    if problems:
        items = "".join(f"<li><code>{esc(where)}</code>: {esc(why)}</li>" for where, why in problems)
        parts.append(f'<div class="problems"><strong>{esc(CORPUS["problems"])}:</strong><ul>{items}</ul></div>')
    parts.append("</div>")
    return "".join(parts)
