"""Deciding whether the evidence answers the question at all.

A score threshold alone cannot tell "how many soldiers are in Kursk" (answered) from
"how many soldiers died" (not answered): both retrieve the same sentence. So the gate
also asks whether the evidence holds the *kind* of thing the question asks for (a
number for "how many", a day for "on which date", a currency for "how much money")
and whether the question's salient words are found in it (``coverage.py``). Both
thresholds are calibrated on a dev half of the gold set and reported on the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.coverage import TermCoverage
from assistant.gazetteer import DAYS, MONTHS
from assistant.lexical import _STOP
from assistant.retrieve import Evidence

_MONTHS = "|".join([w for words in MONTHS for w in words.split()]
                   + "jan feb mär apr jun jul aug sep okt oct nov dez dec".split())
_WEEKDAYS = "|".join(w for words in DAYS for w in words.split())


@dataclass(frozen=True)
class AnswerType:
    """A kind of answer: how to recognise the question, and what evidence must contain."""

    name: str
    question: re.Pattern[str]
    evidence: re.Pattern[str]


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# the most specific first: "how much money" is a money question before it is a number question
ANSWER_TYPES = (
    AnswerType("age", _p(r"\b(wie alt|how old|what age|welches alter|alter von)\b"),
               _p(r"\d+\s*(jahre|jährig|years?)\b|\b\d+-jährig|\baged? \d+")),
    AnswerType("birth", _p(r"\b(geboren|geburtstag|geburtsdatum|born|date of birth|birthday)\b"),
               _p(r"\b(geboren|born)\b")),
    AnswerType("money", _p(r"\b(wie viel geld|how much money|wert in|value in|kostet|kosten|costs?|price|preis|"
                           r"dollar|euro|budget|bezahlt|zahlt|pays?|paid)\b"),
               _p(r"(€|\$|£|\b(euro|dollar|usd|eur|rubel|rubles?|won|yuan|franken|pfund|pounds?)\b)")),
    AnswerType("exact_date", _p(r"\b(an welchem (tag|datum)|welches datum|genaue[ns]? datum|exact date|"
                                r"on (what|which) (exact )?(day|date)|what date|which date)\b"),
               _p(rf"\b\d{{1,2}}\.\s*({_MONTHS})|\b({_MONTHS})\.?\s+\d{{1,2}}\b|\b({_WEEKDAYS})\b|"
                  r"\b\d{1,2}\.\d{1,2}\.(\d{2,4})?|\b\d{4}-\d{2}-\d{2}\b")),
    AnswerType("unit", _p(r"\b(wie viele|how many)\s+(kilometer|km|meter|meilen|miles|tonnen|tons|prozent|percent|"
                          r"tage|days|jahre|years|stunden|hours|einwohner|inhabitants)\b|\bwie (weit|lang|hoch|groß)\b|"
                          r"\bhow (far|long|tall|large|big)\b|\b(population|einwohnerzahl|bevölkerung)\b"),
               _p(r"\d[\d.,]*\s*(kilometer|km|meter|m\b|meilen|miles|tonnen|tons|prozent|percent|%|tage|days|"
                  r"jahre|years|stunden|hours|einwohner|inhabitants|millionen|million)")),
    AnswerType("count", _p(r"\b(wie ?viele?|wieviele?|how (many|much)|what number|anzahl|number of)\b"),
               _p(r"\d|\b(zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|"
                  r"tausend|dutzend|million|milliarde|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                  r"twelve|twenty|thirty|hundred|thousand|dozen|billion)\w*")),
    AnswerType("name", _p(r"\b(wie heißt|wie heisst|wie lautet der name|what is the name|what's the name|"
                          r"name of the|welchen namen|called)\b"),
               # two capitalised words, the first not an inflected adjective ("Demokratischen Volksrepublik")
               re.compile(r"\b(?![A-ZÄÖÜ][a-zäöüß]*(?:ischen|ische|ischer|lichen|liche|licher|alen|ale|aler|"
                          r"igen|ige|iger|eren)\b)[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?\s+[A-ZÄÖÜ][a-zäöüß]+\b")),
    AnswerType("time", _p(r"\b(wann|when|seit wann|since when|in welchem jahr|what year|which year)\b"),
               _p(rf"\d{{4}}|\b({_MONTHS}|{_WEEKDAYS})\b|\b(woche|week|gestern|heute|yesterday|today|monat|"
                  r"month|jahr|year|kürzlich|recently|damals|vergangen\w*|letzte\w*|last|bereits im|derzeit|"
                  r"nachdem|after|before|bevor|morgen|tomorrow)\b")),
)


def answer_type(question: str) -> AnswerType | None:
    return next((t for t in ANSWER_TYPES if t.question.search(question)), None)


TYPE_MARGIN = 0.04
_COUNTED = re.compile(r"\b(?:wie ?viele?n?|wieviele?n?|how many|how much|anzahl der|number of)\s+([^?.!,;]{0,60})",
                      re.I)


_AUXILIARIES = frozenset("has have had is are was were will would did does do can could should sind ist war waren "
                         "wurden wurde hat haben hatte will wollen soll sollen kann können".split())


def counted_noun(question: str) -> str | None:
    """What a "how many" question counts: the last word of the phrase after it ("Haubitzen" in
    "Wie viele Haubitzen will …", "soldiers" in "How many North Korean soldiers have …")."""
    match = _COUNTED.search(question)
    if not match:
        return None
    phrase = []
    for word in re.findall(r"[\w\-]+", match.group(1))[:4]:
        if word.lower() in _STOP or word.lower() in _AUXILIARIES:
            break
        phrase.append(word)
    return phrase[-1] if phrase else None


@dataclass(frozen=True)
class GateDecision:
    answer: bool
    reason: str
    score: float  # best evidence score
    coverage: float = 1.0
    kind: str = ""
    kind_found: bool = True
    missing: tuple[str, ...] = ()

    def features(self) -> dict[str, object]:
        return {"score": round(self.score, 4), "coverage": round(self.coverage, 4), "kind": self.kind,
                "kind_found": self.kind_found, "missing": list(self.missing)}


class AnswerGate:
    """All three signals are computed every time, so calibration sees them all."""

    def __init__(self, threshold: float, min_coverage: float, coverage: TermCoverage | None = None) -> None:
        self.threshold = threshold
        self.min_coverage = min_coverage
        self.coverage = coverage

    def run(self, question: str, chosen: Sequence[Evidence]) -> GateDecision:
        if not chosen:
            return GateDecision(False, "nothing retrieved", 0.0, 0.0)
        score = chosen[0].score
        kind = answer_type(question)
        # the asked-for kind must be in the best evidence, not in a runner-up on another subject
        near_top = [e for e in chosen if e.score >= score - TYPE_MARGIN]
        found = kind is None or any(kind.evidence.search(e.text) for e in near_top)
        covered, missing = 1.0, ()
        if self.coverage is not None:
            # per passage, best one: a paraphrased word is often one sentence away, but what the
            # question is about must meet in one place ("soldiers" here and "died" elsewhere is no answer)
            results = [self.coverage.run(question, [text]) for text in dict.fromkeys(e.chunk.text for e in chosen)]
            best = max(results, key=lambda r: r.coverage)
            covered, missing = best.coverage, best.missing
        signals = {"score": score, "coverage": covered, "kind": kind.name if kind else "", "kind_found": found,
                   "missing": missing}
        if score < self.threshold:
            return GateDecision(False, f"best evidence {score:.3f} below {self.threshold:.3f}", **signals)
        if not found:
            assert kind is not None
            return GateDecision(False, f"asks for {kind.name}; the evidence has none", **signals)
        counted = counted_noun(question) if kind is not None and kind.name in ("count", "unit") else None
        if counted is not None and counted in missing:
            # a number about something else is no answer to "how many howitzers"
            return GateDecision(False, f"asks how many {counted}; the evidence counts none", **signals)
        if covered < self.min_coverage:
            return GateDecision(False, f"evidence does not mention {', '.join(missing)} (coverage {covered:.2f})",
                                **signals)
        return GateDecision(True, f"best evidence {score:.3f}, coverage {covered:.2f}", **signals)
