"""Characters to text lines, by position only (never by the order a file stores them in).

A character joins the row whose middle lies within a third of its size of its own and whose size is close to
its own; a row breaks into lines where the gap between two characters is wider than ``word_gap`` times their
size (a column gutter). Single characters stacked one under another at the same size form a vertical line
(竖排 headlines).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..text import is_cjk
from .page import Box, Char, TextLine

__all__ = ["LineParams", "chars_to_lines"]


@dataclass(frozen=True)
class LineParams:
    """How characters are joined into lines (each in units of the characters' size).

    - ``word_gap``: a wider gap between two characters of a row starts a new line (a column gutter);
    - ``gutter_gap``: in display type, so does a gap this wide that is four times the row's usual gap (headlines
      are set tight or evenly spaced, so a narrow gutter between two of them is still the odd gap out);
    - ``row_tolerance``: how far apart two characters' middles may be on one row;
    - ``size_ratio``: characters whose sizes differ by more than this factor are never on one line;
    - ``space_gap``: a gap this wide between two Latin letters or digits is a space;
    - ``stack_gap``: how far apart stacked characters may be in a vertical line (at least 3 characters).
    """

    word_gap: float = 0.8
    gutter_gap: float = 0.3
    row_tolerance: float = 0.25
    size_ratio: float = 1.12
    space_gap: float = 0.3
    stack_gap: float = 0.7


def _close_sizes(a: float, b: float, ratio: float) -> bool:
    return max(a, b) <= ratio * min(a, b)


def _line(chars: Sequence[Char], params: LineParams, vertical: bool = False) -> TextLine | None:
    """The line of ``chars``, or None for a line of spaces. Spaces the file has are kept; a gap wider than
    ``space_gap`` sizes is a space between Latin words, and between Chinese ones where it is also three times
    the line's usual gap (记者 王晓燕: a justified line's even spacing is no space)."""
    gaps = sorted(b.box.x0 - a.box.x1 for a, b in itertools.pairwise(chars))
    usual = max(0.0, gaps[len(gaps) // 2]) if gaps else 0.0
    text: list[str] = []
    for prev, char in zip([None, *chars[:-1]], chars, strict=True):
        if char.text.isspace():
            if text and text[-1] != " ":
                text.append(" ")
            continue
        if prev is not None and not vertical and not prev.text.isspace():
            gap = char.box.x0 - prev.box.x1
            chinese = is_cjk(prev.text[-1]) or is_cjk(char.text[0])
            if gap > params.space_gap * char.size and (not chinese or gap > 3 * usual + 0.5):
                text.append(" ")
        text.append(char.text)
    chars = [c for c in chars if not c.text.isspace()]
    if not chars:
        return None
    sizes = Counter(round(c.size, 1) for c in chars)
    fonts = Counter(c.font for c in chars)
    return TextLine(
        text="".join(text).strip(),
        box=Box.around([c.box for c in chars]),
        size=sizes.most_common(1)[0][0],
        font=fonts.most_common(1)[0][0],
        bold=sum(c.bold for c in chars) * 2 > len(chars),
        vertical=vertical,
    )


def _rows(chars: Sequence[Char], params: LineParams) -> list[list[Char]]:
    """Characters grouped into rows (same middle height, close sizes), each row sorted left to right."""
    rows: list[list[Char]] = []
    middles: list[float] = []
    buckets: dict[int, list[int]] = defaultdict(list)  # middle height // 4 -> row indices
    for char in sorted(chars, key=lambda c: (c.box.cy, c.box.x0)):
        cy, tol = char.box.cy, params.row_tolerance * char.size
        found, nearest = None, tol
        for key in range(int((cy - tol) // 4), int((cy + tol) // 4) + 1):
            for r in buckets.get(key, ()):
                off = abs(middles[r] - cy)
                if off <= nearest and _close_sizes(rows[r][0].size, char.size, params.size_ratio):
                    found, nearest = r, off
        if found is None:
            found = len(rows)
            rows.append([])
            middles.append(cy)
            buckets[int(cy // 4)].append(found)
        rows[found].append(char)
    for row in rows:
        row.sort(key=lambda c: c.box.x0)
    return rows


def _split_row(row: list[Char], params: LineParams, body_size: float) -> list[list[Char]]:
    """A row cut at gutters: a gap wider than ``word_gap`` sizes, or, in display type (larger than the page's
    body size), a gap wider than ``gutter_gap`` sizes and four times the row's usual gap (headlines are set
    tight or evenly letter-spaced, so the gutter between two of them is the odd gap out)."""
    gaps = sorted(b.box.x0 - a.box.x1 for a, b in itertools.pairwise(row))
    usual = max(0.0, gaps[len(gaps) // 2]) if gaps else 0.0
    pieces: list[list[Char]] = [[row[0]]]
    for prev, char in itertools.pairwise(row):
        size = max(prev.size, char.size)
        gap = char.box.x0 - prev.box.x1
        if (
            gap > params.word_gap * size
            or (size >= 1.3 * body_size and gap > params.gutter_gap * size and gap > 4 * usual + 1.0)
            or not _close_sizes(prev.size, char.size, params.size_ratio)
        ):
            pieces.append([])
        pieces[-1].append(char)
    return pieces


def _cell(piece: list[Char]) -> Char | None:
    """A piece that can be one cell of a vertical line: a lone character, or two or three digits or letters
    set across one cell (纵中横, as 81 in a vertical headline)."""
    if len(piece) == 1:
        return piece[0]
    text = "".join(c.text for c in piece)
    size = max(c.size for c in piece)
    box = Box.around([c.box for c in piece])
    if 2 <= len(piece) <= 3 and text.isascii() and text.isalnum() and box.width <= 1.2 * size:
        return Char(text, box, size, piece[0].font, piece[0].bold)
    return None


def _stack_vertical(cells: list[Char], params: LineParams) -> list[list[Char]]:
    """Runs of three or more cells set one under another at one size."""
    columns: list[list[Char]] = []
    for char in sorted(cells, key=lambda c: (c.box.top, c.box.x0)):
        for column in columns:
            last = column[-1]
            if (
                _close_sizes(last.size, char.size, 1.1)
                and last.box.x_overlap(char.box) >= 0.5 * min(last.box.width, char.box.width)
                and abs(last.box.cx - char.box.cx) <= 0.5 * char.size
                and -0.1 * char.size <= char.box.top - last.box.bottom <= params.stack_gap * char.size
            ):
                column.append(char)
                break
        else:
            columns.append([char])
    return [c for c in columns if len(c) >= 3 and any(not x.text.isascii() for x in c)]


def _without_overprints(chars: Sequence[Char]) -> list[Char]:
    """One of each character drawn twice at almost the same place (bold simulated by overprinting, or a text
    layer drawn twice), kept as bold."""
    cells: dict[tuple[str, int, int], list[int]] = {}  # (text, x0 // 4, top // 4) -> indices into kept
    kept: list[Char] = []
    for char in chars:
        gx, gy = round(char.box.x0 / 4), round(char.box.top / 4)
        twin = None
        if not char.text.isspace():
            near = (i for dx in (-1, 0, 1) for dy in (-1, 0, 1) for i in cells.get((char.text, gx + dx, gy + dy), ()))
            twin = next(
                (
                    i
                    for i in near
                    if abs(kept[i].box.x0 - char.box.x0) <= 0.2 * char.size
                    and abs(kept[i].box.top - char.box.top) <= 0.2 * char.size
                ),
                None,
            )
        if twin is not None:
            first = kept[twin]
            kept[twin] = Char(first.text, first.box, first.size, first.font, True)
            continue
        cells.setdefault((char.text, gx, gy), []).append(len(kept))
        kept.append(char)
    return kept


def chars_to_lines(chars: Sequence[Char], params: LineParams | None = None) -> list[TextLine]:
    """Text lines from positioned characters, top to bottom, then left to right."""
    params = params or LineParams()
    chars = _without_overprints([c for c in chars if c.text.strip() or c.text == " "])
    sizes = Counter(round(c.size) for c in chars if not c.text.isspace())
    body_size = float(sizes.most_common(1)[0][0]) if sizes else 10.0
    pieces = [piece for row in _rows(chars, params) for piece in _split_row(row, params, body_size)]
    pieces = [[c for c in p if not c.text.isspace()] if len(p) <= 4 else p for p in pieces]
    cells = {}
    for k, piece in enumerate(pieces):
        cell = _cell(piece) if piece else None
        if cell is not None:
            cells[id(cell)] = (k, cell)
    stacks = _stack_vertical([cell for _, cell in cells.values()], params)
    stacked = {cells[id(c)][0] for stack in stacks for c in stack}
    made = [_line(p, params) for k, p in enumerate(pieces) if p and k not in stacked]
    made += [_line(stack, params, vertical=True) for stack in stacks]
    lines = [line for line in made if line is not None]
    return sorted(lines, key=lambda line: (round(line.box.top), line.box.x0))
