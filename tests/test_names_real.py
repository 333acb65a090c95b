"""Issue 25 with the real default model (1.1 GB, cached): the Python API's default gets the seed's place
right, and the names and numbers benchmark (eval/names_numbers.py) reaches its targets. Slow."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from test_real_model import real_home

pytestmark = pytest.mark.slow

# Seed sentences on which the 1.5B model, given no names, wrote "Nanjing" for 江北.
SEED = [
    "去年，江北城镇新增就业2.5万人，失业人员和就业困难人员再就业率均为全市第一；",
    "过去的一年，江北高品质抓好“精特亮”创建，累计完成投资178亿元，为年度计划的117%。",
    "去年，江北完成集体土地征收1226亩，18个计划项目顺利实施，10个遗留项目完成清场。",
]


@pytest.fixture(scope="module")
def translator():
    from jb_summarize import load_translator

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JB_SUMMARIZE_HOME", real_home())
        patch.delenv("JB_SUMMARIZE_OFFLINE", raising=False)
        yield load_translator()  # the default: model, glossary, names, checks


def test_the_api_default_writes_jiangbei(translator) -> None:
    for english in translator.translate(SEED):
        assert "Jiangbei" in english and "Nanjing" not in english, english


@pytest.mark.skipif(
    not os.environ.get("JB_SUMMARIZE_BENCHMARK_TESTS"),
    reason="the 180-item benchmark takes 5+ minutes and its 0.97 target is met by a hair (0.975) on one CPU "
    "kind; run with JB_SUMMARIZE_BENCHMARK_TESTS=1 (README, Tests)",
)
def test_names_and_numbers_benchmark(translator) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
    import names_numbers

    items = names_numbers.items()
    outputs = translator.translate([i["source"] for i in items])
    scores = [names_numbers.score_item(i, o) for i, o in zip(items, outputs, strict=True)]
    names = sum(s["names_right"] for s in scores) / sum(s["names"] for s in scores)
    amounts = sum(s["amounts_right"] for s in scores) / sum(s["amounts"] for s in scores)
    assert names >= 0.97 and amounts >= 0.9, (names, amounts)
