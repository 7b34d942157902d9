"""The gold loader: the shipped file is valid, and every kind of broken line is reported with its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.gold import DEFAULT_GOLD, GoldError, load_gold, parse_gold
from evals.run import spread

GOOD = {"id": "x1", "lang": "de", "answerable": True, "question": "Wie viele?", "answer_facts": [["11.000"]],
        "evidence": ["etwa 11.000"], "history": [["Wer?", "Singh."]], "type": "followup"}


def line(**changes: object) -> str:
    return json.dumps({**GOOD, **changes})


def test_shipped_gold_file_is_valid() -> None:
    questions = load_gold()
    assert len(questions) == 115
    assert {q.lang for q in questions} == {"de", "en"}
    assert all(q.answer_facts and q.evidence for q in questions if q.answerable)
    assert all(not q.answer_facts for q in questions if not q.answerable)
    assert any(q.history for q in questions)


def test_parse_keeps_fields_as_tuples() -> None:
    (q,) = parse_gold([line()])
    assert q.answer_facts == (("11.000",),)
    assert q.history == (("Wer?", "Singh."),)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"lang": "fr"}, "'lang'"),
    ({"answerable": "yes"}, "'answerable'"),
    ({"question": ""}, "'question'"),
    ({"answer_facts": [[]]}, "'answer_facts'"),
    ({"answer_facts": []}, "at least one answer fact"),
    ({"answerable": False}, "unanswerable question has no answer facts"),
    ({"history": [["only one"]]}, "'history'"),
    ({"evidence": "etwa"}, "'evidence'"),
])
def test_invalid_lines_are_reported_with_line_number(changes: dict[str, object], expected: str) -> None:
    with pytest.raises(GoldError) as err:
        parse_gold([line(id="ok"), line(**changes)], "g.jsonl")
    assert "g.jsonl:2:" in str(err.value)
    assert expected in str(err.value)


def test_duplicate_ids_and_bad_json_are_reported_together() -> None:
    with pytest.raises(GoldError) as err:
        parse_gold([line(), line(), "{not json"], "g.jsonl")
    text = str(err.value)
    assert "g.jsonl:2: duplicate id 'x1'" in text
    assert "g.jsonl:3: not JSON" in text


def test_empty_or_missing_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(GoldError, match="no questions"):
        load_gold(empty)
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(tmp_path / "missing.jsonl")


def test_limit_spreads_over_the_file() -> None:
    questions = load_gold(DEFAULT_GOLD)
    picked = spread(questions, 10)
    assert len(picked) == 10
    assert picked[0] is questions[0]
    assert any(not q.answerable for q in picked)  # unanswerable ones sit at the end of the file
    assert spread(questions, None) == questions
    assert spread(questions, 500) == questions
