"""CTranslate2 adapter: the fast CPU path for seq2seq models (Marian, NLLB, M2M100, mT5, BART, Pegasus).

The ``transformers`` checkpoint is converted once (int8 by default) into ``ctranslate2-<type>/`` next to
the model, or under ``$JB_SUMMARIZE_HOME/ct2/`` when that folder is read-only, and reused afterwards.
Tokenisation stays with the model's own ``transformers`` tokenizer, so outputs match the reference path's
tokens. Leave ``CT2_USE_MKL`` unset on AMD CPUs: it made int8 17 times slower on the project's machines.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from .base import GREEDY, Decoding, TextGenerator
from .hf import input_limit
from .hub import ModelNotAvailableError
from .store import model_home
from .suppress import chinese_token_ids, tokenizer_token_bytes

__all__ = ["CT2Seq2SeqGenerator", "converted_model_dir"]


def converted_model_dir(model_dir: Path, compute_type: str) -> Path:
    """Convert a transformers seq2seq checkpoint once; the CTranslate2 folder."""
    from ctranslate2.converters import TransformersConverter

    name = f"ctranslate2-{compute_type}"
    target = model_dir / name
    if not os.access(model_dir, os.W_OK):
        digest = hashlib.sha256(str(model_dir.resolve()).encode()).hexdigest()[:16]
        target = model_home().parent / "ct2" / f"{digest}-{name}"
    if (target / "model.bin").is_file():
        return target
    partial = target.with_name(target.name + ".partial")
    TransformersConverter(str(model_dir)).convert(str(partial), quantization=compute_type, force=True)
    os.replace(partial, target)
    return target


def _max_positions(model_dir: Path) -> int | None:
    from transformers import AutoConfig

    return getattr(AutoConfig.from_pretrained(model_dir), "max_position_embeddings", None)


def _forced_eos(model_dir: Path) -> bool:
    from transformers import GenerationConfig

    try:
        return GenerationConfig.from_pretrained(model_dir).forced_eos_token_id is not None
    except OSError:
        return False


class CT2Seq2SeqGenerator(TextGenerator):
    """A seq2seq model on CTranslate2. Batches are formed by token budget when ``max_batch_tokens`` is set."""

    backend = "ctranslate2"
    kind = "seq2seq"

    def __init__(
        self,
        model_dir: str | Path,
        *,
        source: str | None = None,
        device: str = "cpu",
        max_input_tokens: int | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        compute_type: str = "int8",
        inter_threads: int = 1,
        intra_threads: int = 0,
        max_batch_tokens: int | None = None,
        batch_size: int | None = None,
    ):
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelNotAvailableError("the ctranslate2 backend needs ctranslate2: pip install -e '.[ct2]'") from exc
        from transformers import AutoTokenizer

        model_dir = Path(model_dir)
        self.source = source or str(model_dir)
        self.device = device
        kind, _, index = device.partition(":")
        if kind == "cuda" and ctranslate2.get_cuda_device_count() <= int(index or 0):
            raise ModelNotAvailableError(f"device {device!r}: CTranslate2 sees no such CUDA GPU; use --device cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        if src_lang:
            self.tokenizer.src_lang = src_lang
        self.target_prefix = [tgt_lang] if tgt_lang else None
        self.translator = ctranslate2.Translator(
            str(converted_model_dir(model_dir, compute_type)),
            device=kind,
            device_index=int(index or 0),
            compute_type=compute_type,
            inter_threads=inter_threads,
            intra_threads=intra_threads,
        )
        self.max_input_tokens = input_limit(self.tokenizer, max_input_tokens)
        self.max_output_tokens = _max_positions(model_dir)
        self.max_batch_tokens = max_batch_tokens
        self.default_batch_size = batch_size or self.default_batch_size
        # As on transformers: with a forced end-of-sequence token, the budget's last step is that token.
        self._eos_step = 1 if _forced_eos(model_dir) else 0
        self.settings = {"compute_type": compute_type, "inter_threads": inter_threads, "intra_threads": intra_threads}

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    @cached_property
    def _chinese_pieces(self) -> list[list[str]]:
        ids = chinese_token_ids(tokenizer_token_bytes(self.tokenizer))
        return [[piece] for piece in self.tokenizer.convert_ids_to_tokens(ids)]

    def _tokens(self, text: str) -> list[str]:
        ids = self.tokenizer(text, truncation=True, max_length=self.max_input_tokens)["input_ids"]
        return self.tokenizer.convert_ids_to_tokens(ids)

    def generate(
        self,
        inputs: Sequence[str],
        *,
        max_new_tokens: Sequence[int],
        decoding: Decoding = GREEDY,
        batch_size: int | None = None,
        progress: bool = False,
    ) -> list[str]:
        """All inputs in one call: CTranslate2 sorts by length and batches itself, and restores order."""
        if not inputs:
            return []
        options: dict[str, Any] = {
            "beam_size": decoding.num_beams or 1,
            "max_decoding_length": max(max_new_tokens),
            "repetition_penalty": decoding.repetition_penalty or 1.0,
            "no_repeat_ngram_size": decoding.no_repeat_ngram_size or 0,
            "max_batch_size": self.max_batch_tokens or batch_size or self.default_batch_size,
            "batch_type": "tokens" if self.max_batch_tokens else "examples",
        }
        if decoding.min_new_tokens:
            options["min_decoding_length"] = decoding.min_new_tokens
        if decoding.temperature:
            options.update(sampling_temperature=decoding.temperature, sampling_topk=0)
        if decoding.forbid_chinese:
            options["suppress_sequences"] = self._chinese_pieces
        if self.target_prefix:
            options["target_prefix"] = [self.target_prefix] * len(inputs)
        results = self.translator.translate_batch([self._tokens(t) for t in inputs], **options)
        outputs = []
        for result, budget in zip(results, max_new_tokens, strict=True):
            tokens = result.hypotheses[0][: budget - self._eos_step]  # each output cut to its own budget
            outputs.append(
                self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(tokens), skip_special_tokens=True)
            )
        return [o.strip() for o in outputs]
