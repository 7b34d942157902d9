"""The Gradio web chat: streamed answers with linked [n] markers, source cards, uploads, and ``/ask``.

One ``Assistant`` serves every session (one model load per process). Answers run in
Gradio's queue with ``Settings.concurrency`` workers; uploads take the index for
themselves for the few seconds an ingest needs, so no answer reads a half-written index.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.ingest.ingestor import IngestBusyError
from assistant.language import detect_language
from assistant.retrieval.store import StoreError
from assistant.schema import Answer, QuestionError
from assistant.settings import Settings
from assistant.web.labels import BOTH, CORPUS, label
from assistant.web.render import chat_messages, documents_table, ingest_result, sources_panel
from assistant.web.style import CSS, theme
from assistant.web.upload import store_uploads

log = logging.getLogger(__name__)
HISTORY_TURNS = 4  # follow-ups need the last few exchanges, not the whole session


class ReadWriteLock:
    """Many answers at once, or one ingest; a waiting ingest goes before new answers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


# --- binding safely -----------------------------------------------------------------------
def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise ValueError("ASSISTANT_AUTH must be 'user:password' (both non-empty).")
    return user, password


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name could resolve anywhere


def check_bind(settings: Settings, insecure: bool = False) -> tuple[str, str] | None:
    """The login to require, or ``ValueError`` when a non-loopback bind would be open to anyone."""
    auth = parse_auth(settings.auth)
    if not is_loopback(settings.host) and auth is None and not insecure:
        raise ValueError(
            f"Refusing to serve on {settings.host}: anyone on the network could use it. "
            "Set ASSISTANT_AUTH=user:password, bind 127.0.0.1, or pass --insecure to allow it anyway.")
    return auth


# --- the app --------------------------------------------------------------------------------
class WebChat:
    """The event handlers, around one shared ``Assistant``."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.index_lock = ReadWriteLock()
        self.demo: gr.Blocks | None = None

    # questions ------------------------------------------------------------------------------
    def _waiting(self) -> int:
        # Gradio rejects over-full queues with an English toast; counting its waiting events
        # ourselves lets the chat say "busy" in the question's language instead.
        queue = getattr(self.demo, "_queue", None)
        try:
            return len(queue) if queue is not None else 0
        except TypeError:
            return 0

    def submit(self, question: Any, turns: list[dict] | None, details: bool) -> tuple:
        """Show the question at once and decide whether it goes to the answer queue."""
        turns = list(turns or [])
        text = question if isinstance(question, str) else ""
        lang = detect_language(text) if text.strip() else (turns[-1]["language"] if turns else "de")
        turn: dict[str, Any] = {"question": text.strip(), "language": lang, "answer": None, "error": "",
                                "partial": "", "done": False, "submitted": time.time(), "ui": {}}
        try:
            self.assistant.check_question(text)
        except QuestionError as err:
            turn.update(error=str(err), done=True)
        else:
            waiting = self._waiting()
            if waiting >= self.settings.max_queue:
                turn.update(error=label(lang, "busy", n=waiting), done=True)
        turns.append(turn)
        return (gr.update(value="", placeholder=label(lang, "placeholder")), turns,
                gr.update(value=chat_messages(turns, details), label=label(lang, "chat")),
                gr.update(value=label(lang, "send")), gr.update(label=label(lang, "details")),
                gr.Tabs(selected="sources"))

    def answer(self, turns: list[dict] | None, details: bool) -> Iterator[tuple]:
        """Stream the answer to the last submitted question, then show its sources."""
        turns = list(turns or [])
        if not turns or turns[-1].get("done"):
            yield turns, chat_messages(turns, details), sources_panel(turns, details, _lang(turns))
            return
        turn = turns[-1]
        history = [(t["question"], t["answer"]["text"]) for t in turns[:-1] if t.get("answer")][-HISTORY_TURNS:]
        lang, ui = turn["language"], turn["ui"]
        try:
            with self.index_lock.reading():
                for event in self.assistant.stream(turn["question"], history):
                    if isinstance(event, Answer):
                        turn["answer"] = event.to_dict(full=True)
                        turn["language"] = event.language
                        continue
                    turn["partial"] += event
                    ui.setdefault("first_words_ms", (time.time() - turn["submitted"]) * 1000)
                    yield turns, chat_messages(turns, details), gr.skip()
        except QuestionError as err:
            turn["error"] = str(err)
        except StoreError as err:
            turn["error"] = label(lang, "store_error", detail=str(err))
        except Exception as err:  # the chat shows a plain message; the log keeps the traceback
            log.exception("answering %r failed", turn["question"])
            turn["error"] = label(lang, "failed", kind=type(err).__name__)
        turn["done"] = True
        ui["total_ms"] = (time.time() - turn["submitted"]) * 1000
        log.info("answered in %.0f ms (first words %.0f ms)", ui["total_ms"], ui.get("first_words_ms", -1))
        yield turns, chat_messages(turns, details), sources_panel(turns, details, turn["language"])

    def rerender(self, turns: list[dict] | None, details: bool) -> tuple:
        turns = list(turns or [])
        return chat_messages(turns, details), sources_panel(turns, details, _lang(turns))

    # the API ---------------------------------------------------------------------------------
    def ask(self, question: str, history: str = "") -> dict[str, Any]:
        """Answer a question from the indexed articles.

        Returns {text, abstained, citations}; history is an optional JSON list of [question, answer] pairs.
        """
        try:
            pairs = _history(history)
            with self.index_lock.reading():
                return self.assistant.ask(question, pairs).to_dict()
        except (QuestionError, StoreError) as err:
            raise gr.Error(str(err), print_exception=False) from None

    # the corpus --------------------------------------------------------------------------------
    def documents(self) -> str:
        rows = []
        for doc in self.assistant.documents():
            title = doc.title
            if not title:  # the store titles chunks of untitled articles by their first words
                first = self.assistant.store.get_chunks([f"{doc.doc_id}-0000"], with_vectors=False)
                title = next(iter(first.values())).title if first else Path(doc.origin).name
            rows.append((title, doc.n_chunks, doc.date))
        return documents_table(rows)

    def ingest(self, files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        if not files:
            return self.documents(), ingest_result(CORPUS["no_files"], [], []), gr.skip()
        uploads = self.settings.data_dir / "uploads"
        stored = store_uploads([(Path(f), Path(f).name) for f in files], uploads, self.settings.max_file_mb)
        problems = list(stored.problems)
        summary = "–"
        if stored.paths:
            def report_progress(done: int, total: int) -> None:
                progress((done, total), desc=CORPUS["progress"], unit="chunks")

            try:
                with self.index_lock.writing():
                    report = self.assistant.ingest(stored.paths, progress=report_progress, lock_wait_s=30)
                summary = report.summary()
                problems += [(Path(p.origin).name, p.reason) for p in report.problems]
            except (IngestBusyError, StoreError, RuntimeError) as err:
                summary = CORPUS["busy"] if isinstance(err, IngestBusyError) else str(err)
        return (self.documents(), ingest_result(summary, problems, [p.name for p in stored.paths]),
                gr.update(value=None))


def _lang(turns: list[dict]) -> str:
    return turns[-1]["language"] if turns else BOTH


def _history(raw: str) -> list[tuple[str, str]]:
    """``[[question, answer], ...]`` or ``[{"question", "answer"}, ...]`` as JSON text."""
    if not raw or not raw.strip():
        return []
    try:
        data = json.loads(raw)
        pairs = [(str(p["question"]), str(p["answer"])) if isinstance(p, dict) else (str(p[0]), str(p[1]))
                 for p in data]
    except (ValueError, TypeError, KeyError, IndexError):
        raise QuestionError('history must be a JSON list of [question, answer] pairs') from None
    return pairs[-HISTORY_TURNS:]


def build_app(assistant: Assistant) -> gr.Blocks:
    """The web chat around ``assistant``; start it with ``launch``."""
    s = assistant.settings
    chat = WebChat(assistant)
    with gr.Blocks(title="Nachrichten-Assistent · News assistant", analytics_enabled=False) as demo:
        gr.HTML(f'<div id="app-head"><h1>{label(BOTH, "title")}</h1><p>{label("de", "tagline")}<br>'
                f'{label("en", "tagline")}</p></div>', js_on_load=None)
        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(label=label(BOTH, "chat"), elem_id="chat", height=560, render_markdown=False,
                                     sanitize_html=True, feedback_options=None, buttons=[], layout="bubble",
                                     placeholder=label(BOTH, "no_sources").split(".")[0] + ".")
                with gr.Row():
                    question = gr.Textbox(show_label=False, placeholder=label(BOTH, "placeholder"), scale=6,
                                          max_lines=4, autofocus=True, elem_id="question",
                                          max_length=s.max_question_chars)
                    send = gr.Button(label(BOTH, "send"), variant="primary", scale=1, min_width=90, elem_id="send")
                details = gr.Checkbox(label=label(BOTH, "details"), value=False, elem_id="details")
            with gr.Column(scale=2, min_width=340), gr.Tabs() as tabs:
                with gr.Tab(label(BOTH, "sources"), id="sources", elem_id="sources-tab"):
                    sources = gr.HTML(sources_panel([], False, BOTH), elem_id="sources-panel", js_on_load=None)
                with gr.Tab(label(BOTH, "articles"), id="articles", elem_id="articles-tab"):
                    docs = gr.HTML(chat.documents(), elem_id="docs-panel", js_on_load=None)
                    files = gr.File(label=CORPUS["upload"], file_count="multiple", file_types=[".txt", ".md", ".jsonl"],
                                    type="filepath", elem_id="upload")
                    add = gr.Button(CORPUS["ingest"], elem_id="ingest")
                    report = gr.HTML("", elem_id="ingest-report", js_on_load=None)

        submit_args = {"fn": chat.submit, "inputs": [question, turns, details],
                       "outputs": [question, turns, chatbot, send, details, tabs],
                       "queue": False, "api_visibility": "private"}
        answer_args = {"fn": chat.answer, "inputs": [turns, details], "outputs": [turns, chatbot, sources],
                       "concurrency_id": "answer", "concurrency_limit": s.concurrency, "api_visibility": "private"}
        for trigger in (question.submit, send.click):
            trigger(**submit_args).then(**answer_args)
        chatbot.clear(lambda: ([], sources_panel([], False, BOTH)), None, [turns, sources], queue=False,
                      api_visibility="private")
        details.change(chat.rerender, [turns, details], [chatbot, sources], queue=False, api_visibility="private")
        add.click(chat.ingest, [files], [docs, report, files], concurrency_id="ingest", concurrency_limit=1,
                  api_visibility="private")
        demo.load(chat.documents, None, docs, queue=False, api_visibility="private")
        gr.api(chat.ask, api_name="ask", concurrency_id="answer", concurrency_limit=s.concurrency)
    demo.queue(default_concurrency_limit=s.concurrency, max_size=s.max_queue)
    chat.demo = demo
    return demo


def launch(demo: gr.Blocks, settings: Settings, *, insecure: bool = False, port: int | None = None) -> str:
    """Start serving without blocking; the URL. Refuses an open non-loopback bind (see ``check_bind``)."""
    auth = check_bind(settings, insecure)
    demo.launch(server_name=settings.host, server_port=port or settings.port, auth=[auth] if auth else None,
                auth_message="Nachrichten-Assistent · News assistant", prevent_thread_lock=True, quiet=True,
                show_error=False, max_file_size=f"{settings.max_file_mb}mb", ssr_mode=False, mcp_server=False,
                enable_monitoring=False, run_history=False, footer_links=["api", "settings"], theme=theme(), css=CSS)
    return str(demo.local_url)


def serve(settings: Settings, insecure: bool = False, ingest_first: bool = True) -> None:
    """Ingest the corpus folder (when asked), warm up, serve the chat, and block until stopped."""
    check_bind(settings, insecure)  # fail before loading any model
    assistant = Assistant(settings)
    if ingest_first:
        report = assistant.ingest()
        for problem in report.problems:
            print(f"skipped {problem.origin}: {problem.reason}")
        print(f"ingest {settings.corpus_dir}: {report.summary()}")
    assistant.warm_up()
    demo = build_app(assistant)
    url = launch(demo, settings, insecure=insecure)
    print(f"Web chat running at {url} (Ctrl+C to stop)", flush=True)
    try:
        demo.block_thread()
    finally:
        assistant.close()
