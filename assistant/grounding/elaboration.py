"""The sentence after the lede: where a news article gives the detail its first sentence announces.

A report opens with what happened and names the detail one or two sentences later: "Das
Nachrichtenmagazin Focus bekommt einen neuen Chefredakteur." is followed by "Robert Schneider (39)
wird das Amt am 1. März übernehmen"; "Der US-Schauspieler Alex Rocco ist tot." by "Er starb … im
Alter von 79 Jahren". The second sentence shares few of the question's words (it says "das Amt"
and "Er"), so it ranks far below the first and ``typed_first`` never reaches it. Adjacency in the
same article is the link a reader follows, and it needs no coreference model: when the sentence
cited first covers the question but lacks the asked-for kind, the nearest of the next few sentences
that holds it (meeting the question's constraints, and for a count counting what is asked) is cited
first, with the announcing sentence beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.grounding.answer_types import answer_type, binds, counted_phrase
from assistant.retrieval.retrieve import Evidence

Holds = Callable[[Evidence], bool]


def holds_answer(question: str, close: Callable[[str, Sequence[str]], bool], fits: Holds,
                 spanned: Holds | None = None) -> Holds | None:
    """Whether a sentence holds what the question asks for: a value of its kind (``answer_types``)
    that meets the question's constraints (``fits``) and, for a count, counts what is asked; or a
    short answer (``spanned``: the speaker of "Wer sagte …", a which-question's name)."""
    kind = answer_type(question)
    if kind is None and spanned is None:
        return None
    counted = counted_phrase(question) if kind is not None and kind.name == "count" else []

    def holds(e: Evidence) -> bool:
        if not fits(e):
            return False
        typed = kind is not None and kind.held_by(e, question) and (not counted or binds(e.text, counted, close))
        return typed or (spanned is not None and spanned(e))

    return holds


def elaborated_first(chosen: Sequence[Evidence], evidence: Sequence[Evidence], window: int,
                     holds: Holds | None) -> list[Evidence]:
    """``chosen`` led by the first of the ``window`` sentences after ``chosen[0]`` in its chunk
    (among ``evidence``, the scored sentences of the retrieved chunks) that ``holds`` the answer;
    unchanged when ``chosen[0]`` holds it, or none of those sentences does."""
    if holds is None or not chosen or window <= 0 or holds(chosen[0]):
        return list(chosen)
    lede = chosen[0]
    # the chunk's own sentences give the order; one skipped as an instruction to a model is no evidence
    scored = {e.start: e for e in evidence if e.chunk.chunk_id == lede.chunk.chunk_id}
    starts = [s.start for s in lede.chunk.sentences]
    following = starts[starts.index(lede.start) + 1:][:window] if lede.start in starts else []
    for start in following:
        after = scored.get(start)
        if after is not None and holds(after):
            rest = [e for e in chosen[1:] if e.text != after.text]
            return [after, lede, *rest][: max(len(chosen), 2)]
    return list(chosen)


def spanned_first(chosen: Sequence[Evidence], spanned: Holds) -> list[Evidence]:
    """``chosen`` led by the first of its sentences that gives a short answer (``spanned``) when the
    one cited first gives none: of sentences close in score, the one that names what a
    which-question asks for ("Personalchef Xavier Broseta") answers it; the lede beside it
    ("Demonstranten stürmten ein Treffen …") only sets the scene."""
    if len(chosen) < 2 or spanned(chosen[0]):
        return list(chosen)
    first = next((e for e in chosen[1:] if spanned(e)), None)
    return list(chosen) if first is None else [first, *(e for e in chosen if e is not first)]
