"""PDF pages to Articles: each page read, checked, analysed, and turned into the Article model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..article import Article, Section
from ..text import InputError, is_cjk
from .layout import LayoutParams, PageLayout, analyse_page
from .ocr import OCRParams, ocr_image, read_image
from .page import Page
from .pdf import count_pages, parse_pages, read_pdf, render_page

__all__ = [
    "check_article",
    "layout_article",
    "page_problem",
    "read_image_article",
    "read_pdf_articles",
    "read_pdf_layouts",
    "unread_reason",
]


def page_problem(page: Page) -> str | None:
    """Why a page gives no article (no text layer, only images, no Chinese), or None."""
    if page.notes and not page.lines:
        return page.notes[-1]
    if not page.lines:
        return "the page has no text"
    if not any(is_cjk(c) for line in page.lines for c in line.text):
        return "the page has no Chinese text"
    return None


def _doubtful(section, threshold: float) -> tuple[tuple[str, float], ...] | None:
    """The section's lines that OCR read with less confidence than ``threshold``."""
    found = tuple(
        (line.text, line.confidence)
        for block in section.blocks
        for line in block.lines
        if line.confidence is not None and line.confidence < threshold
    )
    return found or None


def layout_article(layout: PageLayout, doc_id: str, low_confidence: float = OCRParams.low_confidence) -> Article:
    """The Article for one analysed page: sections with their page and bounding box (and, from OCR, the
    lines read with less confidence than ``low_confidence``)."""
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
            low_confidence=_doubtful(s, low_confidence),
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
    ocr: OCRParams | None = None,
) -> Iterator[tuple[Page, PageLayout | None, str | None]]:
    """(page, its layout or None, the problem that left it unread or None) for each page asked for. A page
    without a usable text layer (a scan, or fonts without a Unicode map) is read by OCR, and says so in its
    notes."""
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    numbers = parse_pages(pages, count_pages(source, label)) if not isinstance(pages, list) else pages
    for page in read_pdf(source, numbers, name=label):
        reason = _needs_ocr(page)
        if reason:
            page = _ocr_pdf_page(source, page, reason, ocr)
        problem = page_problem(page)
        yield page, (None if problem else analyse_page(page, params)), problem


def _needs_ocr(page: Page) -> str | None:
    """Why a PDF page is to be read by OCR: a scan (images, no text) or an unreadable text layer."""
    if page.lines:
        return None
    if page.notes and page.notes[-1].startswith("text layer unreadable"):
        return page.notes[-1].split(":")[0]
    return "the page has no text layer, only images" if page.images else None


def _ocr_pdf_page(source: str | Path | bytes, page: Page, reason: str, params: OCRParams | None) -> Page:
    """The page drawn at ``params.dpi`` and read by OCR; the PDF's page, with the reason, where OCR fails."""
    params = params or OCRParams()
    try:
        image = render_page(source, page.number, params.dpi)
        read = ocr_image(image, params.dpi, number=page.number, source=page.source, params=params)
    except InputError as exc:
        page.notes.append(f"{reason}, and OCR could not read it: {str(exc).split(': ', 1)[-1]}")
        return page
    if not read.lines:
        page.notes.append(f"{reason}, and OCR found no text in it")
        return page
    read.notes.insert(0, f"{reason}: read by OCR instead")
    return read


def read_image_layout(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    params: LayoutParams | None = None,
    ocr: OCRParams | None = None,
) -> tuple[Page, PageLayout | None, str | None]:
    """(page, its layout or None, the problem that left it unread or None) for a page image read by OCR;
    InputError for an image that cannot be read at all (corrupt, too small, blank)."""
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    page = read_image(source, name=label, params=ocr)
    problem = page_problem(page)
    return page, (None if problem else analyse_page(page, params)), problem


def read_image_article(
    source: str | Path | bytes,
    doc_id: str | None = None,
    *,
    name: str | None = None,
    params: LayoutParams | None = None,
    ocr: OCRParams | None = None,
) -> Article:
    """The Article of a page image (PNG, JPEG, TIFF, BMP) read by OCR; InputError when it cannot be read."""
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    _, layout, problem = read_image_layout(source, name=label, params=params, ocr=ocr)
    if layout is None:
        raise InputError(f"{label}: {problem}")
    stem = doc_id or (Path(label).name if not isinstance(source, bytes) else "image")
    return layout_article(layout, stem, (ocr or OCRParams()).low_confidence)


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
            notes = tuple(page.notes) if problem in page.notes else (*page.notes, problem or "")
            yield Article(article_id, None, (), page=page.number, source=page.source, notes=notes)
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
