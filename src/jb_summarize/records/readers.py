"""Reading batch inputs: text files, folders, stdin, JSONL/CSV/TSV/Parquet, saved and hub datasets.

Inputs become records (``id``, ``text``, ``source``, ``line``) that can be split with ``--shard i/n``
(contiguous shards, as ``datasets.Dataset.shard(contiguous=True)`` makes them: no overlap, no gap). A record
that cannot be used is a ``BadRecord`` that says where it is and why. ``datasets`` is needed only for saved
and hub datasets.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..text import InputError, decode_bytes
from .writer import Record

__all__ = ["BadRecord", "Record", "parse_shard", "read_records", "shard"]

TEXT_SUFFIXES = (".txt", ".text", ".md")
# newspaper pages, page images (OCR) and web pages: one record per section
PAGE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".html", ".htm")
HUB_PREFIX = "hf:"


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be processed, with where it is."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


def _record(source: str, line: int | None, rid: Any, text: Any) -> Record | BadRecord:
    """A record, or why it cannot be one. Ids keep their JSON type (2 and "2" are different records)."""
    if isinstance(rid, BadRecord):
        return rid
    if rid is None:
        return BadRecord(source, line, "the id is null")
    if isinstance(rid, bool) or not isinstance(rid, (int, str)):
        return BadRecord(source, line, f"the id must be a string or a whole number, not {type(rid).__name__}")
    if text is None:
        return BadRecord(source, line, "missing text field")
    if not isinstance(text, str):
        return BadRecord(source, line, f"text is a {type(text).__name__}, not a string")
    if not text.strip():
        return BadRecord(source, line, "empty text")
    return {"id": rid, "text": text, "source": source, "line": line}


def _ids(rows: list[tuple[int, Any]], source: str, id_field: str | None) -> list[Any]:
    """The id of each (line, row): its ``id_field`` where the source has one (a record without it is then an
    error, never given an id that could collide), else the line number. An empty table cell is no id."""

    def given(row: Any) -> Any:
        return row.get(id_field, "") if isinstance(row, dict) and id_field else ""

    if not any(given(row) != "" for _, row in rows):
        return [number for number, _ in rows]
    missing = f"no {id_field!r} (other records have one)"
    return [BadRecord(source, number, missing) if given(row) == "" else given(row) for number, row in rows]


def _jsonl(path: Path, text_field: str, id_field: str | None) -> Iterator[Record | BadRecord]:
    with path.open("rb") as handle:
        yield from _jsonl_lines(handle, str(path), text_field, id_field)


def _jsonl_lines(
    lines: Iterable[bytes], name: str, text_field: str, id_field: str | None
) -> Iterator[Record | BadRecord]:
    parsed: list[tuple[int, Any]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            row = BadRecord(name, number, "not UTF-8")
        except json.JSONDecodeError as exc:
            row = BadRecord(name, number, f"bad JSON ({exc.msg})")
        parsed.append((number, row))
    for (number, row), rid in zip(parsed, _ids(parsed, name, id_field), strict=True):
        if isinstance(row, BadRecord):
            yield row
        elif not isinstance(row, dict):
            yield BadRecord(name, number, "not a JSON object")
        elif text_field not in row:
            yield BadRecord(name, number, f"no field {text_field!r}")
        else:
            yield _record(name, number, rid, row[text_field])


STDIN_FORMATS = ("auto", "text", "jsonl", "lines")


def _looks_like_jsonl(data: bytes) -> bool:
    """Input whose first line is a JSON object: JSONL (no Chinese text opens so)."""
    first = data.lstrip().split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first.decode("utf-8")), dict)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False


def _stdin(fmt: str, text_field: str, id_field: str | None) -> Iterator[Record | BadRecord]:
    """stdin as ``fmt``: JSONL, one text per line, one text (a page: a record per section), or auto (JSONL
    when the input is, else one text)."""
    from ..reading import load_article

    data = sys.stdin.buffer.read()
    if fmt == "jsonl" or (fmt == "auto" and _looks_like_jsonl(data)):
        yield from _jsonl_lines(data.splitlines(), "<stdin>", text_field, id_field)
    elif fmt == "lines":
        lines = decode_bytes(data, "<stdin>").splitlines()
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield _record("<stdin>", number, number, line)
    elif _is_page(data[:2048]):  # a page on stdin: a record per section, never its markup
        try:
            article = load_article(data, doc_id="stdin")
        except InputError as exc:
            yield BadRecord("<stdin>", None, str(exc).split(": ", 1)[-1])
            return
        for section in article.sections:
            yield _record("<stdin>", None, section.id, section.body)
    else:
        yield _record("<stdin>", None, "stdin", decode_bytes(data, "<stdin>"))


def _table(path: Path, text_field: str, id_field: str | None) -> Iterator[Record | BadRecord]:
    text = decode_bytes(path.read_bytes(), str(path))
    reader = csv.DictReader(io.StringIO(text), delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    if text_field not in (reader.fieldnames or []):
        raise InputError(f"{path}: no column {text_field!r} (columns: {', '.join(reader.fieldnames or [])})")
    rows = [(reader.line_num, row) for row in reader]
    for (number, row), rid in zip(rows, _ids(rows, str(path), id_field), strict=True):
        yield _record(str(path), number, rid, row.get(text_field))


def _rows(
    rows: Iterator[dict[str, Any]], name: str, text_field: str, id_field: str | None
) -> Iterator[Record | BadRecord]:
    numbered = list(enumerate(rows, start=1))
    for (number, row), rid in zip(numbered, _ids(numbered, name, id_field), strict=True):
        yield _record(name, number, rid, row.get(text_field))


def _dataset_rows(path_or_name: str, split: str | None, hub: bool = False) -> Iterator[dict[str, Any]]:
    from ..extras import require

    datasets = require("datasets", "hf", "a saved or hub dataset as input")

    if hub:
        _check_hub(path_or_name)
        loaded = datasets.load_dataset(path_or_name, split=split or "train")
    else:
        loaded = datasets.load_from_disk(str(path_or_name))
    if isinstance(loaded, datasets.DatasetDict):
        if split is None and len(loaded) == 1:
            split = next(iter(loaded))
        if split not in loaded:
            raise InputError(f"{path_or_name}: choose a split with --split ({', '.join(loaded)})")
        loaded = loaded[split]
    return iter(loaded)


def _check_hub(name: str) -> None:
    """Fail at once, in one line, when the hub is off or out of reach (as model loading does)."""
    from ..models.hub import hub_endpoint, hub_offline, hub_timeout, probe_endpoint

    if hub_offline():
        raise InputError(f"{HUB_PREFIX}{name}: hub datasets are off (HF_HUB_OFFLINE is set)")
    reason = probe_endpoint(hub_endpoint(), hub_timeout())
    if reason is not None:
        raise InputError(f"{HUB_PREFIX}{name}: the Hugging Face hub cannot be reached ({reason})")


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
    stdin: str = "auto",
) -> Iterator[Record | BadRecord]:
    """Records (or BadRecords) from text files, PDF and web pages (a record per section), folders of them, stdin
    (``stdin``: one of ``STDIN_FORMATS``), JSONL/CSV/TSV/Parquet, saved datasets,
    or hub datasets named ``hf:NAME`` (only when asked for so: a path that does not exist is an error)."""
    from ..reading import load_article

    for name in inputs:
        path = Path(name)
        if re.match(r"^https?://", name, re.IGNORECASE):  # a web page (or PDF) to fetch: a record per section
            try:
                article = load_article(name)
            except InputError as exc:
                yield BadRecord(name, None, str(exc).split(": ", 1)[-1])
                continue
            for section in article.sections:
                yield _record(name, None, section.id, section.body)
        elif name.startswith(HUB_PREFIX):
            yield from _rows(_dataset_rows(name[len(HUB_PREFIX) :], split, hub=True), name, text_field, id_field)
        elif name == "-":
            yield from _stdin(stdin, text_field, id_field)
        elif _is_saved_dataset(path):
            yield from _rows(_dataset_rows(name, split), name, text_field, id_field)
        elif path.is_dir():
            wanted = TEXT_SUFFIXES + PAGE_SUFFIXES
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
            if not files:
                raise InputError(f"{name}: no .txt, .pdf, page image or .html files in this folder")
            for file in files:
                if file.suffix.lower() in PAGE_SUFFIXES:
                    yield from _page_file(file, str(file.relative_to(path)))
                else:
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
            elif suffix in PAGE_SUFFIXES or _starts_like_page(path):
                yield from _page_file(path, path.name)
            else:
                yield from _text_file(path, path.stem)
        elif path.exists():
            raise InputError(f"{name}: not a regular file or folder (a pipe or a device?); use - for stdin")
        else:
            hint = f" (a hub dataset is named {HUB_PREFIX}{name})" if "/" in name and not name.startswith("/") else ""
            raise InputError(f"{name}: no such file or folder{hint}")


def _text_file(path: Path, rid: str) -> Iterator[Record | BadRecord]:
    try:
        text = decode_bytes(path.read_bytes(), str(path))
    except InputError as exc:
        yield BadRecord(str(path), None, str(exc).split(": ", 1)[-1])
        return
    yield _record(str(path), None, rid, text)


def _starts_like_page(path: Path) -> bool:
    """A PDF or a web page, whatever its name says."""
    from ..reading import file_head

    return _is_page(file_head(path))


def _is_page(head: bytes) -> bool:
    """Bytes that start like a PDF, a page image or a web page."""
    from ..reading import is_pdf, looks_like_html
    from ..reading.ocr import image_kind

    return is_pdf(head) or image_kind(head) is not None or looks_like_html(head)


def _page_file(path: Path, base_id: str) -> Iterator[Record | BadRecord]:
    """One record per section of a PDF's every page (ids ``file.pdf#3:0``) or of a saved web page (ids
    ``page.html:0``); a page or file that cannot be read is a BadRecord that says why."""
    from ..reading import load_articles, unread_reason

    try:
        for article in load_articles(path, doc_id=base_id):
            where = f"{path}#{article.page}" if article.page is not None else str(path)
            if not article.sections:
                yield BadRecord(where, None, unread_reason(article))
            for section in article.sections:
                yield _record(where, None, section.id, section.body)
    except InputError as exc:
        yield BadRecord(str(path), None, str(exc).split(": ", 1)[-1])


def shard(records: Sequence[Record], index: int, count: int) -> list[Record]:
    """Shard ``index`` of ``count`` contiguous shards (the first ``len % count`` one record longer)."""
    size, extra = divmod(len(records), count)
    start = index * size + min(index, extra)
    return list(records[start : start + size + (index < extra)])


def parse_shard(spec: str) -> tuple[int, int]:
    """'i/n' -> (i, n) with 0 <= i < n."""
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError as exc:
        raise ValueError(f"--shard takes i/n, e.g. 0/4, got {spec!r}") from exc
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard {spec}: need 0 <= i < n")
    return index, count
