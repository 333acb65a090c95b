"""The PDF page reader: characters to lines, the layout analysis, bad PDFs, and the commands on PDF input.

The pages are drawn here with eval/pdf_pages.py's Canvas (reportlab, Debian's CJK TrueType fonts), every
character placed on its own and the drawing order shuffled, so the file's order is never the reading order.
"""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

import pytest

from helpers import run_cli, screenshot_report
from jb_summarize import load_article, load_articles
from jb_summarize.reading import Box, Char, chars_to_lines
from jb_summarize.text import InputError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
import pdf_pages

BODY = 9.0
LEADING = 14.0
TEXT_A = (
    "江北区全年完成固定资产投资178亿元，同比增长百分之十二，高新技术产业增加值增长明显。"
    "老外滩获评国家级夜间文化和旅游消费集聚区，游客人数创下新高。"
)
TEXT_B = "慈城古县城保护利用工程全面启动，首批十个项目开工建设，总投资超过三十亿元。当地居民纷纷点赞。"
TEXT_C = "前洋经济开发区新增企业四百余家，数字经济核心产业营收增长两成以上。园区还将建设人才公寓。"
BRIEF_1 = "本报讯区图书馆新馆开馆，藏书八十万册，市民可凭身份证免费借阅。（张明）"
BRIEF_2 = "本报讯甬江北岸绿道全线贯通，全长十二公里，串起五座城市公园。（李华）"


def _column(canvas: pdf_pages.Canvas, x: float, top: float, width: float, text: str) -> float:
    """Text set in one justified column from (x, top), first line indented; returns the bottom."""
    lines = pdf_pages.wrap(text, width, BODY, 2 * BODY)
    for i, line in enumerate(lines):
        indent = 2 * BODY if i == 0 else 0.0
        used = sum(pdf_pages._width(c, BODY) for c in line)
        spacing = 0.0 if i == len(lines) - 1 else (width - indent - used) / max(1, len(line) - 1)
        canvas.text(x + indent, top + i * LEADING, line, "song", BODY, spacing)
    return top + len(lines) * LEADING


def news_page() -> pdf_pages.Canvas:
    """A header band, two articles side by side (one with a kicker and a byline line, one with a vertical
    headline), a 简讯 column of two briefs, a photo with a caption, a jump line and an editors' footer."""
    c = pdf_pages.Canvas(595, 842)
    c.text(36, 30, "江北新闻", "hei", 22)
    c.text(470, 30, "2022年5月19日 星期四", "song", 8)
    c.text(470, 42, "第3版", "hei", 9)
    c.rule(36, 60, 559, 61.5)
    # article 1: kicker, headline, byline line, two columns
    c.text(36, 72, "聚力深化改革创新", "song", 12)
    c.text(36, 90, "江北投资增长迅速", "hei", 24)
    c.text(36, 124, "记者 王晓燕 通讯员 李明", "kai", BODY)
    _column(c, 36, 140, 110, TEXT_A)
    _column(c, 156, 140, 110, TEXT_B + "（下转第4版）")
    c.rule(280, 72, 280.5, 330)
    # article 2: a vertical headline at its right, columns to its left, a photo with a caption
    c.vertical(420, 72, "慈城古城焕新颜", "hei", 22)
    c.image(290, 72, 120, 70, 7)
    c.text(290, 146, "慈城古县城航拍全景。刘洋 摄", "kai", BODY)
    _column(c, 290, 164, 120, TEXT_C)
    # the 简讯 column
    c.rule(455, 72, 455.5, 330)
    c.text(465, 72, "简讯", "hei", 16)
    y = _column(c, 465, 100, 94, BRIEF_1)
    _column(c, 465, y + 8, 94, BRIEF_2)
    c.rule(36, 800, 559, 800.6)
    c.text(36, 808, "责任编辑：赵静　版式设计：孙磊", "song", 8)
    return c


@pytest.fixture(scope="module")
def news_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "page.pdf"
    path.write_bytes(news_page().save(random.Random(1)))
    return path


def _bare(text: str | None) -> str:
    return "".join((text or "").split())


def test_characters_become_lines_by_position() -> None:
    def char(text: str, x: float, top: float, size: float = 10.0) -> Char:
        return Char(text, Box(x, top, x + size, top + size), size)

    # two columns on one baseline, 15 pt apart; a display line; three characters stacked vertically
    chars = [char(t, 10 + 10 * i, 100) for i, t in enumerate("江北区")]
    chars += [char(t, 55 + 10 * i, 100) for i, t in enumerate("宁波市")]
    chars += [char(t, 10 + 30 * i, 50, 30) for i, t in enumerate("新画卷")]
    chars += [char(t, 200, 10 + 31 * i, 30) for i, t in enumerate("竖排标题")]
    random.Random(3).shuffle(chars)
    lines = {line.text: line for line in chars_to_lines(chars)}
    assert set(lines) == {"江北区", "宁波市", "新画卷", "竖排标题"}
    assert lines["竖排标题"].vertical and not lines["江北区"].vertical
    assert lines["新画卷"].size == 30 and lines["江北区"].box.x1 == 40


def test_a_news_page_is_read_by_its_layout(news_pdf) -> None:
    article = load_article(news_pdf)
    assert article.id == "page.pdf#1" and article.title == "江北新闻" and article.page == 1
    assert [s.headline for s in article.sections] == ["江北投资增长迅速", "慈城古城焕新颜", None, None]
    first, second, brief_1, brief_2 = article.sections
    assert first.kicker == "聚力深化改革创新" and first.byline == "记者 王晓燕 通讯员 李明"  # its spaces kept
    assert _bare(first.body) == _bare(TEXT_A + TEXT_B)  # column by column, the jump line left out
    assert _bare(second.body) == _bare(TEXT_C)
    assert [_bare(brief_1.body), _bare(brief_2.body)] == [BRIEF_1, BRIEF_2]
    assert brief_1.byline == "本报讯"
    assert [_bare(c) for c in article.captions] == ["慈城古县城航拍全景。刘洋摄"]
    for junk in ("责任编辑", "2022年", "第3版", "下转", "简讯", "航拍"):
        assert all(junk not in s.body for s in article.sections)
    assert "（下转第4版）" in article.furniture and "简讯" in article.furniture
    x0, top, x1, _bottom = first.bbox
    assert first.page == 1 and x0 == pytest.approx(36, abs=1) and top == pytest.approx(72, abs=1) and x1 < 280


def test_the_order_in_the_file_does_not_matter() -> None:
    page = news_page()
    read = [load_article(page.save(random.Random(seed)), doc_id="p") for seed in (1, 2, 3)]
    assert read[0] == read[1] == read[2]


def test_a_feature_page_has_its_title_a_lead_and_subheaded_sections() -> None:
    c = pdf_pages.Canvas(595, 842)
    c.text(60, 40, "江北区活力涌动奋发向前", "hei", 36)
    lead = "踔厉奋发踏新程，风正扬帆再起航。江北在新时代里实现大跨越，城乡面貌焕然一新。"
    for i, line in enumerate(pdf_pages.wrap(lead, 475, 12, 24)):
        c.text(60 + (24 if i == 0 else 0), 100 + i * 19, line, "hei", 12)
    y = 150.0
    for heading, text in (("强力推进全域美丽", TEXT_A), ("全力提升产业能级", TEXT_B + TEXT_C)):
        c.text(60, y, heading, "hei", 16)
        half = len(text) // 2
        bottom = max(_column(c, 60, y + 26, 230, text[:half]), _column(c, 305, y + 26, 230, text[half:]))
        y = bottom + 20
    article = load_article(c.save(random.Random(5)), doc_id="feature")
    assert article.title == "江北区活力涌动奋发向前"
    assert [s.headline for s in article.sections] == [None, "强力推进全域美丽", "全力提升产业能级"]
    assert _bare(article.sections[0].body) == _bare(lead)
    assert _bare(article.sections[2].body).startswith(_bare(TEXT_B[:10]))


def _pdf_of_pages(pages: list[bytes]) -> bytes:
    import pypdfium2

    merged = pypdfium2.PdfDocument.new()
    for data in pages:
        merged.import_pages(pypdfium2.PdfDocument(data))
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def _image_only() -> bytes:
    c = pdf_pages.Canvas(400, 600)
    c.image(20, 20, 300, 400, 3)
    return c.save(random.Random(0))


def test_an_edition_gives_one_article_per_page(tmp_path, news_pdf) -> None:
    edition = tmp_path / "edition.pdf"
    edition.write_bytes(_pdf_of_pages([news_pdf.read_bytes(), _image_only(), news_pdf.read_bytes()]))
    articles = list(load_articles(edition))
    assert [a.id for a in articles] == ["edition.pdf#1", "edition.pdf#2", "edition.pdf#3"]
    assert not articles[1].sections and "OCR" in articles[1].notes[-1]
    assert [a.id for a in load_articles(edition, pages="3")] == ["edition.pdf#3"]
    assert load_article(f"{edition}#3").sections[0].id == "edition.pdf#3:0"
    with pytest.raises(InputError, match=r"3 pages; name one"):
        load_article(edition)
    proc = run_cli("sections", str(edition), "--pages", "2-3")
    assert proc.returncode == 0, proc.stderr
    assert b"skipped" in proc.stderr and b"page 2" in proc.stderr
    ids = [json.loads(line)["id"] for line in proc.stdout.decode().splitlines()]
    assert ids and all(i.startswith("edition.pdf#3:") for i in ids)
    bad = run_cli("sections", str(edition), "--pages", "4")
    assert bad.returncode == 2 and b"pages 1-3" in bad.stderr and b"Traceback" not in bad.stderr


def _encrypted() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    pdf_pages._register()
    out = io.BytesIO()
    c = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("secret"))
    c.setFont("song", 10)
    c.drawString(40, 500, "江北区")
    c.showPage()
    c.save()
    return out.getvalue()


def _latin_only() -> bytes:
    c = pdf_pages.Canvas(400, 600)
    c.text(40, 40, "Jiangbei District news in English only.", "song", 10)
    return c.save(random.Random(0))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_encrypted, "encrypted"),
        (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, "not a readable PDF"),
        (_image_only, "OCR found no text"),
        (_latin_only, "no Chinese"),
    ],
)
def test_bad_pdfs_get_one_line_errors(tmp_path, make, message) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(make())
    with pytest.raises(InputError, match=message):
        load_article(path)
    proc = run_cli("sections", str(path))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert message in err and len(err.strip().splitlines()) <= 2 and "Traceback" not in err


def test_explain_names_each_blocks_role_and_cue_and_draws_them(tmp_path, news_pdf) -> None:
    image = tmp_path / "roles.png"
    proc = run_cli("sections", str(news_pdf), "--explain", "--explain-image", str(image))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    for role, cue in (
        ("title", "header band"),
        ("headline", "set vertically"),
        ("kicker", "above a headline"),
        ("byline", "reporter"),
        ("caption", "under an image"),
        ("label", "column label"),
        ("jump", "jump line"),
        ("footer", "footer band"),
    ):
        assert any(f" {role} " in row and cue in row for row in out.splitlines()), (role, out)
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    assert Image.open(image).size[0] > 595  # drawn at 100 dpi


def test_run_on_a_pdf_page_reports_with_the_page_drawn(tmp_path, news_pdf) -> None:
    out = tmp_path / "out"
    proc = run_cli("run", str(news_pdf), "--summarizer", "lead", "--no-translate", "--output-dir", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in (out / "page-p1.jsonl").read_text().splitlines()]
    assert [r["headline"] for r in records] == ["江北投资增长迅速", "慈城古城焕新颜", None, None]
    assert all(r["page"] == 1 and len(r["bbox"]) == 4 for r in records)
    html = (out / "page-p1.html").read_text()
    assert html.count("<rect ") == 4 and 'href="data:image/jpeg;base64,' in html and 'href="#s1"' in html


def test_batch_commands_read_pdf_pages_in_folders(tmp_path, news_pdf) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.pdf").write_bytes(news_pdf.read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00" * 100)
    (folder / "note.txt").write_text("江北区经济增长很快。宁波港口繁忙。", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    proc = run_cli("summarize", str(folder), "--model", "lead", "-o", str(output))
    assert proc.returncode == 1, proc.stderr  # finished, one file skipped
    assert b"broken.pdf" in proc.stderr and b"not a readable PDF" in proc.stderr
    ids = [json.loads(line)["id"] for line in output.read_text().splitlines()]
    assert ids == ["note.txt", "page.pdf#1:0", "page.pdf#1:1", "page.pdf#1:2", "page.pdf#1:3"]


@pytest.mark.slow
def test_generated_corpus_meets_the_reader_targets(shared_dir) -> None:
    """60 generated pages (eval/pdf_pages.py from LCSTS): headlines, titles, bodies, order, no leaks, speed."""
    import score_pages

    pages = score_pages.score_corpus(60, 20261201)
    total = score_pages.summary(pages)
    assert total["headline_recall"] >= 0.98 and total["headline_precision"] >= 0.98
    assert total["title_found"] >= 0.95 and total["pages_with_leaks"] == 0
    assert total["order_score"] >= 0.98 and total["mean_body_coverage"] >= 0.99
    assert total["min_body_coverage"] >= 0.9
    assert total["max_seconds"] <= 2.0


@pytest.mark.slow
def test_the_page_report_renders_in_headless_chromium(tmp_path, news_pdf) -> None:
    import shutil

    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    out = tmp_path / "out"
    proc = run_cli("run", str(news_pdf), "--summarizer", "lead", "--no-translate", "--output-dir", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    shots = tmp_path / "shots"
    screenshot_report(out / "page-p1.html", shots)
    from PIL import Image

    desktop = Image.open(shots / "desktop.png").convert("RGB")
    # the page image is drawn at the top: the photo's colour (pdf_pages.Canvas.image, seed 7) is on screen
    photo = (90 + 7 % 120, 150, 200 - 7 % 100)
    colours = desktop.resize((desktop.width // 4, desktop.height // 4)).getcolors(1 << 20)
    assert any(all(abs(a - b) <= 12 for a, b in zip(c, photo, strict=True)) for _, c in colours)


def test_overprinted_characters_are_read_once_and_bold() -> None:
    c = pdf_pages.Canvas(400, 600)
    for dx in (0.0, 0.3):  # bold simulated by drawing the headline twice, a little apart
        c.text(40 + dx, 40, "江北投资增长迅速", "song", 24)
    _column(c, 40, 80, 300, TEXT_A)
    article = load_article(c.save(random.Random(2)), doc_id="bold")
    assert [s.headline for s in article.sections] == ["江北投资增长迅速"]
    assert _bare(article.sections[0].body) == _bare(TEXT_A)


def test_what_an_ad_label_heads_is_kept_out_of_the_text() -> None:
    c = pdf_pages.Canvas(400, 600)
    c.text(40, 40, "江北投资增长迅速", "hei", 24)
    _column(c, 40, 80, 150, TEXT_A)
    c.rule(200, 40, 200.5, 300)
    c.text(215, 40, "广告", "hei", 16)
    _column(c, 215, 66, 150, "名品家具大促销，全场五折起，地址：江北区人民路八号，电话八八八八八八八八。")
    article = load_article(c.save(random.Random(4)), doc_id="ad")
    assert [s.headline for s in article.sections] == ["江北投资增长迅速"]
    assert all("促销" not in s.body for s in article.sections)
    assert any("促销" in f for f in article.furniture) and "广告" in article.furniture


def test_wide_blocks_side_by_side_are_read_left_column_first() -> None:
    # an article's two columns, each wider than a column and a half of the page's usual one, their tops a
    # hair apart (as OCR measures them): columns, not bands cutting the page one under the other
    from jb_summarize.reading.layout import _reading_order

    right, left, under = Box(207, 655.6, 365, 801), Box(36, 655.9, 195, 816), Box(36, 830, 365, 900)
    assert _reading_order([right, left, under], column=100) == [1, 0, 2]
