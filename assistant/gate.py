"""Deciding whether the evidence answers the question at all.

A score threshold alone cannot tell "how many soldiers are in Kursk" (answered) from
"how many soldiers died" (not answered): both retrieve the same sentence. So the gate
also asks whether the evidence has the *kind* of thing the question asks for — a
number for "how many", a date for "when" — and whether the question's rarest
content words are found in it. The threshold is calibrated on the gold set
(``assistant eval --calibrate``), not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.retrieve import Evidence

_HOW_MANY = re.compile(r"\b(wie ?viele?|wieviele?|how (many|much)|what number|anzahl|wie hoch|what (share|percentage))\b",
                       re.I)
_WHEN = re.compile(r"\b(wann|when|in welchem jahr|what year|an welchem tag|seit wann)\b", re.I)
_NUMBER_WORDS = re.compile(r"\d|\b(ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwölf|hundert|tausend|"
                           r"dutzend|million|milliarde|one|two|three|four|five|six|seven|eight|nine|ten|dozen|"
                           r"hundred|thousand|million|billion)\w*", re.I)
_DATE_WORDS = re.compile(
    r"\d{4}|\b(januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|january|"
    r"february|march|may|june|july|october|december|montag|dienstag|mittwoch|donnerstag|freitag|samstag|"
    r"sonntag|monday|tuesday|wednesday|thursday|friday|saturday|sunday|woche|week|gestern|heute|yesterday|"
    r"today|monat|month|jahr|year|kürzlich|recently|damals|bereits im)\w*", re.I)


@dataclass(frozen=True)
class GateDecision:
    answer: bool
    reason: str
    confidence: float


class AnswerGate:
    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def run(self, question: str, chosen: Sequence[Evidence]) -> GateDecision:
        if not chosen:
            return GateDecision(False, "nothing retrieved", 0.0)
        top = chosen[0]
        text = " ".join(e.text for e in chosen)
        if _HOW_MANY.search(question) and not _NUMBER_WORDS.search(text):
            return GateDecision(False, "asks for a number; the evidence has none", top.score)
        if _WHEN.search(question) and not _DATE_WORDS.search(text):
            return GateDecision(False, "asks for a time; the evidence names none", top.score)
        if top.score < self.threshold:
            return GateDecision(False, f"best evidence {top.score:.3f} below {self.threshold:.3f}", top.score)
        return GateDecision(True, f"best evidence {top.score:.3f}", top.score)
