"""Turning a follow-up ("Welche Funktion hat er?") into a question that stands alone.

Deterministic by default: a question that leans on the conversation (a pronoun, a
bare "und …?", very few content words) gets the previous question and the names of
the previous answer attached, which is what retrieval needs. When an LLM is
configured it may rewrite instead; its rewrite is kept only if it stays on topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.llms import LLM

from assistant.grounding.verify import MARKER, names
from assistant.tokens import tokenize

History = Sequence[tuple[str, str]]

_ANAPHORA = frozenset(
    "er sie ihn ihm ihr ihre ihrem ihren sein seine seinem seinen seiner es dies diese dieser dieses dort "
    "damals dabei davon darüber deren dessen he she him his her hers they them their it its there that this "
    "those these then".split())
_OPENERS = re.compile(r"^(und|and|what about|wie steht es mit|was ist mit|und was|also|auch)\b", re.I)


def needs_context(question: str) -> bool:
    words = re.findall(r"[\wäöüß]+", question.lower())
    return (any(w in _ANAPHORA for w in words) or bool(_OPENERS.match(question.strip()))
            or len(tokenize(question)) <= 2)


def deterministic_rewrite(question: str, history: History) -> str:
    if not history or not needs_context(question):
        return question
    last_q, last_a = history[-1]
    answer = MARKER.sub("", last_a or "")
    first_sentences = " ".join(re.split(r"(?<=[.!?])\s+", answer)[:2])
    context_names = [n for n in dict.fromkeys(re.findall(r"[A-ZÄÖÜ][\wäöüß\-]+(?:\s+[A-ZÄÖÜ][\wäöüß\-]+)*",
                                                          first_sentences))
                     if len(n) > 2][:6]
    # names from the answer's first sentence are often whole ("Andrey Rudenko"): keep the multiword ones too
    context = " ".join([last_q.strip(), *context_names]) if context_names else last_q.strip()
    if not names(first_sentences) and not context_names:
        context = f"{last_q.strip()} {first_sentences[:200]}"
    return f"{question.strip()} ({context})"


REWRITE_PROMPT = ("Rewrite the last question so that it can be understood without the conversation. "
                  "Replace pronouns by the names they refer to. Keep its language. Reply with the question only.")


class QuestionRewriter:
    def __init__(self, llm: LLM | None = None) -> None:
        self.llm = llm

    def run(self, question: str, history: History) -> str:
        fallback = deterministic_rewrite(question, history)
        if self.llm is None or fallback == question:
            return fallback
        convo = "\n".join(f"Q: {q}\nA: {MARKER.sub('', a)[:300]}" for q, a in history[-2:])
        try:
            reply = self.llm.chat([ChatMessage(role="system", content=REWRITE_PROMPT),
                                   ChatMessage(role="user", content=f"{convo}\nLast question: {question}")],
                                  max_tokens=60).message.content or ""
        except Exception:
            return fallback
        reply = reply.strip().splitlines()[0].strip() if reply.strip() else ""
        shared = set(tokenize(reply)) & set(tokenize(question))
        if not reply or len(reply) > 3 * len(question) + 100 or (tokenize(question) and not shared):
            return fallback
        return reply
