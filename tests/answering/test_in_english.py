"""A German span worded in English from closed classes and CLDR, or not at all."""

from __future__ import annotations

import pytest

from assistant.answering.in_english import in_english


@pytest.mark.parametrize(("counted", "kind", "span", "expected"), [
    (["soldiers"], "count", "etwa 11.000 Soldaten", "about 11,000 soldiers"),
    (["jobs"], "count", "mehr als 3,5 Millionen Stellen", "more than 3.5 million jobs"),
    ([], "money", "rund 3,5 Millionen Euro", "around 3.5 million euros"),
    ([], "age", "79 Jahren", "79 years"),
    ([], "exact_date", "5. März 2024", "5 March 2024"),
    ([], "time", "Oktober 2024", "October 2024"),
    ([], "exact_date", "Montag", "Monday"),
])
def test_worded_in_english(counted: list[str], kind: str, span: str, expected: str) -> None:
    assert in_english(counted, kind, span) == expected


@pytest.mark.parametrize(("counted", "kind", "span"), [
    ([], "count", "etwa 11.000 Soldaten"),  # nothing says in English what is counted
    ([], "measure", "187 Stundenkilometer"),  # a unit CLDR does not name in this form
    (["people"], "count", "Millionen Menschen"),  # a number word of no known English form
    ([], "reason", "weil die Brücke marode war"),  # a clause is never translated
])
def test_nothing_half_translated(counted: list[str], kind: str, span: str) -> None:
    assert in_english(counted, kind, span) is None
