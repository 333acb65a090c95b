"""The OCR reader (reading/ocr.py): page images into positioned text lines, with real PP-OCRv4 weights.

The reader must give the layout analysis the lines' text, boxes in points, sizes from the ink, confidence,
rules and photos found in the pixels, and clear refusals; then an image, or a PDF page without a usable text
layer, is read into the same Article as a PDF page (tests/test_pdf_reader.py's news page, drawn as a scan).
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

import pytest

from helpers import run_cli
from jb_summarize import load_article
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


def _scan(canvas: pdf_pages.Canvas, dpi: int = 200, kind: str = "PNG") -> bytes:
    from jb_summarize.reading import render_page

    image = render_page(canvas.save(random.Random(1)), 1, dpi=dpi).convert("RGB")
    out = io.BytesIO()
    image.save(out, format=kind, dpi=(dpi, dpi), **({"quality": 80} if kind == "JPEG" else {}))
    return out.getvalue()


@pytest.fixture(scope="module")
def news_scan(tmp_path_factory) -> Path:
    from test_pdf_reader import news_page

    path = tmp_path_factory.mktemp("scan") / "page.jpg"
    path.write_bytes(_scan(news_page(), kind="JPEG"))
    return path


def _bare(text: str | None) -> str:
    return "".join((text or "").split())


def test_a_page_image_is_read_into_the_same_article_as_the_pdf(news_scan) -> None:
    from test_pdf_reader import TEXT_A

    article = load_article(news_scan)
    assert article.id == "page.jpg" and article.title == "江北新闻" and "read by OCR" in article.notes[0]
    headlines = [s.headline for s in article.sections]
    assert headlines[:2] == ["江北投资增长迅速", "慈城古城焕新颜"], headlines
    first = article.sections[0]
    assert first.kicker == "聚力深化改革创新" and first.bbox is not None and first.page == 1
    assert _bare(first.body).startswith(_bare(TEXT_A)[:20])
    assert "慈城古县城航拍全景。刘洋 摄".replace(" ", "") in [_bare(c) for c in article.captions]
    assert all("责任编辑" not in s.body for s in article.sections)


def test_run_on_a_page_image_end_to_end(tmp_path, news_scan) -> None:
    out = tmp_path / "out"
    proc = run_cli("run", str(news_scan), "--summarizer", "lead", "--no-translate", "--output-dir", str(out))
    assert proc.returncode == 0, proc.stderr
    import json

    stem = next(out.glob("*.jsonl"))
    records = [json.loads(line) for line in stem.read_text().splitlines()]
    assert records[0]["headline"] == "江北投资增长迅速" and len(records[0]["bbox"]) == 4
    html = next(out.glob("*.html")).read_text()
    assert 'href="data:image/jpeg;base64,' in html  # the scan is shown with the sections drawn on it
    explained = run_cli("sections", str(news_scan), "--explain")
    assert explained.returncode == 0 and b"headline" in explained.stdout and b"caption" in explained.stdout


def test_a_pdf_page_without_a_usable_text_layer_is_read_by_ocr(tmp_path) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from jb_summarize import load_articles

    c = pdf_pages.Canvas(300, 220)
    c.text(20, 20, HEADLINE, "hei", 24)
    for i, line in enumerate(pdf_pages.wrap(BODY, 260, 10, 0)):
        c.text(20, 70 + i * 16, line, "song", 10)
    scanned = io.BytesIO()
    pdf = canvas.Canvas(scanned, pagesize=(300, 220))
    pdf.drawImage(ImageReader(io.BytesIO(_scan(c))), 0, 0, 300, 220)
    pdf.showPage()
    pdf.save()
    article = load_article(scanned.getvalue())
    assert article.sections[0].headline == HEADLINE and _bare(article.sections[0].body).startswith(BODY[:12])
    assert article.notes[0] == "the page has no text layer, only images: read by OCR instead"
    # fonts without a Unicode map: the text layer is garbage, the drawn page is not
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(c.save(random.Random(0)).replace(b"/ToUnicode", b"/ToUnicodX"))
    (article,) = load_articles(broken)
    assert article.sections[0].headline == HEADLINE
    assert article.notes[0] == "text layer unreadable: read by OCR instead"


def test_lines_of_low_confidence_are_flagged_into_the_section_record() -> None:
    from jb_summarize.reading import Box, Page, TextLine, analyse_page, layout_article

    lines = [TextLine("江北投资增长迅速", Box(20, 20, 212, 44), 24.0, confidence=0.99)]
    for i, text in enumerate(["江北区全年完成固定资产投资一百七十八", "亿元，同比增长百分之十二。"]):
        lines.append(TextLine(text, Box(20, 60 + 14 * i, 200, 70 + 14 * i), 10.0, confidence=0.55 + 0.4 * i))
    article = layout_article(analyse_page(Page(1, 300, 220, lines)), "scan.png")
    (section,) = article.sections
    assert section.low_confidence == (("江北区全年完成固定资产投资一百七十八", 0.55),)
    assert section.to_record()["low_confidence"] == [{"text": lines[1].text, "confidence": 0.55}]


def test_large_images_are_scaled_down_and_say_so(page_png) -> None:
    from jb_summarize.reading.ocr import OCRParams, read_image

    page = read_image(page_png, name="big.png", params=OCRParams(max_pixels=400_000))
    assert any("scaled down" in note for note in page.notes) and page.lines[0].text == HEADLINE
    assert page.width == pytest.approx(300, abs=1)  # the page keeps its size in points


def test_both_recognisers_read_the_page_and_say_which(page_png) -> None:
    from jb_summarize.reading.ocr import OCRParams, read_image

    for name, label in (("ppocrv5", "PP-OCRv5 recognition"), ("ppocrv4", "PP-OCRv4 recognition")):
        page = read_image(page_png, name="page.png", params=OCRParams(recognition=name))
        assert page.lines[0].text == HEADLINE and label in page.notes[0]


def test_a_skewed_scan_is_straightened_first(page_png) -> None:
    from PIL import Image

    from jb_summarize.reading.ocr import read_image

    turned = io.BytesIO()
    Image.open(io.BytesIO(page_png)).convert("L").rotate(1.0, fillcolor=255).save(turned, format="PNG")
    page = read_image(turned.getvalue(), name="skewed.png")
    assert any("turned by -1.0" in note or "turned by -0.95" in note for note in page.notes), page.notes
    assert page.lines[0].text == HEADLINE
    straight = read_image(page_png, name="page.png")
    assert not any("turned" in note for note in straight.notes)


def test_a_credited_caption_beside_a_photo_is_kept_out_and_the_row_under_it_is_body() -> None:
    # as OCR read a generated feature page: no fonts, sizes that wobble; the caption sits to the right of the
    # photo at its foot, credit first; right under the photo the two body columns start
    from jb_summarize.reading import Box, Page, TextLine, analyse_page

    photo = Box(30, 100, 380, 280)
    lines = [TextLine("江北区推进城市更新", Box(30, 60, 300, 84), 22.0)]
    lines += [
        TextLine("供图区委宣传部", Box(393, 258, 456, 265), 9.0),
        TextLine("甬江北岸夜景。", Box(393, 270, 451, 279), 7.9),
    ]
    columns = ["全年完成投资一百七十八亿元，同比增长", "新增就业两万五千人，城乡居民收入稳步"]
    for row in range(6):
        for col, x in enumerate((47, 226)):
            size = 9.0 if row == 0 else 8.4  # the first row read a little larger
            lines.append(TextLine(columns[col], Box(x, 292 + 13 * row, x + 150, 292 + 13 * row + size), size))
    blocks = analyse_page(Page(1, 600, 420, lines, images=[photo])).blocks
    roles = {b.text: b.role for b in blocks}
    assert roles.get("甬江北岸夜景。") == "caption" and roles.get("供图区委宣传部") in ("caption", "credit")
    body = "".join(b.text for b in blocks if b.role == "body")
    assert body.count(columns[0]) == 6  # the first row under the photo is not taken for its caption
