"""Embedding chunks, their sentences and queries with one sentence-transformers model.

A llama-index ``BaseEmbedding``, so it plugs into any llama-index pipeline. Our own
class rather than ``HuggingFaceEmbedding`` because we also need sentence vectors for
evidence scoring, and computing them by *late chunking* (mean-pooling each sentence's
token states out of the chunk's own forward pass) gives them at no extra model cost.
Models whose pooling is not a mean fall back to embedding each sentence on its own.

The transformer itself runs in the runtime ``retrieval/encoders.py`` provides (ONNX Runtime by default,
or PyTorch); pooling, the Dense layers and the sentence spans are here, shared by both, and
``signature`` names the runtime, so an index never mixes the vectors of two.

A model whose document prompt has a title slot (EmbeddingGemma: ``title: none | text: ``)
gets the article's headline there, as the model was trained: in news the headline names
what a paragraph deep in the article is about.

Every vector is a function of its text alone. A text's vector depends on how far its batch
was padded (in bf16 up to 0.002 per component, enough to flip a similarity threshold),
so which texts happened to be embedded together decided answers. Texts are therefore
padded to a fixed bucket of their own length (``pad_multiple`` tokens) and batched only
with texts of the same bucket: with the shape fixed, the kernels give bit-identical rows
whatever the batch size or the thread count (``tests/test_determinism.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.ingest.chunking import Chunk
from assistant.models import embed_dtype, load_sentence_transformer, release_freed_memory
from assistant.retrieval.encoders import OnnxTokens, Runtime, TokenEncoder, TorchTokens, resolve_runtime
from assistant.settings import Settings

SentenceMode = Literal["late", "separate"]
TITLE_SLOT = "title: none"


class Embedder(BaseEmbedding):
    """Query, document and sentence vectors; normalised float32 numpy arrays."""

    _model: Any = PrivateAttr()
    _tokens: TokenEncoder = PrivateAttr()
    _query_prompt: str = PrivateAttr()
    _doc_prompt: str = PrivateAttr()
    _late: bool = PrivateAttr()
    _title_slot: bool = PrivateAttr()
    _pad: int = PrivateAttr()
    _word_prompt: str = PrivateAttr()

    def __init__(self, model_name: str, models_dir: Path, max_seq_length: int = 512,
                 batch_size: int = 16, sentence_mode: SentenceMode = "late", pad_multiple: int = 8,
                 dtype: str = "auto", runtime: Runtime = "torch", **kwargs: Any) -> None:
        super().__init__(model_name=model_name, embed_batch_size=batch_size, **kwargs)
        resolved = resolve_runtime(runtime, dtype)
        if resolved in ("onnx", "onnx-int8"):
            import torch

            from assistant.retrieval.onnx_export import resolve_onnx
            from assistant.retrieval.onnx_int8 import resolve_int8

            # before the weights load: a missing graph fails fast
            int8 = resolved == "onnx-int8"
            graph = resolve_int8(models_dir, model_name) if int8 else resolve_onnx(models_dir, model_name)
            # the layers after the transformer (pooling, Dense) run in torch on the graph's fp32 states
            self._model = load_sentence_transformer(model_name, models_dir, max_seq_length, "float32")
            self._model[0].auto_model.to("meta")  # its weights live in the graph: free them first
            release_freed_memory()
            self._tokens = OnnxTokens(graph, torch.get_num_threads(), "onnx-int8" if int8 else "onnx-fp32")
        else:
            self._model = load_sentence_transformer(model_name, models_dir, max_seq_length, dtype)
            self._tokens = TorchTokens(self._model[0], embed_dtype(dtype))
        self._pad = max(1, pad_multiple)
        prompts = self._model.prompts or {}
        self._query_prompt = prompts.get("query", "")
        self._doc_prompt = prompts.get("document", prompts.get("passage", ""))
        # one prompt for both sides of a word comparison; EmbeddingGemma names one for translation pairs
        self._word_prompt = prompts.get("BitextMining", self._query_prompt)
        self._title_slot = TITLE_SLOT in self._doc_prompt
        modules = list(self._model)
        pooling = modules[1] if len(modules) > 1 else None
        self._late = (sentence_mode == "late" and pooling is not None
                      and _mean_pooling(pooling))

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        s = settings
        return cls(s.embed_model, s.models_dir, s.max_seq_length, s.embed_batch_size,
                   pad_multiple=s.embed_pad_multiple, dtype=s.embed_dtype, runtime=s.embed_runtime)

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
    def runtime(self) -> str:
        """What computes the token states, and in which precision (``onnx-fp32``, ``torch-bfloat16``)."""
        return self._tokens.name

    @property
    def signature(self) -> str:
        """What an index's vectors depend on: two signatures never share one index."""
        return f"{self.model_name}:{self.dimension}" + (":titled" if self._title_slot else "") + f":{self.runtime}"

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

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        """Single words, for matching a question's words to an article's across languages.

        Both sides get the same prompt (the bitext-mining one where the model has it): with the
        query prompt on one side and the document prompt on the other, "alarmed"/"alarmiert" scored
        0.40 and "killed"/"gelangt" 0.21; with one prompt, 0.52 against 0.38 (tests/grounding/test_gate.py).
        """
        return self._encode(list(words), self._word_prompt)

    def _batches(self, texts: Sequence[str]) -> list[list[int]]:
        """Indices of ``texts`` in batches whose members share one padded length (their bucket)."""
        lengths = self._model.tokenizer(list(texts), truncation=True, max_length=self._model.max_seq_length,
                                        add_special_tokens=True)["input_ids"]
        buckets: dict[int, list[int]] = {}
        for i, ids in enumerate(lengths):
            buckets.setdefault(self._bucket(len(ids)), []).append(i)
        size = self.embed_batch_size
        return [members[lo: lo + size] for _, members in sorted(buckets.items())
                for lo in range(0, len(members), size)]

    def _bucket(self, n_tokens: int) -> int:
        return min(-(-n_tokens // self._pad) * self._pad, self._model.max_seq_length)

    def _tokenize(self, texts: list[str], **kwargs: Any) -> Any:
        """Padded to the batch's bucket: every member has the same bucket, so this is fixed per text."""
        return self._model.tokenizer(texts, padding=True, pad_to_multiple_of=self._pad, truncation=True,
                                     max_length=self._model.max_seq_length, return_tensors="pt", **kwargs)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        full = [prompt + t for t in texts]
        out = np.zeros((len(texts), self.dimension), np.float32)
        for idx in self._batches(full):
            enc = self._tokenize([full[i] for i in idx])
            tokens = self._tokens(enc["input_ids"], enc["attention_mask"])
            with torch.inference_mode():
                pooled = self._model[1]({"token_embeddings": tokens, "attention_mask": enc["attention_mask"]})
                out[idx] = self._project(pooled["sentence_embedding"])
        return out

    def _project(self, pooled: Any) -> np.ndarray:
        """The layers after pooling (Dense, Normalize), one row at a time, normalised.

        torch multiplies a 1-row and a 3-row matrix with different kernels, which round differently
        (5e-8 measured); row by row, a text's vector never depends on what it was batched with.
        """
        import torch

        rows = []
        after_pooling = list(self._model)[2:]
        for row in pooled:
            features = {"sentence_embedding": row[None]}
            for module in after_pooling:
                features = module(features)
            rows.append(features["sentence_embedding"])
        return torch.nn.functional.normalize(torch.cat(rows).float(), dim=-1).numpy()

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
        chunk_out: list[np.ndarray | None] = [None] * len(chunks)
        sent_out: list[np.ndarray | None] = [None] * len(chunks)
        for idx in self._batches([p + c.text for p, c in zip(prefixes, chunks, strict=True)]):
            c_vecs, s_vecs = self._late_batch([chunks[i] for i in idx], [prefixes[i] for i in idx])
            for i, c_vec, s_vec in zip(idx, c_vecs, s_vecs, strict=True):
                chunk_out[i], sent_out[i] = c_vec, s_vec
        return np.stack(chunk_out), [s for s in sent_out if s is not None]

    def _title_span(self, prefix: str) -> tuple[int, int]:
        if prefix == self._doc_prompt:
            return 0, 0
        lo = self._doc_prompt.index(TITLE_SLOT) + len("title: ")
        tail = len(self._doc_prompt) - self._doc_prompt.index(TITLE_SLOT) - len(TITLE_SLOT)
        return lo, len(prefix) - tail

    def _late_batch(self, chunks: list[Chunk], prefixes: list[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        import torch

        enc = self._tokenize([p + c.text for p, c in zip(prefixes, chunks, strict=True)],
                             return_offsets_mapping=True)
        offsets = enc.pop("offset_mapping")
        mask = enc["attention_mask"]
        tokens = self._tokens(enc["input_ids"], mask)
        with torch.inference_mode():
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
            vectors = self._project(torch.cat(pooled))
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
