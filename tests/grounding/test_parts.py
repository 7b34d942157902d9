"""A question that asks two things is split into its parts; one that asks one thing is not."""

from __future__ import annotations

import pytest

from assistant.grounding.parts import attributions, question_parts


@pytest.mark.parametrize("question,expected", [
    ("In welcher Stadt tagte der Ausschuss, und wer leitete die Sitzung?",
     ["In welcher Stadt tagte der Ausschuss?", "wer leitete die Sitzung?"]),
    ("Where did the committee meet, and in which month did it vote?",
     ["Where did the committee meet?", "in which month did it vote?"]),
    ("Was liefert Frankreich an Mali, und was hat Deutschland bisher geliefert?",
     ["Was liefert Frankreich an Mali?", "was hat Deutschland bisher geliefert?"]),
])
def test_a_second_interrogative_clause_after_a_comma_is_a_part(question: str, expected: list[str]) -> None:
    assert question_parts(question) == expected


@pytest.mark.parametrize("question,expected", [
    ("On which weekday and in which city did the committee vote?",
     ["On which weekday did the committee vote?", "in which city did the committee vote?"]),
    ("Wann und wo wurde der Vertrag unterzeichnet?",
     ["Wann wurde der Vertrag unterzeichnet?", "wo wurde der Vertrag unterzeichnet?"]),
    ("Wie viele Panzer und wie viele Soldaten schickte das Land?",
     ["Wie viele Panzer schickte das Land?", "wie viele Soldaten schickte das Land?"]),
])
def test_two_interrogatives_joined_before_one_clause_each_ask_it(question: str, expected: list[str]) -> None:
    assert question_parts(question) == expected


@pytest.mark.parametrize("question", [
    "What did he say about the cooperation between Russia and North Korea?",  # "and" joins two names
    "Wer und was wurde ausgezeichnet?",  # no comma: one question about two things
    "Welche Zahl nannte die Sprecherin, und zwar für die Region Kursk?",  # no interrogative after "und"
    "Wie viele Tore fielen, und wer schoss sie, und wann, und vor wie vielen Zuschauern?",  # a list, not parts
])
def test_a_question_that_asks_one_thing_is_not_split(question: str) -> None:
    assert question_parts(question) == [question]


@pytest.mark.parametrize("question,second", [
    ("Wie viele Tore fielen im Hinspiel, und wie viele sollen im Rückspiel gefallen sein?",
     "wie viele Tore sollen im Rückspiel gefallen sein?"),
    ("How many Dutch cyclists started the race, and how many finished it?",
     "how many Dutch cyclists finished it?"),
    ("How many Dutch cyclists started, and how many were disqualified?",
     "how many Dutch cyclists were disqualified?"),
])
def test_a_later_part_counts_what_the_first_counts(question: str, second: str) -> None:
    assert question_parts(question)[1] == second


def test_a_later_part_that_names_what_it_counts_keeps_its_own_noun() -> None:
    parts = question_parts("Wie viele Tore fielen, und wie viele Zuschauer kamen ins Stadion?")
    assert parts[1] == "wie viele Zuschauer kamen ins Stadion?"


@pytest.mark.parametrize("question,sources", [
    ("How many soldiers are in Russia according to the intelligence service, and how many reached Kursk "
     "according to the Pentagon?", ["according to the intelligence service", "according to the Pentagon"]),
    # the source ends at a preposition, not at a genitive
    ("Wie viele Soldaten sind laut Geheimdienst in Russland, und wie viele sind laut dem Amt des Präsidenten "
     "in Kursk?", ["laut Geheimdienst", "laut dem Amt des Präsidenten"]),
    # only where every part names its own source
    ("How many soldiers are in Russia according to the Pentagon, and how many reached Kursk?", []),
    ("Wann und wo wurde er laut Pentagon gesehen?", []),
])
def test_each_part_keeps_its_source(question: str, sources: list[str]) -> None:
    assert attributions(question_parts(question)) == sources
