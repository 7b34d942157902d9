"""The speaker a quotation is attributed to, for "who said …" questions."""

from __future__ import annotations

import pytest

from assistant.answering.speaker import asks_for_speaker, speaker_span


@pytest.mark.parametrize("sentence,speaker", [
    ("„Wir würden … in Betracht ziehen“, erklärte ein Vertreter des Präsidialamtes.",
     "ein Vertreter des Präsidialamtes"),
    ("Die Vorwürfe zielten darauf ab, „dem Ansehen zu schaden“, sagte der Vertreter Nordkoreas am Montag in New York.",
     "der Vertreter Nordkoreas"),
    ("„Ich hoffe, dass es gelingt“, sagte Rudenko demzufolge.", "Rudenko"),
    ("„Das ist falsch und gefährlich“, sagte der stellvertretende Sprecher der Regierung am Montag.",
     "der stellvertretende Sprecher der Regierung"),
    ('"We will respond in kind," said Rudenko.', "Rudenko"),
    ('"We will respond in kind," the Russian ambassador said.', "the Russian ambassador"),
    ('"We will respond in kind," said the Russian ambassador on Monday.', "the Russian ambassador"),
])
def test_the_speaker_follows_the_quotation(sentence: str, speaker: str) -> None:
    span = speaker_span(sentence)
    assert span is not None and sentence[span[0]: span[1]] == speaker


@pytest.mark.parametrize("sentence", [
    "„Das ist falsch und gefährlich“, sagte er.",  # a pronoun names no one
    '"We will respond in kind," he said.',
    # a quoted title is no quotation: the object "Seoul" would be taken for part of the speaker
    "Laut „Newsweek“ warnte der russische Vize-Außenminister Andrey Rudenko Seoul.",
    # the speaker before the verb, between commas: no span without a parser
    "Die Pressesprecherin des Pentagons, Sabrina Singh, teilte Reportern mit, dass 11.000 Soldaten dort seien.",
])
def test_no_speaker_where_none_is_pointed_to(sentence: str) -> None:
    assert speaker_span(sentence) is None


def test_who_said_questions() -> None:
    assert asks_for_speaker("Wer sagte, Russland werde auf jede Weise reagieren?")
    assert asks_for_speaker("Who warned Seoul against arms deliveries?")
    assert not asks_for_speaker("Wer leitet das Präsidialamt?")
    assert not asks_for_speaker("Who is the head of the presidential office?")
