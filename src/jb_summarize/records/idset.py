"""The ids a batch run has seen or finished, in bounded memory: a set up to ``spill_after`` ids, then an
SQLite table in a temporary file (a million ids cost ~60 MB as a Python set, a few MB of cache this way)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["SPILL_AFTER", "IdSet"]

SPILL_AFTER = 100_000


def _key(rid: Any) -> str:
    """One text per id; a string and a number stay different ids ("1" and 1)."""
    return json.dumps(rid, ensure_ascii=False, sort_keys=True, default=repr)


def _remove(folder: str, db: sqlite3.Connection) -> None:
    db.close()
    shutil.rmtree(folder, ignore_errors=True)


class IdSet:
    """``add`` (True when the id is new) and ``in``, for ids of any JSON value."""

    def __init__(self, ids: Iterable[Any] = (), spill_after: int | None = None):
        self.spill_after = SPILL_AFTER if spill_after is None else spill_after
        self._memory: set[str] = set()
        self._db: sqlite3.Connection | None = None
        self._size = 0
        for rid in ids:
            self.add(rid)

    def _spill(self) -> None:
        folder = tempfile.mkdtemp(prefix="jb-summarize-ids-")
        db = sqlite3.connect(Path(folder) / "ids.sqlite", check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-8000")  # 8 MB
        db.execute("CREATE TABLE ids (key TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("BEGIN")
        db.executemany("INSERT INTO ids VALUES (?)", ((k,) for k in self._memory))
        self._db, self._memory = db, set()
        weakref.finalize(self, _remove, folder, db)

    def add(self, rid: Any) -> bool:
        key = _key(rid)
        if self._db is None:
            if key in self._memory:
                return False
            self._memory.add(key)
            self._size += 1
            if self._size > self.spill_after:
                self._spill()
            return True
        added = self._db.execute("INSERT OR IGNORE INTO ids VALUES (?)", (key,)).rowcount == 1
        self._size += added
        return added

    def __contains__(self, rid: Any) -> bool:
        key = _key(rid)
        if self._db is None:
            return key in self._memory
        return self._db.execute("SELECT 1 FROM ids WHERE key = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self._size

    @property
    def on_disk(self) -> bool:
        """Whether the ids have moved to the temporary file."""
        return self._db is not None
