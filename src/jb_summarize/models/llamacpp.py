"""llama.cpp adapter (``llama-cpp-python``): the fast CPU runtime for GGUF chat models."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .hf import TextGenerator
from .hub import ModelNotAvailableError

__all__ = ["LlamaCppGenerator", "llama_cpp_available"]

Messages = list[dict[str, str]]


def llama_cpp_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


class LlamaCppGenerator(TextGenerator):
    """A GGUF chat model through llama.cpp, greedy with a fixed seed; inputs are message lists.

    ``num_beams`` and ``no_repeat_ngram_size`` have no llama.cpp equivalent and are ignored;
    ``repetition_penalty`` maps to llama.cpp's ``repeat_penalty``.
    """

    backend = "llama.cpp"
    kind = "chat"

    def __init__(
        self,
        gguf_path: str | Path,
        *,
        source: str | None = None,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        n_batch: int = 512,
        max_input_tokens: int | None = None,
        device: str = "cpu",
    ):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelNotAvailableError(
                "the llama.cpp backend needs llama-cpp-python: `make setup` installs it "
                "(or `pip install llama-cpp-python==0.3.36`, which compiles for about 5 minutes)"
            ) from exc
        self.source = source or str(gguf_path)
        self.device = device
        self.n_threads = n_threads or max(1, min(8, os.cpu_count() or 1))
        self.llm = Llama(
            model_path=str(gguf_path),
            n_ctx=n_ctx,
            n_threads=self.n_threads,
            n_batch=n_batch,
            n_gpu_layers=-1 if device != "cpu" else 0,
            seed=0,
            verbose=False,
        )
        # leave room in the context window for the answer
        self.max_input_tokens = min(max_input_tokens or n_ctx // 2, n_ctx // 2)

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def generate(
        self,
        inputs: Sequence[Messages],
        *,
        max_new_tokens: Sequence[int],
        batch_size: int = 1,
        progress: bool = False,
        **decoding: Any,
    ) -> list[str]:
        """One completion per message list, in order (llama.cpp decodes one sequence at a time)."""
        penalty = decoding.get("repetition_penalty") or 1.0
        items = list(zip(inputs, max_new_tokens, strict=True))
        if progress:
            from tqdm.auto import tqdm

            items = tqdm(items, desc=self.source, unit="prompt", leave=False)
        outputs = []
        for messages, budget in items:
            answer = self.llm.create_chat_completion(
                messages=messages,
                max_tokens=budget,
                temperature=0.0,
                top_k=1,
                top_p=1.0,
                seed=0,
                repeat_penalty=penalty,
            )
            outputs.append((answer["choices"][0]["message"]["content"] or "").strip())
        return outputs
