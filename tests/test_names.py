"""Issue 25: names from the gazetteer, people and organisations; the checks and flags; one default everywhere."""

from __future__ import annotations

import pytest

from helpers import FakeGenerator
from jb_summarize.gazetteer import ancestors, place, romanise
from jb_summarize.names import find_names, missing_names, wrong_places
from jb_summarize.tasks.translate import Translator


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("江北区", "Jiangbei District"),
        ("慈城镇", "Cicheng Town"),
        ("宁波市", "Ningbo"),
        ("陕西省", "Shaanxi Province"),
        ("山西省", "Shanxi Province"),
        ("内蒙古自治区", "Inner Mongolia Autonomous Region"),
        ("广西壮族自治区", "Guangxi Zhuang Autonomous Region"),
        ("西安市", "Xi'an"),
        ("长沙市", "Changsha"),
        ("重庆市", "Chongqing"),
        ("厦门市", "Xiamen"),
        ("成都市", "Chengdu"),
        ("朝阳区", "Chaoyang District"),
        ("庄桥街道", "Zhuangqiao Subdistrict"),
        ("浦东新区", "Pudong New Area"),
        ("哈尔滨市", "Harbin"),
        ("拉萨市", "Lhasa"),
        ("恩施土家族苗族自治州", "Enshi Tujia Miao Autonomous Prefecture"),
        ("香港特别行政区", "Hong Kong Special Administrative Region"),
    ],
)
def test_divisions_are_romanised_by_the_national_rules(name: str, english: str) -> None:
    assert place(name).english == english


def test_the_gazetteer_reaches_towns_and_knows_where_they_lie() -> None:
    town = place("慈城镇")
    assert town.level == 4 and [p.name for p in ancestors(town)] == ["江北区", "宁波市", "浙江省"]
    assert romanise("六安") == "Lu'an" and romanise("江北") == "Jiangbei"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("宁波市江北区慈城镇", {"宁波市": "Ningbo", "江北区": "Jiangbei District", "慈城镇": "Cicheng Town"}),
        (
            "供图 江北区委宣传部",
            {"江北区委宣传部": "Publicity Department of the Jiangbei District Committee of the CPC"},
        ),
        ("宁波市人民政府发布", {"宁波市人民政府": "Ningbo Municipal People's Government"}),
        ("记者王晓燕报道", {"王晓燕": "Wang Xiaoyan"}),
        ("区委书记王小明表示", {"王小明": "Wang Xiaoming"}),
        ("江北全力推进", {"江北": "Jiangbei"}),
        ("新建学校12所", {}),  # 新建 (a district's name) is also "newly built"
        ("城区面积扩大", {}),  # 城区 (a district's name) is also "the urban area"
        ("王小明说", {}),  # no title: not sure it is a name
    ],
)
def test_names_are_found_only_where_the_rules_are_sure(text: str, found: dict[str, str]) -> None:
    assert {n.zh: n.english for n in find_names(text)} == found


def test_a_name_must_be_there_and_no_other_place() -> None:
    names = find_names("江北区城镇新增就业")
    assert missing_names(names, "Jiangbei added jobs") == []
    assert missing_names(names, "Nanjing added jobs") == ["江北区"]
    assert wrong_places("江北区城镇新增就业", "Nanjing added jobs", names) == ["Nanjing"]
    assert wrong_places("江北区城镇新增就业", "Jiangbei District of Ningbo added jobs", names) == []  # it lies there
    assert wrong_places("京津冀协同发展", "Beijing, Tianjin and Hebei", find_names("京津冀协同发展")) == []
    person = find_names("记者王晓燕报道")
    assert missing_names(person, "reporter Xiaoyan Wang") == [] and missing_names(person, "a reporter") == ["王晓燕"]


def _translator(english: str, **options) -> Translator:
    return Translator(FakeGenerator(lambda text, d: english, kind="chat", max_input_tokens=1000), **options)


def test_every_failed_check_is_flagged_after_the_retry() -> None:
    english = "Last year the city of Nanjing added many new jobs in its towns and villages."
    source = ["去年，江北区城镇新增就业2.5万人。"]
    # the bundled glossary has 江北区: it comes first, so its check, not the name's, fails
    assert _translator(english).run(source).info.flag_reasons == {"0": ["glossary", "number", "place"]}
    assert _translator(english, glossary={}).run(source).info.flag_reasons == {"0": ["name", "number", "place"]}
    assert _translator(english, names=False, glossary={}).run(source).info.flag_reasons == {"0": ["number"]}


def test_the_names_found_are_hints_in_the_prompt_and_the_glossary_comes_first() -> None:
    prompts: list[str] = []

    def respond(messages, decoding) -> str:
        prompts.append(messages[0]["content"])
        return "The Jiangbei District of Chongqing added 23,000 jobs in Cicheng Town this year."

    chat = FakeGenerator(respond, kind="chat", max_input_tokens=1000)
    result = Translator(chat, glossary={}).run(["重庆市江北区慈城镇今年新增就业2.3万人。"])
    assert "江北区 = Jiangbei District" in prompts[0] and "慈城镇 = Cicheng Town" in prompts[0]
    assert result.info.flagged == []
    prompts.clear()
    Translator(chat, glossary={"江北区": "North Bank District"}).run(["江北区今年新增就业2.3万人。"])
    assert "江北区 = North Bank District" in prompts[0] and "Jiangbei" not in prompts[0]


def test_one_default_everywhere(monkeypatch) -> None:
    from jb_summarize.glossary import load_glossary
    from jb_summarize.tasks import load_task, load_tasks, load_translator, task_options

    seen: list[Translator] = []
    generator = FakeGenerator(lambda text, d: text, kind="chat")
    monkeypatch.setattr("jb_summarize.tasks.translate.load_generator", lambda name, **kw: (generator, None))
    monkeypatch.setattr("jb_summarize.tasks.load_generator", lambda name, **kw: (generator, None))
    seen.append(load_translator("x"))
    seen.append(load_task("translate", "x"))
    seen.append(load_tasks(None, "x")[1])
    seen.append(load_tasks("x", "x")[1])
    for translator in seen:
        assert translator.glossary == load_glossary() and translator.names and translator.rewrite_amounts
    assert task_options("translate", use_glossary=False)["glossary"] == {}
