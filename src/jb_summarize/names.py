"""The names of an article that a translation should keep the same from sentence to sentence.

    article_names(["江北区打造“精特亮”工程。", ...])   # ['江北区', '精特亮']

Two explainable sources: terms in Chinese quotation marks (slogans, project and programme names such as
“精特亮”, “最多跑一次”) and place names (jieba's ``ns`` tag) of three characters or more (江北区, 姚江新城).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .text import is_cjk

__all__ = ["article_names"]

_QUOTED = re.compile(r"“([^”“，。；！？\n]{2,12})”")
_MIN_PLACE = 3


def article_names(texts: Sequence[str]) -> list[str]:
    """Quoted terms and place names in ``texts``, each once: text by text, a text's quoted terms first."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    found: dict[str, int] = {}
    for text in texts:
        for match in _QUOTED.finditer(text):
            term = match.group(1).strip()
            if any(is_cjk(c) for c in term):
                found.setdefault(term, len(found))
        for word in pseg.cut(text):
            if word.flag == "ns" and len(word.word) >= _MIN_PLACE and all(is_cjk(c) for c in word.word):
                found.setdefault(word.word, len(found))
    return list(found)
