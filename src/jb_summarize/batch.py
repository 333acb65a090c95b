"""Batch work over many inputs: reading records, sharding, resumable locked output, running a task.

Inputs become a ``datasets.Dataset`` (columns ``id``, ``text``, ``source``, ``line``) so that a corpus of any
size is memory-mapped and can be split with ``--shard i/n`` (``Dataset.shard(contiguous=True)``: no
overlap, no gap). Output is appended record by record and flushed; a lock file keeps two runs from writing
the same output; ``resume`` skips the ids already written.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .text import InputError, decode_bytes

__all__ = [
    "BadRecord",
    "BatchCallable",
    "OutputLockedError",
    "RecordWriter",
    "parse_shard",
    "read_records",
    "records_dataset",
    "run_task",
]

TEXT_SUFFIXES = (".txt", ".text", ".md")


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be processed, with where it is."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


class OutputLockedError(RuntimeError):
    """Another run is writing the same output file."""


Record = dict[str, Any]


def _record(source: str, line: int | None, rid: Any, text: Any) -> Record | BadRecord:
    if text is None:
        return BadRecord(source, line, "missing text field")
    if not isinstance(text, str):
        return BadRecord(source, line, f"text is a {type(text).__name__}, not a string")
    if not text.strip():
        return BadRecord(source, line, "empty text")
    return {"id": str(rid), "text": text, "source": source, "line": line}


def _jsonl(path: Path, text_field: str, id_field: str | None) -> Iterator[Record | BadRecord]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield BadRecord(str(path), number, "not UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield BadRecord(str(path), number, f"bad JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                yield BadRecord(str(path), number, "not a JSON object")
                continue
            if text_field not in row:
                yield BadRecord(str(path), number, f"no field {text_field!r}")
                continue
            rid = row.get(id_field, number) if id_field else number
            yield _record(str(path), number, rid, row[text_field])


def _table(path: Path, text_field: str, id_field: str | None) -> Iterator[Record | BadRecord]:
    text = decode_bytes(path.read_bytes(), str(path))
    reader = csv.DictReader(io.StringIO(text), delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    if text_field not in (reader.fieldnames or []):
        raise InputError(f"{path}: no column {text_field!r} (columns: {', '.join(reader.fieldnames or [])})")
    for row in reader:
        number = reader.line_num
        rid = row.get(id_field) or number if id_field else number
        yield _record(str(path), number, rid, row.get(text_field))


def _rows(
    rows: Iterator[dict[str, Any]], name: str, text_field: str, id_field: str | None
) -> Iterator[Record | BadRecord]:
    for number, row in enumerate(rows, start=1):
        rid = row.get(id_field, number) if id_field else number
        yield _record(name, number, rid if rid is not None else number, row.get(text_field))


def _dataset_rows(path_or_name: str, split: str | None) -> Iterator[dict[str, Any]]:
    import datasets

    path = Path(path_or_name)
    if path.is_dir():
        loaded = datasets.load_from_disk(str(path))
    else:
        loaded = datasets.load_dataset(path_or_name, split=split or "train")
    if isinstance(loaded, datasets.DatasetDict):
        if split is None and len(loaded) == 1:
            split = next(iter(loaded))
        if split not in loaded:
            raise InputError(f"{path_or_name}: choose a split with --split ({', '.join(loaded)})")
        loaded = loaded[split]
    return iter(loaded)


def _is_saved_dataset(path: Path) -> bool:
    return path.is_dir() and any(
        (path / name).exists() for name in ("dataset_info.json", "dataset_dict.json", "state.json")
    )


def read_records(
    inputs: Sequence[str],
    *,
    text_field: str = "text",
    id_field: str | None = "id",
    split: str | None = None,
) -> Iterator[Record | BadRecord]:
    """Records (or BadRecords) from text files, folders of them, stdin, JSONL/CSV/TSV/Parquet or datasets."""
    for name in inputs:
        path = Path(name)
        if name == "-":
            yield _record("<stdin>", None, "stdin", decode_bytes(sys.stdin.buffer.read(), "<stdin>"))
        elif _is_saved_dataset(path):
            yield from _rows(_dataset_rows(name, split), name, text_field, id_field)
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not files:
                raise InputError(f"{name}: no .txt files in this folder")
            for file in files:
                yield from _text_file(file, str(file.relative_to(path).with_suffix("")))
        elif path.is_file():
            suffix = path.suffix.lower()
            if suffix in (".jsonl", ".json"):
                yield from _jsonl(path, text_field, id_field)
            elif suffix in (".csv", ".tsv"):
                yield from _table(path, text_field, id_field)
            elif suffix == ".parquet":
                import pyarrow.parquet as pq

                yield from _rows(iter(pq.read_table(path).to_pylist()), name, text_field, id_field)
            else:
                yield from _text_file(path, path.stem)
        elif path.suffix or name.startswith((".", "/", "~")):
            raise InputError(f"{name}: no such file or folder")
        else:
            yield from _rows(_dataset_rows(name, split), name, text_field, id_field)


def _text_file(path: Path, rid: str) -> Iterator[Record | BadRecord]:
    try:
        text = decode_bytes(path.read_bytes(), str(path))
    except InputError as exc:
        yield BadRecord(str(path), None, str(exc).split(": ", 1)[-1])
        return
    yield _record(str(path), None, rid, text)


def records_dataset(records: Sequence[Record]):
    """The good records as a Dataset(id, text, source, line)."""
    import datasets

    columns = {key: [r[key] for r in records] for key in ("id", "text", "source")}
    columns["line"] = [r["line"] if r["line"] is not None else -1 for r in records]
    return datasets.Dataset.from_dict(columns)


def parse_shard(spec: str) -> tuple[int, int]:
    """'i/n' -> (i, n) with 0 <= i < n."""
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError as exc:
        raise ValueError(f"--shard takes i/n, e.g. 0/4, got {spec!r}") from exc
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard {spec}: need 0 <= i < n")
    return index, count


class RecordWriter:
    """Appends JSON records to a file, one line each, flushed; holds a lock; knows which ids are done.

    With ``path=None`` records go to stdout (no lock, nothing to resume).
    """

    def __init__(self, path: str | Path | None, *, resume: bool = False, overwrite: bool = False):
        self.path = Path(path) if path is not None else None
        self.done: set[str] = set()
        self._lock_file: TextIO | None = None
        self._handle: TextIO | None = None
        self.resume, self.overwrite = resume, overwrite

    def __enter__(self) -> RecordWriter:
        if self.path is None:
            self._handle = sys.stdout
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock_file = lock_path.open("a")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._lock_file.close()
            raise OutputLockedError(
                f"{self.path} is being written by another run (lock {lock_path}); wait for it or pick another --output"
            ) from exc
        exists = self.path.exists() and self.path.stat().st_size > 0
        if exists and not (self.resume or self.overwrite):
            self.close()
            raise FileExistsError(f"{self.path} exists: --resume to continue it, --overwrite to start again")
        kept = self._valid_records() if self.resume else []
        self.done = {str(r.get("id")) for r in kept}
        # rewrite without a line an interruption cut short, then append
        fresh = self.path.with_name(self.path.name + ".tmp")
        fresh.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
        os.replace(fresh, self.path)
        self._handle = self.path.open("a", encoding="utf-8")
        return self

    def _valid_records(self) -> list[Record]:
        records = []
        if self.path is not None and self.path.exists():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                with contextlib.suppress(json.JSONDecodeError):
                    record = json.loads(line)
                    if isinstance(record, dict) and "id" in record:
                        records.append(record)
        return records

    def write(self, record: Record) -> None:
        assert self._handle is not None
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()
        self.done.add(str(record["id"]))

    def records(self) -> list[Record]:
        return self._valid_records()

    def close(self) -> None:
        if self._handle is not None and self._handle is not sys.stdout:
            self._handle.close()
        self._handle = None
        if self._lock_file is not None:
            self._lock_file.close()  # releases the lock
            self._lock_file = None

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_task(
    dataset,
    task: Callable[[list[str]], Any],
    writer: RecordWriter,
    make_record: Callable[[dict[str, Any], str, Any], Record],
    *,
    chunk_size: int = 32,
    progress: bool = False,
) -> int:
    """Run ``task.run`` over the dataset in chunks, writing each finished record; returns how many were written."""
    todo = dataset.filter(lambda row: row["id"] not in writer.done) if writer.done else dataset
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), unit="doc", desc="jb-summarize")
    written = 0
    try:
        for batch in todo.iter(batch_size=chunk_size):
            result = task(batch["text"])
            rows = [dict(zip(batch, values, strict=True)) for values in zip(*batch.values(), strict=True)]
            for i, (row, output) in enumerate(zip(rows, result.outputs, strict=True)):
                writer.write(make_record(row, output, (result.info, i)))
                written += 1
            if bar is not None:
                bar.update(len(rows))
    finally:
        if bar is not None:
            bar.close()
    return written


class BatchCallable:
    """A task as a batch function over a column: ``datasets.Dataset.map(batched=True)`` and Ray Data's
    ``map_batches`` (as a callable class, so that each worker loads the model once).

        ds.map(BatchCallable("summarize", "lead"), batched=True)
        ray_ds.map_batches(BatchCallable, fn_constructor_kwargs={"task": "translate", "model": NAME},
                           concurrency=2, batch_size=16)
    """

    def __init__(self, task: str, model: str, column: str = "text", output: str | None = None, **options: Any):
        if task == "summarize":
            from .summarize import load_summarizer

            self.task = load_summarizer(model, **options)
        elif task == "translate":
            from .translate import load_translator

            self.task = load_translator(model, **options)
        else:
            raise ValueError(f"task must be 'summarize' or 'translate', got {task!r}")
        self.column = column
        self.output = output or ("summary" if task == "summarize" else "translation")

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts = [str(t) for t in batch[self.column]]
        return {**batch, self.output: self.task(texts)}
