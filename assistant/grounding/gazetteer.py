"""Countries, their people and adjectives, months and weekdays, in German and English.

A question about "belarussische Soldaten" is not answered by a passage about
"nordkoreanische Soldaten", although the two adjectives are close in vector space: they
are the same kind of thing. So places are matched by *identity*: every mention is mapped
to a key (an ISO 3166 code, ``month10``, ``day1``) and keys are compared.

Territory and language names come from CLDR through ``babel``, in both languages.
Adjective and demonym forms are derived from them by the regular suffixes of each language
(Nordkorea -> nordkoreanisch, Nordkoreaner; Ukraine -> ukrainisch, Ukrainer; Russia ->
Russian); a derived form that two countries could share is dropped. What CLDR has no data
for and the suffixes cannot derive is added by hand in ``_BY_HAND``: irregular adjectives
(britisch, American, Swiss), capitals and seats of power that news use for their country
(Pjöngjang, Kreml, Pentagon), and organisations CLDR does not list (NATO).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.languages import get_official_languages

from assistant.tokens import tokenize

MONTHS = ("januar january jänner", "februar february", "märz march", "april", "mai may", "juni june",
          "juli july", "august", "september", "oktober october", "november", "dezember december")
DAYS = ("montag monday", "dienstag tuesday", "mittwoch wednesday", "donnerstag thursday", "freitag friday",
        "samstag sonnabend saturday", "sonntag sunday")

# added by hand: CLDR has no demonyms, capitals or NATO; "+" joins the words of one alias
_BY_HAND = {
    "US": "us amerikanisch amerikaner us-amerikanisch us-amerikaner american americans usa vereinigten+staaten "
          "washington weißes+haus white+house pentagon",
    "GB": "uk britisch brite briten british britain briton großbritannien englisch english england london",
    "CH": "schweizer schweizerisch swiss bern",
    "NL": "holländisch holland dutch niederländer amsterdam den+haag the+hague",
    "FR": "französisch franzose franzosen french paris élysée",
    "KP": "pjöngjang pyongyang demokratische+volksrepublik+korea democratic+people's+republic+of+korea",
    "KR": "seoul republik+korea republic+of+korea",
    "RU": "moskau moscow kreml kremlin russe russen",
    "UA": "kiew kyjiw kyiv kiev",
    "CN": "peking beijing",
    "JP": "tokio tokyo",
    "DE": "deutsche deutscher deutschen berlin bundesregierung",
    "AT": "wien vienna österreicher",
    "IT": "rom rome",
    "PL": "warschau warsaw polnisch polish",
    "TR": "türkei turkey turkish türkisch ankara",
    "IR": "teheran tehran persisch persian",
    "IL": "jerusalem",
    "IN": "neu-delhi new+delhi",
    "BY": "weißrussland weißrussisch minsk",
    "BE": "brüssel brussels",
    "ES": "madrid",
    "NATO": "nato",
    "EU": "eu",
    "UN": "uno un vereinte+nationen vereinten+nationen",
}
# short forms that are words too: "US" is a country, "us" a pronoun; "Mai" a month only capitalised
_UPPER_ONLY = frozenset({"us", "usa", "uk", "eu", "un", "uno"})
_CAPITALISED = frozenset({"nato", "rom", "bern", "mai", "may"})
_DE_ADJ = ("isch", "nisch", "sisch", "esisch", "anisch")
_DE_PEOPLE = ("er", "ner", "aner", "ier", "e")
_EN_ADJ = ("n", "an", "ian", "ese", "i", "ish")
# inflection endings stripped from a word before it is looked up
_ENDINGS = ("", "e", "en", "er", "es", "em", "n", "s", "ern", "ns", "'s", "’s")


@dataclass(frozen=True)
class Mention:
    key: str  # "KP", "month10", "day1"
    start: int
    end: int
    text: str


def is_time_key(key: str) -> bool:
    return key.startswith(("month", "day"))


def _bases(name: str) -> set[str]:
    bases = {name}
    if name[-1] in "aeiouy":
        bases.add(name[:-1])
    for tail in ("en", "ien", "land"):
        if name.endswith(tail) and len(name) - len(tail) >= 3:
            bases.add(name[: -len(tail)])
    return {b for b in bases if len(b) >= 3}


def _language_forms(locale: Locale, codes: dict[str, str]) -> dict[str, str]:
    """A language's name is the adjective of the country that has it as an official language and
    whose name shares the longest start with it: Russisch -> Russland, Japanese -> Japan."""
    by_language: dict[str, list[str]] = {}
    for code in codes:
        for lang in get_official_languages(code):
            by_language.setdefault(lang, []).append(code)
    out = {}
    for lang, territories in by_language.items():
        name = (locale.languages.get(lang) or "").lower()
        if not name or " " in name:
            continue
        scored = sorted(((_common_prefix(name, codes[t]), t) for t in territories), reverse=True)
        if scored and scored[0][0] >= 3 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            out[name] = scored[0][1]
    return out


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@lru_cache(maxsize=1)
def forms() -> dict[str, str]:
    """Every known surface form (lowercase, words joined by one space) and its key."""
    derived: dict[str, set[str]] = {}

    def add(form: str, key: str) -> None:
        derived.setdefault(form, set()).add(key)

    for lang, adjectives, people in (("de", _DE_ADJ, _DE_PEOPLE), ("en", _EN_ADJ, ())):
        locale = Locale(lang)
        codes = {code: name.lower() for code, name in locale.territories.items()
                 if code.isalpha() and len(code) == 2 and code not in ("ZZ", "XA", "XB")}
        for code, name in codes.items():
            add(name, code)
            for base in _bases(name):
                for suffix in (*adjectives, *people):
                    add(base + suffix, code)
                if lang == "en" and name.endswith("y"):
                    add(base, code)  # Germany -> German, Hungary -> Hungar(ian)
        for form, code in _language_forms(locale, codes).items():
            add(form, code)
    table = {form: next(iter(keys)) for form, keys in derived.items() if len(keys) == 1 and len(form) >= 4}
    for key, words in _BY_HAND.items():
        for word in words.split():
            table[word.replace("+", " ")] = key
    for i, words in enumerate(MONTHS):
        for word in words.split():
            table[word] = f"month{i + 1}"
    for i, words in enumerate(DAYS):
        for word in words.split():
            table[word] = f"day{i + 1}"
    return table


_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


@lru_cache(maxsize=8192)
def _lookup(word: str) -> str | None:
    """The key of one word, inflected or not. Names are capitalised in both languages; only a
    German adjective (``russische``) is matched in lower case, so "island" is no Iceland."""
    table = forms()
    lower = word.lower()
    if lower in _UPPER_ONLY:
        return table.get(lower) if word.isupper() else None
    if lower in _CAPITALISED:
        return table.get(lower) if word[0].isupper() else None
    if not word[0].isupper() and "isch" not in lower:
        return None
    for ending in _ENDINGS:
        if lower.endswith(ending):
            stem = lower[: len(lower) - len(ending)]
            if len(stem) >= 4 and stem in table:
                return table[stem]
    return None


def mentions(text: str) -> list[Mention]:
    """Places and dates named in the text, longest alias first ("North Korea" before "Korea")."""
    tokens = list(_TOKEN.finditer(text))
    table = forms()
    out: list[Mention] = []
    i = 0
    while i < len(tokens):
        taken = False
        for width in (5, 4, 3, 2):
            if i + width > len(tokens):
                continue
            span = tokens[i: i + width]
            if any(text[a.end(): b.start()].strip() for a, b in itertools.pairwise(span)):
                continue
            phrase = " ".join(t.group().lower() for t in span)
            # inflected at its end ("Nordkoreas"), or in a leading adjective ("der Demokratischen
            # Volksrepublik Korea")
            key = (table.get(phrase) or table.get(re.sub(r"('s|’s|e|en|er|es|em|n|s)$", "", phrase))
                   or table.get(re.sub(r"(?<=e)[nrsm](?= )", "", phrase)))
            if key and " " in phrase:
                out.append(Mention(key, span[0].start(), span[-1].end(), text[span[0].start(): span[-1].end()]))
                i += width
                taken = True
                break
        if taken:
            continue
        token = tokens[i]
        key = _lookup(token.group())
        if key is None and "-" in token.group():  # "Pentagon-Sprecherin", "Nordkorea-Konflikt"
            offset = token.start()
            for part in token.group().split("-"):
                part_key = _lookup(part) if part else None
                if part_key:
                    out.append(Mention(part_key, offset, offset + len(part), part))
                offset += len(part) + 1
        elif key is not None:
            out.append(Mention(key, token.start(), token.end(), token.group()))
        i += 1
    return out


def keys(text: str) -> set[str]:
    return {m.key for m in mentions(text)}


def bound_nouns(text: str, word: str, at: int = -1) -> set[str]:
    """The words a place is bound to, as written: the noun after an adjective or a possessive
    ("russische Truppen", "Japan's intelligence") or before a preposition ("Truppen aus Russland",
    "troops from Russia"). Stopwords are no such word."""
    at = text.find(word) if at < 0 else at
    if at < 0:
        return set()
    out = set()
    after = re.match(r"\s+([^\W\d_][\w\-]*)", text[at + len(word):])
    if after and tokenize(after.group(1)):
        out.add(after.group(1))
    before = re.search(r"([^\W\d_][\w\-]*)\s+(?:(?:aus|von|from|of)\s+(?:der\s+|dem\s+|den\s+|the\s+)?|der\s+|des\s+)$",
                       text[:at])
    if before and tokenize(before.group(1)):
        out.add(before.group(1))
    return out
