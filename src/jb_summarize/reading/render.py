"""Pictures of a page: the page image for reports, and the layout's roles drawn on it (``--explain-image``)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from .files import file_head
from .layout import PageLayout
from .ocr import image_kind
from .pdf import render_page

__all__ = ["ROLE_COLOURS", "draw_layout", "page_data_uri", "page_picture"]

# One colour per role, so that a person sees at a glance what the page was read as.
ROLE_COLOURS = {
    "headline": (200, 30, 30),
    "title": (150, 0, 150),
    "subheading": (230, 110, 0),
    "kicker": (230, 150, 60),
    "subtitle": (230, 150, 60),
    "label": (120, 120, 120),
    "body": (20, 90, 200),
    "lead": (0, 140, 140),
    "byline": (0, 150, 60),
    "caption": (0, 150, 60),
    "credit": (0, 110, 40),
    "header": (110, 110, 110),
    "footer": (110, 110, 110),
    "furniture": (110, 110, 110),
    "jump": (110, 110, 110),
    "ad": (160, 120, 0),
}


def page_picture(source: str | Path | bytes, number: int, size: tuple[float, float], dpi: float):
    """Page ``number`` of a PDF, or a page image, as a PIL image at ``dpi`` (``size``: the page in points)."""
    from PIL import Image

    head = source[:16] if isinstance(source, bytes) else file_head(Path(source))
    if not image_kind(head):
        return render_page(source, number, dpi)
    Image.MAX_IMAGE_PIXELS = None
    picture = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    picture.draft("RGB", (int(size[0] * dpi / 72), int(size[1] * dpi / 72)))
    return picture.convert("RGB").resize((round(size[0] * dpi / 72), round(size[1] * dpi / 72)))


def page_data_uri(
    source: str | Path | bytes, number: int, size: tuple[float, float], dpi: float = 72.0, quality: int = 70
) -> str:
    """Page ``number`` as a JPEG ``data:`` URI (72 dpi: one pixel a point, the report's coordinates)."""
    image = page_picture(source, number, size, dpi).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def draw_layout(source: str | Path | bytes, layout: PageLayout, path: str | Path, dpi: float = 100.0) -> None:
    """The page with every block outlined in its role's colour and labelled with the role (and its section)."""
    from PIL import ImageDraw

    size = (layout.page.width, layout.page.height)
    image = page_picture(source, layout.page.number, size, dpi).convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    scale = dpi / 72.0
    for block in layout.blocks:
        colour = ROLE_COLOURS.get(block.role, (0, 0, 0))
        box = block.box
        rect = [box.x0 * scale - 1, box.top * scale - 1, box.x1 * scale + 1, box.bottom * scale + 1]
        draw.rectangle(rect, outline=(*colour, 255), fill=(*colour, 40), width=2)
        label = block.role if block.section is None else f"{block.role} {block.section}"
        draw.text((rect[0] + 2, rect[1] + 1), label, fill=(*colour, 255))
    image.save(path)
