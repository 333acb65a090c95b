"""Names in Chinese text and their English: places from the gazetteer, people where a tagger is sure,
organisations built from their parts; and the checks a translation must pass for them.

    find_names("宁波市江北区慈城镇")     # [Name('宁波市', 'Ningbo'), Name('江北区', 'Jiangbei District'), ...]
    find_names("供图 江北区委宣传部")    # [Name('江北区委宣传部', 'Publicity Department of the Jiangbei District ...')]
    missing_names(names, english)        # the names the English lacks
    wrong_places(source, english)        # places the English names that the source does not (Nanjing for 江北)

Rules (explainable, no model): a full division name (江北区, 慈城镇) at word boundaries; a division's name
without its suffix (江北, 宁波) where jieba tags it a place (``ns``); a person's name (jieba ``nr``, a known
surname) right after 记者/通讯员 or a title (书记, 区长, 主任, ...) or right before 先生/女士/同志; an
organisation where a place is followed by a party committee, a government or one of its bureaus.
``article_names`` (quoted terms and jieba's place names) serves ``consistent_names``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from .gazetteer import SUFFIXES, ancestors, divisions, places, romanise
from .text import is_cjk

__all__ = ["Name", "article_names", "find_names", "missing_names", "wrong_places"]

_QUOTED = re.compile(r"“([^”“，。；！？\n]{2,12})”")
_MIN_PLACE = 3

# Names of divisions without their suffix that are also everyday words (新建学校: newly built schools).
STEM_WORDS = set(
    "新建 江南 河西 河东 城南 城北 城东 城西 城中 新城 江东 太平 青山 白云 "
    "东方 和平 光明 胜利 前进 红旗 新华 解放 建设 开发 向阳 东风 团结 民主 "
    "人民 文化 中心 高新 经济 工业 市中 郊区 矿区 老城 古城 长安 城关 新市 "
    "永安 南部 北部 东部 西部 中部 中山 环城 城厢 龙华 商城 滨海 江城 海城 "
    "新区 城郊 花园 金山 银山 凤凰 白沙 黄金".split()
)

# Titles before a name (记者王晓燕, 区委书记王小明) and after one (王先生).
TITLES_BEFORE = ("记者", "通讯员", "书记", "省长", "市长", "区长", "县长", "镇长", "主任", "局长", "院长", "校长")
TITLES_BEFORE += ("董事长", "总经理", "主席", "部长", "处长", "村支书", "站长", "所长", "厅长", "总裁", "教授", "队长")
TITLES_AFTER = ("先生", "女士", "同志", "教授", "书记", "市长", "区长", "县长", "主任", "院士")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "司徒", "夏侯")
# Surnames read otherwise than in everyday words.
SURNAME_READINGS = {"单": "Shan", "曾": "Zeng", "解": "Xie", "仇": "Qiu", "查": "Zha", "区": "Ou", "乐": "Yue"}
SURNAME_READINGS |= {
    "翟": "Zhai",
    "缪": "Miao",
    "盖": "Ge",
    "覃": "Qin",
    "朴": "Piao",
    "尉迟": "Yuchi",
    "长孙": "Zhangsun",
}
SURNAME_READINGS |= {"柏": "Bai", "宁": "Ning", "曲": "Qu", "万": "Wan", "华": "Hua", "任": "Ren", "沈": "Shen"}

# Organisations after a place's name: a party committee and its departments, a government and its bureaus.
LEVELS = {"省": "Provincial", "市": "Municipal", "区": "District", "县": "County", "镇": "Town", "乡": "Township"}
DEPARTMENTS = {
    "宣传部": "Publicity Department",
    "组织部": "Organization Department",
    "统战部": "United Front Work Department",
    "政法委": "Political and Legal Affairs Commission",
    "办公室": "General Office",
}
BODIES = {
    "人民政府": "People's Government",
    "政府": "Government",
    "人大常委会": "People's Congress Standing Committee",
    "政协": "Committee of the CPPCC",
    "纪委": "Commission for Discipline Inspection",
    "人民法院": "People's Court",
    "人民检察院": "People's Procuratorate",
    "公安局": "Public Security Bureau",
    "教育局": "Education Bureau",
    "财政局": "Finance Bureau",
    "民政局": "Civil Affairs Bureau",
    "商务局": "Commerce Bureau",
    "统计局": "Statistics Bureau",
    "科技局": "Science and Technology Bureau",
    "文旅局": "Culture and Tourism Bureau",
    "文化和旅游局": "Culture and Tourism Bureau",
    "交通运输局": "Transport Bureau",
    "生态环境局": "Ecology and Environment Bureau",
    "住建局": "Housing and Urban-Rural Development Bureau",
    "人社局": "Human Resources and Social Security Bureau",
    "农业农村局": "Agriculture and Rural Affairs Bureau",
    "应急管理局": "Emergency Management Bureau",
    "市场监管局": "Market Supervision Administration",
    "发改委": "Development and Reform Commission",
    "卫健委": "Health Commission",
    "档案馆": "Archives",
}
_BODY = "|".join(sorted(BODIES, key=len, reverse=True))
_ORG = re.compile(
    f"(?P<level>{'|'.join(LEVELS)})?(?:(?P<party>委|党委)(?P<dept>{'|'.join(DEPARTMENTS)})?|(?P<body>{_BODY}))"
)
# One-character names of provinces and cities (京, 沪, 浙 ...): a source with one may name the place in English.
ABBREVIATIONS = {
    "京": "北京",
    "沪": "上海",
    "津": "天津",
    "渝": "重庆",
    "粤": "广东",
    "浙": "浙江",
    "苏": "江苏",
    "鲁": "山东",
}
ABBREVIATIONS |= {"豫": "河南", "鄂": "湖北", "湘": "湖南", "川": "四川", "蜀": "四川", "闽": "福建", "皖": "安徽"}
ABBREVIATIONS |= {"赣": "江西", "冀": "河北", "晋": "山西", "辽": "辽宁", "吉": "吉林", "黑": "黑龙江", "陕": "陕西"}
ABBREVIATIONS |= {"甘": "甘肃", "陇": "甘肃", "青": "青海", "琼": "海南", "桂": "广西", "黔": "贵州", "滇": "云南"}
ABBREVIATIONS |= {"藏": "西藏", "宁": "宁夏", "新": "新疆", "蒙": "内蒙古", "港": "香港", "澳": "澳门", "台": "台湾"}
ABBREVIATIONS |= {"深": "深圳", "穗": "广州", "甬": "宁波", "杭": "杭州", "汉": "武汉", "蓉": "成都", "厦": "厦门"}


@dataclass(frozen=True)
class Name:
    """A name found in Chinese text: ``english`` for the prompt; ``forms``, any of which the translation must
    hold (Jiangbei District or Jiangbei); ``places``, the divisions it names or lies in (the check allows
    the English to name them)."""

    zh: str
    english: str
    kind: str  # "place", "person", "organisation"
    forms: tuple[str, ...]
    places: tuple[str, ...] = ()


@cache
def _lookup() -> tuple[dict[str, str], int]:
    """Chinese name -> the full name it stands for (江北 -> 江北区), and the longest name's length."""
    names: dict[str, str] = {}
    for name, rows in divisions().items():
        names.setdefault(name, name)
        if min(level for level, _, _ in rows) <= 3:
            stem = name
            for suffix in SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix):
                    stem = name[: -len(suffix)]
                    break
            if len(stem) >= 2 and stem != name:
                names.setdefault(stem, name)
    return names, max(map(len, names))


def _tokens(text: str) -> list[tuple[int, int, str, str]]:
    """jieba's words with their spans and part-of-speech tags."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    spans, start = [], 0
    for word in pseg.cut(text):
        spans.append((start, start + len(word.word), word.word, word.flag))
        start += len(word.word)
    return spans


def _place_name(zh: str, full: str) -> Name:
    found = places(full)
    first = found[0]
    english = first.english if zh == full else first.short
    forms = tuple(dict.fromkeys([first.short, *(p.short for p in found)]))
    from .gazetteer import ALTERNATIVES

    forms += ALTERNATIVES.get(first.stem, ())
    implied = tuple(dict.fromkeys(n for p in found for n in [p.name, *(a.name for a in ancestors(p))]))
    return Name(zh, english, "place", forms, implied)


def _organisation(place: Name, full: str, match: re.Match[str]) -> Name:
    """江北 + 区委宣传部, 宁波市 + 人民政府: the organisation's English from the place's and the body's."""
    short = place.forms[0]
    if match["level"]:
        where = f"{short} {LEVELS[match['level']]}"
    elif place.zh == full and full[-1] in LEVELS and not full.endswith("新区"):
        where = f"{short} {LEVELS[full[-1]]}"  # 宁波市人民政府: Ningbo Municipal People's Government
    elif place.zh == full:
        where = place.english  # 浦东新区人民政府: Pudong New Area People's Government
    else:
        where = short
    if match["party"]:
        english = f"{where} Committee of the CPC"
        if match["dept"]:
            english = f"{DEPARTMENTS[match['dept']]} of the {english}"
    else:
        english = f"{where} {BODIES[match['body']]}"
    return Name(place.zh + match[0], english, "organisation", place.forms, place.places)


def _person(word: str) -> Name | None:
    surname = next((s for s in COMPOUND_SURNAMES if word.startswith(s)), word[:1])
    given = word[len(surname) :]
    if (surname not in SURNAMES and surname not in COMPOUND_SURNAMES) or not 1 <= len(given) <= 2:
        return None
    family = SURNAME_READINGS.get(surname) or romanise(surname)
    english = f"{family} {romanise(given)}"
    return Name(word, english, "person", (english,))


def find_names(text: str) -> list[Name]:
    """The places, people and organisations of ``text``, each once, in order of first use."""
    if not any(is_cjk(c) for c in text):
        return []
    lookup, longest = _lookup()
    tokens = _tokens(text)
    starts = {s for s, _, _, _ in tokens}
    tag_of = {(s, e): flag for s, e, _, flag in tokens}
    found: dict[str, Name] = {}
    i, last_end = 0, -1
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            zh = text[i : i + size]
            full = lookup.get(zh)
            if full is None:
                continue
            org = _ORG.match(text, i + size)
            if zh != full or len(zh) == 2:
                # a stem or a two-character name: a whole word that jieba tags a place, or before an organisation
                if zh in STEM_WORDS:
                    continue
                if tag_of.get((i, i + size)) != "ns" and not (org and zh != full and i in starts):
                    continue
            elif i not in starts and i != last_end:
                continue  # a full name starts a word or follows another place (上海市浦东新区)
            name = _place_name(zh, full)
            if org:
                name = _organisation(name, full, org)
            found.setdefault(name.zh, name)
            last_end = i + len(name.zh)
            i += len(name.zh) - 1
            break
        i += 1
    for k, (_, _, word, flag) in enumerate(tokens):
        if flag != "nr" or not 2 <= len(word) <= 4:
            continue
        before = tokens[k - 1][2] if k else ""
        after = tokens[k + 1][2] if k + 1 < len(tokens) else ""
        if before.endswith(TITLES_BEFORE) or after.startswith(TITLES_AFTER):
            person = _person(word)
            if person is not None:
                found.setdefault(word, person)
    return sorted(found.values(), key=lambda n: text.find(n.zh))


def _squeeze(text: str) -> str:
    return re.sub(r"[\s'’\-‐]+", "", text).lower()


def missing_names(names: Iterable[Name], english: str) -> list[str]:
    """The names (Chinese) that ``english`` holds in none of their forms (spaces, hyphens and apostrophes
    aside: Xi'an, Xian; Wang Xiaoming, Xiaoming Wang)."""
    squeezed = _squeeze(english)
    missing = []
    for name in names:
        forms = name.forms
        if name.kind == "person":
            family, _, given = name.english.partition(" ")
            ok = _squeeze(family) in squeezed and _squeeze(given) in squeezed
        else:
            ok = any(_squeeze(form) in squeezed for form in forms)
        if not ok:
            missing.append(name.zh)
    return missing


@cache
def _major_places() -> dict[str, tuple[str, ...]]:
    """English short form -> the Chinese names of provinces and prefecture-level cities that have it."""
    english: dict[str, list[str]] = {}
    for name, rows in divisions().items():
        if min(level for level, _, _ in rows) <= 2:
            for p in places(name):
                if p.level <= 2 and p.stem:
                    english.setdefault(p.short, []).append(name)
    return {en: tuple(zh) for en, zh in english.items()}


def wrong_places(source: str, english: str, names: Sequence[Name] = (), glossary: Mapping[str, str] = ()) -> list[str]:
    """Provinces and cities the English names that the source does not: neither written there (in full, without
    its suffix or as its one-character name) nor a division a source place lies in (Ningbo for 江北区), nor in
    the English of a glossary term found in the source."""
    implied = {zh for name in names for zh in name.places}
    allowed_english = " ".join([*(glossary.values() if glossary else []), *(f for n in names for f in n.forms)])
    wrong = []
    read = None
    for en, zhs in _major_places().items():
        if not re.search(rf"(?<![\w']){re.escape(en)}(?![\w'])", english):
            continue
        if en in allowed_english:
            continue
        read = read if read is not None else _readings(source)
        if _squeeze(en) in read:
            continue  # the source has characters that read so (梅山 Meishan, not 眉山): a name the model wrote
        if any(zh in implied for zh in zhs):
            continue
        stems = {zh[:2] for zh in zhs} | set(zhs)
        abbreviated = {a for a, full in ABBREVIATIONS.items() if any(z.startswith(full) for z in zhs)}
        if any(s in source for s in stems) or any(a in source for a in abbreviated):
            continue
        wrong.append(en)
    return wrong


def _readings(text: str, longest: int = 4) -> set[str]:
    """The pinyin of every run of two to ``longest`` Chinese characters of ``text``: 'meishan', ..."""
    from pypinyin import lazy_pinyin

    syllables = [lazy_pinyin(c)[0] if is_cjk(c) else "" for c in text]
    return {
        "".join(syllables[i : i + n])
        for n in range(2, longest + 1)
        for i in range(len(text) - n + 1)
        if all(syllables[i : i + n])
    }


def article_names(texts: Sequence[str]) -> list[str]:
    """Quoted terms and place names in ``texts``, each once: text by text, a text's quoted terms first."""
    found: dict[str, int] = {}
    for text in texts:
        for match in _QUOTED.finditer(text):
            term = match.group(1).strip()
            if any(is_cjk(c) for c in term):
                found.setdefault(term, len(found))
        for _, _, word, flag in _tokens(text):
            if flag == "ns" and len(word) >= _MIN_PLACE and all(is_cjk(c) for c in word):
                found.setdefault(word, len(found))
    return list(found)
