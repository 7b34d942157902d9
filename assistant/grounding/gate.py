"""Deciding whether the evidence answers the question at all.

A score threshold alone cannot tell "how many soldiers are in Kursk" (answered) from
"how many soldiers died" (not answered): both retrieve the same sentence. So the gate
also asks whether the sentence cited first holds the *kind* of thing the question asks for
(``grounding/answer_types.py``: a number that counts what "how many" counts, a day for "on which date",
an amount in a currency for "how much money") and whether the question's salient words are
found in it (``grounding/coverage.py``). Both thresholds are calibrated on a dev half of the gold set and
reported on the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.grounding.answer_types import answer_type, binds, counted_phrase, in_units
from assistant.grounding.coverage import TermCoverage
from assistant.grounding.premise import premise_verbs, unstated
from assistant.retrieval.retrieve import Evidence


@dataclass(frozen=True)
class GateDecision:
    answer: bool
    reason: str
    score: float  # best evidence score
    coverage: float = 1.0
    kind: str = ""
    kind_found: bool = True
    missing: tuple[str, ...] = ()
    # the verbs of a why-question whose event the evidence does not state (``grounding/premise.py``)
    unstated: tuple[str, ...] = ()

    def features(self) -> dict[str, object]:
        return {"score": round(self.score, 4), "coverage": round(self.coverage, 4), "kind": self.kind,
                "kind_found": self.kind_found, "missing": list(self.missing), "unstated": list(self.unstated)}


class AnswerGate:
    """All three signals are computed every time, so calibration sees them all."""

    def __init__(self, threshold: float, min_coverage: float, coverage: TermCoverage | None = None,
                 close: Callable[[str, Sequence[str]], bool] | None = None,
                 premise_similarity: float | None = None) -> None:
        self.threshold = threshold
        self.min_coverage = min_coverage
        self.coverage = coverage
        self.close = close  # a word's translations among candidates, for what a number counts
        self.premise_similarity = premise_similarity  # None: a why-question's event is not checked

    def run(self, question: str, chosen: Sequence[Evidence], places: bool = True) -> GateDecision:
        """``chosen``: the evidence to cite, the sentence that answers first (``typed_first``).
        ``places=False`` judges the evidence without the question's places (``binds``), to tell a
        near miss from a miss."""
        if not chosen:
            return GateDecision(False, "nothing retrieved", 0.0, 0.0)
        score = max(e.score for e in chosen)
        kind = answer_type(question)
        # the asked-for kind must be in the sentence cited first: ``answer_types.typed_first`` puts
        # the one holding it there when it is close to the best, not a runner-up on another subject
        found = kind is None or kind.held_by(chosen[0], question)
        covered, missing, premise = 1.0, (), ()
        if self.coverage is not None:
            # per passage, best one: a paraphrased word is often one sentence away, but what the
            # question is about must meet in one place ("soldiers" here and "died" elsewhere is no answer)
            results = [self.coverage.run(question, [text]) for text in dict.fromkeys(e.chunk.text for e in chosen)]
            best = max(results, key=lambda r: r.coverage)
            covered, missing = best.coverage, best.missing
            verbs = premise_verbs(question) if self.premise_similarity is not None else []
            if verbs:
                # stated in one of the passages is stated
                premise = min((tuple(unstated(verbs, r, self.premise_similarity)) for r in results), key=len)
        signals = {"score": score, "coverage": covered, "kind": kind.name if kind else "", "kind_found": found,
                   "missing": missing}
        if score < self.threshold:
            return GateDecision(False, f"best evidence {score:.3f} below {self.threshold:.3f}", **signals)
        if not found and kind is not None and kind.required:
            return GateDecision(False, f"asks for {kind.name}; the evidence has none", **signals)
        counted = counted_phrase(question) if kind is not None and kind.name == "count" else []
        if counted and not in_units(chosen[0].text, counted) and (all(n in missing for n in counted) or (
                self.close is not None and not binds(chosen[0].text, counted, self.close, places))):
            # a number about something else is no answer to "how many howitzers"
            return GateDecision(False, f"asks how many {' '.join(counted)}; the evidence counts none", **signals)
        if premise:
            # "why did X apologise" over a passage where nobody apologised: a reason for what did not happen
            return GateDecision(False, f"asks why ({', '.join(premise)}); the evidence does not say it happened",
                                **signals, unstated=premise)
        if covered < self.min_coverage:
            return GateDecision(False, f"evidence does not mention {', '.join(missing)} (coverage {covered:.2f})",
                                **signals)
        return GateDecision(True, f"best evidence {score:.3f}, coverage {covered:.2f}", **signals)
