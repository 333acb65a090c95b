"""Shared pieces of the command line: errors, help formatting, reading articles."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..article import Article, load_seed_article, seed_text
from ..models import resolve_device
from ..reading import load_article, load_articles, pdf_source, unread_reason
from ..tasks import Task, load_task
from ..tasks.summarize import STYLES as SUMMARY_STYLES
from ..tasks.translate import CONTEXTS, QUALITY, UNITS
from ..text import decode_bytes, read_stdin

PROG = "jb-summarize"


class CLIError(Exception):
    """A user error: printed as one line, exit code 2."""


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}")
    return value


def add_batch_size_argument(parser: argparse.ArgumentParser) -> None:
    """``--batch-size N``: inputs the model decodes at once (None: the backend's default)."""
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        metavar="N",
        help="inputs decoded at once (default: the backend's, 32 on llama.cpp, 8 otherwise)",
    )


def formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def read_article(source: str | None) -> Article:
    """The seed when ``source`` is None, stdin for '-', else a file."""
    if source is None:
        return load_seed_article()
    with reading(source):
        return load_article(source)


def pdf_input(source: str | None) -> tuple[Path, str | None] | None:
    """(the file, the page its ``#N`` names) when ``source`` is a PDF file (``page.pdf``, ``edition.pdf#3``)."""
    found = pdf_source(source) if source is not None else None
    if found is None or not isinstance(found[0], Path):
        return None
    path, page = found
    return path, (str(page) if page is not None else None)


def image_input(source: str | None) -> Path | None:
    """The file when ``source`` is a page image (PNG, JPEG, TIFF, BMP), read by OCR."""
    from ..reading import file_head
    from ..reading.ocr import image_kind

    if source is None or source == "-" or not Path(source).is_file():
        return None
    return Path(source) if image_kind(file_head(Path(source))) else None


def add_pages_argument(parser: argparse.ArgumentParser) -> None:
    """``--pages 1-4,7``: the pages of a PDF to read."""
    parser.add_argument(
        "--pages", metavar="LIST", help="for a PDF of several pages: the pages to read, e.g. 1-4,7 (default: all)"
    )


def read_articles(
    source: str | None, pages: str | None = None, quiet: bool = False, indexes: bool = False
) -> list[Article]:
    """The articles of ``source``: the seed when None, one per page of a PDF (a page that cannot be read is
    reported on stderr and left out; none readable is an error), else the one article of a text file. A web
    page that indexes articles (``Article.links``) is kept with ``indexes``, else left out with its reason."""
    if source is None:
        if pages:
            raise CLIError("--pages is for a PDF input")
        return [load_seed_article()]
    with reading(source):
        articles = []
        skipped = []
        found = load_articles(source, pages)
        pdf = pdf_input(source)
        if pdf is not None and progress_enabled(quiet):  # a long edition: one page at a time, with a bar
            from tqdm import tqdm

            from ..reading import count_pages, parse_pages

            total = len(parse_pages(pages or pdf[1], count_pages(pdf[0], str(pdf[0]))))
            found = tqdm(found, total=total, unit="page", desc="reading", leave=False)
        for article in found:
            if article.sections or (indexes and article.links):
                articles.append(article)
                continue
            where = f"page {article.page}: " if article.page is not None else ""
            reason = unread_reason(article)
            skipped.append(f"{where}{reason}")
            if not quiet:
                print(f"{PROG}: skipped {source} {where}{reason}", file=sys.stderr)
    if not articles:
        raise CLIError(f"{source}: nothing to read ({'; '.join(skipped) or 'no text'})")
    return articles


def read_text(source: str | None) -> str:
    """The text of the seed when ``source`` is None, of stdin for '-', else of a file (UTF-8, UTF-16 or GB18030)."""
    if source is None:
        return seed_text()
    if source == "-":
        return decode_bytes(read_stdin(), "<stdin>")
    with reading(source):
        return decode_bytes(Path(source).read_bytes(), source)


@contextlib.contextmanager
def reading(source: str) -> Iterator[None]:
    """File errors as one-line CLI errors."""
    try:
        yield
    except FileNotFoundError as exc:
        raise CLIError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise CLIError(f"{source}: is a directory, expected a text file") from exc
    except PermissionError as exc:
        raise CLIError(f"{source}: permission denied") from exc


def progress_enabled(quiet: bool) -> bool:
    """Progress bars only on an interactive stderr, and never with --quiet."""
    return not quiet and sys.stderr.isatty()


def add_model_arguments(parser: argparse.ArgumentParser, *, translation: bool = True) -> None:
    """The options of every command that runs a model: --batch-size, --device, --to-simplified, and for translation
    --unit, --no-rewrite-amounts, --allow-chinese and --no-names."""
    add_batch_size_argument(parser)
    parser.add_argument(
        "--device",
        help="as in transformers: cpu or -1 (default), cuda, cuda:N or N (GPU N), mps, "
        "auto (a GPU when torch sees one)",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="an OpenAI-compatible server for --model openai:NAME, e.g. http://host:8000/v1 (default: "
        "$JB_SUMMARIZE_BASE_URL or $OPENAI_BASE_URL); the API key comes from $JB_SUMMARIZE_API_KEY or "
        "$OPENAI_API_KEY",
    )
    parser.add_argument(
        "--examples",
        type=int,
        metavar="N",
        help="put the N bundled worked examples most similar to each input in the prompt (chat models)",
    )
    parser.add_argument(
        "--to-simplified",
        action="store_true",
        help="convert Traditional Chinese input to Simplified (OpenCC t2s) before the model sees it",
    )
    if translation:
        parser.add_argument(
            "--unit",
            choices=UNITS,
            default="sentence",
            help="translate sentence by sentence (default) or a paragraph per model call",
        )
        parser.add_argument(
            "--no-rewrite-amounts", action="store_true", help="leave 178亿元 as it is (default: 17.8 billion yuan)"
        )
        parser.add_argument(
            "--allow-chinese", action="store_true", help="let translations contain Chinese tokens (default: never)"
        )
        parser.add_argument(
            "--no-names",
            action="store_true",
            help="do not look up place, person and organisation names (default: hints in the prompt, checked)",
        )
        parser.add_argument(
            "--consistent-names",
            action="store_true",
            help="translate the quoted terms and place names of each input set once, and give every sentence "
            "the same English for them",
        )
        parser.add_argument(
            "--as-headlines",
            action="store_true",
            help="the inputs are headlines: write them as English news headlines rather than word-for-word glosses",
        )
        parser.add_argument(
            "--context",
            choices=CONTEXTS,
            default="none",
            help="document context: previous shows each sentence's prompt the source sentence before it; "
            "previous-pair gives that sentence and its English (a first pass) as an earlier chat turn",
        )
        parser.add_argument(
            "--quality",
            choices=list(QUALITY),
            default="fast",
            help="best: 4 candidates per sentence (greedy and 3 samples), the one they agree on kept (~3x slower)",
        )


def add_summary_arguments(parser: argparse.ArgumentParser) -> None:
    """--style and --max-chars, for the commands that write summaries."""
    parser.add_argument(
        "--style",
        choices=list(SUMMARY_STYLES),
        default="headline",
        help="headline: one headline-style line (default); summary: two or three sentences that keep the figures",
    )
    parser.add_argument(
        "--max-chars",
        type=positive_int,
        help="summary length budget in characters (default: 30 for a headline, 120 for a summary)",
    )


def model_options(args: argparse.Namespace, task: str) -> dict[str, Any]:
    """The loader options that ``add_model_arguments`` collected, for ``task``."""
    device = resolve_device(args.device) if args.device is not None else None  # a bad one: exit 2 at once
    options: dict[str, Any] = {"batch_size": args.batch_size, "device": device}
    if args.to_simplified:
        options["to_simplified"] = True
    if args.base_url:
        options["base_url"] = args.base_url
    if args.examples is not None:
        options["examples"] = args.examples
    if task == "summarize" and "style" in args:
        options.update(style=args.style, max_chars=args.max_chars)
    if task == "translate":
        options.update(
            unit=args.unit,
            rewrite_amounts=not args.no_rewrite_amounts,
            forbid_chinese=False if args.allow_chinese else None,
            names=not args.no_names,
            quality=args.quality,
            consistent_names=args.consistent_names,
            context=args.context,
            style="headline" if args.as_headlines else "text",
        )
    return options


def task_from_args(task: str, args: argparse.Namespace) -> Task:
    """The task a command's --model, --offline, the model options, and --max-chars (summaries) or --glossary
    and --no-glossary (translations) ask for."""
    options = {**model_options(args, task), "offline": args.offline}
    if task == "summarize":
        return load_task(task, args.model, **options)
    return load_task(task, args.model, glossary_files=args.glossary, use_glossary=not args.no_glossary, **options)


def check_resume(
    meta_path: Path, settings: dict[str, Any], anyway: bool, fingerprint: dict[str, Any] | None = None
) -> None:
    """--resume goes on only with the task, model and options (and, given its ``fingerprint``, the input) that
    the output was made from, as its .meta.json says, or with --resume-anyway."""
    try:
        before = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        raise CLIError(f"{meta_path}: cannot be read ({exc}); --resume-anyway to go on without the check") from exc
    differ = []
    if before.get("task", settings["task"]) != settings["task"]:
        differ.append(f"task {before.get('task')!r}, now {settings['task']!r}")
    old_settings = before.get("settings")
    if old_settings is not None and old_settings.get("model") != settings["model"]:
        differ.append(f"model {old_settings.get('model')!r}, now {settings['model']!r}")
    options = json.loads(json.dumps(settings["options"]))  # as the meta holds them (tuples as lists)
    if old_settings is not None and old_settings.get("options") != options:
        old_options = old_settings.get("options") or {}
        changed = sorted(key for key in set(old_options) | set(options) if old_options.get(key) != options.get(key))
        differ.append(f"options {', '.join(changed)}")
    old_input = before.get("fingerprint")
    if fingerprint is not None and old_input is not None and old_input.get("sha256") != fingerprint["sha256"]:
        differ.append(
            f"input ({old_input.get('records')} records sha256 {str(old_input.get('sha256'))[:12]}, now "
            f"{fingerprint['records']} sha256 {fingerprint['sha256'][:12]})"
        )
    if differ and not anyway:
        raise CLIError(
            f"--resume: {meta_path.name[: -len('.meta.json')]} was made with another {'; '.join(differ)}: "
            "--resume-anyway to keep its records, --overwrite to start again"
        )
