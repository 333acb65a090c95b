"""Run a summariser or translator over a benchmark and write a scored JSON result (``jb-summarize eval run``).

    .venv/bin/python eval/run_benchmark.py --task summarize --model extractive --benchmark lcsts
    .venv/bin/python eval/run_benchmark.py --task translate --model qwen2.5-coder-0.5b-instruct-q4_k_m \\
        --benchmark wmt21 --limit 200
"""

from __future__ import annotations

import sys

from jb_summarize.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["eval", "run", *sys.argv[1:]]))
