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

Two more ways a sentence says which one, tried when no name follows the noun:
- The sentence may not repeat the noun at all. "Mit welchem Musikkonzern …?" is answered by "…
  einen Plattenvertrag mit Sony Music": the proper name (by the tagger) after the question's own
  preposition. Never a place: "In welche Sprache …?" is not answered by "in Mali".
- The noun with its genitive: "Bei welchem Treffen …?" "beim Treffen eines Ausschusses der
  UNO-Generalversammlung". Not an adjective before the noun: "weitere Medikamente", "die
  wichtigsten Flüsse" describe rather than name (on GermanQuAD's which-questions about 4 in 10 such
  spans answered the question).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.grounding.answer_types import place_keys
from assistant.grounding.cities import city
from assistant.grounding.parts import PREPOSITIONS
from assistant.grounding.tagger import tag
from assistant.language import detect_language
from assistant.tokens import STOPWORDS, tokenize

_WHICH = re.compile(r"\b(?:welche[rsnm]?|which|(what))\s+([^?.!,;]{1,60})", re.I)
_WORD = re.compile(r"[\w\-]+")
_TOKEN = re.compile(r"[\w\-]+|[^\w\s]")
# "the city of Kharkiv": what may stand between the noun and its name
_LINKS = frozenset("of".split())
# English adjectives are lower-case like the noun they stand before ("which political party")
_ENGLISH_ADJECTIVE = re.compile(r"\w+(?:al|ic|ical|ian|ese|ish|ive|ous|ful|ary|ern|less|able|ible)$")
MAX_NAME_WORDS = 4
_CARDINALS = {"beide": 2, "beiden": 2, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
              "two": 2, "three": 3, "four": 4, "five": 5}
_MANY = re.compile(rf"\b(?:welchen?|which|what)\s+({'|'.join(_CARDINALS)})\b", re.I)
MODIFIER_WORDS = 2  # words before the noun where a place word says whose


def asked_noun(question: str) -> tuple[str, list[str]] | None:
    """The noun a which-question asks about, with the words before it: in German the first
    capitalised word after "welche" ("Region" in "In welche russische Region …"), in English the
    first lower-case word that is no adjective ("party" in "Which political party …")."""
    match = _WHICH.search(question)
    if match is None:
        return None
    if detect_language(question) == "de":
        if match.group(1):
            return None
        words = [w for w in _WORD.findall(match.group(2))[:4] if w.lower() not in STOPWORDS and not w[0].isdigit()]
        # a capitalised word the tagger reads as an adjective is none ("Welcher Britische Monarch")
        adjectives = {t.text for t in tag(question, "de") if t.pos in _ADJECTIVES}
        at = next((i for i, w in enumerate(words) if w[:1].isupper() and w not in adjectives), None)
        return None if at is None else (words[at], words[:at])
    return _english_noun(question, match.start(2), bool(match.group(1)))


def _english_noun(question: str, start: int, what: bool) -> tuple[str, list[str]] | None:
    """The head of the noun phrase after "which" / "what", by the tagger: the last noun of a
    compound ("fee" in "What transfer fee …", "party" in "Which political party …"). After "what"
    only a noun makes it a which-question: "What did he say …" asks for no named thing."""
    tokens = [t for t in tag(question, "en") if t.start >= start][:6]
    at = 0
    while at < len(tokens) and (tokens[at].pos in _ADJECTIVES or (at == 0 and tokens[at].pos == "CRD")):
        at += 1  # "Which two Russian regions": the noun is "regions", how many is ``asked_many``
    run = []
    for token in tokens[at:]:
        if token.pos not in _COMMON_NOUNS or not token.text[:1].islower():
            break
        run.append(token)
    if not run:
        if what:
            return None
        # the tagger may not know a noun ("Which ward …"): the first lower-case word that is no adjective
        words = [t.text for t in tokens[:4] if t.text.lower() not in STOPWORDS and t.text[:1].isalpha()]
        at = next((i for i, w in enumerate(words) if w[:1].islower() and not _ENGLISH_ADJECTIVE.match(w)), None)
        return None if at is None else (words[at], words[:at])
    return run[-1].text, [t.text for t in tokens[: at + len(run) - 1]]


def asked_many(question: str) -> int:
    """How many things a which-question asks for: 2 for "Welche beiden Politiker …" and "Which two
    regions …", else 1. The cardinals up to five, a closed class of each language."""
    match = _MANY.search(question)
    return _CARDINALS[match.group(1).lower()] if match else 1


def named_span(text: str, asked: tuple[str, list[str]], question: str, same: Callable[[str, str], bool]
               ) -> tuple[int, int] | None:
    """Where in ``text`` the name given to the asked-for noun stands (``named_spans``), the one
    whose place words agree with the question's first."""
    found = named_spans(text, asked, question, same)
    return found[0] if found else None


def named_spans(text: str, asked: tuple[str, list[str]], question: str, same: Callable[[str, str], bool]
                ) -> list[tuple[int, int]]:
    """Every name ``text`` gives the asked-for noun: capitalised words right after a word that is
    ``same`` as the noun (by stem or translation), not all given by ``question``, and no country;
    those whose place words agree with the question's first, then in the sentence's order."""
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
        if token.start() in _proper_starts(text):
            continue  # a name's own word is no common noun: "New" of "New Yorker Restaurant" is no "company"
        if same(noun, token.group()):
            found.append((int(bool(wanted & places)), name[0].start(), name[-1].end()))
    return [(start, end) for _, start, end in sorted(found, key=lambda f: (-f[0], f[1]))]


def _proper_starts(text: str) -> frozenset[int]:
    """Where the tagger's proper nouns begin in ``text``."""
    return frozenset(t.start for t in tag(text, detect_language(text)) if t.pos in _PROPER_NOUNS)


# --- which one, where the sentence does not repeat the noun -----------------------------------
# "beim Treffen": a preposition and an article in one word, read as the preposition
_CONTRACTIONS = {"am": "an", "ans": "an", "beim": "bei", "im": "in", "ins": "in", "vom": "von", "zum": "zu",
                 "zur": "zu", "aufs": "auf", "fürs": "für", "übers": "über", "ums": "um"}
# an English preposition -> the German ones that may say the same; a closed class, typed by hand
# because no package maps function words across languages
_PREPOSITIONS_DE = {"with": {"mit"}, "in": {"in"}, "at": {"bei", "an", "in"}, "on": {"an", "auf"},
                    "from": {"aus", "von"}, "to": {"nach", "zu", "an"}, "for": {"für"}, "by": {"von", "durch"},
                    "against": {"gegen"}, "about": {"über"}, "after": {"nach"}, "before": {"vor"},
                    "under": {"unter"}, "since": {"seit"}}
_ARTICLES = frozenset({"ART", "AT0"})
_ADJECTIVES = frozenset({"ADJ(A)", "AJ0", "AJC", "AJS"})
_NOUNS = frozenset({"NN", "NNI", "NE", "NN1", "NN2", "NP0"})
_COMMON_NOUNS = frozenset({"NN0", "NN1", "NN2"})
_PROPER_NOUNS = frozenset({"NE", "NP0"})
_GENITIVE_ARTICLES = frozenset("des der eines einer".split())
MAX_PHRASE_TOKENS = 8


def asked_preposition(question: str) -> str | None:
    """The preposition a which-question asks with: before "welche" ("Mit welchem Konzern …") or,
    in English, also left at the end ("Which label did she sign with?")."""
    words = [w.lower() for w in _WORD.findall(question)]
    for at, word in enumerate(words):
        if re.fullmatch(r"welche[rsnm]?|which", word):
            if at and words[at - 1] in PREPOSITIONS.split():
                return words[at - 1]
            if words[-1] in _PREPOSITIONS_DE:
                return words[-1]
            return None
    return None


def _prepositions_meet(asked: str, word: str) -> bool:
    said = _CONTRACTIONS.get(word.lower(), word.lower())
    return said == asked or said in _PREPOSITIONS_DE.get(asked, ()) or asked in _PREPOSITIONS_DE.get(said, ())


def prepositional_name(text: str, lang: str, preposition: str, question: str) -> tuple[int, int] | None:
    """"Mit welchem Musikkonzern …?" answered by "… einen Plattenvertrag mit Sony Music …": the
    proper name (by the tagger) right after the question's preposition, where the sentence names
    the thing without the question's noun. Not a name the question gives."""
    given = set(tokenize(question))
    tokens = tag(text, lang)
    for at, token in enumerate(tokens):
        if not _prepositions_meet(preposition, token.text):
            continue
        rest = list(tokens[at + 1: at + 1 + MAX_NAME_WORDS + 1])
        if rest and rest[0].pos in _ARTICLES:
            rest = rest[1:]
        name = []
        for word in rest[:MAX_NAME_WORDS]:
            # English capitalises only names, so a capital continues one the tagger began ("Sony Music")
            if not (word.proper or (name and lang == "en" and word.text[:1].isupper())):
                break
            name.append(word)
        words = [w.text for w in name]
        # a place is no answer here: "In welche Sprache …" is not answered by "in Mali", nor "In
        # welchem Bundesstaat …" by "in den USA"; a city or country has its own question kinds
        if (name and not all(s in given for w in words for s in tokenize(w))
                and not place_keys(words) and city(" ".join(words)) is None):
            return name[0].start, name[-1].end
    return None


def noun_phrase(text: str, lang: str, noun: str, question: str, same: Callable[[str, str], bool]
                ) -> tuple[int, int] | None:
    """"Bei welchem Treffen …?" answered by "beim Treffen eines Ausschusses der
    UNO-Generalversammlung", "Welches Verbot …?" by "das Verbot der Mischehen": the asked-for noun
    where the sentence says it, with the genitive after it (German "des …", English "of …") when
    that says something the question does not. Words of the sentence's language, so only for a
    question in that language."""
    given = set(tokenize(question))
    preposition = asked_preposition(question)
    tokens = tag(text, lang)
    for at, token in enumerate(tokens):
        if token.pos not in _NOUNS or not same(noun, token.text):
            continue
        if at > 0 and tokens[at - 1].pos in _ADJECTIVES:
            # "weitere Medikamente", "die wichtigsten Flüsse", "einen offensiven Einsatz": an
            # adjective on the noun describes more often than it names (measured on GermanQuAD's
            # which-questions: about 4 in 10 such spans answered); a genitive names ("das Verbot
            # der Mischehen", "der Klan der Taira")
            continue
        start = at
        end = at + 1
        while end < len(tokens) and end - start < MAX_PHRASE_TOKENS:
            link = tokens[end]
            genitive = (link.pos == "ART" and link.text.lower() in _GENITIVE_ARTICLES) or link.text.lower() == "of"
            step = end
            if genitive:  # "of the …", "der …": its article and adjectives; otherwise only a name follows
                step += 1 + int(link.text.lower() == "of" and step + 1 < len(tokens)
                                and tokens[step + 1].pos in _ARTICLES)
                while step < len(tokens) and tokens[step].pos in _ADJECTIVES:
                    step += 1
            heads = step
            while step < len(tokens) and tokens[step].pos in _NOUNS and (genitive or tokens[step].proper):
                step += 1
            if step == heads:
                break
            end = step
        said = [t for t in tokens[at + 1:end] if t.text[:1].isalnum()]
        if not any(s not in given for t in said for s in tokenize(t.text)):
            continue
        if start > 0 and tokens[start - 1].pos in _ARTICLES:
            start -= 1
        # the question's own preposition answers in its case: "Bei welchem Treffen …?" "Beim Treffen …"
        if start > 0 and preposition is not None and _prepositions_meet(preposition, tokens[start - 1].text):
            start -= 1
        return tokens[start].start, tokens[end - 1].end
    return None
