"""The one configuration object. Every field can be set by an ``ASSISTANT_<FIELD>`` env var."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Backend = Literal["extractive", "local", "openai"]


def _default_models_dir() -> Path:
    return Path.home() / ".cache" / "assistant" / "models"


class Settings(BaseSettings):
    """Paths, models, backends and thresholds. Keyword arguments win over the environment."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid", validate_assignment=True)

    # where things live
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    models_dir: Path = Field(default_factory=_default_models_dir)

    # embedding: the packaged EmbeddingGemma by name, or any sentence-transformers path/name
    embed_model: str = "embeddinggemma-300m"
    embed_batch_size: int = 16
    # texts are padded to a multiple of this many tokens, so a vector never depends on its batch (retrieval/embed.py);
    # small, because the answer path embeds single words (~10 tokens): 32 made it 243 ms, 8 177 ms (docs/EVALS.md)
    embed_pad_multiple: int = 8
    # what runs the transformer: "onnx" (ONNX Runtime, fp32; built by `assistant models fetch`), "torch", or
    # "auto" (torch where the CPU has native bf16, else onnx: faster there, but the index then depends on the
    # machine), or "onnx-int8" (8-bit blocks: ~0.6x the query time, same GermanQuAD quality, vectors by CPU;
    # retrieval/onnx_int8.py); an index records it, and answering from an index another runtime built is an
    # error (retrieval/encoders.py)
    embed_runtime: Literal["onnx", "onnx-int8", "torch", "auto"] = "onnx"
    # torch only; "auto": bfloat16 where the CPU has native bf16, else float32 (models.embed_dtype)
    embed_dtype: Literal["auto", "bfloat16", "float32"] = "auto"
    max_seq_length: int = 512

    # chunking: characters, since the budget must hold before any tokenizer is loaded
    chunk_chars: int = 900
    min_chunk_chars: int = 200

    # ingest on Ray (`assistant ingest --ray`): embedding actors, each one model; articles per batch sent
    # to an actor; CPUs an actor reserves, which Ray also makes its thread count (OMP_NUM_THREADS), so
    # unset means all of the smallest node's: one actor per node, as fast as the in-process path
    ray_actors: int = 1
    ray_batch_articles: int = 16
    ray_actor_cpus: float | None = None

    # store
    chroma_url: str | None = None
    collection: str = "articles"
    chroma_timeout_s: float = 10.0

    # retrieval
    candidates: int = 20
    dense_weight: float = 0.55
    # for a chunk in another language than the question: BM25 reads stems, which the two languages
    # rarely share (retrieval/retrieve.py). Chosen on dev (docs/EVALS.md)
    cross_dense_weight: float = 0.7
    max_citations: int = 3
    abstain_threshold: float = 0.20
    min_coverage: float = 0.25
    # evidence this close to the best may stand in for it when the best is about another place, year or name
    constraint_margin: float = 0.15
    # ... but not when it scores this much below it: the on-point sentence is about another place or year,
    # the rest only share words with the question (api.choose). Chosen on dev (docs/EVALS.md)
    conflict_lead: float = 0.05
    # a sentence this close to the best is cited first when it holds what the question asks for (a number
    # for "how many", a currency for "what does it cost") and the best does not (grounding/answer_types.py)
    type_margin: float = 0.12
    # a cited sentence that covers this much more of the question than the best-scored one opens the
    # answer (grounding/answer_types.covering_first); above 1: never. Chosen on dev (docs/EVALS.md)
    cover_margin: float = 0.1
    # when the sentence cited first lacks the asked-for kind, the next this many sentences of its article
    # may hold it (grounding/elaboration.py); 0: never. Chosen on dev (docs/EVALS.md)
    follow_window: int = 4
    # a near miss is shown only when the evidence covers this share of the question's words (gate coverage)
    near_miss_coverage: float = 0.5
    # a word of an English name may meet its German translation this close, never another name (grounding/align.py)
    name_similarity: float = 0.75
    # a question word is covered by an article word whose vector is at least this close (grounding/coverage.py)
    word_similarity: float = 0.60
    # a why-question's verb is stated by a passage word at least this close, else the question is refused
    # as taking for granted what the articles do not report (grounding/premise.py). Chosen on dev (docs/EVALS.md)
    premise_similarity: float = 0.51

    # answering
    backend: Backend = "extractive"
    llm_url: str | None = None
    llm_model: str = "local-model"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 60.0
    gguf_path: Path | None = None
    llm_threads: int = 2
    llm_ctx: int = 4096
    llm_max_tokens: int = 200

    # input bounds
    max_question_chars: int = 2000
    max_file_mb: int = 50

    # web
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    concurrency: int = 2
    max_queue: int = 32

    @field_validator("data_dir", "corpus_dir", "models_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("dense_weight", "cross_dense_weight")
    @classmethod
    def _unit(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError("must be between 0 and 1")
        return value
