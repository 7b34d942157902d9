"""Bad input: odd questions and bad files each get a clear message; the process and the index survive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant, QuestionError
from tests.test_hostile import assert_well_formed

PENTAGON = "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?"


@pytest.mark.parametrize(("question", "expect"), [
    ("", "Bitte stellen Sie eine Frage"),
    ("   \n\t  ", "Bitte stellen Sie eine Frage"),
    ("\x00\x07\x1b", "Bitte stellen Sie eine Frage"),
    ("?!?... ---", "keine Wörter"),
    ("x" * 100_000, "zu lang (100000 Zeichen, höchstens 2000)"),
    ("how many soldiers " * 5_000, "too long"),
    (None, "must be text"),
    (42, "must be text"),
])
def test_unanswerable_input_gets_a_clear_question_error(default_assistant: Assistant, question: object,
                                                        expect: str) -> None:
    with pytest.raises(QuestionError, match=expect.replace("(", r"\(").replace(")", r"\)")):
        default_assistant.ask(question)  # type: ignore[arg-type]


@pytest.mark.parametrize("question", [
    "Wie viele\x00 nordkoreanische\x07 Soldaten sind laut Pentagon in die Region Kursk\x1b gelangt?",
    "Wie viele nordkoreanische Soldaten \ud800 sind laut Pentagon in die Region Kursk gelangt?",  # lone surrogate
    "Wie viele Soldaten 북한군 Курск 😀 ‮gelangt‬ in die Region Kursk?",  # mixed scripts, bidi override
    "Combien de soldats nord-coréens sont arrivés dans la région de Koursk selon le Pentagone ?",
    "Сколько северокорейских солдат прибыло в Курскую область по данным Пентагона?",
    "Kursk " * 330,  # just under the length limit
    "¿¡ Kursk !?",
    "Wer ist der Präsident von Frankreich?",  # not in the corpus
])
def test_odd_questions_get_an_answer_or_an_abstention(default_assistant: Assistant, question: str) -> None:
    answer = default_assistant.ask(question)
    assert_well_formed(answer)
    if question.startswith("Wie viele nordkoreanische"):  # the noise must not cost the answer
        assert not answer.abstained and "11.000" in answer.text


def test_the_process_survives_all_of_them(default_assistant: Assistant) -> None:
    answer = default_assistant.ask(PENTAGON)
    assert "11.000" in answer.text and answer.citations


GOOD = "Erdbeeren aus Brandenburg\n\nDie Erdbeerernte in Brandenburg fiel in diesem Jahr mit 12.400 Tonnen gut aus. " \
       "Die Bauern verkauften die Früchte vor allem auf Wochenmärkten in Berlin."


def bad_corpus(root: Path, outside: Path) -> dict[str, str]:
    """A folder of good and bad files; returns file name -> the reason expected for it."""
    root.mkdir(parents=True)
    outside.mkdir(parents=True)
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "good2.md").write_text("# Spargel aus Beelitz\n\nDer Spargel aus Beelitz kostete im Mai 9 Euro "
                                   "das Kilo, sagte ein Händler.", encoding="utf-8")
    (root / "latin1.txt").write_bytes("Käse aus Österreich, Übung macht den Meister.".encode("latin-1"))
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.md").write_text("  \n\n\t \n", encoding="utf-8")
    with (root / "huge.txt").open("wb") as f:  # 51 MB, sparse: over max_file_mb without costing the disk
        f.truncate(51 * 1024 * 1024)
    lines = [
        json.dumps({"id": "a1", "title": "Kartoffeln", "text": "Die Kartoffelernte brachte 7.100 Tonnen."}),
        '{"id": "a2", "title": "kaputt", "text": "Die Zeile endet',
        "[1, 2, 3]",
        json.dumps({"id": "a4", "text": 5}),
        "",
        json.dumps({"id": "a6", "title": "Äpfel", "text": "Die Apfelernte im Alten Land lag bei 300.000 Tonnen."}),
        '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}",
        json.dumps({"id": "a8", "text": "   "}),
        '{"id": "a9", "title": "Birnen", "text": "Die Birnenernte \\ud800 war mit 4.000 Tonnen klein."}',
        "nicht einmal JSON",
    ]
    (root / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "scan.pdf").write_bytes(b"%PDF-1.4 not an article")
    (outside / "secret.txt").write_text("Geheim\n\nDieser Text liegt außerhalb des Korpus und darf nicht "
                                        "aufgenommen werden.", encoding="utf-8")
    (root / "link_out.txt").symlink_to(outside / "secret.txt")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    (root / "link_in.txt").symlink_to(root / "good.txt")  # inside the folder: allowed, a duplicate
    (root / "sub").mkdir()
    return {"latin1.txt": "not UTF-8", "binary.txt": "binary file", "empty.txt": "empty file",
            "blank.md": "empty file", "huge.txt": "over the 50 MB limit", "mixed.jsonl:2": "bad line",
            "mixed.jsonl:3": "bad line", "mixed.jsonl:4": "bad line", "mixed.jsonl:7": "nested too deeply",
            "mixed.jsonl:8": "empty text", "mixed.jsonl:10": "bad line",
            "link_out.txt": "symlink points outside", "linked_dir": "symlink points outside"}


def test_bad_files_are_skipped_with_clear_problems_and_nothing_is_lost(make_assistant, tmp_path: Path) -> None:
    root = tmp_path / "korpus"
    expected = bad_corpus(root, tmp_path / "outside")
    assistant: Assistant = make_assistant(corpus_dir=root)
    report = assistant.ingest()
    problems = {p.origin.removeprefix(str(root) + "/"): p.reason for p in report.problems}
    for name, reason in expected.items():
        assert name in problems and reason in problems[name], (name, problems.get(name), problems)
    assert len(problems) == len(expected), problems
    # good.txt, good2.md, lines 1, 6 and 9 of mixed.jsonl; link_in.txt is good.txt again
    assert report.added == 5 and report.duplicates == 1, report
    titles = {d.title for d in assistant.documents()}
    assert titles == {"Erdbeeren aus Brandenburg", "Spargel aus Beelitz", "Kartoffeln", "Äpfel", "Birnen"}
    assert not any("außerhalb" in c.text for c in assistant.store.get_chunks(sorted(assistant.store.chunk_ids()),
                                                                             with_vectors=False).values())
    birnen = next(d for d in assistant.documents() if d.title == "Birnen")
    assert "\ufffd" in assistant.store.get_chunks([f"{birnen.doc_id}-0000"])[f"{birnen.doc_id}-0000"].text
    before = (assistant.store.chunk_ids(), assistant.store.sources())

    again = assistant.ingest()  # the same folder: nothing changes, the same problems are reported
    assert again.unchanged == 6 and again.added == again.removed == again.chunks == 0, again
    assert len(again.problems) == len(expected)
    # the same folder spelled with ../ is the same origins, not duplicates
    dotted = assistant.ingest([root / "sub" / ".."])
    assert dotted.unchanged == 6 and dotted.duplicates == 0 and dotted.added == 0, dotted
    # files named directly: an unsupported type and a missing one get a problem each; the index is untouched
    direct = assistant.ingest([root / "scan.pdf", root / "nope.txt", root / "huge.txt"])
    reasons = " | ".join(p.reason for p in direct.problems)
    assert "unsupported type" in reasons and "no such file" in reasons and "MB limit" in reasons, reasons
    assert direct.removed == 0 and (assistant.store.chunk_ids(), assistant.store.sources()) == before
    answer = assistant.ask("Wie viele Tonnen Erdbeeren wurden in Brandenburg geerntet?")
    assert not answer.abstained and "12.400" in answer.text


def test_cli_ingest_reports_skipped_files_and_exits_cleanly(make_assistant, tmp_path: Path) -> None:
    root = tmp_path / "korpus"
    expected = bad_corpus(root, tmp_path / "outside")
    assistant: Assistant = make_assistant(corpus_dir=root)
    assistant.ingest()  # embeds the good files, so the CLI run below needs no model
    data = assistant.settings.data_dir
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "ingest", str(root)],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    assert "unchanged 6" in out.stdout
    skipped = [line for line in out.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == len(expected), out.stderr
    assert any("mixed.jsonl:7: bad line: JSON nested too deeply" in line for line in skipped), skipped
