from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.grounding.coverage import CoverageResult
from assistant.grounding.premise import asks_reason, premise_verbs, unstated


@pytest.mark.parametrize("question,verbs", [
    ("Warum wurde die Versteigerung des Mittagessens abgesagt?", ["abgesagt"]),
    ("Why was the chief executive dismissed by the board?", ["dismissed"]),
    ("Weshalb schrieb der Autobauer erneut Verluste?", ["schrieb"]),
    ("Aus welchem Grund hat der Verein den Trainer entlassen?", ["entlassen"]),
    # auxiliaries and modals are no event: "wurde", "was", "can"
    ("Why can the rocket not be launched?", ["launched"]),
    # a question that asks for no reason presupposes nothing here: its answer type is checked instead
    ("Wie viele Soldaten wurden entsandt?", []),
    ("Who dismissed the chief executive?", []),
])
def test_the_premise_of_a_why_question_is_its_full_verbs(question: str, verbs: list[str]) -> None:
    assert premise_verbs(question) == verbs


def test_a_premise_verb_is_unstated_when_missing_and_no_passage_word_comes_near() -> None:
    question = "Why did the ambassador summoned by Seoul apologize?"
    assert asks_reason(question)
    verbs = premise_verbs(question, "en")
    assert verbs == ["summoned", "apologize"]
    coverage = CoverageResult(0.7, ("summoned", "apologize", "ambassador"), (0.55, 0.44, 0.3))
    assert unstated(verbs, coverage, 0.51) == ["apologize"]
    assert unstated(verbs, coverage, 0.6) == ["summoned", "apologize"]
    assert unstated(verbs, CoverageResult(1.0, ()), 0.51) == []
    assert premise_verbs("Which ambassador apologized?", "en") == []


def test_a_reason_for_what_did_not_happen_is_refused_with_what_the_articles_say(
        default_assistant: Assistant) -> None:
    answer = default_assistant.ask("Warum hat Südkorea die Waffenlieferungen an die Ukraine gestoppt?")
    assert answer.abstained and answer.gate["unstated"] == ["gestoppt"]
    assert answer.nearest is not None and answer.nearest.asked == "gestoppt"
    assert answer.nearest.text.startswith("Was die Frage voraussetzt („gestoppt“), berichten die Artikel nicht.")
    assert "Südkorea" in answer.nearest.citation.quote
    english = default_assistant.ask("Why was the Russian ambassador expelled from Seoul?")
    assert english.abstained and english.nearest is not None
    assert english.nearest.text.startswith(
        "The articles do not report what the question takes for granted (“expelled”)")


def test_a_reason_for_what_happened_is_answered(default_assistant: Assistant) -> None:
    answer = default_assistant.ask("Warum erwägt Südkorea Waffenlieferungen an Kiew?")
    assert not answer.abstained and answer.nearest is None
    assert answer.gate["unstated"] == []
