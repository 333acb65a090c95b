"""The continuous-batching llama.cpp decoder on a fake llama.cpp: prefix sharing, admission under a full KV
budget, sequences finishing on end-of-generation and on budget, slots reused, order kept."""

from __future__ import annotations

import ctypes
import itertools

import numpy as np
import pytest

from jb_summarize.models.llamacpp import _BatchDecoder

VOCAB = 10
EOS = 9  # the fake's next token is the last one + 1, so a sequence ending in 5 writes 6, 7, 8 and stops


class FakeBatch:
    def __init__(self, size: int):
        self.n_tokens = 0
        self.token = [0] * size
        self.pos = [0] * size
        self.n_seq_id = [0] * size
        self.seq_id = [[0] for _ in range(size)]
        self.logits = [False] * size


class FakeLlama:
    """What the decoder calls of ``llama_cpp``, with a KV cache whose cells are shared by copies."""

    def __init__(self, n_ctx: int):
        self.n_ctx = n_ctx
        self.cells: dict[int, list[int]] = {}  # sequence id -> its cells, in position order
        self.last: dict[int, int] = {}  # sequence id -> the last token it read
        self.refs: dict[int, int] = {}  # cell -> how many sequences hold it
        self.new_cell = itertools.count()
        self.decodes: list[list[tuple[int, int, int]]] = []
        self.copies: list[tuple[int, int, int, int]] = []
        self.peak_cells = 0
        self._logits: dict[int, np.ndarray] = {}

    def llama_get_memory(self, ctx):
        return "memory"

    def llama_memory_clear(self, memory, data):
        self.cells.clear()
        self.refs.clear()

    def _hold(self, sequence: int, cell: int) -> None:
        self.cells.setdefault(sequence, []).append(cell)
        self.refs[cell] = self.refs.get(cell, 0) + 1

    def llama_memory_seq_cp(self, memory, source, target, p0, p1):
        self.copies.append((source, target, p0, p1))
        assert target not in self.cells, "a sequence slot was reused before it was cleared"
        for cell in self.cells[source][p0:p1]:
            self._hold(target, cell)
        self.last[target] = self.last[source]

    def llama_memory_seq_rm(self, memory, sequence, p0, p1):
        for cell in self.cells.pop(sequence):
            self.refs[cell] -= 1
            if not self.refs[cell]:
                del self.refs[cell]

    def llama_decode(self, ctx, batch):
        entries = []
        self._logits = {}
        for j in range(batch.n_tokens):
            token, position, sequence = batch.token[j], batch.pos[j], batch.seq_id[j][0]
            assert position == len(self.cells.get(sequence, [])), "positions must follow on in each sequence"
            self._hold(sequence, next(self.new_cell))
            self.last[sequence] = token
            entries.append((token, position, sequence))
            if batch.logits[j]:
                row = np.zeros(VOCAB, dtype=np.float32)
                row[(token + 1) % VOCAB] = 1.0
                self._logits[j] = row
        self.decodes.append(entries)
        self.peak_cells = max(self.peak_cells, len(self.refs))
        assert len(self.refs) <= self.n_ctx, "the KV cache overflowed"
        return 0

    def llama_get_logits_ith(self, ctx, row):
        return self._logits[row].ctypes.data_as(ctypes.POINTER(ctypes.c_float))

    def llama_vocab_is_eog(self, vocab, token):
        return token == EOS


def decoder(*, n_ctx=64, n_batch=16, batch_size=4) -> tuple[_BatchDecoder, FakeLlama]:
    lib = FakeLlama(n_ctx)
    made = _BatchDecoder(
        lib, "ctx", FakeBatch(n_batch), "vocab", n_vocab=VOCAB, n_ctx=n_ctx, n_batch=n_batch, batch_size=batch_size
    )
    return made, lib


PREFIX = [1, 2, 3, 4]


def test_sequences_finish_on_end_of_generation_and_on_budget_in_input_order() -> None:
    dec, _ = decoder()
    prompts = [[*PREFIX, 5], [*PREFIX, 0], [*PREFIX, 7]]
    assert dec.generate(prompts, [10, 3, 10]) == [[6, 7, 8], [1, 2, 3], [8]]


def test_the_shared_prefix_is_read_once_and_copied() -> None:
    dec, lib = decoder()
    prompts = [[*PREFIX, 5, 6], [*PREFIX, 0], [*PREFIX, 2, 2, 2]]
    dec.generate(prompts, [4, 4, 4])
    prefix_seq = dec.prefix_seq
    assert lib.decodes[0] == [(token, p, prefix_seq) for p, token in enumerate(PREFIX)]
    later = [entry for call in lib.decodes[1:] for entry in call]
    assert all(position >= len(PREFIX) for _, position, _ in later)  # nobody reads the prefix again
    assert sorted(c[1] for c in lib.copies) == [0, 1, 2]
    assert all(c[0] == prefix_seq and c[2:] == (0, len(PREFIX)) for c in lib.copies)


def test_one_prompt_has_no_shared_prefix() -> None:
    dec, lib = decoder()
    assert dec.generate([[*PREFIX, 5]], [5]) == [[6, 7, 8]]
    assert lib.copies == [] and lib.decodes[0][0] == (1, 0, 0)


def test_admission_waits_for_kv_room_and_slots_are_reused() -> None:
    # each sequence reserves 1 prompt token + 8 new ones beyond the 4-token prefix: 4 + 2 * 9 = 22 cells
    # fit, a third sequence does not, so only two run at once although four slots are free
    dec, lib = decoder(n_ctx=24, batch_size=4)
    prompts = [[*PREFIX, first] for first in (0, 5, 1, 7, 0, 2)]
    outputs = dec.generate(prompts, [8] * len(prompts))
    expected = [[t for t in range(first + 1, EOS)][:8] for first in (0, 5, 1, 7, 0, 2)]
    assert outputs == expected
    assert lib.peak_cells <= 24
    slots = {c[1] for c in lib.copies}
    assert slots == {0, 1} and len(lib.copies) == len(prompts)  # two slots, each reused
    in_flight = max(len({s for _, _, s in call if s != dec.prefix_seq}) for call in lib.decodes)
    assert in_flight == 2


def test_batch_size_one_decodes_alone_with_the_same_results() -> None:
    prompts = [[*PREFIX, first] for first in (3, 0, 6)]
    together, _ = decoder()
    alone, lib = decoder()
    assert alone.generate(prompts, [5, 5, 5], batch_size=1) == together.generate(prompts, [5, 5, 5])
    assert all(len({s for _, _, s in call if s != alone.prefix_seq}) <= 1 for call in lib.decodes)


def test_a_prompt_that_cannot_fit_is_refused_before_decoding_it() -> None:
    dec, _ = decoder(n_ctx=10)
    with pytest.raises(ValueError, match="does not fit the 10-token context"):
        dec.generate([[*PREFIX, 1], [*PREFIX, 2]], [3, 40])


def test_zero_budgets_decode_nothing() -> None:
    dec, lib = decoder()
    assert dec.generate([[*PREFIX, 1], [*PREFIX, 2]], [0, 0]) == [[], []]
    assert lib.decodes == []


def test_sampling_is_seeded_per_prompt_and_greedy_without_a_temperature() -> None:
    dec, _ = decoder(n_ctx=256)
    prompts = [[*PREFIX, 5]] * 4
    greedy = dec.generate(prompts, [6] * 4)
    assert greedy == [greedy[0]] * 4  # greedy: the same prompt, the same output
    sampled = dec.generate(prompts, [6] * 4, temperature=2.0, seed=7)
    assert sampled == dec.generate(prompts, [6] * 4, temperature=2.0, seed=7)  # repeatable
    assert len({tuple(s) for s in sampled}) > 1  # the same prompt at other positions: other samples
    assert sampled != dec.generate(prompts, [6] * 4, temperature=2.0, seed=8)
    assert dec.generate(prompts, [6] * 4) == greedy  # no temperature left behind


def test_the_profile_counts_every_call_its_tokens_and_the_phase() -> None:
    from jb_summarize.models.profile import PROFILE, phase

    PROFILE.reset()
    dec, lib = decoder()
    prompts = [[*PREFIX, 5, 6], [*PREFIX, 0], [*PREFIX, 2, 2, 2]]
    with phase("article"), phase("translate"):
        outputs = dec.generate(prompts, [4, 4, 4])
    stats = PROFILE.phases["article/translate"]
    assert stats.decode_calls == len(lib.decodes)
    assert stats.tokens == sum(len(call) for call in lib.decodes)
    # every prompt token is read once (the shared prefix once); every sampled token is fed back but the
    # last of a sequence that ran out of budget (4 tokens)
    assert stats.prompt_tokens == len(PREFIX) + sum(len(p) - len(PREFIX) for p in prompts)
    assert stats.tokens - stats.prompt_tokens == sum(len(o) - (len(o) == 4) for o in outputs)
    assert sum(stats.calls_by_size.values()) == stats.decode_calls
    # the calls that carry only fed-back tokens: after the first two (the prefix, then all the prompts' rest)
    assert stats.gen_calls == len(lib.decodes) - 2
    assert stats.gen_tokens == sum(len(call) for call in lib.decodes[2:])
    assert set(PROFILE.phases) == {"article/translate"}
