"""Every output format in one place: the bilingual run report (HTML, Markdown), batch records as
TSV / Markdown / HTML (``render``), and an article's sections as JSONL / TSV / Markdown (``render_sections``)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .article import Article, LineRole
    from .reading import PageLayout

__all__ = [
    "FORMATS",
    "SECTION_FORMATS",
    "batch_html",
    "page_view",
    "render",
    "render_explanation",
    "render_layout_explanation",
    "render_sections",
    "run_html",
    "run_markdown",
]

FORMATS = ("jsonl", "tsv", "markdown", "html")
SECTION_FORMATS = ("jsonl", "tsv", "markdown")

_CSS = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5f6368; --line: #d9dce1; --accent: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
       system-ui, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 1rem; }
.section { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem;
           break-inside: avoid; page-break-inside: avoid; }
.section h2 { font-size: 1.15rem; margin: 0 0 0.25rem; }
.section .en { color: var(--muted); }
.pair { display: grid; grid-template-columns: 1fr; gap: 0.75rem; }
@media (min-width: 48rem) { .pair { grid-template-columns: 1fr 1fr; } }
.label { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.scores { font-variant-numeric: tabular-nums; margin: 0.5rem 0; }
.scores span { display: inline-block; border: 1px solid var(--line); border-radius: 4px;
               padding: 0 0.4rem; margin: 0 0.3rem 0.3rem 0; }
.flag { color: #b3261e; }
.page { margin: 0 0 1rem; } .page svg { width: 100%; max-width: 48rem; height: auto; border: 1px solid var(--line); }
.page figcaption { color: var(--muted); font-size: 0.85rem; }
details { margin-top: 0.5rem; } summary { cursor: pointer; color: var(--accent); }
details p { margin: 0.4rem 0; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid var(--line); padding: 0.4rem;
  vertical-align: top; text-align: left; }
@media print { main { max-width: none; padding: 0; } details { display: block; } details > * { display: block; }
  .section { border-color: #999; } a { color: inherit; } }
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text))


_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]#|~])")


def _md(value: Any) -> str:
    """Text for Markdown, shown and never rendered: HTML escaped, and Markdown's syntax characters too."""
    return _MARKDOWN_SYNTAX.sub(r"\\\1", html.escape("" if value is None else str(value), quote=False))


def _tsv_rows(out: io.StringIO, rows: Sequence[Sequence[Any]]) -> None:
    """Rows as TSV with ``csv`` quoting (a field holding a tab, a line break or a quote is quoted), as
    spreadsheets read it back."""
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([["" if v is None else v for v in row] for row in rows])


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body><main><h1>{_e(title)}</h1>\n{body}\n</main></body></html>\n"
    )


def _paragraphs(text: str | None, lang: str | None = None) -> str:
    attribute = f' lang="{lang}"' if lang else ""
    return "".join(f"<p{attribute}>{_e(p)}</p>" for p in (text or "").split("\n") if p.strip())


def run_html(
    records: Sequence[dict[str, Any]],
    title: str | None,
    texts: dict[str, str] | None = None,
    article_summary: dict[str, Any] | None = None,
    page: str | None = None,
) -> str:
    """The whole article's summary (where there is one); then per section: reference headline and generated
    summary in Chinese and English side by side, the scores, and (folded) the Chinese text and its English.
    ``page`` (from ``page_view``) shows the page itself first, each section outlined and numbered."""
    parts = [page] if page else []
    if article_summary:
        parts.append(
            '<section class="section" id="article"><h2>The article in brief</h2><div class="pair">'
            f'<div><div class="label">Chinese</div><p>{_e(article_summary.get("summary_zh"))}</p></div>'
            f'<div><div class="label">English</div><p class="en" lang="en">'
            f"{_e(article_summary.get('summary_en') or '')}</p></div></div></section>"
        )
    for r in records:
        scores = ""
        if r.get("rouge"):
            s = r["rouge"]
            scores = (
                '<div class="scores">'
                + "".join(
                    f"<span>{name} {s[key]:.1f}</span>"
                    for name, key in (("R-1", "rouge1"), ("R-2", "rouge2"), ("R-L", "rougeL"))
                )
                + f"<span>{_e(s.get('tokenize', 'char'))}</span></div>"
            )
        flags = f'<p class="flag">Flagged: {_e(", ".join(r["flagged"]))}</p>' if r.get("flagged") else ""
        body_zh = (texts or {}).get(r["id"], "")
        folded = ""
        if body_zh or r.get("body_en"):
            folded = (
                '<details><summary>Text</summary><div class="pair">'
                f'<div><div class="label">Chinese</div>{_paragraphs(body_zh)}</div>'
                f'<div><div class="label">English</div>{_paragraphs(r.get("body_en"), "en")}</div></div></details>'
            )
        parts.append(
            f'<section class="section" id="s{r["index"]}">'
            f"<h2>{r['index']}. {_e(r.get('headline') or '(no headline)')}</h2>"
            '<div class="pair">'
            f'<div><div class="label">Reference headline</div><p>{_e(r.get("headline") or "-")}</p>'
            f'<p class="en" lang="en">{_e(r.get("headline_en") or "")}</p></div>'
            f'<div><div class="label">Generated summary</div><p>{_e(r.get("summary_zh"))}</p>'
            f'<p class="en" lang="en">{_e(r.get("summary_en") or "")}</p></div>'
            f"</div>{scores}{flags}{folded}</section>"
        )
    return _page(title or "jb-summarize report", "\n".join(parts))


def run_markdown(
    records: Sequence[dict[str, Any]], title: str | None, article_summary: dict[str, Any] | None = None
) -> str:
    """The run report in Markdown; what the texts carry is shown, never rendered (HTML is escaped)."""
    lines = [f"# {_md(title or 'jb-summarize run')}", ""]
    if article_summary:
        lines += ["## The article in brief", "", f"- **Summary (zh):** {_md(article_summary['summary_zh'])}"]
        if "summary_en" in article_summary:
            lines += [f"- **Summary (en):** {_md(article_summary['summary_en'])}"]
        lines.append("")
    for r in records:
        lines += [f"## {r['index']}. {_md(r.get('headline') or '(no headline)')}", ""]
        if r.get("headline_en"):
            lines += [f"*{_md(r['headline_en'])}*", ""]
        lines += [f"- **Summary (zh):** {_md(r['summary_zh'])}"]
        if "summary_en" in r:
            lines += [f"- **Summary (en):** {_md(r['summary_en'])}"]
        if r.get("rouge"):
            scores = " / ".join(f"{r['rouge'][k]:.1f}" for k in ("rouge1", "rouge2", "rougeL"))
            lines += [f"- **ROUGE-1/2/L (char, vs headline):** {scores}"]
        if r.get("flagged"):
            lines += [f"- **Flagged:** {', '.join(r['flagged'])}"]
        if r.get("body_en"):
            lines += ["", _md(r["body_en"]).replace("\n", "\n\n")]
        lines.append("")
    return "\n".join(lines)


def batch_html(records: Sequence[dict[str, Any]], output_key: str, title: str) -> str:
    """A table of id, input and output for summarize/translate batches."""
    rows = "".join(
        f"<tr><td>{_e(r['id'])}</td><td>{_paragraphs(r.get('text'))}</td><td>{_paragraphs(r.get(output_key))}</td></tr>"
        for r in records
    )
    head = f"<thead><tr><th>id</th><th>input</th><th>{_e(output_key)}</th></tr></thead>"
    table = f"<table>{head}<tbody>{rows}</tbody></table>"
    return _page(title, table)


def render(records: Sequence[dict[str, Any]], fmt: str, *, key: str, title: str = "jb-summarize") -> str:
    """Batch records as ``fmt``: jsonl (every field), tsv (id and ``key``), markdown (a heading per id),
    html (a table of id, input text and ``key``)."""
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "html":
        return batch_html(records, key, title)
    if fmt == "markdown":  # what the texts and ids carry is shown, never rendered: HTML is escaped
        return "".join(f"## {_md(' '.join(str(r['id']).split()))}\n\n{_md(r[key])}\n\n" for r in records)
    if fmt == "tsv":  # one row per record, whatever the text holds: csv quoting
        out = io.StringIO()
        _tsv_rows(out, [["id", key], *([r["id"], r[key]] for r in records)])
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def render_sections(articles: Article | Sequence[Article], fmt: str) -> str:
    """Articles' sections as jsonl (one object per section), tsv or markdown (with captions and credits)."""
    articles = [articles] if not isinstance(articles, Sequence) else list(articles)
    out = io.StringIO()
    if fmt == "jsonl":
        for article in articles:
            for record in article.to_records():
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            for i, (headline, href) in enumerate(article.links):  # an index page: its articles, no text
                link = {"id": f"{article.id}@{i}", "index": i, "headline": headline, "href": href, "kind": "link"}
                out.write(json.dumps(link, ensure_ascii=False) + "\n")
    elif fmt == "tsv":
        rows = [[s.id, s.headline or "", s.n_chars, s.body.replace("\n", "\\n")] for a in articles for s in a.sections]
        rows += [
            [f"{a.id}@{i}", headline, 0, f"link: {href}"]
            for a in articles
            for i, (headline, href) in enumerate(a.links)
        ]
        _tsv_rows(out, [["id", "headline", "n_chars", "text"], *rows])
    elif fmt == "markdown":
        for article in articles:
            if article.title or len(articles) > 1:
                out.write(f"# {_md(article.title or article.id)}\n\n")
            if article.links:
                out.write(f"An index of {len(article.links)} articles, not an article; the pages it links to:\n\n")
                out.write("".join(f"- {_md(headline)} ({_md(href)})\n" for headline, href in article.links) + "\n")
            for s in article.sections:
                out.write(f"## {s.index}. {_md(s.headline or '(no headline)')}\n\n")
                out.write("\n\n".join(_md(p) for p in s.paragraphs) + "\n\n")
            for label, items in (("Captions", article.captions), ("Credits", article.credits)):
                if items:
                    out.write(f"**{label}:** " + "; ".join(_md(i) for i in items) + "\n\n")
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(SECTION_FORMATS)})")
    return out.getvalue()


def render_layout_explanation(layouts: Sequence[PageLayout]) -> str:
    """One row per block of each PDF page, top to bottom: page, role, section, the cue, its box and its text."""
    rows = []
    for layout in layouts:
        rows.append(
            f"# page {layout.page.number}: {layout.kind} page, body size {layout.body_size:g} pt, "
            f"title {layout.title or '-'}"
        )
        for b in sorted(layout.blocks, key=lambda b: (b.box.top, b.box.x0)):
            box = ",".join(f"{v:.0f}" for v in b.box.rounded())
            section = "" if b.section is None else str(b.section)
            text = b.text.replace("\n", " ")
            rows.append(f"{layout.page.number:>3}  {b.role:<10} {section:>3}  {b.cue[:60]:<60} [{box}] | {text[:60]}")
    return "\n".join(rows) + "\n"


def page_view(image_uri: str, size: tuple[float, float], records: Sequence[dict[str, Any]]) -> str:
    """The page as an image with each section outlined and numbered (SVG over the page, in PDF points)."""
    width, height = size
    marks = []
    for r in records:
        if not r.get("bbox"):
            continue
        x0, top, x1, bottom = r["bbox"]
        marks.append(
            f'<a href="#s{r["index"]}"><rect x="{x0:.1f}" y="{top:.1f}" '
            f'width="{x1 - x0:.1f}" height="{bottom - top:.1f}" '
            'fill="rgba(11,87,208,0.08)" stroke="#0b57d0" stroke-width="2"/>'
            f'<circle cx="{x0 + 10:.1f}" cy="{top + 10:.1f}" r="10" fill="#0b57d0"/>'
            f'<text x="{x0 + 10:.1f}" y="{top + 14:.1f}" font-size="12" text-anchor="middle" fill="#fff">'
            f"{r['index']}</text></a>"
        )
    return (
        f'<figure class="page"><svg viewBox="0 0 {width:.1f} {height:.1f}" role="img" '
        f'aria-label="the page, each section outlined and numbered">'
        f'<image href="{image_uri}" x="0" y="0" width="{width:.1f}" height="{height:.1f}"/>'
        + "".join(marks)
        + "</svg><figcaption>The page as read: each outlined block is the section of that number.</figcaption>"
        "</figure>"
    )


def render_explanation(roles: Sequence[LineRole]) -> str:
    """One row per input line: number, role, the cue that decided it, and the line."""
    rows = []
    for r in roles:
        text = r.text.rstrip()
        rows.append(f"{r.line:>5}  {r.role:<8} {r.cue[:70]:<70} | {text}" if r.role != "blank" else f"{r.line:>5}")
    return "\n".join(rows) + "\n"
