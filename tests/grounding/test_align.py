"""Constraint alignment: another country, year or person in the passage is a conflict, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Assistant
from assistant.grounding.align import ConstraintAligner
from assistant.grounding.constraints import question_constraints, years
from assistant.ingest.chunking import split_sentences
from assistant.retrieval.retrieve import Evidence
from assistant.retrieval.store import StoredChunk, StoredSentence

PASSAGE = (
    "Nordkorea schickt Truppen nach Russland. "
    "Die stellvertretende Pressesprecherin des Pentagons, Sabrina Singh, teilte im Oktober 2024 mit, "
    "dass etwa 11.000 nordkoreanische Soldaten in der Region Kursk seien. "
    "Der von Seoul einbestellte russische Botschafter wies die Berichte zurück."
)


def evidence(text: str, sentence: int, title: str = "Truppen in Kursk", date: str = "", chunk_id: str = "c1",
             doc_id: str = "d1") -> Evidence:
    sentences = split_sentences(text)
    stored = tuple(StoredSentence(i, s.start, s.end, np.zeros(4, dtype=np.float32)) for i, s in enumerate(sentences))
    chunk = StoredChunk(chunk_id, doc_id, 0, 0, len(text), text, title, date, "", "", stored)
    s = sentences[sentence]
    return Evidence(chunk, sentence, s.start, s.end, s.text, 0.8, 0.8, 0.5)


def align(question: str, lang: str, sentence: int = 1, text: str = PASSAGE, date: str = "", similar=None):
    aligner = ConstraintAligner(question, question_constraints(question, lang), similar)
    return aligner.run(evidence(text, sentence, date=date))


@pytest.mark.parametrize("question,lang", [
    ("Wie viele nordkoreanische Soldaten sind laut Sabrina Singh in Kursk?", "de"),
    ("How many North Korean soldiers are in Kursk according to Sabrina Singh?", "en"),
    ("How many North Korean soldiers did the Pentagon count in October 2024?", "en"),
    ("Wie viele Soldaten aus Nordkorea sind im Oktober in Kursk?", "de"),
])
def test_the_asked_constraints_are_met(question: str, lang: str) -> None:
    assert align(question, lang).ok


@pytest.mark.parametrize("question,lang,asked,found", [
    ("Wie viele belarussische Soldaten sind in Kursk?", "de", "belarussische", "nordkoreanische"),
    ("How many Belarusian soldiers are in the Kursk region?", "en", "Belarusian", "nordkoreanische"),
    ("Wie viele Soldaten aus Weißrussland sind in Kursk?", "de", "Weißrussland", "nordkoreanische"),
    ("How many North Korean soldiers were in Kursk in 2022?", "en", "2022", "2024"),
    ("Wie viele nordkoreanische Soldaten waren im Jahr 2023 in Kursk?", "de", "2023", "2024"),
    ("Wie viele nordkoreanische Soldaten waren im August in Kursk?", "de", "August", "Oktober"),
    ("What number of North Korean soldiers did John Kirby give for Kursk?", "en", "John Kirby", "Sabrina Singh"),
])
def test_another_value_in_the_same_slot_is_a_conflict(question: str, lang: str, asked: str, found: str,
                                                      default_assistant: Assistant) -> None:
    # "soldiers" and "Soldaten" are one noun by word vector, as in the assistant
    result = align(question, lang, similar=default_assistant.term_coverage.similar)
    assert result.status == "conflict", result
    assert result.constraint is not None and result.constraint.text == asked
    assert result.found == found


def test_two_capitalised_nouns_are_no_other_name() -> None:
    """German capitalises nouns, so "13 Millionen Geräte" has the form of a name; it is no other name
    in the slot of the asked one, and the sentence stays citable (a name beside it still conflicts)."""
    text = ("Der Konzern meldete einen Rekord. In den ersten drei Tagen wurden 13 Millionen Geräte verkauft. "
            "Die Nachfrage sei groß.")
    for question, lang in (("How many iPhones did Apple sell in the first three days?", "en"),
                           ("Wie viele iPhones verkaufte Apple in den ersten drei Tagen?", "de")):
        aligner = ConstraintAligner(question, question_constraints(question, lang))
        assert aligner.run(evidence(text, 1)).status == "missing"
        named = evidence(text.replace("13 Millionen Geräte", "laut Tim Cook 13 Millionen Geräte"), 1)
        other = aligner.run(named)
        assert other.status == "conflict" and other.found == "Tim Cook", other


@pytest.mark.parametrize("question,lang,asked", [
    ("Was sagte der chinesische Botschafter in Seoul?", "de", "chinesische"),
    ("What did the Chinese ambassador summoned by Seoul say?", "en", "Chinese"),
])
def test_a_role_given_to_another_country_is_not_the_one_asked(question: str, lang: str, asked: str) -> None:
    result = align(question, lang, sentence=2)
    assert not result.ok and result.constraint is not None and result.constraint.text == asked
    assert align(question.replace(asked, "russische" if lang == "de" else "Russian"), lang, sentence=2).ok


def test_the_attribution_next_to_the_sentence_counts() -> None:
    text = "Etwa 11.000 Soldaten sind in Kursk. Das sagte die Sprecherin Sabrina Singh am Montag."
    assert align("Wie viele Soldaten sind laut Sabrina Singh in Kursk?", "de", sentence=0, text=text).ok


@pytest.mark.parametrize("text,found", [
    ("Die Volkszählung 2011 ergab, dass knapp 1,7 Millionen Ausländer im Land lebten.", ["2011"]),
    ("Insgesamt 2000 Soldaten wurden verlegt.", []),
    ("Etwa 1500 nordkoreanische Soldaten sind dort.", []),
    ("The census of 2011 found that the town had grown.", ["2011"]),
])
def test_a_number_before_a_verb_is_a_year_before_a_noun_a_count(text: str, found: list[str]) -> None:
    assert years(text) == found


def test_the_articles_year_stands_for_this_year() -> None:
    text = "In diesem Jahr wurden 11.000 Soldaten entsandt. Mehr ist nicht bekannt."
    assert align("How many soldiers were sent in 2024?", "en", 0, text, date="2024-11-05").ok
    assert align("How many soldiers were sent in 2022?", "en", 0, text, date="2024-11-05").status == "missing"


def test_a_number_that_may_be_a_year_or_a_count_must_be_said() -> None:
    # "2021 Europameister" reads as a count by its form and as a year by its sense: either way a
    # passage that never says 2021, nor dates its article then, answers neither
    question = "Wer wurde 2021 Fußball-Europameister?"
    text = "Frankreichs Volleyballer sind erstmals Europameister. Sie gewannen das Finale in Sofia."
    assert align(question, "de", 0, text, date="2015-09-20").status == "missing"
    assert align(question, "de", 0, text, date="2021-07-11").ok
    counted = "Von den 2.000 Soldaten sind 300 verwundet. Die übrigen kämpfen weiter."
    assert align("Wie viele der 2000 Soldaten sind verwundet?", "de", 0, counted).ok
    assert align("Wie viele der 1900 Soldaten sind verwundet?", "de", 0, counted).status == "missing"


def test_other_spellings_of_a_name_are_the_same_name() -> None:
    text = "Die Region Belgorod grenzt an das ukrainische Gebiet Charkiw. Dort wird gekämpft."
    assert align("Which region borders Kharkiv?", "en", 0, text).ok


def test_a_question_of_two_parts_is_met_by_the_cited_set() -> None:
    first = evidence("Im Oktober wurden mehr als 10.000 Soldaten nach Russland entsandt. Das berichtet Newsweek.", 0,
                     title="Bericht")
    last = evidence("Weitere Berichte folgen. In der Region Kursk sind es inzwischen etwa 11.000.", 1, title="Bericht")
    question = "Wie viele Soldaten wurden laut „Newsweek“ im Oktober entsandt, und wie viele sind in der Region Kursk?"
    aligner = ConstraintAligner(question, question_constraints(question, "de"))
    assert aligner.unmet([first, last]) == []
    assert [c.text for c in aligner.unmet([first])] == ["Kursk"]


def test_a_place_must_stand_beside_the_cited_sentence_a_name_may_stand_anywhere_in_its_chunk() -> None:
    # the results table names the next rally three sentences on: that is no answer about it
    text = ("Trier – Weltmeister Sebastien Ogier hat die Deutschland-Rallye gewonnen. Er siegte mit 23 Sekunden "
            "Vorsprung. Das Team feierte. Die Fahrer reisen weiter. Der nächste Lauf ist die Rallye Australien.")
    cited = evidence(text, 1, title="Ogier gewinnt")
    asked = "Mit welchem Vorsprung gewann Sebastien Ogier die Rallye Australien?"
    assert [c.text for c in ConstraintAligner(asked, question_constraints(asked, "de")).unmet([cited])] == [
        "Australien"]
    named = "Mit welchem Vorsprung gewann das Team des Weltmeisters Sebastien Ogier?"
    assert ConstraintAligner(named, question_constraints(named, "de")).unmet([evidence(text, 2, title="Rallye")]) == []


def test_a_name_may_be_met_elsewhere_in_the_cited_article_a_year_may_not() -> None:
    lede = evidence("München – Der Verleger Hubert Burda stiftet einen Preis. Im Jahr 2019 gab es ihn noch nicht.", 0,
                    title="Neuer Preis", chunk_id="c1")
    detail = evidence("Weitere Einzelheiten folgen. Der Hauptpreis ist mit 20.000 Euro dotiert.", 1,
                      title="Neuer Preis", chunk_id="c2")
    elsewhere = evidence("Hubert Burda wurde 1940 geboren. Der Preis fand 2019 statt.", 0, title="Burda",
                         chunk_id="c9", doc_id="d9")
    named = "Wie hoch ist der Hauptpreis beim Preis von Hubert Burda?"
    aligner = ConstraintAligner(named, question_constraints(named, "de"))
    assert [c.text for c in aligner.unmet([detail])] == ["Hubert Burda"]
    assert aligner.unmet([detail], [detail, lede]) == []
    assert [c.text for c in aligner.unmet([detail], [detail, elsewhere])] == ["Hubert Burda"]  # another article
    dated = "Wie hoch war der Hauptpreis 2019?"
    aligner = ConstraintAligner(dated, question_constraints(dated, "de"))
    assert [c.text for c in aligner.unmet([detail], [detail, lede])] == ["2019"]


def test_the_same_noun_across_languages_makes_a_conflict() -> None:
    question = "What did the Chinese ambassador summoned by Seoul say?"
    constraints = question_constraints(question, "en")
    same = {("ambassador", "Botschafter")}
    aligner = ConstraintAligner(question, constraints, lambda a, b: (a, b) in same)
    result = aligner.run(evidence(PASSAGE, 2))
    assert result.status == "conflict" and result.found == "russische"


@pytest.mark.parametrize("question,lang,expected", [
    ("Who chairs the British pay-TV group Sky?", "en", ["Sky"]),  # "pay-TV" is a common noun
    ("Wie viele iPhones verkaufte Apple in den USA?", "de", ["iPhones", "Apple"]),  # Apple: by the tagger
    ("What did the NHTSA say about Renault?", "en", ["NHTSA", "Renault"]),
])
def test_names_by_their_form(question: str, lang: str, expected: list[str]) -> None:
    assert [c.text for c in question_constraints(question, lang) if c.kind == "name"] == expected


def test_a_coined_name_is_never_translated() -> None:
    """Across languages a name of words may meet its translation; "ChatGPT" meets only itself."""
    question = "When did ChatGPT launch?"
    sentence = "Chatbots sind derzeit ein großes Thema für Händler."
    anything = lambda ours, theirs: True  # noqa: E731
    aligner = ConstraintAligner(question, question_constraints(question, "en"), translated=anything)
    assert not aligner.run(evidence(sentence, 0)).ok
    named = "When was the Book Prize awarded?"
    aligner = ConstraintAligner(named, question_constraints(named, "en"), translated=anything)
    assert aligner.run(evidence("Der Buchpreis wurde verliehen.", 0)).ok



@pytest.mark.parametrize("question,sentence,met", [
    ("How many spectators watched the European Championship final?",
     "Frankreichs Volleyballer sind erstmals Europameister.", True),
    ("Since when has the Space Station been crewed?", "Die Raumstation ist seit 2000 bewohnt.", True),
    ("How many laws did the Federal Council pass?", "Der Nationalrat hat 123 Gesetze beschlossen.", False),
])
def test_a_name_of_words_is_translated_as_a_whole(question: str, sentence: str, met: bool,
                                                  default_assistant: Assistant) -> None:
    """With the real word vectors: "European Championship" is the one German compound
    "Europameister", which neither of its words alone comes close enough to; another council is
    not the Nationalrat."""
    s, coverage = default_assistant.settings, default_assistant.term_coverage
    aligner = ConstraintAligner(question, question_constraints(question, "en"), coverage.similar,
                                lambda ours, theirs: coverage.any_close(ours, theirs, s.name_similarity))
    assert aligner.run(evidence(sentence, 0, title="")).ok is met


VIENNA = ("Wien – Der Nationalrat hat im abgelaufenen Parlamentsjahr 123 Gesetze beschlossen. "
          "Dazu kommen 32 Staatsverträge. Das geht aus der Bilanz der Tagung 2014/15 hervor.")


@pytest.mark.parametrize("question,lang", [
    ("Wie viele Gesetze hat das österreichische Parlament beschlossen?", "de"),
    ("How many laws did the Austrian parliament pass?", "en"),
])
def test_a_city_places_its_country(question: str, lang: str) -> None:
    """A report datelined "Wien –" is about Austria without naming it."""
    assert align(question, lang, sentence=0, text=VIENNA).ok


def test_a_city_of_another_country_does_not_place_the_asked_one() -> None:
    assert not align("Wie viele Gesetze hat das Schweizer Parlament beschlossen?", "de", sentence=0, text=VIENNA).ok


def test_constraints_are_met_together_by_two_windows() -> None:
    question = "Wie viele Gesetze hat der österreichische Nationalrat in der Tagung 2014/15 beschlossen?"
    aligner = ConstraintAligner(question, question_constraints(question, "de"))
    text = VIENNA.replace("Dazu kommen 32 Staatsverträge. ", "Dazu kommen 32 Staatsverträge. Es gab 48 Sitzungen. ")
    count, year = evidence(text, 0), evidence(text, 3)
    assert aligner.run(count).status == "missing" and aligner.run(year).status == "missing"
    assert aligner.met_together([count, year])
    assert not aligner.met_together([count])


def test_quoted_words_are_met_only_all_together() -> None:
    """A quotation in the question is the article's words: one of them elsewhere is not it."""
    question = "Wer sagte, Russland werde „auf jede Weise reagieren“?"
    quoted = "Moskau – „Natürlich werden wir auf jede Weise reagieren“, sagte Rudenko."
    other = "Moskau – Russland werde auf die Sanktionen reagieren, sagte Peskow."
    assert align(question, "de", sentence=0, text=quoted).ok
    assert not align(question, "de", sentence=0, text=other).ok


def test_a_name_with_a_lower_case_particle_is_no_quotation() -> None:
    """Unquoted, "Conca d'Oro" stays a name (any of its words meets it); quoted words are a quotation."""
    assert [c.kind for c in question_constraints("Was heißt Conca d'Oro?", "de")] == ["name"]
    quoted = question_constraints("Wer sagte, man werde „auf jede Weise reagieren“?", "de")
    assert [c.kind for c in quoted] == ["quote"]


def test_one_article_meets_the_question_and_holds_the_value() -> None:
    """A fact comes from one article: the constraints one cited article meets do not lend themselves
    to a value another states, and the article that meets them answers first."""
    question = "Wie alt ist Sabrina Singh?"
    aligner = ConstraintAligner(question, question_constraints(question, "de"), None)
    other = evidence("Die Bäckerin Lena Hoffmann (31) schließt ihren Laden in Graz.", 0, chunk_id="c2", doc_id="d2")
    asked = evidence(PASSAGE, 1)

    def aged(e: Evidence) -> bool:
        return "(31)" in e.text or "(38)" in e.text

    chosen, unmet = aligner.one_article([other, asked], [other, asked], aged)
    assert chosen == [other, asked] and [c.text for c in unmet] == ["Sabrina Singh"]
    # the article that meets the question and says the value leads, wherever it was cited
    stated = evidence(PASSAGE.replace("Sabrina Singh,", "Sabrina Singh (38),"), 1, chunk_id="c3", doc_id="d3")
    chosen, unmet = aligner.one_article([other, stated], [other, stated], aged)
    assert chosen == [stated, other] and not unmet
