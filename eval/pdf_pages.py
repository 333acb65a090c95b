"""Newspaper pages as PDF, with exact ground truth: what a perfect page reader would find.

    .venv/bin/python eval/pdf_pages.py --pages 60 --out /tmp/pdfpages     # page_NN.pdf + page_NN.json

Drawn with reportlab in the TrueType CJK fonts Debian ships (fonts-wqy-zenhei: 黑体-like, fonts-arphic-uming:
明体/宋体-like, fonts-arphic-ukai: 楷体), embedded as subsets with a Unicode map, as a publishing system does.
Texts are LCSTS PART_III posts (as in relayout.py; generated when needed, never stored). Two kinds of page:

- news pages: a header band (paper name, 版名, date with weekday, page number) over a rule, 3-8 articles in
  bands of blocks of varied width, each with a headline of 16-48 pt (some set vertically beside their columns),
  maybe a kicker (引题) above and a subtitle (副题) below, a byline (本报讯（记者 …）or a 记者 line), a photo with a
  caption, a jump line (下转第N版), rules or white space between blocks, a 简讯 column of unheaded briefs, and a
  footer line of editors' credits;
- feature pages like the seed: one title (the page title) on one or two lines, a lead set across the columns in a
  larger size, subsections with subheadings, photos with captions and a photo credit.

Everything is drawn in a shuffled order, so the file's content order is not the reading order. Page sizes,
column counts, fonts, sizes and leading vary from page to page.
"""

from __future__ import annotations

import argparse
import io
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from relayout import NAMES, ORGS, PLACES, THINGS, load_posts

FONTS = {
    "hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "song": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
}
PAGE_SIZES = [(842.0, 1191.0), (992.0, 1417.0), (595.0, 842.0), (760.0, 1100.0)]
PAPERS = ["江北日报", "宁波晚报", "三门日报", "东南商报", "余姚新闻"]
DESKS = ["要闻", "综合新闻", "区域经济", "社会民生", "城事", "江北新闻", "深度"]
WEEKDAYS = "一二三四五六日"
BRIEF_LABELS = ["简讯", "快讯", "新闻速览"]


@dataclass
class Truth:
    kind: str
    title: str | None
    sections: list[dict] = field(default_factory=list)  # headline, kicker, subtitle, byline, body (paragraphs)
    captions: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    missing = [path for path, _ in FONTS.values() if not Path(path).exists()]
    if missing:
        raise SystemExit(
            f"missing fonts {', '.join(missing)}: apt-get install fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai"
        )
    for name, (path, index) in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))


def _width(char: str, size: float, font: str = "song") -> float:
    """The glyph's advance, as the PDF will set it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _register()
    return stringWidth(char, font, size)


class Canvas:
    """Draw operations collected, then played in a shuffled order."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.ops: list[tuple] = []

    def text(self, x: float, top: float, chars: str, font: str, size: float, spacing: float = 0.0) -> float:
        """One line from ``top`` (the em box's top), each character placed on its own; returns its right edge."""
        for char in chars:
            self.ops.append(("char", x, top, char, font, size))
            x += _width(char, size, font) + spacing
        return x

    def vertical(self, x: float, top: float, chars: str, font: str, size: float) -> None:
        for i, char in enumerate(chars):
            self.ops.append(("char", x, top + i * size * 1.05, char, font, size))

    def rule(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.ops.append(("rule", x0, top, x1, bottom))

    def image(self, x0: float, top: float, w: float, h: float, seed: int) -> None:
        self.ops.append(("image", x0, top, w, h, seed))

    def save(self, rng: random.Random) -> bytes:
        from PIL import Image
        from reportlab.lib.utils import ImageReader
        from reportlab.pdfgen import canvas

        _register()
        out = io.BytesIO()
        c = canvas.Canvas(out, pagesize=(self.width, self.height), invariant=1)
        ops = list(self.ops)
        rng.shuffle(ops)
        for op in ops:
            if op[0] == "char":
                _, x, top, char, font, size = op
                c.setFont(font, size)
                c.drawString(x, self.height - top - 0.88 * size, char)
            elif op[0] == "rule":
                _, x0, top, x1, bottom = op
                c.rect(x0, self.height - bottom, x1 - x0, max(bottom - top, 0.5), stroke=0, fill=1)
            else:
                _, x0, top, w, h, seed = op
                shade = 90 + seed % 120
                picture = Image.new("RGB", (32, 24), (shade, 150, 200 - seed % 100))
                texture = random.Random(seed)  # light and dark patches, as a photo has
                for _ in range(120):
                    tone = texture.randrange(20, 250)
                    picture.putpixel((texture.randrange(32), texture.randrange(24)), (tone, tone, tone))
                c.drawImage(ImageReader(picture), x0, self.height - top - h, w, h)
        c.showPage()
        c.save()
        return out.getvalue()


def wrap(text: str, width: float, size: float, indent: float) -> list[str]:
    lines, line, used = [], "", indent
    for char in text:
        w = _width(char, size)
        if used + w > width + 0.01 and line:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += w
    if line:
        lines.append(line)
    return lines


@dataclass
class Style:
    body_font: str
    body_size: float
    leading: float
    gutter: float
    indent: bool

    @property
    def caption_font(self) -> str:
        """Captions are set apart from the body by their font."""
        return "hei" if self.body_font == "kai" else "kai"


def _set_lines(paragraphs: list[str], width: float, style: Style) -> list[tuple[str, bool, bool]]:
    """(line, first of its paragraph, last of its paragraph) for text set in a column ``width`` wide."""
    out = []
    for paragraph in paragraphs:
        indent = 2 * style.body_size if style.indent else 0.0
        lines = wrap(paragraph, width, style.body_size, indent)
        out += [(line, i == 0, i == len(lines) - 1) for i, line in enumerate(lines)]
    return out


def _columns(canvas: Canvas, x0: float, top: float, width: float, n: int, lines, style: Style) -> float:
    """Lines set in ``n`` balanced columns from (x0, top); returns the bottom."""
    col_w = (width - (n - 1) * style.gutter) / n
    per = -(-len(lines) // n)
    bottom = top
    for k in range(n):
        x = x0 + k * (col_w + style.gutter)
        for j, (line, first, last) in enumerate(lines[k * per : (k + 1) * per]):
            y = top + j * style.leading
            indent = 2 * style.body_size if first and style.indent else 0.0
            used = sum(_width(c, style.body_size, style.body_font) for c in line)
            spacing = 0.0 if last or len(line) < 2 else max(0.0, (col_w - indent - used) / (len(line) - 1))
            canvas.text(x + indent, y, line, style.body_font, style.body_size, min(spacing, style.body_size))
            bottom = max(bottom, y + style.body_size)
    return bottom


def _column_width(width: float, n: int, style: Style) -> float:
    return (width - (n - 1) * style.gutter) / n


def _body_height(paragraphs: list[str], width: float, n: int, style: Style) -> float:
    lines = _set_lines(paragraphs, _column_width(width, n, style), style)
    return -(-len(lines) // n) * style.leading


def _paragraphs(posts: list[dict], rng: random.Random, count: int) -> list[str]:
    return [rng.choice(posts)["text"] for _ in range(count)]


def _header(canvas: Canvas, rng: random.Random, margin: float, truth: Truth, number: int) -> float:
    paper, desk = rng.choice(PAPERS), rng.choice(DESKS)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = f"{rng.randint(2019, 2024)}年{month}月{day}日 星期{rng.choice(WEEKDAYS)}"
    page_no = rng.choice([f"第{number}版", f"A{number}", f"{number:02d}"])
    top = margin
    desk_size = rng.choice([18.0, 22.0, 26.0])
    canvas.text(margin, top, desk, "hei", desk_size, spacing=desk_size * 0.2)
    x = canvas.width - margin - sum(_width(c, 9) for c in date)
    canvas.text(x, top, date, "song", 9)
    canvas.text(x, top + 13, paper, "hei", 9)
    canvas.text(canvas.width - margin - sum(_width(c, 12) for c in page_no) - 90, top + 4, page_no, "hei", 12)
    bottom = top + desk_size + 6
    canvas.rule(margin, bottom, canvas.width - margin, bottom + 1.5)
    truth.title = desk
    truth.furniture += [date, paper, page_no]
    return bottom + 12


def _footer(canvas: Canvas, rng: random.Random, margin: float, truth: Truth) -> float:
    names = rng.sample(NAMES, 3)
    credit = f"责任编辑：{names[0]}　版式设计：{names[1]}　文字校对：{names[2]}"
    top = canvas.height - margin - 9
    canvas.rule(margin, top - 6, canvas.width - margin, top - 5.5)
    canvas.text(margin, top, credit, "song", 8)
    truth.furniture.append(credit)
    return top - 14


def _byline(rng: random.Random) -> str:
    a, b = rng.sample(NAMES, 2)
    return rng.choice([f"本报讯（记者 {a} 通讯员 {b}）", f"本报讯（记者 {a}）", f"记者 {a} 通讯员 {b}"])


def _article(canvas: Canvas, truth: Truth, *args) -> float | None:
    """One article (``_draw_article``'s arguments); None, and nothing drawn or recorded, when it has no room."""
    n_ops, n_captions, n_furniture = len(canvas.ops), len(truth.captions), len(truth.furniture)
    bottom = _draw_article(canvas, truth, *args)
    if bottom is None:
        del canvas.ops[n_ops:], truth.captions[n_captions:], truth.furniture[n_furniture:]
    return bottom


def _draw_article(
    canvas: Canvas,
    truth: Truth,
    rng: random.Random,
    posts: list[dict],
    style: Style,
    x0: float,
    top: float,
    width: float,
    limit: float,
    page_no: int,
) -> float | None:
    """One article in the box from (x0, top), ``width`` wide, above ``limit``; returns its bottom."""
    for _ in range(20):  # a headline that fits on at most two lines of at least 16 pt
        headline = rng.choice(posts)["headline"]
        if sum(_width(c, 16.0) for c in headline) <= 2 * width - 32:
            break
    else:
        return None
    n_cols = max(1, round(width / (style.body_size * rng.choice([11, 13, 15]))))
    vertical = rng.random() < 0.15 and len(headline) <= 12 and n_cols >= 2
    size = rng.choice([16.0, 20.0, 24.0, 28.0, 32.0, 40.0, 48.0])
    while sum(_width(c, size) for c in headline) > (width if size > 24 else 2 * width - 2 * size) and size > 16:
        size -= 4
    head_lines = wrap(headline, width, size, 0)
    section = {"headline": headline, "kicker": None, "subtitle": None, "byline": None, "body": []}
    y = top
    body_x0, body_w = x0, width
    if vertical:
        size = min(size, 28.0)
        canvas.vertical(x0 + width - size, top, headline, "hei", size)
        body_w = width - size - style.gutter * 1.5
        v_bottom = top + len(headline) * size * 1.05
    else:
        if rng.random() < 0.25:
            kicker = rng.choice(posts)["headline"][:14].rstrip("，、：,:")
            if sum(_width(c, 12) for c in kicker) <= width:
                canvas.text(x0, y, kicker, "song", 12)
                section["kicker"] = kicker
                y += 12 * 1.5
        font = rng.choice(["hei", "hei", "song"])
        for line in head_lines:
            canvas.text(x0, y, line, font, size)
            y += size * 1.2
        y += size * 0.1
        if rng.random() < 0.3:
            subtitle = "——" + rng.choice(posts)["headline"][:16].rstrip("，、：,:")
            if sum(_width(c, 13) for c in subtitle) <= width:
                canvas.text(x0, y, subtitle, "kai", 13)
                section["subtitle"] = subtitle
                y += 13 * 1.5
        y += style.body_size * 0.6
        v_bottom = y
    paragraphs = _paragraphs(posts, rng, rng.randint(1, 4))
    byline = _byline(rng)
    if byline.startswith("本报讯"):
        paragraphs[0] = byline + paragraphs[0]
    else:
        canvas.text(body_x0, y, byline, "kai", style.body_size)
        y += style.leading
    section["byline"] = byline
    drawn = list(paragraphs)
    if rng.random() < 0.2:
        jump = f"（下转第{page_no + rng.randint(1, 6)}版）"
        drawn[-1] += jump
        truth.furniture.append(jump)
    n_cols = max(1, min(n_cols, int(body_w // (style.body_size * 8))))
    # a photo over the first columns, with its caption under it
    if rng.random() < 0.35 and n_cols >= 2:
        img_cols = rng.randint(1, n_cols - 1)
        img_w = img_cols * _column_width(body_w, n_cols, style) + (img_cols - 1) * style.gutter
        img_h = img_w * rng.uniform(0.5, 0.75)
        caption = f"{rng.choice(PLACES)}{rng.choice(THINGS)}。{rng.choice(NAMES)} 摄"
        cap_lines = wrap(caption, img_w, style.body_size, 0)
        need = img_h + len(cap_lines) * style.leading + style.leading
        body_h = _body_height(paragraphs, body_w, n_cols, style)
        if y + max(need, body_h) + need > limit:
            return None
        canvas.image(body_x0, y, img_w, img_h, rng.randint(0, 1000))
        for j, line in enumerate(cap_lines):
            canvas.text(body_x0, y + img_h + 4 + j * style.leading, line, style.caption_font, style.body_size)
        truth.captions.append(caption)
        y += need
    body_h = _body_height(paragraphs, body_w, n_cols, style)
    if max(y + body_h, v_bottom) > limit:
        return None
    lines = _set_lines(drawn, _column_width(body_w, n_cols, style), style)
    bottom = _columns(canvas, body_x0, y, body_w, n_cols, lines, style)
    section["body"] = paragraphs
    truth.sections.append(section)
    return max(bottom, v_bottom)


def _briefs(canvas, rng, posts, style, x0, top, width, limit, truth) -> float | None:
    label = rng.choice(BRIEF_LABELS)
    canvas.text(x0, top, label, "hei", 16.0, spacing=4)
    y = top + 16 * 1.6
    briefs = []
    for _ in range(rng.randint(2, 4)):
        text = "本报讯" + rng.choice(posts)["text"] + f"（{rng.choice(NAMES)}）"
        lines = _set_lines([text], width, style)
        if y + len(lines) * style.leading > limit:
            break
        y = _columns(canvas, x0, y, width, 1, lines, style) + style.leading * 0.5
        briefs.append(text)
    if not briefs:
        return None
    truth.sections += [
        {"headline": None, "kicker": None, "subtitle": None, "byline": None, "body": [b]} for b in briefs
    ]
    truth.furniture.append(label)
    return y


def news_page(posts: list[dict], rng: random.Random, number: int) -> tuple[bytes, Truth]:
    width, height = rng.choice(PAGE_SIZES)
    canvas = Canvas(width, height)
    truth = Truth("news", None)
    margin = rng.choice([28.0, 36.0, 42.0])
    style = Style(rng.choice(["song", "song", "kai"]), rng.choice([8.0, 8.5, 9.0, 9.5]), 0, 0, rng.random() < 0.85)
    style.leading = style.body_size * rng.uniform(1.45, 1.75)
    style.gutter = style.body_size * rng.uniform(1.2, 1.8)
    top = _header(canvas, rng, margin, truth, number)
    limit = _footer(canvas, rng, margin, truth)
    inner = width - 2 * margin
    brief_col = rng.random() < 0.5
    if brief_col:
        brief_w = inner * 0.2
        _briefs(canvas, rng, posts, style, width - margin - brief_w, top, brief_w, limit, truth)
        canvas.rule(
            width - margin - brief_w - style.gutter / 2, top, width - margin - brief_w - style.gutter / 2 + 0.5, limit
        )
        inner -= brief_w + style.gutter
    y = top
    while y < limit - 80 and len(truth.sections) < 12:
        shares = rng.choice([[1.0], [0.5, 0.5], [0.62, 0.38], [0.38, 0.62], [0.34, 0.33, 0.33]])
        x, bottoms = margin, []
        for share in shares:
            w = inner * share - (style.gutter if share < 1 else 0)
            bottom = _article(canvas, truth, rng, posts, style, x, y, w, limit, number)
            if bottom is not None:
                bottoms.append(bottom)
                if share < 1 and x + w + style.gutter < margin + inner - 1 and rng.random() < 0.6:
                    canvas.rule(x + w + style.gutter / 2, y, x + w + style.gutter / 2 + 0.5, bottom)
            x += w + style.gutter
        if not bottoms:
            break
        y = max(bottoms) + style.leading
        if rng.random() < 0.6:
            canvas.rule(margin, y - style.leading / 2, margin + inner, y - style.leading / 2 + 0.6)
        y += style.leading * rng.choice([0.5, 1.0])
    return canvas.save(rng), truth


def feature_page(posts: list[dict], rng: random.Random, number: int) -> tuple[bytes, Truth]:
    width, height = rng.choice(PAGE_SIZES)
    canvas = Canvas(width, height)
    margin = rng.choice([30.0, 40.0])
    style = Style(rng.choice(["song", "song", "kai"]), rng.choice([8.5, 9.0, 10.0]), 0, 0, True)
    style.leading = style.body_size * rng.uniform(1.5, 1.75)
    style.gutter = style.body_size * rng.uniform(1.2, 1.8)
    inner = width - 2 * margin
    head = rng.sample(posts, 2)
    title = head[0]["headline"] if rng.random() < 0.6 else head[0]["headline"][:10] + head[1]["headline"][:10]
    title = title.strip("，、：,:")
    truth = Truth("feature", title)
    size = 40.0
    while sum(_width(c, size) for c in title) > inner * (1.8 if len(title) > 14 else 1.0) and size > 20:
        size -= 4
    y = margin
    if sum(_width(c, size) for c in title) > inner:  # two lines
        half = len(title) // 2
        canvas.text(margin, y, title[:half], "hei", size)
        y += size * 1.25
        canvas.text(margin, y, title[half:], "hei", size)
    else:
        canvas.text(margin + (inner - sum(_width(c, size) for c in title)) / 2, y, title, "hei", size)
    y += size * 1.5
    names = rng.sample(NAMES, 3)
    limit = height - margin - 20
    canvas.text(margin, limit + 8, f"责任编辑：{names[0]}　美术编辑：{names[1]}", "song", 8)
    truth.furniture.append(f"责任编辑：{names[0]}　美术编辑：{names[1]}")
    lead_style = Style("hei" if rng.random() < 0.5 else style.body_font, style.body_size * 1.25, 0, 0, True)
    lead_style.leading, lead_style.gutter = lead_style.body_size * 1.6, style.gutter
    lead = _paragraphs(posts, rng, rng.randint(1, 2))
    y = _columns(canvas, margin, y, inner, 1, _set_lines(lead, inner, lead_style), lead_style) + style.leading * 1.5
    truth.sections.append({"headline": None, "kicker": None, "subtitle": None, "byline": None, "body": lead})
    n_cols = rng.choice([3, 4, 5]) if width > 700 else rng.choice([2, 3])
    sub_size = min(style.body_size * rng.choice([1.5, 1.8, 2.2]), size / 1.5)
    credit_done = False
    while True:
        post = rng.choice(posts)
        heading = post["headline"]
        if sum(_width(c, sub_size) for c in heading) > inner:
            continue
        paragraphs = _paragraphs(posts, rng, rng.randint(2, 4))
        need = sub_size * 1.6 + _body_height(paragraphs, inner, n_cols, style)
        photo = rng.random() < 0.3
        if y + need + (inner * 0.3 if photo else 0) > limit:
            break
        canvas.text(margin, y, heading, "hei", sub_size)
        y += sub_size * 1.6
        if photo:
            img_w = inner * 0.5
            canvas.image(margin, y, img_w, img_w * 0.5, rng.randint(0, 1000))
            caption = f"{rng.choice(PLACES)}{rng.choice(THINGS)}。"
            canvas.text(
                margin + img_w + style.gutter,
                y + img_w * 0.5 - style.body_size,
                caption,
                style.caption_font,
                style.body_size,
            )
            truth.captions.append(caption)
            if not credit_done:
                credit = f"供图 {rng.choice(ORGS)}"
                canvas.text(
                    margin + img_w + style.gutter,
                    y + img_w * 0.5 - style.body_size - style.leading,
                    credit,
                    style.caption_font,
                    style.body_size,
                )
                truth.furniture.append(credit)
                credit_done = True
            y += img_w * 0.5 + style.leading
        y = (
            _columns(
                canvas,
                margin,
                y,
                inner,
                n_cols,
                _set_lines(paragraphs, _column_width(inner, n_cols, style), style),
                style,
            )
            + style.leading * 1.2
        )
        truth.sections.append(
            {"headline": heading, "kicker": None, "subtitle": None, "byline": None, "body": paragraphs}
        )
    return canvas.save(rng), truth


def build_corpus(n: int, seed: int = 20261201) -> list[tuple[bytes, Truth]]:
    """``n`` pages, about two news pages to each feature page, from the posts every font can draw (a glyph a
    font lacks would be missing from the page but not from the truth)."""
    from reportlab.pdfbase import pdfmetrics

    _register()
    drawable = set.intersection(*(set(pdfmetrics.getFont(name).face.charToGlyph) for name in FONTS))
    posts = [p for p in load_posts() if all(ord(c) in drawable for c in p["headline"] + p["text"])]
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        make = feature_page if i % 3 == 2 else news_page
        pages.append(make(posts, random.Random(rng.random()), i % 8 + 1))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for i, (data, truth) in enumerate(build_corpus(args.pages, args.seed)):
        (args.out / f"page_{i:02d}.pdf").write_bytes(data)
        (args.out / f"page_{i:02d}.json").write_text(json.dumps(asdict(truth), ensure_ascii=False, indent=1))
    print(f"wrote {args.pages} pages to {args.out}")


if __name__ == "__main__":
    main()
