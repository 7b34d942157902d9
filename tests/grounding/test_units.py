"""Currencies and units by name and symbol, from CLDR."""

from __future__ import annotations

import re

from assistant.grounding.units import named_currencies, unit_forms, unit_pattern


def test_currencies_by_word_code_and_symbol() -> None:
    assert named_currencies("Preis in Euro") == {"EUR"} == named_currencies("kostet 20 €") == named_currencies("EUR")
    assert "USD" in named_currencies("800 US-Dollar") and "CAD" in named_currencies("800 Dollar")
    assert named_currencies("2,5 Millionen Franken") == {"CHF"}
    assert named_currencies("Die Euro-Krise ist vorbei") == {"EUR"}  # a word: whether it is a price is the kind's
    assert named_currencies("ohne Währung") == set()


def test_units_of_a_kind() -> None:
    lengths = re.compile(rf"\b(?:{unit_pattern(('length',))})\b", re.I)
    assert lengths.search("12 Kilometer") and lengths.search("3 miles")
    assert not lengths.search("4 Stunden")


def test_a_unit_by_each_of_its_names() -> None:
    assert {"%", "prozent", "percent"} <= unit_forms("Prozent")
    assert "km" in unit_forms("Kilometer") and "g" in unit_forms("Gramm")
    assert unit_forms("Soldaten") == frozenset()
