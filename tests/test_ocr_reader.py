"""The OCR reader (reading/ocr.py): page images into positioned text lines, with real PP-OCRv4 weights.

The layout analysis on OCR pages is not tuned yet (issue 23): these tests hold the reader itself to what it
must give that analysis: the lines' text, boxes in points, sizes from the characters' pitch, confidence,
rules found in the pixels, and clear refusals.
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

import pytest

from jb_summarize.text import InputError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
import pdf_pages

pytest.importorskip("rapidocr_onnxruntime", reason="the [ocr] extra (the Makefile installs it)")

HEADLINE = "江北投资增长迅速"
BODY = "江北区全年完成固定资产投资一百七十八亿元，同比增长百分之十二，高新技术产业增加值增长明显。"


@pytest.fixture(scope="module")
def page_png() -> bytes:
    from jb_summarize.reading import render_page

    c = pdf_pages.Canvas(300, 220)
    c.text(20, 20, HEADLINE, "hei", 24)
    c.rule(20, 56, 280, 57.5)
    for i, line in enumerate(pdf_pages.wrap(BODY, 260, 10, 0)):
        c.text(20, 70 + i * 16, line, "song", 10)
    image = render_page(c.save(random.Random(1)), 1, dpi=200)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(200, 200))
    return out.getvalue()


def test_a_page_image_becomes_positioned_lines(page_png) -> None:
    from jb_summarize.reading.ocr import read_image

    page = read_image(page_png, name="page.png")
    texts = [line.text for line in page.lines]
    assert texts[0] == HEADLINE and "".join(texts[1:]).startswith(BODY[:12])
    head, body = page.lines[0], page.lines[1]
    assert head.size / body.size > 2.0  # 24 pt against 10 pt, from the characters' pitch
    assert head.box.x0 == pytest.approx(20, abs=3) and head.box.top == pytest.approx(20, abs=4)
    assert all(0 < line.confidence <= 1 for line in page.lines)
    assert page.width == pytest.approx(300, abs=1) and "200 dpi" in page.notes[0]
    assert any(rule.width > 200 and rule.height < 3 and rule.top == pytest.approx(56, abs=2) for rule in page.rules)


def test_images_that_cannot_be_read_are_refused_in_one_line(page_png) -> None:
    from PIL import Image

    from jb_summarize.reading.ocr import read_image

    small = Image.open(io.BytesIO(page_png)).resize((150, 110))
    out = io.BytesIO()
    small.save(out, format="PNG", dpi=(50, 50))
    with pytest.raises(InputError, match=r"too small to read.*scan at \d+ dpi or more"):
        read_image(out.getvalue(), name="small.png")
    with pytest.raises(InputError, match="not a readable image"):
        read_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="broken.png")
    blank = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(blank, format="PNG")
    with pytest.raises(InputError, match="no text found"):
        read_image(blank.getvalue(), name="blank.png")
