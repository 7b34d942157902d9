"""Which one: the name the sentence gives to the thing a which-question asks about.

"In welche Region wurden die Truppen verlegt?" asks for a region by name, and news names it in
apposition, right after the common noun: "in die Region Belgorod", "the city of Kharkiv", "der
Autobauer Dongfeng". The asked-for noun is read from the question's grammar (the noun after
"welche" / "which"), found in the sentence by stem or translation, and the capitalised words right
after it that the question does not give are the answer ("Region Kursk" is skipped when the
question names Kursk). Nothing else is guessed: a noun without a name after it gives no span.

A place word before the asked-for noun says which one is meant, as it does for a counted noun
(``answer_types.number_windows``): for "Which Ukrainian region …" the sentence's "ukrainische
Oblast Charkiw" is taken before "der Oblast Kursk", and "die russische Region Kursk" never. A
country after the noun is its owner, not its name ("die Führung Südkoreas").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.grounding.answer_types import place_keys
from assistant.language import detect_language
from assistant.tokens import STOPWORDS, tokenize

_WHICH = re.compile(r"\b(?:welche[rsnm]?|which)\s+([^?.!,;]{1,60})", re.I)
_WORD = re.compile(r"[\w\-]+")
_TOKEN = re.compile(r"[\w\-]+|[^\w\s]")
# "the city of Kharkiv": what may stand between the noun and its name
_LINKS = frozenset("of".split())
# English adjectives are lower-case like the noun they stand before ("which political party")
_ENGLISH_ADJECTIVE = re.compile(r"\w+(?:al|ic|ical|ian|ese|ish|ive|ous|ful|ary|ern|less|able|ible)$")
MAX_NAME_WORDS = 4
MODIFIER_WORDS = 2  # words before the noun where a place word says whose


def asked_noun(question: str) -> tuple[str, list[str]] | None:
    """The noun a which-question asks about, with the words before it: in German the first
    capitalised word after "welche" ("Region" in "In welche russische Region …"), in English the
    first lower-case word that is no adjective ("party" in "Which political party …")."""
    match = _WHICH.search(question)
    if match is None:
        return None
    words = [w for w in _WORD.findall(match.group(1))[:4] if w.lower() not in STOPWORDS and not w[0].isdigit()]
    if detect_language(question) == "de":
        at = next((i for i, w in enumerate(words) if w[:1].isupper()), None)
    else:
        at = next((i for i, w in enumerate(words) if w[:1].islower() and not _ENGLISH_ADJECTIVE.match(w)), None)
    return None if at is None else (words[at], words[:at])


def named_span(text: str, asked: tuple[str, list[str]], question: str, same: Callable[[str, str], bool]
               ) -> tuple[int, int] | None:
    """Where in ``text`` the name given to the asked-for noun stands: capitalised words right after
    a word that is ``same`` as the noun (by stem or translation), not all given by ``question``,
    and no country; the one whose place words agree with the question's first."""
    noun, modifiers = asked
    wanted = place_keys(modifiers)
    given = set(tokenize(question))
    tokens = list(_TOKEN.finditer(text))
    found: list[tuple[int, int, int]] = []  # (agrees, start, end)
    for at, token in enumerate(tokens):
        rest = tokens[at + 1:]
        if rest and rest[0].group().lower() in _LINKS:
            rest = rest[1:]
        # a name must follow before the noun is compared: ``same`` may ask the word vectors
        if not rest or not rest[0].group()[0].isupper() or not token.group()[0].isalpha():
            continue
        name = []
        for word in rest[:MAX_NAME_WORDS]:
            if not word.group()[0].isupper() or word.group().lower() in STOPWORDS:
                break
            name.append(word)
        words = [w.group() for w in name]
        if not name or place_keys(words) or all(s in given for w in words for s in tokenize(w)):
            continue
        places = place_keys([t.group() for t in tokens[max(0, at - MODIFIER_WORDS): at]])
        if wanted and places and not wanted & places:
            continue  # another country's region
        if same(noun, token.group()):
            found.append((int(bool(wanted & places)), name[0].start(), name[-1].end()))
    if not found:
        return None
    best = max(found, key=lambda f: (f[0], -f[1]))
    return best[1], best[2]
