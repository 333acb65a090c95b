"""Chat prompts for instruction-tuned models, and cleaning of their answers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..glossary import find_terms

__all__ = [
    "clean_paragraph_answer",
    "clean_summary_answer",
    "clean_translation_answer",
    "name_messages",
    "summary_messages",
    "translation_messages",
]

Messages = list[dict[str, str]]

_SUMMARY_PREFIX = re.compile(r"^(?:摘要|标题|总结|概括|新闻标题|summary|headline|title)\s*[:：]\s*", re.IGNORECASE)
_TRANSLATION_PREFIX = re.compile(r"^(?:translation|english|译文|英文|翻译)\s*[:：]\s*", re.IGNORECASE)
# "Here is the translation:", "The Chinese text is translated into English as:" and the like.
_PREAMBLE = re.compile(r"^[^:：\n]{0,80}\b(?:translat\w*|english)\b[^:：\n]{0,40}[:：]\s*", re.IGNORECASE)
_NOTE = re.compile(r"^\(?(?:note|注|说明|explanation)\b", re.IGNORECASE)
_QUOTES = [("“", "”"), ("「", "」"), ("『", "』"), ("《", "》"), ('"', '"'), ("'", "'"), ("‘", "’")]


def _summary_request(text: str, max_chars: int, style: str = "headline") -> str:
    if style == "summary":
        return (
            f"请用两到三句话概括下面这段新闻的要点，保留其中的关键数字，不超过{max_chars}个字。"
            f"只输出概括本身，不要解释，不要加标题。\n\n{text}"
        )
    return (
        f"请为下面这段新闻写一个标题式的中文摘要，不超过{max_chars}个字。"
        f"只输出摘要本身，不要解释，不要加引号。\n\n{text}"
    )


def _example_turns(examples: Sequence[tuple[str, str]]) -> Messages:
    """Worked examples as earlier chat turns: the user's request, then the answer."""
    return [
        {"role": role, "content": content}
        for request, answer in examples
        for role, content in (("user", request), ("assistant", answer))
    ]


def summary_messages(
    text: str, max_chars: int, examples: Sequence[tuple[str, str]] = (), style: str = "headline"
) -> Messages:
    """System: the editor's role; worked ``examples`` (text, headline) as earlier turns; user: the request
    for a headline-style summary or (``style="summary"``) two or three sentences."""
    return [
        {"role": "system", "content": "你是一名中文新闻编辑。"},
        *_example_turns([(_summary_request(body, max_chars, style), headline) for body, headline in examples]),
        {"role": "user", "content": _summary_request(text, max_chars, style)},
    ]


def translation_messages(
    text: str,
    glossary: Mapping[str, str] | None = None,
    strict: bool = False,
    examples: Sequence[tuple[str, str]] = (),
    numbers: Sequence[str] = (),
    names: Sequence[str] = (),
    context: str = "",
    context_english: str = "",
    headline: bool = False,
) -> Messages:
    """System: the task, the rules, the names that occur in the text and the ``context`` (the source text
    before it, shown, not translated); then worked ``examples`` as earlier turns; user: the Chinese text alone.
    ``strict`` (a retry) adds rules, and the ``numbers`` and ``names`` the translation must contain.
    With ``context_english`` (the context's translation) the context is the last earlier turn instead; with
    ``headline`` the text is a headline, to be written as an English news headline."""
    rules = "Translate the user's Chinese text into English. Reply with the translation only."
    if headline:
        rules = (
            "Translate the user's Chinese news headline into an English news headline: concise, in the style of "
            "English newspaper headlines rather than a word-for-word gloss, keeping every name and number. "
            "Reply with the headline only."
        )
    if strict:
        rules += (
            " Translate every Chinese word into English; write names that have no English form in pinyin."
            " Keep every number exactly as written. The answer must contain no Chinese characters."
        )
        if numbers:
            rules += " The translation must contain these numbers: " + "; ".join(numbers) + "."
        if names:
            rules += " The translation must contain these names: " + "; ".join(names) + "."
    terms = find_terms(text, glossary or {})
    if terms:
        rules += "\nUse these English names: " + "; ".join(f"{zh} = {en}" for zh, en in terms) + "."
    if context and context_english:
        examples = [*examples, (context, context_english)]
    elif context:
        rules += (
            "\nThe text comes from a longer article. For context only (do not translate it), the text before it: "
            + context
        )
    return [{"role": "system", "content": rules}, *_example_turns(examples), {"role": "user", "content": text}]


def name_messages(name: str) -> Messages:
    """A name or a quoted term alone, to be translated once for a whole article."""
    rules = (
        "Translate the user's Chinese name or term into English as it would appear in an English news article. "
        "Reply with the English name only; write place names in pinyin."
    )
    return [{"role": "system", "content": rules}, {"role": "user", "content": name}]


def _strip_quotes(text: str) -> str:
    for left, right in _QUOTES:
        if len(text) >= 2 and text.startswith(left) and text.endswith(right):
            inner = text[len(left) : -len(right)]
            if left not in inner and right not in inner:
                return inner.strip()
    return text


def _first_line(text: str) -> str:
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def clean_summary_answer(answer: str) -> str:
    """The headline alone: first non-empty line, without prefixes like 摘要： and without quotes."""
    line = _SUMMARY_PREFIX.sub("", _first_line(answer))
    return _strip_quotes(line)


def clean_paragraph_answer(answer: str) -> str:
    """A few sentences: the non-empty lines joined, without a 摘要： prefix or wrapping quotes."""
    text = "".join(line.strip() for line in answer.strip().splitlines() if line.strip())
    return _strip_quotes(_SUMMARY_PREFIX.sub("", text))


def clean_translation_answer(answer: str) -> str:
    """The translation alone: no 'Translation:' prefix, no trailing notes, no wrapping quotes."""
    lines = [line.strip() for line in answer.strip().splitlines()]
    kept: list[str] = []
    for line in lines:
        if _NOTE.match(line):
            break
        if line:
            kept.append(line)
    text = _TRANSLATION_PREFIX.sub("", " ".join(kept))
    text = _PREAMBLE.sub("", text)
    return _strip_quotes(text)
