"""A question that asks two things: its parts, each answered by its own sentence.

"How many soldiers are in Russia according to the intelligence service, and how many reached Kursk
according to the Pentagon?" asks for two numbers from two sources. Ranked as one question, the
sentence that matches most of its words answers one half, and the other half is left to chance
among the runners-up. A reader splits such a question where a coordinating conjunction after a
comma opens a new interrogative clause (", und wie viele …", ", and in which city …"), answers
each half, and gives both answers in order.

The split is grammar, a closed class in each language: the interrogatives, the conjunctions and
the prepositions that may stand before an interrogative ("in welcher Stadt", "to whom"). A
conjunction without a comma, or one followed by anything but an interrogative, joins words inside
one question ("between Russia and North Korea", "Wer und was") and is not split.

Two interrogative phrases joined before one clause ("On which weekday and in which city did …",
"Wann und wo wurde …") ask two things of that clause too: each phrase takes the clause as its own
part. Bare pronouns ("Wer und was wurde ausgezeichnet?") name one thing by two words and are not
split.

A later part often leaves out what the first part counts ("…, and how many reached Kursk"); it
takes the first part's counted phrase, as a reader does ("how many *North Korean soldiers*
reached Kursk").
"""

from __future__ import annotations

import re

from assistant.grounding.answer_types import AUXILIARIES, COUNTED, counted_phrase
from assistant.language import detect_language

_INTERROGATIVES = ("wer wen wem wessen was wann wo wohin woher wie welche welcher welches welchen welchem "
                   "warum wieso weshalb who whom whose what when where which why how")
PREPOSITIONS = ("in an auf aus bei mit nach von vor zu für über um seit unter gegen durch "
                 "at on from with to for by of about since under against")
_CONJUNCTIONS = "und sowie oder and or"
_SPLIT = re.compile(
    rf",\s+(?:{'|'.join(_CONJUNCTIONS.split())})\s+"
    rf"(?=(?:(?:{'|'.join(PREPOSITIONS.split())})\s+)?(?:{'|'.join(_INTERROGATIVES.split())})\b)",
    re.I)
_PRONOUNS = "wer wen wem was who whom what"
_NOUNED = "welche welcher welches welchen welchem which what wie\\s+viele wie\\s+viel how\\s+many how\\s+much"
_PHRASE = (rf"(?:(?:{'|'.join(PREPOSITIONS.split())})\s+)?"
           rf"(?:(?:{'|'.join(_NOUNED.split())})\s+[^\W\d_][\w-]*|"
           rf"(?:{'|'.join(w for w in _INTERROGATIVES.split() if w not in _PRONOUNS.split())}))")
_COORDINATED = re.compile(rf"^\s*({_PHRASE})\s+(?:{'|'.join(_CONJUNCTIONS.split())})\s+({_PHRASE})\s+(\S.*)$", re.I)
MAX_PARTS = 3  # a longer chain is a list of topics, not questions a short answer can hold each


_OWN = re.compile(rf"\b(?:{'|'.join(_INTERROGATIVES.split())}|wo(?:r?(?:an|auf|aus|bei|durch|für|gegen|in|mit|nach|"
                  rf"über|um|unter|von|vor|zu)))\b", re.I)


# whose word a part asks for: "according to the Pentagon", "laut dem Geheimdienst", "nach Angaben der Polizei";
# it ends at a conjunction or a preposition other than a genitive's ("of the President")
_SOURCE_ENDS = "|".join(w for w in [*PREPOSITIONS.split(), *_CONJUNCTIONS.split(), "im", "am", "zum", "zur", "beim"]
                        if w not in ("of", "von"))
_ATTRIBUTION = re.compile(rf"\b(?:according to|laut|nach Angaben (?:des|der|von))\s+[^,;?!.]+?"
                          rf"(?=\s*(?:[,;?!.]|$)|\s+(?:{_SOURCE_ENDS})\s)", re.I)


def attributions(parts: list[str]) -> list[str]:
    """Each part's source ("according to the Pentagon") when every part names its own, else none:
    two figures from two sources are told apart by their sources ("1,500 soldiers, according to
    South Korean intelligence [1]. About 11,000, according to the Pentagon [2].")."""
    found = [m.group() if (m := _ATTRIBUTION.search(p)) else "" for p in parts]
    if len(parts) < 2 or not all(found) or len({f.lower() for f in found}) < len(found):
        return []
    return found


def asks_itself(question: str) -> bool:
    """Whether a follow-up holds an interrogative of its own ("Und was befürchten sie außerdem?"),
    so that what it asks for is read from its words, not from the question before it ("Und in
    Belgorod?" asks what that one asked)."""
    return bool(_OWN.search(question))


def question_parts(question: str) -> list[str]:
    """The questions ``question`` asks, in order; ``[question]`` when it asks one thing.

    Each part but the last ends where the next begins, with a question mark added; a later part
    that counts without saying what ("und wie viele sollen …") says it with the first part's words."""
    pieces = _SPLIT.split(question.strip())
    if len(pieces) == 1 and (joined := _COORDINATED.match(question)) is not None:
        first, second, clause = joined.groups()
        pieces = [f"{first} {clause}", f"{second} {clause}"]
    if len(pieces) < 2 or len(pieces) > MAX_PARTS:
        return [question]
    parts = [p.strip().rstrip("?").strip() + "?" for p in pieces]
    counted = _counted_noun_phrase(parts[0])
    return [parts[0], *(_with_counted(p, counted) for p in parts[1:])]


def _counted_noun_phrase(question: str) -> list[str]:
    """``counted_phrase`` through its noun. An English phrase may end in a verb ("cyclists
    *started*"); "how many" counts a plural, so it ends at the last word in -s, or is left out."""
    phrase = counted_phrase(question)
    if detect_language(question) == "de":
        return phrase
    plural = [i for i, w in enumerate(phrase) if w.lower().endswith("s")]
    return phrase[: plural[-1] + 1] if plural else []


def _with_counted(part: str, counted: list[str]) -> str:
    """``part`` with ``counted`` after its "how many" when it names nothing counted there itself:
    an auxiliary or a past participle follows ("wie viele sollen …", "how many reached …")."""
    match = COUNTED.search(part)
    if match is None or not counted:
        return part
    following = match.group(1).split()
    first = following[0].lower() if following else ""
    if first and first not in AUXILIARIES and not (first.endswith("ed") and first.isalpha()):
        return part
    at = match.start(1)
    return f"{part[:at]}{' '.join(counted)} {part[at:]}"
