"""Why: the clause of the cited sentence that gives the reason, said first.

"Warum sehen Beamte in Seoul die Beteiligung als Bedrohung?" is answered by the clause "da
nordkoreanische Truppen wertvolle Kampferfahrung sammeln könnten", not by the whole sentence
around it. A reason is said in a subordinate clause whose conjunction is a closed class in each
language, as the interrogatives are: German "weil", "zumal", and after a comma "da", "denn";
English "because". A question that asks what for ("Wozu …?") is also answered by a clause of
purpose: after a comma "um … zu", "damit", "so that", "in order to".

The clause runs to the end of its sentence, or to the first of: a semicolon, colon or dash, a
closing quotation mark (the attribution after it is no part of the reason), or a comma after
which a finite verb begins the main clause ("Weil es regnete, blieb …"). A comma inside the
clause ("weil A, B und C") is kept: cutting a reason short would misstate it.

Only in the question's own language: a clause is a statement, and wording it in another
language is translation, which the extractive answer does not do. A clause that is nearly the
whole sentence adds nothing before the sentence itself and gives no span.
"""

from __future__ import annotations

import re

from assistant.grounding.tagger import tag

# anywhere in a sentence: these words open a reason and nothing else
_ALWAYS = re.compile(r"\b(?:weil|zumal|because)\b", re.I)
# only after a comma or a dash: "da" and "denn" are adverbs too ("Da war …")
_AFTER_COMMA = re.compile(r"[,–]\s*((?:da|denn)\b)", re.I)
# a purpose, after a comma: "damit" is an adverb too ("Damit hat …"). It answers "wozu", not every
# "warum": "…, um erfolgreich zu arbeiten" of a "Grundvoraussetzung" is no reason for a resignation
_PURPOSE = re.compile(r"[,–]\s*((?:damit|so that|in order to)\b|um\b(?=[^.,;:]{1,80}\bzu\s+\w))", re.I)
_ASKS_PURPOSE = re.compile(r"\b(?:wozu|zu welchem zweck|what for|for what purpose|to what end|for what)\b", re.I)
# a full stop inside a sentence is an abbreviation's or an ordinal's ("3. Etappe"): the sentence ends the clause
_HARD_END = re.compile(r"[;:!?]|\s[–—]\s|(?<=\w)[“”\"»«]|(?<=[.,!?])[“”\"»«]")
_CLOSING = frozenset("“”\"»«")
_OPENING = re.compile(r"„|(?:^|(?<=\s))[“\"»«](?=\w)")
_FINITE = frozenset({"VV(FIN)", "VA(FIN)", "VM(FIN)"})  # the Hanover Tagger's STTS tags
MIN_WORDS = 3  # words after the conjunction: fewer is a fragment ("weil nicht")
MAX_SHARE = 0.85  # of the sentence's characters: a clause this long is the sentence itself


def asks_purpose(question: str) -> bool:
    return bool(_ASKS_PURPOSE.search(question))


def reason_span(text: str, lang: str, purpose: bool = False) -> tuple[int, int] | None:
    """Where in ``text`` (a sentence in ``lang``) the clause that gives a reason stands, or None;
    ``purpose``: the question asks what for, and a clause of purpose answers it too."""
    starts = sorted([m.start() for m in _ALWAYS.finditer(text)] + [m.start(1) for m in _AFTER_COMMA.finditer(text)]
                    + ([m.start(1) for m in _PURPOSE.finditer(text)] if purpose else []))
    for start in starts:
        end = _clause_end(text, start, lang)
        clause = text[start:end].rstrip(" ,.")
        if len(clause.split()) <= MIN_WORDS:
            continue
        if len(clause) > MAX_SHARE * len(text.strip()):
            return None
        return start, start + len(clause)
    return None


def _clause_end(text: str, start: int, lang: str) -> int:
    end = len(text)
    for hard in _HARD_END.finditer(text, start):
        if hard.group() in _CLOSING and _OPENING.search(text, start, hard.start()):
            continue  # the close of a term the clause quotes: „elementaren Schwingungsvorgängen“
        end = hard.start()
        break
    if lang != "de":
        return end
    tokens = tag(text, lang)
    for at, token in enumerate(tokens[:-1]):
        if start < token.start < end and token.text == "," and tokens[at + 1].pos in _FINITE:
            return token.start
    return end
