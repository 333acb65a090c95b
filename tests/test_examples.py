"""Issue 13: worked examples chosen per input; none of them comes from a scored benchmark item."""

from __future__ import annotations

import pytest

from jb_summarize.evaluation import load_benchmark
from jb_summarize.examples import load_examples, nearest_examples
from jb_summarize.tasks.prompts import translation_messages
from jb_summarize.text import is_cjk


def _grams(text: str, n: int) -> set[str]:
    chars = "".join(c for c in text if is_cjk(c))
    return {chars[i : i + n] for i in range(len(chars) - n + 1)}


def _words(text: str, n: int) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.parametrize("benchmark", ["seed", "seed-en", "wmt21", "lcsts"])
def test_no_example_comes_from_a_scored_benchmark_item(benchmark, shared_dir) -> None:
    """No example shares most of itself with one benchmark item: at most 40% of its Chinese 4-grams and of its
    English 3-word sequences (stock phrases such as 农村居民人均可支配收入 may recur; sentences may not)."""
    dataset = load_benchmark(benchmark)
    sources = [_grams(t, 4) for t in dataset["source"]]
    english = [_words(t, 3) for t in dataset["reference"]]
    chinese = [_grams(t, 4) for t in dataset["reference"]]
    for kind in ("translation", "summary"):
        for text, answer in load_examples(kind=kind):
            grams = _grams(text, 4)
            assert max(len(grams & g) for g in sources) <= 0.4 * len(grams), text
            answer_grams, pool = (_words(answer, 3), english) if kind == "translation" else (_grams(answer, 4), chinese)
            assert max(len(answer_grams & g) for g in pool) <= 0.4 * len(answer_grams), answer


def test_the_nearest_examples_go_last_and_never_the_input_itself() -> None:
    pool = [("港口集装箱吞吐量创新高。", "a"), ("全区新增就业人员增长。", "b"), ("法院一审判决。", "c")]
    assert nearest_examples("全区新增就业2万人。", pool, 2) == [pool[0], pool[1]]  # ties: pool order
    assert nearest_examples("全区新增就业人员增长。", pool, 1) != [pool[1]]
    assert nearest_examples("全区新增就业。", pool, 0) == [] and nearest_examples("。", pool, 2) == []
    messages = translation_messages("全区新增就业。", examples=[pool[1]])
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"] == pool[1][0] and messages[-1]["content"] == "全区新增就业。"


def test_the_translator_puts_retrieved_examples_in_its_prompts() -> None:
    from helpers import FakeGenerator
    from jb_summarize.tasks.translate import Translator

    seen = []

    def respond(messages, decoding) -> str:
        seen.append(messages)
        return "Twelve thousand six hundred new urban jobs were created this year in the district."

    translator = Translator(FakeGenerator(respond, kind="chat", max_input_tokens=1000), examples=2, retry=False)
    translator.translate("全县帮助失业人员实现再就业。")
    assert len(seen[0]) == 6 and "再就业" in seen[0][3]["content"]
    assert translator.run(["城镇新增就业人员。"], examples=0).info.decoding["examples"] == 0
    assert len(seen[-1]) == 2
