from __future__ import annotations

import re

import pytest

from helpers import FakeGenerator
from jb_summarize import load_seed_article, load_summarizer
from jb_summarize.tasks.summarize import ExtractiveSummarizer, LeadSummarizer, ModelSummarizer, textrank_scores


def test_textrank_prefers_the_sentence_that_shares_most() -> None:
    units = ["江北区经济增长很快。", "江北区经济增长很快，宁波也是。", "今天下雨。", "宁波经济增长。"]
    scores = textrank_scores(units)
    assert max(range(4), key=scores.__getitem__) in (0, 1)
    assert scores[2] == min(scores)


def test_extractive_returns_top_sentences_in_document_order_within_budget() -> None:
    text = "今天下雨。江北经济增长。江北经济增长很快。宁波经济也增长。"
    summary = ExtractiveSummarizer(max_chars=20, max_sentences=2).summarize([text])[0]
    assert len(summary) <= 20
    pieces = [p for p in summary.split("。") if p]
    assert len(pieces) == 2
    assert [text.index(p) for p in pieces] == sorted(text.index(p) for p in pieces)
    assert "今天下雨" not in summary


def test_extractive_falls_back_to_clauses_and_then_cuts() -> None:
    text = "江北区在全市率先建成全域治理运行中心，并启动试运行，多项数字化改革在这里推进。"
    clause = ExtractiveSummarizer(max_chars=12).summarize([text])[0]
    assert 0 < len(clause) <= 12 and clause in text
    cut = ExtractiveSummarizer(max_chars=4).summarize([text])[0]
    assert len(cut) == 4 and cut in text


def test_lead_takes_a_contiguous_prefix() -> None:
    text = "两个月前，江北区在全市率先建成全域治理运行中心，并启动试运行。去年，江北推进改革。"
    assert LeadSummarizer(max_chars=30).summarize([text]) == ["两个月前，江北区在全市率先建成全域治理运行中心"]
    assert LeadSummarizer(max_chars=1000, max_sentences=1).summarize([text]) == [
        "两个月前，江北区在全市率先建成全域治理运行中心，并启动试运行"
    ]


def test_baselines_on_the_seed_are_short_and_extracted() -> None:
    bodies = [s.body for s in load_seed_article().sections]
    for name in ("extractive", "lead"):
        result = load_summarizer(name, max_chars=30).run(bodies)
        assert len(result.outputs) == 6
        assert all(0 < len(o) <= 30 for o in result.outputs)
        for summary, body in zip(result.outputs, bodies, strict=True):
            assert all(piece in body for piece in re.split("[。，]", summary))  # sentences or clauses
        assert result.info.model == name and result.info.decoding["max_chars"] == 30


def test_empty_text_gives_an_empty_summary() -> None:
    assert load_summarizer("extractive").summarize(["", "  "]) == ["", ""]


def test_unknown_option_is_an_error() -> None:
    with pytest.raises(TypeError):
        load_summarizer("lead", beams=3)


def test_long_input_is_summarised_in_chunks_then_reduced() -> None:
    generator = FakeGenerator(lambda text, d: text[:3] + "。", max_input_tokens=20)
    summarizer = ModelSummarizer(generator)
    text = "".join(f"第{i}句话江北区发展很好。" for i in range(10))  # 10 sentences of 11 characters
    result = summarizer.run([text, "短的。"])
    assert len(result.outputs) == 2
    first_round = generator.calls[0]["inputs"]
    assert all(len(chunk) <= 20 for chunk in first_round)
    assert "".join(first_round) == text  # every sentence went into some chunk
    assert result.info.decoding["reduce_rounds"] >= 1
    assert generator.calls[-1]["inputs"][1] == "短的。"


def test_chat_summariser_prompt_and_answer_cleaning() -> None:
    generator = FakeGenerator(
        lambda msgs, d: "摘要：“江北经济快速增长”\n这是解释。", kind="chat", max_input_tokens=4096
    )
    result = ModelSummarizer(generator, max_chars=12).run(["江北经济增长。"])
    assert result.outputs == ["江北经济快速增长"]
    prompt = generator.calls[0]["inputs"][0][-1]["content"]
    assert "12" in prompt and "江北经济增长。" in prompt


def test_mt5_summariser_on_a_tiny_model(tiny_mt5) -> None:
    summarizer = load_summarizer(str(tiny_mt5), num_beams=2, max_new_tokens=12)
    bodies = [s.body for s in load_seed_article().sections]
    result = summarizer.run(bodies, batch_size=4)
    assert len(result.outputs) == 6
    assert result.info.decoding["num_beams"] == 2 and result.info.decoding["no_repeat_ngram_size"] == 3
    assert result.info.backend == "transformers"


def test_mt5_greedy_is_the_same_at_batch_size_1_and_8(tiny_mt5) -> None:
    summarizer = load_summarizer(str(tiny_mt5), max_new_tokens=10)
    sentences = load_seed_article().sections[0].sentences
    assert summarizer.summarize(sentences, batch_size=1) == summarizer.summarize(sentences, batch_size=8)


def test_mt5_long_input_goes_through_chunks(tiny_mt5) -> None:
    summarizer = load_summarizer(str(tiny_mt5), max_input_tokens=64, max_new_tokens=8)
    body = load_seed_article().sections[4].body
    result = summarizer.run([body])
    assert result.info.n_units == 1 and result.info.decoding["reduce_rounds"] >= 1


def test_chat_summariser_on_a_tiny_qwen(tiny_qwen) -> None:
    summarizer = load_summarizer(str(tiny_qwen), max_chars=20)
    bodies = [s.body for s in load_seed_article().sections[:3]]
    assert summarizer.summarize(bodies, batch_size=1) == summarizer.summarize(bodies, batch_size=3)


def test_summary_style_asks_for_sentences_and_keeps_its_budget() -> None:
    prompts = []

    def respond(messages, decoding) -> str:
        prompts.append(messages[-1]["content"])
        return "摘要：全区地区生产总值增长10%。\n财政收入101.6亿元。"

    generator = FakeGenerator(respond, kind="chat", max_input_tokens=1000)
    summarizer = ModelSummarizer(generator)
    headline = summarizer.run(["江北经济增长。"])
    assert headline.outputs == ["全区地区生产总值增长10%"] and "标题式" in prompts[-1]
    assert headline.info.decoding["max_chars"] == 30 and headline.info.decoding["style"] == "headline"
    summary = summarizer.run(["江北经济增长。"], style="summary")
    assert summary.outputs == ["全区地区生产总值增长10%。财政收入101.6亿元。"]  # every line, no prefix
    assert "两到三句话" in prompts[-1] and "不超过120个字" in prompts[-1]
    assert summary.info.decoding["max_chars"] == 120 and generator.calls[-1]["max_new_tokens"] == [240]
    assert summarizer.run(["江北经济增长。"], style="summary", max_chars=20).outputs == ["全区地区生产总值增长10%。"]
    with pytest.raises(ValueError, match="style must be one of headline, summary"):
        summarizer.run(["江北经济增长。"], style="abstract")


def test_extractive_summary_style_takes_sentences_up_to_its_budget() -> None:
    body = load_seed_article().sections[1].body
    headline = ExtractiveSummarizer().summarize(body)
    summary = ExtractiveSummarizer(style="summary").summarize(body)
    assert len(headline) <= 30 < len(summary) <= 120


def test_textrank_ranks_at_most_the_documented_number_of_sentences(monkeypatch) -> None:
    from jb_summarize.tasks import summarize as module

    seen: list[int] = []
    real = module.textrank_scores

    def counting(units, *args, **kwargs):
        seen.append(len(units))
        return real(units, *args, **kwargs)

    monkeypatch.setattr(module, "textrank_scores", counting)
    text = "".join(f"第{i}条新闻说北京今天下雨。" for i in range(3 * module.MAX_RANKED_UNITS))
    summary = module.load_summarizer("extractive").summarize([text])[0]
    assert summary and seen and max(seen) == module.MAX_RANKED_UNITS


def test_textrank_ranks_the_sentence_sharing_no_words_last() -> None:
    from jb_summarize.tasks.summarize import textrank_scores

    scores = textrank_scores(["北京下雨。", "北京今天下雨很大。", "上海晴天。", "北京明天下雨。"])
    assert len(scores) == 4
    assert min(range(4), key=scores.__getitem__) == 2 and min(scores[0], scores[1], scores[3]) > 3 * scores[2]
