"""How long the extractive (TextRank) summariser takes on one long text: prints size, sentences and seconds.

python eval/bench_textrank.py            # 1 MB of the seed article repeated
python eval/bench_textrank.py --mb 50
"""

from __future__ import annotations

import argparse
import resource
import time

from jb_summarize import load_summarizer
from jb_summarize.article import seed_text
from jb_summarize.sentences import sentences_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of text (UTF-8)")
    args = parser.parse_args()
    seed = seed_text()
    text = seed * (int(args.mb * 1_000_000) // len(seed.encode()) + 1)
    summarizer = load_summarizer("extractive")
    for style in ("headline", "summary"):
        start = time.perf_counter()
        summary = summarizer.summarize([text], style=style)[0]
        seconds = time.perf_counter() - start
        print(
            f"{style}: {len(text.encode()) / 1e6:.2f} MB, {len(sentences_of(text))} sentences, "
            f"{seconds:.2f} s, {len(summary)} chars out"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
