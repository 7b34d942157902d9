"""Same code, same data, same machine: the same index, the same answers (issue: CI flipped on noise).

Two fresh processes, with different hash seeds and thread counts, ingest the default corpus into
fresh folders and answer the same questions. Within one process a chunk's vectors are
bit-identical whatever it is batched with (``CHUNK_TOLERANCE`` is 0). Across thread counts a
reduction may round one component differently (1.2e-7 measured), and query-side vectors differ by
float rounding between batch shapes: ``TOLERANCE`` (1e-6, a millionth of a cosine, far below the
resolution any threshold works at) bounds both. Sentence vectors are stored in float16, where such
a difference can cross a rounding edge: they may differ by one float16 step. Answers, citations and
quoted evidence must be identical; scores and gate signals may differ only within rounding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from assistant.retrieval.embed import Embedder
from tests.conftest import CORPUS, REPO

CHUNK_TOLERANCE = 0.0
TOLERANCE = 1e-6
SCORE_TOLERANCE = 2e-4  # gate signals are rounded to 4 decimals: a 1e-7 shift can cross a rounding edge
QUESTIONS = [
    "Wie viele nordkoreanische Soldaten sind laut Pentagon in die Region Kursk gelangt?",
    "Apart from the NATO states, which country is alarmed and considering arms deliveries to Kyiv?",
    "Who warned Seoul about possible weapons deliveries to Ukraine, according to Newsweek?",
    "Welche Funktion hat Andrej Rudenko?",
    "What is the population of Pyongyang?",
    "Wie viele Soldaten sind gefallen?",
    "How many Belarusian soldiers are in Kursk?",
]

PROBE = """
import json, sys
from pathlib import Path
from assistant import Assistant, Settings
data, corpus, questions = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
a = Assistant(Settings(data_dir=data, corpus_dir=corpus))
a.ingest()
ids = sorted(a.store.chunk_ids())
got = a.store.collection.get(ids=ids, include=["embeddings"])
chunk_vecs = dict(zip(got["ids"], [list(map(float, v)) for v in got["embeddings"]]))
stored = a.store.get_chunks(ids)
sentences = {i: [list(map(float, s.vector)) for s in stored[i].sentences] for i in ids}
answers = []
for q in questions:
    ans = a.ask(q)
    answers.append({"text": ans.text, "abstained": ans.abstained, "gate": ans.gate,
                    "citations": [(c.doc_id, c.quote) for c in ans.citations],
                    "evidence": [(c.doc_id, c.quote, round(c.score, 6)) for c in ans.evidence]})
print(json.dumps({"chunks": chunk_vecs, "sentences": sentences, "answers": answers}))
"""


def _probe(data: Path, hash_seed: str, threads: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "OMP_NUM_THREADS": threads, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", PROBE, str(data), str(CORPUS), json.dumps(QUESTIONS)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_two_fresh_ingests_give_identical_vectors_and_answers(tmp_path: Path) -> None:
    first = _probe(tmp_path / "one", "1", "1")
    second = _probe(tmp_path / "two", "2", "2")
    assert first["chunks"].keys() == second["chunks"].keys() and first["chunks"]
    for chunk_id, vec in first["chunks"].items():
        diff = np.abs(np.array(vec) - np.array(second["chunks"][chunk_id])).max()
        assert diff <= TOLERANCE, f"chunk {chunk_id} differs by {diff}"
        for a, b in zip(first["sentences"][chunk_id], second["sentences"][chunk_id], strict=True):
            step = np.spacing(np.abs(np.array(a, dtype=np.float16))).astype(np.float64)
            assert np.all(np.abs(np.array(a) - np.array(b)) <= step + TOLERANCE), f"chunk {chunk_id} sentence"
    for question, a, b in zip(QUESTIONS, first["answers"], second["answers"], strict=True):
        assert (a["text"], a["abstained"], a["citations"]) == (b["text"], b["abstained"], b["citations"]), question
        assert [e[:2] for e in a["evidence"]] == [e[:2] for e in b["evidence"]], question
        assert all(abs(x[2] - y[2]) <= SCORE_TOLERANCE for x, y in zip(a["evidence"], b["evidence"], strict=True))
        assert a["gate"].keys() == b["gate"].keys(), question
        for key, value in a["gate"].items():
            if isinstance(value, float):
                assert abs(value - b["gate"][key]) <= SCORE_TOLERANCE, (question, key)
            else:
                assert value == b["gate"][key], (question, key)


def test_a_vector_does_not_depend_on_its_batch(embedder: Embedder) -> None:
    """What a text is embedded with (cache state, batch size, padding) must not move its vector."""
    words = ["Botschafter", "ambassador", "Kursk", "nordkoreanische", "Waffenlieferungen",
             "Vize-Außenminister", "Wie viele nordkoreanische Soldaten sind laut Pentagon in Kursk?"]
    alone = np.stack([embedder.embed_queries([w])[0] for w in words])
    together = embedder.embed_queries(words)
    reversed_ = embedder.embed_queries(words[::-1])[::-1]
    assert np.abs(alone - together).max() <= TOLERANCE
    assert np.abs(together - reversed_).max() <= TOLERANCE


def test_a_chunk_vector_does_not_depend_on_what_is_ingested_with_it(embedder: Embedder) -> None:
    from assistant.ingest.chunking import chunk_article
    from assistant.ingest.corpus import iter_articles

    articles = list(iter_articles([CORPUS, REPO / "evals" / "data" / "hostile"], [], 50))
    chunks = [(c, a.title) for a in articles for c in chunk_article(a, 900, 200)]
    target = chunks[:2]
    alone, alone_sents = embedder.embed_chunks([c for c, _ in target], [t for _, t in target])
    mixed, mixed_sents = embedder.embed_chunks([c for c, _ in chunks[::-1]], [t for _, t in chunks[::-1]])
    n = len(chunks)
    for i in range(len(target)):
        assert np.abs(alone[i] - mixed[n - 1 - i]).max() <= CHUNK_TOLERANCE
        assert np.abs(alone_sents[i] - mixed_sents[n - 1 - i]).max() <= CHUNK_TOLERANCE
