"""Embedding chunks, their sentences and queries with one sentence-transformers model.

A llama-index ``BaseEmbedding``, so it plugs into any llama-index pipeline. Our own
class rather than ``HuggingFaceEmbedding`` because we also need sentence vectors for
evidence scoring, and computing them by *late chunking* (mean-pooling each sentence's
token states out of the chunk's own forward pass) gives them at no extra model cost.
Models whose pooling is not a mean fall back to embedding each sentence on its own.

A model whose document prompt has a title slot (EmbeddingGemma: ``title: none | text: ``)
gets the article's headline there, as the model was trained: in news the headline names
what a paragraph deep in the article is about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.chunking import Chunk
from assistant.models import load_sentence_transformer

SentenceMode = Literal["late", "separate"]
TITLE_SLOT = "title: none"


class Embedder(BaseEmbedding):
    """Query, document and sentence vectors; normalised float32 numpy arrays."""

    _model: Any = PrivateAttr()
    _query_prompt: str = PrivateAttr()
    _doc_prompt: str = PrivateAttr()
    _late: bool = PrivateAttr()
    _title_slot: bool = PrivateAttr()

    def __init__(self, model_name: str, models_dir: Path, max_seq_length: int = 512,
                 batch_size: int = 16, sentence_mode: SentenceMode = "late", **kwargs: Any) -> None:
        super().__init__(model_name=model_name, embed_batch_size=batch_size, **kwargs)
        self._model = load_sentence_transformer(model_name, models_dir, max_seq_length)
        prompts = self._model.prompts or {}
        self._query_prompt = prompts.get("query", "")
        self._doc_prompt = prompts.get("document", prompts.get("passage", ""))
        self._title_slot = TITLE_SLOT in self._doc_prompt
        modules = list(self._model)
        pooling = modules[1] if len(modules) > 1 else None
        self._late = (sentence_mode == "late" and pooling is not None
                      and _mean_pooling(pooling))

    @classmethod
    def class_name(cls) -> str:
        return "AssistantEmbedder"

    @property
    def dimension(self) -> int:
        model = self._model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def model(self) -> Any:
        return self._model

    @property
    def signature(self) -> str:
        """What an index's vectors depend on: two signatures never share one index."""
        return f"{self.model_name}:{self.dimension}" + (":titled" if self._title_slot else "")

    def doc_prefix(self, title: str = "") -> str:
        clean = " ".join(title.replace("|", " ").split())
        if not (self._title_slot and clean):
            return self._doc_prompt
        return self._doc_prompt.replace(TITLE_SLOT, f"title: {clean}", 1)

    # --- llama-index interface -------------------------------------------------
    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed_queries([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed_texts([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed_texts(texts).tolist()

    # --- our interface -----------------------------------------------------------
    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self._encode(list(queries), self._query_prompt)

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), self._doc_prompt)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        vectors = self._model.encode(texts, prompt=prompt, batch_size=self.embed_batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_chunks(self, chunks: Sequence[Chunk], titles: Sequence[str] | None = None
                     ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors, and one (n_sentences, dim) array per chunk; ``titles`` aligned with chunks."""
        if not chunks:
            return np.zeros((0, self.dimension), np.float32), []
        prefixes = [self.doc_prefix(t) for t in (titles or [""] * len(chunks))]
        if not self._late:
            chunk_vecs = self._encode([p + c.text for p, c in zip(prefixes, chunks, strict=True)], "")
            # sentence vectors stay about the sentence: the headline would pull every one toward it
            flat = self.embed_texts([s.text for c in chunks for s in c.sentences])
            return chunk_vecs, _split_rows(flat, [len(c.sentences) for c in chunks])
        chunk_out: list[np.ndarray] = []
        sent_out: list[np.ndarray] = []
        # sorting by length keeps padding (wasted compute) low inside each batch
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].text))
        for lo in range(0, len(order), self.embed_batch_size):
            idx = order[lo: lo + self.embed_batch_size]
            c_vecs, s_vecs = self._late_batch([chunks[i] for i in idx], [prefixes[i] for i in idx])
            chunk_out.extend(c_vecs)
            sent_out.extend(s_vecs)
        inverse = np.argsort(order)
        return np.stack([chunk_out[i] for i in inverse]), [sent_out[i] for i in inverse]

    def _title_span(self, prefix: str) -> tuple[int, int]:
        if prefix == self._doc_prompt:
            return 0, 0
        lo = self._doc_prompt.index(TITLE_SLOT) + len("title: ")
        tail = len(self._doc_prompt) - self._doc_prompt.index(TITLE_SLOT) - len(TITLE_SLOT)
        return lo, len(prefix) - tail

    def _late_batch(self, chunks: list[Chunk], prefixes: list[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        import torch

        enc = self._model.tokenizer([p + c.text for p, c in zip(prefixes, chunks, strict=True)],
                                    return_offsets_mapping=True,
                                    padding=True, truncation=True, max_length=self._model.max_seq_length,
                                    return_tensors="pt")
        offsets = enc.pop("offset_mapping")
        mask = enc["attention_mask"]
        with torch.inference_mode():
            tokens = self._model[0]({"input_ids": enc["input_ids"], "attention_mask": mask})["token_embeddings"]
            weights = mask.unsqueeze(-1).to(tokens.dtype)
            pooled = [(tokens * weights).sum(1) / weights.sum(1)]
            counts: list[int] = []
            real = offsets[:, :, 1] > offsets[:, :, 0]
            lengths = torch.tensor([len(p) for p in prefixes]).unsqueeze(1)
            spans = [self._title_span(p) for p in prefixes]
            title_lo = torch.tensor([lo for lo, _ in spans]).unsqueeze(1)
            title_hi = torch.tensor([hi for _, hi in spans]).unsqueeze(1)
            # the prompt's tokens stay in, as in training; the headline's do not, or it would pull
            # every sentence of the article toward it
            in_title = (offsets[:, :, 0] >= title_lo) & (offsets[:, :, 1] <= title_hi) & real
            in_prompt = (offsets[:, :, 1] <= lengths) & (mask == 1) & ~in_title
            sentence_rows = []
            for i, chunk in enumerate(chunks):
                for s in chunk.sentences:
                    lo, hi = s.start - chunk.start + len(prefixes[i]), s.end - chunk.start + len(prefixes[i])
                    span = (offsets[i, :, 0] >= lo) & (offsets[i, :, 1] <= hi) & real[i]
                    if not bool(span.any()):  # sentence cut off by max_seq_length
                        span = real[i]
                    sentence_rows.append(tokens[i][span | in_prompt[i]].mean(0))
                counts.append(len(chunk.sentences))
            pooled.append(torch.stack(sentence_rows))
            features = {"sentence_embedding": torch.cat(pooled)}
            for module in list(self._model)[2:]:
                features = module(features)
            vectors = torch.nn.functional.normalize(features["sentence_embedding"].float(), dim=-1).numpy()
        chunk_vecs = vectors[: len(chunks)]
        return list(chunk_vecs), _split_rows(vectors[len(chunks):], counts)


def _mean_pooling(pooling: Any) -> bool:
    # sentence-transformers 6 names the mode (pooling_mode="mean"); older versions set flags
    if getattr(pooling, "pooling_mode", None) is not None:
        return pooling.pooling_mode == "mean"
    return bool(getattr(pooling, "pooling_mode_mean_tokens", False)
                and not getattr(pooling, "pooling_mode_cls_token", False))


def _split_rows(flat: np.ndarray, counts: list[int]) -> list[np.ndarray]:
    bounds = np.cumsum([0, *counts])
    return [flat[bounds[i]: bounds[i + 1]] for i in range(len(counts))]


class CachedEmbed:
    """Memoised text vectors, embedded in groups of similar length.

    The support judge embeds a claim, whole passages and their sentences together; in one
    batch every short text is padded to the longest passage, which made judging one
    sentence cost ~1.5 s on two cores. Grouping by length (powers of two in characters)
    avoids the padding, and the cache makes a passage judged again within an answer, or
    for the next question, free.
    """

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray], max_items: int = 4096) -> None:
        self.embed = embed
        self.max_items = max_items
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        found = {t: v for t in texts if (v := self._cache.get(t)) is not None}
        groups: dict[int, list[str]] = {}
        for text in dict.fromkeys(t for t in texts if t not in found):
            groups.setdefault(max(len(text), 40).bit_length(), []).append(text)
        fresh: dict[str, np.ndarray] = {}
        for group in groups.values():
            fresh.update(zip(group, self.embed(group), strict=True))
        if len(self._cache) + len(fresh) > self.max_items:
            self._cache.clear()
        self._cache.update(fresh)
        found.update(fresh)
        return np.stack([found[t] for t in texts])
