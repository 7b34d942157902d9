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
