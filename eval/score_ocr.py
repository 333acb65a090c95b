"""Score the OCR page reader on the generated pages of eval/pdf_pages.py, rasterised, with exact ground truth.

    .venv/bin/python eval/score_ocr.py [--pages 12] [--dpi 300 200 150] [--degraded 200] [--show-failures]

Each page is drawn at each resolution (pypdfium2), read by OCR (reading/ocr.py) and analysed by the same layout
analysis as a PDF page, then scored with score_pages.py's scorer (headlines, body coverage, order-aware body
score, leaks) plus the bodies' character accuracy: 1 - (edit distance / true characters), summed over the
page's bodies. At the ``--degraded`` resolutions each page is also read as a JPEG (quality 50) turned by
0.6 degrees, as a scanner gives it. Writes eval/results/ocr_pages.json; models.md's OCR table is generated from it.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pdf import cpu
from jb_summarize.reading import render_page
from jb_summarize.reading.ocr import OCRParams, read_image
from pdf_pages import build_corpus
from score_pages import score_page, summary

RESULTS = Path(__file__).resolve().parent / "results" / "ocr_pages.json"
DEGRADED = {"jpeg_quality": 50, "skew_degrees": 0.6}


def page_image(data: bytes, dpi: float, degraded: bool) -> bytes:
    """The page as an image file's bytes: PNG, or a skewed JPEG when ``degraded``."""
    image = render_page(data, 1, dpi=dpi).convert("RGB")
    out = io.BytesIO()
    if degraded:
        image = image.rotate(DEGRADED["skew_degrees"], fillcolor="white", expand=False)
        image.save(out, format="JPEG", quality=DEGRADED["jpeg_quality"], dpi=(dpi, dpi))
    else:
        image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def score_setting(corpus, dpi: float, degraded: bool, params: OCRParams) -> list[dict]:
    from jb_summarize.reading.layout import analyse_page
    from jb_summarize.reading.pages import layout_article

    pages = []
    for i, (data, truth) in enumerate(corpus):
        image = page_image(data, dpi, degraded)
        start = time.perf_counter()
        page = read_image(image, name=f"page_{i:02d}", params=params)
        article = layout_article(analyse_page(page), f"page_{i:02d}")
        scores = score_page(article, truth)
        scores.update(seconds=round(time.perf_counter() - start, 2), page=i, size_pt=[page.width, page.height])
        pages.append(scores)
    return pages


def ocr_summary(pages: list[dict]) -> dict:
    chars = sum(p["chars"] for p in pages)
    errors = sum(p["char_errors"] for p in pages)
    return {**summary(pages), "char_accuracy": round(1 - errors / chars, 4) if chars else 1.0}


def paired(baseline: list[dict], candidate: list[dict], resamples: int = 10_000) -> dict:
    """The candidate against the baseline on the same pages: character accuracy and correct headlines of
    each, and a paired sign-flip permutation test on the per-page character errors (two-sided p)."""
    import random

    base = {p["page"]: p for p in baseline}
    pairs = [(base[p["page"]], p) for p in candidate if p["page"] in base]
    chars = sum(b["chars"] for b, _ in pairs)
    diffs = [c["char_errors"] - b["char_errors"] for b, c in pairs]
    observed = abs(sum(diffs))
    rng = random.Random(0)
    hits = sum(abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed for _ in range(resamples))
    return {
        "pages": len(pairs),
        "char_accuracy": [
            round(1 - sum(x["char_errors"] for x, _ in pairs) / chars, 4),
            round(1 - sum(x["char_errors"] for _, x in pairs) / chars, 4),
        ],
        "headlines_correct": [sum(b["correct"] for b, _ in pairs), sum(c["correct"] for _, c in pairs)],
        "headlines": sum(b["headlines"] for b, _ in pairs),
        "p_value": round((hits + 1) / (resamples + 1), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--dpi", type=float, nargs="+", default=[300.0, 200.0, 150.0])
    parser.add_argument(
        "--degraded", type=float, nargs="*", default=[200.0], metavar="DPI", help="also read skewed JPEGs at these"
    )
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--detection", default=OCRParams().detection, choices=["ppocrv4", "ppocrv6"], help="(default: the library's)"
    )
    parser.add_argument(
        "--recognition",
        default=OCRParams().recognition,
        choices=["ppocrv4", "ppocrv5", "ppocrv6"],
        help="(default: the library's)",
    )
    parser.add_argument(
        "--compare-with",
        nargs=2,
        metavar=("FILE", "LABEL"),
        help="an earlier run's results (and what it was) to compare with, page by page",
    )
    parser.add_argument(
        "--compare-setting", default="200 dpi PNG", help="which setting to compare (default: 200 dpi PNG)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where the results go (default {RESULTS})")
    args = parser.parse_args()
    corpus = build_corpus(args.pages, args.seed)
    params = OCRParams(detection=args.detection, recognition=args.recognition)
    settings, every = {}, {}
    for dpi in args.dpi:
        for degraded in (False, True) if dpi in args.degraded else (False,):
            name = f"{dpi:.0f} dpi" + (" JPEG q50, 0.6° skew" if degraded else " PNG")
            pages = score_setting(corpus, dpi, degraded, params)
            settings[name] = {"dpi": dpi, "degraded": degraded, "all": ocr_summary(pages)}
            every[name] = pages
            print(name, json.dumps(settings[name]["all"]), flush=True)
            if args.show_failures:
                for p in pages:
                    if p["correct"] < p["headlines"] or p["found"] > p["correct"] or p["min_coverage"] < 0.97:
                        print("  ", json.dumps(p, ensure_ascii=False))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    compared = None
    if args.compare_with:
        other = json.loads(Path(args.compare_with[0]).read_text(encoding="utf-8"))
        name = args.compare_setting
        compared = {"baseline": args.compare_with[1], "setting": name}
        compared.update(paired(other["per_page"][name], every[name]))
        print("compared:", json.dumps(compared))
    result = {
        "cpu": cpu(),
        "detection": args.detection,
        "recognition": args.recognition,
        "compared": compared,
        "seed": args.seed,
        "pages": args.pages,
        "peak_rss_mb": round(peak_mb),
        "settings": settings,
    }
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({**result, "per_page": every}, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
