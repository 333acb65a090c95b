"""``jb-summarize eval score``: score line-aligned files the way the field does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..metrics import score
from ..text import decode_bytes
from ._common import PROG, CLIError, formatter


def read_lines(source: str) -> list[str]:
    """Lines of a UTF-8/GB18030 file, or of stdin for '-'."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except FileNotFoundError as exc:
        raise CLIError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise CLIError(f"{source}: is a directory") from exc
    text = decode_bytes(data, "<stdin>" if source == "-" else source)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def score_files(args: argparse.Namespace) -> int:
    if sum(1 for path in [args.hyp, *args.ref] if path == "-") > 1:
        raise CLIError("only one of --hyp/--ref can be stdin ('-')")
    hypotheses = read_lines(args.hyp)
    references = [read_lines(path) for path in args.ref]
    for path, stream in zip(args.ref, references, strict=True):
        if len(stream) != len(hypotheses):
            raise CLIError(f"{path} has {len(stream)} lines but {args.hyp} has {len(hypotheses)}")
    result = score(
        hypotheses,
        references,
        lang=args.lang,
        tokenize=args.tokenize,
        n_bootstrap=args.bootstrap,
        per_item=not args.no_per_item,
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    metrics = ["rouge1", "rouge2", "rougeL", "bleu"] if args.lang == "zh" else ["bleu", "chrf"]
    for metric in metrics:
        ci = result.get(f"{metric}_ci")
        interval = f"  95% CI [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""
        print(f"{metric:7s} {result[metric]:6.2f}{interval}")
    for key in ("rouge_signature", "bleu_signature", "chrf_signature"):
        if key in result:
            print(f"{key.split('_')[0]} signature: {result[key]}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        formatter_class=formatter,
        help="score outputs against references (ROUGE, BLEU, chrF)",
        description="Evaluation: score line-aligned files.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser(
        "score",
        formatter_class=formatter,
        help="score a file of outputs against one or more reference files",
        description=(
            "Score line-aligned hypothesis and reference files.\n"
            "  --lang en: BLEU (sacrebleu, 13a) and chrF\n"
            "  --lang zh: ROUGE-1/2/L F1 (0-100, character level unless --tokenize jieba) and BLEU (tokenize zh)\n"
            "Each score comes with a 95% bootstrap interval (fixed seed) and a signature."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} eval score --hyp system.en --ref ref.en --lang en\n"
            f"  {PROG} eval score --hyp summaries.zh --ref headlines.zh --lang zh --json | jq .rougeL\n"
            f"  cat system.en | {PROG} eval score --hyp - --ref ref.A.en --ref ref.B.en --lang en"
        ),
    )
    s.add_argument("--hyp", required=True, metavar="FILE|-", help="system outputs, one per line")
    s.add_argument("--ref", required=True, action="append", metavar="FILE", help="references (repeat for more)")
    s.add_argument("--lang", required=True, choices=["en", "zh"], help="language of the outputs")
    s.add_argument("--tokenize", choices=["char", "jieba"], default="char", help="ROUGE tokens for zh (default char)")
    s.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples (default 1000)")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--no-per-item", action="store_true", help="leave per-item scores out of the JSON")
    s.set_defaults(func=score_files)
