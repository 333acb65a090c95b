"""What every task shares: build once, call on lists, stream; and for tasks on a model, the way from
texts to prompts to the generator and back, with the decoding options in one place.

    result = task.run(texts)          # TaskResult: outputs (one per input, in order) and RunInfo
    task(texts)                       # the outputs alone
    task.run(texts, num_beams=4)      # options for this call only (``call_options``)
    task.iterable(stream)             # outputs of a stream, ``chunk_size`` texts at a time
"""

from __future__ import annotations

import copy
import logging
import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, ClassVar, TypeVar

from ..examples import Example, load_examples, nearest_examples
from ..models.base import Decoding, FailedOutput, TextGenerator
from ..models.loading import provenance
from ..models.profile import phase
from ..models.registry import ModelSpec
from ..results import RunInfo, TaskResult
from ..text import to_simplified

__all__ = ["ModelTask", "Task", "UnsupportedOptionWarning", "check_texts", "chunked", "decoding_with_defaults"]


class UnsupportedOptionWarning(UserWarning):
    """An option the caller asked for that the model's backend cannot honour (also in ``info.notes``)."""


T = TypeVar("T")
log = logging.getLogger(__name__)


def check_texts(texts: Iterable[str]) -> list[str]:
    """The texts of any iterable (a list, a tuple, a generator, ``map(...)``) as a list, or a one-line
    ``TypeError`` that says which item is not a string."""
    if isinstance(texts, (str, bytes)):
        raise TypeError("a task takes a list of strings; wrap a single text in a list")
    if isinstance(texts, Mapping) or not isinstance(texts, Iterable):
        raise TypeError(f"a task takes an iterable of strings, not {type(texts).__name__}")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"a task takes a list of strings; item {i} is {type(text).__name__}: {text!r:.40}")
    return texts


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter) from any iterable."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Task(ABC):
    """A task (summarise, translate) under a name; subclasses implement ``run``."""

    task = ""  # "summarize" or "translate"
    output_field = ""  # the column a batch call adds: "summary" or "translation"
    name = ""
    batch_size: int | None = None
    call_options: tuple[str, ...] = ()  # options a single call may change (``run(texts, num_beams=4)``)
    choices: ClassVar[Mapping[str, Collection[str]]] = {}  # options limited to a set of values: name -> the values
    to_simplified = False  # convert Traditional Chinese input to Simplified (OpenCC) before the task sees it

    def with_options(self, **options: Any) -> Task:
        """A copy of this task with some of its ``call_options`` changed (None keeps one); the model is shared."""
        unknown = sorted(set(options) - set(self.call_options))
        if unknown:
            allowed = ", ".join(self.call_options) or "none"
            raise TypeError(
                f"{type(self).__name__} takes no per-call option {', '.join(unknown)} (it takes: {allowed})"
            )
        task = copy.copy(self)
        task._set_options({k: v for k, v in options.items() if v is not None})
        return task

    def _check_choices(self, options: Mapping[str, Any]) -> None:
        """A one-line ValueError for an option outside its ``choices``."""
        for name, allowed in self.choices.items():
            if name in options and options[name] not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {options[name]!r}")

    def _set_options(self, options: dict[str, Any]) -> None:
        self._check_choices(options)
        for key, value in options.items():
            setattr(self, key, value)

    def run(
        self,
        texts: Iterable[str],
        *,
        batch_size: int | None = None,
        show_progress_bar: bool = False,
        **options: Any,
    ) -> TaskResult:
        """One output per input (of any iterable: a list, a generator), in order, with the provenance of the
        call; ``options``: any of ``call_options``, for this call only."""
        texts = check_texts(texts)
        task = self.with_options(**options) if options else self
        start = time.perf_counter()
        inputs = [to_simplified(t) for t in texts] if task.to_simplified else list(texts)
        result = task._run(inputs, batch_size, show_progress_bar)
        result.info.seconds = time.perf_counter() - start
        return result

    @abstractmethod
    def _run(self, texts: list[str], batch_size: int | None, progress: bool) -> TaskResult:
        """The outputs and provenance of ``run`` (its time is filled in by ``run``)."""

    def outputs(
        self,
        texts: str | Iterable[str],
        *,
        batch_size: int | None = None,
        show_progress_bar: bool = False,
        **options: Any,
    ) -> str | list[str]:
        """A string for a string, a list for a list (as transformers pipelines do)."""
        single = isinstance(texts, str)
        result = self.run(
            [texts] if single else texts, batch_size=batch_size, show_progress_bar=show_progress_bar, **options
        )
        return result.outputs[0] if single else result.outputs

    def __call__(self, texts: str | Iterable[str] | Mapping[str, Any], **options: Any) -> Any:
        """A string for a string, a list for a list, and for a ``datasets`` batch (``Dataset.map(task,
        batched=True)``) the batch with ``output_field`` added from its "text" column."""
        if isinstance(texts, Mapping):
            return {**texts, self.output_field: self.outputs(list(texts["text"]), **options)}
        return self.outputs(texts, **options)

    def iterable(
        self, texts: Iterable[str], *, batch_size: int | None = None, chunk_size: int = 256, **options: Any
    ) -> Iterator[str]:
        """Outputs of a stream of texts, in order, holding ``chunk_size`` texts at a time."""
        task = self.with_options(**options) if options else self
        for chunk in chunked(texts, chunk_size):
            yield from task.run(chunk, batch_size=batch_size).outputs


def decoding_with_defaults(
    spec: ModelSpec | None, fallbacks: Mapping[str, Any], **explicit: Any
) -> tuple[Decoding, Decoding]:
    """(the ``Decoding`` of the explicit options, where one left None that ``fallbacks`` names takes the
    registry's default for the model, else the fallback; the ``Decoding`` of what the caller asked for)."""
    registry = spec.decoding if spec else {}
    values = {
        key: registry.get(key, fallbacks[key]) if value is None and key in fallbacks else value
        for key, value in explicit.items()
    }
    return Decoding(**values), Decoding(**{k: v for k, v in explicit.items() if v is not None})


_DECODING_FIELDS = frozenset(Decoding.__dataclass_fields__)


class ModelTask(Task):
    """A task on a ``TextGenerator``: texts become inputs (prompts on chat models), outputs are cleaned.

    ``examples``: how many worked examples, the most similar to each input, go into its prompt, drawn from
    ``example_pool`` (None: the bundled pool of ``example_kind``).
    """

    example_kind = ""  # the bundled example pool: "translation" or "summary"

    def _set_options(self, options: dict[str, Any]) -> None:
        decoding = {k: v for k, v in options.items() if k in _DECODING_FIELDS}
        if decoding:
            self.decoding = self.decoding.replace(**decoding)
            self.asked = self.asked.replace(**decoding)
        super()._set_options({k: v for k, v in options.items() if k not in _DECODING_FIELDS})

    def __init__(
        self,
        generator: TextGenerator,
        *,
        spec: ModelSpec | None,
        decoding: Decoding,
        asked: Decoding | None = None,
        batch_size: int | None = None,
        examples: int = 0,
        example_pool: Sequence[Example] | None = None,
    ):
        self.generator = generator
        self.spec = spec
        self.name = spec.name if spec else generator.source
        self.decoding = decoding
        self.asked = asked or Decoding()  # the options the caller asked for: warned of if not honoured
        self._warned: set[str] = set()
        self.batch_size = batch_size
        self.examples = examples
        self.example_pool = list(example_pool) if example_pool is not None else None

    def _shots(self, text: str) -> list[Example]:
        """The worked examples for ``text``'s prompt (none unless ``examples`` asks for some)."""
        if not self.examples:
            return []
        pool = self.example_pool if self.example_pool is not None else load_examples(kind=self.example_kind)
        return nearest_examples(text, pool, self.examples)

    @property
    def _is_chat(self) -> bool:
        return self.generator.kind == "chat"

    def _batch_size(self, batch_size: int | None) -> int:
        return batch_size or self.batch_size or self.generator.default_batch_size

    def _generate(
        self,
        texts: list[str],
        *,
        prompt: Callable[[str], Any],
        clean: Callable[[str], str],
        max_new_tokens: list[int],
        decoding: Decoding,
        batch_size: int,
        progress: bool,
        label: str | None = None,
    ) -> list[str]:
        """Texts -> inputs (``prompt`` on chat models) -> generator -> outputs (``clean`` on chat models);
        the decoding profile's phase is ``label`` (default: the task)."""
        inputs: list[Any] = [prompt(t) for t in texts] if self._is_chat else texts
        with phase(label or self.task):
            outputs = self.generator.generate(
                inputs, max_new_tokens=max_new_tokens, decoding=decoding, batch_size=batch_size, progress=progress
            )
        return [o if isinstance(o, FailedOutput) else clean(o) for o in outputs] if self._is_chat else outputs

    def _info(self, *, used: Sequence[Decoding], decoding: dict[str, Any], **fields: Any) -> RunInfo:
        """The RunInfo of a call that decoded with ``used``; ``decoding``: what else shaped the outputs."""
        notes = list(dict.fromkeys(note for d in used for note in self.generator.notes(d)))
        log.debug("%s %s: %d decoding pass(es), notes: %s", self.task, self.name, len(used), notes or "none")
        for note in self.generator.unhonoured(self.asked):
            if note not in self._warned:  # once per task: a batch run of many calls warns once
                self._warned.add(note)
                warnings.warn(f"{self.name}: {note}", UnsupportedOptionWarning, stacklevel=4)
        return RunInfo(
            task=self.task,
            **provenance(self.spec, self.generator),
            decoding={**self.decoding.to_dict(), "do_sample": False, **decoding},
            notes=notes,
            **fields,
        )
