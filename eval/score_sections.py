"""Score the section splitter on generated newspaper pages (eval/relayout.py) and the seed page.

    .venv/bin/python eval/score_sections.py [--pages 40] [--seed N] [--held-out 1 2 3 4 5] [--show-failures]

Per page and in total: heading recall and precision (headings compared without whitespace), whether the
page title was found, whether the lead stands as its own section, and body coverage (the share of body
characters that come out inside one section's body: nothing lost, nothing moved into a heading). The
development pages come from --seed; --held-out seeds give 60 further pages each that the cues were not
tuned on (totals only). Writes eval/results/sections.json; models.md's splitter table is generated from it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from jb_summarize.article import Article, parse_article
from relayout import Expected, build_corpus

RESULTS = Path(__file__).resolve().parent / "results" / "sections.json"


def _bare(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def score_page(article: Article, expected: Expected) -> dict:
    """The splitter's numbers on one page."""
    want = Counter(_bare(h) for h in expected.headings)
    title = _bare(article.title)
    got = Counter(_bare(s.headline) for s in article.sections if s.headline and _bare(s.headline) != title)
    hit = sum((want & got).values())
    bodies = [_bare(s.body) for s in article.sections]
    paragraphs = [_bare(p) for body in expected.bodies for p in body] + [_bare(p) for p in expected.lead]
    covered = sum(len(p) for p in paragraphs if any(p in b for b in bodies))
    total = sum(len(p) for p in paragraphs)
    lead = _bare("".join(expected.lead))
    return {
        "headings": sum(want.values()),
        "found": sum(got.values()),
        "correct": hit,
        "title": expected.title is None or _bare(article.title) == _bare(expected.title),
        "has_title": expected.title is not None,
        "lead": (not lead) or lead in bodies,
        "has_lead": bool(lead),
        "coverage": covered / total if total else 1.0,
    }


def summary(pages: list[dict]) -> dict:
    headings = sum(p["headings"] for p in pages)
    found = sum(p["found"] for p in pages)
    correct = sum(p["correct"] for p in pages)
    titled = [p for p in pages if p["has_title"]]
    led = [p for p in pages if p["has_lead"]]
    return {
        "pages": len(pages),
        "heading_recall": round(correct / headings, 4) if headings else 1.0,
        "heading_precision": round(correct / found, 4) if found else 1.0,
        "title_found": round(sum(p["title"] for p in titled) / len(titled), 4) if titled else 1.0,
        "lead_found": round(sum(p["lead"] for p in led) / len(led), 4) if led else 1.0,
        "min_body_coverage": round(min(p["coverage"] for p in pages), 4),
        "pages_fully_covered": sum(p["coverage"] == 1.0 for p in pages),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--show-failures", action="store_true", help="print what went wrong on each page")
    parser.add_argument("--no-write", action="store_true", help="print only; leave eval/results alone")
    parser.add_argument(
        "--held-out", type=int, nargs="*", default=[21, 22, 23, 24, 25], help="seeds of 60-page held-out sets"
    )
    args = parser.parse_args()
    held_out = {}
    for seed in args.held_out:
        held_out[str(seed)] = summary(
            [score_page(parse_article(text), expected) for text, expected in build_corpus(60, seed)]
        )
        print(f"held-out seed {seed}: {json.dumps(held_out[str(seed)])}")
    pages = []
    for i, (text, expected) in enumerate(build_corpus(args.pages, args.seed)):
        article = parse_article(text, f"page_{i:02d}")
        result = {"page": i, **score_page(article, expected)}
        pages.append(result)
        bad = result["correct"] < max(result["headings"], result["found"]) or not result["title"]
        bad = bad or not result["lead"] or result["coverage"] < 1
        if args.show_failures and bad:
            print(f"page {i}: {json.dumps(result)}  layout {json.dumps(expected.layout)}")
            print("  want:", [_bare(h) for h in expected.headings], "title", expected.title)
            print("  got: ", [s.headline for s in article.sections], "title", article.title)
    total = summary(pages)
    print(json.dumps(total, indent=1))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "corpus": "eval/relayout.py",
            "seed": args.seed,
            "total": total,
            "held_out": held_out,
            "per_page": pages,
        }
        RESULTS.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
