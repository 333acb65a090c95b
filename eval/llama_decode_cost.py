"""What one llama.cpp decode call costs per token as the number of tokens in it grows.

    .venv/bin/python eval/llama_decode_cost.py [--model NAME] [--sizes 1,2,4,8,16,32,64]

After a 110-token prompt, evaluates N more tokens in one call (best of 3) and prints milliseconds per
call and per token. This is why the llama.cpp backend decodes many sequences at once: measured on the
project's 2-core AMD EPYC with the 1.5B default, one token costs 31-35 ms, 4-14 tokens 18-21 ms each, and
16 or more 10-13 ms each (llama.cpp switches to its batched matrix kernels).
"""

from __future__ import annotations

import argparse
import time

from llama_cpp import Llama

from jb_summarize.models.registry import get_spec
from jb_summarize.models.store import model_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4_k_m")
    parser.add_argument("--sizes", default="1,2,4,8,12,16,24,32,64")
    parser.add_argument("--no-flash-attn", action="store_true")
    args = parser.parse_args()
    path = model_path(get_spec(args.model))
    llm = Llama(
        model_path=str(path), n_ctx=2048, n_threads=2, n_batch=512, flash_attn=not args.no_flash_attn, verbose=False
    )
    prompt = llm.tokenize(("你好，这是一个关于宁波江北区的新闻报道。" * 10).encode(), add_bos=False)
    extra = llm.tokenize(("江北区的经济发展很快" * 20).encode(), add_bos=False)
    print(f"{'tokens':>6} {'ms/call':>8} {'ms/token':>9} {'tokens/s':>9}")
    for n in (int(x) for x in args.sizes.split(",")):
        best = float("inf")
        for _ in range(3):
            llm.reset()
            llm.eval(prompt)
            start = time.perf_counter()
            llm.eval(extra[:n])
            best = min(best, time.perf_counter() - start)
        print(f"{n:>6} {best * 1000:>8.1f} {best / n * 1000:>9.1f} {n / best:>9.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
