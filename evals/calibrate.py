"""Choosing the answerability thresholds on the dev half of gold files.

``python -m evals.calibrate --data-dir DIR [--distractors] [--gold FILE ...]`` retrieves once per
question through the real ``Assistant`` (on an eval index ``assistant eval`` built), then replays
``Assistant.choose`` (constraints and gate) for a grid of ``word_similarity`` x ``min_coverage`` x
``constraint_margin`` x ``type_margin`` x ``conflict_lead`` and prints wrong abstention, abstention
and (extractive) fact accuracy per half. Dev is ``split == "dev"``
or else the even numeric ids; only dev may choose.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
from collections.abc import Sequence
from pathlib import Path

from assistant.answering.answer import extractive_text
from assistant.api import Assistant
from assistant.settings import Settings
from evals.gold import DEFAULT_GOLD, GoldQuestion, load_gold
from evals.metrics import fact_groups_found
from evals.run import make_setting

WORD_SIMILARITY = (0.50, 0.55, 0.60, 0.65)
MIN_COVERAGE = (0.20, 0.25, 0.30, 0.35)
CONSTRAINT_MARGIN = (0.0, 0.05, 0.10, 0.15)
TYPE_MARGIN = (0.04,)
CONFLICT_LEAD = (0.05,)


def half(q: GoldQuestion) -> str:
    if q.split:
        return q.split
    digits = re.sub(r"\D", "", q.id)
    return "dev" if digits and int(digits) % 2 == 0 else "test"


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(","))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--distractors", action="store_true")
    parser.add_argument("--gold", type=Path, action="append", help="repeatable; default evals/gold.jsonl")
    parser.add_argument("--word-similarity", type=_floats, default=WORD_SIMILARITY, help="comma-separated grid")
    parser.add_argument("--min-coverage", type=_floats, default=MIN_COVERAGE, help="comma-separated grid")
    parser.add_argument("--margin", type=_floats, default=CONSTRAINT_MARGIN, help="comma-separated grid")
    parser.add_argument("--type-margin", type=_floats, default=TYPE_MARGIN, help="comma-separated grid")
    parser.add_argument("--conflict-lead", type=_floats, default=CONFLICT_LEAD, help="comma-separated grid")
    parser.add_argument("--dump", type=Path, help="write each grid row's per-question decisions here (JSON lines)")
    args = parser.parse_args(argv)
    setting = make_setting(Settings(), args.data_dir.absolute(), args.distractors)
    assistant = Assistant(setting.settings)
    questions = [q for path in (args.gold or [DEFAULT_GOLD]) for q in load_gold(path)
                 if args.distractors or q.setting != "archive"]
    retrieved = []
    for q in questions:
        cleaned, lang = assistant.check_question(q.question)
        rewritten, evidence = assistant.retrieve(cleaned, list(q.history))
        retrieved.append((q, cleaned, lang, evidence, rewritten != cleaned))
    s = assistant.settings
    print(f"{setting.name}: {len(questions)} questions; threshold {s.abstain_threshold}")
    print(f"{'word_sim':>8} {'min_cov':>7} {'margin':>6} {'type_m':>6} {'lead':>5}  {'dev wrong-abst':>14} "
          f"{'dev abst':>8} {'dev fact':>8}  {'test wrong-abst':>15} {'test abst':>9} {'test fact':>9}")
    for word_sim, min_cov, margin, type_margin, lead in itertools.product(
            args.word_similarity, args.min_coverage, args.margin, args.type_margin, args.conflict_lead):
        s.word_similarity, s.min_coverage, s.constraint_margin = word_sim, min_cov, margin
        s.type_margin, s.conflict_lead = type_margin, lead
        figures, decisions = {}, []
        for name in ("dev", "test"):
            answerable, unanswerable, facts = [], [], []
            for q, cleaned, lang, evidence, followup in retrieved:
                if half(q) != name:
                    continue
                chosen, decision, _ = assistant.choose(cleaned, lang, evidence, followup)
                decisions.append({"id": q.id, "half": name, "answerable": q.answerable,
                                  "abstained": not decision.answer, "reason": decision.reason,
                                  "first": chosen[0].text if chosen else ""})
                if not q.answerable:
                    unanswerable.append(not decision.answer)
                    continue
                answerable.append(not decision.answer)
                text = extractive_text(chosen, lang) if decision.answer else ""
                facts.append(decision.answer and all(fact_groups_found(text, q.answer_facts)))
            figures[name] = tuple(sum(x) / max(len(x), 1) for x in (answerable, unanswerable, facts))
        if args.dump:
            row = {"word_similarity": word_sim, "min_coverage": min_cov, "constraint_margin": margin,
                   "type_margin": type_margin, "conflict_lead": lead, "questions": decisions}
            with args.dump.open("a", encoding="utf-8") as out:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        dev, test = figures["dev"], figures["test"]
        print(f"{word_sim:>8.2f} {min_cov:>7.2f} {margin:>6.2f} {type_margin:>6.2f} {lead:>5.2f}  {dev[0]:>14.3f} "
              f"{dev[1]:>8.3f} {dev[2]:>8.3f}  {test[0]:>15.3f} {test[1]:>9.3f} {test[2]:>9.3f}", flush=True)
    assistant.close()


if __name__ == "__main__":
    main()
