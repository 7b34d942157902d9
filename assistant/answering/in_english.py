"""Wording a short answer in English when the sentence it comes from is German.

Closed classes and CLDR data only: numbers in English format (11.000 -> 11,000), the approximators
("etwa" -> "about"), scale words, currency and unit names, month and weekday names, and, for a
count, the counted noun as the question itself words it. A span with anything else to translate
gets no English wording (None): the sentences below it are the answer then, never a
half-translated phrase.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberFormatError, format_decimal, get_currency_name, parse_decimal
from babel.units import format_unit

from assistant.grounding.answer_types import _NUMBER_WORDS
from assistant.grounding.gazetteer import MONTHS
from assistant.grounding.units import currency_pattern, unit_pattern

# a number as a span may hold it: digits, or a whole number word ("sieben", "zwölf"), not "Achtung"
NUMBER = re.compile(rf"(?<!\w)\d(?:[\d.,]*\d)?|\b(?:{_NUMBER_WORDS})(?:e|en|n|s)?\b", re.I)
# the closed class of approximators that qualify a number ("etwa 11.000"), with their English
QUALIFIERS = {"etwa": "about", "rund": "around", "circa": "about", "ca.": "about", "knapp": "almost",
              "fast": "almost", "beinahe": "almost", "nahezu": "nearly", "annähernd": "nearly",
              "mehr als": "more than", "weniger als": "less than", "über": "over", "unter": "under",
              "bis zu": "up to", "mindestens": "at least", "höchstens": "at most", "gut": "a good",
              "about": "about", "around": "around", "roughly": "roughly", "nearly": "nearly",
              "almost": "almost", "more than": "more than", "less than": "less than",
              "fewer than": "fewer than", "over": "over", "up to": "up to", "at least": "at least",
              "at most": "at most", "some": "some", "approximately": "approximately"}
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
DAY_MONTH = re.compile(r"\b(\d{1,2})\.\s*([A-Za-zÄÖÜäöü]+)(?:\s+(\d{4}))?")
MONTH_YEAR = re.compile(r"\b([A-Za-zÄÖÜäöü]+)\s+(\d{4})\b")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")

@lru_cache(maxsize=1)
def month_names() -> dict[str, int]:
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



def in_english(counted: list[str], kind: str, span: str) -> str | None:
    """``span`` of a German sentence worded in English, by its ``kind``; ``counted``: the
    question's words for what a count counts. None where a word would be left untranslated."""
    words = span.split()
    head = ""
    for size in (2, 1):
        lead = " ".join(words[:size]).lower()
        if len(words) > size and lead in QUALIFIERS:
            head, words = QUALIFIERS[lead] + " ", words[size:]
            break
    rest = " ".join(words)
    if kind == "count":
        number = NUMBER.match(rest)
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
    number = NUMBER.match(rest)
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
    months = month_names()
    english = Locale.parse("en").months["format"]["wide"]
    if (match := DAY_MONTH.fullmatch(rest)) and match.group(2).lower() in months:
        day, month, year = match.groups()
        return f"{int(day)} {english[months[month.lower()]]}{' ' + year if year else ''}"
    if (match := MONTH_YEAR.fullmatch(rest)) and match.group(1).lower() in months:
        return f"{english[months[match.group(1).lower()]]} {match.group(2)}"
    if YEAR.fullmatch(rest) or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}", rest):
        return rest
    days = {name.lower(): i for i, name in Locale.parse("de").days["format"]["wide"].items()}
    if rest.lower() in days:  # "Montag" -> "Monday"
        return str(Locale.parse("en").days["format"]["wide"][days[rest.lower()]])
    return None
