"""Page readers: newspaper pages as published (PDF) into the one Article model.

    from jb_summarize import load_article, load_articles
    article = load_article("page.pdf")                  # a one-page PDF (or "edition.pdf#3")
    for article in load_articles("edition.pdf", pages="1-4"):
        print(article.id, article.title, [s.headline for s in article])

A reader gives ``Page`` objects (positioned text lines, rules, images: ``reading.page``); the layout analysis
(``reading.layout``) turns any such page into articles, whichever reader made it.
"""

from __future__ import annotations

from .files import file_head, load_article, load_articles, pdf_source
from .html import looks_like_html, read_html
from .layout import LayoutBlock, LayoutParams, PageLayout, analyse_page
from .lines import LineParams, chars_to_lines
from .page import Box, Char, Page, TextLine
from .pages import check_article, layout_article, page_problem, read_pdf_articles, read_pdf_layouts, unread_reason
from .pdf import count_pages, is_pdf, parse_pages, read_pdf, render_page

__all__ = [
    "Box",
    "Char",
    "LayoutBlock",
    "LayoutParams",
    "LineParams",
    "Page",
    "PageLayout",
    "TextLine",
    "analyse_page",
    "chars_to_lines",
    "check_article",
    "count_pages",
    "file_head",
    "is_pdf",
    "layout_article",
    "load_article",
    "load_articles",
    "looks_like_html",
    "page_problem",
    "parse_pages",
    "pdf_source",
    "read_html",
    "read_pdf",
    "read_pdf_articles",
    "read_pdf_layouts",
    "render_page",
    "unread_reason",
]
