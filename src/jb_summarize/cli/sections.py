"""``jb-summarize sections``: split an article into its sections."""

from __future__ import annotations

import argparse
import sys

from ..article import explain_article
from ..report import SECTION_FORMATS, render_explanation, render_sections
from ._common import PROG, formatter, read_article, read_text


def run(args: argparse.Namespace) -> int:
    if args.explain:
        sys.stdout.write(render_explanation(explain_article(read_text(args.input))))
        return 0
    sys.stdout.write(render_sections(read_article(args.input), args.format))
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
            "Input is UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} sections                          # the bundled seed article\n"
            f"  {PROG} sections page.txt --format markdown\n"
            f"  {PROG} sections page.txt --explain       # each line's role and the cue that decided it\n"
            f"  {PROG} sections - < page.txt | jq -r .headline"
        ),
    )
    p.add_argument("input", nargs="?", metavar="FILE|-", help="text file, or - for stdin (default: the seed)")
    p.add_argument(
        "--format",
        choices=SECTION_FORMATS,
        default="jsonl",
        help="jsonl: one object per section with id, headline, text, ... (default); tsv; markdown",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="print every input line with its role (body, heading, title, lead, caption, credit, note) and the cue",
    )
    p.set_defaults(func=run)
