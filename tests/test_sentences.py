from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jb_summarize.sentences import sentences_of, split_sentences
from jb_summarize.text import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增长18.1%。增速第一！真的？", ["增长18.1%。", "增速第一！", "真的？"]),
        ("收入达到101.6亿元，增长20.6%。", ["收入达到101.6亿元，增长20.6%。"]),
        ("串珠成链；老外滩步行街", ["串珠成链；", "老外滩步行街"]),
        ("精彩纷呈……过去的一年", ["精彩纷呈……", "过去的一年"]),
        ("他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]),
        ("编制完成《规划》。（完）", ["编制完成《规划》。", "（完）"]),
        ("真的吗？！是的。", ["真的吗？！", "是的。"]),
        ("第一段。\n第二段", ["第一段。\n", "第二段"]),
        ("version 2.5 is out. Next", ["version 2.5 is out. ", "Next"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentences_of_strips_and_drops_empty() -> None:
    assert sentences_of("一。\n\n  二！  ") == ["一。", "二！"]


@given(st.text(alphabet=st.sampled_from(list("江北区年增长。！？；…”’）.!?;12 \n")), max_size=200))
def test_round_trip_on_sentence_heavy_text(text: str) -> None:
    assert "".join(split_sentences(text)) == text


@given(st.text(max_size=300))
def test_round_trip_on_normalised_arbitrary_text(raw: str) -> None:
    text = normalize(raw)
    pieces = split_sentences(text)
    assert "".join(pieces) == text
    assert all(pieces)
