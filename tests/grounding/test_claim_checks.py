"""The judge's exact checks: places and dates across languages, negation, spellings, swapped roles."""

from __future__ import annotations

from assistant.grounding.claim_checks import (
    Searchable,
    binding_clashes,
    compound_in,
    edit_distance,
    entities,
    fold,
    negated,
    word_found,
)
from assistant.grounding.verify import SupportJudge

PASSAGE = ("Die stellvertretende Pressesprecherin des Pentagons, Sabrina Singh, teilte Reportern im Oktober mit, "
           "dass wahrscheinlich etwa 11.000 nordkoreanische Soldaten in die russische Region Kursk gelangt seien.")


def test_entities_meet_across_languages_and_inflections() -> None:
    de, _ = entities("Nordkoreas Truppen in Moskau, die südkoreanischen Behörden und die Republik Korea")
    en, _ = entities("North Korean troops in Russia, South Korea's government")
    assert de == {"KP", "RU", "KR"} == en
    assert entities("und uns")[0] == set()  # "UN" and "US" only in capitals
    assert entities("UN-Generalversammlung in New York, US-Nachrichtenmagazin")[0] == {"UN", "US"}
    assert entities("im Oktober, on Monday, im Mai")[0] == {"month10", "day1", "month5"}


def test_entities_blank_what_they_matched() -> None:
    keys, rest = entities("Südkorea liefert Kiew Waffen")
    assert keys == {"KR", "UA"}
    assert "Südkorea" not in rest and "Waffen" in rest


def test_negation_cues() -> None:
    assert negated("Südkorea hat Waffenlieferungen ausgeschlossen.")
    assert negated("Both Russia and North Korea deny any arms deliveries.")
    assert negated("Weder die NATO noch die USA bestätigten die Berichte.")
    assert negated("They were guided by long-term interests rather than short-term ones.")
    assert not negated("Diese Entwicklung bereitet nicht nur den NATO-Staaten Sorgen.")
    assert not negated("Russland bestätigt die Waffenlieferungen.")


def test_folded_spellings_meet() -> None:
    assert fold("Charkiw") == fold("Kharkiv")
    assert edit_distance(fold("Wladimir"), fold("Vladimir"), 2) == 0
    assert edit_distance(fold("President"), fold("Präsident"), 2) == 1
    assert edit_distance("belgorod", "brjansk", 2) == 3  # beyond the limit, stops early


def test_compounds_are_found_by_their_parts() -> None:
    assert compound_in("sicherheitsbedroh", "eine bedrohung für die sicherheit")
    assert not compound_in("sicherheitsbedroh", "eine gefahr für die sicherheit")


def test_swapped_roles_clash() -> None:
    passage = "dass russische Truppen in dem Gebiet vorgerückt sind, das von ukrainischen Soldaten kontrolliert wird"
    assert binding_clashes("dass ukrainische Truppen vorgerückt sind", passage) == ["UA trupp"]
    assert binding_clashes("dass russische Truppen vorgerückt sind", passage) == []


def test_judge_rejects_near_misses_without_a_model() -> None:
    judge = SupportJudge()
    claim = "Laut Pentagon sind im Oktober etwa 11.000 nordkoreanische Soldaten in die Region Kursk gelangt."
    assert judge.judge(claim, [PASSAGE]).supported
    for wrong in (claim.replace("11.000", "12.000"), claim.replace("Oktober", "September"),
                  claim.replace("nordkoreanische", "chinesische"),
                  "Laut Pentagon sind im Oktober keine nordkoreanischen Soldaten in die Region Kursk gelangt.",
                  "Laut Pentagon sind im Oktober etwa 11.000 nordkoreanische Soldaten in die Region Belgorod und "
                  "nach Brjansk gelangt."):
        verdict = judge.judge(wrong, [PASSAGE])
        assert not verdict.supported, wrong
        assert verdict.reason
    assert not judge.judge(claim, []).supported


def test_a_name_is_not_found_in_a_word_its_stem_cut_short() -> None:
    assert not word_found("Forrest", Searchable("Der Torwart hielt den Elfer von Forr Banega."))
    assert word_found("Pentagon", Searchable("Ein Sprecher des Pentagons sagte …"))
    assert word_found("Nordkorea", Searchable("die Führung Nordkoreas"))
