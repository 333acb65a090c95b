"""PDF pages to Articles: each page read, checked, analysed, and turned into the Article model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..article import Article, Section
from ..text import InputError, is_cjk
from .layout import LayoutParams, PageLayout, analyse_page
from .page import Page
from .pdf import count_pages, parse_pages, read_pdf

__all__ = [
    "check_article",
    "layout_article",
    "page_problem",
    "read_pdf_articles",
    "read_pdf_layouts",
    "unread_reason",
]


def page_problem(page: Page) -> str | None:
    """Why a page gives no article (no text layer, only images, no Chinese), or None."""
    if page.notes and not page.lines:
        return page.notes[-1]
    if not page.lines:
        if page.images:
            return "the page holds only images: it needs OCR, which this version cannot do yet"
        return "the page has no text"
    if not any(is_cjk(c) for line in page.lines for c in line.text):
        return "the page has no Chinese text"
    return None


def layout_article(layout: PageLayout, doc_id: str) -> Article:
    """The Article for one analysed page: sections with their page and bounding box."""
    sections = tuple(
        Section(
            i,
            s.headline,
            tuple(s.paragraphs),
            f"{doc_id}:{i}",
            kicker=s.kicker,
            subtitle=s.subtitle,
            byline=s.byline,
            page=layout.page.number,
            bbox=s.box.rounded() if s.box else None,
        )
        for i, s in enumerate(layout.sections)
    )
    return Article(
        doc_id,
        layout.title,
        sections,
        tuple(layout.captions),
        tuple(layout.credits),
        page=layout.page.number,
        source=layout.page.source,
        page_size=(round(layout.page.width, 1), round(layout.page.height, 1)),
        furniture=tuple(layout.furniture),
        notes=tuple(layout.page.notes),
    )


def read_pdf_layouts(
    source: str | Path | bytes,
    pages: str | list[int] | None = None,
    *,
    name: str | None = None,
    params: LayoutParams | None = None,
) -> Iterator[tuple[Page, PageLayout | None, str | None]]:
    """(page, its layout or None, the problem that left it unread or None) for each page asked for."""
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    numbers = parse_pages(pages, count_pages(source, label)) if not isinstance(pages, list) else pages
    for page in read_pdf(source, numbers, name=label):
        problem = page_problem(page)
        yield page, (None if problem else analyse_page(page, params)), problem


def read_pdf_articles(
    source: str | Path | bytes,
    pages: str | list[int] | None = None,
    *,
    doc_id: str | None = None,
    params: LayoutParams | None = None,
) -> Iterator[Article]:
    """One Article per page (ids ``file.pdf#N``). A page that cannot be read gives an Article without sections
    whose ``notes`` say why."""
    base = doc_id or (Path(source).name if not isinstance(source, bytes) else "pdf")
    for page, layout, problem in read_pdf_layouts(source, pages, params=params):
        article_id = f"{base}#{page.number}"
        if layout is None:
            yield Article(article_id, None, (), page=page.number, source=page.source, notes=(problem or "",))
        else:
            yield layout_article(layout, article_id)


def unread_reason(article: Article) -> str:
    """Why a page gave an article without sections (the last note its reader made)."""
    return article.notes[-1] if article.notes else "no text found"


def check_article(article: Article) -> Article:
    """The article, or InputError when its page could not be read."""
    if not article.sections:
        reason = unread_reason(article)
        raise InputError(f"{article.source or article.id}: page {article.page}: {reason}")
    return article
