"""Rescore the stored `eval run` results in eval/results/ from their stored outputs, with the current metrics
(intervals included), and store each item's reference beside its output, so that `eval compare` and later
rescoring need no benchmark data. The benchmark data (``$JB_SUMMARIZE_DATA``) is read only for results that
do not yet store their references. Models are never run.

.venv/bin/python eval/rescore_results.py            # rewrite the results in place
.venv/bin/python eval/rescore_results.py --check    # exit 1 if a result's scores are not the current ones
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jb_summarize.evaluation import load_benchmark
from jb_summarize.metrics import score

RESULTS = Path(__file__).resolve().parent / "results"


def rescore(result: dict) -> dict:
    """The result with its metrics and per-item scores recomputed, and references stored."""
    items = result["items"]
    if not all("reference" in item for item in items):
        dataset = load_benchmark(result["benchmark"], limit=result.get("limit"))
        by_id = dict(zip(map(str, dataset["id"]), dataset["reference"], strict=True))
        items = [{**item, "reference": by_id[str(item["id"])]} for item in items]
    settings = result.get("metric_settings") or {}
    tokenize = settings.get("tokenize", "char") if result["lang"] == "zh" else "char"
    scores = score(
        [item["output"] for item in items],
        [[item["reference"] for item in items]],
        lang=result["lang"],
        tokenize=tokenize,
        n_bootstrap=settings.get("bootstrap", 1000),
    )
    per_item = scores.pop("per_item")
    fixed = ("id", "output", "reference")
    new_items = [{**{k: item[k] for k in fixed}, **values} for item, values in zip(items, per_item, strict=True)]
    return {**result, "metrics": scores, "items": new_items}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the stored scores are current")
    args = parser.parse_args()
    stale = []
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(result, dict) or "items" not in result or "metrics" not in result:
            continue
        updated = rescore(result)
        if updated != result:
            stale.append(path.name)
            if not args.check:
                path.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if stale:
        print(f"{'stale' if args.check else 'rescored'}: {', '.join(stale)}", file=sys.stderr)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
