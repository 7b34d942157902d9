from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.coverage import TermCoverage, salient_words
from assistant.gate import answer_type, counted_noun


@pytest.mark.parametrize("question,kind", [
    ("Wie viele Einwohner hat Pjöngjang?", "unit"),
    ("What is the population of Pyongyang?", "unit"),
    ("Wie viele Soldaten sind in Kursk?", "count"),
    ("How old is Sabrina Singh?", "age"),
    ("Wann wurde Rudenko geboren?", "birth"),
    ("On what exact date did she speak?", "exact_date"),
    ("Wie viel Geld zahlt Russland?", "money"),
    ("Wie heißt der Vertreter Nordkoreas?", "name"),
    ("Wann hat Putin gewarnt?", "time"),
    ("Wer warnte Seoul?", None),
])
def test_answer_types(question: str, kind: str | None) -> None:
    found = answer_type(question)
    assert (found.name if found else None) == kind


def test_answer_type_needs_matching_evidence() -> None:
    count = answer_type("Wie viele Soldaten?")
    assert count is not None
    assert count.evidence.search("etwa 11.000 Soldaten") and not count.evidence.search("einige Truppen")
    date = answer_type("An welchem Datum sprach er?")
    assert date is not None
    assert date.evidence.search("am 5. November") and not date.evidence.search("vergangene Woche")


def test_salient_words_drop_scaffolding() -> None:
    assert salient_words("Welches Amt hat er laut dem Artikel inne?") == []
    assert "Journalist" in salient_words("Welcher Journalist hat den Bericht verfasst?")


def test_coverage_across_languages(default_assistant: Assistant) -> None:
    coverage: TermCoverage = default_assistant.term_coverage
    passage = "Der von Seoul einbestellte russische Botschafter erklärt lediglich, dass die Zusammenarbeit …"
    assert coverage.run("What did the Russian ambassador say?", [passage]).coverage > 0.8
    low = coverage.run("Which political party does the ambassador belong to?", [passage])
    assert low.coverage < 0.6 and "party" in low.missing


@pytest.mark.parametrize("question,noun", [
    ("Wie viele Haubitzen will Südkorea an die Ukraine liefern?", "Haubitzen"),
    ("How many North Korean soldiers have been killed?", "soldiers"),
    ("How many artillery shells has North Korea supplied?", "shells"),
    ("Wie viele Soldaten?", "Soldaten"),
    ("Wer ist der Botschafter?", None),
])
def test_counted_noun(question: str, noun: str | None) -> None:
    assert counted_noun(question) == noun


def test_a_count_of_something_else_is_no_answer(default_assistant: Assistant) -> None:
    answer = default_assistant.ask("Wie viele Haubitzen will Südkorea an die Ukraine liefern?")
    assert answer.abstained and "Haubitzen" in answer.gate["missing"]
    assert not default_assistant.ask("Wie viele nordkoreanische Soldaten sind laut Pentagon in Kursk?").abstained


def test_word_vectors_match_translations_not_other_entities(default_assistant: Assistant) -> None:
    """Question and article words are embedded alike, so a translation is closer than a swapped entity."""
    from assistant.settings import Settings

    words = ["dangerous", "gefährlichen", "ambassador", "Botschafter", "Belarusian", "nordkoreanische",
             "party", "Präsident"]
    v = default_assistant.embedder.embed_words(words)
    threshold = Settings().word_similarity
    assert float(v[0] @ v[1]) >= threshold and float(v[2] @ v[3]) >= threshold
    assert float(v[4] @ v[5]) < threshold and float(v[6] @ v[7]) < threshold
