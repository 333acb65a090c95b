"""Newspaper pages for the section splitter: clean articles re-laid the way PDF extraction leaves them.

    .venv/bin/python eval/relayout.py --pages 40 --out /tmp/pages     # write page_NN.txt + page_NN.json

The articles are built from LCSTS PART_III (news posts, each with a headline written for it by people;
../shared/data/lcsts-part3, research use, texts belong to their Weibo authors; nothing is copied into this
repository: pages are generated when needed): a section's heading is a post's headline and its body that
post and one or two more; a page has a title, maybe a lead, 0 or 2-6 sections. The layout varies page by page,
from a seed: column width, a wider lead, column breaks every so many lines (mid-paragraph and mid-word),
blank lines between paragraphs or not, indented first lines or not, letter-spaced justified lines, spaces
around digits, headings before or after their bodies, two-part headings, headings longer than the column
set on two lines, the title printed once at the
top or the bottom, twice on one line, as a running header at every column or not at all, bylines
(本报记者 ...), photo captions with credits, data-source lines (数据来源：...) and paragraphs that end
without sentence punctuation. Each page comes with what a perfect splitter would find.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

DATA = Path(os.environ.get("JB_SUMMARIZE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
LCSTS = DATA / "lcsts-part3" / "lcsts_part_iii.jsonl"

NAMES = ["张明", "李华", "王晓燕", "陈立", "刘洋", "赵静", "孙磊", "周婷", "吴凡", "郑晨"]
ORGS = ["区委宣传部", "市统计局", "区发改局", "市文广旅游局", "区融媒体中心", "县农业农村局", "市住建局"]
PLACES = ["老外滩", "姚江新区", "慈城古县城", "甬江北岸", "前洋经济开发区", "文创港", "湾头片区"]
THINGS = ["夜景", "建设现场", "新落成的体育公园", "游客在古街参观", "工人在车间作业", "航拍全景"]
FINAL = "。！？…"
CLOSERS = "”’」』）》"


@dataclass
class Expected:
    title: str | None
    headings: list[str]
    bodies: list[list[str]]
    lead: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    layout: dict = field(default_factory=dict)


def load_posts(path: Path = LCSTS) -> list[dict]:
    """LCSTS posts with a usable headline (no 。, not ending in …, 5-28 characters) and body."""
    posts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        head = re.sub(r"\s+", "", row["summary"])
        text = re.sub(r"\s+", "", row["text"])
        if not 5 <= len(head) <= 28 or "。" in head or head[-1] == "…" or len(text) < 40:
            continue
        if text[-1] not in FINAL and text[-1] not in CLOSERS:
            text += "。"
        posts.append({"headline": head, "text": text})
    return posts


def _width(char: str) -> float:
    return 0.5 if ord(char) < 0x2E80 else 1.0


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` full-width characters (ASCII counts half)."""
    lines, line, used = [], "", 0.0
    for char in text:
        if used + _width(char) > width and line:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += _width(char)
    if line:
        lines.append(line)
    return lines


def _space_digits(line: str) -> str:
    return re.sub(r"(?<=[^\x00-\x7f])(\d[\d.%]*)", r" \1", re.sub(r"(\d[\d.%]*)(?=[^\x00-\x7f])", r"\1 ", line))


def _letter_space(line: str) -> str:
    return " ".join(line)


@dataclass
class _Piece:
    kind: str  # "para", "title", "heading", "byline", "caption", "credit", "source"
    text: str
    width: int = 0


def make_page(posts: list[dict], rng: random.Random) -> tuple[str, Expected]:
    """One page and what the splitter should find on it."""
    width = rng.randint(12, 22)
    layout = {
        "width": width,
        "lead": rng.choice(["first", "first", "last", "none"]),
        "headings": rng.choice(["before", "after"]),
        "title": rng.choice(["top", "bottom", "twice", "running", "none"]),
        "column_lines": rng.randint(14, 40),
        "blank_between_paragraphs": rng.random() < 0.6,
        "indent": rng.choice(["none", "section", "paragraph"]),
        "space_digits": rng.random() < 0.6,
        "letter_space": rng.choice([0.0, 0.03, 0.08]),
        "byline": rng.random() < 0.4,
        "captions": rng.choice([0, 0, 1, 2]),
        "data_source": rng.random() < 0.3,
        "open_endings": rng.random() < 0.3,
        "two_part_headings": rng.random() < 0.3,
        "wrap_headings": rng.random() < 0.25,  # headings longer than the column set on two lines
    }
    # A lead set like the bodies is told apart only by a heading between them; where none can be (headings
    # after their bodies and the lead first, or before them and the lead last), it is set wider, as papers do.
    touching = (layout["lead"], layout["headings"]) in (("first", "after"), ("last", "before"))
    layout["lead_width"] = rng.choice([width * 2, width * 3] if touching else [width, width * 2, width * 3])
    n_sections = rng.choice([0, 2, 3, 3, 4, 4, 5, 6])
    layout["sections"] = n_sections
    picked = rng.sample(posts, 3 * max(n_sections, 1) + 6)
    title = re.sub(r"[，：、“”《》！？!?:,]", "", picked.pop()["headline"])[:16]
    if len(title) < 6:
        title += "新闻综述"

    headings, bodies = [], []
    for _ in range(max(n_sections, 1)):
        first = picked.pop()
        heading = first["headline"]
        if layout["two_part_headings"] and "，" in heading:
            heading = heading.replace("，", " ", 1)
        headings.append(heading)
        body = [first["text"]] + [picked.pop()["text"] for _ in range(rng.randint(0, 2))]
        if layout["open_endings"] and rng.random() < 0.5:  # a quote or list item without a full stop
            last = body[-1].rstrip(FINAL)
            body[-1] = f"{last}”" if rng.random() < 0.5 else last
        if layout["data_source"] and rng.random() < 0.5:
            body.append(f"数据来源：{rng.choice(ORGS)}")
        bodies.append(body)
    if n_sections == 0:
        headings = []
    lead = [] if layout["lead"] == "none" else [picked.pop()["text"] for _ in range(rng.randint(1, 2))]
    if lead and n_sections == 0:
        bodies[0] = lead + bodies[0] if layout["lead"] == "first" else bodies[0] + lead
        lead = []

    pieces: list[_Piece] = []
    credits, captions = [], []
    if layout["title"] in ("top", "running"):  # a running title heads the first column too
        pieces.append(_Piece("title", title))
    if layout["byline"]:
        byline = f"本报记者 {rng.choice(NAMES)} 通讯员 {rng.choice(NAMES)}"
        credits.append(byline)
        pieces.append(_Piece("byline", byline))
    lead_pieces = [_Piece("para", p, layout["lead_width"]) for p in lead]
    if layout["lead"] == "first":
        pieces += lead_pieces
    for k, body in enumerate(bodies):
        section = [_Piece("source" if p.startswith("数据来源") else "para", p, width) for p in body]
        if headings:
            head = _Piece("heading", headings[k])
            section = [head, *section] if layout["headings"] == "before" else [*section, head]
        pieces += section
        if k < len(bodies) - 1 and len(captions) < layout["captions"] and rng.random() < 0.6:
            caption = f"图为{rng.choice(PLACES)}{rng.choice(THINGS)}"
            credits_like = (f"{rng.choice(NAMES)} 摄", f"供图 {rng.choice(ORGS)}", f"本报记者 {rng.choice(NAMES)} 摄")
            credit = rng.choice(credits_like)
            captions.append(caption)
            credits.append(credit)
            pieces += [_Piece("caption", caption), _Piece("credit", credit)]
    if layout["lead"] == "last":
        pieces += lead_pieces
    if layout["title"] == "bottom":
        pieces.append(_Piece("title", title))
    if layout["title"] == "twice":
        pieces.append(_Piece("title", f"{title}{title}"))

    lines = _lay_out(pieces, layout, rng, title)
    expected = Expected(
        title=None if layout["title"] == "none" else title,
        headings=headings,
        bodies=bodies,
        lead=lead,
        captions=captions,
        credits=credits,
        layout=layout,
    )
    return "\n".join(lines) + "\n", expected


def _lay_out(pieces: list[_Piece], layout: dict, rng: random.Random, title: str) -> list[str]:
    """The pieces as PDF-extracted lines: wrapped, broken into columns, letter-spaced, digits spaced."""
    lines: list[str] = []
    column_used = 0

    def emit(line: str, breakable: bool = True) -> None:
        nonlocal column_used
        if breakable and column_used >= layout["column_lines"]:
            lines.append("")  # a column break, wherever it falls
            if layout["title"] == "running":
                lines.extend([title, ""])
            column_used = 0
        lines.append(line)
        column_used += 1

    first_of_section = True
    for piece in pieces:
        if piece.kind != "para":
            if lines and lines[-1] != "":
                lines.append("")
            wraps = piece.kind == "heading" and layout["wrap_headings"] and len(piece.text) > layout["width"]
            for line in wrap(piece.text, layout["width"]) if wraps else [piece.text]:
                emit(line, breakable=False)
            lines.append("")
            first_of_section = piece.kind == "heading"
            continue
        wrapped = wrap(piece.text, piece.width)
        for j, line in enumerate(wrapped):
            full = j < len(wrapped) - 1
            if layout["space_digits"]:
                line = _space_digits(line)
            if full and rng.random() < layout["letter_space"]:
                line = _letter_space(line)
            if j == 0 and (layout["indent"] == "paragraph" or (layout["indent"] == "section" and first_of_section)):
                line = "\u3000\u3000" + line if layout["indent"] == "paragraph" else " " + line
            emit(line)
        first_of_section = False
        if layout["blank_between_paragraphs"]:
            lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def build_corpus(n_pages: int = 40, seed: int = 20261128) -> list[tuple[str, Expected]]:
    """``n_pages`` pages, the same for the same seed."""
    posts = load_posts()
    rng = random.Random(seed)
    return [make_page(posts, rng) for _ in range(n_pages)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for i, (page, expected) in enumerate(build_corpus(args.pages, args.seed)):
        (args.out / f"page_{i:02d}.txt").write_text(page, encoding="utf-8")
        (args.out / f"page_{i:02d}.json").write_text(
            json.dumps(asdict(expected), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(f"wrote {args.pages} pages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
