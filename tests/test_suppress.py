"""Forbidding Chinese in English output: which tokens carry it, and decoders that honour it."""

from __future__ import annotations

from transformers import AutoTokenizer

from jb_summarize import load_seed_article, load_translator
from jb_summarize.models.suppress import chinese_token_ids, tokenizer_token_bytes
from jb_summarize.tasks.checks import has_cjk


def test_pieces_with_ideographs_or_their_lead_bytes_are_forbidden() -> None:
    jiang = "江".encode()  # e6 b1 9f
    pieces = [b"Jiang", jiang, jiang[:2], jiang[2:], b" 100", "，".encode(), "“".encode(), b"\xe4", "𠀀".encode()]
    assert chinese_token_ids(pieces) == [1, 2, 7, 8]


def test_byte_level_bpe_tokens_give_back_their_bytes(tiny_qwen) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_qwen)
    pieces = tokenizer_token_bytes(tokenizer)
    assert len(pieces) == len(tokenizer)
    text = "江北区 Ningbo 2.5%"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert b"".join(pieces[i] for i in ids) == text.encode()
    forbidden = set(chinese_token_ids(pieces))
    assert forbidden and not forbidden & set(tokenizer(" Ningbo 2.5%", add_special_tokens=False)["input_ids"])


def test_sentencepiece_tokens_give_back_their_text(tiny_marian) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_marian)
    pieces = tokenizer_token_bytes(tokenizer)
    ids = tokenizer("江北区发展", add_special_tokens=False)["input_ids"]
    assert b"".join(pieces[i] for i in ids).decode().replace("\u2581", "") == "江北区发展"
    assert set(ids) <= set(chinese_token_ids(pieces)) | {tokenizer.convert_tokens_to_ids("\u2581")}


def test_chat_translator_passes_the_chinese_tokens_to_suppress(tiny_qwen, monkeypatch) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_qwen)
    expected = set(chinese_token_ids(tokenizer_token_bytes(tokenizer)))
    for forbid in (True, False):
        translator = load_translator(str(tiny_qwen), retry=False, forbid_chinese=forbid)
        seen: list[dict] = []
        original = translator.generator.model.generate

        def spy(*args, original=original, seen=seen, **kwargs):
            seen.append(kwargs)
            return original(*args, **kwargs)

        monkeypatch.setattr(translator.generator.model, "generate", spy)
        result = translator.run(load_seed_article().sections[1].sentences[:2])
        assert result.info.decoding["forbid_chinese"] is forbid
        if forbid:
            assert set(seen[0]["suppress_tokens"]) == expected
            assert not any(has_cjk(o) for o in result.outputs)
        else:
            assert "suppress_tokens" not in seen[0]
