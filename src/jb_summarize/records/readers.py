"""Reading batch inputs: text files, pages (PDF, page images, HTML), folders, stdin, JSONL/CSV/TSV/Parquet,
saved and hub datasets (``datasets`` is needed only for those).

Every input is read as a stream, a record at a time (Parquet a row group at a time), so that memory is
bounded by what the caller holds, not by the input. A record that cannot be used is a ``BadRecord`` that says
where it is (file and line) and why; it never ends the run.

Ids: the ``--id-field`` of a record when the first record of its file has one (a later record without one is
then a BadRecord, never given an id that could collide), else the line number (the row number in a
dataset). A text file's id is its name without the suffix; a file in a folder, its path in the folder. With
several inputs, ids made from a position (line numbers, file names) are prefixed with the input as given
(``a.jsonl:3``, ``two/x/page.txt``), so that they are unique across the inputs.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..text import InputError, decode_bytes, is_blank, legacy_encoding, read_stdin
from .writer import Record

__all__ = ["BadRecord", "Record", "parse_shard", "read_records", "shard_range"]

TEXT_SUFFIXES = (".txt", ".text", ".md")
# newspaper pages, page images (OCR) and web pages: one record per section
PAGE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".html", ".htm")
HUB_PREFIX = "hf:"
MAX_FIELD_CHARS = 256 * 1024 * 1024  # the longest CSV/TSV field (csv's own limit is 128 KiB)


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be processed, with where it is."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


def _lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
    if is_blank(text):
        return BadRecord(source, line, "empty text")
    if _lone_surrogate(text) or (isinstance(rid, str) and _lone_surrogate(rid)):
        return BadRecord(source, line, "holds a lone surrogate (an escaped \\ud800-\\udfff): not valid Unicode")
    return {"id": rid, "text": text, "source": source, "line": line}


class _Ids:
    """The ids of one file's rows, decided by its first row: its ``id_field`` if it has one, else the line
    number (prefixed with ``prefix``)."""

    def __init__(self, source: str, id_field: str | None, prefix: str | None):
        self.source, self.id_field, self.prefix = source, id_field, prefix
        self.given: bool | None = None  # None until the first row

    def __call__(self, number: int, row: Any) -> Any:
        value = row.get(self.id_field, "") if isinstance(row, dict) and self.id_field else ""
        if self.given is None:
            self.given = value != ""
        if self.given:
            return (
                BadRecord(self.source, number, f"no {self.id_field!r} (other records have one)")
                if value == ""
                else value
            )
        if value != "":
            return BadRecord(
                self.source, number, f"has an {self.id_field!r} but the first record has none: give every record one"
            )
        return f"{self.prefix}:{number}" if self.prefix is not None else number


def _jsonl(path: Path, text_field: str, id_field: str | None, prefix: str | None) -> Iterator[Record | BadRecord]:
    with path.open("rb") as handle:
        yield from _jsonl_lines(handle, str(path), text_field, id_field, prefix)


def _jsonl_lines(
    lines: Iterable[bytes], source: str, text_field: str, id_field: str | None, prefix: str | None
) -> Iterator[Record | BadRecord]:
    """JSONL records from its lines, one at a time."""
    ids = _Ids(source, id_field, prefix)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield BadRecord(source, number, "not UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield BadRecord(source, number, f"bad JSON ({exc.msg})")
            continue
        except (ValueError, RecursionError) as exc:  # a 5000-digit number, 100k nested brackets
            reason = "nested too deeply" if isinstance(exc, RecursionError) else " ".join(str(exc).split())[:120]
            yield BadRecord(source, number, f"bad JSON ({reason})")
            continue
        if not isinstance(row, dict):
            yield BadRecord(source, number, "not a JSON object")
            continue
        rid = ids(number, row)
        if text_field not in row:
            yield BadRecord(source, number, f"no field {text_field!r}")
        else:
            yield _record(source, number, rid, row[text_field])


STDIN_FORMATS = ("auto", "text", "jsonl", "lines")


def _looks_like_jsonl(data: bytes) -> bool:
    """Input whose first line is a JSON object: JSONL (no Chinese text opens so)."""
    first = data.lstrip().split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first.decode("utf-8-sig")), dict)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False


def _stdin(
    data: bytes, fmt: str, text_field: str, id_field: str | None, prefix: str | None
) -> Iterator[Record | BadRecord]:
    """stdin's bytes as ``fmt``: JSONL, one text per line, one text (a page: a record per section), or auto
    (JSONL when the input is, else one text)."""
    from ..reading import load_article

    if fmt == "jsonl" or (fmt == "auto" and _looks_like_jsonl(data)):
        yield from _jsonl_lines(data.splitlines(), "<stdin>", text_field, id_field, prefix)
    elif fmt == "lines":
        lines = decode_bytes(data, "<stdin>").splitlines()
        for number, line in enumerate(lines, start=1):
            if not is_blank(line):
                yield _record("<stdin>", number, f"{prefix}:{number}" if prefix is not None else number, line)
    elif _is_page(data[:2048]):  # a page on stdin: a record per section, never its markup
        try:
            article = load_article(data, doc_id="stdin")
        except InputError as exc:
            yield BadRecord("<stdin>", None, str(exc).split(": ", 1)[-1])
            return
        yield from _article_records("<stdin>", article)
    else:
        yield _record("<stdin>", None, "stdin", decode_bytes(data, "<stdin>"))


def _encoding(path: Path) -> str:
    """The encoding of a text table, from its first megabyte: UTF-8 (with or without BOM), GB18030 or Big5."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if len(head) == 1 << 20 and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return legacy_encoding(head, str(path))
    return "utf-8-sig"


def _decoded_lines(path: Path, encoding: str, bad_lines: set[int]) -> Iterator[str]:
    """The file's lines as text, one at a time; a line that does not decode is replaced and noted."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield raw.decode(encoding if number == 1 else encoding.removesuffix("-sig"))
            except UnicodeDecodeError:
                bad_lines.add(number)
                yield raw.decode(encoding, errors="replace")


def _table(path: Path, text_field: str, id_field: str | None, prefix: str | None) -> Iterator[Record | BadRecord]:
    """CSV (quoted fields, strictly: a quoting problem is a BadRecord at its line) or TSV (as TSV: a row a line,
    no quoting, a field holds no tab or line break)."""
    source = str(path)
    tsv = path.suffix.lower() == ".tsv"
    bad_lines: set[int] = set()
    lines = _decoded_lines(path, _encoding(path), bad_lines)
    if tsv:
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
    else:
        reader = csv.reader(lines, strict=True)
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{source}:1: the header cannot be read ({exc})") from exc
    if text_field not in header:
        raise InputError(f"{source}: no column {text_field!r} (columns: {', '.join(header)})")
    ids = _Ids(source, id_field, prefix)
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            what = "a quoting problem" if not tsv else "a bad row"
            yield BadRecord(source, start, f"{what} ({exc}); rows {start}-{reader.line_num} skipped")
            start = reader.line_num + 1
            continue
        number, start = start, reader.line_num + 1
        if not fields or fields == [""]:
            continue
        if len(fields) != len(header):
            hint = "" if tsv else "; an unbalanced quote?" if reader.line_num > number else ""
            yield BadRecord(source, number, f"{len(fields)} fields, the header has {len(header)}{hint}")
            continue
        if any(n in bad_lines for n in range(number, reader.line_num + 1)):
            yield BadRecord(source, number, "does not decode as the rest of the file")
            continue
        row = dict(zip(header, fields, strict=True))
        yield _record(source, number, ids(number, row), row.get(text_field))


def _rows(
    rows: Iterable[dict[str, Any]], name: str, text_field: str, id_field: str | None, prefix: str | None
) -> Iterator[Record | BadRecord]:
    ids = _Ids(name, id_field, prefix)
    for number, row in enumerate(rows, start=1):
        yield _record(name, number, ids(number, row), row.get(text_field))


def _parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    """A Parquet file's rows, a batch at a time."""
    import pyarrow
    import pyarrow.parquet as pq

    try:
        batches = pq.ParquetFile(path).iter_batches(batch_size=1024)
        for batch in batches:
            yield from batch.to_pylist()
    except (pyarrow.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({' '.join(str(exc).split())[:200]})") from exc


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
    """A folder ``datasets.save_to_disk`` wrote (a state.json beside Arrow files; a folder that merely holds a
    state.json is a folder of files)."""
    if not path.is_dir():
        return False
    if (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
        return True
    return (path / "state.json").exists() and any(path.glob("*.arrow"))


def read_records(
    inputs: Sequence[str],
    *,
    text_field: str = "text",
    id_field: str | None = "id",
    split: str | None = None,
    stdin: bytes | None = None,
    stdin_format: str = "auto",
) -> Iterator[Record | BadRecord]:
    """Records (or BadRecords) from text files, PDF, page images and web pages (a record per section), folders of
    them, stdin, JSONL/CSV/TSV/Parquet, saved datasets,
    or hub datasets named ``hf:NAME`` (only when asked for so: a path that does not exist is an error).
    Read as a stream; ids as the module's docstring says. ``stdin``: what ``-`` holds (default: read it);
    ``stdin_format``: how to read it, one of ``STDIN_FORMATS``."""
    several = len(inputs) > 1
    for name in inputs:
        prefix = name if several else None
        if name == "-":
            data = stdin if stdin is not None else read_stdin()
            yield from _stdin(data, stdin_format, text_field, id_field, prefix)
        else:
            yield from _input_records(name, prefix, text_field, id_field, split)


def _input_records(
    name: str, prefix: str | None, text_field: str, id_field: str | None, split: str | None
) -> Iterator[Record | BadRecord]:
    from ..reading import load_article

    path = Path(name)
    if re.match(r"^https?://", name, re.IGNORECASE):  # a web page (or PDF) to fetch: a record per section
        try:
            article = load_article(name)
        except InputError as exc:
            yield BadRecord(name, None, str(exc).split(": ", 1)[-1])
            return
        yield from _article_records(name, article)
    elif name.startswith(HUB_PREFIX):
        yield from _rows(_dataset_rows(name[len(HUB_PREFIX) :], split, hub=True), name, text_field, id_field, prefix)
    elif _is_saved_dataset(path):
        yield from _rows(_dataset_rows(name, split), name, text_field, id_field, prefix)
    elif path.is_dir():
        wanted = TEXT_SUFFIXES + PAGE_SUFFIXES
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
        if not files:
            raise InputError(f"{name}: no .txt, .pdf, page image or .html files in this folder")
        for file in files:
            relative = file.relative_to(path).as_posix()  # with its suffix: a.txt and a.md are two records
            rid = f"{prefix.rstrip('/')}/{relative}" if prefix is not None else relative
            if file.suffix.lower() in PAGE_SUFFIXES:
                yield from _page_file(file, rid)
            else:
                yield from _text_file(file, rid)
    elif path.is_file():
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".json"):
            yield from _jsonl(path, text_field, id_field, prefix)
        elif suffix in (".csv", ".tsv"):
            yield from _table(path, text_field, id_field, prefix)
        elif suffix == ".parquet":
            yield from _rows(_parquet_rows(path), name, text_field, id_field, prefix)
        elif suffix in PAGE_SUFFIXES or _starts_like_page(path):
            yield from _page_file(path, prefix if prefix is not None else path.name)
        else:
            yield from _text_file(path, prefix if prefix is not None else path.stem)
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
    except OSError as exc:  # one unreadable file in a folder is that file's problem only
        yield BadRecord(str(path), None, f"cannot be read ({exc.strerror or exc})")
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


def _article_records(where: str, article) -> Iterator[Record | BadRecord]:
    """A record per section, or a BadRecord that says why there is none (an unreadable page, an index page)."""
    from ..reading import unread_reason

    if not article.sections:
        yield BadRecord(where, None, unread_reason(article))
    for section in article.sections:
        yield _record(where, None, section.id, section.body)


def _page_file(path: Path, base_id: str) -> Iterator[Record | BadRecord]:
    """One record per section of a PDF's every page (ids ``file.pdf#3:0``) or of a saved web page (ids
    ``page.html:0``); a page or file that cannot be read is a BadRecord that says why."""
    from ..reading import load_articles

    try:
        for article in load_articles(path, doc_id=base_id):
            yield from _article_records(f"{path}#{article.page}" if article.page is not None else str(path), article)
    except InputError as exc:
        yield BadRecord(str(path), None, str(exc).split(": ", 1)[-1])


def shard_range(total: int, index: int, count: int) -> range:
    """The positions of shard ``index`` of ``count`` over ``total`` records: contiguous, no overlap, no gap
    (the first ``total % count`` shards one longer); an empty range when there are more shards than records."""
    size, extra = divmod(total, count)
    start = index * size + min(index, extra)
    return range(start, start + size + (1 if index < extra else 0))


def parse_shard(spec: str) -> tuple[int, int]:
    """'i/n' -> (i, n) with 0 <= i < n."""
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError as exc:
        raise ValueError(f"--shard takes i/n, e.g. 0/4, got {spec!r}") from exc
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard {spec}: need 0 <= i < n")
    return index, count
