"""Issue 16 (part): the tasks behave as users of transformers pipelines expect; packaging facts."""

from __future__ import annotations

from importlib import metadata, resources
from pathlib import Path

import pytest

from jb_summarize import __version__, load_summarizer, load_translator


def test_a_string_in_gives_a_string_out_and_a_list_a_list(tiny_marian) -> None:
    summarizer = load_summarizer("lead", max_chars=12)
    assert summarizer("江北区新增就业2.5万人。全区经济稳步增长。") == "江北区新增就业2.5万人"
    assert summarizer.summarize(["一。", "二。"]) == ["一", "二"]
    translator = load_translator(str(tiny_marian), retry=False)
    one = translator("江北区完成投资178亿元。")
    assert isinstance(one, str) and translator.translate(["江北区完成投资178亿元。"]) == [one]


def test_tasks_plug_into_datasets_map_batched() -> None:
    import datasets

    ds = datasets.Dataset.from_dict({"id": [1, 2], "text": ["江北区新增就业2.5万人。", "宁波港。"]})
    out = ds.map(load_summarizer("lead"), batched=True)
    assert out["summary"] == ["江北区新增就业2.5万人", "宁波港"] and out["id"] == [1, 2]


def test_english_in_the_html_report_is_marked_english() -> None:
    from jb_summarize.report import run_html

    record = {"id": "a:0", "index": 0, "headline": "标题", "summary_zh": "摘要", "summary_en": "Summary",
              "headline_en": "Headline", "body_en": "Body one.\nBody two."}  # fmt: skip
    page = run_html([record], "页", {"a:0": "正文。"})
    assert '<p class="en" lang="en">Summary</p>' in page and '<p lang="en">Body two.</p>' in page
    assert '<html lang="zh-Hans">' in page


def test_packaging_facts() -> None:
    root = Path(__file__).resolve().parents[1]
    assert "Apache License" in (root / "LICENSE").read_text()
    assert (resources.files("jb_summarize") / "py.typed").is_file()
    assert metadata.version("jb-summarize") == __version__
    assert "version =" not in (root / "pyproject.toml").read_text().split("[project]")[1].split("[")[0]


def test_loading_a_model_leaves_transformers_logging_alone(tiny_marian) -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_warning()
    hf_logging.enable_progress_bar()
    load_translator(str(tiny_marian), retry=False).translate(["江北。"])
    assert hf_logging.get_verbosity() == hf_logging.WARNING and hf_logging.is_progress_bar_enabled()


def test_model_options_reach_the_task_from_every_command(monkeypatch, tmp_path) -> None:
    from jb_summarize.cli import _common, main

    seen: list[dict] = []

    def fake_load_task(task, model=None, **options):
        seen.append({"task": task, **options})
        raise SystemExit(0)

    monkeypatch.setattr(_common, "load_task", fake_load_task)
    page = tmp_path / "p.jsonl"
    page.write_text('{"id": 1, "text": "江北。"}\n')
    flags = ["--unit", "paragraph", "--no-rewrite-amounts", "--allow-chinese", "--device", "cpu", "--batch-size", "3"]
    flags += ["--to-simplified", "--no-names"]
    for argv in (["translate", str(page), *flags], ["eval", "run", "--task", "translate", "--model", "m",
                                                    "--benchmark", "seed-en", *flags]):  # fmt: skip
        try:
            main(argv)
        except SystemExit:
            pass
    assert len(seen) == 2
    for options in seen:
        assert options["unit"] == "paragraph" and options["rewrite_amounts"] is False
        assert options["forbid_chinese"] is False and options["device"] == "cpu" and options["batch_size"] == 3
        assert options["to_simplified"] is True and options["names"] is False


def test_device_auto_picks_the_cpu_without_a_gpu(tiny_marian) -> None:
    translator = load_translator(str(tiny_marian), device="auto", retry=False)
    assert translator.generator.device == "cpu"


def test_traditional_chinese_in_big5_end_to_end(tmp_path) -> None:
    from jb_summarize import load_article
    from jb_summarize.amounts import rewrite_amounts

    text = "江北區去年新增就業2.5萬人，累計完成投資178億元。全區經濟穩步增長。"
    page = tmp_path / "tw.txt"
    page.write_bytes(text.encode("big5"))
    article = load_article(page)
    assert article.sections[0].body == text
    assert article.sections[0].sentences == ["江北區去年新增就業2.5萬人，累計完成投資178億元。", "全區經濟穩步增長。"]
    assert rewrite_amounts("新增就業2.5萬人，投資178億元，耕地1,226畝") == (
        "新增就業 25,000 people，投資 17.8 billion yuan，耕地 1,226 mu"
    )
    simplified = "江北区去年新增就业2.5万人，累计完成投资178亿元。"
    assert load_article(simplified.encode("gb18030")).sections[0].body == simplified


def test_a_task_over_a_model_the_caller_already_loaded(tiny_marian, tiny_qwen) -> None:
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer, pipeline

    text = "江北区完成投资178亿元。"
    expected = load_translator(str(tiny_marian), retry=False).translate(text)
    model, tokenizer = AutoModelForSeq2SeqLM.from_pretrained(tiny_marian), AutoTokenizer.from_pretrained(tiny_marian)
    loaded = load_translator(model, tokenizer=tokenizer, retry=False)
    assert loaded.generator.kind == "seq2seq" and loaded.generator.model is model
    assert loaded.translate(text) == expected
    chat_model, chat_tokenizer = (
        AutoModelForCausalLM.from_pretrained(tiny_qwen),
        AutoTokenizer.from_pretrained(tiny_qwen),
    )
    chat = load_summarizer(chat_model, tokenizer=chat_tokenizer, max_new_tokens=4)
    assert chat.generator.kind == "chat" and isinstance(chat("江北区经济稳步增长。"), str)
    # transformers 5 has no translation pipeline; a text-generation pipeline over a chat model serves
    generation = pipeline("text-generation", model=chat_model, tokenizer=chat_tokenizer)
    from_pipeline = load_summarizer(generation, max_new_tokens=4)
    assert from_pipeline.generator.model is chat_model
    assert from_pipeline("江北区经济稳步增长。") == chat("江北区经济稳步增长。")
    import pytest

    with pytest.raises(TypeError, match="with its tokenizer"):
        load_translator(model)


def test_decoding_options_per_call(tiny_marian) -> None:
    import pytest

    translator = load_translator(str(tiny_marian), retry=False, num_beams=1)
    texts = ["江北区完成投资178亿元。", "全区经济稳步增长。"]
    beams = translator.run(texts, num_beams=3, repetition_penalty=1.2)
    assert beams.info.decoding["num_beams"] == 3 and beams.info.decoding["repetition_penalty"] == 1.2
    assert translator.decoding.num_beams == 1  # the loaded task is unchanged
    assert translator.run(texts).info.decoding["num_beams"] == 1
    assert translator.translate(texts, rewrite_amounts=False) == translator.with_options(rewrite_amounts=False)(texts)
    assert translator.run(texts, rewrite_amounts=False).info.decoding["rewrite_amounts"] is False
    with pytest.raises(TypeError, match="no per-call option temperature"):
        translator.translate(texts, temperature=0.7)
    with pytest.raises(ValueError, match="unit must be"):
        translator.translate(texts, unit="page")
    summarizer = load_summarizer("lead", max_chars=30)
    assert summarizer("江北区新增就业2.5万人。全区经济稳步增长。", max_chars=12) == "江北区新增就业2.5万人"
    assert list(summarizer.summarize_iterable(["一二三四五。"], max_chars=2)) == ["一二"]


def test_traditional_input_converted_to_simplified_on_request(tiny_marian) -> None:
    from jb_summarize.text import to_simplified

    traditional = "江北區去年新增就業2.5萬人，累計完成投資178億元。"
    assert to_simplified(traditional) == "江北区去年新增就业2.5万人，累计完成投资178亿元。"
    summarizer = load_summarizer("lead", max_chars=14)
    assert summarizer(traditional) == "江北區去年新增就業2.5萬人"
    assert summarizer(traditional, to_simplified=True) == "江北区去年新增就业2.5万人"
    translator = load_translator(str(tiny_marian), retry=False, to_simplified=True)
    plain = load_translator(str(tiny_marian), retry=False)
    assert translator(traditional) == plain(to_simplified(traditional))
    assert translator.run([traditional]).info.decoding["to_simplified"] is True


def test_any_iterable_goes_in_generators_and_map_included() -> None:
    from jb_summarize import load_summarizer

    texts = ["北京今天下雨。明天转晴。", "上海发布新规。市民欢迎。"]
    summarizer = load_summarizer("lead")
    expected = summarizer.summarize(list(texts))
    assert len(expected) == 2 and all(expected)
    assert summarizer.summarize(t for t in texts) == expected
    assert summarizer.summarize(map(str.strip, texts)) == expected
    assert summarizer.summarize(tuple(texts)) == expected
    assert summarizer.run(iter(texts)).outputs == expected
    with pytest.raises(TypeError, match="iterable of strings"):
        summarizer.summarize(5)
