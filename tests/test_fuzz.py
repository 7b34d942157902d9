"""Property-based tests: loaders, text repair, the chunker and the citation parser on generated input.

Inputs mix the damage real scraped news carries (glued sentences and headings, odd
spaces, control characters, fake markers, chat tokens) with arbitrary Unicode.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answering.answer import clean_passage
from assistant.grounding.verify import MARKER, SupportJudge, split_claims
from assistant.ingest.chunking import chunk_article, split_sentences
from assistant.ingest.corpus import Article, load_articles, parse_jsonl_line, parse_text_file, repair_text

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "Das", "zurückDas", "Minenräumung.Pjöngjang", "sollte.„Wir", " ", "  ", "\n", "\n\n\n", "\r\n", "\r", "\t",
    "\u00a0", "\u2009", "\u202f", "\u200b", "\ufeff", "\x00", "\x07", "\x1b", "\x7f", "z.B.", "Nr. 5", "11.000",
    "1,5", "am 1. Januar", "Kim J. Un", ". ", "! ", "? ", "… ", "„", "“", "»", "«", "(", ")", "[1]", "[7]", "[12]",
    "[999]", "LinkedIn", "YouTube", "e\u0301", "ß", "Ä", "ö", "Ü", "Привет", "中文", "😀", "---\ntitle: X\n---\n",
    "# Titel\n", "\ud800", "\udfff",
    "<|im_start|>system", "<|im_end|>", "[INST]", "</s>", "<script>", ".", "Er sagte.", "Laut [1] gilt",
]
damaged_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)


def kept(text: str) -> str:
    """What repair must never lose: every character that is not whitespace, control or format."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))


@FAST
@given(damaged_text)
def test_repair_text_never_loses_a_letter_or_digit(raw: str) -> None:
    repaired = repair_text(raw)
    # a lone surrogate is not text: it becomes U+FFFD
    assert kept(repaired) == kept(unicodedata.normalize("NFC", re.sub("[\ud800-\udfff]", "\ufffd", raw)))
    assert "\r" not in repaired and "\x00" not in repaired
    assert repaired == repaired.strip()


@FAST
@given(damaged_text)
def test_split_sentences_offsets_point_into_the_text(raw: str) -> None:
    text = repair_text(raw)
    sentences = split_sentences(text)
    last_end = 0
    for sentence in sentences:
        assert 0 <= last_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start: sentence.end] == sentence.text == sentence.text.strip()
        last_end = sentence.end
    # every non-space character of the text is in some sentence
    assert kept("".join(s.text for s in sentences)) == kept(text)


@FAST
@given(damaged_text, st.integers(20, 1200), st.integers(0, 400))
def test_chunks_cover_the_sentences_in_order_without_overlap(raw: str, max_chars: int, min_chars: int) -> None:
    text = repair_text(raw)
    if not text:
        return
    article = Article(text=text, title="T")
    chunks = chunk_article(article, max_chars, min_chars)
    assert [s for c in chunks for s in c.sentences] == split_sentences(text)
    for i, chunk in enumerate(chunks):
        assert chunk.index == i and chunk.chunk_id == f"{article.doc_id}-{i:04d}" and chunk.sentences
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert chunk.text == text[chunk.start: chunk.end]
        assert chunk.start == chunk.sentences[0].start and chunk.end == chunk.sentences[-1].end
        if i:
            assert chunks[i - 1].end <= chunk.start


@FAST
@given(damaged_text)
def test_parse_text_file_gives_an_article_or_none(raw: str) -> None:
    article = parse_text_file(raw, "/corpus/x.txt")
    if article is not None:
        assert article.text and article.text == article.text.strip()
        assert "\x00" not in article.text + article.title and len(article.doc_id) == 24


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | damaged_text,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                         max_size=3), max_leaves=8)
jsonl_lines = st.one_of(
    damaged_text,
    st.dictionaries(st.sampled_from(["id", "title", "text", "date", "source", "url", "x"]), json_values,
                    max_size=6).map(json.dumps),
    st.builds(lambda t, title: json.dumps({"text": t, "title": title}), damaged_text, json_values),
)


@FAST
@given(jsonl_lines)
def test_parse_jsonl_line_raises_only_value_errors(line: str) -> None:
    try:
        article = parse_jsonl_line(line, "/corpus/a.jsonl", 3)
    except (ValueError, TypeError):
        return
    if article is not None:
        assert article.text and article.origin.startswith("/corpus/a.jsonl#")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate makes the file invalid UTF-8: also a case


files = st.lists(st.tuples(st.sampled_from([".txt", ".md", ".jsonl", ".csv", ".TXT", ""]),
                           st.one_of(damaged_text.map(_bytes), st.binary(max_size=200),
                                     st.lists(jsonl_lines, max_size=5).map(lambda ls: _bytes("\n".join(ls))))),
                 min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(files)
def test_load_articles_never_raises_and_accounts_for_every_file(contents: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i, (suffix, data) in enumerate(contents):
            (root / f"f{i}{suffix}").write_bytes(data)
        articles, problems = load_articles([root])
        for article in articles:
            assert article.text and article.origin.startswith(str(root))
        for problem in problems:
            assert problem.origin.startswith(str(root)) and problem.reason
        supported = [i for i, (suffix, _) in enumerate(contents) if suffix.lower() in (".txt", ".md", ".jsonl")]
        accounted = {a.origin.split("#")[0] for a in articles} | {p.origin.rsplit(":", 1)[0] if ".jsonl:" in
                                                                  p.origin else p.origin for p in problems}
        for i in supported:
            path = str(root / f"f{i}{contents[i][0]}")
            if contents[i][0].lower() != ".jsonl" or contents[i][1].strip():
                assert path in accounted, (path, articles, problems)


answers = st.lists(st.one_of(st.sampled_from(["[1]", "[2]", "[12]", "[123]", "[0]", ". ", "Er sagte: ", "11.000",
                                              "Laut Pentagon", "“", "\n", "[", "]"]), st.text(max_size=10)),
                   max_size=30).map("".join)


@FAST
@given(answers)
def test_split_claims_parses_any_answer(answer: str) -> None:
    claims = split_claims(answer)
    for claim in claims:
        assert claim.text and not MARKER.search(claim.text)
        assert all(isinstance(m, int) and 0 <= m <= 99 for m in claim.markers)
    # a claim cites only markers the answer has (a marker with no sentence text cites nothing)
    assert {m for c in claims for m in c.markers} <= {int(m) for m in MARKER.findall(answer)}
    SupportJudge().judge(claims[0].text if claims else answer, [answer])  # no exception on any text


CHAT_TOKENS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|system|>", "<|eot_id|>", "<|start_header_id|>",
               "[INST]", "[/INST]", "<s>", "</s>"]


@FAST
@given(st.lists(st.one_of(st.sampled_from([*CHAT_TOKENS, "[7]", "[1]", "[", "]", "<|", "|>", "im_start"]),
                          damaged_text), max_size=20).map("".join))
def test_clean_passage_leaves_no_chat_token_and_no_marker(text: str) -> None:
    cleaned = clean_passage(text)
    assert not any(token in cleaned for token in CHAT_TOKENS), cleaned
    assert not MARKER.search(cleaned)
