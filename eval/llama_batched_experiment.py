"""Experiment: does decoding several sequences at once in one llama.cpp context pay on this CPU?

    .venv/bin/python eval/llama_batched_experiment.py [--parallel 4] [--sentences 8]

Translates seed sentences with the default GGUF model through llama.cpp's low-level batch API, one
sequence at a time and then PARALLEL sequences per llama_decode call (one KV cache, one sequence id each,
greedy), and prints both times. Measured twice on the project's 2-core machine for 8 sentences (about 460
generated tokens): 21.5 s and 21.3 s one at a time, 18.3 s and 19.4 s four at a time (1.17x, 1.10x); half
the outputs differed in wording (batched matrix products round differently). Too little gain to build the
translator on it.
"""

from __future__ import annotations

import argparse
import time

import llama_cpp
import numpy as np
from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from jb_summarize import load_seed_article
from jb_summarize.glossary import load_glossary
from jb_summarize.models.store import model_home
from jb_summarize.prompts import translation_messages

MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
N_BATCH = 512


class BatchedDecoder:
    """Greedy decoding of up to ``parallel`` sequences per llama_decode call."""

    def __init__(self, llm: Llama, parallel: int, n_ctx_per_sequence: int = 2048):
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx_per_sequence * parallel
        params.n_batch = params.n_ubatch = N_BATCH
        params.n_seq_max = parallel
        params.n_threads = params.n_threads_batch = 2
        params.kv_unified = True
        self.llm = llm
        self.ctx = llama_cpp.llama_init_from_model(llm._model.model, params)
        self.vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
        self.n_vocab = llama_cpp.llama_n_vocab(self.vocab)
        self.batch = llama_cpp.llama_batch_init(N_BATCH, 0, 1)
        self.memory = llama_cpp.llama_get_memory(self.ctx)

    def _decode(self, entries: list[tuple[int, int, int, bool]]) -> None:
        self.batch.n_tokens = len(entries)
        for j, (token, position, sequence, logits) in enumerate(entries):
            self.batch.token[j] = token
            self.batch.pos[j] = position
            self.batch.n_seq_id[j] = 1
            self.batch.seq_id[j][0] = sequence
            self.batch.logits[j] = logits
        if llama_cpp.llama_decode(self.ctx, self.batch) != 0:
            raise RuntimeError("llama_decode failed")

    def _argmax(self, row: int) -> int:
        logits = llama_cpp.llama_get_logits_ith(self.ctx, row)
        return int(np.ctypeslib.as_array(logits, shape=(self.n_vocab,)).argmax())

    def generate(self, prompts: list[list[int]], budget: int) -> list[str]:
        llama_cpp.llama_memory_clear(self.memory, True)
        upcoming = []
        for sequence, tokens in enumerate(prompts):
            for start in range(0, len(tokens), N_BATCH):
                chunk = tokens[start : start + N_BATCH]
                self._decode([(t, start + i, sequence, start + i == len(tokens) - 1) for i, t in enumerate(chunk)])
            upcoming.append(self._argmax(len(chunk) - 1))
        outputs: list[list[int]] = [[] for _ in prompts]
        positions = [len(p) for p in prompts]
        active = list(range(len(prompts)))
        while True:
            active = [
                s
                for s in active
                if not llama_cpp.llama_vocab_is_eog(self.vocab, upcoming[s]) and len(outputs[s]) < budget
            ]
            if not active:
                break
            for s in active:
                outputs[s].append(upcoming[s])
            self._decode([(upcoming[s], positions[s], s, True) for s in active])
            for row, s in enumerate(active):
                positions[s] += 1
                upcoming[s] = self._argmax(row)
        return [self.llm.detokenize(o).decode("utf-8", errors="ignore") for o in outputs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--sentences", type=int, default=8)
    args = parser.parse_args()
    llm = Llama(model_path=str(model_home() / MODEL), n_ctx=2048, n_threads=2, verbose=False)
    template = Jinja2ChatFormatter(llm.metadata["tokenizer.chat_template"], eos_token="<|im_end|>", bos_token="")
    glossary = load_glossary()
    sentences = load_seed_article().sections[1].sentences[: args.sentences]
    prompts = [
        llm.tokenize(template(messages=translation_messages(s, glossary)).prompt.encode(), add_bos=False, special=True)
        for s in sentences
    ]
    results = {}
    for parallel in (1, args.parallel):
        decoder = BatchedDecoder(llm, parallel)
        start = time.perf_counter()
        outputs = []
        for i in range(0, len(prompts), parallel):
            outputs += decoder.generate(prompts[i : i + parallel], budget=120)
        results[parallel] = (time.perf_counter() - start, outputs)
    one, many = results[1], results[args.parallel]
    same = sum(a == b for a, b in zip(one[1], many[1], strict=True))
    print(
        f"1 at a time: {one[0]:.1f} s; {args.parallel} at a time: {many[0]:.1f} s ({one[0] / many[0]:.2f}x); "
        f"{same}/{len(prompts)} outputs identical"
    )


if __name__ == "__main__":
    main()
