"""``jb-summarize sections``: split an article (a text file or a PDF page) into its sections."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..article import explain_article
from ..report import SECTION_FORMATS, render_explanation, render_layout_explanation, render_sections
from ._common import (
    PROG,
    CLIError,
    add_pages_argument,
    formatter,
    image_input,
    pdf_input,
    read_articles,
    read_text,
    reading,
)


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


def _explain_image(args: argparse.Namespace, image: Path) -> int:
    from ..reading.pages import read_image_layout
    from ..reading.render import draw_layout

    with reading(str(image)):
        _, layout, problem = read_image_layout(image)
        if layout is None:
            raise CLIError(f"{image}: {problem}")
        if args.explain_image:
            draw_layout(image, layout, Path(args.explain_image))
            print(f"wrote {args.explain_image}", file=sys.stderr)
    if args.explain:
        sys.stdout.write(render_layout_explanation([layout]))
    return 0


def run(args: argparse.Namespace) -> int:
    pdf = pdf_input(args.input)
    image = image_input(args.input)
    if args.explain_image and pdf is None and image is None:
        raise CLIError("--explain-image draws a page: give a PDF or a page image")
    if pdf is not None and (args.explain or args.explain_image):
        return _explain_pdf(args, pdf[0], args.pages or pdf[1])
    if image is not None and (args.explain or args.explain_image):
        return _explain_image(args, image)
    if args.explain:
        if args.pages:
            raise CLIError("--pages is for a PDF input")
        sys.stdout.write(render_explanation(explain_article(read_text(args.input))))
        return 0
    sys.stdout.write(render_sections(read_articles(args.input, args.pages, indexes=True), args.format))
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
            "page, ids FILE.pdf#N; a scanned page, or one whose fonts have no Unicode map, is read by OCR),\n"
            "a page image (PNG, JPEG, TIFF, BMP; read by OCR, then by the same layout analysis), a saved web\n"
            "page, or PDF-extracted text in UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030 or Big5."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} sections                          # the bundled seed article\n"
            f"  {PROG} sections page.txt --format markdown\n"
            f"  {PROG} sections page.pdf                 # a newspaper page as published\n"
            f"  {PROG} sections edition.pdf --pages 1-4\n"
            f"  {PROG} sections page.pdf --explain --explain-image roles.png\n"
            f"  {PROG} sections scan.jpg --explain       # a page image, through OCR\n"
            f"  {PROG} sections page.txt --explain       # each line's role and the cue that decided it\n"
            f"  {PROG} sections - < page.txt | jq -r .headline"
        ),
    )
    p.add_argument(
        "input",
        nargs="?",
        metavar="FILE|-",
        help="PDF, page image, web page or text file, or - for stdin (default: the seed)",
    )
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
