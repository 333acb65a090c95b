from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jb_summarize.text import InputError, clean_line, decode_bytes, is_cjk, join_lines, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("全 年 高 新 技 术 产 业", "全年高新技术产业"),
        ("累计完成投资 178 亿元，", "累计完成投资178亿元，"),
        ("新增就业 2.5 万人", "新增就业2.5万人"),
        ("宁波 （前洋） 直播中心", "宁波（前洋）直播中心"),
        ("5G+工业互联网", "5G+工业互联网"),
        ("“ 亩 均 论 英 雄 ” 改 革 ，", "“亩均论英雄”改革，"),
        ("the Old Bund 老外滩", "the Old Bund老外滩"),
        ("\u3000\u3000江北区\u3000新闻", "江北区新闻"),
        ("  stray leading spaces", "stray leading spaces"),
        ("精彩纷呈⋯⋯过去", "精彩纷呈……过去"),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


def test_headline_keeps_the_space_between_its_clauses() -> None:
    assert clean_line("强力推进全域美丽 打造城乡融合新标杆", keep_word_spaces=True) == (
        "强力推进全域美丽 打造城乡融合新标杆"
    )
    # ...but not a letter-spaced line's spaces
    assert clean_line("全 年 高 新 技 术", keep_word_spaces=True) == "全年高新技术"


def test_join_lines_rejoins_words_split_by_columns() -> None:
    assert join_lines(["江北将加", "快内生驱动"]) == "江北将加快内生驱动"
    assert join_lines(["new", "words"]) == "new words"
    assert join_lines(["城市", "IP”打造"]) == "城市IP”打造"


def test_normalize_blank_lines_are_column_breaks_not_paragraphs() -> None:
    raw = "继续走深走实城乡\n\n融合的新型城市化道路。\n新的一段开始了，\n\n这里结束。\n"
    assert normalize(raw) == "继续走深走实城乡融合的新型城市化道路。\n新的一段开始了，这里结束。"


def test_normalize_paragraph_ends_with_closing_quote() -> None:
    assert normalize("成为大花园“耀\n眼明珠”。\n以后") == "成为大花园“耀眼明珠”。\n以后"


def test_decode_accepts_utf8_bom_utf16_bom_and_gb18030() -> None:
    text = "江北区活力涌动"
    assert decode_bytes(text.encode("utf-8")) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_bytes(text.encode("gb18030")) == text
    assert decode_bytes(text.encode("utf-16")) == text  # its byte order mark says what it is
    assert decode_bytes(b"\xfe\xff" + text.encode("utf-16-be")) == text


@pytest.mark.parametrize(
    "data",
    [b"", b"  \n ", "江北".encode("utf-16-le"), bytes(range(256)), b"caf\xe9 au lait \xff\xfe"],
)
def test_decode_rejects_empty_binary_and_other_encodings(data: bytes) -> None:
    with pytest.raises(InputError):
        decode_bytes(data)


def _cjk_chars(text: str) -> list[str]:
    return [c for c in text if is_cjk(c)]


texty = st.text(
    alphabet=st.sampled_from(list("江北区宁波年增长亿元万人 \u3000\n\n\n。，、；！？“”（）…⋯12.5%ABc-+\t")),
    max_size=300,
)


@given(texty)
def test_normalize_keeps_every_chinese_character_in_order(raw: str) -> None:
    assert _cjk_chars(normalize(raw)) == _cjk_chars(raw)


@given(st.text(max_size=200))
def test_normalize_never_raises_on_arbitrary_text(raw: str) -> None:
    out = normalize(raw)
    assert _cjk_chars(out) == _cjk_chars(raw)
