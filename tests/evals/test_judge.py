"""Judge agreement: the computation on hand-built cases, and the real judge against the hand labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.grounding.verify import SupportJudge
from assistant.retrieval.embed import CachedEmbed, Embedder
from evals.judge import (
    GRID,
    Judged,
    Label,
    agreement,
    evaluate_judge,
    judge_all,
    judge_report,
    judge_table,
    load_labels,
    tune,
)


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
    assert Label("s013", "", "", True, "de", "x", split="tune").half == "tune"
    report = judge_report([judged("s002", True, True), judged("s003", False, True, "negation", "en")], 1.0)
    assert report["tune"]["n"] == 1 and report["held_out"]["n"] == 1
    assert report["by_kind"]["negation"]["accuracy"] == 0.0
    assert report["by_lang"]["en"]["n"] == 1
    assert [d["id"] for d in report["disagreements"]] == ["s003"]
    assert "held-out" in judge_table(report)


def test_shipped_labels_load(tmp_path: Path) -> None:
    labels = load_labels()
    assert len(labels) >= 300 and sum(lab.adversarial for lab in labels) >= 100
    assert {lab.lang for lab in labels} == {"de", "en"}
    held = [lab for lab in labels if lab.half == "held_out"]
    assert len(held) == len(labels) // 3 and sum(lab.adversarial for lab in held) >= 30
    assert {lab.kind for lab in labels} >= {"translation", "negation", "wrong_entity", "partial"}
    broken = tmp_path / "labels.jsonl"
    broken.write_text(json.dumps({"id": "s1", "claim": "c"}) + "\n")
    with pytest.raises(ValueError, match="missing field"):
        load_labels(broken)


def test_real_judge_agrees_with_the_hand_labels(embedder: Embedder) -> None:
    """Regression floors, not the targets: the issue's targets (held-out agreement >= 0.95 and no
    adversarial pair judged supported) are not met yet; the printed table says by how much."""
    judge = SupportJudge(embed=CachedEmbed(embedder.embed_texts))
    report = evaluate_judge(judge)
    print("\n" + judge_table(report))
    # the first 89 labels (no adversarial swaps) are where the judge was built: it stays at 0.90 there
    first = [j for j in judge_all(judge, load_labels()) if int(j.item.id[1:]) <= 89]
    assert agreement(first)["accuracy"] >= 0.90
    # measured 2026-12-04 on 364 labels: all 0.802, held-out 0.769, 46 of 148 adversarial judged supported
    assert report["all"]["accuracy"] >= 0.78
    assert report["held_out"]["agreement"] >= 0.74
    assert report["adversarial_supported"] <= 48


def test_threshold_search_uses_only_the_tune_half() -> None:
    labels = load_labels()
    result = tune(SupportJudge(), labels)  # no embedder: lexical features only, fast
    assert set(result["thresholds"]) == set(GRID)
    assert all(result["thresholds"][k] in GRID[k] for k in GRID)
    assert result["combinations"] == 5 * 7 * 5 * 3 * 5
    # relabelling the held-out half cannot change what is chosen
    flipped = [Label(i.id, i.claim, i.passage, not i.label, i.lang, i.kind, i.split) if i.half == "held_out" else i
               for i in labels]
    assert tune(SupportJudge(), flipped) == result
