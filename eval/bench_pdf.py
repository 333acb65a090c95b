"""Which PDF library reads newspaper pages, and how fast and small the whole page reader is.

    .venv/bin/python eval/bench_pdf.py [--pages 20] [--edition 300]

On generated pages (eval/pdf_pages.py) it measures, in one run:
- character extraction with pypdfium2 (what the reader uses) and with pdfminer.six (pdfplumber's engine): seconds
  per page and whether both find the same characters (the share of pypdfium2's characters that pdfminer.six
  also finds, as a multiset);
- the whole reader (characters, lines, layout analysis, Article) per page: seconds and peak memory;
- an edition of ``--edition`` pages read one page at a time: total seconds and peak memory (it must stay
  that of one page).
Prints the CPU and writes eval/results/bench_pdf.json (models.md's table is made from it).
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from jb_summarize.reading import read_pdf_articles
from pdf_pages import build_corpus

RESULTS = Path(__file__).resolve().parent / "results" / "bench_pdf.json"


def cpu() -> str:
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    name = re.search(r"model name\s*:\s*(.+)", info)
    flags = sorted(set(re.findall(r"\b(avx512[a-z]*|avx2|amx[a-z_]*)\b", info)))
    return f"{name.group(1).strip() if name else platform.processor()} ({' '.join(flags) or 'no AVX2'})"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pdfium_chars(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    page = document[0]
    textpage = page.get_textpage()
    chars = [textpage.get_text_range(i, 1) for i in range(textpage.count_chars())]
    for i in range(textpage.count_chars()):  # what the reader asks of every character
        textpage.get_charbox(i, loose=True)
    textpage.close()
    page.close()
    document.close()
    return [c for c in chars if c.strip()]


def pdfminer_chars(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    chars: list[str] = []

    def walk(item) -> None:
        if isinstance(item, LTChar):
            chars.append(item.get_text())
        elif hasattr(item, "__iter__"):
            for child in item:
                walk(child)

    for page in extract_pages(io.BytesIO(data), laparams=None):  # characters only, as pdfplumber reads them
        walk(page)
    return [c for c in chars if c.strip()]


def edition(data: bytes, n: int) -> bytes:
    import pypdfium2

    source = pypdfium2.PdfDocument(data)
    merged = pypdfium2.PdfDocument.new()
    for _ in range(n):
        merged.import_pages(source)
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def measure_reader(pages: list[bytes]) -> dict:
    """The whole reader, alone in its process (so that its peak memory is its own)."""
    start = time.perf_counter()
    for data in pages:
        next(read_pdf_articles(data))
    reader = (time.perf_counter() - start) / len(pages)
    return {"reader_seconds_per_page": round(reader, 3), "reader_peak_rss_mb": round(peak_rss_mb(), 1)}


def measure_edition(path: Path) -> dict:
    """An edition read from its file one page at a time, alone in its process."""
    start = time.perf_counter()
    count = sum(1 for _ in read_pdf_articles(path))
    return {
        "edition_pages": count,
        "edition_seconds": round(time.perf_counter() - start, 1),
        "edition_bytes": path.stat().st_size,
        "edition_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def measure_extraction(pages: list[bytes]) -> dict:
    timings: dict[str, float] = {"pypdfium2": 0.0, "pdfminer.six": 0.0}
    agree = []
    for data in pages:
        start = time.perf_counter()
        ours = pdfium_chars(data)
        timings["pypdfium2"] += time.perf_counter() - start
        start = time.perf_counter()
        theirs = pdfminer_chars(data)
        timings["pdfminer.six"] += time.perf_counter() - start
        agree.append(sum((Counter(ours) & Counter(theirs)).values()) / max(1, len(ours)))
    return {
        "chars_per_page": round(sum(len(pdfium_chars(d)) for d in pages) / len(pages)),
        "extract_seconds_per_page": {k: round(v / len(pages), 3) for k, v in timings.items()},
        "same_characters": round(sum(agree) / len(agree), 4),
        "extraction_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--edition", type=int, default=300)
    parser.add_argument("--part", choices=["reader", "extraction", "edition"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part == "edition":
        print(json.dumps(measure_edition(args.path)))
        return 0
    pages = [data for data, _ in build_corpus(args.pages)]
    if args.part:  # one measurement, in a process of its own
        print(json.dumps(measure_reader(pages) if args.part == "reader" else measure_extraction(pages)))
        return 0
    result = {"cpu": cpu(), "pages": len(pages)}
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "edition.pdf"
        big.write_bytes(edition(pages[0], args.edition))
        for part in ("reader", "edition", "extraction"):
            command = [sys.executable, __file__, "--pages", str(args.pages), "--part", part, "--path", str(big)]
            result.update(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    print(json.dumps(result, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
