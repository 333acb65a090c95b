"""Chinese amounts, percentages, ranges and dates: read (``find_amounts``), written in English
(``rewrite_amounts``) and checked in a translation (``missing_amounts``).

Models trip over 万 (10^4) and 亿 (10^8): 178亿元 comes out as "178 billion". Writing the amount in
English in the source (178亿元 -> 17.8 billion yuan) fixes that. Chinese numerals are read with cn2an (三千万元 ->
30 million yuan); the English is written here. Approximate numbers (近百家, 上千人) are left to the model, and
the check asks only for their scale (a hundred, thousands). ``counts`` lists the small counts of things (8个,
两个, 三大) that a translation must keep.

    rewrite_amounts("累计完成投资178亿元")        # '累计完成投资 17.8 billion yuan'
    rewrite_amounts("1.5万亿元")                  # '1.5 trillion yuan'
    missing_amounts("新增就业2.5万人", "2.5 million new jobs")   # ['2.5万人']: 100 times off
    chinese_number("两亿三千万")                  # 230000000
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .text import is_cjk

__all__ = [
    "Amount",
    "chinese_number",
    "counts",
    "english_amount",
    "english_values",
    "find_amounts",
    "missing_amounts",
    "missing_counts",
    "rewrite_amounts",
]

MULTIPLIERS = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}
# Traditional Chinese (Taiwan, Hong Kong) writes the same words with other characters.
MULTIPLIERS |= {"萬億": MULTIPLIERS["万亿"], "億": MULTIPLIERS["亿"], "萬": MULTIPLIERS["万"]}
# Currencies: 500万元人民币 and 人民币500万元 are both "5 million yuan".
CURRENCIES = {
    "元人民币": "yuan",
    "元人民幣": "yuan",
    "人民币": "yuan",
    "人民幣": "yuan",
    "美元": "US dollars",
    "美金": "US dollars",
    "港元": "Hong Kong dollars",
    "港币": "Hong Kong dollars",
    "港幣": "Hong Kong dollars",
    "欧元": "euros",
    "歐元": "euros",
    "日元": "yen",
    "英镑": "pounds",
    "英鎊": "pounds",
    "澳元": "Australian dollars",
    "韩元": "won",
    "卢布": "roubles",
    "新台币": "New Taiwan dollars",
    "元": "yuan",
}
# Longest first, so that 平方公里 wins over 公里.
UNITS = {
    **CURRENCIES,
    "平方公里": "square kilometres",
    "平方千米": "square kilometres",
    "平方米": "square metres",
    "立方米": "cubic metres",
    "个百分点": "percentage points",
    "百分点": "percentage points",
    "千瓦时": "kilowatt-hours",
    "公顷": "hectares",
    "公里": "kilometres",
    "千米": "kilometres",
    "千瓦": "kilowatts",
    "千克": "kilograms",
    "公斤": "kilograms",
    "标箱": "TEU",
    "人次": "person-times",
    "亩": "mu",
    "人": "people",
    "吨": "tonnes",
    "户": "households",
    "米": "metres",
    "%": "%",
}
UNITS |= {"公頃": "hectares", "標箱": "TEU", "畝": "mu", "噸": "tonnes", "戶": "households"}
# Units that a duration in a range takes (3至5年): not rewritten alone (2021年 is a year).
RANGE_UNITS = {**UNITS, "年": "years", "个月": "months", "天": "days", "岁": "years old", "倍": "times"}
QUALIFIERS = {"左右": "about", "以上": "over", "余": "more than", "餘": "more than", "多": "more than", "以下": "under"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
MONTHS += ["November", "December"]

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_DIGIT = "〇零一二两兩三四五六七八九"
# A Chinese numeral starts with a digit or 十 (not 百/千: 千万 is also "by all means") and may hold 万/亿
# between digits (两亿三千万) and a decimal part (一点五); after 数 or 几 (数十亿, 几十万: "several") it is not
# a figure.
_CN_NUMBER = f"[{_CN_DIGIT}十][{_CN_DIGIT}十百千]*(?:[万萬亿億]+[{_CN_DIGIT}十百千]+)*(?:点[{_CN_DIGIT}]+)?"
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_ANY_NUMBER = f"(?:{_NUMBER}|(?<![第数几]){_CN_NUMBER})"
_MULT = "|".join(MULTIPLIERS)


def _alternatives(words) -> str:
    return "|".join(re.escape(u) for u in sorted(words, key=len, reverse=True))


_RMB = "(?:人民币|人民幣)"
_AMOUNT = re.compile(
    f"(?P<rmb>{_RMB})?"
    f"(?P<number>{_ANY_NUMBER})"
    rf"(?P<pre>余|餘|多)?\s?"
    f"(?P<mult>{_MULT})?"
    f"(?P<pre2>余|餘|多)?"
    f"(?P<unit>{_alternatives(UNITS)})?"
    f"(?P<post>左右|以上|以下)?"
)
_PERCENT = re.compile(f"百分之(?P<number>{_NUMBER}|{_CN_NUMBER})")
_RANGE_SEP = r"\s?(?:至|到|—|–|-|~|～|〜)\s?"
_RANGE_AMOUNT = re.compile(
    f"(?P<rmb>{_RMB})?(?P<a>{_ANY_NUMBER})(?P<amult>{_MULT})?(?P<aunit>%)?{_RANGE_SEP}"
    f"(?P<b>{_NUMBER}|{_CN_NUMBER})(?P<bmult>{_MULT})?(?P<unit>{_alternatives(RANGE_UNITS)})?"
)
_MONTH = f"1[0-2]|0?[1-9]|十[一二]?|[{_CN_DIGIT[2:]}]"
_DAY = f"3[01]|[12]\\d|0?[1-9]|[二三]?十[{_CN_DIGIT[2:]}]?|[{_CN_DIGIT[2:]}]"
_DATE = re.compile(
    f"(?:(?P<year>\\d{{4}}|[{_CN_DIGIT}]{{4}})年)?"
    f"(?<![\\d{_CN_DIGIT}十])(?:(?P<m1>{_MONTH}){_RANGE_SEP})?(?P<month>{_MONTH})月份?"
    f"(?:(?P<day>{_DAY})[日号])?"
)
# Tenths (6成 is 60%; 逾6成: over 60%) and decades (90年代: the 1990s).
_TENTHS = re.compile(f"(?P<q>逾|超|近|约)?(?P<n>[1-9]|[{_CN_DIGIT[2:]}])成(?![员为功立本果绩就长熟交都])")
_DECADE = re.compile(r"(?<![\d.])(?P<n>[1-9]0)年代")
# A year in Chinese digits (二〇二二年): read for the check, left as it is.
_CN_YEAR = re.compile(f"[{_CN_DIGIT}]{{4}}(?=年)")
# Two digits side by side (零 aside) in a numeral: a rough range such as 两三千 or 七八十.
_ROUGH = re.compile("[一二两兩三四五六七八九]{2}(?:十|百|千)[万萬亿億]?|[一二两兩三四五六七八九]{2}[万萬亿億]")
_ROUGH_PAIR = re.compile("[一二两兩三四五六七八九]{2}")
# 近百家, 上千人, 数十万, 几十亿, 逾万: approximate numbers, left to the model and checked for scale.
_APPROX_BASE = "(?:十|百|千)?(?:万亿|萬億|亿|億|万|萬)|百|千"
_APPROX = re.compile(f"(?P<pre>近|逾|超|上|数|几|好几|成|过)(?P<base>{_APPROX_BASE})(?:余|多)?")
# 百亿级 / 千亿级 / 万亿级: an industry's scale in yuan of output.
_SCALE = re.compile(r"(十|百|千)?(万亿|亿|万)级")
# A count of things: one digit (or Chinese digit) before a measure word; a translation must keep it.
_MEASURE_WORDS = "个項项家座条條所大名位批类類种種支场場次届屆轮輪处處片幅栋棟台臺辆輛艘架张張份篇部"
# One (一个, 一项项) reads as "a" in English and is left out.
_COUNT = re.compile(f"(?<![\\d.,{_CN_DIGIT}十百千第])([2-9]|[二两兩三四五六七八九])(?=[{_MEASURE_WORDS}])")
_COUNT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_TRADITIONAL = str.maketrans({"兩": "两", "萬": "万", "億": "亿"})


@dataclass(frozen=True)
class Amount:
    """A number in Chinese text: where it is, its English (None: left to the model) and what a translation
    must carry: ``values`` (a range has two), ``month`` (a date's, 1-12) or ``scale`` (an approximate
    number's size: 100 for 近百)."""

    start: int
    end: int
    text: str
    english: str | None
    values: tuple[Decimal, ...] = ()
    month: int | None = None
    scale: int | None = None
    rewrite: bool = True  # False: read for the check only (plain figures, years)
    decade: bool = False  # 90年代: 90, 1990 or 2090 in the English


def chinese_number(numeral: str) -> int | Decimal:
    """The value of a Chinese numeral (cn2an): '三千' -> 3000, '两亿三千万' -> 230000000, '十五' -> 15,
    '二〇二二' -> 2022, '二点五' -> Decimal('2.5')."""
    import cn2an

    if not numeral or any(c not in DIGITS and c not in _SMALL_UNITS and c not in _LARGE_UNITS for c in numeral):
        if not (numeral and "点" in numeral and all(c in DIGITS for c in numeral.partition("点")[2])):
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
    try:
        value = cn2an.cn2an(numeral.translate(_TRADITIONAL), "normal")
    except (ValueError, KeyError) as exc:
        raise ValueError(f"not a Chinese numeral: {numeral!r}") from exc
    return int(value) if float(value).is_integer() and "点" not in numeral else Decimal(str(value))


def _value(number: str, multiplier: str | None = None) -> Decimal:
    """'178', '亿' -> 17800000000; '三千', '万' -> 30000000; '一点五', '万亿' -> 1.5 * 10^12."""
    scale = MULTIPLIERS[multiplier] if multiplier else 1
    if number[0].isdigit():
        return Decimal(number.replace(",", "")) * scale
    if "点" in number or not multiplier:
        return Decimal(chinese_number(number)) * scale
    return Decimal(chinese_number(number + multiplier))  # the multiplier belongs to the numeral: 两亿三千 + 万


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


def _english_value(value: Decimal, large: bool) -> str:
    """17800000000 -> '17.8 billion' (``large``: written with 万/亿), 25000 -> '25,000', 1226 -> '1,226'."""
    if large:
        for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
            if value >= size:
                return f"{_plain(value / size)} {word}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = _plain(value).partition(".")
    return f"{int(whole):,}.{fraction}"


def english_amount(number: str, multiplier: str | None = None) -> str:
    """'178', '亿' -> '17.8 billion'; '2.5', '万' -> '25,000'; '1226' -> '1,226'; '三千', '万' -> '30 million';
    '1.5', '万亿' -> '1.5 trillion'."""
    large = bool(multiplier) or (not number[0].isdigit() and any(c in _LARGE_UNITS for c in number))
    return _english_value(_value(number, multiplier), large)


def _amount(match: re.Match[str]) -> Amount | None:
    """An amount (number, multiplier, unit, qualifier), or None where the match is no amount (三人, 千万不要)."""
    number, mult, unit = match["number"], match["mult"], match["unit"]
    qualifier = match["pre"] or match["pre2"] or match["post"]
    cn = not number[0].isdigit()
    if match["rmb"] and not unit:
        unit = "人民币"
    if cn:
        if _ROUGH_PAIR.search(number):
            return None  # 两三千元, 七八十万: a rough range, found by _ROUGH
        # a Chinese numeral is an amount only with 万/亿, or 十/百/千 before a unit; 三人 stays
        large = mult or any(c in _LARGE_UNITS for c in number)
        if not (large or (unit and unit != "%" and any(c in _SMALL_UNITS for c in number))):
            return None
    value = _value(number, mult)
    span = match.span()
    if unit == "%":
        rewrite = bool(qualifier) and not match["pre"]
        english = f"{QUALIFIERS[qualifier]} {number}%" if rewrite else match[0]
        return Amount(*span, match[0], english, (value,), rewrite=rewrite)
    if not mult and not unit:
        return Amount(*span, match[0], match[0], (value,), rewrite=False) if not cn else None
    words = [english_amount(number, mult)]
    if unit:
        words.append(UNITS[unit])
    if qualifier:
        words.insert(0, QUALIFIERS[qualifier])
    return Amount(*span, match[0], " ".join(words), (value,))


def _range(match: re.Match[str]) -> Amount | None:
    """3至5年 -> 3 to 5 years; 3万至5万元 and 3至5万元 -> 30,000 to 50,000 yuan; 10%—15% -> 10% to 15%."""
    unit = match["unit"] or ("%" if match["aunit"] else None)
    mult = match["bmult"] or match["amult"]
    if not (unit or mult) or (match["aunit"] and unit != "%"):
        return None
    if match["rmb"] and not unit:
        unit = "人民币"
    a, b = match["a"], match["b"]
    if any(not n[0].isdigit() and _ROUGH_PAIR.search(n) for n in (a, b)):
        return None
    if unit == "年" and all(len(n) == 4 and n.isdigit() for n in (a, b)):
        return Amount(*match.span(), match[0], f"{a} to {b}", (Decimal(a), Decimal(b)))
    values = (_value(a, match["amult"] or match["bmult"]), _value(b, mult))
    large = bool(mult)
    words = [_english_value(v, large) + ("%" if unit == "%" else "") for v in values]
    english = " to ".join(words)
    if unit and unit != "%":
        english += " " + RANGE_UNITS[unit]
    return Amount(*match.span(), match[0], english, values)


def _date_part(text: str) -> int:
    return int(text) if text.isdigit() else int(chinese_number(text))


def _date(match: re.Match[str]) -> Amount | None:
    """2022年3月 -> March 2022; 3月5日 -> March 5; 2022年1—3月 -> January to March 2022."""
    month = _date_part(match["month"])
    first = _date_part(match["m1"]) if match["m1"] else None
    if not 1 <= month <= 12 or (first is not None and not 1 <= first < month):
        return None
    english = MONTHS[month - 1]
    if first is not None:
        english = f"{MONTHS[first - 1]} to {english}"
    values: list[Decimal] = []
    if match["day"]:
        day = _date_part(match["day"])
        if not 1 <= day <= 31:
            return None
        english += f" {day}"
        values.append(Decimal(day))
    if match["year"]:
        year = _date_part(match["year"])
        english += f", {year}" if match["day"] else f" {year}"
        values.append(Decimal(year))
    return Amount(*match.span(), match[0], english, tuple(values), month=month)


def _tenths(match: re.Match[str]) -> Amount:
    """6成 -> 60%; 逾6成 -> over 60%."""
    value = Decimal(_date_part(match["n"]) * 10)
    words = {"逾": "over ", "超": "over ", "近": "nearly ", "约": "about "}.get(match["q"] or "", "")
    return Amount(*match.span(), match[0], f"{words}{value}%", (value,))


def _decade(match: re.Match[str]) -> Amount:
    """90年代: the 1990s, read for the check (1990s, '90s), left as it is (20年代 may be either century)."""
    n = int(match["n"])
    return Amount(*match.span(), match[0], match[0], (Decimal(n),), rewrite=False, decade=True)


def _cn_year(match: re.Match[str]) -> Amount:
    return Amount(*match.span(), match[0], match[0], (Decimal(chinese_number(match[0])),), rewrite=False)


def _percent(match: re.Match[str]) -> Amount:
    """百分之十 -> 10%; 百分之二点五 -> 2.5%."""
    value = _value(match["number"])
    return Amount(*match.span(), match[0], f"{_plain(value)}%", (value,))


def _scale_words(match: re.Match[str]) -> Amount:
    """百亿级 -> '10-billion-yuan-scale'."""
    value = _SMALL_UNITS.get(match[1] or "", 1) * MULTIPLIERS[match[2]]
    english = f"{int(value):,}-yuan-scale"
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if value >= size:
            english = f"{_plain(value / size)}-{word}-yuan-scale"
            break
    return Amount(*match.span(), match[0], english, (value,))


def _approximate(match: re.Match[str]) -> Amount:
    """近百家, 上千人, 数十万: left to the model; the English must show the scale."""
    base = match["base"] if "base" in match.groupdict() else match[0]
    value = 1
    for char in base.translate(_TRADITIONAL):
        value = value * _SMALL_UNITS[char] if char in _SMALL_UNITS else value * _LARGE_UNITS.get(char, 1)
    if "pre" not in match.groupdict():  # 两三千: the first digit sets the size
        value *= DIGITS[base[0]]
    return Amount(*match.span(), match[0], None, scale=value, rewrite=False)


def find_amounts(text: str) -> list[Amount]:
    """Every number in ``text`` in order, without overlaps: dates, ranges, percentages, scales (百亿级),
    approximate numbers, amounts with a multiplier or unit, and plain figures (read, not rewritten)."""
    taken: list[Amount] = []
    for pattern, read in (
        (_DATE, _date),
        (_CN_YEAR, _cn_year),
        (_DECADE, _decade),
        (_TENTHS, _tenths),
        (_RANGE_AMOUNT, _range),
        (_PERCENT, _percent),
        (_SCALE, _scale_words),
        (_APPROX, _approximate),
        (_ROUGH, _approximate),
        (_AMOUNT, _amount),
    ):
        for match in pattern.finditer(text):
            if not match[0] or any(a.start < match.end() and match.start() < a.end for a in taken):
                continue
            amount = read(match)
            if amount is not None:
                taken.append(amount)
    return sorted(taken, key=lambda a: a.start)


def rewrite_amounts(text: str) -> str:
    """Every Chinese amount with 万/亿 or a unit, percentage (百分之十), range (3至5年) and date (2022年3月)
    written in English and spaced from Chinese text; 百亿级 and the like as a scale (10-billion-yuan-scale).
    Approximate numbers (近百家) and plain figures stay as they are."""
    out: list[str] = []
    last = 0
    for amount in find_amounts(text):
        start, end, replacement = amount.start, amount.end, amount.english
        if not amount.rewrite or replacement is None or replacement == text[start:end]:
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


_EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_WORDS = {w: i for i, w in enumerate(_COUNT_WORDS)} | {"a": 1, "an": 1, "eleven": 11, "twelve": 12}
_EN_WORDS |= {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_EN_WORDS |= {"ninety": 90, "dozen": 12}
_EN_AMOUNT = re.compile(
    r"(?P<number>(?<![\d.,])\d[\d,]*(?:\.\d+)?(?!\d)|\b(?:"
    + "|".join(sorted(_EN_WORDS, key=len, reverse=True))
    + r")\b)"
    r"(?:[\s-]+(?P<scale>(?:hundred|thousand|million|billion|trillion)(?:[\s-]+(?:thousand|million|billion))?)s?\b)?",
    re.IGNORECASE,
)
_EN_SHORT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(k|m|bn|b|tn)\b", re.IGNORECASE)
_EN_SHORT_SCALE = {"k": 10**3, "m": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}
_MONTH_WORDS = {name.lower(): i for i, name in enumerate(MONTHS, start=1)} | {
    name[:3].lower(): i for i, name in enumerate(MONTHS, start=1)
}


def english_values(english: str) -> list[Decimal]:
    """The numbers an English text states, with their scale words: '17.8 billion' -> 1.78e10, '25,000' ->
    25000, 'two million' -> 2e6, '$5m' -> 5e6, '10%' -> 10."""
    values = []
    for match in _EN_AMOUNT.finditer(english):
        number = match["number"].lower().replace(",", "")
        if not number[0].isdigit() and not match["scale"] and number in ("a", "an"):
            continue
        value = Decimal(number) if number[0].isdigit() else Decimal(_EN_WORDS[number])
        for word in (match["scale"] or "").lower().replace("-", " ").split():
            value *= _EN_SCALES[word]
        values.append(value)
    values += [Decimal(m[1]) * _EN_SHORT_SCALE[m[2].lower()] for m in _EN_SHORT.finditer(english)]
    return values


def _scale_shown(scale: int, english: str, values: Sequence[Decimal]) -> bool:
    """An approximate number of size ``scale`` (100 for 近百) is in the English as a figure of that size (half
    to ten times it) or as the scale word (hundreds, thousands, millions)."""
    if any(Decimal(scale) / 2 <= v < Decimal(scale) * 10 for v in values):
        return True
    power = int(math.log10(scale))
    if power < 2:
        return True  # 数十: dozens, tens, a few: not checked
    word = {2: "hundred"}.get(power) or ("thousand" if power < 6 else "million" if power < 9 else "billion")
    if power >= 12:
        word = "trillion"
    return re.search(rf"\b{word}s?\b", english, re.IGNORECASE) is not None


def missing_amounts(source: str, english: str) -> list[str]:
    """The Chinese forms of ``source`` whose figures the English lacks or gets wrong (2.5万人 written as
    "2.5 million"), whatever the translation did with them: each amount's value (within rounding), a date's
    month, an approximate number's scale. Integers up to 10 may be words (ten projects)."""
    values = english_values(english)
    lowered = english.lower()
    months = {_MONTH_WORDS[w] for w in re.findall(r"[a-z]+", lowered) if w in _MONTH_WORDS}
    missing = []
    for amount in find_amounts(source):
        if amount.scale is not None and not amount.values:
            if not _scale_shown(amount.scale, english, values):
                missing.append(amount.text)
            continue
        ok = amount.month is None or amount.month in months
        if amount.decade:
            n = amount.values[0]
            if not any(v in (n, 1900 + n, 2000 + n) for v in values):
                missing.append(amount.text)
            continue
        for value in amount.values:
            if value == value.to_integral_value() and value <= 10 and not amount.text.endswith("%"):
                ok = ok and (not missing_counts([int(value)], english) if value >= 2 else True)
                continue
            if value.is_zero():
                continue
            # large amounts may be rounded (12.26 million for 1226万); years and small figures are exact
            slack = abs(value) * Decimal("0.006") if value >= 10**4 else 0
            if not any(abs(v - value) <= slack for v in values):
                ok = False
        if not ok:
            missing.append(amount.text)
    return missing
