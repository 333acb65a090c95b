from __future__ import annotations

import pytest

from jb_summarize.amounts import chinese_number, counts, english_amount, missing_counts, rewrite_amounts
from jb_summarize.glossary import find_terms, load_glossary, parse_glossary
from jb_summarize.text import InputError


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("累计完成投资178亿元，", "累计完成投资 17.8 billion yuan，"),
        ("新增就业2.5万人", "新增就业 25,000 people"),
        ("签约面积77.4万平方米", "签约面积 774,000 square metres"),
        ("征收1226亩", "征收 1,226 mu"),
        ("增长10%左右", "增长 about 10%"),
        ("突破800亿元", "突破 80 billion yuan"),
        ("达到123.9亿元，增长18.1%", "达到 12.39 billion yuan，增长18.1%"),
        ("改造181万平方米", "改造 1.81 million square metres"),
        ("其中10亿元以上项目8个", "其中 over 1 billion yuan 项目8个"),
        ("100余平方米的屏幕", "more than 100 square metres 的屏幕"),
        ("2021年全区培育了2个项目", "2021年全区培育了2个项目"),
        ("研发投入强度达到3.5%以上", "研发投入强度达到 over 3.5%"),
        # Chinese numerals: amounts with 万/亿, or 十/百/千 before a unit; counts and idioms stay
        ("完成投资三千万元", "完成投资 30 million yuan"),
        ("两亿三千万元用于", "230 million yuan 用于"),
        ("一千多万元", "more than 10 million yuan"),
        ("新增就业1.2万余人", "新增就业 more than 12,000 people"),
        ("五百亩耕地", "500 mu 耕地"),
        ("十亿元以上", "over 1 billion yuan"),
        ("两个百亿级产业", "两个 10-billion-yuan-scale 产业"),
        ("千亿级集群", "100-billion-yuan-scale 集群"),
        ("千万不要", "千万不要"),
        ("三人参加", "三人参加"),
        ("第一万人", "第一万人"),
        ("二〇二二年", "二〇二二年"),
        # found on LCSTS texts: approximate numbers are left for the model to word
        ("规模都在数十亿间", "规模都在数十亿间"),
        ("多则几十万", "多则几十万"),
        ("每平方米上涨两三千元", "每平方米上涨两三千元"),
        ("一百多人名单", "more than 100 people 名单"),
        ("一百零五亩", "105 mu"),
        ("江北區投資三千萬元", "江北區投資 30 million yuan"),
    ],
)
def test_rewrite_amounts(zh: str, en: str) -> None:
    assert rewrite_amounts(zh) == en


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三千", 3000),
        ("十五", 15),
        ("一百零五", 105),
        ("两亿三千万", 230_000_000),
        ("一万亿", 10**12),
        ("一亿五千万", 150_000_000),
        ("两万三千", 23_000),
        ("二〇二二", 2022),
        ("十", 10),
        ("兩萬", 20_000),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


def test_counts_of_things_must_survive_translation() -> None:
    assert counts("其中10亿元以上项目8个，培育两个百亿级产业，推进三大工程，第3个") == [8, 2, 3]
    assert counts("增长18个百分点") == []  # two digits: the figure check covers it
    assert missing_counts([8], "8 projects") == [] == missing_counts([8], "eight projects")
    assert missing_counts([8], "projects of over 1 billion yuan accounted for 18 of them") == [8]
    assert missing_counts([2], "both industries") == [] and missing_counts([3], "major projects") == [3]
    assert missing_counts([2, 2, 3], "20 projects, 2 factories and 3 platforms") == [2]  # each count once


def test_the_translation_check_flags_a_lost_count() -> None:
    from jb_summarize.models.base import TextGenerator
    from jb_summarize.tasks.translate import Translator

    class Echo(TextGenerator):
        backend, kind, source = "test", "seq2seq", "echo"

        def count_tokens(self, text: str) -> int:
            return len(text)

        def generate(self, inputs, **kwargs) -> list[str]:
            return ["Of which there were many projects worth over 1 billion yuan in the district"] * len(inputs)

    translator = Translator(Echo(), forbid_chinese=False)
    result = translator.run(["其中10亿元以上项目8个。"])
    assert result.info.flag_reasons == {"0": ["number"]}


def test_english_amount_has_no_float_noise() -> None:
    assert english_amount("178", "亿") == "17.8 billion"
    assert english_amount("0.3", "万") == "3,000"
    assert english_amount("1.23456", "万") == "12,345.6"


def test_bundled_glossary_has_the_seed_places() -> None:
    glossary = load_glossary()
    for zh, en in {
        "江北": "Jiangbei",
        "宁波": "Ningbo",
        "慈城": "Cicheng",
        "姚江": "Yao River",
        "老外滩": "Old Bund",
    }.items():
        assert glossary[zh] == en


def test_find_terms_prefers_the_longest_match() -> None:
    glossary = {"江北": "Jiangbei", "江北区": "Jiangbei District", "姚江": "Yao River", "姚江新城": "Yaojiang New Town"}
    assert find_terms("江北区的姚江新城和江北", glossary) == [
        ("江北区", "Jiangbei District"),
        ("姚江新城", "Yaojiang New Town"),
        ("江北", "Jiangbei"),
    ]


def test_user_glossary_extends_and_overrides(tmp_path) -> None:
    path = tmp_path / "extra.tsv"
    path.write_text("# my names\n江北\tJiangbei (Ningbo)\n奉化\tFenghua\n", encoding="utf-8")
    glossary = load_glossary(path)
    assert glossary["江北"] == "Jiangbei (Ningbo)" and glossary["奉化"] == "Fenghua" and "宁波" in glossary


def test_bad_glossary_line_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"g\.tsv:2"):
        parse_glossary("江北\tJiangbei\nno tab here\n", "g.tsv")


def _forms() -> list[list[str]]:
    from pathlib import Path

    path = Path(__file__).parent / "data" / "amount_forms.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def test_the_forms_table_has_200_forms() -> None:
    assert len(_forms()) >= 200


@pytest.mark.parametrize(("zh", "rewritten", "right", "wrong"), _forms())
def test_amount_forms(zh: str, rewritten: str, right: str, wrong: str) -> None:
    from jb_summarize.amounts import missing_amounts

    assert rewrite_amounts(zh) == rewritten
    assert missing_amounts(zh, right) == []
    assert missing_amounts(zh, rewritten) == [] or rewritten == zh  # what the rewrite writes passes the check
    if wrong:
        assert missing_amounts(zh, wrong) != [], wrong  # a power of ten off (or a wrong date) is caught


def test_the_check_catches_a_hundredfold_error_without_the_rewrite() -> None:
    from helpers import FakeGenerator
    from jb_summarize.tasks.translate import Translator

    english = "The district added 2.5 million new jobs over the whole of the year."
    translator = Translator(FakeGenerator(lambda text, d: english, max_input_tokens=1000), glossary={}, names=False)
    result = translator.run(["新增就业2.5万人。"], rewrite_amounts=False)
    assert result.info.flag_reasons == {"0": ["number"]}
