"""llama.cpp adapter (``llama-cpp-python``): the fast CPU runtime for GGUF chat models.

Decoding is greedy and continuous-batched: up to ``batch_size`` sequences are in flight in one llama.cpp
context, every ``llama_decode`` call carries one token per generating sequence topped up with prompt
tokens of the sequences that start next, and a finished sequence's slot goes to the next prompt. On this
project's 2-core CPU a call with 16 or more tokens costs 11-13 ms per token against 31-35 ms for a single
token, so many sequences at once are much faster than one at a time. The prompt prefix that all inputs
share (chat template and system message) is evaluated once and shared through the KV cache.

Greedy output depends slightly on what else shares a call (batched matrix products round differently),
so it is repeatable for the same inputs and ``batch_size``, and ``batch_size=1`` decodes one at a time.
"""

from __future__ import annotations

import os
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .cpu import WeightLayout, choose_weight_layout, cpu_info
from .hf import TextGenerator
from .hub import ModelNotAvailableError
from .suppress import chinese_token_ids

__all__ = ["LlamaCppGenerator", "llama_cpp_available", "load_llama_model"]

Messages = list[dict[str, str]]

PENALTY_LAST_N = 64  # tokens a repetition penalty looks back over, as in llama.cpp
_KV_TYPES = {"f16": "GGML_TYPE_F16", "q8_0": "GGML_TYPE_Q8_0"}


def llama_cpp_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


_backend_ready = False


def load_llama_model(gguf_path: str | Path, *, layout: WeightLayout, n_gpu_layers: int = 0) -> Any:
    """A ``llama_cpp`` model (weights, vocabulary, metadata) loaded with the given weight layout."""
    global _backend_ready
    import llama_cpp
    from llama_cpp._internals import LlamaModel
    from llama_cpp._logger import set_verbose

    if not _backend_ready:
        llama_cpp.llama_backend_init()
        _backend_ready = True
    set_verbose(False)  # llama.cpp's own log: errors only, as llama_cpp.Llama(verbose=False) does
    params = llama_cpp.llama_model_default_params()
    params.n_gpu_layers = n_gpu_layers
    params.use_extra_bufts = layout.repack
    return LlamaModel(path_model=str(gguf_path), params=params, verbose=False)


def _common_prefix(sequences: Sequence[Sequence[int]]) -> int:
    first = sequences[0]
    length = min(len(s) for s in sequences)
    for i in range(length):
        if any(s[i] != first[i] for s in sequences):
            return i
    return length


@dataclass
class _Sequence:
    index: int
    prompt: list[int]  # prompt tokens not yet evaluated
    position: int  # position of the next token to evaluate
    budget: int
    history: list[int]  # the last prompt tokens, for a repetition penalty
    output: list[int] = field(default_factory=list)
    upcoming: int | None = None  # the last sampled token, evaluated in the next call


class _BatchDecoder:
    """Greedy decoding of many token prompts in one llama.cpp context (see the module docstring)."""

    def __init__(
        self, model: Any, *, n_ctx: int, n_batch: int, parallel: int, n_threads: int, flash_attn: bool, kv_type: str
    ):
        import llama_cpp

        if n_batch < parallel:
            raise ValueError(f"n_batch ({n_batch}) must be at least the batch size ({parallel})")
        self._lib = llama_cpp
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = params.n_ubatch = n_batch
        params.n_seq_max = parallel + 1  # the last sequence id holds the shared prompt prefix
        params.n_threads = params.n_threads_batch = n_threads
        params.kv_unified = True  # sequences share cells, so the prompt prefix is stored once
        params.flash_attn_type = (
            llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED if flash_attn else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        )
        params.no_perf = True
        if kv_type not in _KV_TYPES:
            raise ValueError(f"kv_cache_type must be one of {', '.join(_KV_TYPES)}, got {kv_type!r}")
        if kv_type != "f16" and not flash_attn:
            raise ValueError("a quantised KV cache needs flash_attn=True in llama.cpp")
        params.type_k = params.type_v = getattr(llama_cpp, _KV_TYPES[kv_type])
        self.ctx = llama_cpp.llama_init_from_model(model, params)
        if not self.ctx:
            raise RuntimeError(f"llama.cpp could not create a context of {n_ctx} tokens")
        self._free = weakref.finalize(self, llama_cpp.llama_free, self.ctx)
        self.batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        self._free_batch = weakref.finalize(self, llama_cpp.llama_batch_free, self.batch)
        self.memory = llama_cpp.llama_get_memory(self.ctx)
        self.vocab = llama_cpp.llama_model_get_vocab(model)
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(self.vocab)
        self.n_ctx = n_ctx
        self.n_batch = n_batch
        self.parallel = parallel

    def _decode(self, entries: list[tuple[int, int, int, bool]]) -> None:
        batch = self.batch
        batch.n_tokens = len(entries)
        for j, (token, position, sequence, logits) in enumerate(entries):
            batch.token[j] = token
            batch.pos[j] = position
            batch.n_seq_id[j] = 1
            batch.seq_id[j][0] = sequence
            batch.logits[j] = logits
        status = self._lib.llama_decode(self.ctx, batch)
        if status != 0:
            raise RuntimeError(f"llama_decode failed with status {status}")

    def _next_token(self, row: int, seq: _Sequence, penalty: float, forbidden: Any) -> int:
        import numpy as np

        pointer = self._lib.llama_get_logits_ith(self.ctx, row)
        logits = np.ctypeslib.as_array(pointer, shape=(self.n_vocab,))
        if penalty != 1.0 or forbidden is not None:
            logits = logits.copy()
        if forbidden is not None:
            logits[forbidden] = -np.inf
        if penalty != 1.0:
            recent = np.unique((seq.history + seq.output)[-PENALTY_LAST_N:])
            values = logits[recent]
            logits[recent] = np.where(values > 0, values / penalty, values * penalty)
        return int(logits.argmax())

    def generate(
        self,
        prompts: Sequence[list[int]],
        budgets: Sequence[int],
        *,
        penalty: float = 1.0,
        forbidden: Any = None,
        parallel: int | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> list[list[int]]:
        """Generated tokens for each prompt (without the end-of-generation token), in order.

        ``forbidden``: token ids never to sample (a numpy index array), ``penalty``: a repetition penalty.
        """
        lib = self._lib
        parallel = min(parallel or self.parallel, self.parallel)
        if parallel < 1:
            raise ValueError(f"batch_size must be at least 1, got {parallel}")
        lib.llama_memory_clear(self.memory, True)
        outputs: list[list[int]] = [[] for _ in prompts]
        todo = [i for i, budget in enumerate(budgets) if budget > 0]
        if not todo:
            return outputs
        shared = _common_prefix([prompts[i] for i in todo]) if len(todo) > 1 else 0
        shared = max(0, min(shared, min(len(prompts[i]) for i in todo) - 1))
        prefix_seq = self.parallel
        for start in range(0, shared, self.n_batch):
            end = min(start + self.n_batch, shared)
            self._decode([(prompts[todo[0]][p], p, prefix_seq, False) for p in range(start, end)])

        def cells(i: int) -> int:
            return len(prompts[i]) - shared + budgets[i]

        too_long = [i for i in todo if shared + cells(i) > self.n_ctx]
        if too_long:
            i = too_long[0]
            raise ValueError(
                f"prompt of {len(prompts[i])} tokens with {budgets[i]} new tokens does not fit the "
                f"{self.n_ctx}-token context; raise n_ctx"
            )
        # longest first, so that the last sequences to finish are short ones
        queue = deque(sorted(todo, key=lambda i: -cells(i)))
        free = list(range(parallel - 1, -1, -1))
        running: dict[int, _Sequence] = {}
        used = shared
        while queue or running:
            while queue and free and used + cells(queue[0]) <= self.n_ctx:
                i = queue.popleft()
                sequence_id = free.pop()
                if shared:
                    lib.llama_memory_seq_cp(self.memory, prefix_seq, sequence_id, 0, shared)
                running[sequence_id] = _Sequence(
                    index=i,
                    prompt=list(prompts[i][shared:]),
                    position=shared,
                    budget=budgets[i],
                    history=list(prompts[i][-PENALTY_LAST_N:]),
                )
                used += cells(i)
            entries: list[tuple[int, int, int, bool]] = []
            readers: list[tuple[int, int]] = []  # (row, sequence id) whose logits give the next token
            for sequence_id, seq in running.items():
                if seq.upcoming is not None:
                    readers.append((len(entries), sequence_id))
                    entries.append((seq.upcoming, seq.position, sequence_id, True))
                    seq.position += 1
                    seq.upcoming = None
            for sequence_id, seq in running.items():
                room = self.n_batch - len(entries)
                if not seq.prompt or room <= 0:
                    continue
                chunk, seq.prompt = seq.prompt[:room], seq.prompt[room:]
                for k, token in enumerate(chunk):
                    last = not seq.prompt and k == len(chunk) - 1
                    if last:
                        readers.append((len(entries), sequence_id))
                    entries.append((token, seq.position, sequence_id, last))
                    seq.position += 1
            self._decode(entries)
            for row, sequence_id in readers:
                seq = running[sequence_id]
                token = self._next_token(row, seq, penalty, forbidden)
                if lib.llama_vocab_is_eog(self.vocab, token):
                    finished = True
                else:
                    seq.output.append(token)
                    finished = len(seq.output) >= seq.budget
                    seq.upcoming = None if finished else token
                if finished:
                    outputs[seq.index] = seq.output
                    lib.llama_memory_seq_rm(self.memory, sequence_id, -1, -1)
                    used -= cells(seq.index)
                    del running[sequence_id]
                    free.append(sequence_id)
                    if on_done:
                        on_done()
        return outputs


class LlamaCppGenerator(TextGenerator):
    """A GGUF chat model through llama.cpp, greedy and continuous-batched; inputs are message lists.

    ``batch_size`` is the number of sequences in flight (at most ``max_batch_size``, which sizes the
    context). ``num_beams`` and ``no_repeat_ngram_size`` have no llama.cpp equivalent and are ignored;
    ``repetition_penalty`` divides the logits of the last 64 tokens as llama.cpp's ``repeat_penalty``
    does; ``forbid_chinese`` never samples a token that carries Chinese. ``repack_weights`` (None: auto,
    or ``JB_SUMMARIZE_REPACK_WEIGHTS``) chooses llama.cpp's weight layout: see ``models/cpu.py``.
    """

    backend = "llama.cpp"
    kind = "chat"

    def __init__(
        self,
        gguf_path: str | Path,
        *,
        source: str | None = None,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        n_batch: int = 512,
        max_input_tokens: int | None = None,
        flash_attn: bool = True,
        kv_cache_type: str = "q8_0",
        max_batch_size: int = 32,
        repack_weights: bool | str | None = None,
        device: str = "cpu",
    ):
        try:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as exc:
            raise ModelNotAvailableError(
                "the llama.cpp backend needs llama-cpp-python: `make setup` installs it "
                "(or `pip install llama-cpp-python==0.3.36`, which compiles for about 5 minutes)"
            ) from exc
        self.source = source or str(gguf_path)
        self.device = device
        self.n_threads = n_threads or max(1, min(8, os.cpu_count() or 1))
        self.default_batch_size = max_batch_size
        self.weight_layout = choose_weight_layout(cpu_info().flags, repack_weights)
        # The model gives the weights, tokenizer and chat template; decoding runs in our own context.
        self._model = load_llama_model(gguf_path, layout=self.weight_layout, n_gpu_layers=-1 if device != "cpu" else 0)
        template = self._model.metadata().get("tokenizer.chat_template")
        if not template:
            raise ModelNotAvailableError(f"{self.source} has no chat template in its GGUF metadata")
        eos, bos = self._model.token_eos(), self._model.token_bos()
        self._template = Jinja2ChatFormatter(
            template=template,
            eos_token=self._model.token_get_text(eos) if eos != -1 else "",
            bos_token=self._model.token_get_text(bos) if bos != -1 else "",
            stop_token_ids=[eos],
        )
        # an input and its answer must fit one sequence's share of the context
        self.max_input_tokens = min(max_input_tokens or 2048, n_ctx // 4)
        self._decoder = _BatchDecoder(
            self._model.model,
            n_ctx=n_ctx,
            n_batch=n_batch,
            parallel=max_batch_size,
            n_threads=self.n_threads,
            flash_attn=flash_attn,
            kv_type=kv_cache_type,
        )

    def runtime(self) -> dict[str, Any]:
        return {"cpu": cpu_info().model, "weight_layout": self.weight_layout.name, "n_threads": self.n_threads}

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _token_bytes(self, token: int) -> bytes:
        import ctypes

        import llama_cpp

        size = 256
        while True:
            buffer = ctypes.create_string_buffer(size)
            n = llama_cpp.llama_token_to_piece(self._decoder.vocab, token, buffer, size, 0, False)
            if n >= 0:
                return buffer.raw[:n]
            size = -n

    @cached_property
    def _chinese_ids(self) -> Any:
        import numpy as np

        pieces = [self._token_bytes(t) for t in range(self._decoder.n_vocab)]
        return np.array(chinese_token_ids(pieces), dtype=np.int64)

    def prompt_tokens(self, messages: Messages) -> list[int]:
        """The chat-formatted prompt, tokenised as llama-cpp-python's chat completion does."""
        result = self._template(messages=messages)
        return self._model.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)

    def generate(
        self,
        inputs: Sequence[Messages],
        *,
        max_new_tokens: Sequence[int],
        batch_size: int | None = None,
        progress: bool = False,
        **decoding: Any,
    ) -> list[str]:
        """One greedy completion per message list, in order."""
        prompts = [self.prompt_tokens(messages) for messages in inputs]
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(prompts), desc=self.source, unit="prompt", leave=False)
        try:
            outputs = self._decoder.generate(
                prompts,
                list(max_new_tokens),
                penalty=decoding.get("repetition_penalty") or 1.0,
                forbidden=self._chinese_ids if decoding.get("forbid_chinese") else None,
                parallel=batch_size or self.default_batch_size,
                on_done=bar.update if bar else None,
            )
        finally:
            if bar:
                bar.close()
        return [self._model.detokenize(tokens).decode("utf-8", errors="ignore").strip() for tokens in outputs]
