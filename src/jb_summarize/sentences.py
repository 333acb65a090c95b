"""Chinese sentence splitting that reassembles exactly: ``"".join(split_sentences(x)) == x``."""

from __future__ import annotations

import re

from .text import CLOSERS

__all__ = ["sentences_of", "split_clauses", "split_sentences"]

# A sentence ends after a run of enders (。！？； ! ? ; and the ellipsis ……), "...", or a '.' that is
# not inside a number; then come any closing quotes or brackets and any whitespace. A newline always
# ends a sentence.
_END = re.compile(
    f"(?:[。！？；!?;…]+|\\.{{3,}}|(?<![0-9])\\.(?![0-9A-Za-z]))[{re.escape(CLOSERS)}]*[ \t\u3000]*\n*|\n+"
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; each piece keeps its punctuation, closing quotes and trailing spaces."""
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def sentences_of(text: str) -> list[str]:
    """The sentences of a text with surrounding whitespace stripped and empty pieces dropped."""
    return [s.strip() for s in split_sentences(text) if s.strip()]


_CLAUSE_END = re.compile("(?<=[，、：,:])")


def split_clauses(sentence: str) -> list[str]:
    """Split after clause punctuation (，、：); ``"".join(split_clauses(x)) == x``."""
    return [c for c in _CLAUSE_END.split(sentence) if c]
