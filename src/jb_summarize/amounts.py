"""Rewrite Chinese amounts as English figures before translation (any backend).

Models trip over 万 (10^4) and 亿 (10^8): 178亿元 comes out as "178 billion". Writing the amount in
English in the source (178亿元 -> 17.8 billion yuan) fixes that. Chinese numerals are read too (三千万元 ->
30 million yuan, 两个百亿级 -> two 10-billion-yuan-scale), and ``counts`` lists the small counts of things
(8个, 两个, 三大) that a translation must keep.

    rewrite_amounts("累计完成投资178亿元")   # '累计完成投资 17.8 billion yuan'
    chinese_number("两亿三千万")             # 230000000
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from .text import is_cjk

__all__ = ["chinese_number", "counts", "english_amount", "missing_counts", "rewrite_amounts"]

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

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_DIGIT = "〇零一二两兩三四五六七八九"
# A Chinese numeral starts with a digit or 十 (not 百/千: 千万 is also "by all means") and may hold 万/亿
# between digits (两亿三千万); after 数 or 几 (数十亿, 几十万: "several") it is not a figure.
_CN_NUMBER = f"[{_CN_DIGIT}十][{_CN_DIGIT}十百千]*(?:[万萬亿億]+[{_CN_DIGIT}十百千]+)*"
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_AMOUNT = re.compile(
    f"(?P<number>{_NUMBER}|(?<![第数几]){_CN_NUMBER})"
    f"(?P<pre>余|餘|多)?"
    f"(?P<mult>{'|'.join(MULTIPLIERS)})?"
    f"(?P<pre2>余|餘|多)?"
    f"(?P<unit>{_UNIT_PATTERN})?"
    f"(?P<post>左右|以上|以下)?"
)
# Two digits side by side (零 aside) in a numeral with units: a range such as 两三千 or 七八十.
_RANGE = re.compile("[一二两兩三四五六七八九]{2}")
# 百亿级 / 千亿级 / 万亿级: an industry's scale in yuan of output.
_SCALE = re.compile(r"(十|百|千)?(万亿|亿|万)级")
# A count of things: one digit (or Chinese digit) before a measure word; a translation must keep it.
_MEASURE_WORDS = "个項项家座条條所大名位批类類种種支场場次届屆轮輪处處片幅栋棟台臺辆輛艘架张張份篇部"
# One (一个, 一项项) reads as "a" in English and is left out.
_COUNT = re.compile(f"(?<![\\d.,{_CN_DIGIT}十百千第])([2-9]|[二两兩三四五六七八九])(?=[{_MEASURE_WORDS}])")
_COUNT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def chinese_number(numeral: str) -> int:
    """The value of a Chinese numeral: '三千' -> 3000, '两亿三千万' -> 230000000, '十五' -> 15, '二〇二二' -> 2022."""
    if not numeral or any(c not in DIGITS and c not in _SMALL_UNITS and c not in _LARGE_UNITS for c in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    if all(c in DIGITS for c in numeral):  # digit by digit, as years are written
        return int("".join(str(DIGITS[c]) for c in numeral))
    total, wan, section, digit = 0, 0, 0, None  # 亿 parts, 万 parts, below 万, the digit just read
    for char in numeral:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        elif _LARGE_UNITS[char] == 10**4:
            wan += (section + (digit or 0)) * 10**4
            section, digit = 0, None
        else:  # 亿: scales what was read since the last 亿 (so 一万亿 is 10^12)
            total += (wan + section + (digit or 0)) * 10**8
            wan, section, digit = 0, 0, None
    return total + wan + section + (digit or 0)


def counts(text: str) -> list[int]:
    """The small counts of things in ``text`` (8个项目, 两个, 三大): one digit from 2 to 9 before a measure word."""
    return [int(c) if c.isdigit() else DIGITS[c] for c in _COUNT.findall(text)]


def missing_counts(wanted: Sequence[int], english: str) -> list[int]:
    """The counts of ``wanted`` (2 to 10) that ``english`` does not carry, as a figure or a word, once each: two
    2s in the source need two of 2 / two / both in the English (8 / eight; 2 / two, both, pair)."""
    tokens = Counter(re.findall(r"[a-z]+|\d+", english.lower()))
    missing = []
    for count in wanted:
        words = [str(count), _COUNT_WORDS[count]] + (["both", "pair", "twin", "dual", "double"] if count == 2 else [])
        word = next((w for w in words if tokens[w] > 0), None)
        if word is None:
            missing.append(count)
        else:
            tokens[word] -= 1
    return missing


def _plain(value: Decimal) -> str:
    """17.80 -> '17.8', 80.0 -> '80' (never an exponent)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def english_amount(number: str, multiplier: str | None = None) -> str:
    """'178', '亿' -> '17.8 billion'; '2.5', '万' -> '25,000'; '1226' -> '1,226'; '三千', '万' -> '30 million'."""
    cn = not number[0].isdigit()
    if cn:  # the multiplier belongs to the numeral: 两亿三千 + 万
        value = Decimal(chinese_number(number + (multiplier or "")))
    else:
        value = Decimal(number.replace(",", "")) * (MULTIPLIERS[multiplier] if multiplier else 1)
    large = multiplier or (cn and any(c in _LARGE_UNITS for c in number))
    if large and value >= 10**9:
        return f"{_plain(value / 10**9)} billion"
    if large and value >= 10**6:
        return f"{_plain(value / 10**6)} million"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = _plain(value).partition(".")
    return f"{int(whole):,}.{fraction}"


def _replace(match: re.Match[str]) -> str:
    number, mult, unit = match["number"], match["mult"], match["unit"]
    qualifier = match["pre"] or match["pre2"] or match["post"]
    if not number[0].isdigit():
        if _RANGE.search(number):  # 两三千元, 七八十万: a rough range, left for the model to word
            return match[0]
        # a Chinese numeral is rewritten only as an amount: with 万/亿, or 十/百/千 before a unit; 三人 stays
        large = mult or any(c in _LARGE_UNITS for c in number)
        if not (large or (unit and unit != "%" and any(c in _SMALL_UNITS for c in number))):
            return match[0]
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


def _scale_words(match: re.Match[str]) -> str:
    """百亿级 -> '10-billion-yuan-scale'."""
    value = _SMALL_UNITS.get(match[1] or "", 1) * MULTIPLIERS[match[2]]
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if value >= size:
            return f"{_plain(value / size)}-{word}-yuan-scale"
    return f"{int(value):,}-yuan-scale"


def _inside(span: tuple[int, int], taken: list[tuple[tuple[int, int], str]]) -> bool:
    return any(start < span[1] and span[0] < end for (start, end), _ in taken)


def rewrite_amounts(text: str) -> str:
    """Every Chinese amount with 万/亿 or a unit, in Arabic or Chinese numerals, written as an English figure
    and spaced from Chinese text; 百亿级 and the like as a scale (10-billion-yuan-scale)."""
    out: list[str] = []
    last = 0
    matches = [(m.span(), _scale_words(m)) for m in _SCALE.finditer(text)]
    matches += [(m.span(), _replace(m)) for m in _AMOUNT.finditer(text) if not _inside(m.span(), matches)]
    for (start, end), replacement in sorted(matches):
        if replacement == text[start:end]:
            continue
        out.append(text[last:start])
        if start > 0 and (is_cjk(text[start - 1]) or text[start - 1].isalnum()):
            replacement = " " + replacement
        if end < len(text) and (is_cjk(text[end]) or text[end].isalnum()):
            replacement += " "
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)
