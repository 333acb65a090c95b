"""The tasks: Chinese summaries and English translations, over any backend, behind one shape (``base.py``).

``TASKS`` maps a task name to its loader, the field its output goes in and that output's language; the
CLI, the evaluation scripts and ``BatchCallable`` choose tasks through it (``load_task``), and ``load_tasks``
loads a summariser and a translator that share one model when both name the same one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..glossary import load_glossary
from ..models.hub import ModelNotAvailableError
from ..models.loading import load_generator, split_generator_options
from .base import ModelTask, Task
from .summarize import BUILTIN_SUMMARIZERS, ModelSummarizer, Summarizer, load_summarizer
from .translate import DEFAULT_TRANSLATOR, Translator, load_translator

__all__ = [
    "DEFAULT_TRANSLATOR",
    "TASKS",
    "ModelTask",
    "Summarizer",
    "Task",
    "TaskType",
    "Translator",
    "load_summarizer",
    "load_task",
    "load_tasks",
    "load_translator",
    "task_options",
    "task_type",
]


@dataclass(frozen=True)
class TaskType:
    name: str
    loader: Callable[..., Task]
    output_field: str  # the record field the output goes in
    language: str  # of the output: "zh" or "en"
    default_model: str


TASKS: dict[str, TaskType] = {
    "summarize": TaskType("summarize", load_summarizer, Summarizer.output_field, "zh", "extractive"),
    "translate": TaskType("translate", load_translator, Translator.output_field, "en", DEFAULT_TRANSLATOR),
}


def task_type(name: str) -> TaskType:
    if name not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {name!r}")
    return TASKS[name]


def task_options(
    task: str,
    *,
    offline: bool = False,
    glossary_files: Sequence[str] | None = None,
    use_glossary: bool = True,
    **options: Any,
) -> dict[str, Any]:
    """A task loader's options from what a user gives: ``offline`` mode, and for translation the bundled
    glossary updated by ``glossary_files`` (none with ``use_glossary=False``) unless ``glossary`` is given.
    Given nothing, the translator's own default applies (the same: the bundled glossary and found names)."""
    if offline:
        options["offline"] = True
    if task_type(task).name == "translate" and "glossary" not in options:
        if not use_glossary:
            options["glossary"] = {}
        elif glossary_files:
            options["glossary"] = load_glossary(*glossary_files)
    return options


def load_task(task: str, model: str | None = None, **options: Any) -> Task:
    """A task by name ('summarize', 'translate') on ``model`` (default: the task's); ``options`` as in
    ``task_options`` and the task's loader."""
    kind = task_type(task)
    return kind.loader(model or kind.default_model, **task_options(task, **options))


def load_tasks(
    summarizer: str | Any | None = None,
    translator: str | Any | None = None,
    *,
    summarizer_options: dict[str, Any] | None = None,
    translator_options: dict[str, Any] | None = None,
    **options: Any,
) -> tuple[Summarizer | None, Translator | None]:
    """A summariser and a translator (either may be None); one model load when both name the same model.

    ``options`` (``offline``, ``device``, ...) go to both, ``summarizer_options`` / ``translator_options`` to one
    (as in ``load_task``); with one shared model, the adapter options come from the summariser's.
    """
    summarizer_options = task_options("summarize", **{**options, **(summarizer_options or {})})
    translator_options = task_options("translate", **{**options, **(translator_options or {})})
    builtin = isinstance(summarizer, str) and summarizer.lower() in BUILTIN_SUMMARIZERS
    shared = summarizer is not None and not builtin and (summarizer is translator or summarizer == translator)
    if not shared:
        return (
            load_summarizer(summarizer, **summarizer_options) if summarizer is not None else None,
            load_translator(translator, **translator_options) if translator is not None else None,
        )
    adapter, summarizer_task = split_generator_options(summarizer_options)
    _, translator_task = split_generator_options(translator_options)
    generator, spec = load_generator(summarizer, task="summarize", **adapter)
    if spec is not None and "translate" not in spec.tasks:
        raise ModelNotAvailableError(f"model {spec.name!r} does not do translate (it does: {', '.join(spec.tasks)})")
    return (
        ModelSummarizer(generator, spec=spec, **summarizer_task),
        Translator(generator, spec=spec, **translator_task),
    )
