"""The web chat against a real Gradio server on loopback, driven by gradio_client."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError

from assistant import Assistant, Citation, Settings
from assistant.web.app import WebChat, build_app, check_bind, is_loopback, launch, parse_auth, serve
from assistant.web.upload import UploadError, check_upload, safe_name, store_uploads
from tests.conftest import free_port

PENTAGON = "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?"
WARNED = "Wer warnte Seoul vor Waffenlieferungen an die Ukraine?"
FOLLOW_UP = "Welche Funktion hat er?"


def start(assistant: Assistant, **launch_kw: object) -> tuple[object, str]:
    demo = build_app(assistant)
    url = launch(demo, assistant.settings, port=free_port(), **launch_kw)
    return demo, url


def connect(url: str, **kw: object) -> Client:
    return Client(url, verbose=False, analytics_enabled=False, download_files=False, **kw)


@pytest.fixture(scope="module")
def server(default_assistant: Assistant) -> Iterator[str]:
    demo, url = start(default_assistant)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def client(server: str) -> Client:
    return connect(server)


def ask(client: Client, question: str, history: str = "") -> dict:
    return client.predict(question=question, history=history, api_name="/ask")


# --- answers -----------------------------------------------------------------------------------
def test_pentagon_question_is_answered_with_its_source(client: Client) -> None:
    result = ask(client, PENTAGON)
    assert not result["abstained"]
    assert "11.000" in result["text"]
    assert "[1]" in result["text"]
    assert any("11.000" in c["text"] and "11.000" in c["quote"] for c in result["citations"])


def test_unknown_fact_abstains(client: Client) -> None:
    result = ask(client, "What is the population of Pyongyang?")
    assert result["abstained"]
    assert result["citations"] == []
    assert result["text"] == "The articles do not say."


def test_follow_up_uses_history(client: Client) -> None:
    first = ask(client, WARNED)
    assert "Rudenko" in first["text"]
    second = ask(client, FOLLOW_UP, json.dumps([[WARNED, first["text"]]], ensure_ascii=False))
    assert not second["abstained"]
    assert "Vize-Außenminister" in second["text"]
    # history also accepted as objects
    third = ask(client, FOLLOW_UP, json.dumps([{"question": WARNED, "answer": first["text"]}]))
    assert third["text"] == second["text"]


def test_ask_returns_answer_json(client: Client) -> None:
    result = ask(client, PENTAGON)
    assert set(result) == {"text", "abstained", "citations", "nearest", "short_answer", "short_answers"}
    assert result["short_answer"]["text"] == "Etwa 11.000 nordkoreanische Soldaten"
    assert isinstance(result["text"], str) and isinstance(result["abstained"], bool)
    names = {f.name for f in fields(Citation)}
    for number, c in enumerate(result["citations"], start=1):
        assert set(c) == names
        assert c["number"] == number
        assert c["text"][c["highlight_start"]:c["highlight_end"]] == c["quote"]
        assert f"[{number}]" in result["text"]


def test_empty_question_gets_a_clear_message(client: Client) -> None:
    with pytest.raises(AppError, match="Bitte stellen Sie eine Frage"):
        ask(client, "   ")
    with pytest.raises(AppError, match="JSON list"):
        ask(client, PENTAGON, history="not json")


def test_web_chat_handlers_stream_and_render(default_assistant: Assistant) -> None:
    """The UI's own handlers (the same ones the browser triggers): streamed text, then cards."""
    demo = build_app(default_assistant)
    chat = WebChat(default_assistant)
    chat.demo = demo
    _, turns, *_ = chat.submit(PENTAGON, [], False)
    steps = list(chat.answer(turns, True))
    turns, messages, panel = steps[-1]
    answer_html = messages[-1]["content"]
    assert '<a class="cite" href="#src-1-1"' in answer_html
    # the short answer in bold on its own line, the quotes below it
    assert answer_html.startswith('<div class="answer"><p class="short-answer"><strong>Etwa 11.000 nordkoreanische '
                                  'Soldaten <a class="cite" href="#src-1-1"')
    assert '<div class="quotes">' in answer_html
    assert "Verstanden als" in answer_html
    assert 'id="src-1-1"' in panel and "<mark>" in panel and "11.000" in panel
    assert "Alle Fundstellen" in panel
    assert turns[-1]["ui"]["total_ms"] >= turns[-1]["ui"]["first_words_ms"] > 0
    # a bad question lands in the chat as a message, and never reaches the answer queue
    _, turns, chatbot, *_ = chat.submit("", turns, False)
    assert turns[-1]["done"] and "Bitte stellen Sie eine Frage" in chatbot["value"][-1]["content"]
    # an English question switches the interface to English
    _, turns, chatbot, send, *_ = chat.submit("What is the population of Pyongyang?", turns, False)
    assert send["value"] == "Ask" and chatbot["label"] == "Conversation"
    turns, messages, panel = list(chat.answer(turns, False))[-1]
    assert "The articles do not say." in messages[-1]["content"]
    assert "These passages came closest" in panel and 'id="closest-3-1"' in panel


def test_full_queue_says_busy_in_the_question_language(default_assistant: Assistant) -> None:
    settings = default_assistant.settings.model_copy(update={"max_queue": 0})
    chat = WebChat(Assistant(settings, embedder=default_assistant.embedder))
    chat.demo = build_app(chat.assistant)
    _, turns, chatbot, *_ = chat.submit("How many soldiers reached Kursk?", [], False)
    assert turns[-1]["done"]
    assert "Too many questions" in chatbot["value"][-1]["content"]
    chat.assistant.close()


def test_overload_is_rejected_quickly_not_hung(default_assistant: Assistant) -> None:
    settings = default_assistant.settings.model_copy(update={"concurrency": 1, "max_queue": 1})
    assistant = Assistant(settings, embedder=default_assistant.embedder)
    demo, url = start(assistant)
    outcomes: list[str] = []
    clients = [connect(url) for _ in range(8)]
    barrier = threading.Barrier(len(clients))

    def one(client: Client) -> None:
        barrier.wait(30)
        try:
            ask(client, PENTAGON)
            outcomes.append("answered")
        except Exception as err:  # recording what the client saw
            outcomes.append(f"rejected: {err}")

    try:
        threads = [threading.Thread(target=one, args=(c,)) for c in clients]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        elapsed = time.monotonic() - started
    finally:
        demo.close()
        assistant.close()
    assert len(outcomes) == 8, "a request hung"
    assert "answered" in outcomes
    rejected = [o for o in outcomes if o != "answered"]
    assert rejected and all("Queue is full" in o for o in rejected), outcomes
    print(f"overload: {len(outcomes) - len(rejected)} answered, {len(rejected)} rejected in {elapsed:.1f} s")


def test_store_down_gives_a_clear_error(make_assistant, chroma_server, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kursk.txt").write_text(
        "Soldaten in Kursk\n\nDie Pentagon-Sprecherin sagte, etwa 11.000 nordkoreanische Soldaten seien in Kursk. "
        "Die Angaben ließen sich zunächst nicht unabhängig überprüfen, hieß es weiter aus Washington.",
        encoding="utf-8")
    assistant = make_assistant(chroma_url=chroma_server.url, corpus_dir=corpus, chroma_timeout_s=3.0)
    assistant.ingest()
    demo, url = start(assistant)
    try:
        assert "11.000" in ask(connect(url), "Wie viele Soldaten sind in Kursk?")["text"]
        chroma_server.stop()
        with pytest.raises(AppError, match="Chroma"):
            ask(connect(url), "Wie viele Soldaten sind in Kursk?")
        chat = WebChat(assistant)
        chat.demo = demo
        _, turns, *_ = chat.submit("Wie viele Soldaten sind in Kursk?", [], False)
        turns, messages, _ = list(chat.answer(turns, False))[-1]
        assert "Der Index ist gerade nicht erreichbar" in messages[-1]["content"]
        assert "Traceback" not in messages[-1]["content"]
    finally:
        demo.close()


# --- binding -------------------------------------------------------------------------------------
def test_non_loopback_bind_needs_auth(default_assistant: Assistant) -> None:
    open_bind = Settings(host="0.0.0.0")
    with pytest.raises(ValueError, match="ASSISTANT_AUTH"):
        check_bind(open_bind)
    with pytest.raises(ValueError, match="ASSISTANT_AUTH"):
        serve(open_bind)  # refuses before loading anything
    with pytest.raises(ValueError, match="ASSISTANT_AUTH"):
        launch(build_app(default_assistant), open_bind, port=free_port())
    assert check_bind(open_bind, insecure=True) is None
    assert check_bind(Settings(host="0.0.0.0", auth="ada:secret")) == ("ada", "secret")
    for bad in ("ada", ":secret", "ada:"):
        with pytest.raises(ValueError, match="user:password"):
            parse_auth(bad)
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.10", "example.org", "::"))


def test_auth_is_enforced(default_assistant: Assistant) -> None:
    settings = default_assistant.settings.model_copy(update={"auth": "ada:s3cret"})
    assistant = Assistant(settings, embedder=default_assistant.embedder)
    demo, url = start(assistant)
    try:
        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            ask(connect(url), PENTAGON)
        with pytest.raises(ValueError, match="Could not login"):
            connect(url, auth=("ada", "wrong"))
        assert "11.000" in ask(connect(url, auth=("ada", "s3cret")), PENTAGON)["text"]
    finally:
        demo.close()
        assistant.close()


# --- uploads -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("bericht.txt", "bericht.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\win.ini.md", "win.ini.md"),
    (".hidden.txt", "hidden.txt"),
    ("a b<script>alert(1).txt", "a_b_script_alert_1.txt"),
    ("x<script>alert(1)</script>.txt", "script.txt"),  # "/" separates folders, whatever surrounds it
    ("Bericht über Kursk.TXT", "Bericht_uber_Kursk.txt"),
    ("...", "upload"),
    ("", "upload"),
    ("x\x00y.jsonl", "x_y.jsonl"),
])
def test_safe_name(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


def test_safe_name_is_bounded_and_keeps_suffix() -> None:
    name = safe_name("ä" * 300 + ".md")
    assert len(name) <= 80 and name.endswith(".md")
    long = safe_name("n" * 300 + ".jsonl")
    assert len(long) == 80 and long.endswith(".jsonl")


def test_upload_checks(tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text("Ein Artikel.", encoding="utf-8")
    check_upload(ok, "ok.txt", max_mb=1)
    for name in ("evil.html", "tool.exe", "noext", "page.txt.html"):
        with pytest.raises(UploadError, match="unsupported type"):
            check_upload(ok, name, max_mb=1)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1_000_001)
    with pytest.raises(UploadError, match="too large"):
        check_upload(big, "big.txt", max_mb=1)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="empty"):
        check_upload(empty, "empty.md", max_mb=1)


def test_store_uploads_only_under_uploads_dir(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    a, b, bad = src / "a.txt", src / "b.txt", src / "c.html"
    a.write_text("Erster Artikel.", encoding="utf-8")
    b.write_text("Zweiter Artikel.", encoding="utf-8")
    bad.write_text("<p>nein</p>", encoding="utf-8")
    uploads = tmp_path / "data" / "uploads"
    stored = store_uploads([(a, "../../x.txt"), (a, "x.txt"), (b, "x.txt"), (bad, "c.html")], uploads, max_mb=1)
    assert [p.name for p in stored.paths] == ["x.txt", "x.txt", "x-2.txt"]
    assert all(p.parent == uploads.resolve() for p in stored.paths)
    assert sorted(p.name for p in uploads.iterdir()) == ["x-2.txt", "x.txt"]
    assert stored.problems == [("c.html", "unsupported type .html: use .txt, .md, .jsonl")]
    assert not (tmp_path / "x.txt").exists()
