"""The part-of-speech tagger tells a German name from a noun where the form cannot."""

from __future__ import annotations

import pytest

from assistant.grounding.answer_types import answer_type
from assistant.grounding.constraints import question_constraints
from assistant.grounding.tagger import compound_head, proper_names, tag


@pytest.mark.parametrize(("question", "name"), [
    ("Welchen Umsatz meldete Volkswagen im dritten Quartal?", "Volkswagen"),
    ("Wie viele Stellen streicht Siemens in Erlangen?", "Siemens"),
    ("Warum trat die Ministerin Julia Klöckner zurück?", "Julia Klöckner"),
    ("Was sagte der Botschafter Igor Petrow?", "Igor Petrow"),
])
def test_a_single_word_or_a_name_after_a_noun_is_a_name_constraint(question: str, name: str) -> None:
    names = [c.text for c in question_constraints(question, "de") if c.kind == "name"]
    assert name in names


def test_common_nouns_are_no_names() -> None:
    found = [text for _, _, text in proper_names("Der Nettogewinn stieg im Quartal um zehn Prozent.", "de")]
    assert found == []


def test_a_place_ends_a_run_of_names() -> None:
    text = "Der Minister Olaf Scholz Deutschland"
    places = [(text.index("Deutschland"), len(text))]
    assert [t for _, _, t in proper_names(text, "de", places)] == ["Olaf Scholz"]


def test_lemmas_and_offsets_are_kept() -> None:
    tokens = tag("Die Firma lieferte Waffen.", "de")
    verb = next(t for t in tokens if t.text == "lieferte")
    assert verb.lemma == "liefern" and verb.pos.startswith("VV")
    assert "Die Firma lieferte Waffen."[verb.start: verb.end] == "lieferte"
    assert tag("Ceci est une phrase.", "fr") == ()


def test_a_noun_before_a_first_name_is_no_part_of_the_name() -> None:
    kind = answer_type("Wie heißt der Manager des Schauspielers?")
    assert kind is not None and kind.name == "name"
    assert kind.names("Der US-Schauspieler Tom Berger ist tot.") == ["Tom Berger"]
    # "Dollar Belohnung" is two capitalised nouns, no name
    assert kind.names("Ein Schüler hat einen Fehler gemeldet und 5.000 Dollar Belohnung erhalten.") == []


@pytest.mark.parametrize(("question", "lang", "name"), [
    ("What did the Swedish Foreign Minister Maria Lindqvist tell the press?", "en", "Maria Lindqvist"),
    ("What did Defence Secretary John Hardy say?", "en", "John Hardy"),
    ("Was sagte Außenministerin Maria Lindqvist?", "de", "Maria Lindqvist"),
])
def test_a_title_before_a_name_is_no_part_of_it(question: str, lang: str, name: str) -> None:
    """A name is met by any of its words: with its title, "Minister" would meet any minister."""
    assert [c.text for c in question_constraints(question, lang) if c.kind == "name"] == [name]


@pytest.mark.parametrize("word,head", [
    ("Personalchef", "Chef"), ("Nachrichtenmagazin", "Magazin"), ("US-Nachrichtenmagazin", "Magazin"),
    ("Vize-Außenminister", "Außenminister"), ("Region", None), ("Chef", None), ("berichtet", None),
])
def test_the_head_of_a_german_compound(word: str, head: str | None) -> None:
    assert compound_head(word) == head
