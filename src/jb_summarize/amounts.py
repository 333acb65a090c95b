"""Rewrite Chinese amounts as English figures before translation (any backend).

Models trip over 万 (10^4) and 亿 (10^8): 178亿元 comes out as "178 billion". Writing the amount in
English in the source (178亿元 -> 17.8 billion yuan) fixes that.

    rewrite_amounts("累计完成投资178亿元")   # '累计完成投资 17.8 billion yuan'
"""

from __future__ import annotations

import re
from decimal import Decimal

from .text import is_cjk

__all__ = ["english_amount", "rewrite_amounts"]

MULTIPLIERS = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}
# Traditional Chinese (Taiwan, Hong Kong) writes the same words with other characters.
MULTIPLIERS |= {"萬億": MULTIPLIERS["万亿"], "億": MULTIPLIERS["亿"], "萬": MULTIPLIERS["万"]}
# Longest first, so that 平方公里 wins over 公里.
UNITS = {
    "平方公里": "square kilometres",
    "平方米": "square metres",
    "公顷": "hectares",
    "公里": "kilometres",
    "千瓦": "kilowatts",
    "标箱": "TEU",
    "美元": "US dollars",
    "人次": "person-times",
    "亩": "mu",
    "元": "yuan",
    "人": "people",
    "吨": "tonnes",
    "户": "households",
    "%": "%",
}
UNITS |= {"公頃": "hectares", "標箱": "TEU", "畝": "mu", "噸": "tonnes", "戶": "households"}
QUALIFIERS = {"左右": "about", "以上": "over", "余": "more than", "餘": "more than", "多": "more than", "以下": "under"}

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_AMOUNT = re.compile(
    f"(?P<number>{_NUMBER})"
    f"(?P<pre>余|餘|多)?"
    f"(?P<mult>{'|'.join(MULTIPLIERS)})?"
    f"(?P<unit>{'|'.join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))})?"
    f"(?P<post>左右|以上|以下)?"
)


def _plain(value: Decimal) -> str:
    """17.80 -> '17.8', 80.0 -> '80' (never an exponent)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def english_amount(number: str, multiplier: str | None = None) -> str:
    """'178', '亿' -> '17.8 billion'; '2.5', '万' -> '25,000'; '1226' -> '1,226'."""
    value = Decimal(number.replace(",", "")) * (MULTIPLIERS[multiplier] if multiplier else 1)
    if multiplier and value >= 10**9:
        return f"{_plain(value / 10**9)} billion"
    if multiplier and value >= 10**6:
        return f"{_plain(value / 10**6)} million"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = _plain(value).partition(".")
    return f"{int(whole):,}.{fraction}"


def _replace(match: re.Match[str]) -> str:
    number, mult, unit = match["number"], match["mult"], match["unit"]
    qualifier = match["pre"] or match["post"]
    if unit == "%":
        if not qualifier or match["pre"]:
            return match[0]
        return f"{QUALIFIERS[qualifier]} {number}%"
    if not mult and not unit:
        return match[0]
    if match["pre"] and not unit and not mult:
        return match[0]
    words = [english_amount(number, mult)]
    if unit:
        words.append(UNITS[unit])
    if qualifier:
        words.insert(0, QUALIFIERS[qualifier])
    return " ".join(words)


def rewrite_amounts(text: str) -> str:
    """Every Chinese amount with 万/亿 or a unit written as an English figure, spaced from Chinese text."""
    out: list[str] = []
    last = 0
    for match in _AMOUNT.finditer(text):
        replacement = _replace(match)
        if replacement == match[0]:
            continue
        start, end = match.span()
        out.append(text[last:start])
        if start > 0 and (is_cjk(text[start - 1]) or text[start - 1].isalnum()):
            replacement = " " + replacement
        if end < len(text) and (is_cjk(text[end]) or text[end].isalnum()):
            replacement += " "
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)
