"""Loading articles from files and repairing scraping damage.

Repair only ever inserts or normalises whitespace and drops control characters:
it can split ``zurückDas`` into ``zurück`` / ``Das`` but never changes a letter
or a digit, so every fact in the source survives (a property test checks it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".jsonl")

# Words that start a German or English sentence; a lowercase letter glued to one of
# these ("zurückDas") is a heading that lost its line break. Brand names such as
# "YouTube" or "iPhone" do not end in one of them, so they stay whole.
_STARTERS = (
    "Das Der Die Den Dem Des Ein Eine Einen Einem Einer Es Er Sie Wir Ich Ihr Man "
    "In Im Am An Auf Aus Bei Mit Nach Von Vor Zu Zum Zur Für Gegen Seit Laut Unter Über "
    "Auch Aber Doch Dabei Dazu Damit Denn Deshalb Doch Jedoch Zudem Zuvor Zunächst Trotz "
    "Wie Wo Was Wer Wann Warum Weil Wenn Als Ob Nun Noch Nur Schon So Sowohl Weder "
    "Dies Diese Dieser Dieses Jetzt Heute Gestern Damals Bisher Insgesamt Nachdem Während "
    "The A An This That These Those It He She They We In On At For With From After Before "
    "But And However Meanwhile According"
).split()
_GLUED_HEADING = re.compile(
    r"(?<=[a-zäöüß]{{3}})(?=(?:{}) +[\w„\"])".format("|".join(sorted(set(_STARTERS), key=len, reverse=True))))
_CAMEL_WORDS = frozenset({"LinkedIn", "CheckIn", "LogIn", "PlugIn", "SignIn"})
# sentence end glued to the next sentence: "Minenräumung.Pjöngjang", "sollte.„Wir"
_GLUED_SENTENCE = re.compile(r"(?<=[a-zäöüß)\]][.!?])(?=[„\"“«»]?[A-ZÄÖÜ])|(?<=[a-zäöüß][.!?][“”\"»])(?=[A-ZÄÖÜ„])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
# a lone surrogate ("\\ud800" in a .jsonl line) is not text: the tokenizer and SQLite both reject it
# a lone surrogate cannot be encoded, and the tokenizer raises TypeError on one (tests/test_input_bounds.py)
SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
META_KEYS = ("title", "date", "source", "url")


@dataclass(frozen=True)
class Article:
    """One news article, identified by the hash of its repaired text."""

    text: str
    title: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    origin: str = ""  # file path (and line for .jsonl) it came from
    doc_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.doc_id:
            object.__setattr__(self, "doc_id", content_id(self.title, self.text))


@dataclass(frozen=True)
class LoadProblem:
    """A file or line that could not be ingested; the rest of the corpus still is."""

    origin: str
    reason: str


def content_id(title: str, text: str) -> str:
    # whitespace-insensitive, so a re-scrape with other line breaks is still a duplicate
    canon = re.sub(r"\s+", " ", f"{title}\n{text}").strip()
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:24]


def repair_text(text: str) -> str:
    """Undo common scraping damage without touching any letter or digit."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = SURROGATE.sub("\ufffd", _CONTROL.sub("", text))
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        line = _GLUED_SENTENCE.sub(" ", line)
        lines.append(_split_glued_headings(line))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _split_glued_headings(line: str) -> str:
    """``…Waffenlieferungen. Nordkorea weist … zurückDas …``: the heading gets its own line."""
    cuts = [m.start() for m in _GLUED_HEADING.finditer(line)
            if re.search(r"\S+$", line[: m.start()]).group() + line[m.start():].split(" ", 1)[0] not in _CAMEL_WORDS]
    if not cuts:
        return line
    chars = list(line)
    for cut in cuts:
        # the heading began after the last sentence end before the glue point
        before = [m.end() - 1 for m in re.finditer(r"[.!?“”\"»] ", line[:cut])]
        if before and cut - before[-1] <= 150:
            chars[before[-1]] = "\n"
    out = "".join(chars)
    for shift, cut in enumerate(cuts):
        out = out[: cut + shift] + "\n" + out[cut + shift:]
    return out


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= 200 and not line.endswith((".", ",", ";", ":")) and len(line.split()) <= 30


def _parse_front_matter(raw: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in META_KEYS:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, raw[match.end():]


def parse_text_file(raw: str, origin: str) -> Article | None:
    """A .txt/.md article: optional front matter, then a title line when it looks like one."""
    meta, body = _parse_front_matter(raw)
    body = repair_text(body)
    if not meta.get("title"):
        first, _, rest = body.partition("\n")
        if rest.strip() and _looks_like_title(first):
            meta["title"], body = first.lstrip("# ").strip(), rest.strip()
    if not body:
        return None
    return Article(text=body, origin=origin, **{k: meta.get(k, "") for k in META_KEYS})


def parse_jsonl_line(line: str, origin: str, line_number: int = 0) -> Article | None:
    try:
        obj = json.loads(line)
    except RecursionError:  # "[[[[…" thousands deep: one bad line, not a crashed ingest (tests/test_input_bounds.py)
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ValueError("needs an object with a string field 'text'")
    text = repair_text(obj["text"])
    if not text:
        return None
    meta = {k: str(obj.get(k) or "") for k in META_KEYS}
    meta["title"] = repair_text(meta["title"])
    return Article(text=text, origin=f"{origin}#{obj.get('id') or line_number}", **meta)


def iter_files(paths: Iterable[Path], problems: list[LoadProblem]) -> Iterator[Path]:
    """Supported files under the given paths; links leading out of a folder are refused."""
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                if child.is_symlink() and not child.resolve().is_relative_to(root):
                    problems.append(LoadProblem(str(child), "symlink points outside the corpus folder"))
                elif child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path
            else:
                problems.append(LoadProblem(str(path), f"unsupported type (use {', '.join(SUPPORTED_SUFFIXES)})"))
        else:
            problems.append(LoadProblem(str(path), "no such file or folder"))


def _read_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 (byte {err.start}); convert it with iconv -t utf-8") from None


def absolute(path: Path) -> Path:
    """Absolute and without ``..``: ``corpus/../corpus/a.txt`` must be the same origin as ``corpus/a.txt``,
    or a second ingest counts every file again as a duplicate (tests/test_input_bounds.py)."""
    return Path(os.path.abspath(path))


def iter_articles(paths: Iterable[Path], problems: list[LoadProblem], max_file_mb: int = 50) -> Iterator[Article]:
    """Every article under ``paths``, one at a time, so a large corpus is never all in memory;
    what could not be read goes to ``problems``."""
    for path in iter_files([absolute(p) for p in paths], problems):
        origin = str(path)
        try:
            raw = _read_text(path, max_file_mb * 1_000_000)
        except (OSError, ValueError) as err:
            problems.append(LoadProblem(origin, str(err)))
            continue
        if path.suffix.lower() == ".jsonl":
            for number, line in enumerate(raw.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    article = parse_jsonl_line(line, origin, number)
                except (ValueError, TypeError) as err:
                    problems.append(LoadProblem(f"{origin}:{number}", f"bad line: {err}"))
                    continue
                if article is None:
                    problems.append(LoadProblem(f"{origin}:{number}", "empty text"))
                else:
                    yield article
        else:
            article = parse_text_file(raw, origin)
            if article is None:
                problems.append(LoadProblem(origin, "empty file"))
            else:
                yield article


def load_articles(paths: Iterable[Path], max_file_mb: int = 50) -> tuple[list[Article], list[LoadProblem]]:
    """Every article under ``paths`` as a list, plus what could not be read and why."""
    problems: list[LoadProblem] = []
    articles = list(iter_articles(paths, problems, max_file_mb))
    return articles, problems
