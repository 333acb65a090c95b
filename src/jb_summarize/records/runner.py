"""Running a task over a list of records, and a task as a batch function for datasets / Ray Data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..models.hub import ModelNotAvailableError
from ..tasks.base import chunked
from .writer import Record, RecordWriter

__all__ = ["BatchCallable", "run_task"]

OnError = Callable[[dict[str, Any], Exception], None]


def _outputs(task: Callable[[list[str]], Any], rows: list[dict[str, Any]], on_error: OnError | None):
    """(row, output, (info, position)) for each row the task could do. A model error in a chunk is put down
    to its records one at a time: a record that fails alone goes to ``on_error`` (which may raise to stop)."""
    try:
        result = task([row["text"] for row in rows])
        return [
            (row, output, (result.info, i)) for i, (row, output) in enumerate(zip(rows, result.outputs, strict=True))
        ]
    except ModelNotAvailableError:
        raise  # the model or its server is gone: no record can be done now (finished ones are kept)
    except Exception as exc:
        if on_error is None:
            raise
        if len(rows) == 1:
            on_error(rows[0], exc)
            return []
    return [done for row in rows for done in _outputs(task, [row], on_error)]


def run_task(
    rows: Iterable[dict[str, Any]],
    task: Callable[[list[str]], Any],
    writer: RecordWriter,
    make_record: Callable[[dict[str, Any], str, Any], Record],
    *,
    chunk_size: int = 32,
    total: int | None = None,
    progress: bool = False,
    on_error: OnError | None = None,
) -> int:
    """Run ``task.run`` over the rows (dicts with ``id`` and ``text``: records, or a ``datasets.Dataset``'s rows;
    any iterable, read as it goes: ``chunk_size`` rows are held at a time), skipping the ids the writer has done
    and writing each finished record; returns how many were written. ``total``: the rows there are, for the
    progress bar.

    ``on_error(row, exception)``: a record the model fails on (without it, the error ends the run).
    """
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, unit="doc", desc="jb-summarize")
    written = 0
    todo = (row for row in rows if row["id"] not in writer.done)
    try:
        for rows_now in chunked(todo, chunk_size):
            chunk = [dict(row) for row in rows_now]
            for row, output, where in _outputs(task, chunk, on_error):
                writer.write(make_record(row, output, where))
                written += 1
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
    return written


class BatchCallable:
    """A task as a batch function over a column: ``datasets.Dataset.map(batched=True)`` and Ray Data's
    ``map_batches`` (as a callable class, so that each worker loads the model once).

        ds.map(BatchCallable("summarize", "lead"), batched=True)
        ray_ds.map_batches(BatchCallable, fn_constructor_kwargs={"task": "translate", "model": NAME},
                           compute=ray.data.ActorPoolStrategy(size=2), num_cpus=2, batch_size=16)
    """

    def __init__(self, task: str, model: str, column: str = "text", output: str | None = None, **options: Any):
        from ..tasks import load_task, task_type

        self.task = load_task(task, model, **options)
        self.column = column
        self.output = output or task_type(task).output_field

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts = list(batch[self.column])  # a null or non-string text is a one-line TypeError, never "None"
        return {**batch, self.output: self.task(texts)}
