"""``jb-summarize eval score``: score line-aligned files the way the field does."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..evaluation import BENCHMARKS, compare_outputs, compare_results, evaluate, load_benchmark
from ..metrics import METRICS, default_metrics, score
from ..tasks import TASKS
from ..text import decode_bytes, read_stdin
from ._common import (
    PROG,
    CLIError,
    add_model_arguments,
    add_summary_arguments,
    formatter,
    positive_int,
    progress_enabled,
    task_from_args,
)


def read_lines(source: str) -> list[str]:
    """Lines of a UTF-8/GB18030 file, or of stdin for '-'."""
    try:
        data = read_stdin() if source == "-" else Path(source).read_bytes()
    except FileNotFoundError as exc:
        raise CLIError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise CLIError(f"{source}: is a directory") from exc
    text = decode_bytes(data, "<stdin>" if source == "-" else source)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _aligned(hyp: str, refs: list[str]) -> tuple[list[str], list[list[str]]]:
    """The hypothesis lines and the reference streams, checked to be line-aligned."""
    if sum(1 for path in [hyp, *refs] if path == "-") > 1:
        raise CLIError("only one of --hyp/--ref can be stdin ('-')")
    hypotheses = read_lines(hyp)
    references = [read_lines(path) for path in refs]
    for path, stream in zip(refs, references, strict=True):
        if len(stream) != len(hypotheses):
            raise CLIError(f"{path} has {len(stream)} lines but {hyp} has {len(hypotheses)}")
    return hypotheses, references


def score_files(args: argparse.Namespace) -> int:
    hypotheses, references = _aligned(args.hyp, args.ref)
    result = score(
        hypotheses,
        references,
        lang=args.lang,
        tokenize=args.tokenize,
        n_bootstrap=args.bootstrap,
        per_item=not args.no_per_item,
        metrics=args.metrics,
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    metrics = args.metrics or default_metrics(args.lang)
    for metric in metrics:
        ci = result.get(f"{metric}_ci")
        interval = f"  95% CI [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""
        print(f"{metric:7s} {result[metric]:6.2f}{interval}")
    for key in ("rouge_signature", *(f"{m}_signature" for m in metrics)):
        if key in result:
            print(f"{key.rsplit('_', 1)[0]} signature: {result[key]}")
    return 0


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in Path(name).name or name)


def run_benchmark(args: argparse.Namespace) -> int:
    try:
        dataset = load_benchmark(
            args.benchmark,
            text_field=args.text_field,
            ref_field=args.ref_field,
            id_field=args.id_field,
            split=args.split,
            limit=args.limit,
        )
    except FileNotFoundError as exc:
        raise CLIError(str(exc).strip("'\"")) from exc
    task = task_from_args(args.task, args)
    lang = TASKS[args.task].language
    result = evaluate(
        task,
        dataset,
        benchmark=args.benchmark,
        lang=lang,
        tokenize=args.tokenize,
        batch_size=args.batch_size,
        n_bootstrap=args.bootstrap,
        limit=args.limit,
        show_progress_bar=progress_enabled(args.quiet),
    )
    output = Path(
        args.output
        or Path("eval")
        / "results"
        / f"{args.task}-{_safe(args.benchmark)}-{_safe(args.model)}{'-n' + str(args.limit) if args.limit else ''}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    metrics = result["metrics"]
    names = ["rouge1", "rouge2", "rougeL", "bleu"] if lang == "zh" else ["bleu", "chrf"]
    shown = "  ".join(f"{m} {metrics[m]:.2f} [{metrics[m + '_ci'][0]:.2f}, {metrics[m + '_ci'][1]:.2f}]" for m in names)
    print(f"{args.task} {args.benchmark} n={result['n']} {args.model}: {shown}  ({result['seconds']} s)")
    print(f"wrote {output}")
    return 0


def _read_result(path: str) -> dict | None:
    """An `eval run` result, or None for a plain file of outputs (one per line)."""
    if not path.endswith(".json"):
        return None
    try:
        result = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CLIError(f"{path}: no such file") from exc
    except (OSError, ValueError) as exc:
        raise CLIError(f"{path}: not a JSON result of `eval run` ({exc})") from exc
    if not isinstance(result, dict) or "items" not in result or "lang" not in result:
        raise CLIError(f"{path}: not a JSON result of `eval run` (no items)")
    return result


def _compare_files(args: argparse.Namespace) -> dict:
    """Two plain hypothesis files against --ref, as sacrebleu's --paired-bs."""
    if not args.ref:
        raise CLIError("two plain output files need their references: --ref FILE (repeat for more)")
    baseline, references = _aligned(args.baseline, args.ref)
    system, _ = _aligned(args.system, args.ref)
    tests = compare_outputs(
        baseline,
        system,
        references,
        lang=args.lang or "en",
        tokenize=args.tokenize,
        metrics=args.metric,
        n_bootstrap=args.bootstrap,
    )
    return {"benchmark": ", ".join(args.ref), "n": len(baseline), "tests": tests, "baseline": {}, "system": {}}


def compare(args: argparse.Namespace) -> int:
    baseline, system = _read_result(args.baseline), _read_result(args.system)
    if (baseline is None) != (system is None):
        raise CLIError("compare two `eval run` results (.json) or two plain output files, not one of each")
    try:
        if baseline is None or system is None:
            report = _compare_files(args)
        else:
            refs = [read_lines(path) for path in args.ref] if args.ref else None
            report = compare_results(baseline, system, metrics=args.metric, n_bootstrap=args.bootstrap, references=refs)
    except (ValueError, FileNotFoundError) as exc:
        raise CLIError(str(exc).strip("'\"")) from exc
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"{report['benchmark']} n={report['n']}: {args.system} vs baseline {args.baseline}")
    for test in report["tests"]:
        verdict = "significant" if test["p"] < args.alpha else "not significant"
        low, high = test["delta_ci"]
        print(
            f"{test['metric']:7s} {test['baseline']:6.2f} -> {test['system']:6.2f}  delta {test['delta']:+.2f} "
            f"[{low:+.2f}, {high:+.2f}]  p={test['p']:.4f} ({verdict} at {args.alpha})"
        )
    seconds = report["baseline"].get("seconds"), report["system"].get("seconds")
    if all(seconds):
        print(f"time    {seconds[0]:.1f} s -> {seconds[1]:.1f} s ({seconds[1] / seconds[0] - 1:+.0%})")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        formatter_class=formatter,
        help="score outputs against references (ROUGE, BLEU, chrF); run benchmarks",
        description="Evaluation: score line-aligned files (score), or run a model over a benchmark (run).",
        epilog=(
            "examples:\n"
            f"  {PROG} eval score --hyp system.en --ref ref.en --lang en\n"
            f"  {PROG} eval run --task summarize --model extractive --benchmark lcsts\n"
            f"  {PROG} eval compare eval/results/old.json eval/results/new.json"
        ),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser(
        "score",
        formatter_class=formatter,
        help="score a file of outputs against one or more reference files",
        description=(
            "Score line-aligned hypothesis and reference files (the hypotheses on stdin by default).\n"
            "  --lang en (default): BLEU (sacrebleu, 13a) and chrF\n"
            "  --lang zh: ROUGE-1/2/L F1 (0-100, character level unless --tokenize jieba) and BLEU (tokenize zh)\n"
            "  -m/--metrics: any of " + ", ".join(METRICS) + " instead (chrf++: chrF with word bigrams)\n"
            "Each score comes with a 95% bootstrap interval (fixed seed) and a signature."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} eval score --hyp system.en --ref ref.en --lang en\n"
            f"  {PROG} eval score --hyp summaries.zh --ref headlines.zh --lang zh --json | jq .rougeL\n"
            f"  cat system.en | {PROG} eval score --ref ref.A.en --ref ref.B.en -m bleu chrf ter chrf++"
        ),
    )
    s.add_argument("--hyp", "-i", default="-", metavar="FILE|-", help="system outputs, one per line (default: stdin)")
    s.add_argument("--ref", "-r", required=True, action="append", metavar="FILE", help="references (repeat for more)")
    s.add_argument("--lang", "-l", default="en", choices=["en", "zh"], help="language of the outputs (default en)")
    s.add_argument("--metrics", "-m", nargs="+", choices=METRICS, metavar="NAME", help=f"of {', '.join(METRICS)}")
    s.add_argument("--tokenize", choices=["char", "jieba"], default="char", help="ROUGE tokens for zh (default char)")
    s.add_argument(
        "--bootstrap", type=positive_int, default=1000, metavar="N", help="bootstrap resamples (default 1000)"
    )
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--no-per-item", action="store_true", help="leave per-item scores out of the JSON")
    s.set_defaults(func=score_files)

    r = actions.add_parser(
        "run",
        formatter_class=formatter,
        help="run a summariser or translator over a benchmark, score it, write a JSON result",
        description=(
            "Run a model over a benchmark and score it. Benchmarks: "
            + ", ".join(BENCHMARKS)
            + " (read from $JB_SUMMARIZE_DATA,\n"
            "default ../shared/data), or a JSONL/CSV/TSV file (--text-field/--ref-field), or a hub dataset.\n"
            "The JSON result records the model, its revision or hash, decoding parameters, metric settings,\n"
            "sample size, library versions, time taken and per-item scores."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} eval run --task summarize --model extractive --benchmark lcsts\n"
            f"  {PROG} eval run --task translate --model qwen2.5-coder-0.5b-instruct-q4_k_m \\\n"
            "        --benchmark wmt21 --limit 200\n"
            f"  {PROG} eval run --task summarize --model lead --benchmark pairs.jsonl \\\n"
            "        --text-field body --ref-field title"
        ),
    )
    r.add_argument("--task", required=True, choices=["summarize", "translate"])
    r.add_argument("--model", required=True, help="registry name, local folder or hub id")
    r.add_argument("--benchmark", required=True, help="seed, lcsts, wmt21, seed-en, a file, or a hub dataset")
    r.add_argument("--text-field", default="text", help="source column of a file or hub dataset (default text)")
    r.add_argument("--ref-field", default="summary", help="reference column (default summary)")
    r.add_argument("--id-field", default="id", help="id column, if any (default id)")
    r.add_argument("--split", default="test", help="split of a hub dataset (default test)")
    r.add_argument("--limit", type=positive_int, help="a fixed-seed sample of N items (original order kept)")
    add_model_arguments(r)
    add_summary_arguments(r)
    r.add_argument("--tokenize", choices=["char", "jieba"], default="char", help="ROUGE tokens (default char)")
    r.add_argument(
        "--bootstrap", type=positive_int, default=1000, metavar="N", help="bootstrap resamples (default 1000)"
    )
    r.add_argument("--glossary", action="append", metavar="FILE", help="extra zh<TAB>en names for translation")
    r.add_argument("--no-glossary", action="store_true", help="translate without the bundled glossary")
    r.add_argument("--offline", action="store_true", help="never download a model")
    r.add_argument("--output", metavar="FILE", help="JSON result (default eval/results/TASK-BENCHMARK-MODEL.json)")
    r.set_defaults(func=run_benchmark)

    c = actions.add_parser(
        "compare",
        formatter_class=formatter,
        help="paired bootstrap test of two systems: `eval run` results, or plain output files with --ref",
        description=(
            "Is SYSTEM better than BASELINE, or is the difference noise? Give two JSON results of `eval run`\n"
            "on the same benchmark items (rescored from their stored outputs and references: no benchmark data\n"
            "needed), or two plain files of outputs, one per line, with --ref (as sacrebleu --paired-bs).\n\n"
            "Paired bootstrap (Koehn 2004): N resamples of the items, each drawn once and applied to both\n"
            "systems; the interval of the difference is the 2.5-97.5 percentiles of the resampled differences,\n"
            "and p is the share of resamples whose difference, centred on the mean, is at least as large as the\n"
            "observed one (+1 smoothing). Both come from the same resamples, so they cannot disagree.\n"
            "For ter lower is better: a negative delta is an improvement."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} eval compare eval/results/base.json eval/results/new.json\n"
            f"  {PROG} eval compare base.json new.json --metric chrf --json\n"
            f"  {PROG} eval compare base.en new.en --ref ref.en --metric bleu --metric chrf++"
        ),
    )
    c.add_argument("baseline", metavar="BASELINE", help="JSON result of the previous default, or a file of outputs")
    c.add_argument("system", metavar="SYSTEM", help="JSON result of the change, or a file of outputs")
    c.add_argument(
        "--ref", "-r", action="append", metavar="FILE", help="references, one per line (needed for plain files)"
    )
    c.add_argument("--lang", "-l", choices=["en", "zh"], help="language of plain output files (default en)")
    c.add_argument("--tokenize", choices=["char", "jieba"], default="char", help="ROUGE tokens for zh (default char)")
    c.add_argument(
        "--metric",
        "-m",
        action="append",
        choices=METRICS,
        help="one of " + ", ".join(METRICS) + " (repeat; default: those of the language)",
    )
    c.add_argument(
        "--bootstrap", type=positive_int, default=1000, metavar="N", help="bootstrap resamples (default 1000)"
    )
    c.add_argument("--alpha", type=float, default=0.05, help="significance level for the verdict (default 0.05)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(func=compare)
