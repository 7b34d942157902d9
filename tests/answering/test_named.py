"""The noun a which-question asks about, and the name a sentence gives it."""

from __future__ import annotations

from assistant.answering.named import asked_noun, named_span
from assistant.tokens import tokenize


def _by_stem(noun: str, word: str) -> bool:
    return set(tokenize(noun)) <= set(tokenize(word))


def test_the_asked_noun() -> None:
    assert asked_noun("Which political party does Yoon Suk Yeol belong to?") == ("party", ["political"])
    assert asked_noun("In welche russische Region wurden die Truppen verlegt?") == ("Region", ["russische"])
    assert asked_noun("Which Chinese carmaker became a shareholder?") == ("carmaker", ["Chinese"])
    assert asked_noun("Was kostet die Brücke?") is None


def test_the_asked_noun_of_an_english_compound_and_of_what() -> None:
    """English names the head last ("transfer fee"), and "what" asks for a named thing only when a
    noun follows it (by the tagger)."""
    assert asked_noun("Which transfer fee did the clubs agree on?") == ("fee", ["transfer"])
    assert asked_noun("What transfer fee did the clubs agree on?") == ("fee", ["transfer"])
    assert asked_noun("What magazine does Robert Schneider run?") == ("magazine", [])
    assert asked_noun("What did he say about the cooperation?") is None
    assert asked_noun("What is the name of the ambassador?") is None
    assert asked_noun("Was für ein Magazin leitet er?") is None  # German "was" asks for no noun here


def test_the_name_after_the_noun() -> None:
    question = "In welche Region wurden die Truppen verlegt?"
    asked = asked_noun(question)
    assert asked is not None
    text = "Einige Truppen wurden in die Region Belgorod verlegt, sagte der Leiter der Region."
    span = named_span(text, asked, question, _by_stem)
    assert span is not None and text[span[0]: span[1]] == "Belgorod"
    # the noun with a lower-case word after it, or no noun at all: no span
    assert named_span("Die Region liegt im Süden.", asked, question, _by_stem) is None
    assert named_span("Die Truppen stehen in Belgorod.", asked, question, _by_stem) is None


def test_a_word_of_a_name_is_not_the_asked_noun() -> None:
    """Word vectors may put an English noun close to any word ("company" near "New"); the word that
    stands for the asked noun must be a common noun, never the first word of a name."""
    question = "Which company bought the stadium?"
    asked = asked_noun(question)
    assert asked is not None

    def anything(noun: str, word: str) -> bool:  # a stand-in for vectors that put "company" near both
        return word in ("New", "Firma")

    text = "Das Stadion gehört seit Mai einem New Yorker Investor."
    assert named_span(text, asked, question, anything) is None
    text = "Das Stadion gehört seit Mai der Firma Hallberg Invest."
    span = named_span(text, asked, question, anything)
    assert span is not None and text[span[0]: span[1]] == "Hallberg Invest"
