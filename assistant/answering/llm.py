"""Language-model backends behind llama-index's ``LLM`` interface.

``local`` runs the packaged Qwen2.5-1.5B GGUF in-process through llama.cpp; ``openai``
talks to any OpenAI-compatible server (vLLM, Ollama, ``llama_cpp.server``). Both only
phrase evidence that retrieval already chose; ``answering/answer.py`` verifies what they write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.llms import LLM
from llama_index.core.llms.custom import CustomLLM
from pydantic import PrivateAttr

from assistant.models import resolve_gguf
from assistant.settings import Settings

LOCAL_INSTALL = "CMAKE_ARGS=-DGGML_NATIVE=OFF pip install -e '.[local]'"


def generator_errors() -> tuple[type[BaseException], ...]:
    """What a generator fails with when its server or model does, as opposed to a bug of ours.

    Transport: connection, timeout and HTTP status errors of httpx and the OpenAI client.
    Model: llama.cpp raises ``RuntimeError`` (decode failed) and ``ValueError`` (prompt over
    the context window).
    """
    errors: list[type[BaseException]] = [OSError, TimeoutError, RuntimeError, ValueError]
    try:
        import httpx

        errors.append(httpx.HTTPError)
    except ImportError:
        pass
    try:
        import openai

        errors.append(openai.APIError)
    except ImportError:
        pass
    return tuple(errors)


class LlamaCppChat(CustomLLM):
    """llama.cpp with the chat template stored in the GGUF file itself.

    Own class rather than ``llama-index-llms-llama-cpp``'s ``LlamaCPP``: that one
    formats prompts itself and needs a hand-written ChatML template, while
    ``create_chat_completion`` uses the model's own template and keeps the prompt
    cache across calls.
    """

    context_window: int = 4096
    max_tokens: int = 200
    _llm: Any = PrivateAttr()
    _lock: threading.Lock = PrivateAttr()

    def __init__(self, model_path: str, n_ctx: int = 4096, n_threads: int = 2, max_tokens: int = 200) -> None:
        super().__init__(context_window=n_ctx, max_tokens=max_tokens)
        try:
            from llama_cpp import Llama
        except ImportError as err:
            raise RuntimeError(f"The local backend needs llama-cpp-python: {LOCAL_INSTALL}") from err
        self._llm = Llama(model_path=model_path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        self._lock = threading.Lock()  # one llama.cpp context serves one request at a time

    @classmethod
    def class_name(cls) -> str:
        return "LlamaCppChat"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.max_tokens,
                           is_chat_model=True, model_name="qwen2.5-coder-1.5b-instruct-q4_k_m")

    def _messages(self, messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
        return [{"role": m.role.value, "content": m.content or ""} for m in messages]

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        text = "".join(r.delta or "" for r in self.stream_chat(messages, **kwargs))
        return ChatResponse(message=ChatMessage(role="assistant", content=text))

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        def gen() -> Iterator[ChatResponse]:
            text = ""
            with self._lock:
                for part in self._llm.create_chat_completion(
                        messages=self._messages(messages), stream=True, temperature=0.0,
                        max_tokens=kwargs.get("max_tokens", self.max_tokens), stop=["<|im_end|>"]):
                    delta = part["choices"][0]["delta"].get("content") or ""
                    if delta:
                        text += delta
                        yield ChatResponse(message=ChatMessage(role="assistant", content=text), delta=delta)
        return gen()

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        response = self.chat([ChatMessage(role="user", content=prompt)], **kwargs)
        return CompletionResponse(text=response.message.content or "")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def gen() -> Iterator[CompletionResponse]:
            for r in self.stream_chat([ChatMessage(role="user", content=prompt)], **kwargs):
                yield CompletionResponse(text=r.message.content or "", delta=r.delta)
        return gen()


def make_llm(settings: Settings) -> LLM | None:
    """The configured generator, or None for the extractive backend."""
    if settings.backend == "extractive":
        return None
    if settings.backend == "openai":
        if not settings.llm_url:
            raise RuntimeError("backend 'openai' needs ASSISTANT_LLM_URL (e.g. http://127.0.0.1:8080/v1)")
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(api_base=settings.llm_url, model=settings.llm_model, api_key=settings.llm_api_key,
                          is_chat_model=True, timeout=settings.llm_timeout_s, max_retries=1,
                          max_tokens=settings.llm_max_tokens, temperature=0.0,
                          context_window=settings.llm_ctx)
    path = resolve_gguf(settings.gguf_path, settings.models_dir)
    return LlamaCppChat(str(path), n_ctx=settings.llm_ctx, n_threads=settings.llm_threads,
                        max_tokens=settings.llm_max_tokens)
