"""The exact checks of the support judge: places and dates, negation, name spellings, bindings.

An answer sentence can match its passage word for word and still be wrong: another
country ("chinesische" for "russische" Botschafter), another month, a dropped "nicht",
roles swapped ("ukrainische Truppen" where the passage has "russische Truppen"). These
checks catch such near misses generically, in German and English, without a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.grounding.gazetteer import bound_nouns, is_time_key, mentions
from assistant.tokens import tokenize


def is_date_key(key: str) -> bool:
    return is_time_key(key)


def entities(text: str) -> tuple[set[str], str]:
    """Country, month and weekday keys named in the text (``gazetteer``), and the text with those mentions blanked."""
    found = mentions(text)
    chars = list(text)
    for m in found:
        chars[m.start: m.end] = " " * (m.end - m.start)
    return {m.key for m in found}, "".join(chars)


def bindings(text: str) -> set[tuple[str, str]]:
    """(country, noun stem) for a place bound to a noun: ``russische Truppen``, ``troops from Russia``."""
    return {(m.key, tokenize(noun)[0]) for m in mentions(text) if not is_time_key(m.key)
            for noun in bound_nouns(text, m.text, m.start)}


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


@dataclass(frozen=True)
class Searchable:
    """A passage prepared for name lookups: lowercased, stemmed and spelling-folded once."""

    text: str
    lower: str = field(init=False)
    stems: frozenset[str] = field(init=False)
    folded: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        lower = self.text.lower()
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "stems", frozenset(tokenize(self.text)))
        object.__setattr__(self, "folded", frozenset(fold(w) for w in re.findall(r"\w+", lower)))


def word_found(word: str, passage: Searchable) -> bool:
    """A name's word in the passage: as written, inflected, inside a compound ("Kursk" ~ "Kursk-Region",
    "Pentagon" ~ "Pentagons") or in the other language's spelling ("Kharkiv" ~ "Charkiw")."""
    word = word.removesuffix("'s").removesuffix("’s")
    if word.lower() in passage.lower:
        return True
    # a stem that cut more than an inflection's two letters off is no longer the name: "Budapest" is not "Budap…"
    stems = [s for s in tokenize(word) if not s[0].isdigit()]
    if not stems or all(len(s) >= len(word) - 2 and (s in passage.stems or (len(s) >= 4 and s in passage.lower)
                                                     or compound_in(s, passage.lower))
                        for s in stems):
        return True
    folded = fold(word)
    limit = 1 + len(folded) // 8
    return len(folded) >= 5 and any(edit_distance(folded, w, limit) <= limit for w in passage.folded)


def name_words(name: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_][\w'’]*|\d+\w*", name) if len(w) >= 3]


def name_found(name: str, passage: Searchable) -> bool:
    """Whether the passage names the same one: a question may give the full name and the passage the surname."""
    words = name_words(name)
    return not words or any(word_found(w, passage) for w in words)
