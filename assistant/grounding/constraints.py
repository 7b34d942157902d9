"""What a question pins down: places, dates, years and names that an answer must be about.

"Wie viele belarussische Soldaten sind in Kursk?" asks about Belarusian soldiers; a passage
about North Korean soldiers in Kursk is on topic and still no answer. Such constraints are
matched by identity (``grounding/align.py``), never by vector similarity, because two countries, two
years or two people are close in vector space precisely when they are the same kind of thing.

Names are found by form, not by a list: in English every capitalised word after the first is
a name; in German, where every noun is capitalised, a name is a run of two capitalised words
("Sabrina Singh", "Air France"), a word with capitals or digits inside it ("iPhone", "NHTSA"),
or a quoted title („Newsweek“). A single capitalised German word ("Renault") cannot be told
from a noun by its form: the part-of-speech tagger (``grounding/tagger.py``) tells it by context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.grounding.gazetteer import is_time_key, mentions
from assistant.grounding.tagger import has_model, proper_names, tag
from assistant.language import detect_language
from assistant.tokens import STOPWORDS

_YEAR = re.compile(r"(?<![\d.,])(19\d\d|20\d\d)(?![\d.,]\d)")
# a number in the range of years is a count when a noun or an adjective follows it ("2000 Soldaten",
# "1500 nordkoreanische"), unless a time word stands before it ("im Jahr 2000 Soldaten …", "in 2022 Russia")
_TIME_BEFORE = re.compile(r"(?:\b(?:im|in|jahr|jahre|jahres|seit|since|bis|until|von|from|vor|nach|ab|year|um|"
                          r"sommer|summer|winter|frühjahr|spring|herbst|autumn|fall|of|anfang|ende|mitte))\s*$", re.I)
_WORD = re.compile(r"[^\W\d_][\w\-'’]*|\d[\w\-]*", re.UNICODE)
_QUOTED = re.compile(r"[„“\"»«]([^„“”\"»«]{2,40})[“”\"«»]")
# a German adjective before its noun is capitalised only in names; as the first of two words it
# makes no name ("Demokratischen Volksrepublik" is one, "Nächste Woche" is not)
_INFLECTED_ADJECTIVE = re.compile(r"(ischen|ische|ischer|isches|lichen|liche|licher|igen|ige|iger|eren|ere|erer|"
                                  r"sten|ste|ster|ten|te|ter)$")


def years(text: str, lang: str | None = None) -> list[str]:
    """Years named in the text (written in ``lang``, detected when not given), not counts that
    happen to look like one."""
    out = []
    for match in _YEAR.finditer(text):
        after = re.match(r"\s+([^\W\d_][\w\-]*)", text[match.end():])
        counted = after is not None and after.group(1).lower() not in STOPWORDS
        if counted and after is not None:
            # the language of the whole text, once: a 30-character snippet is too short to detect it
            lang = lang or detect_language(text)
            counted = _counts(text[max(0, match.start() - 30): match.end() + after.end()], after.group(1), lang)
        before = text[: match.start()]
        tail = before[-12:].rstrip()
        month_before = any(m.end == len(tail) and is_time_key(m.key) for m in mentions(tail))
        if not counted or _TIME_BEFORE.search(before) or month_before:
            out.append(match.group(1))
    return list(dict.fromkeys(out))


def ambiguous_years(question: str, lang: str) -> list[str]:
    """Numbers in the range of years that ``years`` reads as counts: "Wer wurde 2021
    Fußball-Europameister?" is a year by its sense and "Wie viele der 2000 Soldaten …" a count,
    which their form does not tell. Either way the evidence must say the number (or date its
    article in that year): a passage that never does answers neither reading."""
    read = set(years(question, lang))
    return list(dict.fromkeys(m.group(1) for m in _YEAR.finditer(question) if m.group(1) not in read))


def _counts(snippet: str, word: str, lang: str) -> bool:
    """Whether ``word``, after a number in ``snippet``, is what the number counts: a noun, a name or
    an adjective ("2000 Soldaten", "1500 nordkoreanische"), not a verb ("Die Volkszählung 2011
    ergab …"). The tagger reads it in context; without a model for the language, any word counts."""
    tagged = [t for t in tag(snippet, lang) if t.text == word] if has_model(lang) else []
    return not tagged or tagged[-1].pos.startswith(("NN", "NE", "NP", "ADJ", "AJ"))


@dataclass(frozen=True)
class Constraint:
    # "place", "date", "year", "number" (a year or a count: ``ambiguous_years``), "name", "quote" (quoted
    # words that are no name), or "event" (premise.py)
    kind: str
    key: str  # gazetteer key, the year, or the name as written
    text: str  # as the question writes it


def _capitalised_runs(question: str) -> list[list[str]]:
    """Runs of capitalised words that do not start a sentence, split at punctuation."""
    runs: list[list[str]] = []
    current: list[str] = []
    last_end = 0
    for match in _WORD.finditer(question):
        word, gap = match.group(), question[last_end: match.start()]
        last_end = match.end()
        sentence_start = not question[: match.start()].strip() or question[: match.start()].rstrip()[-1] in ".!?:"
        if current and gap.strip() not in ("", "-"):
            runs.append(current)
            current = []
        if (word[0].isupper() or inner_capital(word)) and not sentence_start and word.lower() not in STOPWORDS:
            current.append(word)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def inner_capital(word: str) -> bool:
    """True for "iPhone", "McKinsey", "NHTSA"; false for "U-Boote", whose capital starts a word part,
    and for "pay-TV", a common noun whose first part says so by its lower case."""
    if word.isupper():
        return len(word) >= 3
    if "-" in word and word[0].islower():
        word = word.split("-")[0]
    return any(c.isupper() and word[i - 1] != "-" for i, c in enumerate(word) if i)


def names(question: str, lang: str) -> list[str]:
    """Names the question mentions (not places the gazetteer knows), as written."""
    place_spans = [(m.start, m.end) for m in mentions(question)]

    def is_place(word: str) -> bool:
        start = question.find(word)
        return any(a <= start < b for a, b in place_spans)

    out: list[str] = []
    for run in _capitalised_runs(question):
        words = [w for w in run if not is_place(w)]
        if not words:
            continue
        if lang == "en":
            out.append(" ".join(words))
            continue
        if len(words) >= 2 and not _INFLECTED_ADJECTIVE.search(words[0].lower()):
            out.append(" ".join(words))
        else:
            out.extend(w for w in words if inner_capital(w))
    if has_model(lang):
        tagged = [t for _, _, t in proper_names(question, lang, place_spans) if t.lower() not in STOPWORDS]
        # a run of capitalised words ending in a tagged name is that name: "Ministerin Anna Berg" and
        # "Foreign Minister Anna Berg" are "Anna Berg" (a name is met by any of its words, a title's too)
        out = [next((t for t in tagged if n.endswith(" " + t)), n) for n in out]
        if lang == "de":  # "Renault", "Kursk", "Botschafter Sergej Netschajew": what form alone misses
            out += [t for t in tagged if not any(t in n for n in out)]
    for match in _QUOTED.finditer(question):
        title = match.group(1).strip()
        if title and not any(title in n or n in title for n in out):
            out.append(title)
    return list(dict.fromkeys(out))


def _quotation(found: str, question: str) -> bool:
    """Quoted words that are no name („auf jede Weise reagieren“, not „Newsweek“ or „Der Pate“):
    one of them is lower-case."""
    quoted = any(m.group(1).strip() == found for m in _QUOTED.finditer(question))
    return quoted and len(found.split()) > 1 and any(w[:1].islower() for w in found.split())


def asked_part(question: str) -> str:
    """The interrogative sentences: "NATO and the US denied it. What figure did the Pentagon give?"
    states its premise first, and only what is asked pins the answer down."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"])", question.strip())
    asked = [s for s in sentences if s.rstrip().endswith("?")]
    return " ".join(asked) if asked else question


def question_constraints(question: str, lang: str) -> list[Constraint]:
    question = asked_part(question)
    out: list[Constraint] = []
    for m in mentions(question):
        out.append(Constraint("date" if is_time_key(m.key) else "place", m.key, m.text))
    out += [Constraint("year", y, y) for y in years(question, lang)]
    out += [Constraint("number", n, n) for n in ambiguous_years(question, lang)]
    out += [Constraint("quote" if _quotation(n, question) else "name", n, n) for n in names(question, lang)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for c in out:
        if (c.kind, c.key) not in seen:
            seen.add((c.kind, c.key))
            unique.append(c)
    return unique
