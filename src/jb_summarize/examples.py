"""Worked examples for chat prompts, chosen per input from a pool by similarity (retrieval).

    pool = load_examples()                       # the bundled zh -> en pairs (data/translation_examples.tsv)
    load_examples(kind="summary")                # news text -> headline pairs (data/summary_examples.tsv)
    nearest_examples("全区新增就业...", pool, 2)    # the 2 pairs that share most character bigrams with it

Examples go into the prompt as earlier chat turns, the most similar last (next to the input).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from .glossary import parse_glossary
from .text import InputError, char_bigrams, decode_bytes

__all__ = ["Example", "load_examples", "nearest_examples"]

Example = tuple[str, str]  # (input, answer): Chinese and English, or news text and headline
KINDS = ("translation", "summary")


@cache
def _bundled(kind: str) -> tuple[Example, ...]:
    """The bundled pool of ``kind``, read once per process."""
    name = f"{kind}_examples.tsv"
    return tuple(
        parse_glossary((resources.files("jb_summarize") / "data" / name).read_text(encoding="utf-8"), name).items()
    )


def load_examples(*paths: str | Path, kind: str = "translation", bundled: bool = True) -> list[Example]:
    """The bundled examples of ``kind`` (translation or summary; unless ``bundled=False``) and each
    ``input<TAB>answer`` file's."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    pairs: list[Example] = list(_bundled(kind)) if bundled else []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read examples ({exc.strerror or exc})") from exc
        pairs += parse_glossary(decode_bytes(data, str(path)), str(path)).items()
    return pairs


def nearest_examples(text: str, pool: Sequence[Example], k: int) -> list[Example]:
    """The ``k`` examples whose Chinese shares the largest share of ``text``'s character bigrams, least
    similar first; an example identical to ``text`` is never chosen."""
    if k <= 0 or not pool:
        return []
    wanted = char_bigrams(text)
    if not wanted:
        return []

    def score(i: int) -> float:
        grams = char_bigrams(pool[i][0])
        return len(grams & wanted) / (len(grams) ** 0.5 * len(wanted) ** 0.5) if grams else 0.0

    candidates = [i for i in range(len(pool)) if pool[i][0] != text]
    best = sorted(candidates, key=lambda i: (-score(i), i))[:k]
    return [pool[i] for i in reversed(best)]
