"""The resumable output of a batch run: JSON records appended and flushed one by one, under a lock."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

__all__ = ["OutputLockedError", "RecordWriter"]

Record = dict[str, Any]


class OutputLockedError(RuntimeError):
    """Another run is writing the same output file."""


class RecordWriter:
    """Appends JSON records to a file, one line each, flushed; holds a lock; knows which ids are done.

    With ``path=None`` records go to stdout (no lock, nothing to resume).
    """

    def __init__(self, path: str | Path | None, *, resume: bool = False, overwrite: bool = False):
        self.path = Path(path) if path is not None else None
        self.done: set[Any] = set()  # ids as written (a string and a number are different ids)
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
        self.done = {r["id"] for r in kept if isinstance(r["id"], (str, int))}
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
        self.done.add(record["id"])

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
