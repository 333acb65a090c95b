"""Page images (and PDF pages without a usable text layer) through OCR into positioned text lines.

The recogniser is RapidOCR (rapidocr-onnxruntime, Apache-2.0) with the PP-OCRv4 Chinese detection and
recognition weights its wheel ships, run on onnxruntime. The image is read in overlapping strips at its own
resolution (the detector's default shrinks a page to 2,000 px and loses 8-pt body text), so memory stays that
of one strip. Each detected line becomes a TextLine: its box in points (pixels x 72 / dpi), its height as
its size, and the recogniser's confidence. Rules are found in the image itself (long thin runs of dark
pixels), so the same layout analysis as for PDF pages applies.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..text import InputError
from .page import Box, Page, TextLine

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = ["OCR_LAYOUT", "OCRParams", "ocr_image", "read_image"]

INSTALL_HINT = "pip install 'jb-summarize[ocr]'"
# OCR measures a line's size from its box, to within a fifth: the layout analysis asks for wider margins.
OCR_LAYOUT = {"minor_ratio": 1.3, "headline_ratio": 1.6, "size_tolerance": 0.25}


@dataclass(frozen=True)
class OCRParams:
    """How page images are read.

    - ``dpi``: PDF pages without a text layer are rendered at this resolution; images that do not record
      theirs are taken to be at it;
    - ``strip``, ``overlap``: the image is read in strips this many pixels tall, overlapping by this much;
    - ``max_pixels``: larger images are scaled down to this many pixels (and the result says so);
    - ``low_confidence``: lines recognised with less confidence than this are flagged;
    - ``min_line_px``: an image whose text lines are lower than this (the median) is refused: too small.
    """

    dpi: float = 200.0
    strip: int = 1600
    overlap: int = 200
    max_pixels: int = 60_000_000
    low_confidence: float = 0.8
    min_line_px: float = 14.0


@cache
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise InputError(f"reading page images needs OCR: {INSTALL_HINT}") from exc
    # full resolution: no shrinking to 2,000 px (max_side_len) nor to the detector's 960 px (limit type max)
    return RapidOCR(
        max_side_len=1_000_000, det_limit_type="min", det_limit_side_len=32, det_unclip_ratio=1.4, use_cls=False
    )


def _rules(gray, min_length: int) -> list[tuple[int, int, int, int]]:
    """Long thin runs of dark pixels (x0, top, x1, bottom in pixels): drawn rules, across and down."""
    import numpy as np

    found = []
    dark = gray < 110
    for axis in (0, 1):
        grid = dark if axis == 0 else dark.T
        candidates = np.nonzero(grid.sum(axis=1) >= min_length)[0]
        runs = []
        for row in candidates:
            edges = np.diff(np.concatenate(([0], grid[row].astype(np.int8), [0])))
            starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
            lengths = ends - starts
            k = int(lengths.argmax())
            if lengths[k] >= min_length:
                runs.append((int(row), int(starts[k]), int(ends[k])))
        group: list[tuple[int, int, int]] = []
        for run in [*runs, (-10, 0, 0)]:  # a sentinel closes the last group
            if group and (run[0] != group[-1][0] + 1):
                if len(group) <= 6:  # thin: a rule, not a photo's dark area
                    lo, hi = min(r[1] for r in group), max(r[2] for r in group)
                    first, last = group[0][0], group[-1][0] + 1
                    found.append((lo, first, hi, last) if axis == 0 else (first, lo, last, hi))
                group = []
            if run[0] >= 0:
                group.append(run)
    return found


def _size(text: str, width: float, height: float, vertical: bool) -> float:
    """A line's type size in pixels: the pitch of its characters where it has two or more full-width ones
    (Chinese characters are set square, and a detector's box height varies with the marks a line holds),
    else the box's height (across the line)."""
    cells = sum(1.0 if ord(c) >= 0x2E80 or 0x2018 <= ord(c) <= 0x201F else 0.5 for c in text)
    across, along = (width, height) if vertical else (height, width)
    if sum(ord(c) >= 0x2E80 for c in text) >= 2 and cells:
        return min(across, along / cells)
    return across


def _strips(height: int, params: OCRParams) -> list[tuple[int, int, int, int]]:
    """(top, bottom, keep_from, keep_to) of each strip: a line is kept by the strip its middle falls in."""
    step = params.strip - params.overlap
    strips = []
    top = 0
    while True:
        bottom = min(height, top + params.strip)
        keep_from = 0 if top == 0 else top + params.overlap // 2
        keep_to = height if bottom == height else bottom - params.overlap // 2
        strips.append((top, bottom, keep_from, keep_to))
        if bottom == height:
            return strips
        top += step


def ocr_image(
    image: PILImage.Image, dpi: float, *, number: int = 1, source: str = "", params: OCRParams | None = None
) -> Page:
    """The text lines, rules and size of one page image as a Page (points at ``dpi``)."""
    import numpy as np

    params = params or OCRParams()
    notes = []
    if image.width * image.height > params.max_pixels:
        scale = (params.max_pixels / (image.width * image.height)) ** 0.5
        image = image.resize((int(image.width * scale), int(image.height * scale)))
        notes.append(f"the image was scaled down by {1 / scale:.1f}x to {image.width} x {image.height} px")
        dpi *= scale
    rgb = np.asarray(image.convert("RGB"))
    gray = np.asarray(image.convert("L"))
    engine = _engine()
    k = 72.0 / dpi
    lines: list[TextLine] = []
    heights = []
    for top, bottom, keep_from, keep_to in _strips(rgb.shape[0], params):
        found, _ = engine(np.ascontiguousarray(rgb[top:bottom]))
        for quad, text, score in found or ():
            xs, ys = [p[0] for p in quad], [p[1] + top for p in quad]
            x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
            if not keep_from <= (y0 + y1) / 2 < keep_to or not str(text).strip():
                continue
            w, h = x1 - x0, y1 - y0
            vertical = h > 2.5 * w and len(text) >= 3
            size = _size(str(text), w, h, vertical)
            heights.append(size)
            lines.append(
                TextLine(
                    str(text),
                    Box(x0 * k, y0 * k, x1 * k, y1 * k),
                    round(size * k, 2),
                    vertical=vertical,
                    confidence=round(float(score), 3),
                )
            )
    if heights:
        median = sorted(heights)[len(heights) // 2]
        if median < params.min_line_px:
            need = dpi * params.min_line_px / median
            raise InputError(
                f"{source or 'image'}: too small to read: its text lines are {median:.0f} px high; OCR needs "
                f"{params.min_line_px:.0f} px or more (scan at {need:.0f} dpi or more)"
            )
    min_length = int(40 / k)  # rules of 40 pt and longer
    rules = [Box(a * k, b * k, c * k, d * k) for a, b, c, d in _rules(gray, min_length)]
    notes.insert(0, f"read by OCR (PP-OCRv4, RapidOCR) at {dpi:.0f} dpi")
    return Page(number, image.width * k, image.height * k, lines, rules, [], source=source, notes=notes)


_MAGIC = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"BM": "BMP"}


def image_kind(head: bytes) -> str | None:
    """PNG, JPEG, TIFF or BMP for bytes that start like one."""
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def read_image(source: str | Path | bytes, *, name: str | None = None, params: OCRParams | None = None) -> Page:
    """A page image file (or its bytes) through OCR. Its resolution is the one it records, else ``params.dpi``."""
    from PIL import Image, UnidentifiedImageError

    params = params or OCRParams()
    label = name or ("<bytes>" if isinstance(source, bytes) else str(source))
    Image.MAX_IMAGE_PIXELS = None  # large scans are scaled down below, not refused by PIL
    try:
        image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        width = image.width
        if image.format == "JPEG" and image.width * image.height > params.max_pixels:
            image.draft("RGB", (image.width // 2, image.height // 2))  # decoded at a smaller scale
        image.load()
        shrunk = image.width / width
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"{label}: not a readable image ({type(exc).__name__})") from exc
    recorded = image.info.get("dpi")
    dpi = (float(recorded[0]) if recorded and recorded[0] and recorded[0] > 1 else params.dpi) * shrunk
    page = ocr_image(image, dpi, source=label, params=params)
    if not recorded:
        page.notes.append(f"the image records no resolution: taken as {params.dpi:.0f} dpi")
    if not page.lines:
        raise InputError(f"{label}: no text found in the image")
    return page


__all__ += ["image_kind"]
