"""``jb-summarize run``: the main job on one article (the seed by default)."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from ..article import Article
from ..models import PROFILE
from ..pipeline import section_digest, summarize_article, summarize_whole_article
from ..records import RecordWriter, write_atomic
from ..report import page_view, run_html, run_markdown
from ..results import peak_rss_mb
from ..tasks import DEFAULT_TRANSLATOR, Summarizer, Translator, load_tasks
from ._common import (
    PROG,
    CLIError,
    add_model_arguments,
    add_pages_argument,
    add_summary_arguments,
    check_resume,
    formatter,
    model_options,
    read_articles,
)

DEFAULT_MODEL = DEFAULT_TRANSLATOR


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int) -> str:
    out = ""
    for char in text:
        if _width(out + char) > width - 1 and _width(text) > width:
            out += "…"
            break
        out += char
    return out + " " * max(0, width - _width(out))


def _load_tasks(args: argparse.Namespace) -> tuple[Summarizer, Translator | None]:
    """Summariser and translator; one model load when both are the same model."""
    summarizer, translator = load_tasks(
        args.summarizer or args.model,
        None if args.no_translate else (args.translator or args.model),
        summarizer_options={**model_options(args, "summarize"), "offline": args.offline},
        translator_options={
            **model_options(args, "translate"),
            "offline": args.offline,
            "glossary_files": args.glossary,
            "use_glossary": not args.no_glossary,
        },
    )
    assert summarizer is not None
    return summarizer, translator


def print_table(records: list[dict[str, Any]]) -> None:
    header = f"{'#':>2}  {_cell('headline (reference)', 28)}  {_cell('summary', 28)}  {'R-1':>5} {'R-2':>5} {'R-L':>5}"
    print(header)
    print("-" * _width(header))
    for r in records:
        s = r.get("rouge") or {}
        scores = " ".join(f"{s[k]:5.1f}" if k in s else "    -" for k in ("rouge1", "rouge2", "rougeL"))
        print(f"{r['index']:>2}  {_cell(r.get('headline') or '-', 28)}  {_cell(r['summary_zh'], 28)}  {scores}")
        if r.get("summary_en"):
            print(f"    {_cell(r.get('headline_en') or '-', 28)}  {_cell(r['summary_en'], 28)}")
    scored = [r["rouge"] for r in records if r.get("rouge")]
    if scored:
        means = " ".join(f"{sum(x[k] for x in scored) / len(scored):5.1f}" for k in ("rouge1", "rouge2", "rougeL"))
        print("-" * _width(header))
        print(f"{'':>2}  {_cell(f'mean over {len(scored)} sections', 58)}  {means}")


def _article_summary(
    article: Article, summarizer: Summarizer, translator: Translator | None, out_dir: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """The whole article in brief, written to OUTPUT_DIR/<article>.summary.json (kept by --resume)."""
    path = out_dir / f"{output_stem(article.id)}.summary.json"
    if args.resume and path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # unreadable: made again
    record = summarize_whole_article(article, summarizer, translator)
    write_atomic(path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    if not args.quiet:
        print(f"article in brief: {record['summary_zh']}", file=sys.stderr)
    return record


def output_stem(article_id: str) -> str:
    """The file name for an article's outputs: ``page.pdf#3`` -> ``page-p3`` (a '#' would break links)."""
    return re.sub(r"\.pdf#(\d+)$", r"-p\1", article_id, flags=re.IGNORECASE).replace("#", "-p")


def _page_view(article: Article, records: list[dict[str, Any]]) -> str | None:
    """The page image with its sections outlined, for an article read from a PDF page or a page image."""
    if article.page is None or article.source is None or article.page_size is None:
        return None
    from ..reading.render import page_data_uri

    try:
        return page_view(page_data_uri(article.source, article.page, article.page_size), article.page_size, records)
    except (OSError, ValueError) as exc:  # the page can no longer be rendered: the report goes on without it
        print(f"{PROG}: the report shows no page image ({exc})", file=sys.stderr)
        return None


def _run_article(
    article: Article,
    summarizer: Summarizer,
    translator: Translator | None,
    args: argparse.Namespace,
    start: float,
    load_seconds: float,
) -> tuple[list[dict[str, Any]], list[Path]]:
    """One article end to end: records (kept as they finish), the article in brief, Markdown and HTML reports."""
    out_dir = Path(args.output_dir)
    stem = output_stem(article.id)
    jsonl = out_dir / f"{stem}.jsonl"
    PROFILE.reset(keep_loads=True)  # each article's .meta.json has its own decode profile
    # with --resume finished sections are kept, and a record that is not one of this article's sections as they
    # are now (edited since, or another file's) is done again; with --overwrite (checked in run) the file starts
    # again
    now = {s.id: (s.index, s.headline, section_digest(s)) for s in article.sections}

    def stale(record: dict[str, Any]) -> bool:
        key = record.get("id")
        found = now.get(key) if isinstance(key, str) else None
        return found != (record.get("index"), record.get("headline"), record.get("source_sha256"))

    with RecordWriter(jsonl, resume=args.resume, overwrite=not args.resume, retry=stale) as writer:
        for record in summarize_article(
            article, summarizer, translator, translate_bodies=not args.no_bodies, skip_ids=writer.done
        ):
            writer.write(record)
            if not args.quiet:
                print(
                    f"[{time.perf_counter() - start:6.1f}s] {article.id} section {record['index']}: "
                    f"{record['summary_zh']}",
                    file=sys.stderr,
                )
        records = sorted(writer.records(), key=lambda r: r["index"])
    sections_done = time.perf_counter()
    brief = None if args.no_article_summary else _article_summary(article, summarizer, translator, out_dir, args)
    brief_seconds = time.perf_counter() - sections_done
    markdown = out_dir / f"{stem}.md"
    write_atomic(markdown, run_markdown(records, article.title, brief))
    report = out_dir / f"{stem}.html"
    texts = {s.id: s.body for s in article.sections}
    write_atomic(report, run_html(records, article.title, texts, brief, page=_page_view(article, records)))
    meta = {
        "task": "run",
        "article": article.id,
        "source": article.source,
        "page": article.page,
        "sections": len(article.sections),
        "summarizer": summarizer.name,
        "translator": translator.name if translator else None,
        "translate_bodies": not args.no_bodies,
        "settings": _settings(args),
        "load_seconds": round(load_seconds, 2),
        "article_summary_seconds": round(brief_seconds, 2) if brief else None,
        "seconds": round(time.perf_counter() - start, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "decode_profile": PROFILE.to_dict(),  # llama.cpp calls, tokens and fill per phase (models/profile.py)
    }
    write_atomic(out_dir / f"{stem}.meta.json", json.dumps(meta, indent=2) + "\n")
    return records, [jsonl, markdown, report]


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """What a run is run with: the models and every option that shapes a record."""
    translator = None if args.no_translate else (args.translator or args.model)
    options = {"summarize": model_options(args, "summarize"), "no_bodies": args.no_bodies}
    if translator is not None:
        options.update(translate=model_options(args, "translate"), glossary=args.glossary, no_glossary=args.no_glossary)
    for name in ("summarize", "translate"):
        if name in options:
            options[name].pop("batch_size", None)  # speed only
    return {"task": "run", "model": f"{args.summarizer or args.model} | {translator}", "options": options}


def _check_not_input(articles: list[Article], args: argparse.Namespace) -> None:
    """No output replaces the input itself (``run page.html --output-dir .`` would write its report there)."""
    for article in articles:
        source = Path(article.source) if article.source else None
        if source is None or not source.is_file():
            continue
        for suffix in (".jsonl", ".md", ".html", ".summary.json", ".meta.json"):
            target = Path(args.output_dir) / f"{output_stem(article.id)}{suffix}"
            if target.exists() and target.samefile(source):
                raise CLIError(f"{target} is the input: its outputs would replace it; choose another --output-dir")


def _check_overwrite(articles: list[Article], args: argparse.Namespace) -> None:
    """An earlier run's records are never replaced without --overwrite, or kept with --resume only when they
    were made with the same models and options (or --resume-anyway)."""
    if args.resume and args.overwrite:
        raise CLIError("--resume keeps an earlier run's records, --overwrite replaces them: choose one")
    if args.resume_anyway and not args.resume:
        raise CLIError("--resume-anyway goes with --resume")
    if args.resume:
        settings = _settings(args)
        for article in articles:
            meta = Path(args.output_dir) / f"{output_stem(article.id)}.meta.json"
            check_resume(meta, settings, args.resume_anyway)
    if args.resume or args.overwrite:
        return
    for article in articles:
        jsonl = Path(args.output_dir) / f"{output_stem(article.id)}.jsonl"
        if jsonl.exists():
            raise CLIError(
                f"{jsonl} exists: --overwrite to replace the earlier run, --resume to keep its finished sections"
            )


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    articles = read_articles(args.input, args.pages, quiet=args.quiet)
    if not any(article.sections for article in articles):
        raise CLIError("the input has no text to summarise")
    if Path(args.output_dir).exists() and not Path(args.output_dir).is_dir():
        raise CLIError(f"--output-dir {args.output_dir} is a file: name a folder (made if missing)")
    _check_not_input(articles, args)
    _check_overwrite(articles, args)
    Path(args.output_dir).mkdir(parents=True, exist_ok=True)
    PROFILE.reset()
    summarizer, translator = _load_tasks(args)
    loaded = time.perf_counter()
    written: list[Path] = []
    for article in articles:
        records, paths = _run_article(article, summarizer, translator, args, start, loaded - start)
        written += paths
        if len(articles) > 1:
            print(f"\n{article.id}: {article.title or ''}")
        print_table(records)
    print(
        f"\n{sum(len(a.sections) for a in articles)} sections in {round(time.perf_counter() - start, 2)} s "
        f"(model load {round(loaded - start, 2)} s), peak RSS {round(peak_rss_mb(), 1)} MB"
    )
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        formatter_class=formatter,
        help="the main job: summaries, English headlines and translations, scores (default: the seed)",
        description=(
            "For each section of an article: the editors' headline, a generated Chinese headline-style\n"
            "summary, both in English (and the body in English), and the character ROUGE of the summary\n"
            "against the headline; then the whole article in two or three sentences, in both languages.\n"
            "Sections go to the models in groups (the whole seed is one), and\n"
            "records are written to OUTPUT_DIR/<article>.jsonl as each group finishes, then Markdown and\n"
            "HTML reports; a summary table goes to the terminal.\n\n"
            f"The default model ({DEFAULT_MODEL}) runs on llama.cpp and is fetched on first use."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} run                                  # the seed, default model\n"
            f"  {PROG} run page.txt --model qwen2.5-coder-0.5b-instruct-q4_k_m --no-bodies\n"
            f"  {PROG} run page.pdf                         # a newspaper page: the report shows the page\n"
            f"  {PROG} run edition.pdf --pages 1-4          # one article (and report) per page\n"
            f"  {PROG} run --summarizer extractive --no-translate   # no weights needed\n"
            f"  {PROG} run --resume                         # go on after an interruption"
        ),
    )
    p.add_argument(
        "input",
        nargs="?",
        metavar="FILE|-",
        help="a newspaper page as a PDF (one article per page) or a text file, or - for stdin (default: the seed)",
    )
    add_pages_argument(p)
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"model for both tasks (default {DEFAULT_MODEL})")
    p.add_argument("--summarizer", help="summariser instead of --model (e.g. extractive, lead)")
    p.add_argument("--translator", help="translator instead of --model")
    p.add_argument("--no-translate", action="store_true", help="Chinese summaries and scores only")
    p.add_argument("--no-bodies", action="store_true", help="translate headlines and summaries, not the bodies")
    p.add_argument(
        "--no-article-summary",
        action="store_true",
        help="skip the summary of the whole article (two or three sentences, in OUTPUT_DIR/<article>.summary.json)",
    )
    add_summary_arguments(p)
    add_model_arguments(p)
    p.add_argument("--glossary", action="append", metavar="FILE", help="extra zh<TAB>en names (repeatable)")
    p.add_argument("--no-glossary", action="store_true", help="do not give the models a glossary")
    p.add_argument("--offline", action="store_true", help="never download: fail if the model is not here")
    p.add_argument("--output-dir", default="output", help="where the JSONL and Markdown go (default ./output)")
    p.add_argument(
        "--resume",
        action="store_true",
        help="keep finished sections of an earlier run (sections edited since are done again); refused when "
        "the models or options differ from that run's (its .meta.json)",
    )
    p.add_argument(
        "--resume-anyway",
        action="store_true",
        help="with --resume: keep the earlier records even though the models or options changed",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an earlier run's outputs in OUTPUT_DIR")
    p.set_defaults(func=run)
