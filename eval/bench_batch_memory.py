"""Peak memory of a batch run against the size of its input: writes a JSONL corpus of --mb megabytes and runs
``summarize --model lead`` on it under ``/usr/bin/time -v``; prints the input size, records, seconds and the
peak resident memory. Memory should stay flat as --mb grows (the input is streamed, --chunk-size at a time).

    python eval/bench_batch_memory.py --mb 100 --mb 1000
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jb_summarize.article import seed_text


def write_corpus(path: Path, megabytes: float) -> int:
    """Records of ~1 KB (paragraphs of the seed article) up to ``megabytes``; how many were written."""
    paragraphs = [p for p in seed_text().split("\n") if len(p) > 40]
    target, size, count = int(megabytes * 1_000_000), 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while size < target:
            line = json.dumps({"id": count, "text": paragraphs[count % len(paragraphs)]}, ensure_ascii=False) + "\n"
            handle.write(line)
            size += len(line.encode())
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, action="append", help="corpus size in MB (repeatable; default 100)")
    parser.add_argument("--chunk-size", type=int, default=32)
    parser.add_argument("--dir", help="where to write the corpus (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        for megabytes in args.mb or [100.0]:
            corpus, out = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
            count = write_corpus(corpus, megabytes)
            command = [sys.executable, "-m", "jb_summarize", "summarize", str(corpus), "--model", "lead", "-q"]
            command += ["-o", str(out), "--overwrite", "--chunk-size", str(args.chunk_size)]
            start = time.perf_counter()
            proc = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
            written = sum(1 for _ in out.open()) if out.exists() else 0
            print(
                f"input {corpus.stat().st_size / 1e6:.0f} MB, {count} records: rc {proc.returncode}, "
                f"{written} written, {seconds:.0f} s, peak RSS {int(peak.group(1)) / 1024 if peak else -1:.0f} MB"
            )
            corpus.unlink()
            out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
