"""Why: the clause that gives the reason, said first, in the sentence's own language only."""

from __future__ import annotations

import pytest

from assistant.answering.reason import reason_span
from assistant.answering.short_answer import ShortAnswerer
from assistant.retrieval.retrieve import Evidence
from assistant.retrieval.store import StoredChunk

NEVER = ShortAnswerer(lambda noun, words: False)


def _ev(text: str) -> Evidence:
    chunk = StoredChunk("c1", "d1", 0, 0, len(text), text, "Titel", "", "", "")
    return Evidence(chunk, 0, 0, len(text), text, 0.5, 0.5, 0.5)


@pytest.mark.parametrize(("sentence", "lang", "clause"), [
    ("Der Stadtrat sperrte die Brücke am Montag, da Gutachter Risse in zwei Pfeilern gefunden hatten.", "de",
     "da Gutachter Risse in zwei Pfeilern gefunden hatten"),
    # a comma inside the reason is kept: "weil A, B und C" cut at A would misstate it
    ("Die Bäckerei schließt im Mai, weil Mehl, Strom und Miete zu teuer geworden sind.", "de",
     "weil Mehl, Strom und Miete zu teuer geworden sind"),
    # a reason before the main clause ends where the main clause's verb follows the comma
    ("Weil der Regen seit Tagen anhielt, blieb der Tierpark bis Freitag geschlossen.", "de",
     "Weil der Regen seit Tagen anhielt"),
    # a term the clause quotes does not end it
    ("Er nannte es Wirkungsquant, weil es bei „elementaren Schwingungen“ als kleinste Einheit auftritt.", "de",
     "weil es bei „elementaren Schwingungen“ als kleinste Einheit auftritt"),
    # the attribution after a quotation is no part of the reason
    ("„Wir ziehen um, weil die Halle zu klein geworden ist“, sagte die Vereinsvorsitzende.", "de",
     "weil die Halle zu klein geworden ist"),
    ("The council closed the bridge on Monday because inspectors had found cracks in two pillars.", "en",
     "because inspectors had found cracks in two pillars"),
])
def test_the_clause_that_gives_the_reason(sentence: str, lang: str, clause: str) -> None:
    span = reason_span(sentence, lang)
    assert span is not None and sentence[span[0]: span[1]] == clause


def test_a_purpose_answers_what_for_only() -> None:
    # an abbreviation's full stop does not end the clause
    sentence = "Die Firma investiert 3 Mio. Euro, um die Produktion bis 2027 zu verdoppeln."
    span = reason_span(sentence, "de", purpose=True)
    assert span is not None and sentence[span[0]: span[1]] == "um die Produktion bis 2027 zu verdoppeln"
    assert reason_span(sentence, "de") is None
    # "um … zu" of a noun is no reason for what a why-question asks
    said = "Vertrauen sei die Grundvoraussetzung, um in dieser Lage erfolgreich zu arbeiten, sagte der Trainer."
    assert NEVER.run("Warum ist der Trainer zurückgetreten?", "de", _ev(said)) is None
    short = NEVER.run("Wozu ist Vertrauen nötig?", "de", _ev(said))
    assert short is not None and short.text == "Um in dieser Lage erfolgreich zu arbeiten"


@pytest.mark.parametrize("sentence", [
    "Da war nichts mehr zu machen, sagte der Bürgermeister am Abend.",  # "da" as an adverb
    "Damit hat die Stadt den Streit mit dem Land beigelegt.",  # "damit": thereby
    "Die Brücke war wegen morscher Balken gesperrt worden.",  # a phrase, not a clause
    "Weil die Pfeiler seit Jahren unter Wasser stehen und rosten.",  # the clause is the whole sentence
    "Sie kam, weil nicht.",  # a fragment
])
def test_no_clause(sentence: str) -> None:
    assert reason_span(sentence, "de") is None


def test_the_short_answer_to_a_why_question_is_the_clause_in_the_question_language_only() -> None:
    sentence = "Der Stadtrat sperrte die Brücke am Montag, da Gutachter Risse in zwei Pfeilern gefunden hatten."
    short = NEVER.run("Warum wurde die Brücke gesperrt?", "de", _ev(sentence))
    assert short is not None and short.kind == "reason"
    assert short.text == "Da Gutachter Risse in zwei Pfeilern gefunden hatten"
    assert sentence[short.start: short.end] == "da Gutachter Risse in zwei Pfeilern gefunden hatten"
    # across languages the clause would need translating: the sentence answers instead
    assert NEVER.run("Why was the bridge closed?", "en", _ev(sentence)) is None
