"""The short answer: the words of the cited sentence that answer the question, said first.

"Wie viele Soldaten …?" is answered by "etwa 11.000 nordkoreanische Soldaten", not by the
sentence around it. The span is taken from the evidence sentence the gate checked, by the kind
the question asks for (``answer_types``): a number with what it counts, an amount, a measure, an
age, a date. It is a substring of that sentence, so it needs no check beyond the quote's.

For an English question about a German sentence, the span is worded in English from closed
classes and CLDR data only (``in_english``). A span with anything else to translate is left out:
the sentences below it are the answer then, never a half-translated phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.answering.in_english import (
    DAY_MONTH,
    MONTH_YEAR,
    NUMBER,
    QUALIFIERS,
    YEAR,
    in_english,
    month_names,
)
from assistant.answering.named import (
    asked_noun,
    asked_preposition,
    named_span,
    named_spans,
    noun_phrase,
    prepositional_name,
)
from assistant.answering.reason import asks_purpose, reason_span
from assistant.answering.speaker import asks_for_speaker, speaker_span
from assistant.grounding.answer_types import (
    AnswerType,
    answer_type,
    counted_phrase,
    head,
    number_windows,
    place_keys,
)
from assistant.grounding.gazetteer import mentions
from assistant.grounding.tagger import compound_head
from assistant.language import detect_language
from assistant.retrieval.retrieve import Evidence
from assistant.schema import ShortAnswer
from assistant.tokens import tokenize

_QUALIFIER = re.compile(r"(?:^|(?<=\s))(" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True))
                        + r")\s+$", re.I)
# the kinds a span is taken for. Not "name": without a reader for names, a run of capitalised
# words is as often a title or a country ("Volksrepublik Korea": 4 of 4 name spans on the gold
# questions), and not "birth", whose evidence is the word "geboren", not a date
_SPANNED = frozenset({"count", "money", "measure", "age", "exact_date", "time"})
_AGE = re.compile(r"\d+(?:\s*-?\s*(?:jahren|jahre|jährig\w*|years?)\b)?", re.I)


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
        same = self._naming(across, text_lang)
        span = named_span(text, asked, question, same)
        if span is None and (preposition := asked_preposition(question)) is not None:
            span = prepositional_name(text, text_lang, preposition, question)
        if span is None and not across:
            span = noun_phrase(text, text_lang, asked[0], question, lambda noun, word: self._same(noun, word, True))
        if span is None:
            return None
        shown = text[span[0]: span[1]]
        return ShortAnswer(_capitalised(shown), citation, span[0], span[1], "named")

    def listed(self, question: str, lang: str, evidence: Sequence[Evidence], many: int) -> tuple[ShortAnswer, ...]:
        """The ``many`` names a which-question asks for ("Welche beiden Politiker …", "Which two
        regions …"): each where a sentence of ``evidence`` gives it the asked-for noun, in the
        evidence's order, with that sentence's number. None unless all are found: two names of
        three would read as the whole answer."""
        asked = asked_noun(question)
        if asked is None:
            return ()
        found: list[ShortAnswer] = []
        for number, item in enumerate(evidence, start=1):
            text_lang = detect_language(item.text)
            same = self._naming(lang != text_lang, text_lang)
            for start, end in named_spans(item.text, asked, question, same):
                name = item.text[start:end]
                if all(name not in f.text and f.text not in name for f in found):
                    found.append(ShortAnswer(name, number, start, end, "named", listed=True))
        return tuple(found[:many]) if len(found) >= many else ()

    def _naming(self, across: bool, text_lang: str) -> Callable[[str, str], bool]:
        """Whether a word of the sentence names the asked-for noun: the noun itself, its translation
        (``across`` languages), or the head of a German compound that names a kind of it
        ("Personalchef Xavier Broseta" for "Which HR chief …", "Musikkonzern Sony" for "Welcher
        Konzern …")."""

        def same(noun: str, word: str) -> bool:
            if self._same(noun, word, True) or (across and self._same(noun, word, False)):
                return True
            part = compound_head(word) if text_lang == "de" else None
            return part is not None and (self._same(noun, part, True) or (across and self._same(noun, part, False)))

        return same

    # --- finding the span ------------------------------------------------------------------
    def _count_span(self, question: str, text: str, across: bool) -> tuple[int, int, list[str]] | None:
        """The first number whose next few words name what is counted (``answer_types.binds``),
        through that noun; with the question's words for it that the span confirms.

        In the question's own language the noun itself must stand there (by stem): a near word is
        often another set ("Beschäftigte" for "Mitarbeiter-Aktionäre"). A translation binds only
        ``across`` languages, where the noun cannot stand there itself."""
        phrase = counted_phrase(question)
        followers = number_windows(text, phrase, NUMBER)
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
        return in_english(counted, kind, span)


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


def _time_span(text: str) -> tuple[int, int] | None:
    """A day with its month, a month with its year, or a year: the most precise time the sentence has."""
    months = month_names()
    for match in DAY_MONTH.finditer(text):
        if match.group(2).lower() in months:
            return match.span()
    for match in MONTH_YEAR.finditer(text):
        if match.group(1).lower() in months:
            return match.span()
    year = YEAR.search(text)
    return year.span() if year else None
