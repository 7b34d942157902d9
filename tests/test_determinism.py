"""Same code, same data, same machine: the same index, the same answers (issue: CI flipped on noise).

Two fresh processes, with different hash seeds and thread counts, ingest the default corpus into
fresh folders and answer the same questions. Chunk and sentence vectors must be bit-identical
(``CHUNK_TOLERANCE`` is 0); query-side vectors may differ by float rounding between batch shapes
(``QUERY_TOLERANCE``, a millionth of a cosine, far below any threshold's resolution), and the
answers, their citations and the gate's signals must be identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from assistant.embed import Embedder
from tests.conftest import CORPUS, REPO

CHUNK_TOLERANCE = 0.0
QUERY_TOLERANCE = 1e-6
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
        assert diff <= CHUNK_TOLERANCE, f"chunk {chunk_id} differs by {diff}"
        for a, b in zip(first["sentences"][chunk_id], second["sentences"][chunk_id], strict=True):
            assert np.abs(np.array(a) - np.array(b)).max() <= CHUNK_TOLERANCE
    for question, a, b in zip(QUESTIONS, first["answers"], second["answers"], strict=True):
        assert a == b, f"answers differ for {question!r}"


def test_a_vector_does_not_depend_on_its_batch(embedder: Embedder) -> None:
    """What a text is embedded with (cache state, batch size, padding) must not move its vector."""
    words = ["Botschafter", "ambassador", "Kursk", "nordkoreanische", "Waffenlieferungen",
             "Vize-Außenminister", "Wie viele nordkoreanische Soldaten sind laut Pentagon in Kursk?"]
    alone = np.stack([embedder.embed_queries([w])[0] for w in words])
    together = embedder.embed_queries(words)
    reversed_ = embedder.embed_queries(words[::-1])[::-1]
    assert np.abs(alone - together).max() <= QUERY_TOLERANCE
    assert np.abs(together - reversed_).max() <= QUERY_TOLERANCE


def test_a_chunk_vector_does_not_depend_on_what_is_ingested_with_it(embedder: Embedder) -> None:
    from assistant.chunking import chunk_article
    from assistant.corpus import iter_articles

    articles = list(iter_articles([CORPUS, REPO / "evals" / "data" / "hostile"], [], 50))
    chunks = [(c, a.title) for a in articles for c in chunk_article(a, 900, 200)]
    target = chunks[:2]
    alone, alone_sents = embedder.embed_chunks([c for c, _ in target], [t for _, t in target])
    mixed, mixed_sents = embedder.embed_chunks([c for c, _ in chunks[::-1]], [t for _, t in chunks[::-1]])
    n = len(chunks)
    for i in range(len(target)):
        assert np.abs(alone[i] - mixed[n - 1 - i]).max() <= CHUNK_TOLERANCE
        assert np.abs(alone_sents[i] - mixed_sents[n - 1 - i]).max() <= CHUNK_TOLERANCE
