"""The web chat in a real browser: Debian's chromium driven by Playwright, against a real server."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.retrieval.embed import Embedder
from assistant.web.app import build_app, launch
from tests.conftest import CORPUS, REPO, free_port

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install -y chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PENTAGON = "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?"
SEILBAHN = ("Seilbahn über die Zorge eröffnet\n\n"
            "Die Stadt Nordhausen hat am Samstag ihre neue Seilbahn über das Tal der Zorge eröffnet. "
            "Die neue Seilbahn in Nordhausen hat 42 Gondeln und befördert bis zu 1.800 Fahrgäste pro Stunde, "
            "sagte Bürgermeisterin Henrike Albrecht bei der Eröffnung. "
            "Der Bau der Seilbahn dauerte zweieinhalb Jahre und kostete nach Angaben der Stadtwerke "
            "rund 31 Millionen Euro. Kritiker hatten die Kosten lange bemängelt.\n")
HOSTILE = ("Brückenbau in Quellstadt <script>alert('title')</script>\n\n"
           "Der Gemeinderat von Quellstadt hat den Neubau der Fußgängerbrücke über die Wipper beschlossen. "
           "Die neue Fußgängerbrücke in Quellstadt kostet <script>alert(1)</script> 3,5 Millionen Euro "
           "<img src=x onerror=\"alert(1)\"> und soll 2027 fertig sein <img src=http://127.0.0.1:9/x>. "
           "Mehr dazu <a href=\"javascript:alert(1)\">hier</a> und [dort](javascript:alert(1)). "
           "Die alte Holzbrücke war im Frühjahr wegen morscher Balken gesperrt worden, teilte die Verwaltung mit.\n")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    """Its own index: these tests upload articles, which must not leak into the shared one."""
    data = tmp_path_factory.mktemp("browser") / "data"
    assistant = Assistant(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    assistant.ingest()
    demo = build_app(assistant)
    url = launch(demo, assistant.settings, port=free_port())
    yield url.rstrip("/")
    demo.close()
    assistant.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page with every request URL and every dialog recorded."""

    def __init__(self, browser: object, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")
        # a mutation log shows whether text arrived before the final answer (streaming)
        self.page.evaluate("""() => { window.__streamed = false;
            new MutationObserver(() => { if (document.querySelector('#chat .answer.streaming'))
                window.__streamed = true; }).observe(document.body, {subtree: true, childList: true}); }""")

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def ask(self, question: str) -> dict[str, float]:
        """Type, press Enter, wait for the answer and its sources; milliseconds as the user sees them."""
        page = self.page
        n = len(page.query_selector_all("#chat .answer"))
        page.fill("#question textarea", question)
        started = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function(f"""() => {{ const a = document.querySelectorAll('#chat .answer');
            return a.length > {n} && !a[a.length - 1].classList.contains('waiting'); }}""", timeout=90_000)
        first = time.perf_counter()
        page.wait_for_function(f"() => document.querySelectorAll('#sources-panel .turn').length > {n}",
                               timeout=90_000)
        done = time.perf_counter()
        return {"first_words_ms": (first - started) * 1000, "total_ms": (done - started) * 1000}

    def last_answer(self) -> str:
        return self.page.locator("#chat .answer").last.inner_text()

    def upload(self, path: Path) -> str:
        page = self.page
        page.get_by_role("tab", name="Artikel · Articles").click()
        page.wait_for_selector("#upload", state="visible")
        shown = f"#upload :text('{path.name}')"
        # a file chosen while the tab's panel is still mounting can be dropped by the browser (CI saw
        # it once in many runs): choose it again once; the second miss fails with what the panel shows
        for attempt in (1, 2):
            page.set_input_files("#upload input[type=file]", str(path))
            try:
                page.wait_for_selector(shown, timeout=20_000)
                break
            except sync_api.TimeoutError:
                if attempt == 2:
                    raise AssertionError(f"upload not shown: {page.inner_html('#upload')[:2000]}") from None
        page.click("#ingest")
        page.wait_for_selector("#ingest-report .ingest-report", timeout=120_000)
        report = page.inner_text("#ingest-report")
        page.get_by_role("tab", name="Quellen · Sources").click()
        return report

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def watched(browser: object, app_url: str) -> Iterator[Watched]:
    w = Watched(browser, app_url)
    yield w
    w.close()


def in_view(page: object, selector: str) -> bool:
    return page.evaluate("""(sel) => { const e = document.querySelector(sel); if (!e) return false;
        const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight && r.height > 0; }""",
                         selector)


def test_streamed_answer_and_clickable_source(watched: Watched) -> None:
    page = watched.page
    timings = [watched.ask("Wer warnte Seoul vor Waffenlieferungen an die Ukraine?")]
    assert "Rudenko" in watched.last_answer()
    timings.append(watched.ask("What is the population of Pyongyang?"))
    assert watched.last_answer() == "The articles do not say."
    assert page.locator("#closest-2-1").count() == 1  # what came closest is shown, marked as such
    assert page.locator("#send").inner_text() == "Ask"  # the interface follows the question's language
    timings.append(watched.ask(PENTAGON))
    assert page.locator("#send").inner_text() == "Fragen"
    assert page.evaluate("window.__streamed"), "the answer text never showed before the final answer"
    assert "11.000" in watched.last_answer()

    # the short answer and its sentence both cite [1]: the first link is the short answer's
    page.locator("#chat .answer").last.locator("a.cite", has_text="[1]").first.click()
    page.wait_for_function("() => location.hash === '#src-3-1'")
    card = page.locator("#src-3-1")
    assert card.evaluate("e => e.matches(':target')")
    assert in_view(page, "#src-3-1")
    assert "11.000" in card.locator("mark").first.inner_text()
    assert "Kursk" in card.inner_text()

    # the details toggle shows the understood question and every retrieved passage with its score
    page.click("#details input")
    page.wait_for_selector("#sources-panel details.evidence")
    assert "Verstanden als" in page.inner_text("#sources-panel")
    page.click("#details input")
    page.wait_for_function("() => !document.querySelector('#sources-panel details.evidence')")

    page.evaluate("window.scrollTo(0, 0)")
    # the README's screenshot is refreshed only on request: a test run never rewrites tracked files
    shot = REPO / "docs" / "screenshot.png" if os.environ.get("ASSISTANT_UPDATE_SCREENSHOT") else (
        Path(tempfile.gettempdir()) / "assistant-screenshot.png")
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    first = [t["first_words_ms"] for t in timings]
    total = [t["total_ms"] for t in timings]
    numbers = {"backend": "extractive", "questions": len(timings), "first_words_ms_median": statistics.median(first),
               "total_ms_median": statistics.median(total), "first_words_ms": first, "total_ms": total}
    out = Path(tempfile.gettempdir()) / "web_ui_timings.json"
    out.write_text(json.dumps(numbers, indent=2))
    print(f"\nUI timings (extractive, Enter -> first words / -> sources shown): {json.dumps(numbers)} -> {out}")
    assert not watched.dialogs


def test_uploaded_article_is_answered_and_cited(watched: Watched, tmp_path: Path) -> None:
    article = tmp_path / "Seilbahn Nordhausen.txt"
    article.write_text(SEILBAHN, encoding="utf-8")
    report = watched.upload(article)
    assert "added 1" in report, report
    assert "Seilbahn_Nordhausen.txt" in report  # stored under its sanitised name
    assert "Seilbahn über die Zorge eröffnet" in watched.page.inner_text("#docs-panel")

    watched.ask("Wie viele Gondeln hat die neue Seilbahn in Nordhausen?")
    assert "42 Gondeln" in watched.last_answer()
    card = watched.page.locator("#sources-panel .turn").first.locator(".src-card").first
    assert "Seilbahn über die Zorge eröffnet" in card.inner_text()
    assert "42 Gondeln" in card.locator("mark").first.inner_text()


def test_article_markup_stays_inert_text(watched: Watched, tmp_path: Path, app_url: str) -> None:
    page = watched.page
    article = tmp_path / "quellstadt.md"
    article.write_text(HOSTILE, encoding="utf-8")
    assert "added 1" in watched.upload(article)
    watched.ask("Wie viel kostet die neue Fußgängerbrücke in Quellstadt?")
    page.wait_for_timeout(1500)  # give any injected image or script time to fire

    answer = watched.last_answer()
    assert "3,5 Millionen Euro" in answer
    assert "<script" not in answer and "alert(1)" not in answer  # quotes lose their markup
    panel = page.inner_text("#sources-panel")
    assert "<script>alert(1)</script>" in panel and '<img src=x onerror="alert(1)">' in panel
    assert "<script>alert('title')</script>" in page.inner_text("#docs-panel")
    assert page.get_by_text("<script>alert(1)</script>").first.is_visible()
    assert page.locator("#chat img, #sources-panel img, #docs-panel img").count() == 0
    assert page.locator("#chat script, #sources-panel script, #docs-panel script").count() == 0
    assert page.locator("#sources-panel a[href^='javascript'], #chat a[href^='javascript']").count() == 0

    assert watched.dialogs == []
    foreign = [u for u in watched.requests if not (u.startswith(app_url + "/") or u == app_url)]
    assert foreign == [], foreign
    assert not any(":9/" in u for u in watched.requests)


@pytest.mark.parametrize(("question", "short"), [
    (PENTAGON, "Etwa 11.000 nordkoreanische Soldaten [1]."),
    ("How many North Korean soldiers have reached the Kursk region according to the Pentagon?",
     "About 11,000 North Korean soldiers [1]."),
])
def test_the_short_answer_comes_first_in_the_question_language(watched: Watched, question: str, short: str
                                                               ) -> None:
    page = watched.page
    watched.ask(question)
    answer = page.locator("#chat .answer").last
    first = answer.locator(":scope > *").first
    assert first.evaluate("e => e.classList.contains('short-answer')")
    assert first.inner_text().strip() == short  # bold, on its own line, before the quotes
    assert first.locator("strong").count() == 1
    quotes = answer.locator(".quotes").inner_text()
    assert "etwa 11.000 nordkoreanische Soldaten" in quotes and "„„" not in quotes
    card = page.locator("#sources-panel .turn").first.locator(".src-card").first
    assert "etwa 11.000 nordkoreanische Soldaten" in card.locator("mark").first.inner_text()
    assert not watched.dialogs


def test_near_miss_is_its_own_kind_of_reply(watched: Watched) -> None:
    """Asked about Belarusian soldiers, the articles only know North Korean ones: not an answer, but said."""
    page = watched.page
    watched.ask("Wie viele belarussische Soldaten sind laut Pentagon in die Region Kursk gelangt?")
    reply = page.locator("#chat .answer").last
    assert "near-miss" in (reply.get_attribute("class") or "")
    text = reply.inner_text()
    assert "Nicht beantwortet" in text and "belarussische" in text and "nordkoreanische" in text.lower()
    assert "Kursk" in text  # what the articles do say, quoted

    reply.locator("a.cite", has_text="[1]").click()
    page.wait_for_function("() => location.hash === '#near-1-1'")
    card = page.locator("#near-1-1")
    assert in_view(page, "#near-1-1")
    assert "Kursk" in card.locator("mark").first.inner_text()
    assert page.locator("#src-1-1").count() == 0  # nothing is presented as a source of an answer
    assert not watched.dialogs
