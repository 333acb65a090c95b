"""``jb-summarize sections``: split an article into its sections."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import TextIO

from ..article import Article
from ._common import PROG, CLIError, formatter, read_article


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


def run(args: argparse.Namespace) -> int:
    article = read_article(args.input)
    buffer = io.StringIO()
    write_sections(article, args.format, buffer)
    sys.stdout.write(buffer.getvalue())
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sections",
        formatter_class=formatter,
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
    p.set_defaults(func=run)
