"""The short answer: a span of the cited sentence, by the kind of answer asked for, in the question's language."""

from __future__ import annotations

import pytest

from assistant.answering.answer import Composed, answering_first, cited_first, extractive_text, to_citation
from assistant.answering.short_answer import ShortAnswerer
from assistant.language import detect_language
from assistant.retrieval.retrieve import Evidence
from assistant.retrieval.store import StoredChunk
from assistant.schema import ShortAnswer

NEVER = ShortAnswerer(lambda noun, words: False)
# a stand-in for the word vectors; tests/test_api.py asks the real ones, end to end
SOLDATEN = ShortAnswerer(lambda noun, words: noun == "soldiers" and words == ["Soldaten"])
SOLDIERS = ("Die Pressesprecherin teilte mit, dass wahrscheinlich etwa 11.000 nordkoreanische Soldaten "
            "in die russische Region Kursk gelangt seien.")


def _ev(text: str, title: str = "Titel", score: float = 0.5) -> Evidence:
    chunk = StoredChunk("c1", "d1", 0, 0, len(text), text, title, "", "", "")
    return Evidence(chunk, 0, 0, len(text), text, score, score, 0.5)


@pytest.mark.parametrize(("question", "lang", "sentence", "expected"), [
    ("Wie viele nordkoreanische Soldaten sind in Kursk?", "de", SOLDIERS, "Etwa 11.000 nordkoreanische Soldaten"),
    ("How many North Korean soldiers are in Kursk?", "en", SOLDIERS, "About 11,000 North Korean soldiers"),
    ("Wie viele Gondeln hat die Seilbahn?", "de",
     "Die Seilbahn hat 42 Gondeln und befördert bis zu 1.800 Fahrgäste pro Stunde.", "42 Gondeln"),
    ("Wie viele Fahrgäste befördert die Seilbahn pro Stunde?", "de",
     "Die Seilbahn hat 42 Gondeln und befördert bis zu 1.800 Fahrgäste pro Stunde.", "Bis zu 1.800 Fahrgäste"),
    ("Wie viele Inseln stehen zur Auswahl?", "de", "Ab Dienstag stehen sieben verschiedene Inseln zur Auswahl.",
     "Sieben verschiedene Inseln"),
    ("Was kostet die neue Brücke?", "de", "Die neue Brücke kostet rund 3,5 Millionen Euro.", "Rund 3,5 Millionen Euro"),
    ("How much does the new bridge cost?", "en", "Die neue Brücke kostet rund 3,5 Millionen Euro.",
     "Around 3.5 million euros"),
    ("How long did the construction take?", "en", "Der Bau dauerte 30 Monate.", "30 months"),
    ("How old is Sabrina Singh?", "en", "Sprecherin Sabrina Singh (38) sagte am Montag, das sei falsch.", "38 years"),
    # the age is the number with its years, not the phrase around it ("im Alter von 79")
    ("How old was the actor when he died?", "en", "Er starb am Samstag im Alter von 79 Jahren.", "79 years"),
    ("Wie alt war der Schauspieler?", "de", "Er starb am Samstag im Alter von 79 Jahren.", "79 Jahren"),
    ("How old is the striker?", "en", "Der 25-jährige Stürmer wechselt nach London.", "25 years"),
    ("Wann wurde die Brücke gesperrt?", "de", "Die Brücke wurde am 5. März 2024 gesperrt.", "5. März 2024"),
    ("When was the bridge closed?", "en", "Die Brücke wurde am 5. März 2024 gesperrt.", "5 March 2024"),
    ("In welchem Jahr soll die Brücke fertig sein?", "de", "Die Brücke soll 2027 fertig sein.", "2027"),
])
def test_span_and_wording(question: str, lang: str, sentence: str, expected: str) -> None:
    short = SOLDATEN.run(question, lang, _ev(sentence))
    assert short is not None and short.text == expected
    span = sentence[short.start: short.end]
    if lang == "de":
        assert span.casefold() == expected.casefold()  # a substring of the cited sentence, nothing added


@pytest.mark.parametrize(("question", "lang", "sentence"), [
    # a number that counts something else is no short answer
    ("Wie viele Soldaten sind in Kursk?", "de", "Die Seilbahn hat 42 Gondeln."),
    # a why-question without a clause that gives the reason, and a how-question, have no span: the
    # sentence that answers comes first instead (a phrase after "wegen" has no end a reader can trust)
    ("Warum wurde die Brücke gesperrt?", "de", "Die Brücke war wegen morscher Balken gesperrt worden."),
    ("Wie wurde die Brücke repariert?", "de", "Die Brücke wurde mit Stahlträgern repariert, weil Holz fehlte."),
    # a unit CLDR does not name in this form stays German in the quote, never half-translated
    ("How fast was the train?", "en", "Der Zug fuhr mit 187 Kilometern pro Stunde."),
    # "Achtung" and "tennis" begin with number words but are none
    ("Wie viele Spieler gibt es?", "de", "Achtung Spieler: das Turnier beginnt."),
    # a name is not told from a title or a country by its capitals: no span is guessed
    ("Wie heißt der Vertreter?", "de", "Der Vertreter der Demokratischen Volksrepublik Korea sprach in New York."),
])
def test_no_span(question: str, lang: str, sentence: str) -> None:
    assert NEVER.run(question, lang, _ev(sentence)) is None


def test_only_what_the_sentence_says_of_the_counted_noun_is_said() -> None:
    # another country's soldiers are not counted by this number: no short answer
    assert SOLDATEN.run("How many Russian soldiers are in Kursk?", "en", _ev(SOLDIERS)) is None
    # a modifier the sentence does not state is left out, not asserted
    short = SOLDATEN.run("How many wounded soldiers are in Kursk?", "en", _ev(SOLDIERS))
    assert short is not None and short.text == "About 11,000 soldiers"


def test_a_translation_of_the_counted_noun_binds() -> None:
    short = SOLDATEN.run("How many soldiers are in Kursk?", "en", _ev(SOLDIERS))
    assert short is not None and short.text == "About 11,000 soldiers"
    assert NEVER.run("How many soldiers are in Kursk?", "en", _ev(SOLDIERS)) is None


def test_the_answer_opens_with_the_short_answer_then_the_quote() -> None:
    evidence = _ev(SOLDIERS)
    short = SOLDATEN.run("How many North Korean soldiers are in Kursk?", "en", evidence)
    assert short is not None
    text = extractive_text([evidence], "en", (short,))
    first, _, quotes = text.partition("\n\n")
    assert first == "About 11,000 North Korean soldiers [1]."
    assert "„" not in quotes and quotes.count("“") == 1 and quotes.endswith("” [1]")


def test_a_quote_with_its_own_quotation_marks_is_not_quoted_again() -> None:
    sentence = "„Wir liefern keine Waffen“, sagte der Minister am Montag in Seoul."
    text = extractive_text([_ev(sentence)], "en")
    assert "“„" not in text and "„Wir liefern keine Waffen“, sagte" in text


def test_a_headline_does_not_open_an_answer_without_a_short_answer() -> None:
    title = "Nordkoreanische Soldaten sollen in Kursk sein"
    headline = _ev(title, title=title)
    body = _ev("Die Soldaten wurden nach Angaben Kiews in die Region Kursk verlegt, um dort zu kämpfen.")
    assert answering_first([headline, body], ()) == [body, headline]
    held = ShortAnswer("11.000 Soldaten", 1, 0, 5, "count")
    assert answering_first([headline, body], (held,)) == [headline, body]


def test_an_english_verb_after_the_counted_noun_is_left_out() -> None:
    pilgrims = ShortAnswerer(lambda noun, words: noun == "pilgrims" and words == ["Pilger"])
    short = pilgrims.run("How many pilgrims died in the accident?", "en",
                         _ev("Bei dem Unfall starben mindestens 12 Pilger, teilte die Polizei mit."))
    assert short is not None and short.text == "At least 12 pilgrims"


def test_a_german_ordinal_date_does_not_end_the_short_answer() -> None:
    from assistant.grounding.verify import split_claims

    evidence = _ev("Die Brücke wurde am 5. März 2024 gesperrt.")
    short = NEVER.run("Wann wurde die Brücke gesperrt?", "de", evidence)
    assert short is not None
    claims = split_claims(extractive_text([evidence], "de", (short,)))
    assert [(c.text, c.markers) for c in claims] == [("5. März 2024.", (1,)),
                                                     ("Die Brücke wurde am 5. März 2024 gesperrt.", (1,))]


def test_in_one_language_a_near_word_is_no_counted_noun() -> None:
    """"Beschäftigte" is close to "Mitarbeiter" in meaning and still another set of people."""
    near = ShortAnswerer(lambda noun, words: True)
    sentence = "Von den rund 340.000 Beschäftigten seien derzeit etwa 145.000 Aktionäre des Konzerns."
    assert near.run("Wie viele Mitarbeiter-Aktionäre will Siemens haben?", "de", _ev(sentence)) is None


def _in_chunk(sentence: str, chunk_text: str) -> Evidence:
    chunk = StoredChunk("c1", "d1", 0, 0, len(chunk_text), chunk_text, "Titel", "", "", "")
    at = chunk_text.index(sentence)
    return Evidence(chunk, 0, at, at + len(sentence), sentence, 0.5, 0.5, 0.5)


def test_who_said_is_answered_by_the_speaker() -> None:
    role = "„Wir würden auch einen offensiven Einsatz erwägen“, erklärte ein Vertreter des Präsidialamtes."
    short = NEVER.run("Wer sagte, Seoul würde einen offensiven Einsatz erwägen?", "de", _ev(role))
    assert short is not None and short.text == "Ein Vertreter des Präsidialamtes" and short.kind == "speaker"
    assert role[short.start: short.end] == "ein Vertreter des Präsidialamtes"
    # asked in English, a German role would need translating: no span; a name needs none
    assert NEVER.run("Who said Seoul would consider an offensive use?", "en", _ev(role)) is None
    named = "„Wir werden auf jede Weise reagieren, die wir für notwendig erachten“, sagte Rudenko demnach."
    chunk = "Der Vize-Außenminister Andrey Rudenko warnte Seoul. " + named
    short = NEVER.run("Who said Russia would respond in any way it deems necessary?", "en", _in_chunk(named, chunk))
    assert short is not None and short.text == "Rudenko"
    # the tagger reads a lone surname as a person's name, which keeps its form in English; a place does not
    alone = NEVER.run("Who said Russia would respond in any way it deems necessary?", "en", _ev(named))
    assert alone is not None and alone.text == "Rudenko"
    place = named.replace("Rudenko", "Brüssel")
    assert NEVER.run("Who said Russia would respond in any way it deems necessary?", "en", _ev(place)) is None
    # a who-question that asks for no speaker gets no span from a quotation
    assert NEVER.run("Wer leitet das Präsidialamt?", "de", _ev(role)) is None


# a stand-in for the word vectors: "city" is "Stadt" in German
RIVER = ShortAnswerer(lambda noun, words: noun == "river" and words == ["Fluss"])
BORDER = "Diese Region liegt südlich der Oblast Kursk und grenzt an die ukrainische Region Charkiw."
ROAD = "Die Straße führt von der Grenze in die Stadt Charkiw."
SHORE = "Die Straße folgt dem Fluss Donez."


@pytest.mark.parametrize(("answerer", "question", "lang", "sentence", "expected"), [
    (NEVER, "In welche Region wurden einige der Truppen verlegt?", "de",
     "Kowalenko schrieb, dass einige der Truppen in die Region Belgorod verlegt wurden.", "Belgorod"),
    # the name the question gives is no answer: the next one is
    (NEVER, "Welche Region grenzt an Kursk?", "de", "Die Region Kursk grenzt an die Region Belgorod.", "Belgorod"),
    # the noun is another word than the one named first ("Oblast"), the same stem across languages
    (NEVER, "Which Ukrainian region does it border?", "en", BORDER, "Charkiw"),
    # across languages the noun is found by translation, and the name keeps its form
    (RIVER, "Which river does the road follow?", "en", SHORE, "Donez"),
    (NEVER, "Which company bought the plant?", "en", "The company Siemens bought the plant in May.", "Siemens"),
])
def test_which_is_answered_by_the_name_after_the_noun(answerer: ShortAnswerer, question: str, lang: str,
                                                      sentence: str, expected: str) -> None:
    short = answerer.run(question, lang, _ev(sentence))
    assert short is not None and short.text == expected and short.kind == "named"
    assert sentence[short.start: short.end] == expected


def test_which_takes_the_name_whose_place_agrees() -> None:
    """A place word before the noun says which one: "der Oblast Kursk" is not the Ukrainian region,
    and a country after the noun is its owner, not its name."""
    oblast = ShortAnswerer(lambda noun, words: noun == "region" and words == ["Oblast"])
    sentence = "Diese Region liegt südlich der Oblast Kursk und grenzt an die ukrainische Oblast Charkiw."
    short = oblast.run("Which Ukrainian region does it border?", "en", _ev(sentence))
    assert short is not None and short.text == "Charkiw"
    assert oblast.run("Which Russian region does it border?", "en",
                      _ev("Sie grenzt an die ukrainische Oblast Charkiw.")) is None
    leader = ShortAnswerer(lambda noun, words: noun == "leader" and words == ["Führung"])
    assert leader.run("Which Russian leader warned in June?", "en",
                      _ev("Putin erklärte im Juni, Moskau werde Entscheidungen treffen, die der Führung Südkoreas "
                          "nicht gefallen werden.")) is None


def test_which_city_is_answered_by_a_city_in_the_country_asked() -> None:
    """A city is known by name (GeoNames), in any language, and so is its country."""
    short = NEVER.run("Which city does the road lead to?", "en", _ev(ROAD))
    assert short is not None and short.text == "Charkiw" and short.kind == "city"
    assert NEVER.run("Which Russian city does the road lead to?", "en", _ev(ROAD)) is None
    assert NEVER.run("In welche Stadt führt die Straße?", "de", _ev("Die Straße führt in die Region.")) is None


def test_which_without_a_name_after_the_noun_has_no_span() -> None:
    assert NEVER.run("Which river does the road follow?", "en", _ev(SHORE)) is None  # no translation
    assert NEVER.run("Bei welchem Treffen wies er die Vorwürfe zurück?", "de",
                     _ev("Er wies die Vorwürfe beim Treffen am Montag zurück.")) is None  # nothing says which


@pytest.mark.parametrize("question,sentence,expected", [
    ("Bei welchem Treffen wies er die Vorwürfe zurück?",
     "Er sprach beim Treffen eines Ausschusses der Vereinten Nationen.",
     "Beim Treffen eines Ausschusses der Vereinten Nationen"),
    ("Welches Verbot galt bis 1967?", "Bis 1967 galt das Verbot der Mischehen.", "Das Verbot der Mischehen"),
    ("Which plan did the minister reject?", "The minister rejected the plan of the opposition.",
     "The plan of the opposition"),
])
def test_which_is_answered_by_the_noun_with_its_genitive(question: str, sentence: str,
                                                                             expected: str) -> None:
    short = NEVER.run(question, detect_language(question), _ev(sentence))
    assert short is not None and short.text == expected and short.kind == "named"


@pytest.mark.parametrize("question,sentence,expected", [
    ("Mit welchem Musikkonzern hat die Sängerin unterschrieben?",
     "Die Sängerin habe einen Plattenvertrag mit Sony Music unterzeichnet.", "Sony Music"),
    ("With which label did the singer sign?", "Die Sängerin habe einen Vertrag mit Sony Music unterzeichnet.",
     "Sony Music"),
    ("Which label did the singer sign with?", "The singer signed a contract with Sony Music.", "Sony Music"),
])
def test_which_is_answered_by_the_name_after_the_questions_preposition(question: str, sentence: str,
                                                                       expected: str) -> None:
    short = NEVER.run(question, detect_language(question), _ev(sentence))
    assert short is not None and short.text == expected


def test_a_name_the_question_gives_is_no_answer_after_its_preposition() -> None:
    assert NEVER.run("Mit welchem Konzern verhandelt Sony Music?", "de",
                     _ev("Die Sängerin verhandelt mit Sony Music.")) is None


@pytest.mark.parametrize("question,sentence", [
    ("Welche Medikamente werden beim Herzinfarkt eingesetzt?",
     "Beim Herzinfarkt werden weitere Medikamente eingesetzt."),
    ("Welchen Einsatz erwägt die Regierung?", "Die Regierung erwägt einen offensiven Einsatz von Waffen."),
    ("In welche Sprache wurde das Buch übersetzt?", "Das Buch erschien in Mali."),  # a place, not a language
])
def test_an_adjective_or_a_place_is_no_which_answer(question: str, sentence: str) -> None:
    assert NEVER.run(question, "de", _ev(sentence)) is None


def _chunked(*sentences: str) -> list[Evidence]:
    """Evidence sentences of one chunk, in order, each at its offset (the article order)."""
    text = " ".join(sentences)
    chunk = StoredChunk("c1", "d1", 0, 0, len(text), text, "Titel", "", "", "")
    out, at = [], 0
    for sentence in sentences:
        out.append(Evidence(chunk, len(out), at, at + len(sentence), sentence, 0.5, 0.5, 0.5))
        at += len(sentence) + 1
    return out


def _match_report(question: str, order: tuple[int, ...]) -> Composed:
    """The extractive answer to ``question`` over a match report's sentences, cited in ``order``
    (0: the stadium's background, 1: the goals, 2: the crowd)."""
    from assistant.answering.answer import Composer
    from assistant.grounding.verify import SupportJudge

    sentences = _chunked("Das Stadion wurde 1974 eröffnet.", "Im Rückspiel fielen sieben Tore.",
                         "Zum Rückspiel kamen 48.000 Zuschauer ins Stadion.")
    composer = Composer(None, SupportJudge(embed=lambda texts: []), NEVER)
    final = list(composer.stream(question, "de", [sentences[i] for i in order]))[-1]
    assert isinstance(final, Composed)
    return final


def test_each_part_of_a_two_part_question_gets_its_short_answer_and_its_sentence_first() -> None:
    """The sentence that answers each part leads, in the parts' order, before the article order."""
    final = _match_report("Wie viele Zuschauer kamen zum Rückspiel, und wie viele Tore fielen?", (2, 1, 0))
    head, _, quotes = final.text.partition("\n\n")
    assert head == "48.000 Zuschauer [1]. Sieben Tore [2]."
    assert [s.citation for s in final.shorts] == [1, 2] and final.short == final.shorts[0]
    assert quotes.index("48.000") < quotes.index("sieben Tore") < quotes.index("1974")


def test_two_parts_from_two_sources_say_whose_each_is() -> None:
    """Two figures from two sources are told apart by their sources, as the question names them."""
    question = "Wie viele Zuschauer kamen laut Polizei zum Rückspiel, und wie viele Tore fielen laut dem Verein?"
    final = _match_report(question, (2, 1))
    assert final.text.partition("\n\n")[0] == "48.000 Zuschauer, laut Polizei [1]. Sieben Tore, laut dem Verein [2]."


def test_no_short_answer_when_one_part_has_none() -> None:
    """Half a direct answer would read as the whole: then the sentences alone answer."""
    from assistant.answering.answer import Composer
    from assistant.grounding.verify import SupportJudge

    goals, coach = _chunked("Im Rückspiel fielen sieben Tore.", "Der Trainer lobte die Abwehr nach dem Spiel.")
    composer = Composer(None, SupportJudge(embed=lambda texts: []), NEVER)
    parts = ["Wie viele Tore fielen?", "was sagte der Trainer?"]
    assert composer.short_answers(parts, "de", [goals, coach]) == ()
    assert composer.short_answers(parts[:1], "de", [goals])[0].text == "Sieben Tore"


def test_one_sentence_may_answer_both_parts() -> None:
    """Each part takes the first short answer the leads give it that no earlier part took."""
    from assistant.answering.answer import Composer
    from assistant.grounding.verify import SupportJudge

    both, other = _chunked("Am 5. März landete das Flugzeug mit 120 Passagieren an Bord.",
                           "Im Jahr 2020 flog die Maschine erstmals.")
    composer = Composer(None, SupportJudge(embed=lambda texts: []), NEVER)
    parts = ["Wie viele Passagiere waren an Bord?", "wann landete das Flugzeug?"]
    shorts = composer.short_answers(parts, "de", [both, other])
    assert [(s.text, s.citation) for s in shorts] == [("120 Passagieren", 1), ("5. März", 1)]


def test_a_weekday_is_said_in_the_questions_language() -> None:
    sentence = "Der Stadtrat tagte am Montag in einer Sondersitzung."
    german = NEVER.run("An welchem Wochentag tagte der Stadtrat?", "de", _ev(sentence))
    english = NEVER.run("On which weekday did the city council meet?", "en", _ev(sentence))
    assert german is not None and german.text == "Montag"
    assert english is not None and english.text == "Monday" and sentence[english.start: english.end] == "Montag"


def test_a_number_word_is_said_in_english_or_not_at_all() -> None:
    """"mehr als vier Stunden" is "More than four hours" for an English question, never "More
    than vier hours"; a number word without a known English form gives no span."""
    short = NEVER.run("How long did the game last?", "en", _ev("Er gab nach mehr als vier Stunden auf."))
    assert short is not None and short.text == "More than four hours"
    assert NEVER.run("How long did the game last?", "en", _ev("Das Spiel dauerte vierzig Stunden.")) is None
    german = NEVER.run("Wie lange dauerte das Spiel?", "de", _ev("Das Spiel dauerte vierzig Stunden."))
    assert german is not None and german.text == "Vierzig Stunden"


def test_what_with_a_noun_is_a_which_question() -> None:
    short = RIVER.run("What river does the road follow?", "en", _ev(SHORE))
    assert short is not None and short.text == "Donez" and short.kind == "named"


def test_a_sentence_is_read_once_per_question() -> None:
    """One question asks for a sentence's short answer up to three times (which sentence answers,
    which gives a span, the reply); the word vectors are asked once, and the citation is the caller's."""
    calls: list[str] = []
    answerer = ShortAnswerer(lambda noun, words: calls.append(noun) or (noun == "river" and words == ["Fluss"]))
    first = answerer.run("Which river does the road follow?", "en", _ev(SHORE))
    asked = len(calls)
    again = answerer.run("Which river does the road follow?", "en", _ev(SHORE), citation=3)
    assert first is not None and again is not None and first.text == again.text == "Donez"
    assert (first.citation, again.citation) == (1, 3) and len(calls) == asked > 0


@pytest.mark.parametrize("question,lang,sentence,expected", [
    ("Which HR chief was stopped by the crowd?", "en",
     "Demonstranten bedrängten Personalchef Xavier Broseta vor der Zentrale.", "Xavier Broseta"),
    ("Welcher Konzern hat den Vertrag unterschrieben?", "de",
     "Den Vertrag hat der Musikkonzern Sony Music unterschrieben.", "Sony Music"),
])
def test_which_is_answered_after_a_compound_whose_head_is_the_noun(question: str, lang: str, sentence: str,
                                                                    expected: str) -> None:
    """A German compound names a kind of its last noun: a Personalchef is a chief."""
    chief = ShortAnswerer(lambda noun, words: noun == "chief" and words == ["Chef"])
    short = chief.run(question, lang, _ev(sentence))
    assert short is not None and short.text == expected and short.kind == "named"


def test_a_question_for_several_names_gets_them_all_in_one_line() -> None:
    """"Welche beiden Regionen …" is answered by both names, each with its sentence, in one line."""
    from assistant.answering.answer import Composer
    from assistant.grounding.verify import SupportJudge

    kursk, belgorod, other = _chunked("Etwa 11.000 Soldaten sind in die russische Region Kursk gelangt.",
                                      "Einige Truppen wurden in die Region Belgorod verlegt.",
                                      "Die Region ist seit Monaten umkämpft.")
    composer = Composer(None, SupportJudge(embed=lambda texts: []), NEVER)
    question = "In welche beiden Regionen wurden Soldaten verlegt?"
    final = list(composer.stream(question, "de", [kursk, belgorod, other]))[-1]
    assert isinstance(final, Composed)
    assert final.text.partition("\n\n")[0] == "Kursk [1] und Belgorod [2]."
    assert [(s.text, s.citation, s.listed) for s in final.shorts] == [("Kursk", 1, True), ("Belgorod", 2, True)]
    # three asked for, two given: no short answer, the sentences answer alone
    assert composer.short_answers(["In welche drei Regionen wurden Soldaten verlegt?"], "de",
                                  [kursk], [kursk, belgorod, other]) == ()


def test_a_name_from_a_later_sentence_moves_that_sentence_up_to_its_number() -> None:
    """The second name stands in the third sentence: that sentence is cited second, so the short
    answer's numbers are the first ones, in the extractive answer and in a generated one."""
    from assistant.answering.answer import Composer
    from assistant.grounding.verify import SupportJudge

    kursk, other, belgorod = _chunked("Etwa 11.000 Soldaten sind in die russische Region Kursk gelangt.",
                                      "Die Region ist seit Monaten umkämpft.",
                                      "Einige Truppen wurden in die Region Belgorod verlegt.")
    question = "In welche beiden Regionen wurden Soldaten verlegt?"
    composer = Composer(None, SupportJudge(embed=lambda texts: []), NEVER)
    final = list(composer.stream(question, "de", [kursk, other, belgorod]))[-1]
    assert isinstance(final, Composed)
    head, _, quotes = final.text.partition("\n\n")
    assert head == "Kursk [1] und Belgorod [2]."
    assert [c.quote for c in final.citations] == [kursk.text, belgorod.text, other.text]
    assert quotes.index("Belgorod verlegt. [2]") < quotes.index("umkämpft. [3]")
    # a generator whose sentences all fail the check: the extractive answer, numbered the same way
    shorts = composer.short_answers([question], "de", [kursk], [kursk, other, belgorod])
    chosen, shorts, leading = cited_first([kursk, other, belgorod], shorts, 1)
    citations = [to_citation(e, i + 1) for i, e in enumerate(chosen)]
    unchecked = Composer(None, SupportJudge(embed=None), NEVER)  # word overlap only: the sentence fails
    generated = list(unchecked.verified(iter(["Nichts davon stimmt [9]."]), "de", chosen, citations, [], shorts,
                                        leading))
    assert generated[-1].text.startswith("Kursk [1] und Belgorod [2].\n\n")
    assert "".join(d.text for d in generated[:-1]) == generated[-1].text


def test_the_english_noun_after_a_cardinal() -> None:
    from assistant.answering.named import asked_many, asked_noun

    assert asked_noun("In which two Russian regions are the soldiers?") == ("regions", ["two", "Russian"])
    assert asked_many("In which two Russian regions are the soldiers?") == 2
    assert asked_many("Welche beiden Politiker haben gewarnt?") == 2
    assert asked_many("Welche drei Gewerkschaften riefen zum Streik auf?") == 3
    assert asked_many("In welchen zwei Ländern sind die Soldaten?") == 2
    assert asked_many("Welche Partei gewann die Wahl mit zwei Stimmen Vorsprung?") == 1
