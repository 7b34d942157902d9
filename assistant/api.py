"""The public Python API: ``Assistant``, with ``Answer`` and ``Citation`` from ``schema``."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
from llama_index.core.llms import LLM

from assistant.answering.answer import Composed, Composer, select_evidence, to_citation
from assistant.answering.followup import QuestionRewriter
from assistant.answering.llm import make_llm
from assistant.answering.short_answer import ShortAnswerer
from assistant.answering.speaker import asks_for_speaker, attributed_first
from assistant.grounding.align import Alignment, ConstraintAligner
from assistant.grounding.answer_types import answer_type, covering_first, typed_first
from assistant.grounding.cities import city
from assistant.grounding.constraints import Constraint, question_constraints
from assistant.grounding.coverage import TermCoverage
from assistant.grounding.elaboration import elaborated_first, holds_answer, spanned_first
from assistant.grounding.gate import AnswerGate, GateDecision
from assistant.grounding.parts import asks_itself, question_parts
from assistant.grounding.tagger import tag
from assistant.grounding.verify import MARKER, SupportJudge
from assistant.ingest.corpus import SURROGATE
from assistant.ingest.ingestor import Ingestor, IngestReport, Progress
from assistant.ingest.reembed import ReembedReport, reembed_index
from assistant.language import detect_language, message
from assistant.retrieval.embed import CachedEmbed, Embedder
from assistant.retrieval.injection import strip_markup
from assistant.retrieval.retrieve import Evidence, EvidenceScorer, HybridRetriever
from assistant.retrieval.store import DocumentInfo, Store
from assistant.schema import Answer, Citation, NearMiss, QuestionError, TextDelta
from assistant.settings import Settings

History = Sequence[tuple[str, str]]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CITATION_MARGIN = 0.10


class Assistant:
    """Ingest articles, then ask questions and get answers whose every claim is cited.

    Models load on first use, once per process; an unchanged re-ingest loads none.
    """

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings()
        self.store = Store(self.settings)
        self._embedder = embedder  # pass one to share a loaded model between assistants
        self._llm: LLM | None = None
        self._llm_loaded = False
        self._coverage: TermCoverage | None = None
        self._judge_embed: CachedEmbed | None = None

    # --- parts, loaded lazily ---------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            self._embedder = Embedder.from_settings(s)
        return self._embedder

    @property
    def llm(self) -> LLM | None:
        if not self._llm_loaded:
            self._llm = make_llm(self.settings)
            self._llm_loaded = True
        return self._llm

    @property
    def retriever(self) -> HybridRetriever:
        s = self.settings
        # a query vector of another runtime than the index's would rank nonsense, silently
        self.store.check_signature(self.embedder.signature)
        return HybridRetriever(self.store, self.embedder, s.candidates, s.dense_weight,
                               cross_dense_weight=s.cross_dense_weight)

    @property
    def term_coverage(self) -> TermCoverage:
        if self._coverage is None:
            embedder, lexical = self.embedder, self.store.lexical
            self._coverage = TermCoverage(embedder.embed_words, lexical.idf, self.settings.word_similarity)
        self._coverage.min_similarity = self.settings.word_similarity  # settings may change between questions
        return self._coverage

    def judge(self) -> SupportJudge:
        if self._judge_embed is None:  # kept: the next answer often cites the same passages
            self._judge_embed = CachedEmbed(self.embedder.embed_texts)
        return SupportJudge(embed=self._judge_embed)

    # --- ingest -----------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path] | None = None, progress: Progress | None = None,
               lock_wait_s: float = 0.0, ray_address: str | None = None) -> IngestReport:
        """``ray_address``: embed on a Ray cluster ("" starts a local one; ``ingest/on_ray.py``)."""
        targets = list(paths) if paths is not None else [self.settings.corpus_dir]
        return Ingestor(self.settings, self.store, lambda: self.embedder).run(targets, progress, lock_wait_s,
                                                                              ray_address)

    def reembed(self, progress: Progress | None = None, lock_wait_s: float = 0.0) -> ReembedReport:
        """Every stored chunk embedded again with this assistant's model and runtime (``ingest/reembed.py``)."""
        return reembed_index(self.settings, self.store, lambda: self.embedder, progress, lock_wait_s)

    def documents(self) -> list[DocumentInfo]:
        return self.store.documents(state="ok")

    def warm_up(self) -> None:
        """Load the models and run one query so the first user does not wait for it."""
        self.embedder.embed_queries(["warm-up"])
        # the tagger's models and the city table load on first use (≈ 0.6 s), not in a user's answer
        for lang in ("de", "en"):
            tag("Warm-up in Berlin", lang)
        city("Berlin")
        if self.store.chunk_count():
            self.store.ensure_lexical()
            self.retriever.candidates_for("warm-up", k=1)
        if self.llm is not None:
            # loads the weights and fills llama.cpp's prompt cache with the real system prompt, which
            # every question's prompt starts with
            self.llm.chat(Composer(self.llm, self.judge()).messages("Hallo?", "de", []), max_tokens=1)

    # --- questions ------------------------------------------------------------------------------
    def check_question(self, question: str) -> tuple[str, str]:
        """The cleaned question and its language, or a ``QuestionError`` saying what is wrong."""
        if not isinstance(question, str):
            raise QuestionError("The question must be text.")
        cleaned = unicodedata.normalize("NFC", SURROGATE.sub("\ufffd", _CONTROL.sub(" ", question))).strip()
        lang = detect_language(cleaned[:2000])
        if not cleaned:
            raise QuestionError(message(lang, "empty"))
        if len(cleaned) > self.settings.max_question_chars:
            raise QuestionError(message(lang, "too_long", n=len(cleaned), limit=self.settings.max_question_chars))
        if not re.search(r"\w", cleaned):
            raise QuestionError(message(lang, "no_text"))
        return cleaned, lang

    def ask(self, question: str, history: History | None = None) -> Answer:
        answer = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Text deltas as they are verified, then the final ``Answer``."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        cleaned, lang = self.check_question(question)
        backend = self.settings.backend
        if not self.store.chunk_count():
            yield message(lang, "empty_index")
            yield Answer(message(lang, "empty_index"), [], True, cleaned, lang, cleaned, backend)
            return
        rewritten, evidence = self.retrieve(cleaned, history)
        timings["retrieve"] = _ms(started)
        shorts = ShortAnswerer(self._translation)  # one per question: it keeps what it found
        chosen, decision, nearest = self.choose(cleaned, lang, evidence, followup=rewritten != cleaned, shorts=shorts)
        # what was retrieved, best first, and every cited sentence among it: a part of a question of
        # two parts may cite a sentence ranked below the first few for the whole
        shown = [*evidence[:8], *(e for e in chosen if all(e is not x for x in evidence[:8]))]
        closest = [to_citation(e, i + 1) for i, e in enumerate(shown)]
        if not decision.answer:
            text = message(lang, "abstain")
            yield text
            yield Answer(text, [], True, cleaned, lang, rewritten, backend, closest, [decision.reason],
                         {**timings, "total": _ms(started)}, decision.features(), nearest=nearest)
            return
        composer = Composer(self.llm, self.judge(), shorts)
        composed: Composed | None = None
        # a follow-up with an interrogative of its own is answered for what it asks, as the gate judged it
        asked = cleaned if asks_itself(cleaned) else rewritten
        for event in composer.stream(rewritten, lang, chosen, asked):
            if isinstance(event, TextDelta):
                timings.setdefault("first_token", _ms(started))
                yield event.text
            else:
                composed = event
        assert composed is not None
        timings["total"] = _ms(started)
        yield Answer(composed.text, composed.citations, False, cleaned, lang, rewritten, backend, closest,
                     [decision.reason, *composed.notes], timings, decision.features(), composed.fallback,
                     short_answer=composed.short, short_answers=list(composed.shorts))

    def retrieve(self, question: str, history: History | None = None) -> tuple[str, list[Evidence]]:
        """The standalone question and its evidence sentences, best first (``question`` already checked)."""
        rewritten = QuestionRewriter(self.llm).run(question, list(history or []))
        query_vector = self._query_vector(question, rewritten)
        candidates = self.retriever.candidates_for(rewritten, query_vector)
        return rewritten, EvidenceScorer().run(rewritten, query_vector, candidates, self.store)

    def choose(self, question: str, lang: str, evidence: Sequence[Evidence], followup: bool = False,
               shorts: ShortAnswerer | None = None) -> tuple[list[Evidence], GateDecision, NearMiss | None]:
        """The evidence to cite and whether it answers the question as asked.

        Evidence about another country, year or month than the question's (a conflict, ``grounding/align.py``)
        is never cited, and one cited article must meet every place, date and name the question pins
        down and hold the asked-for value (``ConstraintAligner.one_article``); it is cited first.
        When the best evidence would have passed the gate but misses or contradicts one of them, the
        reply abstains and says what the articles do say instead."""
        s = self.settings
        gate = AnswerGate(s.abstain_threshold, s.min_coverage, self.term_coverage, self._translation,
                          s.premise_similarity)
        if not evidence:
            return [], gate.run(question, []), None
        aligner = self._aligner(question, lang)
        alignments = self._aligned(evidence, aligner)
        # a follow-up was retrieved with the previous question beside it, so its scores favour what
        # that one asked ("Und wie viele sollen insgesamt an die Front?" after "Wie viele sind in
        # Russland?"): of the sentences that hold the asked-for kind, the one that says most of the
        # follow-up's own words answers it
        own = (lambda e: self.term_coverage.run(question, [e.text]).coverage) if followup else (lambda e: 0)
        shorts = shorts or ShortAnswerer(self._translation)
        chosen = self._ranked(question, lang, evidence, aligner, alignments, shorts, own)
        parts = question_parts(question)
        if len(parts) > 1:  # two questions may be answered from two articles
            chosen = self._part_leads(parts, lang, evidence, chosen, shorts)
            unmet = aligner.unmet(chosen, evidence)
        else:
            kind = answer_type(question)
            chosen, unmet = aligner.one_article(chosen, evidence, (lambda e: kind.held_by(e, question))
                                                if kind is not None and kind.required else (lambda e: True))
        if not unmet and not self._outranked(evidence, alignments):
            decision = gate.run(question, chosen)
            if decision.unstated and decision.coverage >= s.near_miss_coverage:
                # the passage is on point, but what the why-question takes for granted did not happen there
                event = " ".join(decision.unstated)
                return [], decision, near_miss(lang, chosen[0], Alignment("missing", Constraint("event", event, event)))
            if decision.answer or alignments[id(evidence[0])].ok:
                return chosen, decision, None
        best = evidence[0]
        alignment = alignments[id(best)]
        if alignment.ok:  # the best sentence is fine alone, but the cited set misses a constraint
            alignment = Alignment("missing", unmet[0])
        unconstrained = gate.run(question, typed_first(question, select_evidence(evidence, s.max_citations,
                                                                                  CITATION_MARGIN),
                                                       evidence, s.type_margin, self._translation, places=False),
                                 places=False)
        reason = alignment.reason() if unconstrained.answer else f"{unconstrained.reason}; {alignment.reason()}"
        refused = GateDecision(False, reason, unconstrained.score, unconstrained.coverage, unconstrained.kind,
                               unconstrained.kind_found, unconstrained.missing)
        # a near miss only where the evidence is on point but for the constraint: most question words in it
        on_point = unconstrained.answer and unconstrained.coverage >= s.near_miss_coverage
        return [], refused, near_miss(lang, best, alignment) if on_point else None

    def _outranked(self, evidence: Sequence[Evidence], alignments: dict[int, Alignment]) -> bool:
        """Whether the best sentence is about another place, year or month than the question's, and
        every sentence that is not scores ``conflict_lead`` below it. The sentence most on point
        then says what the articles report, and the others share words with the question rather
        than answer it ("Welcher Dirigent leitet das Neujahrskonzert der Berliner Philharmoniker?"
        over an article on the Vienna Philharmonic's: its other sentences mention Berlin in passing)."""
        if not alignments[id(evidence[0])].excludes:
            return False
        rival = next((e for e in evidence if id(e) in alignments and not alignments[id(e)].excludes), None)
        return rival is not None and rival.score < evidence[0].score - self.settings.conflict_lead

    def _aligner(self, question: str, lang: str) -> ConstraintAligner:
        coverage, s = self.term_coverage, self.settings
        return ConstraintAligner(question, question_constraints(question, lang), coverage.similar,
                                 lambda ours, theirs: coverage.any_close(ours, theirs, s.name_similarity))

    def _aligned(self, evidence: Sequence[Evidence], aligner: ConstraintAligner) -> dict[int, Alignment]:
        """The alignment of each sentence close to the best one (``constraint_margin``), by ``id``."""
        top = evidence[0].score
        return {id(e): aligner.run(e) for e in evidence if e.score >= top - self.settings.constraint_margin}

    def _ranked(self, question: str, lang: str, evidence: Sequence[Evidence], aligner: ConstraintAligner,
                alignments: dict[int, Alignment], shorts: ShortAnswerer,
                own: Callable[[Evidence], float] = lambda e: 0) -> list[Evidence]:
        """The sentences to cite among those ``alignments`` holds that do not conflict with the question,
        the one that answers first: it holds the asked-for kind (``typed_first``), or follows the lede
        that announces it (``elaborated_first``), or covers most of the question (``covering_first``),
        unless another gives the short answer that one does not (``spanned_first``)."""
        s, coverage, translation = self.settings, self.term_coverage, self._translation
        usable = [e for e in evidence if id(e) in alignments and not alignments[id(e)].excludes]

        def fits(e: Evidence) -> bool:
            """Meets the constraints; a year or date also with the best sentence of its article: "Wien
            – Der Nationalrat … hat dabei 123 Gesetze beschlossen" is the Austrian count, and the year
            asked for stands two sentences on ("Das geht aus der Bilanz der Tagung 2014/15 hervor").
            A place or name is bound to what the sentence says: "9,8 Milliarden Menschen" are the
            world's, whatever country the next sentence names."""
            alignment = alignments[id(e)] if id(e) in alignments else aligner.run(e)
            if alignment.ok or alignment.status != "missing":
                return alignment.ok
            lede = next((x for x in usable if x.chunk.doc_id == e.chunk.doc_id), e)
            return (lede is not e and aligner.met_together([e], frozenset({"place", "name", "quote"}))
                    and aligner.met_together([e, lede]))

        chosen = typed_first(question, select_evidence(usable, s.max_citations, CITATION_MARGIN), usable,
                             s.type_margin, translation, fits, own=own)

        holds = holds_answer(question, translation, fits, lambda e: shorts.run(question, lang, e) is not None)
        chosen = elaborated_first(chosen, evidence, s.follow_window, holds)
        chosen = covering_first(question, chosen, lambda text: coverage.run(question, [text]).coverage,
                                s.cover_margin)
        kind = answer_type(question)
        if kind is None:  # a which-question: no kind put its answer first (``typed_first``)
            chosen = spanned_first(chosen, lambda e: fits(e) and shorts.run(question, lang, e) is not None)
        if kind is not None and kind.name == "person" and asks_for_speaker(question):
            chosen = attributed_first(chosen, evidence)  # a quotation's speaker named a sentence away
        return chosen

    def _part_leads(self, parts: Sequence[str], lang: str, evidence: Sequence[Evidence], chosen: list[Evidence],
                    shorts: ShortAnswerer) -> list[Evidence]:
        """``chosen`` led by the sentence that answers each part of a question that asks two things
        (``grounding/parts.py``), in the parts' order.

        Each part ranks the retrieved sentences again, by its own vector beside the whole
        question's: alone, "and who reported each?" is close to any report in the archive. Of the
        sentences holding what a part asks for, the one that says the part's places and names
        itself comes first: a part has lost the context its neighbours share ("according to South
        Korean intelligence" is the sentence "Laut dem südkoreanischen Geheimdienst …"). Two parts
        cite one sentence only when it answers each (``both``); else the part that matches the
        sentence best takes it, the other its next. The leads keep their scores for the whole
        question: the gate judges the whole."""
        s = self.settings
        whole = {(e.chunk.chunk_id, e.sentence_index): e for e in evidence}
        vectors = self.embedder.embed_queries([*parts, " ".join(parts)])
        rankings: list[tuple[float, list[Evidence]]] = []
        for part, vector in zip(parts, vectors[:-1], strict=True):
            blended = vector + vectors[-1]
            ranked = EvidenceScorer().rescore(part, blended / np.linalg.norm(blended), list(evidence), self.store)
            aligner = self._aligner(part, lang)
            order = self._ranked(part, lang, ranked, aligner, self._aligned(ranked, aligner), shorts,
                                 aligner.met_by_sentence)
            rankings.append((ranked[0].score, [whole[(e.chunk.chunk_id, e.sentence_index)] for e in order]))

        def both(e: Evidence, one: str, other: str) -> bool:
            """Whether ``e``, whose short answer to ``one`` is certain, answers ``other`` too: with
            another short answer, or, where ``other`` gets none, with a value of the kind it asks for.
            Without a short answer to ``one`` nothing says which of its words answers which part."""
            a, b = shorts.run(one, lang, e), shorts.run(other, lang, e)
            if a is None:
                return False
            if b is None:
                held = holds_answer(other, self._translation, lambda _: True)
                return held is not None and held(e)
            return a.text != b.text

        taken: dict[int, Evidence] = {}
        for at in sorted(range(len(parts)), key=lambda i: -rankings[i][0]):
            order = rankings[at][1]
            holder = next((k for k, t in taken.items() if order and t.text == order[0].text), None)
            if order and holder is not None and both(order[0], parts[holder], parts[at]):
                taken[at] = order[0]  # "Am Montag in New York": where and when, in one sentence
                continue
            free = [e for e in order if all(e.text != t.text for t in taken.values())]
            if free:
                taken[at] = free[0]
        leads = list({id(taken[at]): taken[at] for at in sorted(taken)}.values())
        rest = [e for e in chosen if all(e.text != lead.text for lead in leads)]
        return [*leads, *rest][: max(s.max_citations, len(leads))]

    def _translation(self, word: str, candidates: Sequence[str]) -> bool:
        """Whether one of ``candidates`` is ``word`` in another form or language (word vectors, one batch)."""
        return self.term_coverage.any_close([word], candidates, self.settings.word_similarity)

    def _query_vector(self, question: str, rewritten: str) -> np.ndarray:
        """For a follow-up, the question itself weighs as much as the context attached to it."""
        if rewritten == question:
            return self.embedder.embed_queries([question])[0]
        both = self.embedder.embed_queries([rewritten, question])
        blended = both[0] + both[1]
        return blended / np.linalg.norm(blended)

    def close(self) -> None:
        self.store.close()


def near_miss(lang: str, evidence: Evidence, alignment: Alignment) -> NearMiss:
    assert alignment.constraint is not None
    quote = strip_markup(MARKER.sub("", evidence.text)).strip()
    key = ("near_conflict" if alignment.status == "conflict"
           else "near_unstated" if alignment.constraint.kind == "event" else "near_missing")
    text = message(lang, key, asked=alignment.constraint.text, found=alignment.found, quote=quote)
    return NearMiss(text, alignment.reason(), alignment.status, alignment.constraint.text, alignment.found,
                    to_citation(evidence, 1))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


__all__ = ["Answer", "Assistant", "Citation", "QuestionError"]
