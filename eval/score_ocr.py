"""Score the OCR page reader on the generated pages of eval/pdf_pages.py, rasterised, with exact ground truth.

    .venv/bin/python eval/score_ocr.py [--pages 12] [--dpi 300 200 150] [--degraded 200] [--grey-paper 200]
                                       [--show-failures]

Each page is drawn at each resolution (pypdfium2), read by OCR (reading/ocr.py) and analysed by the same layout
analysis as a PDF page, then scored with score_pages.py's scorer (headlines, body coverage, order-aware body
score, leaks) plus the bodies' character accuracy: 1 - (edit distance / true characters), summed over the
page's bodies. At the ``--degraded`` resolutions each page is also read as a JPEG (quality 50) turned by
0.6 degrees, as a scanner gives it; at the ``--grey-paper`` resolutions, as a JPEG (quality 85) of a page
printed on grey newsprint and lit unevenly (paper 180-230 of 255 from one corner to the other, ink 55, noise,
a slight blur), as an old paper's scan or a photo of a page gives it. Writes eval/results/ocr_pages.json;
models.md's OCR table is generated from it.
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
GREY_PAPER = {"paper": 205, "spread": 25, "ink": 55, "noise": 7, "blur": 0.6, "jpeg_quality": 85}
LOOKS = {"png": " PNG", "skewed": " JPEG q50, 0.6° skew", "grey-paper": " JPEG, grey unevenly lit paper"}


def _on_grey_paper(image, seed: int):
    """The page as printed on grey paper and lit unevenly (``GREY_PAPER``): the paper darkens from
    ``paper + spread`` at one corner to ``paper - spread`` at the other, with noise and a slight blur."""
    import numpy as np
    from PIL import Image, ImageFilter

    g = GREY_PAPER
    white = np.asarray(image.convert("L")).astype(np.float32) / 255.0
    height, width = white.shape
    paper = g["paper"] + g["spread"] * np.linspace(1, -1, width)[None, :] * np.linspace(0.3, 1, height)[:, None]
    grey = g["ink"] + (paper - g["ink"]) * white + np.random.default_rng(seed).normal(0, g["noise"], white.shape)
    shown = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(g["blur"]))
    return shown.convert("RGB")


def page_image(data: bytes, dpi: float, look: str = "png", seed: int = 0) -> bytes:
    """The page as an image file's bytes: PNG, a skewed JPEG (``"skewed"``) or a JPEG of it on grey,
    unevenly lit paper (``"grey-paper"``; ``seed`` draws the noise)."""
    image = render_page(data, 1, dpi=dpi).convert("RGB")
    out = io.BytesIO()
    if look == "skewed":
        image = image.rotate(DEGRADED["skew_degrees"], fillcolor="white", expand=False)
        image.save(out, format="JPEG", quality=DEGRADED["jpeg_quality"], dpi=(dpi, dpi))
    elif look == "grey-paper":
        _on_grey_paper(image, seed).save(out, format="JPEG", quality=GREY_PAPER["jpeg_quality"], dpi=(dpi, dpi))
    else:
        image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def score_setting(corpus, dpi: float, look: str, params: OCRParams) -> list[dict]:
    from jb_summarize.reading.layout import analyse_page
    from jb_summarize.reading.pages import layout_article

    pages = []
    for i, (data, truth) in enumerate(corpus):
        image = page_image(data, dpi, look, seed=i)
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
    parser.add_argument(
        "--grey-paper",
        type=float,
        nargs="*",
        default=[200.0],
        metavar="DPI",
        help="also read pages on grey, unevenly lit paper at these",
    )
    parser.add_argument(
        "--white-paper",
        type=float,
        default=OCRParams().white_paper,
        help="OCRParams.white_paper (0: never even out the paper; default: the library's)",
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
    params = OCRParams(detection=args.detection, recognition=args.recognition, white_paper=args.white_paper)
    settings, every = {}, {}
    for dpi in args.dpi:
        looks = ["png"] + ["skewed"] * (dpi in args.degraded) + ["grey-paper"] * (dpi in args.grey_paper)
        for look in looks:
            name = f"{dpi:.0f} dpi" + LOOKS[look]
            pages = score_setting(corpus, dpi, look, params)
            settings[name] = {"dpi": dpi, "degraded": look != "png", "look": look, "all": ocr_summary(pages)}
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
