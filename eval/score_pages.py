"""Score the PDF page reader on generated newspaper pages (eval/pdf_pages.py), with exact ground truth.

    .venv/bin/python eval/score_pages.py [--pages 60] [--seed N] [--held-out 1 2] [--show-failures]

Per page, and in total by kind of page (news, feature):
- headline recall and precision (compared without whitespace; a feature page's title is scored as its title);
- body coverage: the share of each true body's characters found, in order, in the body of the section matched
  to it (by headline, or for unheaded items by the most shared text), and the order-aware body score,
  1 minus the normalised edit distance between the true and the found body;
- leaks: furniture (header, footer, editors' lines, jump lines, column labels) and captions found in a body;
- whether the page title was found; and the time each page took to read.
Writes eval/results/pages.json; models.md's page-reader table is generated from it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rapidfuzz.distance import Indel, Levenshtein

from jb_summarize.article import Article
from jb_summarize.reading import read_pdf_articles
from pdf_pages import Truth, build_corpus

RESULTS = Path(__file__).resolve().parent / "results" / "pages.json"
_QUOTES = str.maketrans("“”‘’", "\"\"''")


def _bare(text: str | None) -> str:
    """Text compared without whitespace, and with full- and half-width forms and quote styles as one
    (a reader that gives ？ for ? or " for ” has read the same text)."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    return re.sub(r"\s+", "", text)


def score_page(article: Article, truth: Truth) -> dict:
    """The reader's numbers on one page."""
    want = Counter(_bare(s["headline"]) for s in truth.sections if s["headline"])
    got = Counter(_bare(s.headline) for s in article.sections if s.headline)
    hit = sum((want & got).values())
    found = [(_bare(s.headline), _bare(s.body)) for s in article.sections]
    coverage, order = [], []
    chars = errors = 0
    for section in truth.sections:
        body = _bare("".join(section["body"]))
        if not body:
            continue
        if section["headline"]:
            # the section under that headline; where no headline is exactly it (an OCR error in a character),
            # the one whose headline is nearest, within a quarter of its characters: a body is scored as a body
            # (the headline's own errors count in headline recall)
            headline = _bare(section["headline"])
            matches = (
                [b for h, b in found if h == headline]
                or [b for h, b in found if h and Levenshtein.normalized_distance(h, headline) <= 0.25]
                or [""]
            )
        else:
            matches = [b for h, b in found if not h] or [""]
        best = max(matches, key=lambda b: len(body) + len(b) - Indel.distance(body, b))
        common = (len(body) + len(best) - Indel.distance(body, best)) // 2  # longest common subsequence
        coverage.append(common / len(body))
        order.append(1 - Levenshtein.normalized_distance(body, best))
        chars += len(body)
        errors += min(len(body), Levenshtein.distance(body, best))
    bodies = [b for _, b in found]
    leaked = [x for x in truth.furniture + truth.captions if len(_bare(x)) >= 4 and any(_bare(x) in b for b in bodies)]
    return {
        "kind": truth.kind,
        "headlines": sum(want.values()),
        "found": sum(got.values()),
        "correct": hit,
        "title": _bare(article.title) == _bare(truth.title),
        "min_coverage": min(coverage, default=1.0),
        "coverage": sum(coverage) / len(coverage) if coverage else 1.0,
        "order": sum(order) / len(order) if order else 1.0,
        "min_order": min(order, default=1.0),
        "leaks": leaked,
        "chars": chars,
        "char_errors": errors,
    }


def summary(pages: list[dict]) -> dict:
    headlines = sum(p["headlines"] for p in pages)
    found = sum(p["found"] for p in pages)
    correct = sum(p["correct"] for p in pages)
    return {
        "pages": len(pages),
        "headline_recall": round(correct / headlines, 3) if headlines else 1.0,
        "headline_precision": round(correct / found, 3) if found else 1.0,
        "title_found": round(sum(p["title"] for p in pages) / len(pages), 3) if pages else 1.0,
        "min_body_coverage": round(min((p["min_coverage"] for p in pages), default=1.0), 3),
        "mean_body_coverage": round(sum(p["coverage"] for p in pages) / len(pages), 4) if pages else 1.0,
        "pages_covered_099": sum(p["min_coverage"] >= 0.99 for p in pages),
        "order_score": round(sum(p["order"] for p in pages) / len(pages), 4) if pages else 1.0,
        "pages_with_leaks": sum(bool(p["leaks"]) for p in pages),
        "seconds_per_page": round(sum(p.get("seconds", 0.0) for p in pages) / len(pages), 3) if pages else 0.0,
        "max_seconds": round(max((p.get("seconds", 0.0) for p in pages), default=0.0), 3),
    }


def score_corpus(n: int, seed: int) -> list[dict]:
    pages = []
    for i, (data, truth) in enumerate(build_corpus(n, seed)):
        start = time.perf_counter()
        article = next(read_pdf_articles(data, doc_id=f"page_{i:02d}.pdf"))
        scores = score_page(article, truth)
        scores["seconds"] = round(time.perf_counter() - start, 3)
        scores["page"] = i
        pages.append(scores)
    return pages


def _by_kind(pages: list[dict]) -> dict:
    return {kind: summary([p for p in pages if p["kind"] == kind]) for kind in sorted({p["kind"] for p in pages})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--held-out", type=int, nargs="*", default=[], metavar="SEED")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    pages = score_corpus(args.pages, args.seed)
    result = {"development": {"seed": args.seed, "all": summary(pages), **_by_kind(pages)}, "held_out": {}}
    for seed in args.held_out:
        held = score_corpus(60, seed)
        result["held_out"][str(seed)] = {"all": summary(held), **_by_kind(held)}
    if args.show_failures:
        for p in pages:
            if (
                p["correct"] < p["headlines"]
                or p["found"] > p["correct"]
                or p["min_coverage"] < 0.99
                or p["leaks"]
                or not p["title"]
            ):
                print(json.dumps(p, ensure_ascii=False))
    print(json.dumps(result, indent=1))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({**result, "pages": pages}, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
