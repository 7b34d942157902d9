"""Grading and metrics on small hand-built answers (real ``Answer``/``Citation``, real ``SupportJudge``)."""

from __future__ import annotations

import pytest

from assistant.grounding.verify import SupportJudge
from assistant.schema import Answer, Citation
from evals.floors import check, load_thresholds
from evals.gold import GoldQuestion
from evals.metrics import (
    CitationGrader,
    breakdown,
    contains_quote,
    evidence_rank,
    fact_groups_found,
    grade,
    normalize,
    summarize,
)

KURSK = ("Die stellvertretende Pressesprecherin des Pentagons, Sabrina Singh, teilte mit, dass wahrscheinlich "
         "etwa 11.000 nordkoreanische Soldaten in die russische Region Kursk gelangt seien.")
FRONT = "Insgesamt sollen dem Vernehmen nach sogar bis zu 12.000 Soldaten an die Front geschickt werden."
OTHER = "Der Kreml äußerte sich am Montag nicht zu den Berichten über die Truppen."


def cite(number: int, text: str, doc: str = "d1", start: int = 0) -> Citation:
    return Citation(number=number, doc_id=doc, title=f"T{doc}", text=text, score=0.9, start=start,
                    end=start + len(text), quote=text)


def gold(qid: str = "g1", answerable: bool = True, lang: str = "de",
         facts: tuple[tuple[str, ...], ...] = (("11.000", "11000"), ("Kursk",)),
         evidence: tuple[str, ...] = ("etwa 11.000 nordkoreanische Soldaten in die russische Region Kursk",)
         ) -> GoldQuestion:
    if not answerable:
        facts, evidence = (), ()
    return GoldQuestion(qid, lang, answerable, "Wie viele Soldaten sind in Kursk?", facts, evidence, (), "single")


def answer(text: str, citations: list[Citation], abstained: bool = False,
           evidence: list[Citation] | None = None) -> Answer:
    return Answer(text, citations, abstained, evidence=evidence if evidence is not None else citations)


@pytest.fixture
def grader() -> CitationGrader:
    return CitationGrader(SupportJudge(embed=None))


def test_normalize_ignores_case_and_thousands_separators() -> None:
    assert normalize("Etwa 11.000  Soldaten") == normalize("etwa 11,000 soldaten") == "etwa 11000 soldaten"
    assert normalize("1,5 Millionen") == "1,5 millionen"  # a decimal comma is not a separator
    assert fact_groups_found("Rund 11000 Soldaten in KURSK", [["11.000"], ["Kursk"], ["Pentagon"]]) == [
        True, True, False]


def test_quotes_match_ignoring_whitespace() -> None:
    assert contains_quote("etwa 11.000\nnordkoreanische   Soldaten", ["etwa 11.000 nordkoreanische Soldaten"])
    assert not contains_quote("etwa 12.000 nordkoreanische Soldaten", ["etwa 11.000 nordkoreanische"])


def test_evidence_rank_counts_distinct_passages() -> None:
    other, kursk = cite(1, OTHER, "d2"), cite(2, KURSK)
    # two sentences of the same passage count as one passage
    ranked = [other, cite(2, OTHER, "d2"), kursk]
    assert evidence_rank(ranked, gold().evidence) == 2
    assert evidence_rank([other], gold().evidence) is None


def test_correct_cited_answer(grader: CitationGrader) -> None:
    a = answer(f"{KURSK} [1]", [cite(1, KURSK)])
    r = grade(a, gold(), grader, "extractive", 12.0)
    assert r.correct and not r.hallucinated and r.rank == 1
    assert [s.supported for s in r.sentences] == [True]
    assert [c.supports for c in r.sentences[0].citations] == [True]


def test_wrong_number_is_a_hallucination_with_unsupported_citation(grader: CitationGrader) -> None:
    text = "Etwa 12.000 nordkoreanische Soldaten sind in die Region Kursk gelangt [1]."
    r = grade(answer(text, [cite(1, KURSK)]), gold(), grader, "local", 5.0)
    assert not r.correct and r.hallucinated
    assert r.facts == [False, True]
    assert not r.sentences[0].supported and not r.sentences[0].citations[0].supports


def test_irrelevant_second_citation_lowers_precision_not_recall(grader: CitationGrader) -> None:
    a = answer(f"{KURSK} [1] [2]", [cite(1, KURSK), cite(2, OTHER, "d2")])
    r = grade(a, gold(), grader, "extractive", 1.0)
    (sentence,) = r.sentences
    assert sentence.supported
    assert [c.supports for c in sentence.citations] == [True, False]
    m = summarize([r])
    assert m["verifier_self_agreement_recall"] == 1.0 and m["verifier_self_agreement_precision"] == 0.5
    # graded against the gold evidence too, without the product's judge
    assert m["citation_recall_gold"] == 1.0 and m["citation_precision_gold"] == 0.5


def test_uncited_sentence_is_unsupported(grader: CitationGrader) -> None:
    a = answer(f"{KURSK} [1] Das ist alles.", [cite(1, KURSK)])
    r = grade(a, gold(), grader, "extractive", 1.0)
    assert [s.supported for s in r.sentences] == [True, False]
    assert r.sentences[1].reason == "no citation"
    assert summarize([r])["verifier_self_agreement_recall"] == 0.5
    assert summarize([r])["citation_recall_gold"] == 1.0  # "Das ist alles." states no gold fact


def test_gold_evidence_supports_a_cross_language_sentence(grader: CitationGrader) -> None:
    # without an embedder the lexical judge cannot read English against German; the gold quote can
    text = "According to the Pentagon, about 11,000 North Korean soldiers reached Kursk [1]."
    r = grade(answer(text, [cite(1, KURSK)]), gold(lang="en"), grader, "local", 1.0)
    assert r.sentences[0].supported
    # but not when the sentence brings a number the passage does not have
    text = "About 11,000 soldiers reached Kursk in 2023 [1]."
    assert not grade(answer(text, [cite(1, KURSK)]), gold(lang="en"), grader, "local", 1.0).sentences[0].supported


def test_summary_rates_over_a_mixed_set(grader: CitationGrader) -> None:
    right = grade(answer(f"{KURSK} [1]", [cite(1, KURSK)]), gold("a"), grader, "extractive", 100.0)
    wrongly_abstained = grade(answer("Dazu finde ich nichts.", [], True, [cite(1, OTHER, "d2"), cite(2, KURSK)]),
                              gold("b"), grader, "extractive", 200.0)
    answered_unanswerable = grade(answer(f"{FRONT} [1]", [cite(1, FRONT)]), gold("c", answerable=False),
                                  grader, "extractive", 300.0)
    abstained_unanswerable = grade(answer("Dazu finde ich nichts.", [], True), gold("d", answerable=False),
                                   grader, "extractive", 400.0)
    m = summarize([right, wrongly_abstained, answered_unanswerable, abstained_unanswerable])
    assert (m["questions"], m["answerable"], m["unanswerable"]) == (4, 2, 2)
    assert m["fact_accuracy"] == 0.5
    assert m["wrong_abstention"] == 0.5
    assert m["abstention"] == 0.5
    assert m["hallucination"] == 0.25  # the answered unanswerable one, over all four
    assert m["accuracy"] == 0.5 and m["crag_score"] == 0.25
    assert m["recall@1"] == 0.5 and m["recall@3"] == 1.0 and m["mrr"] == 0.75
    assert m["latency_p50_ms"] == 250.0
    assert m["citations"] == 2  # abstentions have no sentences to judge


def test_rates_without_cases_are_none_and_breakdown_splits_languages(grader: CitationGrader) -> None:
    de = grade(answer(f"{KURSK} [1]", [cite(1, KURSK)]), gold("a"), grader, "extractive", 1.0)
    en = grade(answer("The articles do not say.", [], True), gold("b", answerable=False, lang="en"), grader,
               "extractive", 1.0)
    parts = breakdown([de, en])
    assert set(parts["extractive"]) == {"all", "de", "en"}
    assert parts["extractive"]["de"]["abstention"] is None
    assert parts["extractive"]["en"]["fact_accuracy"] is None
    assert parts["extractive"]["all"]["questions"] == 2


def test_gold_citation_grade_needs_the_facts_evidence_in_the_cited_passage(grader: CitationGrader) -> None:
    """A citation to a passage without the gold evidence is wrong even when the sentence is right."""
    a = answer(f"{KURSK} [1] [2]", [cite(1, OTHER, "d2"), cite(2, KURSK)])
    r = grade(a, gold(), grader, "extractive", 1.0)
    (sentence,) = r.gold_citations
    assert sentence.facts == (0, 1) and sentence.correct == (False, True)
    wrong = grade(answer(f"{KURSK} [1]", [cite(1, OTHER, "d2")]), gold("b"), grader, "extractive", 1.0)
    m = summarize([r, wrong])
    assert m["citation_precision_gold"] == round(1 / 3, 4) and m["citation_recall_gold"] == 0.5


def test_fallback_rate_counts_replaced_answers(grader: CitationGrader) -> None:
    replaced = Answer(f"{KURSK} [1]", [cite(1, KURSK)], False, fallback=True)
    r = grade(replaced, gold(), grader, "local", 1.0)
    kept = grade(answer(f"{KURSK} [1]", [cite(1, KURSK)]), gold("b"), grader, "local", 1.0)
    assert r.fallback and summarize([r, kept])["fallback_rate"] == 0.5


def test_gate_lists_every_missed_bound(grader: CitationGrader) -> None:
    wrong = grade(answer("Etwa 12.000 Soldaten [1].", [cite(1, KURSK)]), gold("a"), grader, "extractive", 1.0)
    failures = check(breakdown([wrong]), "default", load_thresholds())
    missed = {f.bound.metric for f in failures}
    # abstention has no unanswerable case here: a metric that cannot be measured fails, it is not skipped
    assert {"fact_accuracy", "abstention"} <= missed
    assert "wrong_abstention" not in missed
    assert any(str(f).startswith("extractive: fact_accuracy = 0.000: target >= 0.90") for f in failures)
    with pytest.raises(ValueError, match="no thresholds"):
        check(breakdown([wrong]), "nope", load_thresholds())


def test_direct_needs_every_fact_in_the_first_200_characters(grader: CitationGrader) -> None:
    first = grade(answer(f"{KURSK} [1]", [cite(1, KURSK)]), gold("a"), grader, "extractive", 1.0)
    late = grade(answer(f"{OTHER} [1] {FRONT} {OTHER} {KURSK} [2]", [cite(1, OTHER), cite(2, KURSK)]),
                 gold("b"), grader, "extractive", 1.0)
    assert first.direct and first.correct
    assert late.correct and not late.direct
    assert summarize([first, late])["direct"] == 0.5
