"""The backend contract: what a task may ask of a text generator, whatever runs it.

A generator is built once (``load_generator``) and called on lists: ``generate(inputs, max_new_tokens=...,
decoding=Decoding(...), batch_size=...)`` returns one string per input, in order. ``kind`` says what an
input is: a text (``"seq2seq"``) or a chat message list (``"chat"``). Backends: ``hf.py`` (transformers),
``llamacpp.py`` (GGUF on llama.cpp), ``ct2.py`` (CTranslate2).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, TypeVar

__all__ = ["GREEDY", "Decoding", "FailedOutput", "TextGenerator", "length_sorted_batches", "run_in_batches"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Decoding:
    """Decoding options, named the same for every backend; greedy unless ``num_beams`` > 1.

    A backend that cannot honour an option says so in ``TextGenerator.notes`` (the tasks record the notes
    in ``RunInfo.notes``); it never drops one silently.
    """

    num_beams: int = 1  # beam search width; 1 is greedy
    no_repeat_ngram_size: int | None = None  # never repeat an n-gram of this size (None or 0: off)
    repetition_penalty: float | None = None  # > 1 makes tokens already seen less likely (None or 1.0: off)
    forbid_chinese: bool = False  # never generate a token that carries a Chinese character
    min_new_tokens: int | None = None  # generate at least this many tokens (benchmarks)
    temperature: float | None = None  # > 0: sample at this temperature (quality candidates); None or 0: greedy
    seed: int = 0  # the random seed of sampling; the same seed gives the same samples

    def replace(self, **changes: Any) -> Decoding:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def active(self) -> dict[str, Any]:
        """The options that change decoding from plain greedy."""
        active = {k: v for k, v in self.to_dict().items() if v not in (None, False, 0) and (k != "num_beams" or v > 1)}
        if not self.temperature:
            active.pop("seed", None)
        return active


GREEDY = Decoding()


class FailedOutput(str):
    """An output the backend could not produce (a request the server rejected): an empty string that
    carries the reason; the tasks flag it as "failed" instead of passing it off as a result."""

    reason: str

    def __new__(cls, text: str = "", *, reason: str) -> FailedOutput:
        output = super().__new__(cls, text)
        output.reason = reason
        return output


class TextGenerator(ABC):
    """A model behind one backend. Subclasses set the attributes and implement the two methods."""

    backend: str = ""  # "transformers", "llama.cpp", "ctranslate2"
    kind: str = ""  # "seq2seq": inputs are texts; "chat": inputs are message lists
    source: str = ""  # the model's name or path, for messages and provenance
    max_input_tokens: int = 512  # the longest input (prompt) the model takes
    default_batch_size: int = 8  # inputs decoded at once when the caller does not say
    max_output_tokens: int | None = None  # the most tokens one output can have (decoder positions), if bounded
    unsupported: tuple[str, ...] = ()  # Decoding fields this backend cannot honour

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` as this model reads it."""

    @abstractmethod
    def generate(
        self,
        inputs: Sequence[Any],
        *,
        max_new_tokens: Sequence[int],
        decoding: Decoding = GREEDY,
        batch_size: int | None = None,
        progress: bool = False,
    ) -> list[str]:
        """One output per input, in order; ``max_new_tokens`` is given per input."""

    def unhonoured(self, decoding: Decoding) -> list[str]:
        """The options of ``decoding`` this backend cannot honour, one sentence each (the tasks warn of them)."""
        active = decoding.active()
        return [f"{self.backend} has no {name}; decoded without it" for name in self.unsupported if name in active]

    def notes(self, decoding: Decoding) -> list[str]:
        """What ``RunInfo.notes`` says of decoding with ``decoding``: what is not honoured, and how it ran."""
        return self.unhonoured(decoding)

    def runtime(self) -> dict[str, Any]:
        """Where this generator runs, as recorded in ``RunInfo.runtime`` (CPU, weight layout, threads)."""
        return {}


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices grouped into batches of similar length, longest first (a memory problem shows early)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def run_in_batches(
    items: Sequence[T],
    fn: Callable[[list[T], list[int]], list[R]],
    *,
    lengths: Sequence[int],
    batch_size: int,
    progress: bool = False,
    desc: str = "",
) -> list[R]:
    """Call ``fn(batch_items, batch_indices)`` on length-sorted batches; results come back in input order
    (as EasyNMT and CTranslate2 do)."""
    results: list[R | None] = [None] * len(items)
    batches = list(length_sorted_batches(lengths, batch_size))
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, desc=desc, unit="batch", leave=False)
    for batch in batches:
        outputs = fn([items[i] for i in batch], batch)
        if len(outputs) != len(batch):
            raise RuntimeError(f"backend returned {len(outputs)} outputs for a batch of {len(batch)}")
        for i, out in zip(batch, outputs, strict=True):
            results[i] = out
    return results  # type: ignore[return-value]
