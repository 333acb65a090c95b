"""``jb-summarize summarize`` and ``jb-summarize translate``: batch runs over many inputs."""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..models import FailedOutput
from ..records import (
    BadRecord,
    RecordWriter,
    check_replaceable,
    parse_shard,
    read_records,
    run_task,
    shard_range,
    write_atomic,
)
from ..records.idset import IdSet
from ..report import FORMATS, render
from ..tasks import TASKS
from ..text import read_stdin
from ._common import (
    PROG,
    CLIError,
    add_model_arguments,
    add_summary_arguments,
    check_resume,
    formatter,
    model_options,
    positive_int,
    progress_enabled,
    task_from_args,
)

EXIT_SKIPPED = 1  # finished, but some input records were skipped


class _RunTotals:
    """The provenance of a run's task calls (model, revision or sha256, backend, decoding, runtime, versions,
    from the last call) with their counts summed as the calls come: one RunInfo per chunk is never kept."""

    COUNTS = ("n_inputs", "n_units", "retried", "seconds")

    def __init__(self) -> None:
        self.last: Any = None
        self.counts = dict.fromkeys(self.COUNTS, 0)
        self.flagged = 0
        self.notes: set[str] = set()

    def add(self, info: Any) -> None:
        """Count a call once, however many of its records come through."""
        if info is self.last:
            return
        self.last = info
        for key in self.COUNTS:
            self.counts[key] += getattr(info, key)
        self.flagged += len(info.flagged)
        self.notes.update(info.notes)

    def to_dict(self) -> dict[str, Any] | None:
        """None when no call was made."""
        if self.last is None:
            return None
        info = self.last.to_dict()
        info.update(self.counts, flagged=self.flagged, notes=sorted(self.notes))
        info.pop("flag_reasons", None)
        return info


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or "no message"
    return f"{type(exc).__name__}: {text[:300]}"


MAX_CHUNK = 100_000


def chunk_size(text: str) -> int:
    """An argparse type: a whole number from 1 to ``MAX_CHUNK``."""
    value = positive_int(text)
    if value > MAX_CHUNK:
        raise argparse.ArgumentTypeError(f"at most {MAX_CHUNK} records per chunk, got {text}")
    return value


def _report(bad: BadRecord) -> None:
    print(f"{PROG}: skipped {bad}", file=sys.stderr)


SUFFIXES = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".tsv": "tsv", ".md": "markdown"}
SUFFIXES.update({".markdown": "markdown", ".html": "html", ".htm": "html"})


def _output_format(args: argparse.Namespace) -> str:
    """--format, else the one --output's suffix names; a suffix that names no format, or another one, is an
    error (``-o x.csv`` never writes JSONL under a CSV name)."""
    suffix = Path(args.output).suffix.lower() if args.output else ""
    named = SUFFIXES.get(suffix)
    if suffix and named is None:
        raise CLIError(f"--output {args.output}: no output format ends in {suffix} (.jsonl, .tsv, .md, .html)")
    if args.format and named and named != args.format:
        raise CLIError(f"--output {args.output} is {named}, but --format says {args.format}")
    return args.format or named or "jsonl"


def _output_paths(args: argparse.Namespace, scratch: Path | None) -> tuple[Path | None, str]:
    """(records file, format). HTML/Markdown/TSV outputs keep their records in OUTPUT.records.jsonl (in
    ``scratch`` when the report goes to stdout)."""
    fmt = _output_format(args)
    if args.output is None:
        return (scratch / "records.jsonl" if fmt != "jsonl" and scratch else None), fmt
    output = Path(args.output)
    return (output if fmt == "jsonl" else output.with_name(output.name + ".records.jsonl")), fmt


def _checked(args: argparse.Namespace, on_bad: Callable[[BadRecord], None]) -> Iterator[dict[str, Any]]:
    """The usable input records, read as a stream: a bad one, or one whose id came before, goes to ``on_bad``."""
    seen = IdSet()
    if "-" in args.inputs and getattr(args, "stdin_data", None) is None:
        args.stdin_data = read_stdin()  # read once: the inputs are read twice
    records = read_records(
        args.inputs,
        text_field=args.text_field,
        id_field=args.id_field,
        split=args.split,
        stdin=getattr(args, "stdin_data", None),
        stdin_format="jsonl" if getattr(args, "jsonl", False) else "lines" if getattr(args, "lines", False) else "auto",
    )
    for item in records:
        if isinstance(item, dict) and not seen.add(item["id"]):
            item = BadRecord(item["source"], item["line"], f"duplicate id {item['id']!r}")
        if isinstance(item, BadRecord):
            on_bad(item)
            continue
        yield item


def _fingerprint(args: argparse.Namespace, on_bad: Callable[[BadRecord], None]) -> dict[str, Any]:
    """What the run is run on: the inputs (with their sizes), how many records, and a sha256 of their ids
    and texts. Reads the inputs once (a record at a time)."""
    digest = hashlib.sha256()
    count = 0
    for record in _checked(args, on_bad):
        digest.update(json.dumps([record["id"], record["text"]], ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    sizes = {}
    for name in args.inputs:
        with contextlib.suppress(OSError):
            sizes[name] = os.stat(name).st_size if Path(name).is_file() else None
    return {"inputs": list(args.inputs), "sizes": sizes, "records": count, "sha256": digest.hexdigest()}


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """What the run is run with: the task, the model and every option that shapes an output."""
    options = model_options(args, args.command)
    options.pop("batch_size", None)  # speed only
    fields = ("text_field", "id_field", "split", "shard", "glossary", "no_glossary")
    options.update({name: getattr(args, name) for name in fields if name in args})
    return {"task": args.command, "model": args.model, "options": options}


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def run(args: argparse.Namespace) -> int:
    if args.output == "-":
        args.output = None  # stdout
    fmt = _output_format(args)  # a bad --output / --format fails before any reading
    scratch = Path(tempfile.mkdtemp(prefix="jb-summarize-")) if args.output is None and fmt != "jsonl" else None
    try:
        return _run(args, scratch)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(args: argparse.Namespace, scratch: Path | None) -> int:
    """The run; ``scratch``: where a report for stdout keeps its records."""
    key = TASKS[args.command].output_field
    bad: list[BadRecord] = []

    def skipped(item: BadRecord) -> None:
        _report(item)
        if args.on_error == "stop":
            raise CLIError(f"stopped at a bad record ({item}); --on-error skip goes on")
        bad.append(item)

    records_path, fmt = _output_paths(args, scratch)
    outputs = [p for p in (records_path, args.output if fmt != "jsonl" else None) if p is not None]
    for name in args.inputs:
        if any(_same_file(name, out) for out in outputs):
            raise CLIError(f"{name} is both an input and the output: pick another --output")
    shard = parse_shard(args.shard) if args.shard else None
    fingerprint = _fingerprint(args, skipped)  # the first reading: bad records reported, the input summed up
    positions = shard_range(fingerprint["records"], *shard) if shard else range(fingerprint["records"])
    if (
        fmt != "jsonl"
        and args.output is not None
        and Path(args.output).exists()
        and not (args.resume or args.overwrite)
    ):
        raise CLIError(f"{args.output} exists: --overwrite to replace it (--resume to go on with its records)")
    settings = _settings(args)
    # a report to stdout keeps its records in scratch, with no .meta.json
    meta_path = Path(f"{records_path}.meta.json") if records_path is not None and scratch is None else None
    if meta_path is not None and args.resume:
        check_resume(meta_path, settings, args.resume_anyway, fingerprint)
    if args.output is not None:
        check_replaceable(args.output)
    task = task_from_args(args.command, args)

    runs = _RunTotals()  # the task calls, for the .meta.json
    failed: list[tuple[Any, str]] = []  # (id, reason) of the records the backend gave no output for

    def make_record(row: dict[str, Any], output: str, where: tuple[Any, int]) -> dict[str, Any]:
        info, position = where
        runs.add(info)
        reasons = info.flag_reasons.get(str(position), [])
        record = {"id": row["id"], key: output, "model": info.model, "flagged": reasons}
        if isinstance(output, FailedOutput):
            record["error"] = output.reason
            failed.append((row["id"], output.reason))
        if fmt != "jsonl":
            record["text"] = row["text"]
        return record

    progress = progress_enabled(args.quiet)
    task_run = functools.partial(task.run, batch_size=args.batch_size)

    def model_error(row: dict[str, Any], exc: Exception) -> None:
        item = BadRecord(row["source"], row["line"], f"model error: {_one_line(exc)}")
        _report(item)
        if args.on_error == "stop":
            raise CLIError(f"stopped at a record the model failed on ({item}); --on-error skip goes on")
        bad.append(item)

    def retry(record: dict[str, Any]) -> bool:
        """A kept record to do again: one the backend failed on."""
        return "failed" in (record.get("flagged") or [])

    def write_meta(finished: bool, error: str | None, done: int) -> None:
        assert meta_path is not None
        meta = {
            "task": args.command,
            "model": task.name,
            "inputs": args.inputs,
            "shard": args.shard,
            "records": done,
            "skipped": [str(b) for b in bad],
            "failed": len(failed),
            "finished": finished,
            "error": error,
            "fingerprint": fingerprint,
            "settings": settings,
            "run_info": runs.to_dict(),
        }
        write_atomic(meta_path, json.dumps(meta, ensure_ascii=False, indent=1) + "\n")

    records: list[dict[str, Any]] = []
    opened, failure, done, written = False, None, 0, 0
    try:
        with RecordWriter(records_path, resume=args.resume, overwrite=args.overwrite, retry=retry) as writer:
            opened = True
            if args.resume and writer.done:
                foreign = sum(1 for r in writer.iter_records() if key not in r)
                if foreign and not args.resume_anyway:
                    raise CLIError(
                        f"--resume: {foreign} record(s) in {records_path} hold no {key!r}: another command's output"
                    )
            if meta_path is not None:  # what the run is made from, before anything is done (kill -9 keeps it)
                write_meta(False, "not finished", writer.count)
            wanted = (r for i, r in enumerate(_checked(args, lambda _: None)) if i in positions)
            try:
                written = run_task(
                    wanted,
                    task_run,
                    writer,
                    make_record,
                    chunk_size=args.chunk_size,
                    total=len(positions),
                    progress=progress,
                    on_error=model_error,
                )
            finally:
                records = writer.records() if records_path is not None and fmt != "jsonl" else []
                done = writer.count
    except FileExistsError as exc:
        raise CLIError(str(exc)) from exc
    except BaseException as exc:
        failure = _interruption(exc) or f"{type(exc).__name__}: {exc}"
        raise
    finally:
        if meta_path is not None and opened:  # what was done, also when the run did not finish
            write_meta(failure is None and not failed, failure, done)
    if records_path is not None and fmt != "jsonl":  # otherwise the records file is the output
        report = render(records, fmt, key=key, title=f"jb-summarize {key}")
        if args.output is None:
            sys.stdout.write(report)
        else:
            write_atomic(args.output, report)
    if not fingerprint["records"] and not bad:
        print(f"{PROG}: 0 records in {', '.join(args.inputs)}", file=sys.stderr)
    if failed:
        first_id, reason = failed[0]
        print(f"{PROG}: {len(failed)} record(s) failed, e.g. {first_id!r}: {reason}", file=sys.stderr)
        if len(failed) == written:
            raise CLIError(f"every record failed ({reason}); --resume retries them")
    if bad or failed:
        if bad:
            print(f"{PROG}: {len(bad)} input record(s) skipped", file=sys.stderr)
        return EXIT_SKIPPED
    return 0


def _interruption(exc: BaseException) -> str | None:
    """'interrupted' (Ctrl-C) or 'terminated by SIGTERM' (or SIGHUP); None for another exception."""
    from . import Terminated

    if isinstance(exc, Terminated):
        return f"terminated by {exc.name}"
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    for command, what in (("summarize", "Chinese headline-style summaries"), ("translate", "English translations")):
        default = TASKS[command].default_model
        p = sub.add_parser(
            command,
            formatter_class=formatter,
            help=f"{what} of many inputs (files, folders, stdin, JSONL/CSV/Parquet, datasets)",
            description=(
                f"{what.capitalize()} for every input record, written record by record.\n\n"
                "Inputs: text files (one record each), PDF newspaper pages (one record per section of every page,\n"
                "ids FILE.pdf#PAGE:SECTION), folders of .txt and .pdf files, - (stdin), JSONL/CSV/TSV/Parquet\n"
                "files (--text-field, --id-field), a saved datasets folder, or hf:NAME for a hub dataset (--split).\n"
                "Output: JSONL with id, summary or translation, model and flagged per record (to stdout or --output);\n"
                "--format tsv|markdown|html renders a report once the records are done.\n"
                "TSV is read as TSV (a row a line, no quoting); CSV with strict quoting (a problem is reported\n"
                "at its line). With several inputs, ids made from line numbers or file names are prefixed with\n"
                "the input (a.jsonl:3, docs/x/page.txt), so that they stay unique.\n\n"
                "Nothing is lost: each record is appended and flushed as soon as it is finished; --resume\n"
                "skips the ids already in --output and does the failed ones again; a lock stops a second run\n"
                "writing the same file. Ctrl-C, SIGTERM and SIGHUP keep what is done and write the .meta.json.\n"
                "Inputs are read as a stream: memory is bounded by --chunk-size, not by the input.\n"
                f"Exit codes: 0 done, {EXIT_SKIPPED} done but some input records were skipped or failed, 2 error\n"
                "(also when every record failed), 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP. See docs/promises.md."
            ),
            epilog=(
                "examples:\n"
                f"  {PROG} {command} INPUT.jsonl --text-field text --id-field id --model {default} \\\n"
                "      --output OUT.jsonl --resume\n"
                f"  {PROG} {command} articles/ --output report.html\n"
                f"  cat page.txt | {PROG} {command} - --model {default}\n"
                f"  {PROG} {command} corpus.parquet --shard 2/8 --output part-2.jsonl   # shard 2 of 8"
            ),
        )
        p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, - for stdin, or a dataset")
        p.add_argument("--model", default=default, help=f"registry name, folder or hub id (default {default})")
        p.add_argument("--text-field", default="text", help="text column/field (default text)")
        p.add_argument(
            "--id-field",
            default="id",
            help="id column/field (default id, when a file's first record has one; else the line number)",
        )
        p.add_argument("--split", help="split of a dataset")
        p.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="output file, or - for stdout (default); only a regular file is ever replaced, never a device",
        )
        p.add_argument(
            "--format", choices=FORMATS, help="default: from --output's suffix, else jsonl; without --output: on stdout"
        )
        stdin = p.add_mutually_exclusive_group()
        stdin.add_argument("--jsonl", action="store_true", help="- (stdin) is JSONL (default: when its first line is)")
        stdin.add_argument("--lines", action="store_true", help="- (stdin) is one text per line")
        p.add_argument(
            "--resume",
            action="store_true",
            help="go on with --output: skip the ids already done, do the failed ones again; refused when the "
            "input, model or options differ from the run that made it (its .meta.json)",
        )
        p.add_argument(
            "--resume-anyway",
            action="store_true",
            help="with --resume: go on even though the input, model or options changed (old records are kept)",
        )
        p.add_argument("--overwrite", action="store_true", help="start --output again from nothing")
        p.add_argument("--on-error", choices=["skip", "stop"], default="skip", help="bad input records (default skip)")
        p.add_argument("--shard", metavar="I/N", help="process shard I of N (0-based), for several machines")
        add_model_arguments(p, translation=command == "translate")
        p.add_argument(
            "--chunk-size",
            type=chunk_size,
            default=32,
            help="records held and written out per step (default 32, at most 100000): memory is bounded by it",
        )
        p.add_argument("--offline", action="store_true", help="never download a model")
        if command == "summarize":
            add_summary_arguments(p)
        else:
            p.add_argument("--glossary", action="append", metavar="FILE", help="extra zh<TAB>en names (repeatable)")
            p.add_argument("--no-glossary", action="store_true", help="do not give the model a glossary")
        p.set_defaults(func=run)
