"""The page object model every reader produces: a page of positioned text lines, rules and images.

Coordinates are PDF points with the origin at the page's top left (``top`` grows downwards), as in pdfplumber.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Box", "Char", "Page", "TextLine"]


@dataclass(frozen=True)
class Box:
    """A rectangle: left, top, right, bottom in points from the page's top left."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def x_overlap(self, other: Box) -> float:
        return max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))

    def y_overlap(self, other: Box) -> float:
        return max(0.0, min(self.bottom, other.bottom) - max(self.top, other.top))

    def rounded(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 1), round(self.top, 1), round(self.x1, 1), round(self.bottom, 1))

    @staticmethod
    def around(boxes: list[Box]) -> Box:
        return Box(
            min(b.x0 for b in boxes), min(b.top for b in boxes), max(b.x1 for b in boxes), max(b.bottom for b in boxes)
        )


@dataclass(frozen=True)
class Char:
    """One character with its box (the font's em box, not the glyph's ink), size in points and font."""

    text: str
    box: Box
    size: float
    font: str = ""
    bold: bool = False


@dataclass(frozen=True)
class TextLine:
    """Characters set on one line (or, ``vertical``, one above another), with the line's size and font.

    Readers that see no characters (OCR) give lines directly, with the line height as the size and the
    recogniser's ``confidence`` (0-1).
    """

    text: str
    box: Box
    size: float
    font: str = ""
    bold: bool = False
    vertical: bool = False
    confidence: float | None = None


@dataclass
class Page:
    """One page as a reader saw it. ``number`` is 1-based; ``notes`` say what the reader noticed."""

    number: int
    width: float
    height: float
    lines: list[TextLine]
    rules: list[Box] = field(default_factory=list)  # drawn lines and thin rectangles
    images: list[Box] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)
