"""The public result types: what ``Assistant.ask`` returns and the JSON it prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """A cited passage. ``text`` is ``article_text[start:end]``; ``quote`` is the supporting
    sentence inside it, at ``highlight_start:highlight_end`` of ``text``."""

    number: int
    doc_id: str
    title: str
    text: str
    score: float
    start: int
    end: int
    quote: str = ""
    highlight_start: int = 0
    highlight_end: int = 0
    date: str = ""
    source: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NearMiss:
    """What the articles say instead, when they are on point except for what the question pins
    down: another country, year or person (``status`` "conflict") or none at all ("missing")."""

    text: str  # the reply, in the question's language, with its [1]
    reason: str
    status: str
    asked: str  # the question's constraint, as written there
    found: str  # what the passage has in its place ("" when it has nothing)
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ShortAnswer:
    """The few words that answer, said first: ``text`` in the question's language, taken from
    ``quote[start:end]`` of citation ``citation`` (rendered there when the languages differ)."""

    text: str
    citation: int
    start: int
    end: int
    # what it was found by: count, money, measure, age, time, exact_date, speaker (who said it), named (which one),
    # reason (the clause that says why)
    kind: str
    listed: bool = False  # one of the several names a question asks for ("Welche beiden …"): said in one line


    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    text: str
    citations: list[Citation]
    abstained: bool
    question: str = ""
    language: str = "de"
    rewritten_question: str = ""
    backend: str = "extractive"
    evidence: list[Citation] = field(default_factory=list)  # everything retrieved, best first
    notes: list[str] = field(default_factory=list)  # what verification changed, for the curious
    timings_ms: dict[str, float] = field(default_factory=dict)
    gate: dict[str, Any] = field(default_factory=dict)  # the answerability signals behind `abstained`
    fallback: bool = False  # an LLM backend's text was rejected or failed: the extractive answer stands
    nearest: NearMiss | None = None  # set only when abstained: what the articles say instead
    short_answer: ShortAnswer | None = None  # the answer's first words, when the question asks for a value
    # every part's short answer when the question asks two things ("…, and how many …?"); the first
    # is ``short_answer``
    short_answers: list[ShortAnswer] = field(default_factory=list)

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "abstained": self.abstained,
                               "citations": [c.to_dict() for c in self.citations],
                               "nearest": self.nearest.to_dict() if self.nearest else None,
                               "short_answer": self.short_answer.to_dict() if self.short_answer else None,
                               "short_answers": [s.to_dict() for s in self.short_answers]}
        if full:
            out.update(question=self.question, language=self.language, rewritten_question=self.rewritten_question,
                       backend=self.backend, evidence=[c.to_dict() for c in self.evidence], notes=self.notes,
                       timings_ms=self.timings_ms, gate=self.gate, fallback=self.fallback)
        return out


@dataclass(frozen=True)
class TextDelta:
    """A piece of answer text, streamed before the final ``Answer``."""

    text: str


class QuestionError(ValueError):
    """The question cannot be answered as asked (empty, too long); the message says why."""
