"""Judge agreement: the computation on hand-built cases, and the real judge against the hand labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.embed import CachedEmbed, Embedder
from assistant.verify import SupportJudge
from evals.judge import GRID, Judged, Label, agreement, evaluate_judge, judge_report, judge_table, load_labels, tune


def judged(item_id: str, label: bool, predicted: bool, kind: str = "paraphrase", lang: str = "de") -> Judged:
    return Judged(Label(item_id, "c", "p", label, lang, kind), predicted, "why")


def test_agreement_counts_the_supported_class() -> None:
    cases = [judged("s1", True, True), judged("s2", True, False), judged("s3", False, True),
             judged("s4", False, False), judged("s5", False, False)]
    a = agreement(cases)
    assert (a["tp"], a["fn"], a["fp"], a["tn"]) == (1, 1, 1, 2)
    assert a["accuracy"] == 0.6 and a["precision"] == 0.5 and a["recall"] == 0.5 and a["f1"] == 0.5


def test_agreement_without_positives_has_no_precision() -> None:
    a = agreement([judged("s1", False, False, "negation")])
    assert a["accuracy"] == 1.0 and a["precision"] is None and a["recall"] is None


def test_halves_split_by_id_parity_and_report_lists_disagreements() -> None:
    assert Label("s002", "", "", True, "de", "x").half == "tune"
    assert Label("s013", "", "", True, "de", "x").half == "held_out"
    report = judge_report([judged("s002", True, True), judged("s003", False, True, "negation", "en")], 1.0)
    assert report["tune"]["n"] == 1 and report["held_out"]["n"] == 1
    assert report["by_kind"]["negation"]["accuracy"] == 0.0
    assert report["by_lang"]["en"]["n"] == 1
    assert [d["id"] for d in report["disagreements"]] == ["s003"]
    assert "held-out" in judge_table(report)


def test_shipped_labels_load(tmp_path: Path) -> None:
    labels = load_labels()
    assert len(labels) == 89
    assert {lab.kind for lab in labels} >= {"translation", "negation", "wrong_entity", "partial"}
    broken = tmp_path / "labels.jsonl"
    broken.write_text(json.dumps({"id": "s1", "claim": "c"}) + "\n")
    with pytest.raises(ValueError, match="missing field"):
        load_labels(broken)


def test_real_judge_agrees_with_the_hand_labels(embedder: Embedder) -> None:
    report = evaluate_judge(SupportJudge(embed=CachedEmbed(embedder.embed_texts)))
    print("\n" + judge_table(report))
    assert report["all"]["accuracy"] >= 0.90
    assert report["held_out"]["accuracy"] >= 0.85  # thresholds were chosen on the other half


def test_threshold_search_uses_only_the_tune_half() -> None:
    labels = load_labels()
    result = tune(SupportJudge(), labels)  # no embedder: lexical features only, fast
    assert set(result["thresholds"]) == set(GRID)
    assert all(result["thresholds"][k] in GRID[k] for k in GRID)
    assert result["combinations"] == 5 * 7 * 5 * 3 * 5
    # relabelling the held-out half cannot change what is chosen
    flipped = [Label(i.id, i.claim, i.passage, not i.label, i.lang, i.kind) if i.half == "held_out" else i
               for i in labels]
    assert tune(SupportJudge(), flipped) == result
