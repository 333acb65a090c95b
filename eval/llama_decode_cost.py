"""What one llama.cpp decode call costs per token as the number of tokens in it grows, in the library's own
context (weight layout, KV cache, threads and sequences as ``LlamaCppGenerator`` sets them).

    .venv/bin/python eval/llama_decode_cost.py [--model NAME|FILE.gguf] [--sizes 1,8,32,64,128,512]
                                               [--sequences S] [--logits all|last] [--prompt 110]

Each sequence first reads a ``--prompt``-token prompt (110 by default); then one call evaluates N tokens,
N/S for each of S sequences (``--sequences 32 --sizes 32``: one generation step of 32 sequences), best of
3. ``--logits all`` asks logits for every token, as generation does; ``last`` only for each sequence's
last, as prompt reading does.

A call of N tokens really carries N here: an earlier version evaluated a 100-token text, so every size over
100 measured 100 tokens and read as a cheaper per-token cost ("3.9 ms a token at 512" on an AVX2 EPYC).
Measured with it on a 2-core AMD EPYC (AVX-512, family 25 model 17), 1.5B default, plain weights, logits for
every token: 44 ms for 1 token, 17.6 ms/token at 32, 11.9-12.9 at 64-512; one step of 16, 32, 48 or 64
sequences 22.3, 15.0, 14.6, 15.0 ms/token. Past about 32 tokens a call, a token costs about the same.

``--prompt`` measures what attention over the shared (unified) KV cache adds: every token attends over all
the cells in use, of every sequence, masked. One step of 32 sequences on a 2-core AMD EPYC (AVX-512, family 26
model 2): 12.3 ms/token with 8-token prompts (256 cells), 12.7 with 64, 14.7 with 128, 15.3 with 224.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jb_summarize.models.llamacpp import LlamaCppGenerator
from jb_summarize.models.registry import get_spec
from jb_summarize.models.store import model_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4_k_m", help="a registry name or a .gguf")
    parser.add_argument("--sizes", default="1,2,4,8,16,32,64,128,256,512", help="tokens per call")
    parser.add_argument("--sequences", type=int, default=1, help="sequences the tokens of a call are spread over")
    parser.add_argument("--logits", choices=("all", "last"), default="all")
    parser.add_argument("--prompt", type=int, default=110, help="prompt tokens each sequence reads first")
    args = parser.parse_args()
    prompt = args.prompt
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.sequences < 1 or any(n < args.sequences or n % args.sequences for n in sizes):
        parser.error("every size must be a multiple of --sequences")
    path = Path(args.model) if args.model.endswith(".gguf") else model_path(get_spec(args.model))
    per_sequence = max(sizes) // args.sequences
    generator = LlamaCppGenerator(path, batch_size=max(args.sequences, 1), n_batch=max(512, max(sizes)))
    decoder = generator._decoder
    if args.sequences * (prompt + per_sequence) > decoder.n_ctx:
        parser.error(f"{args.sequences} sequences of {prompt + per_sequence} tokens do not fit {decoder.n_ctx}")
    text = "江北区的经济发展很快，" * (prompt + per_sequence)
    tokens = generator._model.tokenize(text.encode(), add_bos=False, special=False)
    print(f"{generator.runtime()}, {args.sequences} sequence(s), logits for {args.logits} tokens")
    print(f"{'tokens':>6} {'ms/call':>8} {'ms/token':>9} {'tokens/s':>9}")
    for n in sizes:
        each = n // args.sequences
        best = float("inf")
        for _ in range(3):
            decoder._lib.llama_memory_clear(decoder.memory, True)
            for s in range(args.sequences):
                for start in range(0, prompt, decoder.n_batch):
                    end = min(start + decoder.n_batch, prompt)
                    decoder._decode([(tokens[p], p, s, False) for p in range(start, end)])
            entries = [
                (tokens[prompt + k], prompt + k, s, args.logits == "all" or k == each - 1)
                for s in range(args.sequences)
                for k in range(each)
            ]
            assert len(entries) == n
            start = time.perf_counter()
            decoder._decode(entries)
            best = min(best, time.perf_counter() - start)
        print(f"{n:>6} {best * 1000:>8.1f} {best / n * 1000:>9.1f} {n / best:>9.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
