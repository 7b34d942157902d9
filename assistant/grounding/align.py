"""Does the cited evidence answer about the same places, dates and names as the question? By identity.

Each constraint of the question (``grounding/constraints.py``) must be met by the evidence an answer
cites: a place by its gazetteer key, so "North Korean" finds "nordkoreanische", or by a city of
that country ("Wien –" for "österreichische"); a quotation's words all together; a year as
written or as the article's year; a name by its form, inflection or other-language spelling
("Kharkiv" = "Charkiw"). It is looked for in the cited sentence, the sentences next to it
(where the attribution often stands: "…, sagte Singh."), the article's title and the chunk.

A sentence that fills the slot with another value of the same kind is a *conflict*: another
country bound to the same noun ("nordkoreanische Soldaten" for "belarussische Soldaten",
"russische Botschafter" for "Chinese ambassador"), another year or another month. Such a
sentence is about something else and may not be cited for this question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from assistant.grounding.cities import city_spans
from assistant.grounding.claim_checks import Searchable, name_found, name_words, word_found
from assistant.grounding.constraints import Constraint, inner_capital, names, years
from assistant.grounding.gazetteer import bound_nouns, is_time_key, mentions
from assistant.grounding.tagger import has_model, proper_names
from assistant.language import detect_language
from assistant.retrieval.retrieve import Evidence
from assistant.tokens import tokenize

_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?!\d)|(?<![\w.,])\d+(?!\d)")
Similar = Callable[[str, str], bool]  # are two common nouns the same word across languages?
Translated = Callable[[Sequence[str], Sequence[str]], bool]  # is a word of the first list translated in the second?


@dataclass(frozen=True)
class Alignment:
    status: str  # "ok", "conflict" or "missing"
    constraint: Constraint | None = None  # the first constraint not met
    found: str = ""  # for a conflict: what the passage says in its place, as written there

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def excludes(self) -> bool:
        """Another country, year or month in the slot rules the sentence out; another name beside the
        asked-for one does not (a sentence may name several people) and only words the near miss."""
        return self.status == "conflict" and self.constraint is not None and self.constraint.kind != "name"

    def reason(self) -> str:
        if self.ok or self.constraint is None:
            return "all constraints met"
        c = self.constraint
        if self.status == "conflict":
            return f"asks about {c.text} ({c.kind}); the passage is about {self.found}"
        return f"asks about {c.text} ({c.kind}); the passage does not mention it"


def window(evidence: Evidence) -> str:
    """The cited sentence with its neighbours in the chunk, and the article's title."""
    chunk = evidence.chunk
    spans = [(s.start, s.end) for s in chunk.sentences]
    position = next((i for i, (a, _) in enumerate(spans) if a == evidence.start), None)
    if position is None:
        return f"{chunk.title}\n{evidence.text}"
    lo, hi = max(0, position - 1), min(len(spans), position + 2)
    start, end = spans[lo][0] - chunk.start, spans[hi - 1][1] - chunk.start
    return f"{chunk.title}\n{chunk.text[start:end]}"


class _Passage:
    """A window's mentions, years, searchable words and language, computed once for all constraints."""

    def __init__(self, text: str, date: str, lang: str, question_lang: str) -> None:
        self.date, self.across = date, lang != question_lang
        self.text, self.lang = text, lang
        self.keys = {m.key for m in mentions(text)}
        self.years = years(text, lang)
        # digits without their group separators: "2.000" and "2,000" are 2000
        self.numbers = {re.sub(r"[.,\u00a0\u202f]", "", n) for n in _NUMBER.findall(text)}
        self.searchable = Searchable(text)
        self.capitalised = sorted({w for w in re.findall(r"[^\W\d_][\w\-]{3,}", text) if w[0].isupper()})


    @cached_property
    def countries(self) -> set[str]:
        """The countries of the cities the window names: a report datelined "Wien –" or about "der
        Bürgermeister von Kiew" is about Austria or Ukraine without naming it. Only read when a
        country is not named itself: the tagger costs a few milliseconds a window."""
        return {c.country for _, _, c in city_spans(self.text, self.lang)}


def _met(c: Constraint, passage: _Passage, translated: Translated | None = None) -> bool:
    if c.kind == "date":
        return c.key in passage.keys
    if c.kind == "place":
        return c.key in passage.keys or c.key in passage.countries
    if c.kind == "year":
        return c.key in passage.years or passage.date[:4] == c.key
    if c.kind == "number":  # a year or a count: said in either reading
        return c.key in passage.numbers or passage.date[:4] == c.key
    if c.kind == "quote" and not passage.across:
        # every word of it, as a quotation is the article's words; any one word meets a name
        # ("Singh" for "Sabrina Singh"), not a quotation. Across languages it is read as a name
        return all(word_found(w, passage.searchable) for w in name_words(c.key))
    if name_found(c.key, passage.searchable):
        return True
    # across languages a name made of words is translated ("European Championship" ~ "EM-Finale",
    # "Book Prize" ~ "Buchpreis"): one of its words may meet its translation, at a bar that a
    # different name of the same kind ("Renault" ~ "Peugeot" 0.67) does not reach
    if translated is None or not passage.across:
        return False
    # a coined word ("iPhone", "WhatsApp", "NHTSA") is the same in every language: it is never translated
    words = [w for w in name_words(c.key) if not any(ch.isupper() or ch.isdigit() for ch in w[1:])]
    # a name of several words is translated as a whole more often than word by word: "European
    # Championship" is one German compound ("Europameister", 0.78, where "European" alone is 0.68),
    # "Space Station" is "Raumstation" (0.90); "Federal Council" stays far from "Nationalrat" (0.55)
    whole = [" ".join(words)] if len(words) > 1 else []
    return bool(words) and translated([*words, *whole], passage.capitalised)


class ConstraintAligner:
    """Checks a question's constraints against evidence: one sentence, or the set an answer cites."""

    def __init__(self, question: str, constraints: Sequence[Constraint], similar: Similar | None = None,
                 translated: Translated | None = None) -> None:
        self.question = question  # where the constraints were written: a conflict is read beside its noun
        self.constraints = list(constraints)
        self.similar = similar
        self.translated = translated  # name words across languages; only when question and evidence differ
        self.lang = detect_language(question)

    def run(self, evidence: Evidence) -> Alignment:
        """The sentence's standing: a conflict, else the first constraint its window misses, else ok."""
        if not self.constraints:
            return Alignment("ok")
        text = window(evidence)
        passage = self._passage(text, evidence.chunk.date)
        missing: Alignment | None = None
        for c in self.constraints:
            # the title is left out: a headline's "Russischer Regierungsmitarbeiter" binds no sentence
            swapped = self._swapped_binding(c, text.split("\n", 1)[-1]) if c.kind == "place" else ""
            if swapped:
                return Alignment("conflict", c, swapped)
            if _met(c, passage, self.translated):
                continue
            other = self._other(c, evidence.text)
            if other and c.kind != "name":
                return Alignment("conflict", c, other)
            missing = missing or Alignment("conflict" if other else "missing", c, other)
        return missing or Alignment("ok")

    def met_by_sentence(self, evidence: Evidence) -> int:
        """How many constraints the sentence meets in its own words, without its window."""
        passage = self._passage(evidence.text, "")
        return sum(_met(c, passage) for c in self.constraints)

    def met_together(self, cited: Sequence[Evidence], kinds: frozenset[str] | None = None) -> bool:
        """Whether the windows of ``cited`` meet every constraint (of ``kinds``) between them, not their chunks."""
        passages = [self._passage(window(e), e.chunk.date) for e in cited]
        return all(any(_met(c, p, self.translated) for p in passages)
                   for c in self.constraints if kinds is None or c.kind in kinds)

    def unmet(self, chosen: Sequence[Evidence], retrieved: Sequence[Evidence] = ()) -> list[Constraint]:
        """Constraints that no cited sentence's window (or article date) meets; a name or quotation
        may also be met in the rest of its chunk.

        A name may also be met in another ``retrieved`` chunk of a cited article: an article names
        its event or institution once, near the top ("Österreich hat nun seinen Buchpreis"), and
        says "der Hauptpreis" further down. A place, date or year is not, nor elsewhere in the
        chunk: it is bound to what the sentence and its neighbours say, and a results table or a
        background paragraph often names the next event's country or other years."""
        wide = [c for c in self.constraints if c.kind in ("name", "quote")]
        near = [c for c in self.constraints if c.kind not in ("name", "quote")]
        unmet: set[int] = set()
        if wide:  # each passage is built only for a constraint that reads it: language detection is not free
            cited = {e.chunk.chunk_id for e in chosen}
            articles = {e.chunk.doc_id for e in chosen}
            others = {e.chunk.chunk_id: e.chunk for e in retrieved if e.chunk.doc_id in articles
                      and e.chunk.chunk_id not in cited}
            scope = [*(self._passage(f"{window(e)}\n{e.chunk.text}", e.chunk.date) for e in chosen),
                     *(self._passage(c.text, c.date) for c in others.values())]
            unmet |= {id(c) for c in wide if not any(_met(c, p, self.translated) for p in scope)}
        if near:
            windows = [self._passage(window(e), e.chunk.date) for e in chosen]
            unmet |= {id(c) for c in near if not any(_met(c, p, self.translated) for p in windows)}
        return [c for c in self.constraints if id(c) in unmet]

    def one_article(self, chosen: Sequence[Evidence], retrieved: Sequence[Evidence],
                    holds: Callable[[Evidence], bool]) -> tuple[list[Evidence], list[Constraint]]:
        """``chosen`` led by the first article whose cited sentences meet every constraint and one of
        which ``holds`` the asked-for value, with nothing unmet; else ``chosen`` as it was, with what
        the first article that holds the value leaves unmet (or, where none holds it, the first).

        One fact comes from one article: "How old is Sabrina Singh?" is not answered by "Zainab
        Faksh (25)" because another cited article names Singh. The article that meets the question
        may be cited second ("Weder die NATO noch die USA … warnten …" for "Why are NATO and the
        United States warning …?"), and then it answers first."""
        first: list[Constraint] | None = None  # unmet by the first article
        holding: list[Constraint] | None = None  # unmet by the first article that holds the value
        for doc in dict.fromkeys(e.chunk.doc_id for e in chosen):
            group = [e for e in chosen if e.chunk.doc_id == doc]
            unmet = self.unmet(group, retrieved)
            first = unmet if first is None else first
            if any(holds(e) for e in group):
                if not unmet:  # the first article answers as cited; another is put first
                    lead = doc == chosen[0].chunk.doc_id
                    return list(chosen) if lead else [*group, *(e for e in chosen if e.chunk.doc_id != doc)], []
                holding = unmet if holding is None else holding
        return list(chosen), holding if holding is not None else first or []

    def _passage(self, text: str, date: str) -> _Passage:
        return _Passage(text, date, detect_language(text), self.lang)

    def _swapped_binding(self, c: Constraint, text: str) -> str:
        """Another place bound to the noun the question binds this one to, while this one is bound to
        it nowhere in the text: "Südkorea schickte Truppen" against "nordkoreanische Soldaten" is a
        conflict even when South Korea is named in the next sentence."""
        head = bound_nouns(self.question, c.text)
        if not head:
            return ""
        asked = {k.key for k in self.constraints}
        other, own = "", False
        for m in mentions(text):
            if is_time_key(m.key) or not self._same_noun(head, bound_nouns(text, m.text, m.start)):
                continue
            if m.key == c.key:
                own = True
            elif m.key not in asked and not other:
                other = m.text
        return "" if own else other

    def _other(self, c: Constraint, sentence: str) -> str:
        """What the sentence has in the constraint's slot, or "" when it has nothing there."""
        asked = {k.key for k in self.constraints}
        if c.kind in ("quote", "number"):
            return ""
        if c.kind == "year":
            return next((y for y in years(sentence) if y not in asked), "")
        if c.kind == "name":
            written = Searchable(" ".join(k.text for k in self.constraints))
            lang = detect_language(sentence)
            found = [n for n in names(sentence, lang) if not name_found(n, written)]
            if has_model(lang):
                # in German two capitalised words make a name by form ("Sabrina Singh"), and also
                # "13 Millionen Geräte": another name in the slot must be one the tagger reads as a
                # name, or a coined word ("iPhone"); a false one would rule out the sentence that answers
                tagged = {w for _, _, run in proper_names(sentence, lang) for w in run.split()}
                found = [n for n in found if any(w in tagged or inner_capital(w) for w in n.split())]
            return next(iter(found), "")
        head = bound_nouns(self.question, c.text)
        for m in mentions(sentence):
            if m.key in asked or is_time_key(m.key) != is_time_key(c.key):
                continue
            if is_time_key(c.key):
                if m.key[:3] == c.key[:3]:  # another month for a month, another weekday for a weekday
                    return m.text
                continue
            theirs = bound_nouns(sentence, m.text, m.start)
            if head and theirs and self._same_noun(head, theirs):
                return m.text
        return ""

    def _same_noun(self, ours: set[str], theirs: set[str]) -> bool:
        """The same noun: one stem, or across languages a close word vector ("ambassador" ~ "Botschafter").
        Common nouns may meet by vector; the places bound to them never do."""
        if {s for w in ours for s in tokenize(w)[:1]} & {s for w in theirs for s in tokenize(w)[:1]}:
            return True
        return self.similar is not None and any(self.similar(a, b) for a in ours for b in theirs)
