"""Article and Section: split a PDF-extracted newspaper page into headed sections and page furniture.

The cues are general, not tied to one page, and each one can be shown (``explain_article``):

- a *paragraph* ends at a line that ends a sentence (。！？…), at a line clearly shorter than the others of
  its paragraph (justified text fills every line but the last), at an indented line, and where a blank
  line is followed by a line that stands alone as a heading;
- a *title line* is a line of at most 40 characters that ends no sentence and holds none (no 。；, no
  ！？，、：at its end; clause marks and quotes inside are fine), not indented, where a paragraph could start,
  standing alone (followed by a blank line, an indented line or the end of the text, or by a whole
  paragraph on one line); a full column-width line right under the text above it is a paragraph's first
  line at the foot of a column, not a title line; so is a full column-width line alone between blank lines
  whose text reads on across the column break (a word runs across it, it ends on a preposition or
  conjunction, leaves a quote or bracket open, opens with a time and a comma, or the next line starts with
  punctuation), and a full column-width line between a heading and a paragraph (no heading is followed by
  a second heading before its body);
- a line that asks or exclaims (one clause ending in ？ or ！, not an interview's 记者：/问：) is a title line
  after a blank line where a paragraph has ended or may have (a short last line, a closing quote); if it
  heads nothing it stays in the text; a full column-width line and a
  shorter one, 40 characters together, with a blank line after them, are one title line set on two lines;
  on a page that puts blank lines between paragraphs, a line right under a full line of text carries that
  text on;
- lines of clearly another width (a lead set across columns, then the columns) end the open paragraph;
- a *note* (数据来源：...) belongs to the body it follows; a *credit* is a title line that carries a credit
  word (供图, 摄, 记者, 通讯员, ...) or a byline;
- the *page title* is a line printed twice (on one line, or as a running header repeated at the top of the
  columns), else the title line that opens or closes the page without heading a section of its own;
- *bodies* are runs of paragraphs between title lines; a paragraph set at a clearly different column width
  (a lead set across columns) starts a body of its own; each body takes its headline from the title lines
  next to it, on the side (before or after) that agrees best with the bodies across the whole page,
  choosing the line whose character bigrams the body shares most;
- with two title lines before the first body, the one that opens the page is the page title;
- a title line that heads no body right after a paragraph that fills its last line is that paragraph's last
  words (a column break fell after a sentence that ended at a line's end), unless it starts like a caption;
  the other title lines that head no body are photo captions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sentences import sentences_of
from .text import CLOSERS, char_bigrams, clean_line, decode_bytes, ends_paragraph, join_lines, read_stdin

if TYPE_CHECKING:
    import datasets

__all__ = [
    "SEED_NAME",
    "Article",
    "LineRole",
    "Section",
    "explain_article",
    "load_seed_article",
    "load_text_article",
    "parse_article",
]

SEED_NAME = "jiangbei-2022"
MAX_TITLE_CHARS = 40
# A title line holds no sentence: no full stop or semicolon anywhere, and it does not end a sentence or
# leave a clause open (！？ may stand inside a headline, not at its end; nor may ，、：).
_SENTENCE_END = re.compile("[。；…;]|[！？!?，、：,:][”’」』）)》\"']*$")
_CREDIT = re.compile(r"(?:^|\s)(?:供图|摄影|摄|图片|图|文|记者|本报记者|通讯员|来源|编辑|责任编辑)(?:\s|[:：/／]|$)")
# Notes stay in the body they close: a source line, or a line wholly in brackets (（成都商报）).
_NOTE = re.compile(r"^[（(]?(?:数据|资料|信息)?来源[:：]|^[（(][^（()）]*[）)]$")
# Photo captions say so.
_INTERVIEW = re.compile(r"^(?:记者|本报记者|问|答|主持人)\s*[:：]")
_ASKS = re.compile(f"[^。；;…！？!?]+[！？!?]+[{re.escape(CLOSERS)}]*")
_CAPTION = re.compile(r"^(?:图为|图片为|图：|图:|上图|下图|左图|右图|航拍)")
_PAIRS = ("（）", "()", "《》", "“”", "【】", "「」")
# A line narrower than its paragraph's usual line by this share (at least 2 characters) ends it: justified
# columns vary by a character or two where punctuation is set half-width, a last line is usually far shorter.
SHORT_LINE_SHARE = 0.2
# Paragraphs whose column widths differ by this factor belong to different bodies.
WIDTH_RATIO = 1.5
# Below this share of its bigrams in the first body, a lone title line above it is the page's title.
TITLE_OVERLAP = 0.1


@dataclass(frozen=True)
class Section:
    """One headed part of an article. ``headline`` is the editors' summary, or None."""

    index: int
    headline: str | None
    paragraphs: tuple[str, ...]
    id: str = ""
    kicker: str | None = None  # 引题, the line over a headline
    subtitle: str | None = None  # 副题, the line under it
    byline: str | None = None  # 本报讯（记者 …）
    page: int | None = None  # 1-based page of a PDF or image it was read from
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in points from the top left
    low_confidence: tuple[tuple[str, float], ...] | None = None  # OCR lines read with low confidence

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in sentences_of(p)]

    @property
    def n_chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    def to_record(self) -> dict[str, Any]:
        record = {
            "id": self.id,
            "index": self.index,
            "headline": self.headline,
            "text": self.body,
            "n_chars": self.n_chars,
            "n_paragraphs": len(self.paragraphs),
            "n_sentences": len(self.sentences),
        }
        for key in ("kicker", "subtitle", "byline", "page", "bbox"):
            value = getattr(self, key)
            if value is not None:  # only what a page reader found: text input keeps its records as they were
                record[key] = list(value) if key == "bbox" else value
        if self.low_confidence:
            record["low_confidence"] = [{"text": text, "confidence": c} for text, c in self.low_confidence]
        return record


@dataclass(frozen=True)
class Article:
    """A page split into sections, with the furniture (title, captions, credits) kept apart."""

    id: str
    title: str | None
    sections: tuple[Section, ...]
    captions: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    page: int | None = None  # 1-based, for a page read from a PDF or an image
    source: str | None = None  # the file it was read from
    page_size: tuple[float, float] | None = None  # width, height in points
    furniture: tuple[str, ...] = ()  # header and footer lines, editors' lines, jump lines, column labels
    notes: tuple[str, ...] = ()  # what the reader noticed (a fallback, an unreadable text layer, ...)
    links: tuple[tuple[str, str], ...] = ()  # a web page that indexes articles (an e-paper's page): (headline, href)

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def to_records(self) -> list[dict[str, Any]]:
        return [s.to_record() for s in self.sections]

    def to_dataset(self) -> datasets.Dataset:
        """One row per section: id, index, headline, text, n_chars, n_paragraphs, n_sentences (needs the [hf]
        extra's ``datasets``)."""
        from .extras import require

        datasets = require("datasets", "hf", "Article.to_dataset")

        features = datasets.Features(
            {
                "id": datasets.Value("string"),
                "index": datasets.Value("int32"),
                "headline": datasets.Value("string"),
                "text": datasets.Value("string"),
                "n_chars": datasets.Value("int32"),
                "n_paragraphs": datasets.Value("int32"),
                "n_sentences": datasets.Value("int32"),
            }
        )
        return datasets.Dataset.from_list(
            [{key: record[key] for key in features} for record in self.to_records()], features=features
        )


@dataclass(frozen=True)
class LineRole:
    """What the splitter made of one input line, and the cue that decided it."""

    line: int  # 1-based
    text: str
    role: str  # body, heading, title, lead, caption, credit, note, blank
    cue: str


@dataclass
class _Block:
    kind: str  # "paragraph" | "title" | "credit" | "caption" | "page-title" | "headline"
    text: str
    lines: list[int] = field(default_factory=list)  # 0-based indices of its input lines
    width: float = 0.0  # column width of a paragraph: its widest line but the last
    cue: str = ""


def _is_credit(raw: str) -> bool:
    """A raw line that carries a credit word or is a byline (供图 市住建局, 本报记者 王晓燕)."""
    return bool(_CREDIT.search(clean_line(raw, keep_word_spaces=True)))


def _as_wide(a: float, b: float) -> bool:
    """Two widths within one character of each other (a line that fills its column, two lines set alike)."""
    return abs(a - b) <= 1


def _display_width(line: str) -> float:
    """Full-width characters count 1, ASCII (digits, Latin) half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in line)


def _short(width: float, above: list[float]) -> bool:
    usual = sorted(above)[len(above) // 2]
    return width <= usual - max(2.0, SHORT_LINE_SHARE * usual)


def _balanced(line: str) -> bool:
    """No bracket or quote closed before it opens (a line that does is the tail of a paragraph)."""
    for opening, closing in _PAIRS:
        depth = 0
        for char in line:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                return False
    return True


def _is_title_like(line: str) -> bool:
    return 0 < len(line) <= MAX_TITLE_CHARS and not _SENTENCE_END.search(line) and _balanced(line)


def _is_question_title(line: str) -> bool:
    """A headline that asks or exclaims (为什么上海出不了互联网巨头？): one clause that ends in ？ or ！, not an
    interview's question (记者：…？, 问：…？)."""
    if _INTERVIEW.match(line):
        return False
    return 0 < len(line) <= MAX_TITLE_CHARS and bool(_ASKS.fullmatch(line)) and _balanced(line)


def _indented(raw: str) -> bool:
    return raw[:1] in (" ", "\t", "\u3000")


def _stands_alone(raw_lines: Sequence[str], cleaned: Sequence[str], i: int) -> str | None:
    """Why line ``i`` stands alone (the cue), or None."""
    if i + 1 >= len(raw_lines):
        return "last line"
    nxt_raw, nxt = raw_lines[i + 1], cleaned[i + 1]
    if not nxt:
        return "blank line after it"
    if _indented(nxt_raw):
        return "indented line after it"
    # A heading right above a paragraph written on one line (plain text rather than columns).
    if ends_paragraph(nxt) and len(nxt) > len(cleaned[i]) + 4:
        return "a whole paragraph on the next line"
    return None


def _column_width(cleaned: Sequence[str], widths: Sequence[float]) -> float:
    """The page's usual line width: the most common width among lines of four characters or more (of equally
    common widths the widest: on a short page, full lines rather than headings)."""
    counts = Counter(round(width) for line, width in zip(cleaned, widths, strict=True) if len(line) >= 4)
    return float(max(counts.items(), key=lambda item: (item[1], item[0]))[0]) if counts else 0.0


# A paragraph's opening words in news text: a date or time word, then a comma (10月30日晚间，/ 昨天，).
_TIME_OPENING = re.compile(
    r"^(?:\d+年)?(?:\d+月)?\d+日[^，,。]{0,4}[，,]"
    r"|^(?:日前|近日|近期|昨天|昨日|昨晚|前天|今天|今日|今早|今晨|当天|当晚|目前|此前|近年来|去年|今年|上周|本周)"
    r"[^，,。]{0,4}[，,]"
)
_OPENINGS = tuple(opening for opening, _ in _PAIRS)
_CLOSINGS = "".join(closing for _, closing in _PAIRS) + "，。、；：？！,.;:?!…"
# jieba parts of speech that cannot end a heading: prepositions (对, 至) and conjunctions (但, 以及).
_OPEN_WORD_TAGS = ("p", "c")


def _reads_on(line: str, next_line: str) -> str | None:
    """Why a full column-width line alone between blank lines reads on into the next line (a paragraph's first
    line that a column break cut off, not a heading), or None."""
    if any(line.count(o) > line.count(c) for o, c in _PAIRS):
        return "leaves a quote or bracket open"
    if next_line[:1] in _CLOSINGS:
        return "the next line starts with punctuation"
    if _TIME_OPENING.match(line):
        return "opens with a time and a comma, as news paragraphs do"
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    last = list(pseg.cut(line[-6:], HMM=False))
    if last and last[-1].flag in _OPEN_WORD_TAGS:
        return f"ends on '{last[-1].word}', a word that needs more after it"
    tail, head = line[-6:], next_line[:8]
    position = 0
    for word in jieba.cut(tail + head, HMM=False):
        if position < len(tail) < position + len(word):
            return f"the word '{word}' runs across the break"
        position += len(word)
    return None


def _one_line_width(widths: Sequence[float], i: int) -> float:
    """The column width of a one-line paragraph: its width where the line right under it is as wide (it
    fills the column), else unknown (0)."""
    below = widths[i + 1] if i + 1 < len(widths) else 0.0
    return widths[i] if below and _as_wide(widths[i], below) else 0.0


def _two_line_heading(
    raw_lines: Sequence[str], cleaned: Sequence[str], widths: Sequence[float], column: float, i: int
) -> bool:
    """Lines ``i`` and ``i + 1`` are one heading set on two lines: a full column-width line that ends no
    sentence, then a shorter one, then a blank line; 40 characters in all, no credit, no note."""
    if i + 1 >= len(cleaned) or not cleaned[i + 1] or (i + 2 < len(cleaned) and cleaned[i + 2]):
        return False
    first, second = cleaned[i], cleaned[i + 1]
    if not _as_wide(widths[i], column) or widths[i + 1] >= widths[i] - 1 or len(first) + len(second) > MAX_TITLE_CHARS:
        return False
    if not (_is_title_like(first + second) or _is_question_title(first + second)):
        return False
    if _indented(raw_lines[i + 1]) or _NOTE.match(first) or _NOTE.match(second):
        return False
    return not any(_is_credit(raw_lines[j]) for j in (i, i + 1))


def _blank_between_paragraphs(cleaned: Sequence[str], widths: Sequence[float], column: float) -> bool:
    """The page puts a blank line after (nearly) every paragraph: of the lines that end a paragraph short of
    the column width, at least 3 and 90% are followed by a blank line."""
    ends = [
        i
        for i in range(1, len(cleaned) - 1)
        if cleaned[i - 1] and ends_paragraph(cleaned[i]) and widths[i] < column - 1
    ]
    blank = sum(not cleaned[i + 1] for i in ends)
    return len(ends) >= 3 and blank >= 0.9 * len(ends)


def _new_column_width(widths: Sequence[float], current: Sequence[int], i: int) -> bool:
    """Line ``i`` runs on into the next line, set at the same width, clearly not the width of the open
    paragraph's lines: a column of another width starts (a lead set across columns ends, the body begins)."""
    if len(current) < 2 or i + 1 >= len(widths) or not widths[i + 1]:
        return False
    width = max(widths[j] for j in current)
    return _as_wide(widths[i], widths[i + 1]) and _ratio(width, widths[i]) >= WIDTH_RATIO


def _continues(
    raw_lines: Sequence[str], cleaned: Sequence[str], widths: Sequence[float], i: int, k: int | None
) -> bool:
    """Line ``k`` can carry on the paragraph that line ``i`` opens: running text (two lines or more, or a
    sentence end) in a column no wider than line ``i``'s, not a credit."""
    if k is None or widths[k] > widths[i] + 1 or _is_credit(raw_lines[k]):
        return False
    return ends_paragraph(cleaned[k]) or (k + 1 < len(cleaned) and bool(cleaned[k + 1]))


def _column_foot(cleaned: Sequence[str], widths: Sequence[float], i: int, column: float) -> bool:
    """A full column-width line right under the text above it (no blank line between): a paragraph's first
    line at the foot of a column, which stands alone only because the column ends there."""
    full = bool(column) and _as_wide(widths[i], column)
    return full and i > 0 and bool(cleaned[i - 1])


def _running_headers(
    raw_lines: Sequence[str], cleaned: Sequence[str], widths: Sequence[float], column: float
) -> set[str]:
    """Title-like lines printed more than once, each time alone between blank lines, and at least once in the
    middle of a paragraph (after a full column-width line that ends no sentence): the page title repeated at
    the top of the columns. They are taken out of the text, so that they do not break the paragraphs they
    interrupt."""
    occurrences: dict[str, list[int]] = {}
    for i, line in enumerate(cleaned):
        alone = (i == 0 or not cleaned[i - 1]) and (i + 1 == len(cleaned) or not cleaned[i + 1])
        credit = _is_credit(raw_lines[i])
        if alone and _is_title_like(line) and not _NOTE.match(line) and not credit:
            occurrences.setdefault(line, []).append(i)

    def interrupts(i: int) -> bool:
        j = next((j for j in range(i - 1, -1, -1) if cleaned[j]), None)
        return j is not None and _as_wide(widths[j], column) and not ends_paragraph(cleaned[j])

    return {line for line, at in occurrences.items() if len(at) > 1 and any(map(interrupts, at))}


def _blocks(raw_lines: Sequence[str]) -> tuple[list[_Block], set[int], set[int]]:
    """Group raw lines into paragraphs, title lines, credits and page titles; and the running-header lines
    and the lines that fill the column width."""
    cleaned = [clean_line(r) for r in raw_lines]
    widths = [_display_width(line) for line in cleaned]
    column = _column_width(cleaned, widths)
    repeated = _running_headers(raw_lines, cleaned, widths, column)
    spaced = _blank_between_paragraphs(cleaned, widths, column)
    second_lines: set[int] = set()  # the second lines of headings set on two lines
    blocks: list[_Block] = []
    running: set[int] = set()
    current: list[int] = []
    opening = ""  # why the current paragraph's first line, alone as it stands, is not a heading

    def flush(cue: str) -> None:
        nonlocal opening
        if current:
            width = max(widths[j] for j in current[:-1]) if len(current) > 1 else _one_line_width(widths, current[0])
            cue = f"{cue}; {opening}" if opening else cue
            blocks.append(_Block("paragraph", join_lines([cleaned[j] for j in current]), list(current), width, cue))
            current.clear()
        opening = ""

    previous_blank = True
    for i, raw in enumerate(raw_lines):
        line = cleaned[i]
        if not line:
            previous_blank = True
            continue
        after_blank, previous_blank = previous_blank, False
        if i in second_lines:
            continue
        if line in repeated:
            running.add(i)
            if not any(b.kind == "page-title" for b in blocks):
                blocks.append(_Block("page-title", clean_line(raw, keep_word_spaces=True), [i], cue="printed again"))
            continue
        if _indented(raw):
            flush("an indented line follows")
        elif current and not ends_paragraph(line) and _new_column_width(widths, current, i):
            flush("a column of another width follows")
        note = bool(_NOTE.match(line))  # a note stays with its body: never a title line
        alone = None
        # A line that asks or exclaims heads a section only after a blank line where a paragraph has ended or
        # may have (its last line falls short of the column or closes a quote); else it is the last line of
        # the paragraph it ends.
        ended = not current or widths[current[-1]] < column - 1 or cleaned[current[-1]][-1:] in CLOSERS
        asks = _is_question_title(line) and after_blank and ended
        # On a page that puts blank lines between paragraphs, a line right under a full line of text carries
        # that text on, even where a sentence happened to end at the end of the line above.
        carried = spaced and i > 0 and bool(cleaned[i - 1]) and _as_wide(widths[i - 1], column)
        if (asks or _is_title_like(line)) and not note and not carried:
            heading = clean_line(raw, keep_word_spaces=True)
            credit = bool(_CREDIT.search(heading))
            # An indented line opens a paragraph (or is a credit); headings are not indented.
            if credit or not (_indented(raw) or _column_foot(cleaned, widths, i, column)):
                alone = _stands_alone(raw_lines, cleaned, i)
            if alone == "blank line after it" and not (credit or current) and _as_wide(widths[i], column):
                following = next((k for k in range(i + 1, len(cleaned)) if cleaned[k] not in ("", *repeated)), None)
                cut = _continues(raw_lines, cleaned, widths, i, following) and _reads_on(line, cleaned[following])
                if cut:
                    alone, opening = None, f"first line cut off by a column break: it {cut}"
        if alone and current and after_blank:
            flush("a blank line and a heading follow")
        if alone and not current:
            kind = "credit" if credit else ("caption" if _CAPTION.match(line) else "title")
            blocks.append(_Block(kind, heading, [i], cue=f"short, no sentence, {alone}"))
            continue
        if (
            after_blank
            and not (alone or current or note or carried)
            and _two_line_heading(raw_lines, cleaned, widths, column, i)
        ):
            text = join_lines([clean_line(raw_lines[j], keep_word_spaces=True) for j in (i, i + 1)])
            blocks.append(
                _Block("title", text, [i, i + 1], cue="short, no sentence, set on two lines, blank line after it")
            )
            second_lines.add(i + 1)
            continue
        current.append(i)
        if ends_paragraph(line):
            flush("ends a sentence")
        elif note:
            flush("a source note")
        elif len(current) > 1 and _short(widths[i], [widths[j] for j in current[:-1]]):
            flush("shorter than the lines above it")
    flush("end of text")
    full = {i for i, width in enumerate(widths) if column and _as_wide(width, column)}
    return _rejoin_cut_first_lines(blocks, cleaned, widths, column), running, full


def _rejoin_paragraph_tails(blocks: list[_Block], heads: set[int], title: str | None, full: set[int]) -> None:
    """A title line that heads no body, is no caption and no page title, right after a paragraph that fills
    its last line, is that paragraph's last line: a column break fell after a sentence that ended at the end
    of a line. It goes back into the paragraph (no body text is lost to the captions). A question or
    exclamation that heads no body is no caption either: it stays in the text, in the paragraph before it."""
    for k in range(1, len(blocks)):
        b, before = blocks[k], blocks[k - 1]
        if b.kind != "title" or id(b) in heads or b.text == title or before.kind != "paragraph":
            continue
        asks = _is_question_title(b.text)
        if (before.lines[-1] in full or asks) and not _CAPTION.match(b.text):
            before.text = join_lines([before.text, clean_line(b.text)])
            before.lines = before.lines + b.lines
            before.cue += "; a line after it that heads nothing carries it on"
            b.kind = "tail"


def _rejoin_cut_first_lines(
    blocks: list[_Block], cleaned: Sequence[str], widths: Sequence[float], column: float
) -> list[_Block]:
    """A full column-width title line right after another title line (not the page's first) and right before a
    paragraph is that paragraph's first line, cut off by a column break: no heading is followed by a second
    heading before its body."""
    out: list[_Block] = []
    for k, b in enumerate(blocks):
        after = blocks[k + 1] if k + 1 < len(blocks) else None
        before = out[-1] if out else None
        if (
            b.kind == "title"
            and len(out) > 1
            and before is not None
            and before.kind == "title"
            and after is not None
            and after.kind == "paragraph"
            and _as_wide(widths[b.lines[0]], column)
        ):
            after.text = join_lines([cleaned[b.lines[0]], after.text])
            after.lines = b.lines + after.lines
            after.cue += "; its first line stood alone after a heading, cut off by a column break"
            continue
        out.append(b)
    return out


def _overlap(title: str, body_bigrams: set[str]) -> float:
    grams = char_bigrams(title)
    return len(grams & body_bigrams) / len(grams) if grams else 0.0


def _undoubled(text: str) -> str | None:
    """'XX XX' or 'XXXX' printed twice on one line -> 'XX', else None."""
    compact = text.replace(" ", "")
    half = len(compact) // 2
    if len(compact) >= 4 and len(compact) % 2 == 0 and compact[:half] == compact[half:]:
        return compact[:half]
    return None


def _new_width(body: list[_Block], block: _Block) -> bool:
    """Set at a clearly different column width than the body so far (widths measured on two lines or more)."""
    width = max((p.width for p in body), default=0.0)
    if not width or not block.width:
        return False
    return _ratio(width, block.width) >= WIDTH_RATIO


def _ratio(a: float, b: float) -> float:
    return max(a, b) / min(a, b)


@dataclass
class _Parse:
    article: Article
    blocks: list[_Block]
    running: set[int]
    lead_blocks: set[int]  # ids of paragraph blocks in a body that is set apart by its width


def _parse(text: str, doc_id: str) -> _Parse:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks, running, full_lines = _blocks(raw_lines)

    # The page title: a title line printed twice, on one line or as a repeated line.
    title: str | None = next((b.text for b in blocks if b.kind == "page-title"), None)
    counts = Counter(b.text for b in blocks if b.kind == "title")
    for b in blocks:
        if b.kind != "title":
            continue
        single = _undoubled(b.text)
        if single is not None or counts[b.text] > 1:
            title = title or single or b.text
            b.kind = "page-title"

    # Bodies (runs of paragraphs; credits do not interrupt them, a change of column width does) and the
    # title lines between them.
    bodies: list[list[_Block]] = []
    runs: list[list[_Block]] = [[]]
    for b in blocks:
        if b.kind == "paragraph":
            if not bodies or runs[-1] or _new_width(bodies[-1], b):
                bodies.append([])
                runs.append([])
            bodies[-1].append(b)
        elif b.kind in ("title", "page-title"):
            runs[-1].append(b)
    credits = tuple(b.text for b in blocks if b.kind == "credit")
    widths = [max((p.width for p in body), default=0.0) for body in bodies]
    common_width = Counter(w for w in widths if w).most_common(1)[0][0] if any(widths) else 0.0
    set_apart = {k for k, w in enumerate(widths) if w and common_width and _ratio(w, common_width) >= WIDTH_RATIO}

    if not bodies:
        # No running text at all: everything that is there is one section without a headline.
        loose = [b.text for b in blocks if b.kind != "credit"]
        sections = (Section(0, None, tuple(loose), f"{doc_id}:0"),) if loose else ()
        return _Parse(Article(doc_id, title, sections, (), credits), blocks, running, set())

    # runs[k] lies before bodies[k] (k < len(bodies)) and after bodies[k-1].
    grams = [char_bigrams("".join(p.text for p in body)) for body in bodies]

    def pick(run: list[_Block], g: set[str], nearest_first: bool) -> tuple[float, _Block | None]:
        ordered = run if nearest_first else list(reversed(run))
        best: tuple[float, _Block | None] = (-1.0, None)
        for b in ordered:
            score = _overlap(b.text, g)
            if score > best[0]:
                best = (score, b)
        return best

    after = [pick(runs[i + 1], g, nearest_first=True) for i, g in enumerate(grams)]
    # The line that opens the page, with another title line between it and the first body, is the page's
    # title rather than that body's heading.
    opening = runs[0][1:] if sum(b.kind == "title" for b in runs[0]) > 1 and runs[0][0] is blocks[0] else runs[0]
    before = [pick(opening if i == 0 else runs[i], g, nearest_first=False) for i, g in enumerate(grams)]
    score_after = sum(s for s, b in after if b is not None)
    score_before = sum(s for s, b in before if b is not None)
    chosen = after if score_after > score_before else before

    if title is None:
        title = _single_title(runs, chosen, set_apart, grams, headings_before=chosen is before)

    if title is None and len(bodies) == 1 and chosen[0][1] is not None:
        title = chosen[0][1].text  # a page of one section: its headline is the page's title
    heads = {id(h) for _, h in chosen if h is not None}
    _rejoin_paragraph_tails(blocks, heads, title, full_lines)
    sections = []
    for i, (body, (_, head)) in enumerate(zip(bodies, chosen, strict=True)):
        headline = None
        if head is not None:
            headline = (_undoubled(head.text) or head.text) if head.kind == "page-title" else head.text
            head.kind = "headline"
        sections.append(Section(i, headline, tuple(p.text for p in body), f"{doc_id}:{i}"))
    captions = tuple(b.text for b in blocks if b.kind == "caption" or (b.kind == "title" and b.text != title))
    lead_blocks = {id(p) for k in set_apart for p in bodies[k]}
    return _Parse(Article(doc_id, title, tuple(sections), captions, credits), blocks, running, lead_blocks)


def _single_title(
    runs: list[list[_Block]],
    chosen: list[tuple[float, _Block | None]],
    set_apart: set[int],
    grams: list[set[str]],
    *,
    headings_before: bool,
) -> str | None:
    """The page title printed once: the title line that opens the page (else the one that closes it), unless
    it heads a body that is an ordinary section (set like the others, and sharing its words)."""
    heads = {id(b): k for k, (_, b) in enumerate(chosen) if b is not None}
    ends = [(runs[0], 0, headings_before), (runs[-1], len(chosen) - 1, not headings_before)]
    for run, edge_body, heads_that_body in ends:
        titles = [b for b in run if b.kind == "title"]
        if not titles:
            continue
        line = titles[0] if run is runs[0] else titles[-1]
        if id(line) not in heads:
            return line.text
        k = heads[id(line)]
        lone = k in set_apart or _overlap(line.text, grams[k]) < TITLE_OVERLAP
        if heads_that_body and k == edge_body and lone:
            return line.text
    return None


def parse_article(text: str, doc_id: str = "article") -> Article:
    """Split normalised-or-raw article text into an Article."""
    return _parse(text, doc_id).article


def explain_article(text: str, doc_id: str = "article") -> list[LineRole]:
    """Every input line with the role the splitter gave it and the cue that decided it."""
    parsed = _parse(text, doc_id)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    roles: dict[int, tuple[str, str]] = {}
    article = parsed.article
    for i in parsed.running:
        roles[i] = ("title", "printed more than once, alone: a running header")
    for b in parsed.blocks:
        if b.kind == "paragraph":
            role = "lead" if id(b) in parsed.lead_blocks else ("note" if _NOTE.match(b.text) else "body")
            cue = f"paragraph ({b.cue})" + (", set at a different column width" if role == "lead" else "")
        elif b.kind == "headline" and (_undoubled(b.text) or b.text) == article.title:
            role, cue = "title", "the page title, and the headline of the section next to it"
        elif b.kind == "headline":
            role, cue = "heading", f"{b.cue}; shares most words with the body next to it"
        elif b.kind == "credit":
            role, cue = "credit", "a credit word or byline"
        elif b.kind == "page-title" or b.text == article.title:
            role, cue = "title", "printed twice" if b.kind == "page-title" else "opens or closes the page"
        elif b.kind == "caption":
            role, cue = "caption", f"{b.cue}; starts with a caption word"
        else:
            role, cue = "caption", f"{b.cue}; heads no body"
        for i in b.lines:
            roles.setdefault(i, (role, cue))
    return [
        LineRole(i + 1, raw, *roles.get(i, ("blank", "")))
        for i, raw in enumerate(raw_lines)
        if raw.strip() or i + 1 < len(raw_lines)
    ]


def load_text_article(source: str | Path | bytes, doc_id: str | None = None) -> Article:
    """Read a UTF-8 / UTF-16 / GB18030 / Big5 text file (or ``-`` for stdin, or the file's bytes) and split it
    into an Article. ``jb_summarize.load_article`` takes PDF pages too."""
    if isinstance(source, bytes):
        return parse_article(decode_bytes(source, "<bytes>"), doc_id=doc_id or "article")
    if str(source) == "-":
        data = read_stdin()
        name = "<stdin>"
        default_id = "stdin"
    else:
        path = Path(source)
        data = path.read_bytes()
        name = str(path)
        default_id = path.stem
    return parse_article(decode_bytes(data, name), doc_id=doc_id or default_id)


def seed_text() -> str:
    """The seed article's raw text, shipped with the package."""
    return (resources.files("jb_summarize") / "data" / f"{SEED_NAME}.txt").read_text(encoding="utf-8")


def load_seed_article() -> Article:
    """The seed article (Ningbo newspaper page on Jiangbei District, 2022) as an Article."""
    return parse_article(seed_text(), doc_id=SEED_NAME)
