"""``jb-summarize summarize`` and ``jb-summarize translate``: batch runs over many inputs."""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..records import BadRecord, RecordWriter, parse_shard, read_records, run_task, shard, write_atomic
from ..report import FORMATS, render
from ..tasks import TASKS
from ._common import (
    PROG,
    CLIError,
    add_model_arguments,
    add_summary_arguments,
    formatter,
    positive_int,
    progress_enabled,
    task_from_args,
)

EXIT_SKIPPED = 1  # finished, but some input records were skipped


def _run_info(runs: dict[int, Any]) -> dict[str, Any] | None:
    """The provenance of the task calls (model, revision or sha256, backend, decoding, runtime, versions) with
    their counts summed; None when no call was made."""
    unique = list(runs.values())
    if not unique:
        return None
    info = unique[-1].to_dict()
    for key in ("n_inputs", "n_units", "retried", "seconds"):
        info[key] = sum(getattr(i, key) for i in unique)
    info["flagged"] = sum(len(i.flagged) for i in unique)
    info.pop("flag_reasons", None)
    info["notes"] = sorted({note for i in unique for note in i.notes})
    return info


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or "no message"
    return f"{type(exc).__name__}: {text[:300]}"


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


def run(args: argparse.Namespace) -> int:
    good: list[dict[str, Any]] = []
    bad: list[BadRecord] = []
    seen: set[Any] = set()
    stdin = "jsonl" if args.jsonl else "lines" if args.lines else "auto"
    fmt = _output_format(args)  # a bad --output / --format fails before any reading
    read = read_records(args.inputs, text_field=args.text_field, id_field=args.id_field, split=args.split, stdin=stdin)
    for item in read:
        if isinstance(item, dict) and item["id"] in seen:
            item = BadRecord(item["source"], item["line"], f"duplicate id {item['id']!r}")
        if isinstance(item, BadRecord):
            _report(item)
            if args.on_error == "stop":
                raise CLIError(f"stopped at a bad record ({item}); --on-error skip goes on")
            bad.append(item)
            continue
        seen.add(item["id"])
        good.append(item)
    todo = shard(good, *parse_shard(args.shard)) if args.shard else good
    scratch = Path(tempfile.mkdtemp(prefix="jb-summarize-")) if args.output is None and fmt != "jsonl" else None
    try:
        return _run(args, todo, bad, len(good), scratch)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(
    args: argparse.Namespace, todo: list[dict[str, Any]], bad: list[BadRecord], n_good: int, scratch: Path | None
) -> int:
    """The run over the records to do; ``scratch``: where a report for stdout keeps its records."""
    key = TASKS[args.command].output_field
    records_path, fmt = _output_paths(args, scratch)
    if (
        fmt != "jsonl"
        and args.output is not None
        and Path(args.output).exists()
        and not (args.resume or args.overwrite)
    ):
        raise CLIError(f"{args.output} exists: --overwrite to replace it (--resume to go on with its records)")
    task = task_from_args(args.command, args)

    runs: dict[int, Any] = {}  # the RunInfo of every task call, for the .meta.json

    def make_record(row: dict[str, Any], output: str, where: tuple[Any, int]) -> dict[str, Any]:
        info, position = where
        runs[id(info)] = info
        reasons = info.flag_reasons.get(str(position), [])
        record = {"id": row["id"], key: output, "model": info.model, "flagged": reasons}
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

    records: list[dict[str, Any]] = []
    opened, failure = False, None
    try:
        with RecordWriter(records_path, resume=args.resume, overwrite=args.overwrite) as writer:
            opened = True
            try:
                run_task(
                    todo,
                    task_run,
                    writer,
                    make_record,
                    chunk_size=args.chunk_size,
                    progress=progress,
                    on_error=model_error,
                )
            finally:
                records = writer.records() if records_path is not None else []
    except FileExistsError as exc:
        raise CLIError(str(exc)) from exc
    except BaseException as exc:
        failure = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"{type(exc).__name__}: {exc}"
        raise
    finally:
        if records_path is not None and opened and scratch is None:  # what was done, also when the run did not finish
            meta = {
                "task": args.command,
                "model": task.name,
                "inputs": args.inputs,
                "shard": args.shard,
                "records": len(records),
                "skipped": [str(b) for b in bad],
                "finished": failure is None,
                "error": failure,
                "run_info": _run_info(runs),
            }
            write_atomic(f"{records_path}.meta.json", json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    if records_path is not None and fmt != "jsonl":  # otherwise the records file is the output
        report = render(records, fmt, key=key, title=f"jb-summarize {key}")
        if args.output is None:
            sys.stdout.write(report)
        else:
            write_atomic(args.output, report)
    if not n_good and not bad:
        print(f"{PROG}: 0 records in {', '.join(args.inputs)}", file=sys.stderr)
    if bad:
        print(f"{PROG}: {len(bad)} input record(s) skipped", file=sys.stderr)
        return EXIT_SKIPPED
    return 0


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
                "--format tsv|markdown|html renders a report once the records are done.\n\n"
                "Nothing is lost: each record is appended and flushed as soon as it is finished; --resume\n"
                "skips the ids already in --output; a lock stops a second run writing the same file.\n"
                f"Exit codes: 0 done, {EXIT_SKIPPED} done but some input records were skipped, 2 error."
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
        p.add_argument("--id-field", default="id", help="id column/field (default id; line number if absent)")
        p.add_argument("--split", help="split of a dataset")
        p.add_argument("--output", "-o", metavar="FILE", help="output file (default: stdout)")
        p.add_argument(
            "--format", choices=FORMATS, help="default: from --output's suffix, else jsonl; without --output: on stdout"
        )
        stdin = p.add_mutually_exclusive_group()
        stdin.add_argument("--jsonl", action="store_true", help="- (stdin) is JSONL (default: when its first line is)")
        stdin.add_argument("--lines", action="store_true", help="- (stdin) is one text per line")
        p.add_argument("--resume", action="store_true", help="skip ids already in --output")
        p.add_argument("--overwrite", action="store_true", help="start --output again from nothing")
        p.add_argument("--on-error", choices=["skip", "stop"], default="skip", help="bad input records (default skip)")
        p.add_argument("--shard", metavar="I/N", help="process shard I of N (0-based), for several machines")
        add_model_arguments(p, translation=command == "translate")
        p.add_argument("--chunk-size", type=positive_int, default=32, help="records per write-out step (default 32)")
        p.add_argument("--offline", action="store_true", help="never download a model")
        if command == "summarize":
            add_summary_arguments(p)
        else:
            p.add_argument("--glossary", action="append", metavar="FILE", help="extra zh<TAB>en names (repeatable)")
            p.add_argument("--no-glossary", action="store_true", help="do not give the model a glossary")
        p.set_defaults(func=run)
