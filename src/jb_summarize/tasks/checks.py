"""Checks on generated text: repetition loops and untranslated Chinese."""

from __future__ import annotations

import re

from ..text import is_cjk

__all__ = ["has_cjk", "has_repetition_loop", "units_of"]

_UNIT = re.compile(r"[A-Za-z0-9]+|\S")


def units_of(text: str) -> list[str]:
    """Words for Latin text, single characters for Chinese and punctuation."""
    return _UNIT.findall(text)


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


def has_repetition_loop(text: str, max_n: int = 8, min_repeats: int = 4) -> bool:
    """True when some n-gram (n <= max_n) occurs ``min_repeats`` times back to back."""
    units = units_of(text)
    for n in range(1, max_n + 1):
        needed = n * min_repeats
        for start in range(0, len(units) - needed + 1):
            gram = units[start : start + n]
            if all(units[start + k * n : start + (k + 1) * n] == gram for k in range(1, min_repeats)):
                return True
    return False
