from __future__ import annotations

import json
from pathlib import Path

from assistant.ingest.corpus import content_id, load_articles, parse_text_file, repair_text
from tests.conftest import CORPUS


def test_repair_splits_glued_sentences_and_headings() -> None:
    text = "nicht tödliche Ausrüstung etwa zur Minenräumung.Pjöngjang unterstützt den Krieg."
    assert "Minenräumung. Pjöngjang" in repair_text(text)
    glued = "bestreiten Waffenlieferungen.Nordkorea weist Berichte zurückDas Regime dementiert."
    repaired = repair_text(glued)
    assert "Nordkorea weist Berichte zurück\nDas Regime" in repaired
    assert repaired.startswith("bestreiten Waffenlieferungen.\nNordkorea")


def test_repair_keeps_every_letter_and_digit() -> None:
    text = "Am 1.Januar kamen 12.000 Soldaten.„Wir“ sagte er.iPhone und YouTube bleiben ganz; LinkedIn ist da."
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    assert squeeze(repair_text(text)) == squeeze(text)
    assert "YouTube" in repair_text(text) and "iPhone" in repair_text(text) and "LinkedIn ist" in repair_text(text)


def test_default_corpus_is_repaired() -> None:
    articles, problems = load_articles([CORPUS])
    assert not problems and len(articles) == 2
    text = "\n".join(a.text for a in articles)
    assert "Minenräumung. Pjöngjang" in text
    assert "zurück\nDas nordkoreanische" in text
    titled = [a for a in articles if a.title]
    assert titled[0].title.startswith("Warnung aus Moskau")


def test_front_matter_and_title(tmp_path: Path) -> None:
    raw = "---\ntitle: Ein Titel\ndate: 2024-11-05\nsource: Testblatt\nurl: https://example.org/a\n---\nDer Text.\n"
    article = parse_text_file(raw, "x.md")
    assert article is not None
    assert (article.title, article.date, article.source, article.url) == (
        "Ein Titel", "2024-11-05", "Testblatt", "https://example.org/a")
    assert article.text == "Der Text."


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [json.dumps({"id": "a1", "title": "T", "text": "Eins."}), "{broken", json.dumps({"title": "no text"}),
             json.dumps({"text": "Zwei.", "date": "2024"})]
    path.write_text("\n".join(lines), encoding="utf-8")
    articles, problems = load_articles([path])
    assert [a.text for a in articles] == ["Eins.", "Zwei."]
    assert articles[0].origin.endswith("a.jsonl#a1") and articles[1].origin.endswith("a.jsonl#4")
    assert sorted(p.origin.rsplit(":", 1)[1] for p in problems) == ["2", "3"]


def test_unreadable_files_are_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Titel\n\nEin guter Text.", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Größe".encode("latin-1"))
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    articles, problems = load_articles([tmp_path])
    assert [a.title for a in articles] == ["Titel"]
    reasons = {Path(p.origin).name: p.reason for p in problems}
    assert "not UTF-8" in reasons["latin1.txt"] and "binary" in reasons["binary.txt"]
    assert "empty" in reasons["empty.md"]


def test_content_id_ignores_whitespace() -> None:
    assert content_id("T", "a  b\nc") == content_id("T", "a b c")
    assert content_id("T", "a b") != content_id("T", "a c")
