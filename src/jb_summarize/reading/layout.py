"""Layout analysis: a page of positioned text lines (from a PDF's characters, or OCR) into articles.

Every decision is made from positions, sizes, fonts, rules and images, never from the order a file stores its
text in, and each one is kept with the cue that made it (``PageLayout.blocks``, shown by ``--explain``):

1. The *body size* is the size most characters on the page are set in; lines much larger are display lines
   (headlines, titles), lines a little larger or bold are minor display lines (kickers, subtitles, subheadings).
2. *Furniture* is kept out of the articles: the header band above the first rule across the page (masthead,
   版名, date, page number), the footer band under the last one, editors' lines (责任编辑：…) anywhere, and jump
   lines (下转第3版).
3. *Captions* are the lines right under an image (or beside it, in another font than the body's).
4. Text lines are joined into *blocks*: lines set one under another at one size, at the line spacing of their
   column, with no rule between them.
5. Display lines next to each other form *headline groups*: the largest lines are the headline, smaller ones
   above it the kicker (引题), below it the subtitle (副题). Lines stacked vertically are a vertical headline.
6. Each block belongs to the nearest headline group above it that it lies under (or to a vertical headline
   beside it), unless a rule separates them; a block under none is an unheaded item (a brief). A column
   label (简讯, 快讯) heads nothing: the briefs under it are items of their own.
7. A page whose largest headline spans the page above all the rest, over subheadings of one size, is a
   *feature page*: its headline is the page title, the text before the first subheading is the lead, and each
   subheading heads a section. Otherwise the page title is the largest line of the header band (the 版名).
8. Inside an article, blocks are read in bands (split by anything set wider than a column), column by column
   left to right, each top to bottom; paragraphs start at indented lines and after short lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..text import clean_line, join_lines
from .page import Box, Page, TextLine

__all__ = ["LayoutBlock", "LayoutParams", "PageLayout", "analyse_page"]


@dataclass(frozen=True)
class LayoutParams:
    """The layout analysis's few tunable numbers (sizes are in units of the page's body size).

    - ``headline_ratio``: lines at least this much larger than the body are headlines or titles;
    - ``minor_ratio``: lines at least this much larger (or bold at body size) are kickers, subtitles or subheadings;
    - ``line_gap``: a line belongs to the block above it when the gap between them is at most this many sizes;
    - ``indent``: a line starting this many sizes right of its block's left edge opens a paragraph;
    - ``short_line``: a line ending this many sizes short of its block's right edge closes its paragraph;
    - ``band``: furniture bands: a rule across the page within this share of the page's top or bottom;
    - ``caption_gap``: a caption starts within this many sizes of its image;
    - ``size_tolerance``: lines of one block differ in size by at most this share (OCR measures sizes roughly).
    """

    headline_ratio: float = 1.45
    minor_ratio: float = 1.15
    line_gap: float = 1.3
    indent: float = 1.2
    short_line: float = 1.5
    band: float = 0.15
    caption_gap: float = 2.0
    size_tolerance: float = 0.12

    @classmethod
    def for_ocr(cls) -> LayoutParams:
        """The defaults for OCR pages: a line's size is measured from its box, to within a fifth, so sizes
        must differ more to mean another role."""
        return cls(headline_ratio=1.6, minor_ratio=1.3, size_tolerance=0.25)


@dataclass
class LayoutBlock:
    """Lines that the analysis treats as one thing, with its role and the cue that decided it."""

    role: str  # header, footer, furniture, jump, title, headline, kicker, subtitle, subheading, label,
    # byline, body, lead, caption, credit, ad
    lines: list[TextLine]
    cue: str = ""
    section: int | None = None  # the section it belongs to

    @property
    def box(self) -> Box:
        return Box.around([line.box for line in self.lines])

    @property
    def size(self) -> float:
        return max(line.size for line in self.lines)

    @property
    def text(self) -> str:
        return join_lines(clean_line(line.text, keep_word_spaces=True) for line in self.lines)


@dataclass
class LayoutSection:
    headline: str | None
    kicker: str | None
    subtitle: str | None
    byline: str | None
    paragraphs: list[str]
    box: Box | None
    blocks: list[LayoutBlock] = field(default_factory=list)


@dataclass
class PageLayout:
    """What the analysis found on one page."""

    page: Page
    body_size: float
    kind: str  # "news" or "feature"
    title: str | None
    sections: list[LayoutSection]
    blocks: list[LayoutBlock]
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)


_EDITORS = re.compile(
    r"^(?:本版)?(?:责任编辑|责编|编辑|美术编辑|美编|版式设计|版式|设计|文字校对|校对|组版|审读|照排|制图|统筹)\s*[：:]"
)
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|星期[一二三四五六日天]|农历")
_PAGE_NO = re.compile(r"^(?:第\s*\d+\s*版|[A-Z]?\d{1,3}|[A-Z]\d{1,3}\s*版?)$")
_JUMP = re.compile(r"[（(]?\s*(?:下转|上接|转第|接第|转下版|接上版|转\s*[A-Z]?\d+\s*版)[^（()）]{0,12}[）)]?")
_ROLE_WORD = r"(?:本报记者|特约记者|见习记者|记者|通讯员|实习生|本报特派记者)"
_BYLINE_LINE = re.compile(
    rf"^[□■◎●]?\s*{_ROLE_WORD}[\s：:]*[\u4e00-\u9fff·]{{2,4}}(?:[\s、]*(?:{_ROLE_WORD}[\s：:]*)?[\u4e00-\u9fff·]{{2,4}}){{0,3}}\s*$"
)
_INLINE_BYLINE = re.compile(r"^(?:本报讯|本报[^\s，。]{1,8}电|新华社[^\s，。]{1,8}电)\s*(?:[（(][^（）()]{1,40}[）)])?")
_CREDIT = re.compile(r"(?:供图|摄影|摄|图片提供|制图)\s*$|^(?:供图|摄影|图)\s*[：:]?\s*\S")
_LABELS = ("简讯", "快讯", "短讯", "新闻速览", "速览", "资讯", "新闻快递", "要闻简报")
# An ad is told apart only where the page labels it so (广告): what such a label heads is kept out of the text.
_AD_LABELS = ("广告", "广告专版", "分类广告")
_SENTENCE_MARK = re.compile("[。；;]")  # no headline holds one
_SENTENCE = re.compile("[。；;]|[，、：,:]$")  # nor ends open
_CAPTION_WORD = re.compile(r"^(?:图为|图片为|图：|图:|上图|下图|左图|右图|航拍|▲|△)")


def _opens_with_byline(text: str) -> bool:
    """A line that is a reporter's line (记者 王晓燕) or opens with 本报讯（记者…）."""
    match = _INLINE_BYLINE.match(text)
    return bool(_BYLINE_LINE.match(text) or (match and match.group(0)))


def _is_date_line(text: str) -> bool:
    """A line that is mostly a date (2022年5月19日 星期四), not a sentence that names a weekday."""
    found = _DATE.findall(text)
    return bool(found) and sum(len(f) for f in found) * 2 >= len(text) - 4 and not re.search("[，。；、：,]", text)


def _body_size(lines: Sequence[TextLine]) -> float:
    counts: Counter[float] = Counter()
    for line in lines:
        counts[round(line.size * 2) / 2] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def _long_rules(page: Page) -> list[Box]:
    return [r for r in page.rules if r.height <= 3 and r.width >= 0.5 * page.width]


def _furniture(
    page: Page, lines: list[TextLine], params: LayoutParams
) -> tuple[dict[int, tuple[str, str]], float, float]:
    """Roles of header, footer and editor lines (by id), and the content area's top and bottom."""
    roles: dict[int, tuple[str, str]] = {}
    rules = _long_rules(page)
    top_rules = [r for r in rules if r.bottom <= params.band * page.height]
    bottom_rules = [r for r in rules if r.top >= (1 - params.band) * page.height]
    head = min((r.bottom for r in top_rules), default=0.0)  # the first rule from the top closes the header
    foot = max((r.top for r in bottom_rules), default=page.height)
    for line in lines:
        text = clean_line(line.text)
        if head and line.box.bottom <= head + 1:
            roles[id(line)] = ("header", "above the rule that closes the header band")
        elif foot < page.height and line.box.top >= foot - 1:
            roles[id(line)] = ("footer", "under the rule that opens the footer band")
        elif _EDITORS.match(text):
            roles[id(line)] = ("furniture", "an editors' line (责任编辑：…)")
        elif (
            (_is_date_line(text) or _PAGE_NO.match(text))
            and (line.box.bottom <= params.band * page.height or line.box.top >= (1 - params.band) * page.height)
            and len(text) <= 30
        ):
            roles[id(line)] = ("header" if line.box.top < page.height / 2 else "footer", "a date or page number")
        elif _JUMP.fullmatch(text):
            roles[id(line)] = ("jump", "a jump line (下转第N版)")
    return roles, head, foot


MAX_CAPTION_LINES = 4
_CREDIT_END = re.compile(r"(?<!拍)(?:供图|摄影|摄|图片提供|制图)\s*$")


def _credited_lines(run: list[TextLine]) -> int:
    """How many of the first lines of ``run`` read together as a caption ending in a photo credit
    (...。张明 摄 / 供图 区委宣传部): what a page read without fonts tells a caption by (0: none)."""
    text = ""
    for count, line in enumerate(run, start=1):
        text += clean_line(line.text)
        if _CREDIT_END.search(text) or (count > 1 and _CREDIT.match(clean_line(line.text))):
            return count
    return 0


def _captions(
    page: Page, lines: list[TextLine], body_size: float, body_font: str, params: LayoutParams
) -> dict[int, tuple[str, str]]:
    """Lines right under an image, or beside it, set apart from the body (another font or size, or a caption
    word): the image's caption."""
    roles: dict[int, tuple[str, str]] = {}

    def set_apart(line: TextLine) -> bool:
        text = clean_line(line.text)
        return (
            line.font != body_font
            or abs(line.size - body_size) > 0.05 * body_size
            or bool(_CAPTION_WORD.match(text) or _CREDIT.search(text))
        )

    small = [x for x in lines if not x.vertical and x.size <= params.minor_ratio * body_size]
    for image in page.images:
        under = [x for x in small if image.bottom - 2 <= x.box.top and x.box.x_overlap(image) >= 0.5 * x.box.width]
        under.sort(key=lambda x: x.box.top)
        run, last = [], image.bottom  # the lines set close one under another right under the image
        for line in under:
            if line.box.top - last > params.caption_gap * line.size:
                break
            if line.box.x0 < image.x0 - line.size or line.box.x1 > image.x1 + line.size:
                break
            run.append(line)
            last = line.box.bottom
        credited = _credited_lines(run[:MAX_CAPTION_LINES])
        if credited:  # a credit ends a caption
            for line in run[:credited]:
                roles[id(line)] = ("caption", "right under an image, its lines end in a photo credit")
        else:
            # a caption has its row under the image to itself: a line with another beside it under the same
            # image is the first row of body columns
            alone = {
                id(x) for x in run if not any(o is not x and o.box.y_overlap(x.box) > 0.5 * x.box.height for o in under)
            }
            for line in run:
                if id(line) not in alone or not set_apart(line):
                    break
                roles[id(line)] = ("caption", "right under an image, set apart from the body")
        beside = [
            x
            for x in small
            if ((0 <= x.box.x0 - image.x1 <= 3 * x.size) or (0 <= image.x0 - x.box.x1 <= 3 * x.size))
            and x.box.y_overlap(image) >= 0.8 * x.box.height
        ]
        # beside an image: its caption is in another font, or a few short lines with a photo credit among them
        with_credit = len(beside) <= MAX_CAPTION_LINES and any(
            _CREDIT_END.search(t) or _CREDIT.match(t) for t in (clean_line(x.text) for x in beside)
        )
        for line in beside:
            if line.font != body_font:
                roles[id(line)] = ("caption", "beside an image, in another font than the body's")
            elif with_credit:
                roles[id(line)] = ("caption", "beside an image, with a photo credit among its lines")
    for line in lines:
        text = clean_line(line.text)
        if id(line) in roles and _CREDIT.search(text) and 4 <= len(text) <= 12 and "。" not in text:
            roles[id(line)] = ("credit", roles[id(line)][1] + "; a photo credit")
    return roles


def _separated(a: Box, b: Box, rules: Sequence[Box], vertical_gap: bool) -> bool:
    """A rule between ``a`` (above, or right) and ``b`` across their shared extent."""
    for rule in rules:
        if vertical_gap:  # a above b: a horizontal rule between them under both
            if rule.height <= 3 and a.bottom - 1 <= rule.cy <= b.top + 1 and rule.x_overlap(b) >= 0.5 * b.width:
                return True
        elif rule.width <= 3 and b.x1 - 1 <= rule.cx <= a.x0 + 1 and rule.y_overlap(b) >= 0.5 * b.height:
            return True
    return False


def _blocks(lines: list[TextLine], rules: Sequence[Box], params: LayoutParams) -> list[list[TextLine]]:
    """Lines set one under another at one size and spacing, with nothing between them."""
    blocks: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda x: (x.box.top, x.box.x0)):
        best, best_gap = None, None
        for block in blocks:
            last = block[-1]
            gap = line.box.top - last.box.bottom
            if not (-0.2 * line.size <= gap <= params.line_gap * line.size):
                continue
            if abs(last.size - line.size) > params.size_tolerance * line.size or last.vertical or line.vertical:
                continue
            span = Box.around([x.box for x in block[-3:]])  # a short last line and an indented next one
            if line.box.x_overlap(span) < 0.5 * min(line.box.width, span.width):
                continue
            if len(block) >= 2:  # keep the block's spacing: a paragraph's gap, not a wider one
                usual = block[-1].box.top - block[-2].box.bottom
                if gap > usual + 0.5 * line.size:
                    continue
            if _separated(last.box, line.box, rules, vertical_gap=True):
                continue
            if best_gap is None or gap < best_gap:
                best, best_gap = block, gap
        if best is None:
            blocks.append([line])
        else:
            best.append(line)
    return blocks


def _groups(lines: list[TextLine]) -> list[list[TextLine]]:
    """Display lines next to each other, one under another: one headline group each."""
    groups: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda x: (x.box.top, x.box.x0)):
        if line.vertical:
            groups.append([line])
            continue
        for group in groups:
            last = group[-1]
            if last.vertical:
                continue
            gap = line.box.top - last.box.bottom
            size = max(line.size, last.size)
            if -0.2 * size <= gap <= 0.9 * size and line.box.x_overlap(Box.around([g.box for g in group])) > 0:
                group.append(line)
                break
        else:
            groups.append([line])
    return groups


def _reading_order(boxes: list[Box], column: float, cuts: Sequence[int] = ()) -> list[int]:
    """Indices of ``boxes`` in reading order: bands split by boxes wider than a column and a half that have
    nothing beside them (and by the boxes ``cuts`` names), column by column inside each band (left to right),
    top to bottom in each column."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i].top)

    def alone(i: int) -> bool:
        b = boxes[i]
        return not any(
            k != i and b.x_overlap(o) <= 0 and b.y_overlap(o) > 0.5 * min(b.height, o.height)
            for k, o in enumerate(boxes)
        )

    wide = [i for i in order if (boxes[i].width > 1.5 * column and alone(i)) or i in cuts]
    out: list[int] = []
    narrow = [i for i in order if i not in wide]
    cuts = [boxes[i].top for i in wide] + [float("inf")]
    start = float("-inf")
    for k, cut in enumerate(cuts):
        band = [i for i in narrow if start <= boxes[i].top < cut]
        out += _column_major(band, boxes)
        if k < len(wide):
            out.append(wide[k])
            start = boxes[wide[k]].top
    return out


def _xy_order(boxes: list[Box], indices: list[int]) -> list[int]:
    """Articles in reading order by recursive cuts: across the page where no article runs past (top part
    first), else down the page where none does (left part first); what cannot be cut goes top to bottom."""
    if len(indices) <= 1:
        return list(indices)
    for axis in ("y", "x"):
        lo = (lambda b: b.top) if axis == "y" else (lambda b: b.x0)
        hi = (lambda b: b.bottom) if axis == "y" else (lambda b: b.x1)
        ordered = sorted(indices, key=lambda i: lo(boxes[i]))
        reach = hi(boxes[ordered[0]])
        for k in range(1, len(ordered)):
            if lo(boxes[ordered[k]]) >= reach - 2:  # a gap (or a shared edge) nothing runs across
                return _xy_order(boxes, ordered[:k]) + _xy_order(boxes, ordered[k:])
            reach = max(reach, hi(boxes[ordered[k]]))
    return sorted(indices, key=lambda i: (boxes[i].top, boxes[i].x0))


def _column_major(indices: list[int], boxes: list[Box]) -> list[int]:
    """Columns (boxes over one another, overlapping by half the narrower) left to right, each top to bottom."""
    columns: list[list[int]] = []
    for i in sorted(indices, key=lambda i: boxes[i].x0):
        box = boxes[i]
        for column in columns:
            span = Box.around([boxes[k] for k in column])
            if box.x_overlap(span) >= 0.5 * min(box.width, span.width):
                column.append(i)
                break
        else:
            columns.append([i])
    columns.sort(key=lambda c: min(boxes[k].x0 for k in c))
    return [i for column in columns for i in sorted(column, key=lambda k: boxes[k].top)]


def _paragraphs(blocks: Sequence[LayoutBlock], params: LayoutParams) -> list[str]:
    """Paragraphs from blocks in reading order: a paragraph opens at an indented line or after a short line,
    and runs on from one column into the next."""
    paragraphs: list[list[str]] = []
    open_paragraph = False
    for block in blocks:
        box = block.box
        for line in block.lines:
            text = clean_line(line.text, keep_word_spaces=True)
            if not text:
                continue
            indented = line.box.x0 - box.x0 >= params.indent * line.size
            if not open_paragraph or indented:
                paragraphs.append([])
            paragraphs[-1].append(text)
            short = line.box.x1 < box.x1 - params.short_line * line.size
            open_paragraph = not short
    return [p for p in (_JUMP.sub("", join_lines(parts)).strip() for parts in paragraphs) if p]


@dataclass
class _Page:
    """What the analysis of one page has found so far."""

    page: Page
    params: LayoutParams
    body_size: float
    body_font: str
    body_bold: bool
    blocks: list[LayoutBlock] = field(default_factory=list)  # every block, whatever its role

    def display(self, line: TextLine) -> bool:
        """Set larger (or bold) than the body, short, and holding no sentence: a headline's kind of line."""
        if line.vertical:
            return line.size >= 1.2 * self.body_size
        text = clean_line(line.text)
        if len(text) > 40 or _SENTENCE_MARK.search(text):
            return False
        return line.size >= self.params.minor_ratio * self.body_size or (
            line.bold and not self.body_bold and line.size >= self.body_size
        )


NEAR_HEADLINE_RATIO = 1.12


def _beside_headlines(lines: list[TextLine], body_size: float, params: LayoutParams) -> set[int]:
    """Lines a little larger than the body (``NEAR_HEADLINE_RATIO``, under ``minor_ratio``) set right above or
    under a headline and apart from the text on their other side: a kicker or a subtitle on a page whose sizes
    are measured from the ink (OCR), where a kicker at 1.2x the body is within the sizes' noise."""
    heads = [x for x in lines if not x.vertical and x.size >= params.headline_ratio * body_size]
    found: set[int] = set()
    for line in lines:
        text = clean_line(line.text)
        if (
            line.vertical
            or not NEAR_HEADLINE_RATIO * body_size <= line.size < params.minor_ratio * body_size
            or len(text) > 40
            or _SENTENCE.search(text)
        ):
            continue
        column = [
            o for o in lines if o is not line and o.box.x_overlap(line.box) >= 0.3 * min(o.box.width, line.box.width)
        ]
        for head in heads:
            if line.box.x_overlap(head.box) < 0.5 * min(line.box.width, head.box.width):
                continue
            if -0.2 * line.size <= head.box.top - line.box.bottom <= line.size:  # a kicker?
                far = [line.box.top - o.box.bottom for o in column if o.box.bottom <= line.box.top + 0.2 * line.size]
            elif -0.2 * line.size <= line.box.top - head.box.bottom <= line.size:  # a subtitle?
                far = [o.box.top - line.box.bottom for o in column if o.box.top >= line.box.bottom - 0.2 * line.size]
            else:
                continue
            if min(far, default=body_size) >= body_size:
                found.add(id(line))
                break
    return found


def _text_runs(state: _Page, shown: list[TextLine], plain: list[TextLine]) -> list[TextLine]:
    """The display lines that are text after all: a line a little larger than the body right over or under text
    of its own size (a lead set larger). Returns the lines that stay display lines."""
    params, plain = state.params, list(plain)
    moved: set[int] = set()
    changed = True
    while changed:
        changed = False
        for line in shown:
            if line.vertical or line.size >= params.headline_ratio * state.body_size or id(line) in moved:
                continue
            for other in plain:
                gap = max(line.box.top - other.box.bottom, other.box.top - line.box.bottom)
                if (
                    abs(other.size - line.size) <= 0.05 * line.size
                    and -0.2 * line.size <= gap <= params.line_gap * line.size
                    and line.box.x_overlap(other.box) >= 0.5 * min(line.box.width, other.box.width)
                ):
                    plain.append(line)
                    moved.add(id(line))
                    changed = True
                    break
    return [line for line in shown if id(line) not in moved]


def _headlines(
    state: _Page, groups: list[list[TextLine]]
) -> tuple[list[LayoutBlock], dict[int, dict[str, LayoutBlock]]]:
    """One block per headline group (its largest lines), and each one's kicker and subtitle."""
    heads: list[LayoutBlock] = []
    extras: dict[int, dict[str, LayoutBlock]] = {}
    for group in groups:
        top_size = max(x.size for x in group)
        main = [x for x in group if x.size >= top_size * 0.9]
        first, last = group.index(main[0]), group.index(main[-1])
        level = "headline" if top_size >= state.params.headline_ratio * state.body_size else "subheading"
        cue = f"{top_size / state.body_size:.1f}x the body size" if not group[0].vertical else "set vertically"
        block = LayoutBlock(level, main, cue)
        if block.text.replace(" ", "") in _LABELS:
            block.role, block.cue = "label", "a column label (简讯): the items under it have no headlines"
        elif block.text.replace(" ", "") in _AD_LABELS:
            block.role, block.cue = "label", "an ad label (广告): what it heads is an ad"
        parts = {}
        if first > 0:
            parts["kicker"] = LayoutBlock("kicker", group[:first], "smaller, right above a headline")
        if last < len(group) - 1:
            parts["subtitle"] = LayoutBlock("subtitle", group[last + 1 :], "smaller, right under a headline")
        heads.append(block)
        extras[id(block)] = parts
        state.blocks += parts.values()
    return heads, extras


def _is_feature(heads: list[LayoutBlock], extras: dict[int, dict[str, LayoutBlock]], text: list[LayoutBlock]) -> bool:
    """One headline over the whole page (no text above it), at least 1.3 times larger than two or more
    subheadings of one size without kickers or subtitles: a feature page."""
    ranked = sorted(heads, key=lambda h: -h.size)
    if not ranked or ranked[0].role != "headline":
        return False
    top, others = ranked[0], [h for h in ranked[1:] if h.role != "label"]
    content = Box.around([b.box for b in text] + [h.box for h in heads])
    # news items open with bylines (本报讯（记者…）, 记者 王晓燕); a feature's subsections do not
    bylines = sum(_opens_with_byline(clean_line(b.lines[0].text, keep_word_spaces=True)) for b in text if b.lines)
    return (
        bylines < 2
        and top.box.width >= 0.45 * content.width
        and all(top.box.bottom <= b.box.top + 1 for b in text)
        and len(others) >= 1
        and all(top.size >= 1.3 * h.size for h in others)
        and max(h.size for h in others) <= 1.1 * min(h.size for h in others)
        and not any(extras[id(h)] for h in others)
    )


def _owner(state: _Page, owners: list[LayoutBlock], box: Box) -> LayoutBlock | None:
    """The headline a block of text belongs to: the nearest one above it that it lies under, or a vertical
    headline beside it (on its right), with no rule between them."""
    tol = 0.5 * state.body_size
    best, best_key = None, None
    for h in owners:
        hb = h.box
        if h.lines[0].vertical:  # its article lies on its left, from its top down (under a photo, too)
            ok = hb.top <= box.top + tol and hb.x0 >= box.x1 - tol
            ok = ok and not _separated(hb, box, state.page.rules, vertical_gap=False)
            top_edge = Box(box.x0, hb.top, box.x1, hb.top)
            ok = ok and not _separated(top_edge, box, state.page.rules, vertical_gap=True)
            key = hb.top
        else:
            ok = hb.bottom <= box.top + tol and box.x_overlap(hb) >= 0.3 * min(box.width, hb.width)
            ok = ok and not _separated(hb, box, state.page.rules, vertical_gap=True)
            key = hb.bottom
        if ok and (best_key is None or key > best_key):
            best, best_key = h, key
    return best


def _feature_sections(state: _Page, owners: list[LayoutBlock], text: list[LayoutBlock], column: float) -> list:
    """A feature page read in order: the text before the first subheading is the lead, each subheading heads
    the text after it."""
    items = text + owners
    # a subheading cuts the page into bands when it spans columns, or when no text runs past it beside it
    cuts = [
        len(text) + k
        for k, h in enumerate(owners)
        if h.box.width > 1.05 * column or not any(b.box.top < h.box.top and b.box.bottom > h.box.bottom for b in text)
    ]
    units: list[tuple[LayoutBlock | None, list[LayoutBlock]]] = [(None, [])]
    for i in _reading_order([b.box for b in items], column, cuts):
        item = items[i]
        if item in owners:
            if item.role != "label":
                units.append((item, []))
        else:
            units[-1][1].append(item)
    for block in units[0][1]:
        block.role, block.cue = "lead", block.cue + "; before the first subheading: the lead"
    return [_section(state, head, members, {}) for head, members in units]


def _news_sections(
    state: _Page, owners: list[LayoutBlock], extras: dict, text: list[LayoutBlock], column: float
) -> list:
    """Articles: each headline with the blocks it heads, read column by column; blocks under no headline (or
    under a column label) are items of their own, a paragraph each."""
    owner_of = {id(b): _owner(state, owners, b.box) for b in text}
    _continue_columns(text, owner_of, state.page.rules, state.body_size)
    assigned: dict[int, list[LayoutBlock]] = {}
    units: list[tuple[LayoutBlock | None, list[LayoutBlock]]] = []
    for b in text:
        owner = owner_of[id(b)]
        if owner is not None and owner.text.replace(" ", "") in _AD_LABELS:
            b.role, b.cue = "ad", b.cue + "; under an ad label"
        elif owner is None or owner.role == "label":
            b.cue += "; under a column label: items without headlines" if owner else "; under no headline"
            units += [(None, [part]) for part in _split_paragraphs(b, state.params)]
        else:
            assigned.setdefault(id(owner), []).append(b)
    for h in owners:
        if h.role != "label" and id(h) in assigned:
            units.append((h, assigned[id(h)]))
        elif h.role != "label":
            h.role, h.cue = "caption", h.cue + "; heads no text"
    boxes = [Box.around([b.box for b in ([h] if h else []) + members]) for h, members in units]
    sections = []
    for i in _xy_order(boxes, list(range(len(boxes)))):
        head, members = units[i]
        members = [members[k] for k in _reading_order([m.box for m in members], column)]
        sections.append(_section(state, head, members, extras.get(id(head), {}) if head else {}))
    return sections


def analyse_page(page: Page, params: LayoutParams | None = None) -> PageLayout:
    """The page's articles, title, captions and furniture, each decision kept with its cue. Pages read by
    OCR (lines with a confidence) get ``LayoutParams.for_ocr()`` unless ``params`` is given."""
    if params is None:
        by_ocr = any(line.confidence is not None for line in page.lines)
        params = LayoutParams.for_ocr() if by_ocr else LayoutParams()
    lines = [line for line in page.lines if line.text.strip()]
    body_size = _body_size(lines)
    body_fonts = Counter(x.font for x in lines if abs(x.size - body_size) <= 0.1 * body_size)
    body_font = body_fonts.most_common(1)[0][0] if body_fonts else ""
    body_bold = sum(x.bold for x in lines if x.font == body_font) * 2 > max(1, body_fonts[body_font])
    state = _Page(page, params, body_size, body_font, body_bold)

    roles, _, _ = _furniture(page, lines, params)
    state.blocks += [LayoutBlock(roles[id(x)][0], [x], roles[id(x)][1]) for x in lines if id(x) in roles]
    rest = [line for line in lines if id(line) not in roles]
    caption_roles = _captions(page, rest, body_size, body_font, params)
    for role in ("caption", "credit"):
        marked = [line for line in rest if caption_roles.get(id(line), ("",))[0] == role]
        state.blocks += [LayoutBlock(role, g, caption_roles[id(g[0])][1]) for g in _blocks(marked, page.rules, params)]
    rest = [line for line in rest if id(line) not in caption_roles]

    near = _beside_headlines(rest, body_size, params) if by_ocr else set()
    shown_lines = [x for x in rest if state.display(x) or id(x) in near]
    shown = _text_runs(state, shown_lines, [x for x in rest if not (state.display(x) or id(x) in near)])
    groups = []
    for group in _groups(shown):
        # lines that read as text (a sentence ends in the largest of them, or four lines and more a little
        # larger than the body) are text
        top_size = max(x.size for x in group)
        joined = "".join(clean_line(x.text) for x in group if x.size >= 0.9 * top_size)
        minor = top_size < params.headline_ratio * body_size
        if group[0].vertical or not (_SENTENCE.search(joined) or (minor and len(group) >= 4)):
            groups.append(group)
    in_groups = {id(x) for g in groups for x in g}
    text = [
        LayoutBlock("body", b, "lines set one under another at one size")
        for b in _blocks([x for x in rest if id(x) not in in_groups], page.rules, params)
    ]
    heads, extras = _headlines(state, groups)
    widths = sorted(b.box.width for b in text if len(b.lines) >= 3)
    column = widths[len(widths) // 2] if widths else page.width / 4

    title = None
    if _is_feature(heads, extras, text):
        kind = "feature"
        top = max(heads, key=lambda h: h.size)
        top.role, top.cue = "title", "the page's one large headline, over all its text: a feature page"
        title = top.text
        for h in heads:
            if h is not top and h.role != "label":
                h.role, h.cue = "subheading", h.cue + ", under the feature's title"
    else:
        kind = "news"
        header = [
            b for b in state.blocks if b.role == "header" and not _is_date_line(b.text) and not _PAGE_NO.match(b.text)
        ]
        if header:
            best = max(header, key=lambda b: (b.size, len(b.text)))
            best.role, best.cue = "title", "the largest line of the header band (the 版名)"
            title = best.text
    owners = [h for h in heads if h.role in ("headline", "subheading", "label")]
    if kind == "feature":
        sections = _feature_sections(state, owners, text, column)
    else:
        sections = _news_sections(state, owners, extras, text, column)
    sections = [s for s in sections if s.paragraphs or s.headline]
    for index, section in enumerate(sections):
        for block in section.blocks:
            block.section = index
    state.blocks += heads + [b for b in text if b.lines] + [b for s in sections for b in s.blocks if b.role == "byline"]
    return PageLayout(
        page,
        body_size,
        kind,
        title,
        sections,
        state.blocks,
        captions=[b.text for b in state.blocks if b.role == "caption"],
        credits=[b.text for b in state.blocks if b.role == "credit"],
        furniture=[b.text for b in state.blocks if b.role in ("header", "footer", "furniture", "jump", "label", "ad")],
    )


def _continue_columns(
    blocks: list[LayoutBlock], owners: dict[int, LayoutBlock | None], rules: Sequence[Box], body_size: float
) -> None:
    """A block under no headline, in the column right next to a block of an article (its top level with that
    block's, no rule between), carries that article on: its columns run wider than its headline."""
    # a block right under one of an article carries it on, when it has no headline of its own or only a
    # vertical one further right
    for block in sorted(blocks, key=lambda b: b.box.top):
        current = owners[id(block)]
        if current is not None and not current.lines[0].vertical:
            continue
        box = block.box
        for above in blocks:
            ab, owner = above.box, owners[id(above)]
            if owner is None or owner is current or owner.role == "label":
                continue
            if not 0 <= box.top - ab.bottom <= 2 * body_size or (current is not None and owner.lines[0].vertical):
                continue
            if box.x_overlap(ab) >= 0.5 * min(box.width, ab.width) and not _separated(ab, box, rules, True):
                owners[id(block)] = owner
                block.cue += "; right under a block of the article above"
                break
    for block in sorted(blocks, key=lambda b: b.box.x0):
        current = owners[id(block)]
        box = block.box
        for left in sorted(blocks, key=lambda b: -b.box.x1):
            owner = owners[id(left)]
            lb = left.box
            if owner is None or owner is current or owner.role == "label" or not 0 <= box.x0 - lb.x1 <= 3 * body_size:
                continue
            # it takes the article on its left when it has none, when its own headline lies wholly above
            # that article's (a wider headline over another article), or when it is claimed by a vertical
            # headline further right but carries on a paragraph that the column on its left leaves open
            if current is not None and current.box.bottom >= owner.box.top:
                vertical = current.lines[0].vertical and not owner.lines[0].vertical
                if not (vertical and _carries_on(left, block, body_size)):
                    continue
            if abs(lb.top - box.top) <= 3 * body_size and owner.box.bottom <= box.top + body_size:
                if not _separated(box, lb, rules, vertical_gap=False):
                    owners[id(block)] = owner
                    block.cue += "; the next column of the article on its left"
                    break


def _carries_on(left: LayoutBlock, block: LayoutBlock, body_size: float) -> bool:
    """The column ``left`` ends on a full line and ``block`` opens without an indent: one paragraph runs on."""
    last, first = left.lines[-1], block.lines[0]
    return last.box.x1 >= left.box.x1 - body_size and first.box.x0 - block.box.x0 < body_size


def _split_paragraphs(block: LayoutBlock, params: LayoutParams) -> list[LayoutBlock]:
    """A block cut where its paragraphs start (an indented line, or the line after a short one)."""
    box = block.box
    parts: list[LayoutBlock] = []
    previous: TextLine | None = None
    for line in block.lines:
        opens = line.box.x0 - box.x0 >= params.indent * line.size
        if previous is not None and previous.box.x1 < box.x1 - params.short_line * previous.size:
            opens = True
        if not parts or opens:
            parts.append(LayoutBlock(block.role, [], block.cue))
        parts[-1].lines.append(line)
        previous = line
    return parts


def _section(
    state: _Page, head: LayoutBlock | None, members: list[LayoutBlock], extras: dict[str, LayoutBlock]
) -> LayoutSection:
    """A section from its headline, kicker and subtitle and its blocks in reading order; a reporter's line at
    its head (记者 王晓燕) is its byline, as is 本报讯（记者 …）at the start of its text."""
    byline = None
    blocks: list[LayoutBlock] = [b for b in ([head] if head else []) + list(extras.values())]
    body = []
    for k, b in enumerate(members):
        first = clean_line(b.lines[0].text, keep_word_spaces=True)
        if k == 0 and _BYLINE_LINE.match(first) and len(first.replace(" ", "")) <= 24:
            byline = first
            blocks.append(LayoutBlock("byline", [b.lines[0]], "a reporter's line at the head of the article"))
            b.lines = b.lines[1:]
        if b.lines:
            body.append(b)
    blocks += body
    paragraphs = _paragraphs(body, state.params)
    if paragraphs and byline is None:
        match = _INLINE_BYLINE.match(paragraphs[0])
        byline = match.group(0) if match else None
    return LayoutSection(
        headline=head.text if head else None,
        kicker=extras["kicker"].text if "kicker" in extras else None,
        subtitle=extras["subtitle"].text if "subtitle" in extras else None,
        byline=byline,
        paragraphs=paragraphs,
        box=Box.around([b.box for b in blocks]) if blocks else None,
        blocks=blocks,
    )
