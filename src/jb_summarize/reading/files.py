"""Opening what a user brings: a PDF page, an edition of pages, or PDF-extracted text, as Articles."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..article import Article, load_text_article
from ..text import InputError, read_stdin
from .html import fetch_url, looks_like_html, read_html, url_stem
from .layout import LayoutParams
from .ocr import image_kind
from .pages import check_article, read_image_article, read_pdf_articles
from .pdf import count_pages, is_pdf

__all__ = ["file_head", "load_article", "load_articles", "pdf_source"]

_PAGE_SUFFIX = re.compile(r"^(?P<path>.+\.pdf)#(?P<page>\d+)$", re.IGNORECASE)
_URL = re.compile(r"^https?://", re.IGNORECASE)


def _is_special(path: Path) -> bool:
    """A device, a pipe or a socket (a link followed), which is never read as a file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def file_head(path: Path) -> bytes:
    """The first bytes of a file, enough to tell a PDF, a web page or an image (none for what is not a file:
    the text loader says why)."""
    try:
        with path.open("rb") as handle:
            return handle.read(2048)
    except OSError:
        return b""


def pdf_source(source: str | Path | bytes) -> tuple[Path | bytes, int | None] | None:
    """(the PDF, the page a ``file.pdf#N`` name asks for) when ``source`` is a PDF, else None."""
    if isinstance(source, bytes):
        return (source, None) if is_pdf(source) else None
    text = str(source)
    match = _PAGE_SUFFIX.match(text)
    if match and not Path(text).exists():
        return Path(match["path"]), int(match["page"])
    path = Path(text)
    if text == "-" or not path.is_file():
        return None
    return (path, None) if is_pdf(file_head(path)) else None


def load_articles(
    source: str | Path | bytes,
    pages: str | Sequence[int] | None = None,
    doc_id: str | None = None,
    params: LayoutParams | None = None,
) -> Iterator[Article]:
    """Every article a file holds, one at a time: one per page of a PDF (ids ``file.pdf#N``; ``pages`` such as
    ``"1-4,7"`` picks some), or the one article of a text file. A PDF page that cannot be read (only images,
    no Chinese, an unreadable text layer) gives an Article without sections whose ``notes`` say why."""
    pdf = pdf_source(source)
    if pdf is None:
        yield load_article(source, doc_id, params)
        return
    data, page = pdf
    if page is not None and pages is None:
        pages = [page]
    chosen = list(pages) if isinstance(pages, (list, tuple)) else pages
    yield from read_pdf_articles(data, chosen, doc_id=doc_id, params=params)


def load_article(source: str | Path | bytes, doc_id: str | None = None, params: LayoutParams | None = None) -> Article:
    """Read a newspaper page into an Article: a PDF page (``page.pdf``, one page; ``edition.pdf#3`` for one
    page of several; a scanned page is read by OCR), a page image (PNG, JPEG, TIFF, BMP: OCR), a saved web
    page (``page.html``) or a URL (``https://…``, fetched with a 10 s timeout),
    or a UTF-8 / UTF-16 / GB18030 / Big5 text file (or ``-`` for stdin, or the file's bytes). Text already in a
    string goes to ``parse_article``. A page that cannot be read raises InputError."""
    if not isinstance(source, (str, Path, bytes)) or str(source) == "":
        raise ValueError(
            f"load_article() takes a path, '-' for stdin, or bytes (got {source!r}); parse_article() takes text"
        )
    name = "<bytes>" if isinstance(source, bytes) else str(source)
    if isinstance(source, str) and _URL.match(source):
        data, kind = fetch_url(source)
        if is_pdf(data):
            return load_article(data, doc_id or url_stem(source), params)
        if "html" in kind or looks_like_html(data):
            return read_html(data, doc_id or url_stem(source), source)
        return load_text_article(data, doc_id or url_stem(source))
    if str(source) == "-" and not isinstance(source, bytes):
        source = read_stdin()  # a PDF, a web page or text, told apart by its first bytes
        doc_id, name = doc_id or "stdin", "<stdin>"
    elif not isinstance(source, bytes) and _is_special(Path(source)):  # /dev/zero would be read forever
        raise InputError(f"{source}: not a regular file (a device or a pipe?); use - for stdin")
    pdf = pdf_source(source)
    if pdf is None:
        head = source[:2048] if isinstance(source, bytes) else file_head(Path(source))
        if image_kind(head):  # a scan: read by OCR
            return read_image_article(source, doc_id, name=name, params=params)
        if looks_like_html(head):  # markup is never passed on as text
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            return read_html(data, doc_id or (Path(name).stem if not isinstance(source, bytes) else "page"), name)
        return load_text_article(source, doc_id)
    data, page = pdf
    name = "<bytes>" if isinstance(data, bytes) else str(data)
    if page is None:
        count = count_pages(data, name)
        if count != 1:
            raise InputError(
                f"{name}: a PDF of {count} pages; name one ({name}#1) or use load_articles() for every page"
            )
        page = 1
    return check_article(next(read_pdf_articles(data, [page], doc_id=doc_id, params=params)))
