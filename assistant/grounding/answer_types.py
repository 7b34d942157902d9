"""What kind of thing a question asks for, and which evidence sentence holds one.

The kind is read from the question's grammar, a closed class in each language: "wie viele" /
"how many" asks for a number, "wie alt" / "how old" for an age, "wann" / "when" for a time,
"was kostet" / "how much … cost" for money, "warum" / "why" for a reason. The evidence must hold a
value of that kind: a number, an age, a date, an amount in a currency (a reason, marked by a
connective, and a person are preferred, never required). Currency names and symbols come from CLDR
through ``babel`` (the currencies legal tender somewhere), not from a hand-typed list.

What a question counts ("Wie viele *Angestellte* …", "How many *islands* …") must be what the
evidence's number counts: the number binds to the counted noun when the noun, its stem or a
translation of it follows the number within a few words ("1.200 Angestellte", "sieben
verschiedene Inseln"). Among the sentences close to the best one, the sentence that holds the
asked-for kind, bound to what is counted, is cited first: the answer opens with what was asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from assistant.grounding.cities import city, city_spans
from assistant.grounding.gazetteer import DAYS, MONTHS, is_time_key, mentions
from assistant.grounding.tagger import has_model, proper_names
from assistant.grounding.units import (
    UNIT_KINDS,
    asked_units,
    currency_pattern,
    named_currencies,
    unit_forms,
    unit_pattern,
    unit_words,
)
from assistant.language import detect_language
from assistant.retrieval.retrieve import Evidence
from assistant.tokens import STOPWORDS, tokenize

_MONTHS = "|".join([w for words in MONTHS for w in words.split()]
                   + "jan feb mär apr jun jul aug sep okt oct nov dez dec".split())
_WEEKDAYS = "|".join(w for words in DAYS for w in words.split())
# spelled-out numbers: the closed class of number words of both languages ("sieben", "Dutzend",
# "Zehntelsekunde" begins with one)
_NUMBER_WORDS = ("zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|"
                 "dutzend|million|milliarde|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                 "thirty|hundred|thousand|dozen|billion")
# a digit glued to letters is part of an identifier ("A380", a link's "ZNXgs0HgKt"), not a quantity
_NUMBER = rf"(?:(?<!\w)\d[\d.,]*|\b(?:{_NUMBER_WORDS})\w*|\b(?:halbe?[nrs]?|half|doppelte?[nrs]?|double|twice)\b)"
# what a quantity is called, a closed class like the interrogatives: "What is the population of …",
# "Wie hoch ist die Zahl der …", "To what speed …" ask for a number as "how many" does
_COUNT_NOUNS = "anzahl|zahl|einwohnerzahl|bevölkerung|number|population"
_MEASURE_NOUNS = ("höhe|länge|breite|tiefe|entfernung|distanz|reichweite|dauer|gewicht|anteil|quote|prozentsatz|"
                  "geschwindigkeit|temperatur|fläche|height|length|width|depth|distance|range|duration|weight|share|"
                  "rate|percentage|speed|temperature|area")
_NAMED = (r"\b(?:what|which|welche[rsnm]?|what's the|what (?:is|was|are|were) the|to what|auf welche[nm]?|"
          r"(?:was|wie hoch|wie groß) (?:ist|war|sind|waren) (?:die|der|das))\s+(?:\w+\s+)?")
_QUANTITY_QUESTION = rf"{_NAMED}({_COUNT_NOUNS})\b"
# what an amount of money is called, asked like a quantity: "What transfer fee …", "Welche
# Ablösesumme …". Not the German "Preis", which is a prize as often ("Welchen Preis gewann der Film?")
_MONEY_NOUNS = (r"fees?|prices?|salar(?:y|ies)|wages?|prize money|ablöse\w*|gebühr\w*|gehalts?|gehälter|"
                r"honorar\w*|kaufpreis\w*|preisgeld\w*|lohn|löhne")
# "wie hoch" / "how high" may ask for a height or for an amount ("Wie hoch ist die Strafe?"): untyped
_MEASURE_QUESTION = (rf"{_NAMED}(?:{_MEASURE_NOUNS})\b|\bwie (?:weit|lang|lange|schwer|schnell|tief|breit)\b|"
                     r"\bhow (?:far|long|tall|heavy|fast|deep|wide)\b")
# what a measure question measures, and the CLDR unit kinds that measure it: "How long is the track?"
# is not answered by "187 Stundenkilometer", a speed. (nouns, adverbs, unit kinds); "how long" is a
# time or a length. The words are _MEASURE_NOUNS and the adverbs above, sorted by dimension.
_DIMENSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("geschwindigkeit|speed", r"wie schnell|how fast", ("speed",)),
    ("gewicht|weight", r"wie schwer|how heavy", ("mass",)),
    ("temperatur|temperature", "", ("temperature",)),
    ("fläche|area", "", ("area",)),
    ("anteil|quote|prozentsatz|share|rate|percentage", "", ("concentr",)),
    ("dauer|duration", "", ("duration",)),
    ("", r"wie lange?|how long", ("duration", "length")),
    ("höhe|länge|breite|tiefe|entfernung|distanz|reichweite|height|length|width|depth|distance|range",
     r"wie weit|wie tief|wie breit|how far|how tall|how deep|how wide", ("length",)),
)
# the interrogatives that ask for a reason or a purpose (a closed class)
_WHY = r"warum|wieso|weshalb|weswegen|wozu|why|how come|aus welchem grund|for what reason"
# an interrogative that asks for no kind of value: "Why was the bridge closed *when* the storm came?" asks
# why, not when
_UNTYPED = re.compile(rf"\b(?:{_WHY}|"
                      r"how (?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should))\b", re.I)
_NUMBER_RE = re.compile(_NUMBER, re.I)
# "In welcher Stadt", "Which Venezuelan city", "in what port city": the city nouns are a closed class
_CITY_NOUN = r"(?:\w*stadt|\w*städten?|city|cities|capitals?|towns?)"
_CITY_QUESTION = re.compile(rf"\b(?:welche[rnms]?|which|what)\s+(?:[\w\-]+\s+)?{_CITY_NOUN}\b", re.I)
_DATELINE = re.compile(r"\s*[^\W\d_][\w.]*(?:[ /][^\W\d_][\w.]*){0,3}\s+[–—-]\s")
_CITY_OWNER = re.compile(rf"\b([\w\-]+)\s+{_CITY_NOUN}\b", re.I)
_SCALE = r"(?:(?:mio|mrd|tsd|bn|m)\.?|millionen|milliarden|millions?|billions?|tausend|thousand)"
# a year of an era ("43 v. Chr.", "AD 395") and a stretch of time named by its unit: centuries and
# decades, weeks to years in any inflection ("vor drei Jahren", "in recent weeks"), the seasons
_ERA_YEAR = r"\b\d{1,4}\s*(?:[vn]\.\s*chr\.?|v\.\s*u\.\s*z\.|bce?|ad|ce)(?!\w)|\b(?:ad|ab)\s+\d{1,4}\b"
_TIME_UNITS = (r"wochen?|weeks?|monaten?|monats|months?|jahren?|jahres|years?|jahrhundert\w*|jahrzehnt\w*|"
               r"centur(?:y|ies)|decades?|frühjahr\w*|frühling\w*|sommer\w*|herbst\w*|winter\w*|spring|summer|"
               r"autumn")
# how long something lasted, said without a number of units: a span from one year or date to
# another ("1764–1795", "von Mai 1948 bis Januar 1949"), or an adjective of duration ("die
# achtjährige Amtszeit", "a two-week strike")
_SPAN = (r"\b\d{4}\s*[–—-]\s*\d{2,4}\b|\b(?:von|vom|seit|from|between)\s+(?:[\w.]+\s+){0,2}\d{4}\s+"
         r"(?:bis|und|to|until|and)\s+(?:[\w.]+\s+){0,2}\d{2,4}\b|\w+(?:jährig|tägig|wöchig|monatig|stündig)\w*|"
         r"\b[\w-]+-(?:year|month|week|day|hour)(?:-long)?\b")


@dataclass(frozen=True)
class AnswerType:
    """A kind of answer: how to recognise the question, and what evidence must contain."""

    name: str
    question: re.Pattern[str]
    evidence: re.Pattern[str]
    # the value must say what the question does not: "Wer wird Chefredakteur des Magazins Focus?" is
    # not answered by a sentence whose only name is the magazine's, nor "Wie heißt der Finne?" by the
    # question's own names. A surname the passage gave in full before counts ("…, sagte Rudenko").
    novel: bool = False
    # False: a sentence holding the kind is cited first when it is close to the best, but the gate
    # does not abstain without one ("Wer sagte …?" is often answered by a role: "der Vertreter Nordkoreas")
    required: bool = True

    def held_by(self, evidence: Evidence, question: str = "") -> bool:
        if not self.novel:
            if self.name == "money" and (asked := named_currencies(question)):
                # "Was kostet sie in Euro?" is not answered by "800 Dollar"
                return any(named_currencies(m.group()) & asked for m in self.evidence.finditer(evidence.text))
            if self.name == "measure" and (units := asked_units(question)):
                # nor "How high is it in metres?" by "1200 feet"
                return in_units(evidence.text, list(units))
            return bool(self.evidence.search(evidence.text))
        if self.name == "city":
            return bool(self.cities(evidence.text, question))
        given = _given(question)
        if any(_says_more(found, given) for found in self.names(evidence.text)):
            return True
        surnames = self.surnames(evidence.chunk.text)
        return any(word in surnames and _says_more(word, given) for word in _WORDS.findall(evidence.text))

    def names(self, text: str) -> list[str]:
        """The names in ``text`` that are no place the gazetteer knows, nor a role with one ("Republik
        Korea", "Vertreter Nordkoreas"): the tagger's proper nouns ("Tom Berger", not "Schauspieler
        Tom"; "Spotify"), or, in a language it has no model for, runs of capitalised words."""
        places, lang = _place_spans(text), detect_language(text)
        if not has_model(lang):
            return _overlapping(self.evidence, text, places)
        # a run that is wholly a city's name is a place ("in New York"); one that holds a city's
        # name among others is not ("Robert Berger": there is a city called Robert)
        return [found for _, _, found in proper_names(text, lang, places) if city(found) is None]

    def cities(self, text: str, question: str) -> list[tuple[int, int]]:
        """For "In which (Ukrainian) city …": the cities ``text`` names that the question does not,
        in the country the question binds to its city noun."""
        given = {c.key for _, _, c in city_spans(question, detect_language(question))}
        bound = place_keys(_CITY_OWNER.findall(question))
        dateline = _DATELINE.match(text)  # "Oslo – Die Regierung …": where the report was filed
        return [(a, b) for a, b, c in city_spans(text, detect_language(text))
                if c.key not in given and (not bound or c.country in bound) and not (dateline and b <= dateline.end())]

    def surnames(self, text: str) -> set[str]:
        """The last words of the names ``text`` gives in full ("Rudenko" of "Andrey Rudenko")."""
        return {found.split()[-1] for found in self.names(text) if " " in found}


def _place_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in mentions(text) if not is_time_key(m.key)]


def _overlapping(pattern: re.Pattern[str], text: str, outside: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Every match, also those overlapping another ("Vize-Außenminister Andrej" and "Andrej
    Rudenko"), but none that overlaps one of the ``outside`` spans."""
    found = []
    for m in re.finditer(f"(?=({pattern.pattern}))", text, pattern.flags):
        start, end = m.span(1)
        if not any(start < b and a < end for a, b in outside):
            found.append(m.group(1))
    return found


def _given(question: str) -> set[str]:
    return set(tokenize(question))


def _says_more(words: str, given: set[str]) -> bool:
    """Whether ``words`` hold a word the question does not give, by stem or as part of a compound
    ("Chef" is given by "Konzernchefs")."""
    for stem in tokenize(words.replace("-", " ")):
        if stem in given or (len(stem) >= 4 and any(g.startswith(stem) or g.endswith(stem) for g in given)):
            continue
        return True
    return False


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# what marks a reason in a sentence: causal and final connectives and the nouns that name a cause,
# closed classes. A reason is preferred, never required: a sentence may state it without a marker
_ASKS_REASON = _p(rf"\b(?:{_WHY})\b")
REASON = AnswerType("reason", _ASKS_REASON, _p(
    r"\b(?:weil|denn|wegen|aufgrund|infolge|angesichts|deshalb|deswegen|daher|darum|gr[üu]nde?s?|ursachen?|"
    r"zurückzuführen|because|due to|owing to|as a result|reasons?|causes?|in order to|so that|therefore)\b|"
    r"(?:^|[,;–]\s*)da\b|\bum\b[^.,;]{1,80}\bzu\s+\w+"), required=False)


def asks_reason(question: str) -> bool:
    return bool(_ASKS_REASON.search(question))


@lru_cache(maxsize=1)
def answer_types() -> tuple[AnswerType, ...]:
    """The most specific first: "how much money" is a money question before it is a number question."""
    words, symbols = currency_pattern()
    # two capitalised words, the first neither a function word ("Die Regierung", "Am Sonntag") nor an
    # inflected adjective ("Demokratischen Volksrepublik")
    function = "|".join(sorted((re.escape(w) for w in STOPWORDS if w.isalpha()), key=len, reverse=True))
    full_name = (rf"\b(?!(?i:{function})\b)"
                 r"(?![A-ZÄÖÜ][a-zäöüß]*(?:ischen|ische|ischer|lichen|liche|licher|alen|ale|aler|igen|ige|iger|eren)\b)"
                 r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?\s+[A-ZÄÖÜ][a-zäöüß]+\b")
    money = (rf"{_NUMBER}\s*{_SCALE}?\s*(?:{symbols}|(?:[\w]+-)?(?:{words})\b)|(?:{symbols})\s*\d")
    return (
        AnswerType("age", _p(r"\b(wie alt|how old|what age|welche[nm]? alter|alter von wie)"),
                   _p(r"\d+\s*(-\s*)?(jahre|jahren|jährig\w*|years?)\b|\b(aged?|alter von)\s+\d+|\(\d{1,3}\)")),
        AnswerType("birth", _p(r"\b(geboren|geburtstag|geburtsdatum|born|date of birth|birthday)\b"),
                   _p(r"\b(geboren|born)\b")),
        # not "welchen Preis": a German "Preis" is a prize too ("Welchen Preis gewann der Film?")
        AnswerType("money", _p(rf"\bin\s+(?:[\w]+[- ])?(?:{words})\b|{_NAMED}(?:{_MONEY_NOUNS})\b|"
                               r"\b(wie teuer|how expensive|was kostet|was kosten|zu welchem preis|at what price|"
                               r"for what price|what price|"
                               r"(wie ?viel|how much)\b[^?]*\b(geld|kostet|kosten|gekostet|zahlt|zahlen|bezahlt|"
                               r"gezahlt|money|cost|costs|pay|pays|paid|worth)\b(?!-))"),
                   _p(money)),
        AnswerType("exact_date", _p(r"\b(an welchem (wochen)?(tag|datum)|welches datum|genaue[ns]? datum|exact date|"
                                    r"welche[rnm]? wochentag|on (what|which) (exact )?(week)?(day|date)|what date|"
                                    r"which date|(what|which) (week)?day)\b"),
                   _p(rf"\b\d{{1,2}}\.\s*({_MONTHS})|\b({_MONTHS})\.?\s+\d{{1,2}}\b|\b({_WEEKDAYS})\b|"
                      r"\b\d{1,2}\.\d{1,2}\.(\d{2,4})?|\b\d{4}-\d{2}-\d{2}\b")),
        # a measure: a number with a unit of what is measured, also inside a compound ("Zehntel-Sekunde")
        *(AnswerType("measure", _p(rf"{_NAMED}(?:{nouns})\b" + (rf"|\b(?:{adverbs})\b" if adverbs else "")
                                   if nouns else rf"\b(?:{adverbs})\b"),
                     _p(rf"{_NUMBER}\s*-?{_SCALE}?\s*(?:{_measured(kinds)})(?:n|s)?(?!\w)"
                        + (f"|{_SPAN}" if "duration" in kinds else "")))
          for nouns, adverbs, kinds in _DIMENSIONS),
        # a value asked in a unit: "What is the average pitch in hertz?"
        AnswerType("measure", _p(rf"\bin\s+(?:{unit_words()})(?:n|s)?\b"),
                   _p(rf"{_NUMBER}\s*-?{_SCALE}?\s*(?:{_measured(UNIT_KINDS)})(?:n|s)?(?!\w)")),
        AnswerType("count", _p(rf"\b(wie ?viele?n?|wieviele?n?|how (many|much)|what number|anzahl|number of)\b|"
                               rf"{_QUANTITY_QUESTION}"),
                   _p(_NUMBER)),
        AnswerType("name", _p(r"\b(wie heißt|wie heisst|wie lautet der name|what is the name|what's the name|"
                              r"name of the|welchen namen|called)\b"),
                   re.compile(full_name), novel=True),
        AnswerType("city", _CITY_QUESTION, re.compile(r"(?!)"), novel=True),
        AnswerType("time", _p(r"\b(wann|when|seit wann|since when|in welchem jahr|what year|which year)\b"),
                   _p(rf"\d{{4}}|{_ERA_YEAR}|\b({_MONTHS}|{_WEEKDAYS}|{_TIME_UNITS})\b|\b(gestern|heute|yesterday|"
                      r"today|monat|jahr|kürzlich|recently|damals|vergangen\w*|letzte\w*|last|bereits im|derzeit|"
                      r"nachdem|after|before|bevor|morgen|tomorrow)\b")),
        # a person: a name the question does not give, in full or as a surname given in full before.
        # Only preferred, never required: on dev, requiring one refused 3 of 41 answerable gold questions
        # whose answer is an office ("der südkoreanische Geheimdienst") or a surname given in full
        # in another chunk
        AnswerType("person", _p(r"\b(wer|wem|wen|wessen|who|whom|whose)\b"), re.compile(full_name), novel=True,
                   required=False),
    )


def _measured(kinds: tuple[str, ...]) -> str:
    """A unit of ``kinds``, alone or ending a compound; a compound of a time and a length
    ("Stundenkilometer") and a length per time ("Kilometern pro Stunde") are speeds, never lengths."""
    times = "|".join(w for w in unit_pattern(("duration",)).split("|") if len(w) >= 4 and w.isalpha())
    lengths = unit_pattern(("length",))
    unit = rf"(?!(?:{times})(?:{lengths}))\w*(?:{unit_pattern(kinds)})"
    if "speed" in kinds:
        unit += rf"|(?:{times})(?:{lengths})|\w*(?:{lengths})(?:n|s)?\s*(?:pro|per|je|/)\s*(?:{times})"
    return unit


def answer_type(question: str) -> AnswerType | None:
    """The kind the question's first interrogative asks for (a why-question: a reason); None when that
    one asks for no kind ("how did …", "what …")."""
    found = next(((t, m) for t in answer_types() if (m := t.question.search(question))), None)
    untyped = _UNTYPED.search(question)
    if untyped is not None and (found is None or untyped.start() < found[1].start()):
        return REASON if asks_reason(untyped.group()) else None
    return None if found is None else found[0]


COUNTED = re.compile(r"\b(?:wie ?viele?n?|wieviele?n?|how many|how much|anzahl der|number of)\s+([^?.!,;]{0,60})",
                      re.I)
AUXILIARIES = frozenset("has have had is are was were will would did does do can could should may might must shall "
                         "sind ist war waren wurden wurde hat haben hatte will wollen soll sollen kann können".split())
_WORDS = re.compile(r"[\w\-]+")
# how far after its number a counted noun may stand: "1.200 Angestellte", "sieben verschiedene Inseln",
# "135.000 betroffenen US-Kunden"
BIND_WINDOW = 3


def place_keys(words: Sequence[str]) -> set[str]:
    """The countries the words name, by gazetteer key ("North Korean" and "nordkoreanische": KP)."""
    return {m.key for m in mentions(" ".join(words)) if not is_time_key(m.key)}


def counted_phrase(question: str) -> list[str]:
    """What a "how many" question counts: the phrase after it, ending in the counted noun
    ("Haubitzen" in "Wie viele Haubitzen will …", "North Korean soldiers" in "How many North Korean
    soldiers have …").

    German capitalises nouns, so in a German question it is the first capitalised word of the
    phrase ("Prozent" in "Um wie viel Prozent fiel die Aktie", "Alben" in "Wie viele Alben umfasst
    Adeles Vertrag"), not a verb or a name after it. A question for
    a named quantity counts that quantity ("population" in "What is the population of …")."""
    match = COUNTED.search(question)
    if not match:
        named = re.search(_QUANTITY_QUESTION, question, re.I)
        return [named.group(1)] if named and named.group(1).lower() not in ("anzahl", "zahl", "number") else []
    phrase: list[str] = []
    german = detect_language(question) == "de"
    for word in _WORDS.findall(match.group(1))[:4]:
        if word.lower() in STOPWORDS or word.lower() in AUXILIARIES:
            break
        if not german and phrase and phrase[-1][:1].islower() and word[:1].isupper():
            break  # a name after a common noun starts the next phrase: "soldiers North Korea may send"
        phrase.append(word)
    if not german:
        return phrase
    # the noun is the first capitalised word (a capital inside counts too: "iPhones"); a place
    # adjective before it stays, it says whose ("nordkoreanische Soldaten")
    noun_at = next((i for i, w in enumerate(phrase) if any(c.isupper() for c in w)), None)
    return [] if noun_at is None else [w for w in phrase[:noun_at] if place_keys([w])] + [phrase[noun_at]]


def number_windows(text: str, phrase: Sequence[str], number: re.Pattern[str], places: bool = True
                   ) -> list[tuple[re.Match[str], list[re.Match[str]]]]:
    """Each ``number`` in ``text`` with the ``BIND_WINDOW`` words after it, where a counted noun may
    stand. A window naming another country than ``phrase`` does is left out: "Russian soldiers" are
    not counted by "11.000 nordkoreanische Soldaten" (``places=False``: kept, whatever it names)."""
    asked = place_keys(phrase) if places else set()
    windows = []
    for found in number.finditer(text):
        words = list(islice(_WORDS.finditer(text, found.end()), BIND_WINDOW))
        named = place_keys([w.group() for w in words]) if asked else set()
        if not (named and not asked & named):
            windows.append((found, words))
    return windows


def binds(text: str, phrase: Sequence[str], close: Callable[[str, Sequence[str]], bool], places: bool = True) -> bool:
    """Whether a number in ``text`` counts what ``phrase`` (``counted_phrase``) names: one of its
    words (by stem, or a translation by ``close``, which gets all candidate words at once) within
    ``BIND_WINDOW`` words after a number, compared by their heads (``head``). Any word may be the
    noun: an English phrase may end in a verb ("How many pilgrims *died*", "How many people *work*
    …"), which its form does not tell.

    A place word in ``phrase`` is no noun but says whose: "Russian soldiers" are not counted by
    "11.000 nordkoreanische Soldaten", so a number whose words name another country does not bind
    (unless ``places`` is False: what the evidence says regardless of the question's constraints)."""
    if in_units(text, phrase):
        return True
    nouns = [head(n) for n in reversed(phrase) if not place_keys([head(n)])]  # "US-Kunden" counts customers
    after = [head(w.group()) for _, window in number_windows(text, phrase, _NUMBER_RE, places) for w in window]
    for noun in nouns:
        stems = set(tokenize(noun))
        if stems and any(stems <= set(tokenize(w)) for w in after):
            return True
    candidates = [w for w in dict.fromkeys(after) if len(w) >= 3 and w.lower() not in STOPWORDS]
    return bool(candidates) and any(close(noun, candidates) for noun in nouns)


def in_units(text: str, phrase: Sequence[str]) -> bool:
    """Whether a number in ``text`` is in the unit ``phrase`` counts, by any name or symbol ("10 %")."""
    forms = "|".join(sorted({re.escape(f) for word in phrase for f in unit_forms(word)}, key=len, reverse=True))
    return bool(forms) and re.search(rf"{_NUMBER}\s*(?:{forms})(?!\w)", text, re.I) is not None


def head(word: str) -> str:
    """A hyphenated compound's head, its last part: "12 Pinguin-Küken" counts chicks, not penguins,
    and "2.900 US-Kunden" customers. A closed compound ("Pinguinküken") stays whole: without a
    decompounder its parts are not known."""
    parts = [p for p in word.split("-") if p]
    return parts[-1] if len(parts) > 1 and len(parts[-1]) >= 3 else word


def typed_first(question: str, chosen: Sequence[Evidence], pool: Sequence[Evidence], margin: float,
                close: Callable[[str, Sequence[str]], bool],
                fits: Callable[[Evidence], bool] = lambda e: True, places: bool = True,
                own: Callable[[Evidence], float] = lambda e: 0) -> list[Evidence]:
    """``chosen`` with the sentence that holds the asked-for kind first.

    That sentence is taken from ``pool`` within ``margin`` of the best score and must ``fit`` (meet
    the question's constraints: "How old is Sabrina Singh?" is not answered by "Zainab Faksh (25)");
    for a count, its number must count what the question counts. Without such a sentence, ``chosen``
    is returned as it is and the gate decides. Among several, the best-scored of those whose own
    words meet the most constraints (``own``)."""
    kind = answer_type(question)
    if kind is None or not chosen:
        return list(chosen)
    top = max(e.score for e in chosen)
    typed = [e for e in pool if e.score >= top - margin and kind.held_by(e, question) and fits(e)]
    if not typed:
        return list(chosen)
    counted = counted_phrase(question) if kind.name == "count" else []
    if counted:
        # a number that counts something else is no answer: it is never promoted over the best sentence
        typed = [e for e in typed if binds(e.text, counted, close, places)]
        if not typed:
            return list(chosen)
    # of those, the one that says the question's places, years and names itself (``own``), not
    # only its neighbours: "according to South Korean intelligence" is the sentence "Laut dem
    # südkoreanischen Geheimdienst …", not the Pentagon's figure after it
    first = max(typed, key=own)
    rest = [e for e in chosen if e.text != first.text]
    return [first, *rest][: max(len(chosen), 1)]


def covering_first(question: str, chosen: Sequence[Evidence], coverage: Callable[[str], float],
                   margin: float) -> list[Evidence]:
    """``chosen`` with the sentence that covers most of the question first, when it covers at least
    ``margin`` more of it than the best-scored one.

    The fused score ranks sentences for retrieval; its lexical part reads stems, which an English
    question over German text does not share ("supply" and "liefert"), so the best-scored of the
    cited sentences is often a neighbour of the one that answers. ``coverage`` (the gate's
    idf-weighted share of the question's words in a text, by stem or word vector) reads across
    languages. Only where no required kind decides the order (``typed_first``): what, why, how,
    which, and who when no sentence names a new person."""
    if len(chosen) < 2 or margin > 1:  # coverage is a share: above 1 no sentence can take the lead
        return list(chosen)
    kind = answer_type(question)
    if kind is not None and (kind.required or kind.held_by(chosen[0], question)):
        return list(chosen)
    shares = [coverage(e.text) for e in chosen]
    best = max(range(len(chosen)), key=lambda i: (shares[i], -i))
    if shares[best] - shares[0] < margin:
        return list(chosen)
    return [chosen[best], *(e for i, e in enumerate(chosen) if i != best)]
