"""How long one large newspaper page takes through OCR, and how much memory, on this machine's cores.

    .venv/bin/python eval/bench_ocr.py [--dpi 200] [--runs 2]

The largest page of the generated corpus (eval/pdf_pages.py) is drawn as a PNG at ``--dpi`` and read by
``load_article`` (OCR, layout analysis, Article) in a fresh process each run, so that each run's time takes in
loading the networks and its peak RSS is that of one page alone. Prints the CPU and writes
eval/results/bench_ocr.json (models.md's OCR speed line is made from it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pdf import cpu, peak_rss_mb

RESULTS = Path(__file__).resolve().parent / "results" / "bench_ocr.json"


def read_once(path: Path) -> dict:
    """One page image through the whole reader, in this process: seconds (networks loaded included), peak RSS."""
    start = time.perf_counter()
    from jb_summarize import load_article

    article = load_article(path)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "peak_rss_mb": round(peak_rss_mb()),
        "sections": len(article.sections),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dpi", type=float, default=200.0)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--pages", type=int, default=16, help="corpus pages to pick the largest from")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(read_once(args.child)))
        return 0

    import pypdfium2

    from jb_summarize.reading import render_page
    from pdf_pages import build_corpus

    def area(data: bytes) -> float:
        width, height = pypdfium2.PdfDocument(data)[0].get_size()
        return width * height

    data = max((data for data, _ in build_corpus(args.pages, args.seed)), key=area)
    image = render_page(data, 1, dpi=args.dpi).convert("RGB")
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        image.save(path, format="PNG", dpi=(args.dpi, args.dpi))
        for _ in range(args.runs):
            command = [sys.executable, __file__, "--child", str(path)]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            runs.append(json.loads(done.stdout))
            print(json.dumps(runs[-1]), flush=True)
    points = [round(v * 72 / args.dpi) for v in image.size]
    result = {
        "cpu": cpu(),
        "dpi": args.dpi,
        "pixels": list(image.size),
        "size_pt": points,
        "sections": runs[0]["sections"],
        "seconds": min(r["seconds"] for r in runs),
        "max_seconds": max(r["seconds"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "runs": len(runs),
    }
    print(json.dumps(result))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
