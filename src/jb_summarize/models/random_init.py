"""Randomly initialised models with real tokenizers, saved like hub checkpoints.

For tests (tiny sizes, built in seconds) and speed benchmarks (real sizes: speed does not depend on
weight values). Tokenizers are trained on the corpus given, so every code path from ``from_pretrained``
to ``generate`` runs as it does for a downloaded model.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path

__all__ = ["CHATML_TEMPLATE", "build_marian", "build_mt5", "build_qwen2", "build_qwen2_gguf", "train_sentencepiece"]

CHATML_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _lines(corpus: Iterable[str]) -> list[str]:
    return [line.strip() for text in corpus for line in text.splitlines() if line.strip()]


def train_sentencepiece(corpus: Iterable[str], vocab_size: int = 1000, **options: object) -> bytes:
    """A unigram sentencepiece model (as bytes) covering every character of the corpus."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_lines(corpus)),
        model_writer=buffer,
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
        **options,
    )
    return buffer.getvalue()


def _seeded(seed: int) -> None:
    import torch

    torch.manual_seed(seed)


def build_marian(
    folder: str | Path,
    corpus: Iterable[str],
    *,
    vocab_size: int | None = None,
    d_model: int = 32,
    layers: int = 1,
    heads: int = 2,
    ffn_dim: int = 64,
    max_positions: int = 512,
    spm_vocab_size: int = 1000,
    seed: int = 0,
) -> Path:
    """A Marian zh->en model with a shared sentencepiece vocabulary; ``vocab_size`` pads it (65,001 for opus-mt)."""
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    proto = train_sentencepiece(corpus, spm_vocab_size, unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1)
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes(proto)
    processor = spm.SentencePieceProcessor(model_proto=proto)
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    while vocab_size is not None and len(vocab) < vocab_size - 1:
        vocab[f"<unused_{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(folder / "source.spm"),
        target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"),
        source_lang="zh",
        target_lang="en",
        model_max_length=max_positions,
    )
    tokenizer.save_pretrained(folder)
    pad = len(vocab) - 1
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn_dim,
        decoder_ffn_dim=ffn_dim,
        max_position_embeddings=max_positions,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
    )
    _seeded(seed)
    MarianMTModel(config).save_pretrained(folder)
    return folder


def build_mt5(folder: str | Path, corpus: Iterable[str], *, d_model: int = 32, layers: int = 1, seed: int = 0) -> Path:
    """An mT5 summariser with a sentencepiece (unigram) tokenizer: pad 0, eos 1, unk 2."""
    import sentencepiece as spm
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    proto = train_sentencepiece(corpus, 1000, pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    processor = spm.SentencePieceProcessor(model_proto=proto)
    vocab = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=512)
    tokenizer.save_pretrained(folder)
    config = MT5Config(
        vocab_size=len(tokenizer),
        d_model=d_model,
        d_kv=8,
        d_ff=d_model * 2,
        num_layers=layers,
        num_decoder_layers=layers,
        num_heads=2,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    _seeded(seed)
    MT5ForConditionalGeneration(config).save_pretrained(folder)
    return folder


def build_qwen2(
    folder: str | Path,
    corpus: Iterable[str],
    *,
    hidden: int = 32,
    layers: int = 1,
    vocab_size: int = 800,
    seed: int = 0,
) -> Path:
    """A Qwen2-style causal LM with a byte-level BPE tokenizer and a ChatML chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(_lines(corpus), trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        chat_template=CHATML_TEMPLATE,
        model_max_length=2048,
    )
    tokenizer.save_pretrained(folder)
    config = Qwen2Config(
        vocab_size=bpe.get_vocab_size(),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=2048,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        tie_word_embeddings=True,
    )
    _seeded(seed)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    return folder


_QWEN2_TENSORS = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}
_QWEN2_LAYER_TENSORS = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}


def _gguf_name(hf_name: str) -> str:
    if hf_name in _QWEN2_TENSORS:
        return _QWEN2_TENSORS[hf_name]
    _, _, layer, rest = hf_name.split(".", 3)  # model.layers.N.rest
    return f"blk.{layer}.{_QWEN2_LAYER_TENSORS[rest]}"


def build_qwen2_gguf(
    path: str | Path,
    corpus: Iterable[str],
    *,
    hidden: int = 32,
    layers: int = 1,
    vocab_size: int = 800,
    quant: str = "F32",
    seed: int = 0,
) -> Path:
    """A Qwen2 GGUF file (for llama.cpp) of ``build_qwen2``'s model, with its tokenizer and chat template.

    ``quant``: the type of the 2-D weight matrices (F32, F16, Q8_0, Q4_0, ...); norms and biases stay F32.
    """
    import tempfile

    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_qwen2(Path(tmp), corpus, hidden=hidden, layers=layers, vocab_size=vocab_size, seed=seed)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        tokenizer = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        weights = load_file(folder / "model.safetensors")
    vocab = tokenizer["model"]["vocab"]
    special = {token["id"] for token in tokenizer["added_tokens"] if token["special"]}
    tokens = sorted(vocab, key=vocab.get)
    merges = [m if isinstance(m, str) else " ".join(m) for m in tokenizer["model"]["merges"]]
    qtype = gguf.GGMLQuantizationType[quant.upper()]

    writer = gguf.GGUFWriter(str(path), "qwen2")
    writer.add_name("random qwen2")
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(config["num_attention_heads"])
    writer.add_head_count_kv(config["num_key_value_heads"])
    writer.add_rope_freq_base(float(config.get("rope_theta") or config["rope_parameters"]["rope_theta"]))
    writer.add_layer_norm_rms_eps(config["rms_norm_eps"])
    writer.add_file_type(gguf.LlamaFileType.ALL_F32 if quant.upper() == "F32" else gguf.LlamaFileType.GUESSED)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")  # llama.cpp splits as for the real Qwen models
    writer.add_token_list(tokens)
    writer.add_token_types([gguf.TokenType.CONTROL if vocab[t] in special else gguf.TokenType.NORMAL for t in tokens])
    writer.add_token_merges(merges)
    writer.add_eos_token_id(config["eos_token_id"])
    writer.add_pad_token_id(config["pad_token_id"])
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHATML_TEMPLATE)
    for name, tensor in weights.items():
        data = tensor.astype(np.float32)
        if data.ndim == 2 and qtype != gguf.GGMLQuantizationType.F32:
            writer.add_tensor(_gguf_name(name), gguf.quants.quantize(data, qtype), raw_dtype=qtype)
        else:
            writer.add_tensor(_gguf_name(name), data)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
