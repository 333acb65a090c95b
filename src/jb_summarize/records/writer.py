"""The resumable output of a batch run: JSON records appended and flushed one by one, under a lock."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import filelock

from .idset import IdSet

__all__ = [
    "NotAFileError",
    "OutputLockedError",
    "RecordWriter",
    "atomic_file",
    "check_replaceable",
    "write_atomic",
]

Record = dict[str, Any]


class OutputLockedError(RuntimeError):
    """Another run is writing the same output file."""


class NotAFileError(ValueError):
    """An output path that names a device, a pipe or a folder (or a link to one): never replaced."""


def check_replaceable(path: str | Path) -> None:
    """Raise ``NotAFileError`` unless ``path`` is free or a regular file (a link is followed to see)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError:  # a looping link: nothing of value there, the rename replaces the link
        if not os.path.islink(path):
            raise
        return
    if not stat.S_ISREG(info.st_mode):
        raise NotAFileError(
            f"{path}: not a regular file (a device, pipe or folder), so never replaced; name a file, or - for stdout"
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[TextIO]:
    """A text handle on a new temporary file in ``path``'s folder, renamed over ``path`` when the block ends
    without an error (and removed when it raises).

    The temporary file is created exclusively (a file or link placed there beforehand is never followed),
    and the rename replaces a link at ``path`` rather than writing through it. An existing regular file keeps
    its permissions; a new one gets the usual ones (0644 under the common umask).
    """
    path = Path(path)
    check_replaceable(path)
    try:
        info = os.lstat(path)
        mode = stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o666 & ~_umask()
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.chmod(name, mode)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through ``atomic_file``: a reader sees the old file or the new one, whole."""
    with atomic_file(path) as handle:
        handle.write(text)


class RecordWriter:
    """Appends JSON records to a file, one line each, flushed; holds a lock; knows which ids were done before
    (``done``: the kept records' ids; ``count``: the records in the output).

    With ``path=None`` (or ``"-"``) records go to stdout (no lock, nothing to resume). Only a regular file
    is ever replaced. ``retry``: a function of a kept record that says it must be done again (it is then
    dropped from the file and not counted as done). The lock file (``OUTPUT.lock``, a ``filelock`` lock)
    is removed when the writer closes.
    """

    def __init__(
        self,
        path: str | Path | None,
        *,
        resume: bool = False,
        overwrite: bool = False,
        retry: Callable[[Record], bool] | None = None,
    ):
        self.path = Path(path) if path is not None and str(path) != "-" else None
        self.done = IdSet()  # the kept records' ids (a string and a number are different ids)
        self._lock: filelock.BaseFileLock | None = None
        self._lock_path: Path | None = None
        self._handle: TextIO | None = None
        self.resume, self.overwrite, self.retry = resume, overwrite, retry
        self.retried = 0  # kept records dropped to be done again
        self.written = 0  # records written by this run

    def __enter__(self) -> RecordWriter:
        if self.path is None:
            if sys.stdout is None:
                raise NotAFileError("stdout is closed: name a file with --output")
            self._handle = sys.stdout
            return self
        check_replaceable(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        if os.path.islink(lock_path):  # a link placed where the lock goes is an error, not a file to lock
            raise NotAFileError(f"{lock_path}: the lock file is a link; remove it")
        lock = filelock.FileLock(lock_path, timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise OutputLockedError(
                f"{self.path} is being written by another run (lock {lock_path}); wait for it or pick another --output"
            ) from None
        self._lock, self._lock_path = lock, lock_path
        exists = self.path.exists() and self.path.stat().st_size > 0
        if exists and not (self.resume or self.overwrite):
            self.close()
            raise FileExistsError(f"{self.path} exists: --resume to continue it, --overwrite to start again")
        # rewrite, a record at a time, without a line an interruption cut short and without the records to do
        # again (keeping the file's mode), then append
        with atomic_file(self.path) as kept:
            for record in self.iter_records() if self.resume else ():
                if self.retry is not None and self.retry(record):
                    self.retried += 1
                    continue
                kept.write(json.dumps(record, ensure_ascii=False) + "\n")
                if isinstance(record["id"], (str, int)):
                    self.done.add(record["id"])
        self._handle = self.path.open("a", encoding="utf-8")
        return self

    def iter_records(self) -> Iterator[Record]:
        """The output's records, read one at a time (a line that is not a JSON record is passed over)."""
        if self.path is None or not self.path.exists():
            return
        # lines end at "\n" only: U+0085 and U+2028, which JSON strings may hold, are no line ends here
        with self.path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
            for line in handle:
                with contextlib.suppress(json.JSONDecodeError):
                    record = json.loads(line)
                    if isinstance(record, dict) and "id" in record:
                        yield record

    def write(self, record: Record) -> None:
        assert self._handle is not None
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()
        self.written += 1  # its id is not added to ``done``: the input has each id once, so memory stays flat

    @property
    def count(self) -> int:
        """Records in the output: those kept and those written since."""
        return len(self.done) + self.written

    def records(self) -> list[Record]:
        """The output's records, all in memory (for reports)."""
        return list(self.iter_records())

    def close(self) -> None:
        if self._handle is not None and self._handle is not sys.stdout:
            self._handle.close()
        self._handle = None
        if self._lock is not None:
            assert self._lock_path is not None
            self._lock_path.unlink(missing_ok=True)  # while still held: no other run has it in between
            self._lock.release()
            self._lock = None

    def __exit__(self, *exc: object) -> None:
        self.close()
