from __future__ import annotations

import pytest

from jb_summarize.metrics import bootstrap_interval, rouge, score, tokenize_zh


def test_identical_chinese_strings_score_100() -> None:
    result = rouge(["江北经济快速增长"], [["江北经济快速增长"]])
    assert result["rouge1"] == result["rouge2"] == result["rougeL"] == 100.0


def test_rouge_score_alone_would_give_chinese_zero() -> None:
    from rouge_score.rouge_scorer import RougeScorer

    assert RougeScorer(["rouge1"]).score("江北经济", "江北经济")["rouge1"].fmeasure == 0.0  # why we tokenize


def test_character_rouge_by_hand() -> None:
    # hyp 江北经济增长 (6 chars), ref 宁波经济增长很快 (8 chars): 4 shared unigrams -> P 4/6, R 4/8
    result = rouge(["江北经济增长"], [["宁波经济增长很快"]], n_bootstrap=10)
    assert result["per_item"][0]["rouge1"] == pytest.approx(100 * 2 * (4 / 6) * (4 / 8) / (4 / 6 + 4 / 8), abs=1e-3)
    assert result["signature"].startswith("rouge|f1|tok:char|nrefs:1")


def test_tokenizer_keeps_latin_words_and_drops_punctuation() -> None:
    assert tokenize_zh("5G+工业互联网，AI。") == ["5g", "工", "业", "互", "联", "网", "ai"]
    assert "江北" in tokenize_zh("江北区经济增长", mode="jieba") or "江北区" in tokenize_zh("江北区经济增长", "jieba")


def test_multiple_references_take_the_best() -> None:
    result = rouge(["江北增长"], [["宁波下降"], ["江北增长"]], n_bootstrap=10)
    assert result["rouge1"] == 100.0


def test_bootstrap_interval_is_fixed_and_contains_the_mean() -> None:
    values = [float(v) for v in range(100)]
    low, high = bootstrap_interval(values, n=500)
    assert low < 49.5 < high
    assert bootstrap_interval(values, n=500) == (low, high)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="reference 1 has 1 lines"):
        score(["a", "b"], [["a"]], lang="en")


def test_wmt21_known_system_scores(shared_dir) -> None:
    """The scorer reproduces the published sacrebleu scores of WMT21 zh-en submissions."""
    folder = shared_dir / "data" / "wmt21-zh-en"
    ref = (folder / "newstest2021.zh-en.ref.A.en").read_text(encoding="utf-8").splitlines()
    expected = {"Online-B": (32.4, 61.3), "Facebook-AI": (32.1, 60.4), "Online-Y": (24.1, 54.3)}
    for system, (bleu, chrf) in expected.items():
        hyp = (folder / "systems" / f"newstest2021.zh-en.hyp.{system}.en").read_text(encoding="utf-8").splitlines()
        result = score(hyp, [ref], lang="en", n_bootstrap=1, per_item=False)
        assert round(result["bleu"], 1) == bleu, system
        assert round(result["chrf"], 1) == chrf, system
        assert "tok:13a" in result["bleu_signature"]


def test_chinese_bleu_uses_the_zh_tokenizer() -> None:
    result = score(["江北经济快速增长"], [["江北经济快速增长"]], lang="zh", n_bootstrap=1)
    assert result["bleu"] == 100.0 and "tok:zh" in result["bleu_signature"]
    assert result["rougeL"] == 100.0
