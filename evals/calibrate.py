"""Choosing the gate's coverage thresholds on the dev half of a gold file.

``python -m evals.calibrate --data-dir DIR [--distractors] [--gold FILE]`` retrieves once per
question through the real ``Assistant`` (on an eval index ``assistant eval`` built), then replays
the gate for a grid of ``word_similarity`` x ``min_coverage`` and prints wrong abstention and
abstention per half. Dev is the even numeric ids (or ``split == "dev"``); only dev may choose.
"""

from __future__ import annotations

import argparse
import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.answer import select_evidence
from assistant.api import CITATION_MARGIN, Assistant
from assistant.coverage import TermCoverage
from assistant.followup import QuestionRewriter
from assistant.gate import AnswerGate
from assistant.retrieve import EvidenceScorer
from assistant.settings import Settings
from evals.gold import DEFAULT_GOLD, GoldQuestion, load_gold
from evals.run import make_setting

WORD_SIMILARITY = (0.40, 0.45, 0.50, 0.55, 0.60)
MIN_COVERAGE = (0.20, 0.25, 0.30, 0.35, 0.40, 0.45)


def half(q: GoldQuestion) -> str:
    if q.split:
        return q.split
    digits = re.sub(r"\D", "", q.id)
    return "dev" if digits and int(digits) % 2 == 0 else "test"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--distractors", action="store_true")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    args = parser.parse_args(argv)
    setting = make_setting(Settings(), args.data_dir.absolute(), args.distractors)
    assistant = Assistant(setting.settings)
    questions = [q for q in load_gold(args.gold) if args.distractors or q.setting != "archive"]
    cache: dict[str, np.ndarray] = {}

    def embed_words(words: Sequence[str]) -> np.ndarray:
        new = [w for w in dict.fromkeys(words) if w not in cache]
        if new:
            cache.update(zip(new, assistant.embedder.embed_words(new), strict=True))
        return np.stack([cache[w] for w in words])

    retrieved = []
    for q in questions:
        cleaned, _ = assistant.check_question(q.question)
        rewritten = QuestionRewriter(assistant.llm).run(cleaned, list(q.history))
        vector = assistant._query_vector(cleaned, rewritten)
        candidates = assistant.retriever.candidates_for(rewritten, vector)
        evidence = EvidenceScorer().run(rewritten, vector, candidates, assistant.store)
        retrieved.append((q, cleaned, select_evidence(evidence, setting.settings.max_citations, CITATION_MARGIN)))
    idf = assistant.store.ensure_lexical().idf
    print(f"{setting.name}: {len(questions)} questions; threshold {setting.settings.abstain_threshold}")
    print(f"{'word_sim':>8} {'min_cov':>7}  {'dev wrong-abst':>14} {'dev abst':>8}  "
          f"{'test wrong-abst':>15} {'test abst':>9}")
    for word_sim, min_cov in itertools.product(WORD_SIMILARITY, MIN_COVERAGE):
        gate = AnswerGate(setting.settings.abstain_threshold, min_cov, TermCoverage(embed_words, idf, word_sim))
        figures = {}
        for name in ("dev", "test"):
            rows = [(q, not gate.run(cleaned, chosen).answer) for q, cleaned, chosen in retrieved if half(q) == name]
            answerable = [a for q, a in rows if q.answerable]
            unanswerable = [a for q, a in rows if not q.answerable]
            figures[name] = (sum(answerable) / max(len(answerable), 1), sum(unanswerable) / max(len(unanswerable), 1))
        print(f"{word_sim:>8.2f} {min_cov:>7.2f}  {figures['dev'][0]:>14.3f} {figures['dev'][1]:>8.3f}  "
              f"{figures['test'][0]:>15.3f} {figures['test'][1]:>9.3f}")
    assistant.close()


if __name__ == "__main__":
    main()
