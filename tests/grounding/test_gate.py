from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.grounding.answer_types import answer_type, binds, counted_phrase, covering_first, typed_first
from assistant.grounding.coverage import TermCoverage, salient_words
from assistant.grounding.gate import AnswerGate
from assistant.retrieval.retrieve import Evidence
from assistant.retrieval.store import StoredChunk


@pytest.mark.parametrize("question,kind", [
    ("Wie viele Einwohner hat Pjöngjang?", "count"),
    ("How far is Kursk from the border?", "measure"),
    ("Wie lange dauerte das erste Spiel?", "measure"),
    ("What is the population of the capital?", "count"),
    ("To what speed was the carriage accelerated?", "measure"),
    ("What is the total value in US dollars of the equipment?", "money"),
    ("How much did the new bridge cost?", "money"),
    ("Zu welchem Preis kommt das Gerät auf den Markt?", "money"),
    # an amount named by what it pays for, asked like a quantity; a German "Preis" may be a prize
    ("What transfer fee did the two clubs agree on?", "money"),
    ("Wie hoch ist die Ablösesumme für den Stürmer?", "money"),
    ("Welches Honorar erhielt der Gutachter?", "money"),
    ("Welchen Preis gewann der Film in Cannes?", None),
    # a value asked in a unit is a measure; "in bar" is cash, "in zwei Jahren" a time
    ("What is the average pitch of the voices in hertz?", "measure"),
    ("Wie hoch ist der Turm in Metern?", "measure"),
    ("Was geschieht in zwei Jahren mit dem Werk?", None),
    ("Which firm runs the pay-TV group?", None),
    ("Wie viele Soldaten sind in Kursk?", "count"),
    ("How old is Sabrina Singh?", "age"),
    ("Wann wurde Rudenko geboren?", "birth"),
    ("On what exact date did she speak?", "exact_date"),
    ("An welchem Wochentag tagte der Rat?", "exact_date"),
    ("Which weekday was the vote held on?", "exact_date"),
    ("Wie viel Geld zahlt Russland?", "money"),
    ("Wie heißt der Vertreter Nordkoreas?", "name"),
    ("Wann hat Putin gewarnt?", "time"),
    ("Wer warnte Seoul?", "person"),
    ("In welcher Stadt sitzt das Amt?", "city"),
    ("Which Ukrainian city did they take?", "city"),
    ("In which towns of the region are they stationed?", "city"),
    ("In welchen Städten wurde gestreikt?", "city"),
    ("Who told reporters about the troops?", "person"),
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
    # a digit glued to letters is an identifier, not a quantity; a spelled fraction with its unit is a measure
    measure = answer_type("Wie lange dauerte das erste Plasma?")
    assert measure is not None
    assert not measure.evidence.search("pic.twitter.com/ZNXgs0HgKt") and not count.evidence.search("der Airbus A380")
    assert measure.evidence.search("dauerte eine Zehntel-Sekunde")


@pytest.mark.parametrize("question,evidence,held", [
    ("How long is the test track?", "Der Testwaggon wurde auf 187 Stundenkilometer beschleunigt.", False),  # a speed
    ("To what speed was the carriage accelerated?", "Er wurde auf 187 Stundenkilometer beschleunigt.", True),
    ("How fast was the train?", "Der Zug fuhr mit 187 Kilometern pro Stunde.", True),
    ("How fast was the train?", "Der Zug hielt nach 187 Kilometern.", False),
    ("How long is the track?", "Die Strecke ist 500 Meter lang.", True),
    ("Wie lange dauerte der Bau?", "Der Bau dauerte 30 Monate.", True),
    ("Wie weit ist die Stadt von der Front entfernt?", "Sie liegt 15 Minuten von der Front.", False),
    # how long: also a span of years or an adjective of duration
    ("Wie lange dauerte die Amtszeit?", "Seine Regierungszeit (1764–1795) gilt als Blütezeit.", True),
    ("Wie lange dauerte der Streik?", "Der Streik dauerte von März 2019 bis Juni 2020.", True),
    ("Wie lange dauert die Amtszeit?", "Sie trat ihre fünfjährige Amtszeit an.", True),
    ("How long did the strike last?", "It ended a two-week strike.", True),
    ("Wie lange dauerte die Amtszeit?", "Er wurde im Oktober gewählt.", False),
])
def test_a_measure_is_in_a_unit_of_what_is_measured(question: str, evidence: str, held: bool) -> None:
    kind = answer_type(question)
    assert kind is not None and kind.name == "measure"
    assert bool(kind.evidence.search(evidence)) is held


@pytest.mark.parametrize("evidence,held", [
    ("Das Kloster entstand im 12. Jahrhundert.", True),
    ("Die Stadt wurde um 300 v. Chr. gegründet.", True),
    ("Vor drei Wochen wurde der Vertrag unterschrieben.", True),
    ("Im Frühjahr beginnt der Bau.", True),
    ("The treaty was signed in AD 395.", True),
    ("Der Vertrag wurde von beiden Seiten unterschrieben.", False),
])
def test_a_time_is_also_a_century_an_era_year_or_a_stretch_of_weeks(evidence: str, held: bool) -> None:
    kind = answer_type("Wann wurde der Vertrag unterschrieben?")
    assert kind is not None and kind.name == "time"
    assert bool(kind.evidence.search(evidence)) is held


def test_a_german_preis_may_be_a_prize() -> None:
    """"Welchen Preis gewann der Film?" asks for a prize; only "zu welchem Preis" is surely a price."""
    assert answer_type("Welchen Preis gewann der Film in Cannes?") is None
    assert getattr(answer_type("Zu welchem Preis wird das Gerät verkauft?"), "name", None) == "money"


@pytest.mark.parametrize("question,kind", [("Why was the bridge closed when the storm came?", "reason"),
                                           ("Warum war die Brücke gesperrt, als der Zug kam?", "reason"),
                                           ("Aus welchem Grund trat er zurück, und wann?", "reason"),
                                           ("How did the minister react when he was asked?", None),
                                           ("Wer erklärte, warum die Brücke gesperrt war?", "person")])
def test_the_first_interrogative_decides_the_kind(question: str, kind: str | None) -> None:
    assert getattr(answer_type(question), "name", None) == kind


@pytest.mark.parametrize("sentence,held", [
    ("Er hat seinen Start wegen mangelnder Fitness abgesagt.", True),
    ("Sie sehen darin eine Bedrohung, da die Truppen Kampferfahrung sammeln könnten.", True),
    ("Grund sei das schwierige Marktumfeld, bestätigte der Konzern.", True),
    ("The bridge was closed because the storm had damaged it.", True),
    ("Die Frachter drohten abzutreiben, weil Unbekannte die Taue gelöst hatten.", True),
    # a word that only begins like a cause, and a report without one
    ("Die Grundrechte der Bürger gelten weiter.", False),
    ("Der Konzern zieht sich aus dem Projekt zurück.", False),
])
def test_a_reason_is_marked_by_a_connective_or_a_noun_of_cause(sentence: str, held: bool) -> None:
    kind = answer_type("Warum zieht sich der Konzern zurück?")
    assert kind is not None and not kind.required
    assert bool(kind.evidence.search(sentence)) is held


def test_salient_words_drop_scaffolding() -> None:
    assert salient_words("Welches Amt hat er laut dem Artikel inne?") == []
    assert "Journalist" in salient_words("Welcher Journalist hat den Bericht verfasst?")
    # every interrogative is scaffolding, not only the commonest ones
    assert salient_words("Weshalb, wieso und wozu entschied das Parlament?") == ["entschied", "Parlament"]


def test_function_words_are_no_subject_in_either_language() -> None:
    # "after", "were" and "only" are no more a thing to find in the evidence than "nach", "waren", "nur"
    assert salient_words("Which company's CEO will Kasper Rorsted succeed after leaving Henkel?") == [
        "company", "CEO", "Kasper", "Rorsted", "succeed", "leaving", "Henkel"]
    assert salient_words("What were the accusations only about?") == ["accusations"]
    assert salient_words("Welche Vorwürfe waren es nur?") == ["Vorwürfe"]
    # nor is an auxiliary the German list lacks: "Wer wurde …" is not covered by any passive sentence
    assert salient_words("Wer wurde 2021 Fußball-Europameister?") == ["Fußball-Europameister"]


def test_coverage_across_languages(default_assistant: Assistant) -> None:
    coverage: TermCoverage = default_assistant.term_coverage
    passage = "Der von Seoul einbestellte russische Botschafter erklärt lediglich, dass die Zusammenarbeit …"
    assert coverage.run("What did the Russian ambassador say?", [passage]).coverage > 0.8
    low = coverage.run("Which political party does the ambassador belong to?", [passage])
    assert low.coverage < 0.6 and "party" in low.missing


@pytest.mark.parametrize("question,phrase", [
    ("Wie viele Haubitzen will Südkorea an die Ukraine liefern?", ["Haubitzen"]),
    ("How many North Korean soldiers have been killed?", ["North", "Korean", "soldiers"]),
    ("How many artillery shells has North Korea supplied?", ["artillery", "shells"]),
    ("Wie viele Soldaten?", ["Soldaten"]),
    # an adjective before the noun is lower case in German, the noun after it is no name
    ("Wie viele nordkoreanische Soldaten sind laut Pentagon in Kursk?", ["nordkoreanische", "Soldaten"]),
    ("Wie viele iPhones verkaufte Apple?", ["iPhones"]),
    ("Um wie viel Prozent fiel die Aktie?", ["Prozent"]),
    ("How many different islands are for sale?", ["different", "islands"]),
    ("What is the population of the capital?", ["population"]),
    ("What is the maximum number of soldiers North Korea may send?", ["soldiers"]),
    # an English verb after the noun is a candidate too; the noun before it still binds
    ("How many pilgrims died in the accident?", ["pilgrims", "died"]),
    ("Wer ist der Botschafter?", []),
])
def test_counted_phrase(question: str, phrase: list[str]) -> None:
    assert counted_phrase(question) == phrase


@pytest.mark.parametrize("question,sentence,bound", [
    ("Wie viel Prozent der Fläche sind Wald?", "Es sind 31,5 % der Fläche Wald.", True),
    ("How many kilometres long is the road network?", "Das Straßennetz umfasst etwa 12.900 km.", True),
    ("Wie viel Prozent der Fläche sind Wald?", "Der Wald wächst um 200 Hektar im Jahr.", False),
])
def test_a_count_in_a_unit_binds_to_its_symbol(question: str, sentence: str, bound: bool) -> None:
    assert binds(sentence, counted_phrase(question), lambda noun, words: False) is bound


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


def test_a_value_asked_in_a_unit_is_held_only_in_that_unit() -> None:
    pitch = "What is the average pitch of women's voices in hertz?"
    kind = answer_type(pitch)
    assert kind is not None and kind.name == "measure"
    assert kind.held_by(_ev("Frauen sprechen im Mittel bei 165 Hertz.", 0.8), pitch)
    assert not kind.held_by(_ev("An der Studie nahmen 10.000 Teilnehmer teil.", 0.8), pitch)
    height = "Wie hoch ist der Turm in Metern?"
    kind = answer_type(height)
    assert kind is not None and kind.held_by(_ev("Der Turm ist 324 Meter hoch.", 0.8), height)
    assert not kind.held_by(_ev("Der Turm ist 1063 Fuß hoch.", 0.8), height)


def test_money_age_and_binding_evidence() -> None:
    money = answer_type("Was kostet das Gerät?")
    assert money is not None and money.name == "money"
    assert money.evidence.search("für 799 Dollar (exklusive Steuern)")
    assert money.evidence.search("rund 1,06 Milliarden Euro") and money.evidence.search("450 bis 900 US-Dollar")
    assert not money.evidence.search("Der Pay-TV-Sender zahlt mehr") and not money.evidence.search("Euro-Krise")
    age = answer_type("How old was he when he died?")
    assert age is not None and age.evidence.search("starb im Alter von 79 Jahren")
    assert age.evidence.search("der Schauspieler Alex Rocco (79)")
    never = lambda noun, words: False  # noqa: E731
    assert binds("Von dieser Transaktion sind 1.200 Angestellte betroffen.", ["Angestellte"], never)
    assert binds("Ab Dienstag stehen sieben verschiedene Inseln zur Auswahl", ["Inseln"], never)
    assert not binds("Die 1.200 Angestellte betreffende Nachricht kam 2015 aus Seattle", ["Inseln"], never)
    assert binds("Bei dem Unfall starben 12 Pilger.", ["Pilger", "died"], never)
    # a place word says whose: Russian soldiers are not counted by a number of North Korean ones
    text = "Etwa 11.000 nordkoreanische Soldaten sind in die russische Region Kursk gelangt."
    assert binds(text, ["North", "Korean", "soldiers"], lambda noun, words: noun == "soldiers")
    assert not binds(text, ["Russian", "soldiers", "took", "part"], lambda noun, words: noun == "soldiers")
    assert not binds(text, ["belarussische", "Soldaten"], never)


def test_a_price_asked_in_one_currency_is_not_answered_in_another() -> None:
    question = "Was kostet die Konsole in Euro?"
    money = answer_type(question)
    assert money is not None and money.name == "money"
    assert not money.held_by(_ev("Die Konsole kommt für 499 Dollar in den Handel.", 0.5), question)
    assert money.held_by(_ev("Die Konsole kommt für 479 Euro in den Handel.", 0.5), question)
    assert money.held_by(_ev("Die Konsole kommt für 499 Dollar in den Handel.", 0.5), "Was kostet die Konsole?")
    # any dollar is a dollar: the question says which no more than the text does
    assert money.held_by(_ev("The console sells for $499.", 0.5), "How much is the console in dollars?")


def test_a_city_asked_with_its_country_is_a_city_of_that_country() -> None:
    question = "Which Ukrainian city did the troops reach?"
    city = answer_type(question)
    assert city is not None and city.name == "city"
    assert not city.held_by(_ev("Die Truppen erreichten die Region Woronesch.", 0.5), question)  # a Russian city
    assert not city.held_by(_ev("Die Truppen erreichten die Grenze.", 0.5), question)
    assert city.held_by(_ev("Die Truppen erreichten die Stadt Lwiw.", 0.5), question)
    assert city.held_by(_ev("Die Truppen erreichten Odessa.", 0.5), question)
    # a city the question names is no answer, nor the dateline, where the report was filed
    assert not city.held_by(_ev("Sie zogen über Lemberg weiter.", 0.5), "Which city did they reach after Lviv?")
    assert not city.held_by(_ev("Odessa – Die Truppen erreichten die Grenze.", 0.5), question)


def test_a_compound_counts_what_its_last_part_names() -> None:
    never = lambda noun, words: False  # noqa: E731
    text = "Im Tierpark sind bisher 12 Pinguin-Küken geschlüpft."
    assert binds(text, ["Küken"], never)
    assert not binds(text, ["Pinguine"], never) and not binds(text, ["Pinguin"], never)
    assert binds("Betroffen sind 135.000 Bank-Kunden.", ["Kunden"], never)
    # a place before the head says whose: "US-Kunden" are customers, of the US
    assert binds("Betroffen sind 135.000 US-Kunden.", ["US-Kunden"], never)
    assert not binds("Betroffen sind 135.000 französische Kunden.", ["US-Kunden"], never)


def _ev(text: str, score: float) -> Evidence:
    chunk = StoredChunk("c1", "d1", 0, 0, len(text), text, "Titel", "", "", "")
    return Evidence(chunk, 0, 0, len(text), text, score, score, 0.5)


def test_the_sentence_holding_the_asked_kind_is_cited_first() -> None:
    headline = _ev("Microsoft übergibt sein Werbegeschäft an AOL", 0.70)
    count = _ev("Von dieser Transaktion sind 1.200 Angestellte betroffen.", 0.64)
    other = _ev("Der Vertrag läuft zehn Jahre.", 0.66)
    far = _ev("Bei AOL arbeiten 5.000 Angestellte.", 0.40)
    never = lambda noun, words: False  # noqa: E731
    question = "Wie viele Angestellte sind von der Übergabe betroffen?"
    ordered = typed_first(question, [headline, other], [headline, other, count, far], 0.08, never)
    assert [e.text for e in ordered] == [count.text, headline.text]
    # too far below the best: the order stays and the gate decides
    assert typed_first(question, [headline], [headline, far], 0.08, never) == [headline]
    assert typed_first("Wer übernimmt das Geschäft?", [headline], [headline, count], 0.08, never) == [headline]


def test_of_two_typed_sentences_the_one_that_says_the_asked_source_itself_is_first() -> None:
    """Both count soldiers and both windows name Japan; only one sentence says it itself."""
    from assistant.grounding.align import ConstraintAligner
    from assistant.grounding.constraints import question_constraints

    question = "Wie viele Soldaten sind laut dem japanischen Verteidigungsministerium in Mali?"
    ministry = _ev("Laut dem japanischen Verteidigungsministerium sind 300 Soldaten in Mali stationiert.", 0.60)
    other = _ev("Die Vereinten Nationen zählen 1.200 Soldaten in Mali.", 0.66)
    never = lambda noun, words: False  # noqa: E731
    aligner = ConstraintAligner(question, question_constraints(question, "de"))
    assert typed_first(question, [other], [other, ministry], 0.12, never)[0] is other
    assert typed_first(question, [other], [other, ministry], 0.12, never, own=aligner.met_by_sentence)[0] is ministry


def _in_chunk(text: str, chunk_text: str, score: float) -> Evidence:
    chunk = StoredChunk("c1", "d1", 0, 0, len(chunk_text), chunk_text, "Titel", "", "", "")
    at = chunk_text.index(text)
    return Evidence(chunk, 0, at, at + len(text), text, score, score, 0.5)


def test_a_who_question_is_answered_by_a_name_it_does_not_give() -> None:
    question = "Wer wird neuer Chefredakteur des Nachrichtenmagazins Focus?"
    person = answer_type(question)
    assert person is not None and person.name == "person"
    lead = _ev("München – Das Nachrichtenmagazin Focus bekommt einen neuen Chefredakteur.", 0.75)
    named = _ev("Neuer Chefredakteur wird Robert Schneider, bisher Chef der Super Illu.", 0.68)
    assert not person.held_by(lead, question) and person.held_by(named, question)
    never = lambda noun, words: False  # noqa: E731
    assert typed_first(question, [lead], [lead, named], 0.12, never)[0] is named
    # the question's own names are no answer, also inside a compound ("Henkel-Chef" for "Konzernchefs")
    own = _ev("Düsseldorf – Henkel-Chef Kasper Rorsted kehrt dem Konzern den Rücken.", 0.7)
    assert not person.held_by(own, "Wer folgt laut Henkel auf den Konzernchef Kasper Rorsted?")
    # a surname the passage gave in full before is a person ("…, sagte Rudenko")
    chunk = "Vize-Außenminister Andrej Rudenko warnte Seoul. Das wäre ein Fehler, sagte Rudenko."
    said = _in_chunk("Das wäre ein Fehler, sagte Rudenko.", chunk, 0.7)
    assert person.held_by(said, "Wer nannte es einen Fehler?")
    assert not person.held_by(said, "Was sagte Rudenko?")
    # preferred, not required: an office may answer "who" ("ein Sprecher des Ministeriums")
    office = _ev("Die Vorwürfe seien haltlos, sagte ein Sprecher des Ministeriums.", 0.7)
    decision = AnswerGate(0.2, 0.0).run("Wer nannte die Vorwürfe haltlos?", [office])
    assert decision.answer and decision.kind == "person" and not decision.kind_found
    # a name question still needs a name the question does not give
    name = AnswerGate(0.2, 0.0).run("Wie heißt der Sprecher des Ministeriums?", [office])
    assert not name.answer and name.kind == "name"


@pytest.mark.parametrize("sentence", [
    "Die Sicherheit der Republik Korea werde das nicht stärken, sagte der Minister.",
    "Das schade dem Ansehen der Demokratischen Volksrepublik Korea, sagte der Minister.",
    "Das sei falsch, sagte der Minister, Vertreter Nordkoreas am Montag.",
])
def test_a_place_or_a_role_with_a_place_is_no_name(sentence: str) -> None:
    """Two capitalised words that the gazetteer reads as a place ("Republik Korea", in any
    inflection) or that hold one ("Vertreter Nordkoreas") name nobody."""
    name = answer_type("What is the name of the minister?")
    assert name is not None and name.name == "name"
    assert not name.held_by(_ev(sentence, 0.7), "What is the name of the minister?")
    assert name.held_by(_ev(sentence.replace("der Minister", "Minister Park Jin"), 0.7),
                        "What is the name of the minister?")


def test_a_typed_sentence_about_someone_else_is_not_cited_first() -> None:
    best = _ev("Sabrina Singh sprach am Montag im Pentagon über die Truppen.", 0.70)
    other = _ev("Zainab Faksh (25) ist eine von hunderten Flüchtlingen.", 0.66)
    never = lambda noun, words: False  # noqa: E731
    question = "How old is Sabrina Singh?"
    assert typed_first(question, [best], [best, other], 0.12, never)[0] is other
    about_singh = lambda e: "Singh" in e.text  # noqa: E731
    assert typed_first(question, [best], [best, other], 0.12, never, about_singh) == [best]


def test_the_sentence_covering_an_english_question_opens_the_answer(default_assistant: Assistant) -> None:
    """Over German text an English question's stems match nothing, so the best-scored sentence may be
    a neighbour; the one whose words (by vector) cover the question more opens the answer."""
    coverage: TermCoverage = default_assistant.term_coverage
    near = _ev("Es ist unwahrscheinlich, dass dies die Sicherheit der Republik Korea selbst stärken wird.", 0.62)
    answer = _ev("Dem südkoreanischen Geheimdienst zufolge liefert das Land vor allem Artilleriegeschosse "
                 "und Kurzstreckenraketen.", 0.58)
    question = "According to South Korean intelligence, what does North Korea mainly supply to Russia?"

    def share(text: str) -> float:
        return coverage.run(question, [text]).coverage

    assert share(answer.text) > share(near.text) + 0.1
    assert covering_first(question, [near, answer], share, 0.1) == [answer, near]
    assert covering_first(question, [near, answer], share, 2.0) == [near, answer]  # above 1: never
    # a required kind decides the order: a count question keeps the sentence typed_first chose
    assert covering_first("How many soldiers did North Korea supply?", [near, answer], share, 0.0) == [near, answer]
