"""The speaker a quotation is attributed to, for "who said …" questions."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.speaker import asks_for_speaker, attributed_first, speaker_span
from assistant.ingest.chunking import split_sentences
from assistant.retrieval.retrieve import Evidence
from assistant.retrieval.store import StoredChunk, StoredSentence


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


def _chunk_evidence(text: str) -> list[Evidence]:
    """Every sentence of one chunk as scored evidence, in article order."""
    sentences = split_sentences(text)
    stored = tuple(StoredSentence(i, s.start, s.end, np.zeros(4, dtype=np.float32)) for i, s in enumerate(sentences))
    chunk = StoredChunk("c1", "d1", 0, 0, len(text), text, "Titel", "", "", "", stored)
    return [Evidence(chunk, i, s.start, s.end, s.text, 0.5, 0.5, 0.5) for i, s in enumerate(sentences)]


QUOTATION = ("Die Ministerin besuchte am Montag das Werk. „Wir werden den Standort halten“, sagte Petra Lind. "
             "„Niemand muss um seinen Arbeitsplatz fürchten. Die Aufträge reichen bis 2030“, fügte sie hinzu. "
             "Der Betriebsrat begrüßte die Zusage.")


def test_a_quotation_that_runs_on_is_attributed_to_the_speaker_named_before() -> None:
    """The quoted words name nobody; their close says "sie", and "sie" is the speaker before."""
    evidence = _chunk_evidence(QUOTATION)
    intro, named, quoted, closing, after = evidence
    assert speaker_span(quoted.text) is None
    assert attributed_first([quoted, after], evidence)[:3] == [named, quoted, closing]
    assert attributed_first([closing], evidence) == [named, closing]
    # a sentence that names its speaker, or no quotation at all, keeps its place
    assert attributed_first([named, intro], evidence) == [named, intro]
    assert attributed_first([after, intro], evidence) == [after, intro]


def test_a_quotation_closed_by_a_name_is_attributed_to_that_name() -> None:
    text = "„Die Aufträge reichen bis 2030. Niemand muss fürchten“, sagte Werksleiter Jan Ort. Dann ging er."
    evidence = _chunk_evidence(text)
    assert attributed_first([evidence[0]], evidence)[0] is evidence[1]
