"""The lexical side of retrieval: German-stemmed tokens and a BM25 index over chunks.

llama-index's ``BM25Retriever`` keeps its own node copies and rebuilds from nodes;
ours is built from the token lists the docstore already holds, is saved atomically
beside the Chroma index and reloaded only when an ingest changed it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN

from assistant.killpoints import reached

_WORD = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?|[^\W\d_]+", re.UNICODE)
_STOP = frozenset(STOPWORDS_GERMAN) | frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


def normalize_number(token: str) -> str:
    """``11.000`` and ``11,000`` are the same number as ``11000``."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        return re.sub(r"[.,]", "", token)
    return token.replace(",", ".")


def tokenize(text: str) -> list[str]:
    """Lowercased German stems without stopwords; numbers canonicalised."""
    words = [w.lower() for w in _WORD.findall(text)]
    words = [w for w in words if w not in _STOP]
    stems = _stemmer().stemWords([w for w in words if not w[0].isdigit()])
    out, it = [], iter(stems)
    for word in words:
        out.append(normalize_number(word) if word[0].isdigit() else next(it))
    return out


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


class LexicalIndex:
    """A BM25 snapshot of the docstore's chunks, tagged with the docstore version it reflects."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.version = -1
        self.saved_version = -1  # the version of the snapshot in ``directory`` (not bm25.old), when known
        self._bm25: bm25s.BM25 | None = None
        self._ids: list[str] = []
        self._vocab: dict[str, int] = {}
        self._df: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        """The chunk ids the snapshot covers, in its row order (``verify_index`` compares them)."""
        return list(self._ids)

    def build(self, chunk_ids: list[str], token_lists: list[list[str]], version: int) -> None:
        self._ids = list(chunk_ids)
        self.version = version
        self._df = dict(Counter(t for tokens in token_lists for t in set(tokens)))
        if not chunk_ids:
            self._bm25, self._vocab = None, {}
            return
        bm25 = bm25s.BM25()
        bm25.index([tokens or [""] for tokens in token_lists], show_progress=False)
        self._bm25, self._vocab = bm25, bm25.vocab_dict

    def save(self) -> None:
        """Write to a temp folder, then swap: a crash mid-save leaves the old snapshot whole."""
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp))
        (tmp / "ids.json").write_text(json.dumps({"version": self.version, "ids": self._ids, "df": self._df}))
        reached("lexical.saved_tmp")
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            os.replace(self.directory, old)
        reached("lexical.swap")
        os.replace(tmp, self.directory)
        shutil.rmtree(old, ignore_errors=True)
        self.saved_version = self.version

    def load(self) -> bool:
        """Load the saved snapshot; False when there is none or it is unreadable.

        Read-only: readers run beside an ingest, so a snapshot left as ``bm25.old`` by a save
        killed between its renames is read where it is; the next save replaces it.
        """
        folder = self.directory
        if not (folder / "ids.json").exists():
            folder = self.directory.with_name(self.directory.name + ".old")
            if not (folder / "ids.json").exists():
                return False
        try:
            raw = (folder / "ids.json").read_text()
            info = json.loads(raw)
            ids = info["ids"]
            bm25 = bm25s.BM25.load(str(folder)) if ids else None
            # a snapshot whose matrix does not match its ids (files of two saves mixed) is unusable
            if bm25 is not None and int(bm25.scores.get("num_docs", len(ids))) != len(ids):
                return False
            if (folder / "ids.json").read_text() != raw:  # swapped by a writer while we read: try again later
                return False
        # EOFError: a truncated .npy file (tests/test_verify_index.py writes empty files into the snapshot)
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            return False
        self._ids, self.version, self._df = ids, int(info["version"]), dict(info.get("df", {}))
        self.saved_version = self.version if folder == self.directory else -1
        self._bm25 = bm25
        self._vocab = bm25.vocab_dict if bm25 is not None else {}
        return True

    def search(self, query: str, k: int) -> list[LexicalHit]:
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if self._bm25 is None or not tokens or k <= 0:
            return []
        k = min(k, len(self._ids))
        docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False, n_threads=0)
        return [LexicalHit(self._ids[int(d)], float(s))
                for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def idf(self, token: str) -> float:
        """Inverse document frequency of a stem (0 when unknown); weights query terms."""
        df = self._df.get(token, 0)
        if not df:
            return 0.0
        n = len(self._ids)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
