"""The short answer: the words of the cited sentence that answer the question, said first.

"Wie viele Soldaten …?" is answered by "etwa 11.000 nordkoreanische Soldaten", not by the
sentence around it. The span is taken from the evidence sentence the gate checked, by the kind
the question asks for (``answer_types``): a number with what it counts, an amount, a measure, an
age, a date. It is a substring of that sentence, so it needs no check beyond the quote's.

For a question in another language than the sentence, the span is rendered in the question's
language from closed classes and CLDR data only: numbers in that locale's format (11.000 ->
11,000), scale words, currency and unit names, month names, and, for a count, the counted noun
as the question itself words it. A span with anything else to translate is left out: the
sentences below it are the answer then, never a half-translated phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberFormatError, format_decimal, get_currency_name, parse_decimal
from babel.units import format_unit

from assistant.answering.named import asked_noun, asked_preposition, named_span, noun_phrase, prepositional_name
from assistant.answering.reason import asks_purpose, reason_span
from assistant.answering.speaker import asks_for_speaker, speaker_span
from assistant.grounding.answer_types import (
    _NUMBER_WORDS,
    AnswerType,
    answer_type,
    counted_phrase,
    head,
    number_windows,
    place_keys,
)
from assistant.grounding.gazetteer import MONTHS, mentions
from assistant.grounding.tagger import compound_head
from assistant.grounding.units import currency_pattern, unit_pattern
from assistant.language import detect_language
from assistant.retrieval.retrieve import Evidence
from assistant.schema import ShortAnswer
from assistant.tokens import tokenize

# a number as a span may hold it: digits, or a whole number word ("sieben", "zwölf"), not "Achtung"
_NUMBER = re.compile(rf"(?<!\w)\d(?:[\d.,]*\d)?|\b(?:{_NUMBER_WORDS})(?:e|en|n|s)?\b", re.I)
# the closed class of approximators that qualify a number ("etwa 11.000"), with their English
_QUALIFIERS = {"etwa": "about", "rund": "around", "circa": "about", "ca.": "about", "knapp": "almost",
               "fast": "almost", "beinahe": "almost", "nahezu": "nearly", "annähernd": "nearly",
               "mehr als": "more than", "weniger als": "less than", "über": "over", "unter": "under",
               "bis zu": "up to", "mindestens": "at least", "höchstens": "at most", "gut": "a good",
               "about": "about", "around": "around", "roughly": "roughly", "nearly": "nearly",
               "almost": "almost", "more than": "more than", "less than": "less than",
               "fewer than": "fewer than", "over": "over", "up to": "up to", "at least": "at least",
               "at most": "at most", "some": "some", "approximately": "approximately"}
_QUALIFIER = re.compile(r"(?:^|(?<=\s))(" + "|".join(sorted(map(re.escape, _QUALIFIERS), key=len, reverse=True))
                        + r")\s+$", re.I)
# the German number words ``answer_types`` reads as numbers, with their English; a closed class
# like the qualifiers (CLDR spells no numbers out)
_NUMBER_ENGLISH = {"ein": "one", "eine": "one", "einen": "one", "einem": "one", "einer": "one", "zwei": "two",
                   "drei": "three", "vier": "four", "fünf": "five", "sechs": "six", "sieben": "seven",
                   "acht": "eight", "neun": "nine", "zehn": "ten", "elf": "eleven", "zwölf": "twelve",
                   "zwanzig": "twenty", "dreißig": "thirty", "hundert": "a hundred", "tausend": "a thousand",
                   "dutzend": "a dozen", "dutzende": "dozens", "hunderte": "hundreds", "tausende": "thousands"}
_SCALES = {"tausend": "thousand", "tsd.": "thousand", "million": "million", "millionen": "million",
           "mio.": "million", "milliarde": "billion", "milliarden": "billion", "mrd.": "billion",
           "billion": "trillion", "billionen": "trillion"}
# the kinds a span is taken for. Not "name": without a reader for names, a run of capitalised
# words is as often a title or a country ("Volksrepublik Korea": 4 of 4 name spans on the gold
# questions), and not "birth", whose evidence is the word "geboren", not a date
_SPANNED = frozenset({"count", "money", "measure", "age", "exact_date", "time"})
_DAY_MONTH = re.compile(r"\b(\d{1,2})\.\s*([A-Za-zÄÖÜäöü]+)(?:\s+(\d{4}))?")
_MONTH_YEAR = re.compile(r"\b([A-Za-zÄÖÜäöü]+)\s+(\d{4})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_AGE = re.compile(r"\d+(?:\s*-?\s*(?:jahren|jahre|jährig\w*|years?)\b)?", re.I)


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    out = {}
    for i, words in enumerate(MONTHS, start=1):
        for word in words.split():
            out[word] = i
    return out


@lru_cache(maxsize=1)
def _currency_english() -> dict[str, tuple[str, str]]:
    """A currency word of either language -> its English name (singular, plural), from CLDR."""
    out: dict[str, tuple[str, str]] = {}
    words = set(currency_pattern()[0].replace("\\", "").split("|"))
    for code in sorted(Locale.parse("en").currencies):
        en = tuple(re.findall(r"[^\W\d_]+", re.sub(r"\(.*?\)", "", get_currency_name(code, count=n, locale="en")))
                   for n in (1, 2))
        if not en[0] or not en[1]:
            continue
        for locale in ("de", "en"):
            for count in (1, 2):
                found = re.findall(r"[^\W\d_]+", re.sub(r"\(.*?\)", "", get_currency_name(code, count=count,
                                                                                          locale=locale)))
                if found and found[-1].lower() in words:
                    out.setdefault(found[-1].lower(), (en[0][-1].lower(), en[1][-1].lower()))
    return out


@lru_cache(maxsize=1)
def _unit_english() -> dict[str, tuple[str, str]]:
    """A German unit name (long or short, either number) -> its English name, from CLDR."""
    out: dict[str, tuple[str, str]] = {}

    def written(count: int, unit: str, length: str, locale: str) -> str:
        return re.sub(r"^[\d.,\s\u00a0\u202f]+", "", format_unit(count, unit, length=length, locale=locale))

    for unit in Locale.parse("de").unit_display_names:
        en = (written(1, unit, "long", "en"), written(2, unit, "long", "en"))
        for count in (1, 2):
            for length in ("long", "short"):
                out.setdefault(written(count, unit, length, "de").lower(), en)
    return out


def _qualified_start(text: str, start: int) -> int:
    """Where the span begins when an approximator stands right before the number."""
    match = _QUALIFIER.search(text[max(0, start - 20): start])
    return start - (len(match.group(0))) if match else start


class ShortAnswerer:
    """Finds the short answer in the sentence that answers, and words it in the question's language."""

    def __init__(self, close: Callable[[str, Sequence[str]], bool]) -> None:
        self.close = close  # whether a word is another form or a translation of one of the candidates
        # one question asks for the short answer of a sentence up to three times (which sentence
        # answers, which gives a span, the reply itself), and each costs word vectors and tagging
        self._found: dict[tuple[str, str, str, str], ShortAnswer | None] = {}

    def run(self, question: str, lang: str, evidence: Evidence, citation: int = 1) -> ShortAnswer | None:
        key = (question, lang, evidence.text, evidence.chunk.text)
        if key not in self._found:
            self._found[key] = self._find(question, lang, evidence)
        found = self._found[key]
        return None if found is None else replace(found, citation=citation)

    def _find(self, question: str, lang: str, evidence: Evidence, citation: int = 1) -> ShortAnswer | None:
        kind = answer_type(question)
        if kind is not None and kind.name == "person" and asks_for_speaker(question):
            return self._speaker(kind, lang, evidence, citation)
        if kind is None and (asked := asked_noun(question)) is not None:
            return self._named(question, lang, asked, evidence, citation)
        if kind is not None and kind.name == "reason":  # the clause that gives it, in its own language only
            text_lang = detect_language(evidence.text)
            found = reason_span(evidence.text, text_lang, asks_purpose(question)) if lang == text_lang else None
            return ShortAnswer(_capitalised(evidence.text[found[0]: found[1]]), citation, *found, "reason"
                               ) if found else None
        if kind is not None and kind.name == "city":  # a name, shown in its form in either language
            spans = kind.cities(evidence.text, question)
            return ShortAnswer(evidence.text[spans[0][0]: spans[0][1]], citation, *spans[0], "city") if spans else None
        if kind is None or kind.name not in _SPANNED:
            return None
        text = evidence.text
        counted: list[str] = []  # the question's words for what is counted, through the noun that binds
        if kind.name == "count":
            found = self._count_span(question, text, across=lang != detect_language(text))
            span = found[:2] if found else None
            counted = found[2] if found else []
        else:
            span = self._kind_span(kind.name, question, text)
        if span is None:
            return None
        start, end = span
        shown = self._render(counted, lang, kind.name, text[start:end], detect_language(text))
        if not shown:
            return None
        return ShortAnswer(_capitalised(shown), citation, start, end, kind.name)

    def _speaker(self, kind: AnswerType, lang: str, evidence: Evidence, citation: int) -> ShortAnswer | None:
        """Who said it (``speaker``). Across languages only a name, which keeps its form: one the
        tagger reads as a person's ("Anna Berger", "sagte Berger") or a surname the passage gives
        in full; a role ("der Vertreter Nordkoreas") would need translating."""
        span = speaker_span(evidence.text)
        if span is None:
            return None
        shown = evidence.text[span[0]: span[1]]
        across = lang != detect_language(evidence.text)
        if across and shown not in kind.surnames(evidence.chunk.text) and shown not in kind.names(evidence.text):
            return None
        return ShortAnswer(_capitalised(shown), citation, span[0], span[1], "speaker")

    def _named(self, question: str, lang: str, asked: tuple[str, list[str]], evidence: Evidence, citation: int
               ) -> ShortAnswer | None:
        """Which one (``named``): the name the sentence gives the asked-for noun ("Region Belgorod"
        for "In welche Region …"), shown alone: a name keeps its form in either language."""
        text, text_lang = evidence.text, detect_language(evidence.text)
        across = lang != text_lang

        def same(noun: str, word: str) -> bool:
            """The noun itself, its translation, or the head of a German compound that names a kind
            of it ("Personalchef Xavier Broseta" for "Which HR chief …", "Musikkonzern Sony" for
            "Welcher Konzern …")."""
            if self._same(noun, word, True) or (across and self._same(noun, word, False)):
                return True
            part = compound_head(word) if text_lang == "de" else None
            return part is not None and (self._same(noun, part, True) or (across and self._same(noun, part, False)))

        span = named_span(text, asked, question, same)
        if span is None and (preposition := asked_preposition(question)) is not None:
            span = prepositional_name(text, text_lang, preposition, question)
        if span is None and not across:
            span = noun_phrase(text, text_lang, asked[0], question, lambda noun, word: self._same(noun, word, True))
        if span is None:
            return None
        shown = text[span[0]: span[1]]
        return ShortAnswer(_capitalised(shown), citation, span[0], span[1], "named")

    # --- finding the span ------------------------------------------------------------------
    def _count_span(self, question: str, text: str, across: bool) -> tuple[int, int, list[str]] | None:
        """The first number whose next few words name what is counted (``answer_types.binds``),
        through that noun; with the question's words for it that the span confirms.

        In the question's own language the noun itself must stand there (by stem): a near word is
        often another set ("Beschäftigte" for "Mitarbeiter-Aktionäre"). A translation binds only
        ``across`` languages, where the noun cannot stand there itself."""
        phrase = counted_phrase(question)
        followers = number_windows(text, phrase, _NUMBER)
        for by_stem in (True, False) if across else (True,):  # a translation only where no stem binds
            for at in reversed(range(len(phrase))):
                if place_keys([head(phrase[at])]):
                    continue
                for number, words in followers:
                    for i, word in enumerate(words):
                        if self._same(phrase[at], word.group(), by_stem):
                            span = [w.group() for w in words[: i + 1]]
                            return (_qualified_start(text, number.start()), word.end(),
                                    [*self._confirmed(phrase[:at], span), phrase[at]])
        return None

    def _same(self, asked: str, word: str, by_stem: bool) -> bool:
        if by_stem:
            stems = set(tokenize(asked))
            return bool(stems) and stems <= set(tokenize(word))
        return len(word) >= 3 and self.close(asked, [word])

    def _confirmed(self, modifiers: list[str], span: list[str]) -> list[str]:
        """The question's words before the counted noun that the span says too: a place by its key
        ("North Korean" for "nordkoreanische"), another word by stem or translation. Any other is
        left out of the short answer: "wounded soldiers" is not said of "11.000 Soldaten"."""
        keys = place_keys(span)
        kept: list[str] = []
        words = " ".join(modifiers)
        placed = {w for m in mentions(words) if m.key in keys for w in m.text.split()}
        for word in modifiers:
            if word in placed or any(self._same(word, other, by_stem) for other in span for by_stem in (True, False)):
                kept.append(word)
        return kept

    def _kind_span(self, kind_name: str, question: str, text: str) -> tuple[int, int] | None:
        if kind_name == "time":
            return _time_span(text)
        kind = answer_type(question)
        assert kind is not None
        for match in kind.evidence.finditer(text):
            start, end = match.span()
            if kind_name == "exact_date" and (year := re.match(r"\s+\d{4}\b", text[end:])):
                end += year.end()
            value = text[start:end].strip(" ()")
            if kind_name == "age" and (years := _AGE.search(text, start)):
                value = years.group()  # "im Alter von 79 Jahren": the age is "79 Jahren", not "Alter von 79"
            start = text.index(value, start)
            return _qualified_start(text, start), start + len(value)
        return None

    # --- wording it ---------------------------------------------------------------------------------
    def _render(self, counted: list[str], lang: str, kind: str, span: str, source_lang: str) -> str | None:
        if lang == source_lang or lang != "en":
            return span
        words = span.split()
        head = ""
        for size in (2, 1):
            lead = " ".join(words[:size]).lower()
            if len(words) > size and lead in _QUALIFIERS:
                head, words = _QUALIFIERS[lead] + " ", words[size:]
                break
        rest = " ".join(words)
        if kind == "count":
            number = _NUMBER.match(rest)
            if number is None or not counted:
                return None
            after = rest[number.end():].split()
            scale = _SCALES.get(after[0].lower()) if after else None
            value = _english_number(number.group())
            if value is None:
                return None
            return f"{head}{value}{' ' + scale if scale else ''} {' '.join(counted)}"
        if kind in ("money", "measure", "age"):
            return _english_quantity(head, rest, kind)
        if kind in ("exact_date", "time"):
            return _english_date(rest)
        return None


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


def _time_span(text: str) -> tuple[int, int] | None:
    """A day with its month, a month with its year, or a year: the most precise time the sentence has."""
    months = _month_names()
    for match in _DAY_MONTH.finditer(text):
        if match.group(2).lower() in months:
            return match.span()
    for match in _MONTH_YEAR.finditer(text):
        if match.group(1).lower() in months:
            return match.span()
    year = _YEAR.search(text)
    return year.span() if year else None


def _english_number(written: str) -> str | None:
    """"11.000" -> "11,000", "vier" -> "four"; None for a number word of no known English form,
    which would leave a German word in an English answer ("More than vier hours")."""
    if not written[0].isdigit():
        lowered = written.lower()
        return _NUMBER_ENGLISH.get(lowered, lowered if lowered in _NUMBER_ENGLISH.values() else None)
    try:
        value = parse_decimal(written, locale="de", strict=True)
    except NumberFormatError:
        return written
    return format_decimal(value, locale="en")


def _english_quantity(head: str, rest: str, kind: str) -> str | None:
    """"3,5 Millionen Euro" -> "3.5 million euros", "187 Stundenkilometer" stays untranslated (None)."""
    number = _NUMBER.match(rest)
    if number is None:
        return None
    value = _english_number(number.group())
    if value is None:
        return None
    words = rest[number.end():].split()
    out = [value]
    plural = value not in ("1", "one")
    if words and words[0].lower() in _SCALES:
        out.append(_SCALES[words[0].lower()])
        words = words[1:]
        plural = True
    if kind == "age":
        unit = words[0].lower().lstrip("-") if words else ""
        return f"{head}{value} years" if not unit or unit.startswith(("jahr", "year", "jähr")) else None
    tail = " ".join(words).lower()
    if not tail:
        return None
    if kind == "money" and tail in _currency_english():
        out.append(_currency_english()[tail][1 if plural else 0])
    elif kind == "measure" and tail in _unit_english():
        out.append(_unit_english()[tail][1 if plural else 0])
    elif tail.isascii() and tail in {w.lower() for w in unit_pattern().replace("\\", "").split("|")}:
        out.append(tail)  # a symbol both languages write alike: "%", "km"
    else:
        return None
    return head + " ".join(out)


def _english_date(rest: str) -> str | None:
    months = _month_names()
    english = Locale.parse("en").months["format"]["wide"]
    if (match := _DAY_MONTH.fullmatch(rest)) and match.group(2).lower() in months:
        day, month, year = match.groups()
        return f"{int(day)} {english[months[month.lower()]]}{' ' + year if year else ''}"
    if (match := _MONTH_YEAR.fullmatch(rest)) and match.group(1).lower() in months:
        return f"{english[months[match.group(1).lower()]]} {match.group(2)}"
    if _YEAR.fullmatch(rest) or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}", rest):
        return rest
    days = {name.lower(): i for i, name in Locale.parse("de").days["format"]["wide"].items()}
    if rest.lower() in days:  # "Montag" -> "Monday"
        return str(Locale.parse("en").days["format"]["wide"][days[rest.lower()]])
    return None
