"""Cities by any Latin spelling GeoNames has, so a city is not taken for a person."""

from __future__ import annotations

from assistant.grounding.answer_types import answer_type
from assistant.grounding.cities import city


def test_spellings_of_one_city_are_one_city() -> None:
    assert city("Kiew") == city("Kyiv") == city("Kiev") is not None
    assert city("Lwiw") == city("Lviv") == city("Lemberg") is not None
    assert city("Moskaus") == city("Moscow") is not None  # a genitive
    assert city("München") == city("Munich") is not None


def test_codes_and_nouns_are_no_cities() -> None:
    assert city("NYC") is None
    assert city("Nettogewinn") is None


def test_a_city_is_no_persons_name_but_a_name_holding_one_is() -> None:
    kind = answer_type("Wer sprach vor dem Ausschuss?")
    assert kind is not None
    assert kind.names("„Das ist falsch“, sagte der Gesandte am Montag in New York.") == []
    # there are cities called Robert and Reitz: a run that is more than a city's name stays a name
    assert kind.names("Robert Schneider übernimmt das Amt von Ulrich Reitz.") == ["Robert Schneider", "Ulrich Reitz"]
