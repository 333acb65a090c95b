"""Glossaries of names (Chinese -> English): the bundled one for the seed's places, plus user files."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from .text import InputError, decode_bytes

__all__ = ["Glossary", "find_terms", "load_glossary", "parse_glossary"]

Glossary = dict[str, str]


def parse_glossary(text: str, name: str = "glossary") -> Glossary:
    """Tab-separated ``zh<TAB>en`` lines; blank lines and lines starting with # are skipped."""
    terms: Glossary = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(f"{name}:{number}: expected 'Chinese<TAB>English', got {line!r}")
        terms[parts[0].strip()] = parts[1].strip()
    return terms


def load_glossary(*paths: str | Path, bundled: bool = True) -> Glossary:
    """The bundled glossary (unless ``bundled=False``) updated by each file in order."""
    terms: Glossary = {}
    if bundled:
        text = (resources.files("jb_summarize") / "data" / "glossary.tsv").read_text(encoding="utf-8")
        terms.update(parse_glossary(text, "glossary.tsv"))
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read glossary ({exc.strerror or exc})") from exc
        terms.update(parse_glossary(decode_bytes(data, str(path)), str(path)))
    return terms


def find_terms(text: str, glossary: Mapping[str, str]) -> list[tuple[str, str]]:
    """Glossary terms in the text, longest match first and without overlaps, in order of first use."""
    taken = [False] * len(text)
    first_use: dict[str, int] = {}
    for zh in sorted(glossary, key=len, reverse=True):
        start = text.find(zh)
        while start != -1:
            end = start + len(zh)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(zh)
                first_use.setdefault(zh, start)
            start = text.find(zh, end)
    return [(zh, glossary[zh]) for zh in sorted(first_use, key=first_use.__getitem__)]
