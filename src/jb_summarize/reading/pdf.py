"""PDF pages as positioned characters, rules and images, read with pypdfium2 (PDFium; Apache-2.0 / BSD-3).

pypdfium2 was chosen over pdfminer.six by measurement (``eval/bench_pdf.py``): the same characters, boxes and
sizes at a fraction of the time, and it also renders pages (the report's page image, OCR later). Pages are read
one at a time and closed, so a 300-page edition needs no more memory than one page.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..text import InputError
from .lines import LineParams, chars_to_lines
from .page import Box, Char, Page

if TYPE_CHECKING:
    import pypdfium2

__all__ = ["PDF_MAGIC", "count_pages", "is_pdf", "parse_pages", "read_pdf", "render_page"]

PDF_MAGIC = b"%PDF-"
# Rules: drawn lines (or thin rectangles) at most this thick and at least this long, in points.
RULE_THICKNESS = 3.0
RULE_LENGTH = 12.0
# Above this share of characters without a Unicode meaning, a page's text layer is unreadable.
BAD_TEXT_SHARE = 0.2
# The share of the em box under the baseline (CJK fonts: about an eighth).
EM_DESCENT = 0.12
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold|extrab", re.IGNORECASE)


def is_pdf(data: bytes) -> bool:
    """True for bytes that start like a PDF file (the header may follow a few bytes of junk)."""
    return PDF_MAGIC in data[:1024]


def _open(source: str | Path | bytes, name: str) -> pypdfium2.PdfDocument:
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pypdfium2.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise InputError(f"{name}: the PDF is encrypted (password-protected); decrypt it first") from exc
        reason = re.sub(r"[.)\s]+$", "", message.split(": ", 1)[-1]) or "damaged"
        raise InputError(f"{name}: not a readable PDF ({reason})") from exc


def count_pages(source: str | Path | bytes, name: str = "input.pdf") -> int:
    document = _open(source, name)
    try:
        return len(document)
    finally:
        document.close()


def parse_pages(spec: str | None, count: int) -> list[int]:
    """'1-4,7' -> [1, 2, 3, 4, 7] (1-based, in the file's range); None -> every page."""
    if spec is None:
        return list(range(1, count + 1))
    numbers: list[int] = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        try:
            start, end = int(first), int(last or first)
        except ValueError as exc:
            raise InputError(f"--pages takes numbers and ranges such as 1-4,7, got {spec!r}") from exc
        if not 1 <= start <= end <= count:
            raise InputError(f"--pages {spec}: the file has pages 1-{count}")
        numbers.extend(n for n in range(start, end + 1) if n not in numbers)
    return numbers


def _font(textpage, index: int, buffer) -> tuple[str, bool]:
    import pypdfium2.raw as raw

    flags = ctypes.c_int()
    raw.FPDFText_GetFontInfo(textpage, index, buffer, len(buffer), ctypes.byref(flags))
    name = _SUBSET.sub("", buffer.value.decode("utf-8", "replace"))
    return name, raw.FPDFText_GetFontWeight(textpage, index) >= 600 or bool(_BOLD_NAME.search(name))


def _chars(page, height: float) -> tuple[list[Char], int]:
    """The page's characters (PDFium's generated spaces and line ends left out), and how many have no meaning."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        buffer = ctypes.create_string_buffer(256)
        matrix = raw.FS_MATRIX()
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        chars, bad = [], 0
        for i in range(textpage.count_chars()):
            if raw.FPDFText_IsGenerated(textpage, i):
                continue
            code = raw.FPDFText_GetUnicode(textpage, i)
            meaningless = code < 0x20 or code == 0xFFFD or 0xE000 <= code <= 0xF8FF  # controls, private use
            if raw.FPDFText_HasUnicodeMapError(textpage, i) or meaningless:
                bad += 1
                continue
            text = chr(code)
            if not text.strip() and text not in " \u3000\u00a0":
                continue
            text = " " if text.isspace() else text
            raw.FPDFText_GetMatrix(textpage, i, matrix)
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0
            size = raw.FPDFText_GetFontSize(textpage, i) * scale
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            if matrix.b == 0 and matrix.c == 0 and raw.FPDFText_GetCharOrigin(textpage, i, origin_x, origin_y):
                # the em box on the baseline: fonts of one line (a fallback font, say) sit level whatever
                # their ascent and descent
                bottom, top = origin_y.value - EM_DESCENT * size, origin_y.value + (1 - EM_DESCENT) * size
            font, bold = _font(textpage, i, buffer)
            chars.append(Char(text, Box(left, height - top, right, height - bottom), round(size, 2), font, bold))
        return chars, bad
    finally:
        textpage.close()


def _objects(page, height: float) -> tuple[list[Box], list[Box]]:
    """Rules (thin drawn lines, and the edges of drawn boxes) and image boxes."""
    import pypdfium2.raw as raw

    rules, images = [], []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        box = Box(left, height - top, right, height - bottom)
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            if box.width > 8 and box.height > 8:
                images.append(box)
        elif min(box.width, box.height) <= RULE_THICKNESS and max(box.width, box.height) >= RULE_LENGTH:
            rules.append(box)
        elif box.width >= RULE_LENGTH and box.height >= RULE_LENGTH and raw.FPDFPath_CountSegments(obj) <= 6:
            t = 0.5
            rules += [
                Box(box.x0, box.top - t, box.x1, box.top + t),
                Box(box.x0, box.bottom - t, box.x1, box.bottom + t),
                Box(box.x0 - t, box.top, box.x0 + t, box.bottom),
                Box(box.x1 - t, box.top, box.x1 + t, box.bottom),
            ]
    return rules, images


def _read_page(document, number: int, name: str, params: LineParams) -> Page:
    page = document[number - 1]
    try:
        width, height = page.get_size()
        chars, bad = _chars(page, height)
        rules, images = _objects(page, height)
    finally:
        page.close()
    result = Page(number, width, height, chars_to_lines(chars, params), rules, images, source=name)
    if bad and bad > BAD_TEXT_SHARE * (bad + len(chars)):
        result.notes.append(
            f"text layer unreadable: {bad} of {bad + len(chars)} characters have no Unicode meaning "
            "(fonts without a Unicode map)"
        )
        result.lines = []
    return result


def read_pdf(
    source: str | Path | bytes,
    pages: Sequence[int] | None = None,
    *,
    name: str | None = None,
    params: LineParams | None = None,
) -> Iterator[Page]:
    """The given pages (1-based; default all) of a PDF file or its bytes, one at a time, as Page objects."""
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    document = _open(source, label)
    try:
        for number in pages or range(1, len(document) + 1):
            yield _read_page(document, number, label, params or LineParams())
    finally:
        document.close()


def render_page(source: str | Path | bytes, number: int, dpi: float = 100.0):
    """Page ``number`` (1-based) as a PIL image at ``dpi``."""
    document = _open(source, str(source) if not isinstance(source, bytes) else "<bytes>")
    try:
        page = document[number - 1]
        try:
            return page.render(scale=dpi / 72.0).to_pil()
        finally:
            page.close()
    finally:
        document.close()
