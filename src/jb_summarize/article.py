"""Article and Section: split a PDF-extracted newspaper page into headed sections and page furniture.

The cues are general, not tied to one page:

- a *title line* is a short line with no sentence punctuation that stands alone (followed by a blank
  line, an indented line, the end, or a whole paragraph on one line) where a paragraph could start;
- a *credit* is a title line that carries a credit word (供图, 摄, 记者, 通讯员, ...);
- the *page title* is a title line printed twice (on one line, or as a running header);
- *bodies* are runs of paragraphs between title lines; each body takes its headline from the title
  lines next to it, on the side (before or after) that agrees best with the bodies across the whole
  page, choosing the line whose character bigrams the body shares most;
- title lines that head no body are photo captions.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sentences import sentences_of
from .text import clean_line, decode_bytes, ends_paragraph, is_cjk, join_lines

if TYPE_CHECKING:
    import datasets

__all__ = ["SEED_NAME", "Article", "Section", "load_article", "load_seed_article", "parse_article"]

SEED_NAME = "jiangbei-2022"
MAX_TITLE_CHARS = 40
_SENTENCE_PUNCT = re.compile("[，。、；：！？…,;:!?]")
_CREDIT = re.compile(r"(?:^|\s)(?:供图|摄影|摄|图片|图|文|记者|本报记者|通讯员|来源|编辑|责任编辑)(?:\s|[:：/／]|$)")


@dataclass(frozen=True)
class Section:
    """One headed part of an article. ``headline`` is the editors' summary, or None."""

    index: int
    headline: str | None
    paragraphs: tuple[str, ...]
    id: str = ""

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
        return {
            "id": self.id,
            "index": self.index,
            "headline": self.headline,
            "text": self.body,
            "n_chars": self.n_chars,
            "n_paragraphs": len(self.paragraphs),
            "n_sentences": len(self.sentences),
        }


@dataclass(frozen=True)
class Article:
    """A page split into sections, with the furniture (title, captions, credits) kept apart."""

    id: str
    title: str | None
    sections: tuple[Section, ...]
    captions: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def to_records(self) -> list[dict[str, Any]]:
        return [s.to_record() for s in self.sections]

    def to_dataset(self) -> datasets.Dataset:
        """One row per section: id, index, headline, text, n_chars, n_paragraphs, n_sentences."""
        import datasets

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
        return datasets.Dataset.from_list(self.to_records(), features=features)


@dataclass
class _Block:
    kind: str  # "paragraph" | "title" | "credit" | "page-title" | "headline"
    text: str


def _is_title_like(line: str) -> bool:
    return 0 < len(line) <= MAX_TITLE_CHARS and not _SENTENCE_PUNCT.search(line)


def _blocks(raw_lines: Sequence[str]) -> list[_Block]:
    """Group raw lines into paragraphs, title lines and credits."""
    cleaned = [clean_line(r) for r in raw_lines]
    blocks: list[_Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(_Block("paragraph", join_lines(current)))
            current.clear()

    n = len(raw_lines)
    for i, raw in enumerate(raw_lines):
        line = cleaned[i]
        if not line:
            continue
        indented = raw[:1] in (" ", "\t", "\u3000")
        if indented:
            flush()
        if not current and _is_title_like(line) and _stands_alone(raw_lines, cleaned, i, n):
            heading = clean_line(raw, keep_word_spaces=True)
            kind = "credit" if _CREDIT.search(heading) else "title"
            blocks.append(_Block(kind, heading))
            continue
        current.append(line)
        if ends_paragraph(line):
            flush()
    flush()
    return blocks


def _stands_alone(raw_lines: Sequence[str], cleaned: Sequence[str], i: int, n: int) -> bool:
    if i + 1 >= n:
        return True
    nxt_raw, nxt = raw_lines[i + 1], cleaned[i + 1]
    if not nxt or nxt_raw[:1] in (" ", "\t", "\u3000"):
        return True
    # A heading right above a paragraph written on one line (plain text rather than columns).
    return ends_paragraph(nxt) and len(nxt) > len(cleaned[i]) + 4


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if is_cjk(c) or c.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def _overlap(title: str, body_bigrams: set[str]) -> float:
    grams = _bigrams(title)
    return len(grams & body_bigrams) / len(grams) if grams else 0.0


def _undoubled(text: str) -> str | None:
    """'XX XX' or 'XXXX' printed twice on one line -> 'XX', else None."""
    compact = text.replace(" ", "")
    half = len(compact) // 2
    if len(compact) >= 4 and len(compact) % 2 == 0 and compact[:half] == compact[half:]:
        return compact[:half]
    return None


def parse_article(text: str, doc_id: str = "article") -> Article:
    """Split normalised-or-raw article text into an Article."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = _blocks(raw_lines)

    # The page title: a title line printed twice, on one line or as a repeated line.
    title: str | None = None
    counts = Counter(b.text for b in blocks if b.kind == "title")
    for b in blocks:
        if b.kind != "title":
            continue
        single = _undoubled(b.text)
        if single is not None or counts[b.text] > 1:
            title = title or single or b.text
            b.kind = "page-title"

    # Bodies (runs of paragraphs; credits do not interrupt them) and the title lines between them.
    bodies: list[list[str]] = []
    runs: list[list[_Block]] = [[]]
    for b in blocks:
        if b.kind == "paragraph":
            if not bodies or runs[-1]:
                bodies.append([])
                runs.append([])
            bodies[-1].append(b.text)
        elif b.kind in ("title", "page-title"):
            runs[-1].append(b)
    credits = tuple(b.text for b in blocks if b.kind == "credit")

    if not bodies:
        # No running text at all: everything that is there is one section without a headline.
        loose = [b.text for b in blocks if b.kind != "credit"]
        sections = (Section(0, None, tuple(loose), f"{doc_id}:0"),) if loose else ()
        return Article(doc_id, title, sections, (), credits)

    # runs[k] lies before bodies[k] (k < len(bodies)) and after bodies[k-1].
    grams = [_bigrams("".join(body)) for body in bodies]

    def pick(run: list[_Block], g: set[str], nearest_first: bool) -> tuple[float, _Block | None]:
        ordered = run if nearest_first else list(reversed(run))
        best: tuple[float, _Block | None] = (-1.0, None)
        for b in ordered:
            score = _overlap(b.text, g)
            if score > best[0]:
                best = (score, b)
        return best

    after = [pick(runs[i + 1], g, nearest_first=True) for i, g in enumerate(grams)]
    before = [pick(runs[i], g, nearest_first=False) for i, g in enumerate(grams)]
    score_after = sum(s for s, b in after if b is not None)
    score_before = sum(s for s, b in before if b is not None)
    chosen = after if score_after > score_before else before

    sections = []
    for i, (body, (_, head)) in enumerate(zip(bodies, chosen, strict=True)):
        headline = None
        if head is not None:
            headline = (_undoubled(head.text) or head.text) if head.kind == "page-title" else head.text
            head.kind = "headline"
        sections.append(Section(i, headline, tuple(body), f"{doc_id}:{i}"))
    captions = tuple(b.text for run in runs for b in run if b.kind == "title")
    return Article(doc_id, title, tuple(sections), captions, credits)


def load_article(source: str | Path, doc_id: str | None = None) -> Article:
    """Read a UTF-8 / GB18030 text file (or ``-`` for stdin) and split it into an Article."""
    if str(source) == "-":
        data = sys.stdin.buffer.read()
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
