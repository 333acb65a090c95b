"""Time the section splitter on growing inputs (the seed repeated) to show it runs in linear time.

.venv/bin/python eval/bench_splitter.py [--max-mb 10]
"""

from __future__ import annotations

import argparse
import time

from jb_summarize.article import parse_article, seed_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-mb", type=float, default=10.0, help="largest input size in MB (default 10)")
    args = parser.parse_args()
    page = seed_text() + "\n"
    page_mb = len(page.encode("utf-8")) / 1e6
    print(f"{'MB':>6} {'sections':>9} {'seconds':>8} {'s/MB':>6}")
    for fraction in (0.1, 0.25, 0.5, 1.0):
        copies = max(1, round(args.max_mb * fraction / page_mb))
        text = page * copies
        start = time.perf_counter()
        article = parse_article(text)
        seconds = time.perf_counter() - start
        mb = len(text.encode("utf-8")) / 1e6
        print(f"{mb:6.2f} {len(article.sections):9d} {seconds:8.2f} {seconds / mb:6.3f}")


if __name__ == "__main__":
    main()
