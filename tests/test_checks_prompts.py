from __future__ import annotations

import pytest

from jb_summarize.tasks.checks import has_cjk, has_repetition_loop
from jb_summarize.tasks.prompts import clean_summary_answer, clean_translation_answer, translation_messages


@pytest.mark.parametrize(
    ("text", "loops"),
    [
        ("the the the the", True),
        ("Ningbo port Ningbo port Ningbo port Ningbo port", True),
        ("奥沙利文奥沙利文奥沙利文奥沙利文", True),
        ("very very very good", False),
        ("Jiangbei completed investment of 17.8 billion yuan.", False),
        ("", False),
    ],
)
def test_has_repetition_loop(text: str, loops: bool) -> None:
    assert has_repetition_loop(text) is loops


def test_has_cjk() -> None:
    assert has_cjk("Jiangbei 江北") and not has_cjk("Jiangbei, 17.8%")


@pytest.mark.parametrize(
    ("answer", "clean"),
    [
        ("江北经济快速增长", "江北经济快速增长"),
        ("标题：江北经济快速增长", "江北经济快速增长"),
        ("「江北经济快速增长」\n\n解释：……", "江北经济快速增长"),
        ("\n\nSummary: “江北”增长", "“江北”增长"),
    ],
)
def test_clean_summary_answer(answer: str, clean: str) -> None:
    assert clean_summary_answer(answer) == clean


@pytest.mark.parametrize(
    ("answer", "clean"),
    [
        ("Translation: Jiangbei grew.", "Jiangbei grew."),
        ('"Jiangbei grew."', "Jiangbei grew."),
        ("Jiangbei grew.\nNote: 江北 is a district.", "Jiangbei grew."),
        ('He said "yes" and "no".', 'He said "yes" and "no".'),
    ],
)
def test_clean_translation_answer(answer: str, clean: str) -> None:
    assert clean_translation_answer(answer) == clean


def test_translation_prompt_carries_only_the_glossary_terms_that_occur() -> None:
    messages = translation_messages("江北区发展。", {"江北": "Jiangbei", "慈城": "Cicheng"})
    assert "江北 = Jiangbei" in messages[0]["content"]
    assert "Cicheng" not in messages[0]["content"]
    assert messages[-1] == {"role": "user", "content": "江北区发展。"}
