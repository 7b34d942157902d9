"""The sentence after the lede holds the detail the lede announces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.answering.short_answer import ShortAnswerer
from assistant.grounding.elaboration import elaborated_first, holds_answer, spanned_first
from assistant.ingest.chunking import split_sentences
from assistant.retrieval.retrieve import Evidence
from assistant.retrieval.store import StoredChunk, StoredSentence

ARTICLE = ("Der US-Schauspieler Alex Rocco ist tot. Todesursache sei eine Krebserkrankung gewesen. "
           "Er starb am Samstag im Alter von 79 Jahren. Rocco wurde 1936 in Boston geboren, sagte Lisa Tanner.")
AGE = "How old was Alex Rocco when he died?"


def never(word: str, candidates: Sequence[str]) -> bool:
    return False


def anything(evidence: Evidence) -> bool:
    return True


def _evidence(text: str = ARTICLE, chunk_id: str = "c1") -> list[Evidence]:
    """Every sentence of one chunk as evidence, the first scored best."""
    sentences = split_sentences(text)
    stored = tuple(StoredSentence(i, s.start, s.end, np.zeros(2, np.float32)) for i, s in enumerate(sentences))
    chunk = StoredChunk(chunk_id, "d1", 0, 0, len(text), text, "Titel", "", "", "", stored)
    return [Evidence(chunk, i, s.start, s.end, s.text, 0.8 - 0.1 * i, 0.5, 0.5) for i, s in enumerate(sentences)]


def _first(question: str, chosen: list[Evidence], evidence: list[Evidence], window: int = 2,
           fits=anything) -> list[Evidence]:
    return elaborated_first(chosen, evidence, window, holds_answer(question, never, fits))


def test_the_detail_one_or_two_sentences_after_the_lede_answers() -> None:
    evidence = _evidence()
    assert [e.text for e in _first(AGE, evidence[:1], evidence)] == ["Er starb am Samstag im Alter von 79 Jahren.",
                                                                     "Der US-Schauspieler Alex Rocco ist tot."]


def test_only_within_the_window_and_only_when_the_lede_lacks_the_kind() -> None:
    evidence = _evidence()
    assert _first(AGE, evidence[:1], evidence, window=1) == evidence[:1]  # the age is two sentences on
    assert _first(AGE, evidence[:1], evidence, window=0) == evidence[:1]
    # the lede holding the kind stays first: "Wann" is answered by the year of the last sentence itself
    assert _first("Wann wurde Rocco geboren?", evidence[3:4], evidence) == evidence[3:4]
    # a question of no kind and no asked-for name: nothing to look for
    assert _first("Warum ist Alex Rocco berühmt?", evidence[:1], evidence) == evidence[:1]


def test_a_sentence_that_misses_the_constraints_or_counts_something_else_is_not_taken() -> None:
    evidence = _evidence()
    assert _first(AGE, evidence[:1], evidence, fits=lambda e: "79" not in e.text) == evidence[:1]
    # a number that counts no "Kunden" is no answer to "how many customers"
    assert _first("Wie viele Kunden hatte Alex Rocco?", evidence[:1], evidence, window=3) == evidence[:1]


def test_a_which_question_follows_the_sentence_that_names_the_asked_for_thing() -> None:
    text = "Der Power Lunch mit Warren Buffett hat einen Abnehmer gefunden. Das Geld geht an die Stiftung Glide."
    evidence = _evidence(text)
    question = "An welche Stiftung geht das Geld?"
    shorts = ShortAnswerer(never)  # the real span finder: "Stiftung" meets itself by stem
    holds = holds_answer(question, never, anything, lambda e: shorts.run(question, "de", e) is not None)
    named = elaborated_first(evidence[:1], evidence, 2, holds)
    assert named[0] is evidence[1]


def test_only_sentences_of_the_ledes_own_chunk_follow_it() -> None:
    lede = _evidence("Der US-Schauspieler Alex Rocco ist tot.", "c1")[0]
    other = _evidence("Er starb am Samstag im Alter von 79 Jahren.", "c2")
    assert _first(AGE, [lede], [lede, *other]) == [lede]


def test_a_lede_that_names_the_speaker_stays_first() -> None:
    text = ("„Das wird die Sicherheit nicht stärken“, sagte Rudenko demnach. "
            "Es ist unwahrscheinlich, dass dies Kim Jong Un hilft, fügte er hinzu.")
    evidence = _evidence(text)
    question = "Wer sagte, das werde die Sicherheit nicht stärken?"
    shorts = ShortAnswerer(never)
    holds = holds_answer(question, never, anything, lambda e: shorts.run(question, "de", e) is not None)
    assert elaborated_first(evidence[:1], evidence, 2, holds) == evidence[:1]
    # the tagger knows a surname alone for a name, so the lede holds a person without the short answer too
    assert elaborated_first(evidence[:1], evidence, 2, holds_answer(question, never, anything)) == evidence[:1]


SCENE = ("Paris – Demonstranten haben ein Treffen der Konzernführung gestürmt. "
         "Auf Fernsehbildern war Personalchef Xavier Broseta zu sehen, wie er einen Weg durch die Menge suchte.")


def test_the_cited_sentence_that_gives_the_short_answer_goes_first() -> None:
    question = "Welcher Personalchef war auf Fernsehbildern zu sehen?"
    chosen = _evidence(SCENE)
    shorts = ShortAnswerer(never)
    ordered = spanned_first(chosen, lambda e: shorts.run(question, "de", e) is not None)
    assert ordered[0].text.startswith("Auf Fernsehbildern") and len(ordered) == 2


def test_the_first_sentence_stays_first_when_it_gives_the_short_answer_or_none_does() -> None:
    chosen = _evidence(SCENE)
    assert spanned_first(chosen, lambda e: True) == chosen
    assert spanned_first(chosen, lambda e: False) == chosen
