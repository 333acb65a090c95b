from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import FakeGenerator
from jb_summarize import load_seed_article, load_translator
from jb_summarize.tasks.translate import Translator, segment


def length_tag(x, decoding) -> str:
    return f"<{len(x)}>"


def test_layout_is_rebuilt_sentence_by_sentence() -> None:
    translator = Translator(FakeGenerator(length_tag))
    assert translator.translate(["一二。三四五！\n\n六。", "", "七八"]) == ["<3> <4>\n\n<2>", "", "<2>"]


def test_units_longer_than_the_model_limit_are_split_and_fully_covered() -> None:
    generator = FakeGenerator(length_tag, max_input_tokens=10)
    translator = Translator(generator)
    text = "江北区" * 5 + "，" + "宁波市" * 6 + "。短句。"
    translator.translate([text])
    units = generator.calls[0]["inputs"]
    assert all(len(u) <= 10 for u in units)
    assert sorted("".join(units)) == sorted(text)  # every character sent, none twice


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("江北区宁波。，！？\n 12ab")), max_size=200), st.integers(1, 30))
def test_segment_never_drops_text(text: str, limit: int) -> None:
    paragraphs = segment(text, lambda u: len(u) <= limit)
    assert len(paragraphs) == text.count("\n") + 1
    assert "".join(u for p in paragraphs for u in p).replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert all(u for p in paragraphs for u in p)


def test_same_units_are_translated_once_and_order_is_kept() -> None:
    generator = FakeGenerator(lambda x, d: f"[{x}]".replace("甲", "A").replace("乙", "B").replace("丙", "C"))
    translator = Translator(generator, retry=False)
    assert translator.translate(["甲。", "乙。", "甲。", "丙。"]) == ["[A。]", "[B。]", "[A。]", "[C。]"]
    assert len(generator.calls[0]["inputs"]) == 3


def test_a_loop_is_retried_with_beams_and_a_repetition_penalty() -> None:
    def respond(x, decoding):
        return "fine" if decoding.get("num_beams", 1) >= 4 else "the the the the the"

    generator = FakeGenerator(respond)
    result = Translator(generator).run(["一。", "二。"])
    assert result.outputs == ["fine", "fine"]
    assert result.info.retried == 2 and result.info.flagged == []
    retry = generator.calls[1]
    assert retry["num_beams"] >= 4 and retry["repetition_penalty"] > 1 and retry["no_repeat_ngram_size"] == 3


def test_output_that_stays_wrong_is_flagged() -> None:
    generator = FakeGenerator(lambda x, d: "江北 untranslated")
    result = Translator(generator).run(["好。", "坏。"])
    assert result.info.flagged == [0, 1]
    assert result.outputs == ["江北 untranslated", "江北 untranslated"]


def test_glossary_goes_into_chat_prompts_and_is_checked() -> None:
    generator = FakeGenerator(lambda msgs, d: "Jiangbei grows", kind="chat", max_input_tokens=4096)
    translator = Translator(generator, glossary={"江北": "Jiangbei", "慈城": "Cicheng"})
    result = translator.run(["江北增长。", "慈城很美。"])
    prompt = generator.calls[0]["inputs"][0][0]["content"]
    assert "江北 = Jiangbei" in prompt and "慈城" not in prompt
    retry_prompt = generator.calls[1]["inputs"][0][0]["content"]
    assert "no Chinese characters" in retry_prompt
    assert result.info.flagged == [1]  # 'Cicheng' never appears in the answer


def test_a_string_gives_one_translation_and_run_wants_a_list() -> None:
    translator = Translator(FakeGenerator(length_tag))
    assert translator.translate("一。") == "<2>"  # one output for the string, not one per character
    with pytest.raises(TypeError, match="list of strings"):
        translator.run("一。")


def test_translate_iterable_streams_in_order() -> None:
    translator = Translator(FakeGenerator(length_tag))
    texts = (("一" * n) + "。" for n in range(1, 8))
    assert list(translator.translate_iterable(texts, chunk_size=3)) == [f"<{n + 1}>" for n in range(1, 8)]


# --- a real Marian model (random weights, tokenizer trained on the seed) ---------------------------


def test_marian_outputs_one_per_input_with_metadata(tiny_marian) -> None:
    translator = load_translator(str(tiny_marian), batch_size=4, retry=False)
    sections = [s.body for s in load_seed_article().sections]
    result = translator.run(sections)
    assert len(result.outputs) == len(sections)
    assert [o.count("\n") for o in result.outputs] == [s.count("\n") for s in sections]
    info = result.info
    assert info.task == "translate" and info.backend == "transformers" and info.model == str(tiny_marian)
    assert info.n_inputs == 6 and info.n_units >= sum(len(s.split("。")) - 1 for s in sections) * 0.5
    assert info.versions["transformers"] and info.versions["torch"]
    assert info.decoding["num_beams"] == 1 and info.decoding["do_sample"] is False


def test_marian_greedy_is_the_same_at_batch_size_1_and_8(tiny_marian) -> None:
    translator = load_translator(str(tiny_marian), retry=False)
    sentences = load_seed_article().sections[1].sentences[:12]
    assert translator.translate(sentences, batch_size=1) == translator.translate(sentences, batch_size=8)


def test_marian_decoding_options_reach_generate(tiny_marian, monkeypatch) -> None:
    translator = load_translator(str(tiny_marian), num_beams=3, no_repeat_ngram_size=2, retry=False)
    seen: list[dict] = []
    original = translator.generator.model.generate

    def spy(*args, **kwargs):
        seen.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(translator.generator.model, "generate", spy)
    translator.translate(["江北区完成投资178亿元。"])
    assert seen[0]["num_beams"] == 3 and seen[0]["no_repeat_ngram_size"] == 2
    assert seen[0]["do_sample"] is False
    assert 16 < seen[0]["max_new_tokens"] < 64  # tied to the source length


def test_marian_long_input_is_truncated_nowhere(tiny_marian) -> None:
    translator = load_translator(str(tiny_marian), max_input_tokens=16, retry=False)
    long_sentence = load_seed_article().sections[5].paragraphs[2]  # one paragraph of ~200 characters
    seen: list[int] = []
    original = translator.generator._encode

    def spy(batch):
        encoded = original(batch)
        seen.append(int(encoded["attention_mask"].sum(dim=1).max()))
        return encoded

    translator.generator._encode = spy
    result = translator.run([long_sentence])
    assert result.info.n_units > 5
    assert max(seen) <= 16


def test_chat_translator_on_a_tiny_qwen(tiny_qwen) -> None:
    translator = load_translator(str(tiny_qwen), glossary={"江北": "Jiangbei"}, retry=False)
    result = translator.run(["江北区完成投资178亿元。宁波发展。", "", "慈城。"])
    assert len(result.outputs) == 3 and result.outputs[1] == ""
    assert result.info.n_units == 3


def test_a_seq2seq_summariser_cannot_be_loaded_as_a_translator_by_registry_name() -> None:
    from jb_summarize import ModelNotAvailableError

    with pytest.raises(ModelNotAvailableError, match="does not do translate"):
        load_translator("mt5-xlsum")


def test_quality_best_keeps_the_candidate_the_others_agree_with_and_that_passes_the_checks() -> None:
    from helpers import FakeGenerator
    from jb_summarize.tasks.translate import Translator

    answers = iter(["The city built 12 roads.", "The city built 12 new roads.", "The city built twelve roads.",
                    "The city has built 12 new roads."])  # fmt: skip

    def respond(text, decoding) -> str:
        if not decoding["temperature"]:
            return "The town made 13 roads in total this year."  # greedy: a wrong figure
        return next(answers)

    generator = FakeGenerator(respond, max_input_tokens=1000)
    translator = Translator(generator, quality="best", retry=False, forbid_chinese=False)
    result = translator.run(["该市修建了12条道路。"])
    assert result.outputs == ["The city built 12 new roads."] and result.info.flagged == []
    assert [c["temperature"] for c in generator.calls] == [None, 0.5]
    assert result.info.decoding["quality"] == "best"
    assert (
        Translator(FakeGenerator(respond), forbid_chinese=False, retry=False).run(["该市修建了12条道路。"]).info.flagged
    )
    with pytest.raises(ValueError, match="quality must be one of fast, best"):
        Translator(generator, quality="great")


def test_consistent_names_translates_each_name_once_and_gives_it_to_every_sentence() -> None:
    from helpers import FakeGenerator
    from jb_summarize.names import article_names
    from jb_summarize.tasks.translate import Translator

    assert set(article_names(["江北区推进“精特亮”工程。", "“精特亮”创建和姚江新城建设。"])) >= {"江北区", "精特亮"}
    prompts = []

    def respond(messages, decoding) -> str:
        prompts.append(messages)
        if "name or term" in messages[0]["content"]:
            return {"精特亮": "Refined, Distinctive and Outstanding"}.get(messages[-1]["content"], "Jiangbei District")
        return "The district pushed the projects forward across the whole area this year."

    chat = FakeGenerator(respond, kind="chat", max_input_tokens=1000)
    translator = Translator(chat, consistent_names=True, glossary={}, names=False)
    result = translator.run(["江北区推进“精特亮”工程。", "“精特亮”创建全面铺开。"], retry=False)
    names = result.info.decoding["article_names"]
    assert names["精特亮"] == "Refined, Distinctive and Outstanding"
    sentence_prompts = [p for p in prompts if "name or term" not in p[0]["content"]]
    assert len(sentence_prompts) == 2
    assert all("精特亮 = Refined, Distinctive and Outstanding" in p[0]["content"] for p in sentence_prompts)
    assert result.info.flagged == []  # the names are hints, not glossary terms the checks insist on
    assert translator._hints == {}  # nothing left on the loaded task


def test_a_one_digit_amount_with_its_scale_is_checked() -> None:
    from helpers import FakeGenerator
    from jb_summarize.tasks.translate import Translator

    wrong = "At the same time, 25 projects were attracted, of which over 8 billion yuan projects accounted for 8."
    translator = Translator(FakeGenerator(lambda text, d: wrong, max_input_tokens=1000), forbid_chinese=False)
    result = translator.run(["同时成功招引大项目好项目25个，其中10亿元以上项目8个。"])
    assert result.info.flag_reasons == {"0": ["number"]}  # 10亿元 is 1 billion: "8 billion" is wrong


def test_document_context_shows_the_source_before_each_sentence() -> None:
    prompts = []

    def respond(messages, decoding) -> str:
        prompts.append(messages)
        return "The district pushed the projects forward across the whole area this year."

    translator = Translator(FakeGenerator(respond, kind="chat", max_input_tokens=1000), retry=False)
    texts = ["江北区推进城市更新。老旧小区改造全面铺开。", "新建公园十个。"]
    translator.run(texts, context="previous")
    context_of = {p[-1]["content"]: p[0]["content"].partition("the text before it: ")[2] for p in prompts}
    assert context_of == {
        "江北区推进城市更新。": "",
        "老旧小区改造全面铺开。": "江北区推进城市更新。",
        "新建公园十个。": "老旧小区改造全面铺开。",  # the text before it in the call
    }
    prompts.clear()
    translator.run(texts, context="previous", preceding=["上一篇的结尾。", None])
    context_of = {p[-1]["content"]: p[0]["content"].partition("the text before it: ")[2] for p in prompts}
    assert context_of["江北区推进城市更新。"] == "上一篇的结尾。" and context_of["新建公园十个。"] == ""
    prompts.clear()
    result = translator.run(texts)  # the default shows no context and leaves the loaded task as it was
    assert all("text before it" not in p[0]["content"] for p in prompts) and result.info.decoding["context"] == "none"
    prompts.clear()
    translator.run(["江北区推进城市更新。老旧小区改造全面铺开。"], context="previous-pair")
    second = [p for p in prompts if p[-1]["content"] == "老旧小区改造全面铺开。" and len(p) == 4]
    assert second and second[0][1:3] == [  # the sentence before it and its English, as an earlier turn
        {"role": "user", "content": "江北区推进城市更新。"},
        {"role": "assistant", "content": "The district pushed the projects forward across the whole area this year."},
    ]
    with pytest.raises(ValueError, match="preceding has 1 texts for 2 inputs"):
        translator.run(texts, context="previous", preceding=["一"])
    with pytest.raises(ValueError, match="context must be one of"):
        translator.run(texts, context="article")


def test_a_benchmark_of_consecutive_lines_carries_the_line_before_each_item(shared_dir) -> None:
    from jb_summarize.evaluation import load_benchmark

    full = load_benchmark("wmt21")
    sample = load_benchmark("wmt21", limit=20)
    index = {i: k for k, i in enumerate(full["id"])}
    for item_id, previous in zip(sample["id"], sample["previous"], strict=True):
        k = index[item_id]
        assert previous == (full["source"][k - 1] if k else "")


def test_headline_style_asks_for_an_english_headline() -> None:
    prompts = []

    def respond(messages, decoding) -> str:
        prompts.append(messages)
        return "Jiangbei pushes ahead with urban renewal across the district this year"

    translator = Translator(FakeGenerator(respond, kind="chat", max_input_tokens=1000), retry=False)
    result = translator.run(["江北区全面推进城市更新"], style="headline")
    assert "English news headline" in prompts[-1][0]["content"] and result.info.decoding["style"] == "headline"
    translator.run(["江北区全面推进城市更新"])
    assert "headline" not in prompts[-1][0]["content"]
    with pytest.raises(ValueError, match="style must be one of text, headline"):
        translator.run(["江北区全面推进城市更新"], style="title")


def test_wmt21_titles_are_the_story_headlines_without_the_site(shared_dir) -> None:
    from jb_summarize.evaluation import load_benchmark

    titles = load_benchmark("wmt21-titles")
    assert titles.num_rows == 97
    assert not any(s.endswith(("新华网", "中新网")) for s in titles["source"])
    assert titles[0]["reference"].endswith("rural revitalization army")  # "- Xinhuanet" cut off


def test_a_year_the_model_invents_for_qunian_is_flagged() -> None:
    from helpers import FakeGenerator
    from jb_summarize.tasks.translate import Translator

    def respond(text, decoding):
        return "In 2021, Jiangbei added 25 thousand jobs." if "去年" in text else "In 2022, Jiangbei added 25 jobs."

    translator = Translator(FakeGenerator(respond, max_input_tokens=1000), forbid_chinese=False)
    result = translator.run(["去年江北新增就业25个。", "2022年江北新增就业25个。"], retry=False)
    assert result.info.flag_reasons.get("0") == ["number"] and "1" not in result.info.flag_reasons
