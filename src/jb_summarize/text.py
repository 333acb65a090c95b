"""Normalise PDF-extracted Chinese text: decoding, spacing, and rejoining column-wrapped lines."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable
from functools import cache

__all__ = [
    "InputError",
    "char_bigrams",
    "clean_line",
    "decode_bytes",
    "ends_paragraph",
    "is_cjk",
    "join_lines",
    "normalize",
    "to_simplified",
]


class InputError(ValueError):
    """Input that cannot be read as text (wrong encoding, binary, empty)."""


# Characters that take a full cell in CJK typesetting: ideographs, CJK punctuation, full-width forms.
_WIDE = (
    "\u2e80-\u2fff"  # radicals
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # ext A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff00-\uffef"  # full-width forms
    "\u2018-\u201f"  # curly quotes, set full-width in Chinese text
    "\u2026\u2014\u00b7"  # … — ·
    "\U00020000-\U0003134f"  # ext B-G
)
_CJK_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026"

# Whitespace next to a wide character is layout (justification, number spacing), never meaning.
_SPACE_RUN = re.compile(f"(?<=[{_WIDE}])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[{_WIDE}])")
# Under keep_word_spaces, only spaces that touch punctuation or a non-ideograph are layout.
_LAYOUT_SPACE = re.compile(
    f"(?<=[{_PUNCT}])[ ]+|[ ]+(?=[{_PUNCT}])|(?<=[{_WIDE}])[ ]+(?=[^{_WIDE}])|(?<=[^{_WIDE}])[ ]+(?=[{_WIDE}])"
)
_SPACES = re.compile("[ \t\u3000\u00a0]+")
_LETTER_GAP = re.compile("(?<=[^ \t\u3000\u00a0]) (?=[^ \t\u3000\u00a0])")

CLOSERS = "”’」』）)》〉】〗\"'"
# A semicolon ends a sentence but not a paragraph.
_PARAGRAPH_END = re.compile(f"[。！？!?…][{re.escape(CLOSERS)}]*$")
_LATIN_END = re.compile(r"[A-Za-z]$")
_LATIN_START = re.compile(r"^[A-Za-z]")


def is_cjk(char: str) -> bool:
    """True for a Chinese ideograph."""
    return bool(_CJK_IDEOGRAPH.match(char))


_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")  # zero-width characters


def is_blank(text: str) -> bool:
    """Nothing but spaces, line breaks and zero-width characters."""
    return all(ch.isspace() or ch in _INVISIBLE for ch in text)


def read_stdin() -> bytes:
    """All of stdin, or a one-line InputError when it is closed."""
    if sys.stdin is None:
        raise InputError("-: stdin is closed")
    return sys.stdin.buffer.read()


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030 or Big5; raise InputError otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 says so with its byte order mark
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: starts like UTF-16 but does not decode as it") from exc
    if not data.strip():
        raise InputError(f"{name}: empty input")
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), expected UTF-8 or GB18030 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _legacy_chinese(data, name)
    if is_blank(text):
        raise InputError(f"{name}: empty input (only spaces or zero-width characters)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v\x1c\x1d\x1e\x1f")  # whitespace
    if controls > len(text) // 1000:
        raise InputError(f"{name}: looks like a binary file (control bytes), expected text")
    return text


# Full-width punctuation every Chinese text is full of, in either script.
_CHINESE_PUNCTUATION = set("，。、；：？！「」『』“”（）《》")


def legacy_encoding(data: bytes, name: str) -> str:
    """GB18030 (Simplified, mainland) or Big5 (Traditional, Taiwan and Hong Kong): the decoding whose text
    holds the more Chinese punctuation (a Big5 file read as GB18030 decodes, but into nonsense without any)."""
    decoded = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        decoded.append((sum(ch in _CHINESE_PUNCTUATION for ch in text), encoding == "gb18030", encoding))
    if not decoded:
        raise InputError(f"{name}: not UTF-8, UTF-16, GB18030 or Big5 text")
    try:  # Japanese Shift-JIS decodes as GB18030 too, into nonsense without Chinese punctuation
        japanese = sum(ch in _CHINESE_PUNCTUATION for ch in data.decode("shift_jis"))
    except UnicodeDecodeError:
        japanese = 0
    if japanese > max(decoded)[0]:
        raise InputError(f"{name}: looks like Japanese Shift-JIS, not UTF-8, GB18030 or Big5 Chinese text")
    return max(decoded)[2]


def _legacy_chinese(data: bytes, name: str) -> str:
    return data.decode(legacy_encoding(data, name))


def clean_line(line: str, keep_word_spaces: bool = False) -> str:
    """Clean one line: ⋯ to …, strip, and drop the spaces that PDF layout put between Chinese characters.

    With ``keep_word_spaces`` (for headlines), a space between two runs of ideographs stays as one
    space (it separates the clauses of a headline), unless the whole line is letter-spaced.
    """
    line = line.replace("\u22ef", "\u2026").replace("\r", "")
    if _letter_spaced(_SPACES.sub(" ", line).strip()):
        line = _LETTER_GAP.sub("", line)  # one space between letters is layout; a wider gap was a real space
    line = _SPACES.sub(" ", line).strip()
    if keep_word_spaces and not _letter_spaced(line):
        return _LAYOUT_SPACE.sub("", line)
    return _SPACE_RUN.sub("", line)


def _letter_spaced(line: str) -> bool:
    """Most space-separated tokens are single characters: a justified, letter-spaced line."""
    tokens = line.split(" ")
    return len(tokens) > 2 and sum(len(t) == 1 for t in tokens) * 2 > len(tokens)


def ends_paragraph(line: str) -> bool:
    """True when a cleaned line ends with sentence-final punctuation (and optional closing quotes)."""
    return bool(_PARAGRAPH_END.search(line))


def join_lines(lines: Iterable[str]) -> str:
    """Join cleaned column-wrapped lines into one paragraph: no space, except between Latin words."""
    out = ""
    for line in lines:
        if not line:
            continue
        if out and _LATIN_END.search(out) and _LATIN_START.match(line):
            out += " "
        out += line
    return out


def normalize(text: str) -> str:
    """Normalise raw PDF-extracted text into paragraphs separated by single newlines.

    Blank lines are treated as column breaks, not paragraph ends: a paragraph ends only at a line
    that ends with sentence-final punctuation.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = clean_line(raw)
        if not line:
            continue
        current.append(line)
        if ends_paragraph(line):
            paragraphs.append(join_lines(current))
            current = []
    if current:
        paragraphs.append(join_lines(current))
    return "\n".join(paragraphs)


@cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str, config: str = "t2s") -> str:
    """Traditional Chinese (Taiwan, Hong Kong) as Simplified, through OpenCC (``t2s``; ``tw2s``/``hk2s`` also
    convert regional words). Simplified text comes back unchanged."""
    return _opencc(config).convert(text)


def char_bigrams(text: str) -> set[str]:
    """Bigrams of the Chinese and alphanumeric characters of ``text`` (punctuation and spaces skipped)."""
    chars = [c for c in text if is_cjk(c) or c.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}
