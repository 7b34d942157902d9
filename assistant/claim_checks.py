"""The exact checks of the support judge: places and dates, negation, name spellings, bindings.

An answer sentence can match its passage word for word and still be wrong: another
country ("chinesische" for "russische" Botschafter), another month, a dropped "nicht",
roles swapped ("ukrainische Truppen" where the passage has "russische Truppen"). These
checks catch such near misses generically, in German and English, without a model.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lexical import tokenize

# countries with their people, adjectives, capitals and seats of power, German and English;
# two-word aliases are written with "+" so the list stays one string per country
_PLACES = {
    "KP": "nordkorea nordkoreanisch nordkoreaner north+korea north+korean pjöngjang pyongyang "
          "demokratische+volksrepublik+korea volksrepublik+korea democratic+people's+republic+of+korea",
    "KR": "südkorea südkoreanisch südkoreaner south+korea south+korean seoul republik+korea republic+of+korea",
    "RU": "russland russisch russe russen russia russian russians moskau moscow kreml kremlin",
    "UA": "ukraine ukrainisch ukrainer ukrainian ukrainians kiew kyiv kiev",
    "US": "usa us-amerikanisch amerikanisch amerikaner american americans vereinigte+staaten united+states "
          "washington weißes+haus white+house pentagon",
    "CN": "china chinesisch chinese peking beijing",
    "JP": "japan japanisch japaner japanese tokio tokyo",
    "DE": "deutschland deutsch deutsche germany german germans berlin",
    "FR": "frankreich französisch franzose france french paris",
    "GB": "großbritannien britisch brite briten britain british london",
    "AT": "österreich österreichisch austria austrian wien vienna",
    "CH": "schweiz schweizer switzerland swiss",
    "IT": "italien italienisch italy italian rom rome",
    "PL": "polen polnisch poland polish warschau warsaw",
    "TR": "türkei türkisch turkey turkish ankara",
    "IR": "iran iranisch iranian teheran tehran",
    "IL": "israel israelisch israeli jerusalem",
    "IN": "indien indisch india indian neu-delhi new+delhi",
    "BY": "belarus weißrussland belarussisch belarusian minsk",
    "EU": "europäische+union european+union brüssel brussels",
    "NATO": "nato",
    "UN": "uno vereinte+nationen united+nations",
}
# short names only count as written: "US" is a country, "us" a pronoun; "Mai" a month, "mai" nothing
_ABBREVIATIONS = {"US": "US", "USA": "US", "UN": "UN", "UNO": "UN", "EU": "EU", "UK": "GB", "NATO": "NATO",
                  "Mai": "month5"}
MONTHS = ("januar january jänner", "februar february", "märz march", "april", "mai may", "juni june",
           "juli july", "august", "september", "oktober october", "november", "dezember december")
DAYS = ("montag monday", "dienstag tuesday", "mittwoch wednesday", "donnerstag thursday", "freitag friday",
         "samstag sonnabend saturday", "sonntag sunday")
_INFLECTION = r"(?:e|en|er|es|em|n|s|ns|ern|'s|’s)?"


@lru_cache(maxsize=1)
def _aliases() -> tuple[tuple[re.Pattern[str], str], ...]:
    pairs = [(alias.replace("+", " "), key) for key, words in _PLACES.items() for alias in words.split()]
    pairs += [(w, f"month{i + 1}") for i, words in enumerate(MONTHS) for w in words.split()]
    pairs += [(w, f"day{i + 1}") for i, words in enumerate(DAYS) for w in words.split()]
    # longest first, so "north korea" is taken before "korea" could be
    table = [(re.compile(rf"(?<!\w){re.escape(a)}{_INFLECTION}(?!\w)", re.I), key)
             for a, key in sorted(pairs, key=lambda p: -len(p[0])) if len(a) > 3]
    table += [(re.compile(rf"(?<!\w){abbr}(?!\w)"), key) for abbr, key in _ABBREVIATIONS.items()]
    return tuple(table)


def is_date_key(key: str) -> bool:
    return key.startswith(("month", "day"))


def entities(text: str) -> tuple[set[str], str]:
    """Country, month and weekday keys named in the text, and the text with those mentions blanked."""
    found: set[str] = set()
    for pattern, key in _aliases():
        def take(match: re.Match[str], key: str = key) -> str:
            found.add(key)
            return " " * len(match.group())
        text = pattern.sub(take, text)
    return found, text


_ADJECTIVE_NOUN = re.compile(r"(?<!\w)([a-zäöüß]+isch(?:e|en|er|es|em)?)\s+([A-ZÄÖÜ][\wäöüß]+)")


def bindings(text: str) -> set[tuple[str, str]]:
    """(country, noun stem) for a nationality adjective before its noun: ``russische Truppen``."""
    out = set()
    for match in _ADJECTIVE_NOUN.finditer(text):
        keys, _ = entities(match.group(1))
        stems = tokenize(match.group(2))
        if len(keys) == 1 and stems:
            out.add((next(iter(keys)), stems[0]))
    return out


def binding_clashes(claim: str, passage: str) -> list[str]:
    """Nouns the claim gives one country that the passage gives only another: swapped roles."""
    ours, theirs = bindings(claim), bindings(passage)
    return sorted(f"{key} {noun}" for key, noun in ours - theirs
                  if any(noun == n and key != k for k, n in theirs))


_NEGATION = re.compile(
    r"\b(nicht|kein\w*|nie|niemals|weder|ohne|not|no|never|neither|nor|none|without|non|"
    r"bestreit\w*|bestritt\w*|dementi\w*|leugne\w*|zurückgewiesen|zurückweis\w*|ausgeschlossen|ausschließ\w*|"
    r"deny|denies|denied|denial|reject\w*|ruled out|rules out|rule out|unwahrscheinlich|unlikely|"
    r"rather than|instead of|statt|anstatt)\b|n't\b", re.I)
_NOT_NEGATION = re.compile(r"\b(nicht nur|not only|not just)\b", re.I)


def negated(text: str) -> bool:
    """Whether the sentence denies, rules out or negates (``nicht nur`` / ``not only`` do not count)."""
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", text)))


_FOLD = (("tsch", "ch"), ("sch", "sh"), ("kh", "k"), ("ch", "k"), ("w", "v"), ("j", "y"), ("ä", "a"),
         ("ö", "o"), ("ü", "u"), ("ß", "ss"), ("c", "k"), ("z", "s"))


def fold(word: str) -> str:
    """German and English spellings of one name meet: Charkiw/Kharkiv, Wladimir/Vladimir, Präsident/President."""
    word = word.lower()
    for a, b in _FOLD:
        word = word.replace(a, b)
    return word


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > limit:
            return limit + 1
    return row[-1]


def compound_in(stem: str, passage_lower: str) -> bool:
    """``sicherheitsbedroh`` is in a passage that has ``Sicherheit`` and ``Bedrohung``."""
    for i in range(4, len(stem) - 3):
        left, right = stem[:i], stem[i:]
        if (left in passage_lower or (left.endswith("s") and left[:-1] in passage_lower)) and right in passage_lower:
            return True
    return False
