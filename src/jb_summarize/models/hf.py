"""Hugging Face ``transformers`` adapters: one seq2seq and one chat (causal LM) text generator.

Both are built once and called on lists; they batch by length, restore order, and keep model quirks
(language codes, padding side, chat templates) away from callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from .base import GREEDY, Decoding, TextGenerator, run_in_batches
from .hub import ModelNotAvailableError
from .suppress import chinese_token_ids, tokenizer_token_bytes

__all__ = [
    "ChatGenerator",
    "HFGenerator",
    "Seq2SeqGenerator",
    "generator_from_model",
    "input_limit",
    "quiet_transformers",
]

Messages = list[dict[str, str]]


def quiet_transformers() -> None:
    """Silence transformers' own logging and progress bars, for the whole process: the CLI does this once;
    the library itself leaves transformers' settings to its user."""
    import warnings

    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # the core install: no transformers to quiet
        return

    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def input_limit(tokenizer: Any, requested: int | None, fallback: int = 512) -> int:
    """The input length a model takes: the tokenizer's limit (or ``fallback``), lowered to ``requested``."""
    limit = getattr(tokenizer, "model_max_length", None) or 0
    if not 0 < limit < 1_000_000:  # tokenizers without a limit report a huge sentinel
        limit = fallback
    return min(requested or limit, limit)


class HFGenerator(TextGenerator):
    """A transformers model and tokenizer: length-sorted batches through ``model.generate``.

    Subclasses encode a batch and say which part of the output is new.
    """

    backend = "transformers"
    prefix_tokens = 0  # tokens that open every generated row without counting as output

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        source: str,
        device: str,
        max_input_tokens: int | None,
        batch_size: int | None = None,
    ):
        import torch

        from .device import check_cuda

        check_cuda(device)
        self.model = model.eval().to(device)
        self.tokenizer = tokenizer
        self.source = source
        self.device = device
        fallback = getattr(model.config, "max_position_embeddings", None) or 512
        self.max_input_tokens = input_limit(tokenizer, max_input_tokens, fallback)
        self.default_batch_size = batch_size or self.default_batch_size
        if getattr(model.config, "is_encoder_decoder", False):  # the decoder's positions bound an output
            self.max_output_tokens = getattr(model.config, "max_position_embeddings", None)
        self._torch = torch

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    @cached_property
    def _chinese_ids(self) -> list[int]:
        return chinese_token_ids(tokenizer_token_bytes(self.tokenizer))

    def _encode(self, batch: list[Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _new_tokens(self, output: Any, encoded: dict[str, Any]) -> Any:
        """The generated part of ``generate``'s output."""
        return output

    def _decode(self, output: Any, encoded: dict[str, Any], budgets: list[int]) -> list[str]:
        # A batch generates up to its longest budget; each row is cut back to its own, so that the
        # output does not depend on which other inputs shared the batch.
        rows = self._new_tokens(output, encoded)
        keep = self.prefix_tokens
        if getattr(self.model.generation_config, "forced_eos_token_id", None) is not None:
            keep -= 1  # the last step of a row's budget is the forced end-of-sequence token
        return self.tokenizer.batch_decode(
            [row[: keep + budget] for row, budget in zip(rows, budgets, strict=True)], skip_special_tokens=True
        )

    def _length(self, item: Any) -> int:
        return len(item)

    def generation_kwargs(self) -> dict[str, Any]:
        """Model-specific arguments for ``generate`` (forced language token, pad id)."""
        return {}

    def _generate_kwargs(self, decoding: Decoding) -> dict[str, Any]:
        kwargs = {k: v for k, v in decoding.to_dict().items() if v is not None}
        kwargs.pop("seed")
        if kwargs.get("temperature"):
            kwargs["do_sample"] = True
        else:
            kwargs.pop("temperature", None)
        if kwargs.pop("forbid_chinese"):
            kwargs["suppress_tokens"] = self._chinese_ids
        return kwargs

    def generate(
        self,
        inputs: Sequence[Any],
        *,
        max_new_tokens: Sequence[int],
        decoding: Decoding = GREEDY,
        batch_size: int | None = None,
        progress: bool = False,
    ) -> list[str]:
        """Greedy or beam decoding of each input; ``max_new_tokens`` is given per input."""
        options = self._generate_kwargs(decoding)

        def run(batch: list[Any], indices: list[int]) -> list[str]:
            encoded = self._encode(batch)
            kwargs = {
                "do_sample": False,
                **self.generation_kwargs(),
                **options,
                "max_new_tokens": max(max_new_tokens[i] for i in indices),
            }
            self._torch.manual_seed(decoding.seed)
            with self._torch.inference_mode():
                output = self.model.generate(**encoded, **kwargs)
            return [text.strip() for text in self._decode(output, encoded, [max_new_tokens[i] for i in indices])]

        return run_in_batches(
            list(inputs),
            run,
            lengths=[self._length(x) for x in inputs],
            batch_size=batch_size or self.default_batch_size,
            progress=progress,
            desc=self.source,
        )


class Seq2SeqGenerator(HFGenerator):
    """Encoder-decoder models (Marian, NLLB, M2M100, mT5, Pegasus, BART) on plain text inputs."""

    kind = "seq2seq"
    prefix_tokens = 1  # the decoder start token

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        source: str,
        device: str = "cpu",
        max_input_tokens: int | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        batch_size: int | None = None,
    ):
        super().__init__(
            model, tokenizer, source=source, device=device, max_input_tokens=max_input_tokens, batch_size=batch_size
        )
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self._forced_bos: int | None = None
        if src_lang:
            tokenizer.src_lang = src_lang
        if tgt_lang:
            get_lang_id = getattr(tokenizer, "get_lang_id", None)  # M2M100
            token_id = get_lang_id(tgt_lang) if get_lang_id else tokenizer.convert_tokens_to_ids(tgt_lang)
            if token_id is None or token_id == tokenizer.unk_token_id:
                raise ModelNotAvailableError(
                    f"model {self.source!r}: target language {tgt_lang!r} is not in its vocabulary"
                )
            self._forced_bos = token_id

    @classmethod
    def from_pretrained(
        cls, model_dir: str | Path, *, source: str | None = None, dtype: str | None = None, **options: Any
    ) -> Seq2SeqGenerator:
        """Model and tokenizer from a local folder; ``options`` as in the constructor."""
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForSeq2SeqLM.from_pretrained(model_dir, **({"dtype": dtype} if dtype else {}))
        return cls(model, tokenizer, source=source or str(model_dir), **options)

    def generation_kwargs(self) -> dict[str, Any]:
        return {"forced_bos_token_id": self._forced_bos} if self._forced_bos is not None else {}

    def _encode(self, batch: list[str]) -> dict[str, Any]:
        enc = self.tokenizer(
            batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens
        )
        return {k: v.to(self.device) for k, v in enc.items()}


def _check_chat_template(tokenizer: Any, source: str) -> None:
    if not getattr(tokenizer, "chat_template", None):
        raise ModelNotAvailableError(
            f"model {source!r}: its tokenizer has no chat template; pass an instruction-tuned model or a seq2seq model"
        )


class ChatGenerator(HFGenerator):
    """Instruction-tuned causal LMs through the tokenizer's chat template; inputs are message lists."""

    kind = "chat"

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        source: str,
        device: str = "cpu",
        max_input_tokens: int | None = None,
        batch_size: int | None = None,
    ):
        _check_chat_template(tokenizer, source)
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        super().__init__(
            model, tokenizer, source=source, device=device, max_input_tokens=max_input_tokens, batch_size=batch_size
        )

    @classmethod
    def from_pretrained(
        cls,
        model_dir: str | Path,
        *,
        source: str | None = None,
        gguf_file: str | None = None,
        dtype: str | None = None,
        **options: Any,
    ) -> ChatGenerator:
        """Model and tokenizer from a local folder (or a GGUF file in it); ``options`` as in the constructor."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        extra = {"gguf_file": gguf_file} if gguf_file else {}
        tokenizer = AutoTokenizer.from_pretrained(model_dir, **extra)
        _check_chat_template(tokenizer, source or str(model_dir))  # before the weights are read
        model = AutoModelForCausalLM.from_pretrained(model_dir, **extra, **({"dtype": dtype} if dtype else {}))
        return cls(model, tokenizer, source=source or str(model_dir), **options)

    def generation_kwargs(self) -> dict[str, Any]:
        return {"pad_token_id": self.tokenizer.pad_token_id}

    def _length(self, item: Messages) -> int:
        return sum(len(m["content"]) for m in item)

    def _encode(self, batch: list[Messages]) -> dict[str, Any]:
        enc = self.tokenizer.apply_chat_template(
            batch,
            add_generation_prompt=True,
            return_tensors="pt",
            padding=True,
            return_dict=True,
        )
        return {k: v.to(self.device) for k, v in enc.items()}

    def _new_tokens(self, output: Any, encoded: dict[str, Any]) -> Any:
        return output[:, encoded["input_ids"].shape[1] :]


def generator_from_model(
    model: Any, tokenizer: Any = None, *, source: str | None = None, device: str | None = None, **options: Any
) -> HFGenerator:
    """A generator over a transformers model and tokenizer the caller has already loaded, or a pipeline
    (its ``model`` and ``tokenizer``); encoder-decoder models become seq2seq, others chat."""
    if tokenizer is None and hasattr(model, "model") and hasattr(model, "tokenizer"):  # a transformers pipeline
        model, tokenizer = model.model, model.tokenizer
    if tokenizer is None or not hasattr(model, "generate") or not hasattr(model, "config"):
        raise TypeError("pass a transformers model with its tokenizer, or a transformers pipeline")
    source = source or getattr(model.config, "name_or_path", None) or type(model).__name__
    device = device or str(getattr(model, "device", "cpu"))
    kind = Seq2SeqGenerator if getattr(model.config, "is_encoder_decoder", False) else ChatGenerator
    return kind(model, tokenizer, source=source, device=device, **options)
