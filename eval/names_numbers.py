"""Names and numbers benchmark (issue 25): sentences with place names and amounts, the translations' name
accuracy and amount accuracy, and a paired bootstrap test between two runs.

    python eval/names_numbers.py items                       # how many items, from where, what they test
    python eval/names_numbers.py run --label default         # translate with the API default, score
    python eval/names_numbers.py run --label before --code /work/main/src   # the same with other code
    python eval/names_numbers.py compare before default      # paired bootstrap of both accuracies

Items: WMT21 sentences whose reference holds the standard English of a place in the source (or the source's
amount, by value), LCSTS sentences with places or amounts, the seed's (seed-en, with its references),
sentences written for it (eval/data/names_numbers_written.txt). A name is right when one of its forms (the
standard romanisation: Jiangbei District or Jiangbei) is in the output and no place the source does not
name is (Nanjing for 江北); an amount is right when its value (a date's month, an approximate number's
scale) is. Results: eval/results/names-numbers-LABEL.json (ids, outputs, per-item scores; no source text).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from jb_summarize import load_seed_article, normalize
from jb_summarize.amounts import find_amounts, missing_amounts
from jb_summarize.evaluation import load_benchmark
from jb_summarize.metrics import CorpusStatistics, paired_bootstrap
from jb_summarize.names import Name, find_names, missing_names, wrong_places
from jb_summarize.sentences import sentences_of

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results"
WRITTEN = ROOT / "eval" / "data" / "names_numbers_written.txt"
ITEMS = ROOT / "eval" / "data" / "names_numbers_items.txt"
LIMITS = {"wmt21": 60, "lcsts": 40, "seed": 40}
MAX_CHARS = 120


def _targets(source: str, reference: str | None) -> tuple[list[Name], list[str]]:
    """The places and organisations to check (those the reference agrees with, where there is one) and the
    amounts (their Chinese forms; those the reference carries, where there is one)."""
    names = [n for n in find_names(source) if n.kind in ("place", "organisation")]
    amounts = [a.text for a in find_amounts(source) if a.values or a.scale]
    if reference is not None:
        names = [n for n in names if not missing_names([n], reference)]
        wrong = set(missing_amounts(source, reference))
        amounts = [a for a in amounts if a not in wrong]
    return names, amounts


def _sources() -> dict[str, tuple[str, str | None]]:
    """Every candidate sentence by id: (source, reference or None)."""
    found: dict[str, tuple[str, str | None]] = {}
    wmt = load_benchmark("wmt21")
    for item_id, source, reference in zip(wmt["id"], wmt["source"], wmt["reference"], strict=True):
        found[item_id] = (source, reference)
    lcsts = load_benchmark("lcsts")
    for item_id, text in zip(lcsts["id"], lcsts["source"], strict=True):
        for k, sentence in enumerate(sentences_of(text)):
            found[f"lcsts:{item_id}:{k}"] = (sentence, None)
    for section in load_seed_article().sections:
        for k, sentence in enumerate(sentences_of(normalize(section.body).replace("\n", ""))):
            found[f"seed:{section.id}:{k}"] = (sentence, None)
    lines = [line.strip() for line in WRITTEN.read_text(encoding="utf-8").splitlines()]
    for k, line in enumerate(line for line in lines if line and not line.startswith("#")):
        found[f"written:{k}"] = (line, None)
    return found


def items() -> list[dict]:
    """The benchmark's items (ids in eval/data/names_numbers_items.txt; ``choose_items`` chose them): id,
    source, reference (or None) and what each checks, by the current rules."""
    sources = _sources()
    found = []
    for item_id in ITEMS.read_text(encoding="utf-8").split():
        source, reference = sources[item_id]
        names, amounts = _targets(source, reference)
        found.append({"id": item_id, "source": source, "reference": reference, "names": [n.zh for n in names]})
        found[-1]["amounts"] = amounts
    return found


def choose_items() -> list[dict]:
    """Choose the benchmark's items: sentences of at most MAX_CHARS with something to check."""
    found: list[dict] = []

    def add(item_id: str, source: str, reference: str | None, limit_key: str | None = None) -> bool:
        if len(source) > MAX_CHARS:
            return False
        names, amounts = _targets(source, reference)
        if not names and not amounts:
            return False
        found.append({"id": item_id, "source": source, "reference": reference, "names": [n.zh for n in names]})
        found[-1]["amounts"] = amounts
        return True

    wmt = load_benchmark("wmt21")
    with_names, only_amounts = [], []
    for item_id, source, reference in zip(wmt["id"], wmt["source"], wmt["reference"], strict=True):
        names, amounts = _targets(source, reference) if len(source) <= MAX_CHARS else ([], [])
        (with_names if names else only_amounts if amounts else []).append((item_id, source, reference))
    for row in (with_names + only_amounts[::7])[: LIMITS["wmt21"]]:
        add(*row)
    lcsts = load_benchmark("lcsts")
    count = 0
    for item_id, text in zip(lcsts["id"], lcsts["source"], strict=True):
        for k, sentence in enumerate(sentences_of(text)):
            if count < LIMITS["lcsts"] and any(n.kind == "place" for n in find_names(sentence)):
                count += add(f"lcsts:{item_id}:{k}", sentence, None)
    count = 0
    for section in load_seed_article().sections:
        for k, sentence in enumerate(sentences_of(normalize(section.body).replace("\n", ""))):
            if count < LIMITS["seed"]:
                count += add(f"seed:{section.id}:{k}", sentence, None)
    lines = [line.strip() for line in WRITTEN.read_text(encoding="utf-8").splitlines()]
    for k, line in enumerate(line for line in lines if line and not line.startswith("#")):
        add(f"written:{k}", line, None)
    return found


def score_item(item: dict, output: str) -> dict:
    """Names right (a form there and no wrong place) and amounts right, of those the item checks."""
    names = {n.zh: n for n in find_names(item["source"])}
    checked = [names[zh] for zh in item["names"] if zh in names]
    wrong = wrong_places(item["source"], output, list(names.values()))
    missing = set(missing_names(checked, output))
    names_right = 0 if wrong else sum(1 for n in checked if n.zh not in missing)
    lost = set(missing_amounts(item["source"], output))
    amounts_right = sum(1 for a in item["amounts"] if a not in lost)
    return {
        "names": len(checked),
        "names_right": names_right,
        "wrong_places": wrong,
        "missing_names": sorted(missing),
        "amounts": len(item["amounts"]),
        "amounts_right": amounts_right,
        "missing_amounts": [a for a in item["amounts"] if a in lost],
    }


def _statistics(result: dict, kind: str) -> CorpusStatistics:
    rows = np.array([[i[f"{kind}_right"], i[kind]] for i in result["items"]], dtype=float)
    return CorpusStatistics(f"{kind} accuracy", rows, lambda s: 100.0 * s[0] / s[1] if s[1] else 0.0)


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            flags = Path("/proc/cpuinfo").read_text()
            extra = [f for f in ("avx512f", "avx2", "amx_tile") if f" {f}" in flags]
            return f"{line.split(':', 1)[1].strip()} ({', '.join(extra)}, {os.cpu_count()} cores)"
    return "unknown"


_TRANSLATE = """
import json, sys, time
from jb_summarize import load_translator
sources = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.perf_counter()
result = load_translator(sys.argv[3]).run(sources)
json.dump({"outputs": result.outputs, "info": result.info.to_dict(), "seconds": time.perf_counter() - start},
          open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def run(args: argparse.Namespace) -> int:
    benchmark = items()
    with tempfile.TemporaryDirectory() as folder:
        sources, out = Path(folder) / "sources.json", Path(folder) / "out.json"
        sources.write_text(json.dumps([i["source"] for i in benchmark], ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": args.code} if args.code else dict(os.environ)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _TRANSLATE, str(sources), str(out), args.model], env=env, check=True)
        wall = time.perf_counter() - start
        translated = json.loads(out.read_text(encoding="utf-8"))
    scored = [
        {"id": i["id"], "output": o, **score_item(i, o)} for i, o in zip(benchmark, translated["outputs"], strict=True)
    ]
    result = {
        "benchmark": "names-numbers",
        "label": args.label,
        "code": args.code or "this checkout",
        "model": args.model,
        "model_info": translated["info"],
        "n": len(scored),
        "cpu": _cpu(),
        "seconds": round(translated["seconds"], 1),
        "wall_seconds_with_load": round(wall, 1),
        "items": scored,
    }
    result["name_accuracy"] = round(_statistics(result, "names").score() / 100, 4)
    result["amount_accuracy"] = round(_statistics(result, "amounts").score() / 100, 4)
    path = RESULTS / f"names-numbers-{args.label}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"{path.name}: names {result['name_accuracy']:.3f}, amounts {result['amount_accuracy']:.3f}, "
        f"{result['n']} items, {result['seconds']} s"
    )
    return 0


def compare_runs(baseline: dict, system: dict, n_bootstrap: int = 1000) -> list[dict]:
    """Paired bootstrap tests of name and amount accuracy (percent) between two runs on the same items."""
    if [i["id"] for i in baseline["items"]] != [i["id"] for i in system["items"]]:
        raise ValueError("the two runs do not score the same items")
    return [
        paired_bootstrap(_statistics(baseline, kind), _statistics(system, kind), n=n_bootstrap)
        for kind in ("names", "amounts")
    ]


def _load(label: str) -> dict:
    path = Path(label) if label.endswith(".json") else RESULTS / f"names-numbers-{label}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def compare(args: argparse.Namespace) -> int:
    baseline, system = _load(args.baseline), _load(args.system)
    for test in compare_runs(baseline, system):
        low, high = test["delta_ci"]
        print(
            f"{test['metric']:17s} {test['baseline']:6.2f} -> {test['system']:6.2f}  delta {test['delta']:+.2f} "
            f"[{low:+.2f}, {high:+.2f}]  p={test['p']:.4f}"
        )
    return 0


def describe(args: argparse.Namespace) -> int:
    if args.choose:
        ITEMS.write_text("\n".join(i["id"] for i in choose_items()) + "\n", encoding="utf-8")
    benchmark = items()
    sources: dict[str, list[dict]] = {}
    for item in benchmark:
        sources.setdefault(item["id"].split(":")[0], []).append(item)
    for name, rows in sources.items():
        print(
            f"{name}: {len(rows)} items, {sum(len(r['names']) for r in rows)} names, "
            f"{sum(len(r['amounts']) for r in rows)} amounts"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", required=True)
    i = actions.add_parser("items", help="count the items")
    i.add_argument("--choose", action="store_true", help="choose them anew (eval/data/names_numbers_items.txt)")
    i.set_defaults(func=describe)
    r = actions.add_parser("run", help="translate the items and score them")
    r.add_argument("--label", required=True, help="the result's name: eval/results/names-numbers-LABEL.json")
    r.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4_k_m")
    r.add_argument("--code", help="translate with the jb_summarize under this src folder (a baseline's code)")
    r.set_defaults(func=run)
    c = actions.add_parser("compare", help="paired bootstrap test of two runs")
    c.add_argument("baseline")
    c.add_argument("system")
    c.set_defaults(func=compare)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
