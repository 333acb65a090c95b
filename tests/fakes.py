"""A scripted text generator: exercises the task layer's segmentation, batching and retries exactly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from jb_summarize.models.hf import TextGenerator


class FakeGenerator(TextGenerator):
    """Answers with ``respond(input, decoding)``; records every call."""

    backend = "fake"

    def __init__(self, respond: Callable[[Any, dict[str, Any]], str], *, kind: str = "seq2seq", max_input_tokens=64):
        self.respond = respond
        self.kind = kind
        self.source = "fake"
        self.max_input_tokens = max_input_tokens
        self.calls: list[dict[str, Any]] = []

    def count_tokens(self, text: str) -> int:
        return len(text)

    def generate(self, inputs: Sequence[Any], *, max_new_tokens, batch_size=8, progress=False, **decoding) -> list[str]:
        self.calls.append(
            {"inputs": list(inputs), "max_new_tokens": list(max_new_tokens), "batch_size": batch_size, **decoding}
        )
        return [self.respond(x, decoding) for x in inputs]
