"""``jb-summarize sections``: split an article (a text file or a PDF page) into its sections."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..article import explain_article
from ..report import SECTION_FORMATS, render_explanation, render_layout_explanation, render_sections
from ._common import PROG, CLIError, add_pages_argument, formatter, pdf_input, read_articles, read_text, reading


def _explain_pdf(args: argparse.Namespace, pdf: Path, pages: str | None) -> int:
    from ..reading import count_pages, parse_pages, read_pdf_layouts
    from ..reading.render import draw_layout

    with reading(str(pdf)):
        numbers = parse_pages(pages, count_pages(pdf, str(pdf)))
        layouts = []
        for page, layout, problem in read_pdf_layouts(pdf, numbers):
            if layout is None:
                print(f"{PROG}: skipped {pdf} page {page.number}: {problem}", file=sys.stderr)
                continue
            layouts.append(layout)
            if args.explain_image:
                target = Path(args.explain_image)
                if len(numbers) > 1:
                    target = target.with_name(f"{target.stem}-{page.number}{target.suffix or '.png'}")
                draw_layout(pdf, layout, target)
                print(f"wrote {target}", file=sys.stderr)
    if not layouts:
        raise CLIError(f"{pdf}: no page could be read")
    if args.explain:
        sys.stdout.write(render_layout_explanation(layouts))
    return 0


def run(args: argparse.Namespace) -> int:
    pdf = pdf_input(args.input)
    if args.explain_image and pdf is None:
        raise CLIError("--explain-image draws a PDF page: give a PDF input")
    if pdf is not None and (args.explain or args.explain_image):
        return _explain_pdf(args, pdf[0], args.pages or pdf[1])
    if args.explain:
        if args.pages:
            raise CLIError("--pages is for a PDF input")
        sys.stdout.write(render_explanation(explain_article(read_text(args.input))))
        return 0
    sys.stdout.write(render_sections(read_articles(args.input, args.pages), args.format))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sections",
        formatter_class=formatter,
        help="split an article (text or a PDF page) into its sections (headline, body)",
        description=(
            "Split a Chinese newspaper page into sections. Each section has the editors' headline (null\n"
            "when none was found) and the normalised body; photo captions, credits, the page title and\n"
            "(for PDFs) the header, footer, editors' and jump lines are kept out of the bodies.\n\n"
            "Input: a PDF page as published (read by its layout: positions, sizes, fonts; one article per\n"
            "page, ids FILE.pdf#N), or PDF-extracted text in UTF-8 (with or without BOM), UTF-16 with a BOM,\n"
            "GB18030 or Big5."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} sections                          # the bundled seed article\n"
            f"  {PROG} sections page.txt --format markdown\n"
            f"  {PROG} sections page.pdf                 # a newspaper page as published\n"
            f"  {PROG} sections edition.pdf --pages 1-4\n"
            f"  {PROG} sections page.pdf --explain --explain-image roles.png\n"
            f"  {PROG} sections page.txt --explain       # each line's role and the cue that decided it\n"
            f"  {PROG} sections - < page.txt | jq -r .headline"
        ),
    )
    p.add_argument("input", nargs="?", metavar="FILE|-", help="PDF or text file, or - for stdin (default: the seed)")
    p.add_argument(
        "--format",
        choices=SECTION_FORMATS,
        default="jsonl",
        help="jsonl: one object per section with id, headline, text, ... (and for PDFs page, bbox, "
        "kicker, subtitle, byline) (default); tsv; markdown",
    )
    add_pages_argument(p)
    p.add_argument(
        "--explain",
        action="store_true",
        help="print what each line (text) or block (PDF) was read as: its role (body, heading or headline, "
        "title, lead, caption, credit, ...) and the cue that decided it",
    )
    p.add_argument(
        "--explain-image",
        metavar="PNG",
        help="for a PDF: draw each block's role on the page into PNG (PNG-N.png for several pages)",
    )
    p.set_defaults(func=run)
