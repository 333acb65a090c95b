"""Saved web pages (and URLs) into the Article model: the article's title, subheadings and paragraphs, never
the markup, the navigation or the footer.

The main text is found by trafilatura (Apache-2.0), which scores the page's blocks by text density and markup
(it keeps the paragraphs and the subheadings, ``<head>``, apart). Bytes are decoded by the library's own
UTF-8 / GB18030 / Big5 detection, not by the page's ``<meta charset>``, which saved Chinese pages often get
wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..article import Article, Section
from ..text import InputError, clean_line, decode_bytes, is_cjk

__all__ = ["fetch_url", "looks_like_html", "read_html"]

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
# A dateline or source line at the head or foot of a web article: 2022-05-19 10:20 来源：宁波日报 编辑：…
_META_LINE = re.compile(r"^(?:\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}|来源|作者|编辑|责任编辑|发布时间|时间)[^。！？]{0,60}$")
MIN_ARTICLE_CHARS = 20
FETCH_TIMEOUT = 10.0  # seconds: a site that does not answer is an error, not a hang


def looks_like_html(data: bytes) -> bool:
    """Bytes that open like an HTML document (a doctype, <html>, <head>, <body>, <meta> or <title>)."""
    return bool(_HTML_START.match(data[:2048].lstrip(b"\xef\xbb\xbf")))


def _parts(xml: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The title and the (kind, text) of each subheading ("head") and paragraph ("p") of trafilatura's XML."""
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    parts = []
    for node in root.iter("head", "p", "item"):
        text = clean_line(" ".join("".join(node.itertext()).split()), keep_word_spaces=True)
        if text:
            parts.append(("head" if node.tag == "head" else "p", text))
    return root.get("title"), parts


def read_html(data: bytes | str, doc_id: str = "page", name: str = "<html>") -> Article:
    """A saved web page as an Article: its title, the text before the first subheading as a section without a
    headline (or, with no subheadings, one section headed by the title), then one section per subheading."""
    import trafilatura

    text = decode_bytes(data, name) if isinstance(data, bytes) else data
    xml = trafilatura.extract(
        text,
        output_format="xml",
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
    )
    if not xml:
        raise InputError(f"{name}: no article text found in the page")
    title, parts = _parts(xml)
    if parts and title and parts[0] == ("head", clean_line(title, keep_word_spaces=True)):
        parts = parts[1:]  # the headline the page repeats as its <h1>
    notes = []
    while parts and parts[0][0] == "p" and _META_LINE.match(parts[0][1]):
        notes.append(parts.pop(0)[1])
    while parts and parts[-1][0] == "p" and _META_LINE.match(parts[-1][1]):
        notes.append(parts.pop()[1])
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    for kind, value in parts:
        if kind == "head":
            groups.append((value, []))
        else:
            groups[-1][1].append(value)
    if len(groups) == 1:
        groups = [(title, groups[0][1])]
    groups = [(head, paragraphs) for head, paragraphs in groups if paragraphs or head]
    body = "".join(p for _, paragraphs in groups for p in paragraphs)
    if len(body) < MIN_ARTICLE_CHARS:  # a menu or a link list is no article
        raise InputError(f"{name}: no article text found in the page")
    if not any(is_cjk(c) for c in body):
        raise InputError(f"{name}: the page's article has no Chinese text")
    sections = tuple(
        Section(i, head, tuple(paragraphs), f"{doc_id}:{i}") for i, (head, paragraphs) in enumerate(groups)
    )
    return Article(doc_id, title, sections, source=name, notes=tuple(f"left out: {n}" for n in notes))


def fetch_url(url: str, timeout: float | None = None) -> tuple[bytes, str]:
    """The bytes at ``url`` and their content type; one-line InputErrors for a site that cannot be reached,
    answers an error, or is too slow (``timeout`` seconds, default FETCH_TIMEOUT)."""
    import httpx

    timeout = FETCH_TIMEOUT if timeout is None else timeout
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True, headers={"User-Agent": "jb-summarize"})
    except httpx.TimeoutException as exc:
        raise InputError(f"{url}: no answer within {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: cannot be fetched ({type(exc).__name__}: {exc})") from exc
    if response.status_code >= 400:
        raise InputError(f"{url}: the site answered {response.status_code} {response.reason_phrase}")
    return response.content, response.headers.get("content-type", "")


def url_stem(url: str) -> str:
    """An id for a fetched page: its last path part, or its host."""
    path = url.split("?", 1)[0].rstrip("/")
    return Path(path).name or path.split("//", 1)[-1]


__all__ += ["url_stem"]
