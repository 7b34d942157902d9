from __future__ import annotations

from assistant.ingest.chunking import chunk_article, split_sentences
from assistant.ingest.corpus import Article, load_articles
from tests.conftest import CORPUS


def test_sentences_with_offsets() -> None:
    text = "Am 1. Januar kam Dr. Kim an. Er sagte: „Nein.“ Dann ging er.\nÜberschrift\nNeuer Absatz hier."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Am 1. Januar kam Dr. Kim an.", "Er sagte: „Nein.“", "Dann ging er.",
                                           "Überschrift", "Neuer Absatz hier."]
    for s in sentences:
        assert text[s.start:s.end] == s.text


def test_chunks_cover_the_article_in_order() -> None:
    for article in load_articles([CORPUS])[0]:
        chunks = chunk_article(article, max_chars=900, min_chars=200)
        assert chunks
        flat = [s for c in chunks for s in c.sentences]
        assert flat == split_sentences(article.text)
        for c in chunks:
            assert article.text[c.start:c.end] == c.text
            assert c.chunk_id == f"{article.doc_id}-{c.index:04d}"
            assert len(c.text) <= 900 or len(c.sentences) == 1


def test_pentagon_sentence_is_one_sentence() -> None:
    article = next(a for a in load_articles([CORPUS])[0] if a.title)
    texts = [s.text for c in chunk_article(article) for s in c.sentences]
    assert any(t.startswith("Die stellvertretende Pressesprecherin") and t.endswith("gelangt seien.") for t in texts)


def test_empty_article_has_no_chunks() -> None:
    assert chunk_article(Article(text=" ")) == []
