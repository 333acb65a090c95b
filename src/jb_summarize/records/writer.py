"""The resumable output of a batch run: JSON records appended and flushed one by one, under a lock."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

try:
    import fcntl
except ImportError:  # Windows: msvcrt's byte-range lock instead
    fcntl = None  # type: ignore[assignment]

__all__ = ["OutputLockedError", "RecordWriter", "write_atomic"]

Record = dict[str, Any]


class OutputLockedError(RuntimeError):
    """Another run is writing the same output file."""


def _try_lock(handle: TextIO) -> bool:
    """Take the file's lock without waiting; False when another process holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    import msvcrt  # Windows

    try:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a new temporary file in the same folder, then rename it over ``path``.

    The temporary file is created exclusively (a file or link placed there beforehand is never followed),
    and the rename replaces a link at ``path`` rather than writing through it. An existing regular file keeps
    its permissions; a new one gets the usual ones (0644 under the common umask).
    """
    path = Path(path)
    try:
        info = os.lstat(path)
        mode = stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o666 & ~_umask()
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(name, mode)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


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
        # O_NOFOLLOW: a link placed where the lock goes is an error, not a file to append to
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        self._lock_file = os.fdopen(os.open(lock_path, flags, 0o644), "a")
        if not _try_lock(self._lock_file):
            self._lock_file.close()
            raise OutputLockedError(
                f"{self.path} is being written by another run (lock {lock_path}); wait for it or pick another --output"
            )
        exists = self.path.exists() and self.path.stat().st_size > 0
        if exists and not (self.resume or self.overwrite):
            self.close()
            raise FileExistsError(f"{self.path} exists: --resume to continue it, --overwrite to start again")
        kept = self._valid_records() if self.resume else []
        self.done = {r["id"] for r in kept if isinstance(r["id"], (str, int))}
        # rewrite without a line an interruption cut short (keeping the file's mode), then append
        write_atomic(self.path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept))
        self._handle = self.path.open("a", encoding="utf-8")
        return self

    def _valid_records(self) -> list[Record]:
        records = []
        if self.path is not None and self.path.exists():
            # split at "\n" only: str.splitlines() also breaks at U+0085 and U+2028, which JSON strings may hold
            for line in self.path.read_text(encoding="utf-8", errors="replace").split("\n"):
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
