"""Regenerate the generated blocks of models.md and README.md (between <!-- NAME:begin --> and <!-- NAME:end -->).

.venv/bin/python eval/update_models_md.py          # rewrite models.md
.venv/bin/python eval/update_models_md.py --check  # exit 1 if models.md or README.md is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from jb_summarize.models import models_markdown

ROOT = Path(__file__).resolve().parents[1]
MODELS_MD = ROOT / "models.md"
README = ROOT / "README.md"
RESULTS = ROOT / "eval" / "results"


def _with_ci(metrics: dict, name: str) -> str:
    ci = metrics.get(f"{name}_ci")
    return f"{metrics[name]:.1f} [{ci[0]:.1f}, {ci[1]:.1f}]" if ci else f"{metrics[name]:.1f}"


def results_markdown() -> str:
    """One row per eval/results/*.json written by `jb-summarize eval run` (bench files excluded)."""
    rows = [
        "| task | benchmark | n | model | scores (95% CI) | items/s | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    records = []
    for path in sorted(RESULTS.glob("*.json")):
        if path.name == "bench.json":
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        if "benchmark" in record and "metrics" in record:
            records.append(record)
    order = {"seed": 0, "lcsts": 1, "seed-en": 2, "wmt21": 3}
    records.sort(key=lambda r: (r["task"], order.get(r["benchmark"], 9), r["benchmark"], r["model"]))
    for r in records:
        m = r["metrics"]
        if r["lang"] == "zh":
            tok = r["metric_settings"]["tokenize"]
            scores = f"R-1 {_with_ci(m, 'rouge1')}, R-2 {_with_ci(m, 'rouge2')}, R-L {_with_ci(m, 'rougeL')} ({tok})"
        else:
            scores = f"BLEU {_with_ci(m, 'bleu')}, chrF {_with_ci(m, 'chrf')}"
        rows.append(
            f"| {r['task']} | {r['benchmark']} | {r['n']} | `{r['model']}` | {scores} "
            f"| {r['items_per_second']} | {r['peak_rss_mb']} |"
        )
    return "\n".join(rows) + "\n"


def bench_markdown() -> str:
    """The speed tables from eval/results/bench.json (written by eval/bench.py)."""
    path = RESULTS / "bench.json"
    records = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    apart = ("layout", "server", "llama-server", "profile")  # parts with tables of their own
    ok = [r for r in records if "error" not in r and r.get("part") not in apart]
    lines = [
        "| part | backend | model | batch | beams | threads | prompt tok/s | generated tok/s | sentences/s "
        "| load s | peak RSS MB | ratio to transformers |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in ok:
        if r.get("kind") == "seq2seq":
            threads = f"inter {r.get('inter_threads', '-')}, intra {r.get('intra_threads', '-')}"
            if r["backend"] == "transformers":
                threads = "torch default"
            lines.append(
                f"| seq2seq | {r['backend']} {r['compute_type']} | {r['model']} | {r['batch_size']} | {r['num_beams']} "
                f"| {threads} | - | {r['tokens_per_s']} | {r['sentences_per_s']} | {r['load_seconds']} "
                f"| {r['peak_rss_mb']} | {r.get('ratio_to_transformers')} |"
            )
        elif r.get("kind") == "llm":
            lines.append(
                f"| llm | {r['backend']} | `{r['model']}` | {r['batch_size']} | - | {r['threads']} "
                f"| {r.get('prompt_tokens_per_s', '-')} | {r['tokens_per_s']} | {r.get('sentences_per_s', '-')} "
                f"| {r['load_seconds']} | {r['peak_rss_mb']} | {r.get('ratio_to_transformers') or '-'} |"
            )
    seeds = [r for r in ok if r.get("task") == "seed-article"]
    if seeds:
        lines += [
            "",
            "| whole seed article (`jb-summarize run`) | model | translation unit | seconds "
            "| of which the article in brief | peak RSS MB | lead section BLEU | flagged fields | CPU |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in seeds:
            bleu = f"{r['lead_section_bleu']:.1f}" if r.get("lead_section_bleu") is not None else "-"
            lines.append(
                f"| summaries, bilingual headlines, full English | `{r['model']}` "
                f"| {r['unit']}{', quality best' if r.get('quality') == 'best' else ''} | {r['seconds']} "
                f"| {r.get('article_summary_seconds') or '-'} | {r['peak_rss_mb']} | {bleu} "
                f"| {r.get('flagged_fields', '-')} | {cpu_label(r)} |"
            )
    lines += profile_markdown([r for r in records if "error" not in r and r.get("part") == "profile"])
    layouts = [r for r in records if "error" not in r and r.get("part") == "layout"]
    if layouts:
        lines += [
            "",
            "| llama.cpp weight layout | what | model | seconds | sentences/s | generated tok/s | peak RSS MB | CPU |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in layouts:
            what = f"{r.get('sentences')} seed sentences, batch {r.get('batch_size')}"
            if r.get("task") == "seed-article":
                what = "whole seed article"
            lines.append(
                f"| {r['weight_layout']} | {what} | `{r['model']}` | {r['seconds']} | {r.get('sentences_per_s', '-')} "
                f"| {r.get('tokens_per_s', '-')} | {r['peak_rss_mb']} | {cpu_label(r)} |"
            )
    served = [r for r in records if "error" not in r and r.get("part") in ("server", "llama-server")]
    if served:
        lines += [
            "",
            "| OpenAI-compatible server vs in-process | what | model | requests in flight | seconds | sentences/s "
            "| CPU |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in served:
            where = r.get("backend") or "llama.cpp in-process"
            if r.get("task") == "seed-article":
                what, in_flight = "whole seed article (`run`)", r.get("batch_size") or "default"
            else:
                what, in_flight = f"{r['sentences']} seed sentences", r["batch_size"]
            lines.append(
                f"| {where} | {what} | `{r['model']}` | {in_flight} | {r['seconds']} | {r.get('sentences_per_s', '-')} "
                f"| {cpu_label(r)} |"
            )
    errors = [r for r in records if "error" in r]
    for r in errors:
        lines.append(f"\nNot measured: {json.dumps({k: v for k, v in r.items() if k != 'error'})}: {r['error']}")
    return "\n".join(lines) + "\n"


def sections_markdown() -> str:
    """The section splitter's scores from eval/results/sections.json (written by eval/score_sections.py)."""
    path = RESULTS / "sections.json"
    if not path.exists():
        return "(no eval/results/sections.json yet: run eval/score_sections.py)\n"
    record = json.loads(path.read_text(encoding="utf-8"))
    rows = [(f"development (seed {record['seed']})", record["total"])]
    rows += [(f"held out (seed {seed})", total) for seed, total in record.get("held_out", {}).items()]
    lines = [
        "| pages | set | heading recall | heading precision | title found | lead found "
        "| pages with every body character | lowest body coverage |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, t in rows:
        lines.append(
            f"| {t['pages']} | {name} | {t['heading_recall']:.3f} | {t['heading_precision']:.3f} "
            f"| {t['title_found']:.3f} | {t['lead_found']:.3f} | {t['pages_fully_covered']} "
            f"| {t['min_body_coverage']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def pages_markdown() -> str:
    """The PDF page reader's scores (eval/results/pages.json, eval/score_pages.py) and speed
    (eval/results/bench_pdf.json, eval/bench_pdf.py)."""
    path = RESULTS / "pages.json"
    if not path.exists():
        return "(no eval/results/pages.json yet: run eval/score_pages.py)\n"
    record = json.loads(path.read_text(encoding="utf-8"))
    dev = record["development"]
    kinds = ("all", "news", "feature")
    rows = [(f"development (seed {dev['seed']})", kind, dev[kind]) for kind in kinds if kind in dev]
    for seed, held in record.get("held_out", {}).items():
        rows += [(f"held out (seed {seed})", kind, held[kind]) for kind in kinds if kind in held]
    lines = [
        "| set | pages | headline recall | headline precision | title found | mean body coverage "
        "| lowest body coverage | pages with every body >= 0.99 | order score | pages with leaks | s/page (max) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, kind, t in rows:
        lines.append(
            f"| {name}, {kind} | {t['pages']} | {t['headline_recall']:.3f} | {t['headline_precision']:.3f} "
            f"| {t['title_found']:.3f} | {t['mean_body_coverage']:.4f} | {t['min_body_coverage']:.3f} "
            f"| {t['pages_covered_099']} | {t['order_score']:.4f} | {t['pages_with_leaks']} "
            f"| {t['seconds_per_page']:.3f} ({t['max_seconds']:.3f}) |"
        )
    bench = RESULTS / "bench_pdf.json"
    if bench.exists():
        b = json.loads(bench.read_text(encoding="utf-8"))
        e = b["extract_seconds_per_page"]
        lines += [
            "",
            f"Speed ({b['cpu']}; {b['pages']} pages of about {b['chars_per_page']} characters): characters with "
            f"their boxes {e['pypdfium2']:.3f} s/page with pypdfium2 against {e['pdfminer.six']:.3f} s/page with "
            f"pdfminer.six ({b['same_characters']:.4f} of the characters the same); the whole reader "
            f"{b['reader_seconds_per_page']:.3f} s/page, peak RSS {b['reader_peak_rss_mb']} MB; an edition of "
            f"{b['edition_pages']} pages ({b['edition_bytes'] / 1e6:.1f} MB) read one page at a time in "
            f"{b['edition_seconds']} s, peak RSS {b['edition_peak_rss_mb']} MB.",
        ]
    return "\n".join(lines) + "\n"


def ocr_markdown() -> str:
    """The OCR reader's scores on the rasterised corpus (eval/results/ocr_pages.json, eval/score_ocr.py)."""
    path = RESULTS / "ocr_pages.json"
    if not path.exists():
        return "(no eval/results/ocr_pages.json yet: run eval/score_ocr.py)\n"
    record = json.loads(path.read_text(encoding="utf-8"))
    lines = [
        "| image | pages | headline recall | headline precision | title found | body character accuracy "
        "| mean body coverage | order score | pages with leaks | s/page (max) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, setting in record["settings"].items():
        t = setting["all"]
        lines.append(
            f"| {name} | {t['pages']} | {t['headline_recall']:.3f} | {t['headline_precision']:.3f} "
            f"| {t['title_found']:.3f} | {t['char_accuracy']:.4f} | {t['mean_body_coverage']:.4f} "
            f"| {t['order_score']:.4f} | {t['pages_with_leaks']} "
            f"| {t['seconds_per_page']:.1f} ({t['max_seconds']:.1f}) |"
        )
    sizes = {tuple(round(v) for v in p["size_pt"]) for pages in record["per_page"].values() for p in pages}
    size = " or ".join(f"{w} x {h} pt" for w, h in sorted(sizes))
    compared = record.get("compared")
    if compared:
        a, b = compared["char_accuracy"]
        ha, hb = compared["headlines_correct"]
        lines += [
            "",
            f"This reader against {compared['baseline']} ({compared['setting']}, the same {compared['pages']} "
            f"pages): body character accuracy {a:.4f} -> {b:.4f}, headlines right {ha} -> {hb} "
            f"of {compared['headlines']}; paired sign-flip test on the pages' character errors p = "
            f"{compared['p_value']}.",
        ]
    if record.get("note"):
        lines += ["", f"Note: {record['note']}."]
    lines += [
        "",
        f"CPU: {record['cpu']} (2 cores); pages of {size}, generated with seed {record['seed']}; "
        f"peak RSS of the whole run {record['peak_rss_mb']} MB.",
    ]
    bench = RESULTS / "bench_ocr.json"
    if bench.exists():
        b = json.loads(bench.read_text(encoding="utf-8"))
        w, h = b["size_pt"]
        lines += [
            "",
            f"One large page alone (`eval/bench_ocr.py`: the corpus's largest, {w} x {h} pt, {b['sections']} "
            f"sections, as a {b['dpi']:.0f}-dpi PNG of {b['pixels'][0]} x {b['pixels'][1]} px, through "
            f"`load_article` in a fresh process, the networks' loading included): {b['seconds']} s "
            f"(slowest of {b['runs']} runs {b['max_seconds']} s), peak RSS {b['peak_rss_mb']} MB; {b['cpu']}, 2 cores.",
        ]
    return "\n".join(lines) + "\n"


# Each quality lever against the default it was meant to improve, on the same items: (benchmark, baseline
# file, lever file, what the lever is), all in eval/results/levers/ (written by `jb-summarize eval run`).
LEVERS = [
    ("wmt21", "wmt21-default.json", "wmt21-examples2.json", "2 retrieved worked examples (`--examples 2`)"),
    ("wmt21", "wmt21-default.json", "wmt21-quality-best.json", "`--quality best` (4 candidates, chrF agreement)"),
    ("seed-en", "seed-en-default.json", "seed-en-examples3.json", "3 retrieved worked examples"),
    ("seed-en", "seed-en-default.json", "seed-en-consistent-names.json", "`--consistent-names`"),
    ("wmt21", "wmt21-default.json", "wmt21-context-previous.json", "`--context previous` (source before it)"),
    ("wmt21", "wmt21-default.json", "wmt21-context-pair.json", "`--context previous-pair` (and its English)"),
    ("seed-en", "seed-en-default.json", "seed-en-context-previous.json", "`--context previous`"),
    ("seed-en", "seed-en-default.json", "seed-en-context-pair.json", "`--context previous-pair`"),
    ("lcsts", "lcsts-default.json", "lcsts-examples3.json", "3 retrieved headline examples (summaries)"),
    ("lcsts", "lcsts-default.json", "lcsts-style-summary.json", "`--style summary` (vs headline references)"),
    ("wmt21-titles", "wmt21-titles-default.json", "wmt21-titles-as-headlines.json", "`--as-headlines` (translation)"),
    ("wmt21", "wmt21-default.json", "wmt21-names-numbers.json", "names and numbers default (issue 25)"),
]


def levers_markdown() -> str:
    """The paired bootstrap tests of each quality lever against the default (eval/results/levers/)."""
    from jb_summarize.evaluation import compare_results

    rows = [
        "| lever | benchmark | n | metric | default | with the lever | delta [95% CI] | p "
        "| seconds (default -> lever) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    folder = RESULTS / "levers"
    for benchmark, base_name, lever_name, what in LEVERS:
        if not (folder / lever_name).exists():
            continue  # not measured yet
        base = json.loads((folder / base_name).read_text(encoding="utf-8"))
        lever = json.loads((folder / lever_name).read_text(encoding="utf-8"))
        metrics = ["rougeL"] if base["lang"] == "zh" else ["bleu", "chrf"]
        report = compare_results(base, lever, metrics=metrics)
        for t in report["tests"]:
            low, high = t["delta_ci"]
            rows.append(
                f"| {what} | {benchmark} | {report['n']} | {t['metric']} | {t['baseline']:.2f} | {t['system']:.2f} "
                f"| {t['delta']:+.2f} [{low:+.2f}, {high:+.2f}] | {t['p']:.3f} "
                f"| {base['seconds']} -> {lever['seconds']} |"
            )
    return "\n".join(rows) + "\n"


def cpu_label(record: dict) -> str:
    """The CPU a row was measured on, with its kind (AVX2, AVX-512, AMX) where recorded."""
    cpu = record.get("cpu", "-")
    if record.get("cpu_generation"):  # one model name ("AMD EPYC") covers CPUs of different speeds
        cpu = f"{cpu} ({record['cpu_generation']})"
    label = f"{cpu}, {record['cpu_kind']}" if record.get("cpu_kind") else cpu
    return label + (f" ({record['measured_by']})" if record.get("measured_by") else "")


def profile_markdown(records: list[dict]) -> list[str]:
    """Where the seed job's time goes (``eval/bench.py --only profile``), one table per CPU kind."""
    lines: list[str] = []
    for r in records:
        profile = r["profile"]
        lines += [
            "",
            f"Where the whole seed job's time goes ({cpu_label(r)}, `{r['model']}`, {r['seconds']} s in all, "
            f"model load {r.get('load_seconds')} s, n_batch {profile['n_batch']}): per phase the `generate` calls, "
            "prompts, `llama_decode` calls, tokens read from prompts and generated, tokens per call and how full a "
            "call is, ms per token in `llama_decode`, and the seconds."
            + (f" Note: {r['note']}." if r.get("note") else ""),
            "",
            "| phase | generate calls | prompts | decode calls | prompt tokens | generated tokens | tokens per call "
            "| fill | ms/token | decode s | s | calls by size (tokens: calls) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, st in [*profile["phases"].items(), ("total", profile["total"])]:
            sizes = ", ".join(f"{k}: {v}" for k, v in st["calls_by_size"].items())
            lines.append(
                f"| {name} | {st['generate_calls']} | {st['prompts']} | {st['decode_calls']} | {st['prompt_tokens']} "
                f"| {st['generated']} | {st['tokens_per_call']} | {st.get('fill', '-')} | {st['ms_per_token']} "
                f"| {st['decode_seconds']} | {st['seconds']} | {sizes} |"
            )
    return lines


def quickstart_markdown() -> str:
    """README's quick-start timings: the whole seed article (`jb-summarize run`, default options) per model and
    CPU, from the same eval/results/bench.json rows as models.md's whole-article table."""
    path = RESULTS / "bench.json"
    records = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    runs = [
        r
        for r in records
        if r.get("task") == "seed-article" and "error" not in r and "part" not in r and r.get("unit") == "sentence"
    ]
    lines = ["| CPU | model | seconds | peak RSS MB |", "|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {cpu_label(r)} (2 cores) | `{r['model']}` | {r['seconds']} | {r['peak_rss_mb']} |")
    return "\n".join(lines) + "\n"


def names_markdown() -> str:
    """Name and amount accuracy of each names-numbers run, and the default against the code before it
    (eval/names_numbers.py; paired bootstrap)."""
    sys.path.insert(0, str(ROOT / "eval"))
    from names_numbers import compare_runs

    runs = {p.stem.removeprefix("names-numbers-"): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(RESULTS.glob("names-numbers-*.json"))}  # fmt: skip
    rows = [
        "| run | code | n | name accuracy | amount accuracy | seconds | CPU |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, r in runs.items():
        rows.append(
            f"| {label} | {r['code']} | {r['n']} | {r['name_accuracy']:.3f} | {r['amount_accuracy']:.3f} "
            f"| {r['seconds']} | {r['cpu']} |"
        )
    if "before" in runs and "default" in runs:
        rows += ["", "| metric | before | default | delta [95% CI] | p |", "|---|---|---|---|---|"]
        for t in compare_runs(runs["before"], runs["default"]):
            low, high = t["delta_ci"]
            rows.append(
                f"| {t['metric']} (%) | {t['baseline']:.2f} | {t['system']:.2f} | {t['delta']:+.2f} "
                f"[{low:+.2f}, {high:+.2f}] | {t['p']:.3f} |"
            )
    return "\n".join(rows) + "\n"


BLOCKS: dict[str, Callable[[], str]] = {
    "names": names_markdown,
    "levers": levers_markdown,
    "sections": sections_markdown,
    "pages": pages_markdown,
    "ocr": ocr_markdown,
    "registry": models_markdown,
    "results": results_markdown,
    "bench": bench_markdown,
}


README_BLOCKS: dict[str, Callable[[], str]] = {"quickstart": quickstart_markdown}


def replace_block(text: str, name: str, content: str, where: str = "models.md") -> str:
    pattern = re.compile(f"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{where} has no <!-- {name}:begin --> ... <!-- {name}:end --> block")
    return pattern.sub(lambda m: m.group(1) + content + m.group(2), text)


def render(text: str, blocks: dict[str, Callable[[], str]] = BLOCKS, where: str = "models.md") -> str:
    for name, make in blocks.items():
        text = replace_block(text, name, make(), where)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that models.md is up to date")
    args = parser.parse_args()
    stale = []
    for path, blocks in ((MODELS_MD, BLOCKS), (README, README_BLOCKS)):
        current = path.read_text(encoding="utf-8")
        updated = render(current, blocks, path.name)
        if updated != current:
            stale.append(path.name)
            if not args.check:
                path.write_text(updated, encoding="utf-8")
    if args.check and stale:
        print(f"{' and '.join(stale)} out of date: run eval/update_models_md.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
