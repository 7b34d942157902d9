"""What a why-question takes for granted: the event whose reason it asks for.

"Warum schrieb Peugeot erneut Verluste?" presupposes losses. A passage that reports Peugeot's
first profit in four years is on topic, retrieves first and holds most of the question's words,
and still cannot say why the losses happened: they did not. A why-question has no answer type
to check (no number, no name), so what it presupposes is the one thing to check: the event, named
by the question's full verbs ("schrieb", "dismissed", "apologize"), must be stated in the passage
that answers. The verbs are told by the part-of-speech tagger, never by a list, and a verb is met
as any question word is (``grounding/coverage.py``: its stem, a compound, or a word vector across
languages), at a lower bar (``premise_similarity``), so "leave" is met by "verlässt" and not by
"kehrt … den Rücken": a paraphrase that far is refused, which is the price measured in docs/EVALS.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.grounding.answer_types import asks_reason
from assistant.grounding.coverage import CoverageResult
from assistant.grounding.tagger import has_model, tag
from assistant.language import detect_language


def premise_verbs(question: str, lang: str | None = None) -> list[str]:
    """The full verbs of a why-question as it writes them (German ``VV*``, English ``VV*``: no
    auxiliary, no modal); none for a question that asks for no reason."""
    if not asks_reason(question):
        return []
    lang = lang or detect_language(question)
    if not has_model(lang):
        return []
    return list(dict.fromkeys(t.text for t in tag(question, lang) if t.pos.startswith("VV")))


def unstated(verbs: Sequence[str], coverage: CoverageResult, at_least: float) -> list[str]:
    """The premise ``verbs`` the evidence does not state: missing from it (``coverage``), and no word
    of it even ``at_least`` close. The bar is below the one that covers a question word, because a
    verb is paraphrased more often than a noun ("quit" and "verlässt": 0.58); chosen on dev."""
    return [v for v in verbs if coverage.closeness(v) < at_least]
