"""The CTranslate2 backend on the tiny Marian model (converted in the test)."""

from __future__ import annotations

import pytest

from jb_summarize import load_seed_article, load_translator

pytest.importorskip("ctranslate2")


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return load_seed_article().sections[2].sentences[:10]


def test_float32_ctranslate2_matches_transformers_greedy(tiny_marian, sentences) -> None:
    reference = load_translator(str(tiny_marian), retry=False).translate(sentences)
    fast = load_translator(str(tiny_marian), backend="ctranslate2", compute_type="float32", retry=False)
    assert fast.generator.backend == "ctranslate2"
    assert fast.translate(sentences) == reference
    assert (tiny_marian / "ctranslate2-float32" / "model.bin").is_file()  # converted once, next to the model


def test_int8_outputs_one_per_input_and_batch_invariant(tiny_marian, sentences) -> None:
    translator = load_translator(str(tiny_marian), backend="ctranslate2", retry=False)
    result = translator.run(sentences, batch_size=1)
    assert len(result.outputs) == len(sentences) and result.info.backend == "ctranslate2"
    assert translator.translate(sentences, batch_size=8) == result.outputs


def test_token_budget_batching(tiny_marian, sentences) -> None:
    translator = load_translator(str(tiny_marian), backend="ctranslate2", max_batch_tokens=64, retry=False)
    assert len(translator.translate(sentences)) == len(sentences)


def test_ctranslate2_is_for_seq2seq_only(tiny_qwen) -> None:
    from jb_summarize import ModelNotAvailableError

    with pytest.raises(ModelNotAvailableError, match="seq2seq"):
        load_translator(str(tiny_qwen), backend="ctranslate2")
