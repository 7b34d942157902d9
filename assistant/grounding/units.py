"""Currencies and units by their names and symbols in German and English, from CLDR (``babel``).

What a money or measure question asks in, and what an evidence sentence states a value in:
"Was kostet sie in Euro?" is not answered by "499 Dollar", "How long is the track?" not by
"187 Stundenkilometer".
"""

from __future__ import annotations

import datetime
import re
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies
from babel.units import format_unit


@lru_cache(maxsize=1)
def currency_codes() -> dict[str, frozenset[str]]:
    """Each word, code and symbol of a currency legal tender in some territory, in German and English
    (lowercased), with the ISO codes it may stand for: "dollar" and "$" for USD, CAD, AUD …"""
    codes: set[str] = set()
    today = datetime.date(2020, 1, 1)  # fixed, so the pattern does not change with the clock
    for territory in Locale.parse("en").territories:
        codes.update(get_territory_currencies(territory, today, tender=True))
    found: dict[str, set[str]] = {}
    for code in sorted(codes):
        found.setdefault(code.lower(), set()).add(code)
        for locale in ("de", "en"):
            for count in (1, 2):
                name = re.sub(r"\(.*?\)", "", get_currency_name(code, count=count, locale=locale))
                words = re.findall(r"[^\W\d_]+", name)
                if words:
                    found.setdefault(words[-1].lower(), set()).add(code)
            symbol = get_currency_symbol(code, locale)
            if not symbol.isalpha():
                found.setdefault(symbol.lower(), set()).add(code)
    # older currencies news still quote, which CLDR lists as no longer tender
    for word, code in (("mark", "DEM"), ("dm", "DEM"), ("schilling", "ATS"), ("franc", "FRF"), ("lire", "ITL"),
                       ("peseta", "ESP"), ("gulden", "NLG")):
        found.setdefault(word, set()).add(code)
    return {key: frozenset(value) for key, value in found.items()}


@lru_cache(maxsize=1)
def currency_pattern() -> tuple[str, str]:
    """Words and symbols of the currencies, as two regular-expression alternations."""
    names = currency_codes()
    words = [w for w in names if w.isalpha()]
    symbols = [w for w in names if not w.isalpha()]
    word_alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    symbol_alt = "|".join(sorted(map(re.escape, symbols), key=len, reverse=True))
    return word_alt, symbol_alt


def named_currencies(text: str) -> set[str]:
    """The ISO codes of the currencies ``text`` names ("in Euro": EUR; "499 Dollar": USD, CAD, …)."""
    words, symbols = currency_pattern()
    names = currency_codes()
    found = re.finditer(rf"(?:[\w]+-)?\b({words})\b|({symbols})", text, re.I)
    return {code for m in found for code in names.get((m.group(1) or m.group(2)).lower(), ())}


UNIT_KINDS = ("duration", "length", "mass", "speed", "temperature", "area", "volume", "concentr", "frequency",
              "power", "energy")


@cache
def unit_pattern(kinds: tuple[str, ...] = UNIT_KINDS) -> str:
    """Names and symbols of units of time, length, mass, speed, temperature, area, volume, shares,
    frequency, power and energy (or of ``kinds`` of them), in German and English, singular and plural,
    from CLDR's unit patterns (``babel.units``)."""
    names = {written for unit, forms in _unit_names().items() if unit.split("-")[0] in kinds
             for written in forms if len(written) > 1 or written == "%"}
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


@cache
def unit_words() -> str:
    """The units' names of three letters or more, as one alternation, for "in Hertz", "in kilometres"."""
    names = {w for forms in _unit_names().values() for w in forms if len(w) >= 3 and w.replace(" ", "").isalpha()}
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


def asked_units(question: str) -> frozenset[str]:
    """The forms of the units a question asks its value in ("in Hertz", "in Kilometern"); a
    dative ending is allowed. None for "in bar" (cash) or "in Jahren" after a number ("in zwei Jahren")."""
    found = re.finditer(rf"\bin\s+({unit_words()})(?:n|s)?\b", question, re.I)
    return frozenset(f for m in found for f in unit_forms(m.group(1)))


@lru_cache(maxsize=4096)
def unit_forms(word: str) -> frozenset[str]:
    """Every name and symbol, lowercased, of the units ``word`` names: "Prozent" is "%" and
    "percent", "Kilometer" "km"; nothing for a word that names no unit."""
    lower = word.lower()
    return frozenset(f.lower() for forms in _unit_names().values() if lower in {f.lower() for f in forms}
                     for f in forms)


@cache
def _unit_names() -> dict[str, frozenset[str]]:
    """Each CLDR unit of ``UNIT_KINDS`` and how it is written after a number, in German and English,
    singular and plural, long and short ("kilometres" from British English)."""
    out: dict[str, set[str]] = {}
    for locale in ("de", "en", "en_GB"):
        for unit in Locale.parse(locale).unit_display_names:
            if unit.split("-")[0] not in UNIT_KINDS:
                continue
            for count in (1, 2):
                for length in ("long", "short"):
                    formatted = format_unit(count, unit, length=length, locale=locale)
                    written = re.sub(r"^[\d.,\s\u00a0\u202f]+", "", formatted)
                    if written and not re.search(r"[\d\[]", written):
                        out.setdefault(unit, set()).add(written)
    return {unit: frozenset(forms) for unit, forms in out.items()}
