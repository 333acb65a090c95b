"""The ``jb-summarize`` command line."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from .article import Article, load_article, load_seed_article
from .text import InputError

PROG = "jb-summarize"


class CLIError(Exception):
    """A user error: printed as one line, exit code 2."""


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _read_article(source: str | None) -> Article:
    if source is None:
        return load_seed_article()
    try:
        return load_article(source)
    except FileNotFoundError as exc:
        raise CLIError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise CLIError(f"{source}: is a directory, expected a text file") from exc
    except PermissionError as exc:
        raise CLIError(f"{source}: permission denied") from exc


def write_sections(article: Article, fmt: str, out: TextIO) -> None:
    """Write an article's sections as jsonl, tsv or markdown."""
    if fmt == "jsonl":
        for record in article.to_records():
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "tsv":
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["id", "headline", "n_chars", "text"])
        for s in article.sections:
            writer.writerow([s.id, s.headline or "", s.n_chars, s.body.replace("\n", "\\n")])
    elif fmt == "markdown":
        if article.title:
            out.write(f"# {article.title}\n\n")
        for s in article.sections:
            out.write(f"## {s.index}. {s.headline or '(no headline)'}\n\n")
            out.write("\n\n".join(s.paragraphs) + "\n\n")
        for label, items in (("Captions", article.captions), ("Credits", article.credits)):
            if items:
                out.write(f"**{label}:** " + "; ".join(items) + "\n\n")
    else:  # argparse restricts choices; this guards direct callers.
        raise CLIError(f"unknown format {fmt!r}")


def _cmd_sections(args: argparse.Namespace) -> int:
    article = _read_article(args.input)
    buffer = io.StringIO()
    write_sections(article, args.format, buffer)
    sys.stdout.write(buffer.getvalue())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=_formatter,
        description="Summarise Chinese news text and translate it into English with pretrained models.",
        epilog=(
            "examples:\n"
            f"  {PROG} sections                       # the bundled seed article, as JSONL\n"
            f"  {PROG} sections page.txt --format markdown\n"
            f"  cat page.txt | {PROG} sections - --format tsv\n\n"
            f"Run '{PROG} COMMAND --help' for a command's options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "sections",
        formatter_class=_formatter,
        help="split an article into its sections (headline, body)",
        description=(
            "Split PDF-extracted Chinese newspaper text into sections. Each section has the editors'\n"
            "headline (null when none was found) and the normalised body. Photo captions, credits and\n"
            "the page title are recognised and kept out of the bodies.\n\n"
            "Input is UTF-8 (with or without BOM) or GB18030."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} sections                          # the bundled seed article\n"
            f"  {PROG} sections page.txt --format markdown\n"
            f"  {PROG} sections - < page.txt | jq -r .headline"
        ),
    )
    p.add_argument("input", nargs="?", metavar="FILE|-", help="text file, or - for stdin (default: the seed)")
    p.add_argument(
        "--format",
        choices=["jsonl", "tsv", "markdown"],
        default="jsonl",
        help="jsonl: one object per section with id, headline, text, ... (default); tsv; markdown",
    )
    p.set_defaults(func=_cmd_sections)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except (CLIError, InputError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
