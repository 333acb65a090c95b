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

import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .base import GREEDY, Decoding, TextGenerator
from .cpu import WeightLayout, choose_decode_plan, choose_weight_layout, cpu_info
from .hub import ModelNotAvailableError
from .profile import PROFILE
from .suppress import chinese_token_ids

__all__ = ["LlamaCppGenerator", "llama_cpp_available", "load_llama_model"]

Messages = list[dict[str, str]]
Entry = tuple[int, int, int, bool]  # a token in a llama_decode call: token, position, sequence id, wants logits

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


def _check_batch(n_batch: int, batch_size: int) -> None:
    if n_batch < batch_size:
        raise ValueError(f"n_batch ({n_batch}) must be at least the batch size ({batch_size})")


class _BatchDecoder:
    """Greedy decoding of many token prompts in one llama.cpp context (see the module docstring).

    ``lib`` is the ``llama_cpp`` module (a fake in the unit tests), ``ctx`` a context with room for
    ``batch_size + 1`` sequences (the last holds the shared prompt prefix) and ``batch`` a ``llama_batch``
    of ``n_batch`` tokens.
    """

    def __init__(
        self, lib: Any, ctx: Any, batch: Any, vocab: Any, *, n_vocab: int, n_ctx: int, n_batch: int, batch_size: int
    ):
        _check_batch(n_batch, batch_size)
        self._temperature, self._seed, self._rngs = 0.0, 0, {}
        self._lib = lib
        self.ctx, self.batch, self.vocab = ctx, batch, vocab
        self.memory = lib.llama_get_memory(ctx)
        self.n_vocab, self.n_ctx, self.n_batch = n_vocab, n_ctx, n_batch
        self.batch_size = batch_size
        self.prefix_seq = batch_size  # the sequence id that holds the shared prompt prefix

    @classmethod
    def for_model(
        cls, model: Any, *, n_ctx: int, n_batch: int, batch_size: int, n_threads: int, flash_attn: bool, kv_type: str
    ) -> _BatchDecoder:
        """A decoder with its own context on a loaded llama.cpp model."""
        import llama_cpp

        if kv_type not in _KV_TYPES:
            raise ValueError(f"kv_cache_type must be one of {', '.join(_KV_TYPES)}, got {kv_type!r}")
        if kv_type != "f16" and not flash_attn:
            raise ValueError("a quantised KV cache needs flash_attn=True in llama.cpp")
        _check_batch(n_batch, batch_size)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = params.n_ubatch = n_batch
        params.n_seq_max = batch_size + 1  # the last sequence id holds the shared prompt prefix
        params.n_threads = params.n_threads_batch = n_threads
        params.kv_unified = True  # sequences share cells, so the prompt prefix is stored once
        params.flash_attn_type = (
            llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED if flash_attn else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        )
        params.no_perf = True
        params.type_k = params.type_v = getattr(llama_cpp, _KV_TYPES[kv_type])
        ctx = llama_cpp.llama_init_from_model(model, params)
        if not ctx:
            raise RuntimeError(f"llama.cpp could not create a context of {n_ctx} tokens")
        batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        vocab = llama_cpp.llama_model_get_vocab(model)
        decoder = cls(
            llama_cpp,
            ctx,
            batch,
            vocab,
            n_vocab=llama_cpp.llama_vocab_n_tokens(vocab),
            n_ctx=n_ctx,
            n_batch=n_batch,
            batch_size=batch_size,
        )
        decoder._free = weakref.finalize(decoder, llama_cpp.llama_free, ctx)
        decoder._free_batch = weakref.finalize(decoder, llama_cpp.llama_batch_free, batch)
        return decoder

    def _decode(self, entries: list[Entry], fed_back: int = 0) -> None:
        """One ``llama_decode`` call over (token, position, sequence id, wants logits) entries, ``fed_back`` of
        them sampled tokens (the rest prompt tokens); recorded in the decode profile."""
        start = time.perf_counter()
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
        PROFILE.record_call(len(entries), fed_back, time.perf_counter() - start)

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
        if self._temperature > 0:  # sample; each sequence has its own generator, seeded by its input's index
            rng = self._rngs.setdefault(seq.index, np.random.default_rng([self._seed, seq.index]))
            scaled = (logits.astype(np.float64) - logits.max()) / self._temperature
            weights = np.exp(scaled)
            return int(rng.choice(len(weights), p=weights / weights.sum()))
        return int(logits.argmax())

    def _share_prefix(self, prompts: list[Sequence[int]]) -> int:
        """Evaluate the prefix all prompts share once, into the prefix sequence; its length.

        At least one token of every prompt is left to be read with its own sequence.
        """
        shared = _common_prefix(prompts) if len(prompts) > 1 else 0
        shared = max(0, min(shared, min(len(p) for p in prompts) - 1))
        for start in range(0, shared, self.n_batch):
            end = min(start + self.n_batch, shared)
            self._decode([(prompts[0][p], p, self.prefix_seq, False) for p in range(start, end)])
        return shared

    def _check_fits(self, prompts: Sequence[Sequence[int]], budgets: Sequence[int], need: dict[int, int], shared: int):
        too_long = [i for i in need if shared + need[i] > self.n_ctx]
        if too_long:
            i = too_long[0]
            raise ValueError(
                f"prompt of {len(prompts[i])} tokens with {budgets[i]} new tokens does not fit the "
                f"{self.n_ctx}-token context; raise n_ctx"
            )

    def _admit(
        self,
        queue: deque[int],
        free: list[int],
        running: dict[int, _Sequence],
        prompts: Sequence[Sequence[int]],
        budgets: Sequence[int],
        need: dict[int, int],
        shared: int,
        room: int,
    ) -> int:
        """Start queued prompts while a slot and KV room (``room`` cells) are free; the cells they took."""
        taken = 0
        while queue and free and taken + need[queue[0]] <= room:
            i = queue.popleft()
            sequence_id = free.pop()
            if shared:
                self._lib.llama_memory_seq_cp(self.memory, self.prefix_seq, sequence_id, 0, shared)
            running[sequence_id] = _Sequence(
                index=i,
                prompt=list(prompts[i][shared:]),
                position=shared,
                budget=budgets[i],
                history=list(prompts[i][-PENALTY_LAST_N:]),
            )
            taken += need[i]
        return taken

    def _assemble(self, running: dict[int, _Sequence]) -> tuple[list[Entry], list[tuple[int, int]]]:
        """The next call's entries: one token per generating sequence, then prompt tokens while there is
        room; and the (row, sequence id) pairs whose logits give a next token."""
        entries: list[Entry] = []
        readers: list[tuple[int, int]] = []
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
        return entries, readers

    def _advance(
        self, readers: list[tuple[int, int]], running: dict[int, _Sequence], penalty: float, forbidden: Any
    ) -> list[int]:
        """Choose each reader's next token; the sequence ids that finished (end of generation or budget)."""
        finished = []
        for row, sequence_id in readers:
            seq = running[sequence_id]
            token = self._next_token(row, seq, penalty, forbidden)
            if self._lib.llama_vocab_is_eog(self.vocab, token):
                finished.append(sequence_id)
                continue
            seq.output.append(token)
            if len(seq.output) >= seq.budget:
                finished.append(sequence_id)
            else:
                seq.upcoming = token
        return finished

    def generate(
        self,
        prompts: Sequence[list[int]],
        budgets: Sequence[int],
        *,
        penalty: float = 1.0,
        forbidden: Any = None,
        batch_size: int | None = None,
        on_done: Callable[[], None] | None = None,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> list[list[int]]:
        """Generated tokens for each prompt (without the end-of-generation token), in order.

        ``forbidden``: token ids never to sample (a numpy index array), ``penalty``: a repetition penalty;
        ``temperature`` > 0 samples (prompt i with a generator seeded by ``(seed, i)``) instead of greedy.
        """
        self._temperature, self._seed, self._rngs = temperature, seed, {}
        batch_size = min(batch_size or self.batch_size, self.batch_size)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self._lib.llama_memory_clear(self.memory, True)
        outputs: list[list[int]] = [[] for _ in prompts]
        todo = [i for i, budget in enumerate(budgets) if budget > 0]
        if not todo:
            return outputs
        shared = self._share_prefix([prompts[i] for i in todo])
        need = {i: len(prompts[i]) - shared + budgets[i] for i in todo}  # KV cells a sequence reserves
        self._check_fits(prompts, budgets, need, shared)
        # longest first, so that the last sequences to finish are short ones
        queue = deque(sorted(todo, key=lambda i: -need[i]))
        free = list(range(batch_size - 1, -1, -1))
        running: dict[int, _Sequence] = {}
        used = shared
        while queue or running:
            used += self._admit(queue, free, running, prompts, budgets, need, shared, room=self.n_ctx - used)
            fed_back = sum(seq.upcoming is not None for seq in running.values())
            entries, readers = self._assemble(running)
            self._decode(entries, fed_back)
            for sequence_id in self._advance(readers, running, penalty, forbidden):
                seq = running.pop(sequence_id)
                outputs[seq.index] = seq.output
                self._lib.llama_memory_seq_rm(self.memory, sequence_id, -1, -1)
                used -= need[seq.index]
                free.append(sequence_id)
                if on_done:
                    on_done()
        return outputs


def _gpu_offload() -> bool:
    """Whether the llama.cpp build can put layers on a GPU."""
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


class LlamaCppGenerator(TextGenerator):
    """A GGUF chat model through llama.cpp, greedy and continuous-batched; inputs are message lists.

    ``batch_size`` is the number of sequences in flight; it, ``n_batch`` and ``n_threads`` default to the
    CPU's decode plan (``models/cpu.py``: 32, 512 and one thread per CPU up to 8); a call may ask for fewer.
    ``num_beams``, ``no_repeat_ngram_size`` and ``min_new_tokens`` have no llama.cpp equivalent: decoding
    goes on without them and ``notes()`` says so. ``repetition_penalty`` divides the logits of the last
    64 tokens as llama.cpp's ``repeat_penalty`` does; ``forbid_chinese`` never samples a token that carries
    Chinese. ``repack_weights`` (None: auto, or ``JB_SUMMARIZE_REPACK_WEIGHTS``) chooses llama.cpp's weight
    layout: see ``models/cpu.py``.
    """

    backend = "llama.cpp"
    kind = "chat"
    unsupported = ("num_beams", "no_repeat_ngram_size", "min_new_tokens")

    def __init__(
        self,
        gguf_path: str | Path,
        *,
        source: str | None = None,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        n_batch: int | None = None,
        max_input_tokens: int | None = None,
        flash_attn: bool = True,
        kv_cache_type: str = "q8_0",
        batch_size: int | None = None,
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
        if device != "cpu" and not _gpu_offload():
            raise ModelNotAvailableError(
                f"device {device!r}: this llama-cpp-python build has no GPU support; use --device cpu"
            )
        self.decode_plan = choose_decode_plan(cpu_info().flags)
        self.n_threads = n_threads or self.decode_plan.n_threads
        self.default_batch_size = batch_size or self.decode_plan.batch_size
        n_batch = n_batch or max(self.decode_plan.n_batch, self.default_batch_size)
        self.weight_layout = choose_weight_layout(cpu_info().flags, repack_weights)
        load_start = time.perf_counter()
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
        self._decoder = _BatchDecoder.for_model(
            self._model.model,
            n_ctx=n_ctx,
            n_batch=n_batch,
            batch_size=self.default_batch_size,
            n_threads=self.n_threads,
            flash_attn=flash_attn,
            kv_type=kv_cache_type,
        )
        PROFILE.record_load(time.perf_counter() - load_start)
        PROFILE.n_batch = n_batch

    def runtime(self) -> dict[str, Any]:
        return {
            "cpu": cpu_info().model,
            "cpu_kind": cpu_info().kind,
            "cpu_generation": cpu_info().generation,
            "weight_layout": self.weight_layout.name,
            "n_threads": self.n_threads,
        }

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
        decoding: Decoding = GREEDY,
        batch_size: int | None = None,
        progress: bool = False,
    ) -> list[str]:
        """One completion per message list (greedy, or sampled at ``decoding.temperature``), in order."""
        start = time.perf_counter()
        prompts = [self.prompt_tokens(messages) for messages in inputs]
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(prompts), desc=self.source, unit="prompt", leave=False)
        try:
            outputs = self._decoder.generate(
                prompts,
                list(max_new_tokens),
                penalty=decoding.repetition_penalty or 1.0,
                forbidden=self._chinese_ids if decoding.forbid_chinese else None,
                batch_size=batch_size or self.default_batch_size,
                on_done=bar.update if bar else None,
                temperature=decoding.temperature or 0.0,
                seed=decoding.seed,
            )
        finally:
            if bar:
                bar.close()
        texts = [self._model.detokenize(tokens).decode("utf-8", errors="ignore").strip() for tokens in outputs]
        PROFILE.record_generate(len(prompts), sum(map(len, outputs)), time.perf_counter() - start)
        return texts
