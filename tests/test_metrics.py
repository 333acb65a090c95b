from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jb_summarize.metrics import bootstrap_interval, corpus_statistics, paired_bootstrap, rouge, score, tokenize_zh


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


def test_bootstrap_interval_is_fixed_and_contains_the_corpus_score() -> None:
    hyps = [f"the district built {i} new roads and {i % 7} bridges" for i in range(60)]
    refs = [[f"the district built {i} roads and {i % 5} bridges this year" for i in range(60)]]
    for metric in ("bleu", "chrf"):
        stats = corpus_statistics(metric, hyps, refs)
        low, high = bootstrap_interval(stats, n=300)
        assert low < stats.score() < high
        assert bootstrap_interval(stats, n=300) == (low, high)
        assert bootstrap_interval(stats, n=300, seed=1) != (low, high)


_words = st.lists(
    st.sampled_from(["news", "the", "yuan", "12.5", "billion", "Ningbo", "road", ",", "built"]), max_size=12
)
_lines = st.lists(_words.map(" ".join), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(_lines, st.data())
def test_statistics_give_sacrebleus_corpus_scores(hyps: list[str], data: st.DataObject) -> None:
    """The per-item statistics behind intervals and paired tests sum to exactly sacrebleu's corpus score."""
    from sacrebleu.metrics import BLEU, CHRF

    refs = [data.draw(st.lists(_words.map(" ".join), min_size=len(hyps), max_size=len(hyps))) for _ in range(2)]
    for n_refs in (1, 2):
        streams = refs[:n_refs]
        assert corpus_statistics("bleu", hyps, streams).score() == pytest.approx(
            BLEU().corpus_score(hyps, streams).score
        )
        assert corpus_statistics("chrf", hyps, streams).score() == pytest.approx(
            CHRF().corpus_score(hyps, streams).score
        )


def test_paired_bootstrap_tells_a_real_gain_from_none() -> None:
    refs = [[f"officials said output rose {i} percent in district {i % 9}" for i in range(80)]]
    good = [f"officials said output rose {i} percent in district {i % 9}" for i in range(80)]
    bad = [f"people say output changed a lot in area {i}" for i in range(80)]
    half = good[:40] + bad[40:]
    for metric in ("bleu", "chrf"):
        base = corpus_statistics(metric, half, refs)
        better = paired_bootstrap(base, corpus_statistics(metric, good, refs), n=300)
        assert better["delta"] > 0 and better["p"] < 0.01 and better["delta_ci"][0] > 0
        same = paired_bootstrap(base, corpus_statistics(metric, half, refs), n=300)
        assert same["delta"] == 0 and same["p"] > 0.5
    with pytest.raises(ValueError, match="same metric"):
        paired_bootstrap(corpus_statistics("bleu", good, refs), corpus_statistics("chrf", good, refs))


def test_rouge_statistics_are_item_means() -> None:
    stats = corpus_statistics("rougeL", ["江北增长", "宁波"], [["江北增长", "杭州"]])
    assert stats.score() == pytest.approx(50.0)


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
