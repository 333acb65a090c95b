"""Saved web pages (and URLs) into the Article model: the article's title, subheadings and paragraphs, never
the markup, the navigation or the footer.

The page is cut into text blocks (a ``<p>``, a ``<div>``'s own text, lines between ``<br>``s), each with the
share of its text inside links. A block is *body-like* when it holds 20 characters or more outside links and a
sentence mark (，。！？；). The article is the element whose body-like text, less all its other text (menus,
link lists, share buttons, date lines, comments), is largest: a sidebar or a footer only adds other text, so the
element that holds just the article wins, whatever its class is called. The page's own article markup
(``itemprop="articleBody"``, ``<article>``) is taken first where it holds the article. Inside it, ``<h2>``-``<h6>``
and wholly bold short lines are subheadings, link lists are left out, and date, source, editor and share lines
at its head and foot go to ``notes``. trafilatura (Apache-2.0) reads a page where no such element is found.
The title is the heading the page's ``<title>`` agrees with (``标题_宁波新闻_中国宁波网`` gives ``标题``).
A page whose text is a list of links that read like headlines (an e-paper's page index) is no article: its
Article has no sections and lists them in ``links``. A page over MAX_PAGE_CHARS is cut there, with a note.
Bytes are decoded by the library's own UTF-8 / GB18030 / Big5 detection, not by the page's ``<meta charset>``,
which saved Chinese pages often get wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..article import Article, Section
from ..text import InputError, char_bigrams, clean_line, decode_bytes, is_cjk

__all__ = ["fetch_url", "looks_like_html", "read_html"]

# A document (an XHTML one opens with <?xml …?>), or a fragment saved from one (<div class="rm_txt_con">…)
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|link|script|style|"
    rb"div|p|table|article|section|main|span|font|center|h[1-6]|ul|br)\b",
    re.I | re.S,
)
# A dateline, source, editor or share line at the head or foot of a web article: 2022-05-19 10:20 来源：宁波日报
_META_LINE = re.compile(
    r"^[（(【\[]?\s*(?:\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}|来源|作者|编辑|责编|责任编辑|发布时间|发布日期|时间|记者|"
    r"通讯员|原创|分享到|纠错|字号|字体|打印|关闭|扫一扫|阅读原文|点击|更多|上一篇|下一篇)[^。！？]{0,60}$"
)
_SENTENCE_MARK = re.compile("[，。！？；,!?;]")
# A subheading holds no sentence (a question or an exclamation may head a section), and is no interview's question
_NOT_HEADING = re.compile("[。；;…]|[，、：,:]$|^(?:记者|本报记者|问|答|主持人)\\s*[:：]")
# <title> parts: 标题_宁波新闻_中国宁波网, 标题--浙江频道--人民网, 宁波日报数字报-标题, 标题 | 甬上
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|——|—|-|\s·\s)\s*")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "nav",
    "select",
    "button",
    "textarea",
    "svg",
    "canvas",
    "template",
    "object",
    "embed",
    "map",
    "head",
)
_ASIDE_NAME = re.compile(
    r"comment|disqus|reply|replies|related|sidebar|footer|share|social|breadcrumb|crumb|pagination|pager|"
    r"recommend|pinglun|xgxw|xgyd|tuijian"
)
_SENTENCE_END = re.compile("[。！？!?][”’」』）)》\"']*$")
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
MIN_ARTICLE_CHARS = 20
MAX_PAGE_CHARS = 2_000_000  # a longer page (10 MB of inlined scripts, a table of 100,000 rows) is cut here
_INLINED_DATA = re.compile(r"data:[^\"'()\s>]{256,}")  # an image inlined as base64
MIN_INDEX_LINKS = 3  # an index lists three articles or more
_PAGE_NAME = re.compile(r"^第?\s*[A-Z]?\d+\s*版")  # 第A1版：要闻, a link to another page of the paper
BODY_LIKE_CHARS = 20  # a block of this many characters outside links, with a sentence mark, reads like body text
MAX_HEADING_CHARS = 40
MAX_CAPTION_CHARS = 60  # a short text beside a photo, in its <figure> or its wrapper, is the photo's caption
OTHER_BLOCK_COST = 10  # each block of other text (a name, a time, a 回复 link) costs a line's worth more
FETCH_TIMEOUT = 10.0  # seconds: a site that does not answer is an error, not a hang


def looks_like_html(data: bytes) -> bool:
    """Bytes that open like an HTML document (a doctype, <html>, <head>, <body>, <meta>, <title>, maybe after
    an XML declaration) or a fragment of one (<div>, <p>, <table>, <article>, …)."""
    return bool(_HTML_START.match(data[:2048].lstrip(b"\xef\xbb\xbf")))


@dataclass
class _Block:
    """A run of text between block boundaries: where it sits, and how much of it is links or bold."""

    text: str
    home: object  # the nearest block element holding it
    link_chars: int
    bold_chars: int
    heading: bool  # inside <h2>-<h6>
    title_tag: bool  # inside <h1>
    beside_image: bool = False  # in <figcaption>, or in an element that holds an <img>

    @property
    def body_like(self) -> bool:
        own = len(self.text) - self.link_chars
        return (
            own >= BODY_LIKE_CHARS and self.link_chars * 4 < len(self.text) and bool(_SENTENCE_MARK.search(self.text))
        )

    @property
    def is_caption(self) -> bool:
        return self.beside_image and len(self.text) <= MAX_CAPTION_CHARS and not self.link_chars

    @property
    def is_heading(self) -> bool:
        short = len(self.text) <= MAX_HEADING_CHARS and not _NOT_HEADING.search(self.text)
        return short and not self.link_chars and (self.heading or self.bold_chars >= len(self.text))


def _norm(text: str) -> str:
    return clean_line(" ".join(text.split()), keep_word_spaces=True)


def _blocks(root) -> list[_Block]:
    """The text blocks of a parsed page, in reading order, without scripts, styles, menus or comments."""
    from lxml import etree

    blocks: list[_Block] = []
    parts: list[tuple[str, bool, bool]] = []  # text, in a link, bold
    homes: list[object] = [root]
    images: dict[object, bool] = {}
    state = {"a": 0, "b": 0, "h": 0, "h1": 0}

    def add(text: str | None) -> None:
        if text:
            parts.append((text, state["a"] > 0, state["b"] > 0))

    def flush() -> None:
        if not parts:
            return
        text = _norm("".join(t for t, _, _ in parts))
        if text:
            link = sum(len(_norm(t)) for t, a, _ in parts if a)
            bold = sum(len(_norm(t)) for t, _, b in parts if b)
            home = homes[-1]
            if home not in images:
                images[home] = home.tag in ("figcaption", "figure") or (  # or a photo's wrapper, not a column
                    home.find(".//img") is not None and len(home.text_content()) <= 2 * MAX_CAPTION_CHARS
                )
            blocks.append(
                _Block(
                    text,
                    home,
                    min(link, len(text)),
                    min(bold, len(text)),
                    state["h"] > 0,
                    state["h1"] > 0,
                    images[home],
                )
            )
        parts.clear()

    counters = {"a": "a", "strong": "b", "b": "b", "h1": "h1", **{t: "h" for t in _HEADING_TAGS}}
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if event == "start":
            if block or tag == "br":
                flush()
            if block:
                homes.append(el)
            if tag in counters:
                state[counters[tag]] += 1
            if tag:
                add(el.text)
            continue
        if tag in counters:
            if block:
                flush()
            state[counters[tag]] -= 1
        if block:
            flush()
            homes.pop()
        add(el.tail)
    flush()
    return blocks


def _tidy(root) -> None:
    """Drop what is never text: scripts, styles, menus, forms' widgets, comments."""
    from lxml import etree

    for el in list(root.iter(*_DROPPED_TAGS, etree.Comment, etree.ProcessingInstruction)):
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        previous = el.getprevious()
        parent.remove(el)
        if tail:  # the text after a dropped element stays
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


def _names(el) -> str:
    """An element's class and id, lower-cased: what its name says it holds."""
    return f"{el.get('class', '')} {el.get('id', '')}".lower()


def _aside(el, cache: dict) -> bool:
    """In an element whose class or id says it is no article text (comments, related links, a sidebar, a
    footer, share buttons: the names Readability knows, and their pinyin)."""
    if el is None:
        return False
    if el not in cache:
        cache[el] = bool(_ASIDE_NAME.search(_names(el))) or _aside(el.getparent(), cache)
    return cache[el]


def _container(blocks: list[_Block]):
    """The element whose body-like text less its other text is largest, and its blocks."""
    gain: dict[object, int] = {}
    linked: set[object] = set()
    count: dict[object, int] = {}
    cache: dict = {}
    for b in blocks:
        if _aside(b.home, cache):
            weight = -len(b.text) - OTHER_BLOCK_COST
        elif b.body_like:
            weight = len(b.text)
        elif b.is_heading or (_SENTENCE_END.search(b.text) and b.link_chars * 2 < len(b.text)):
            weight = 0  # a subheading, a short sentence: neither for nor against
        else:
            weight = -len(b.text) - OTHER_BLOCK_COST
        el = b.home
        while el is not None:
            gain[el] = gain.get(el, 0) + weight
            count[el] = count.get(el, 0) + 1
            if b.link_chars:
                linked.add(el)
            el = el.getparent()
    if not gain:
        return None, []
    best = max(gain, key=lambda el: gain[el])
    marked = [el for el in gain if _marked_article(el) and gain[el] * 2 > gain[best]]
    best = max(marked, key=lambda el: gain[el]) if marked else best
    inside = []
    for b in blocks:
        path = [b.home, *b.home.iterancestors()]
        if not any(el is best for el in path):
            continue
        below = path[: path.index(best)]  # not in comments or related links inside it, nor in a part of it
        names = " ".join(_names(el) for el in below)  # that holds links and
        if not _ASIDE_NAME.search(names) and not any(gain[el] < 0 and el in linked and count[el] > 1 for el in below):
            inside.append(b)  # more other text than article text (recommended stories, 上一页 1 2 3)
    return best, inside


def _marked_article(el) -> bool:
    """The page's own article markup: itemprop="articleBody", or an <article>."""
    return el.get("itemprop", "").lower() == "articlebody" or el.tag == "article"


def _title(root, title_tag: str | None) -> str | None:
    """The page's headline: the heading its <title> agrees with, or without a <title> the first heading; None
    when there is a <title> that no heading agrees with (``_title_part`` then picks a part of it)."""
    candidates = []
    for el in root.iter("h1", "h2", "h3"):
        candidates.append(_norm(el.text_content()))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if "title" in _names(el):
            candidates.append(_norm(el.text_content()))
    for el in root.iter("meta"):
        if el.get("property", "").lower() == "og:title" or el.get("name", "").lower() in ("articletitle", "title"):
            candidates.append(_norm(el.get("content", "")))
    candidates = [c for c in candidates if 4 <= len(c) <= 80]
    if title_tag:
        whole = _norm(title_tag)
        bare = whole.replace(" ", "")
        agreed = [c for c in candidates if c.replace(" ", "") in bare]
        if agreed:
            return max(agreed, key=len)
        return None
    return candidates[0] if candidates else None


def _title_part(title_tag: str, blocks: list[_Block], inside: list[_Block]) -> str | None:
    """The part of a <title> (标题_政务动态_浙江省人民政府门户网站) that the page prints as a line of its own
    before its article's text (the nearest such), else the part the article's words share most."""
    parts = [p for p in _TITLE_SEPARATORS.split(_norm(title_tag)) if p]
    first = blocks.index(inside[0]) if inside else len(blocks)
    alone = [b.text for b in blocks[: first + 1] if b.text in parts]
    if alone:
        return alone[-1]
    words = char_bigrams("".join(b.text for b in inside))

    def shared(part: str) -> float:
        grams = char_bigrams(part)
        return len(grams & words) / len(grams) if grams else 0.0

    return max(parts, key=shared) if parts else None  # the first of equals


def _parse(text: str, name: str):
    """The page's element tree."""
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its own encoding
    try:
        return lxml.html.document_fromstring(text)
    except (ValueError, etree.ParserError) as exc:
        raise InputError(f"{name}: not a readable HTML page ({exc})") from exc


def _from_markup(inside: list[_Block], title: str | None) -> tuple[str | None, list[tuple[str, str]], list[str]] | None:
    """The title, (kind, text) parts and left-out lines of the page's article element's blocks (None without any
    text that reads like an article's)."""
    if not any(b.body_like for b in inside):
        return None
    parts: list[tuple[str, str]] = []
    for b in inside:
        if b.title_tag or (title and b.text.replace(" ", "") == title.replace(" ", "")):
            continue  # the headline the page repeats
        if len(b.text) > 2 and b.link_chars * 2 > len(b.text):
            continue  # a link list inside the article: related stories, 上一篇
        parts.append(("caption" if b.is_caption else "head" if b.is_heading else "p", b.text))
    return title, parts, _take_edges(parts, _edge_line)


def _article_links(root) -> tuple[tuple[tuple[str, str], ...], object]:
    """The longest list of links that read like headlines (an e-paper page's articles): (headline, href) of
    each, and the element that holds them (the nearest holding three of them or more, however each item is
    wrapped)."""
    found = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        text = _norm(a.text_content())
        if not href or href.startswith(("#", "javascript:")) or not 4 <= len(text) <= 60:
            continue
        if any(is_cjk(c) for c in text) and not _NOT_HEADING.search(text) and not _PAGE_NAME.match(text):
            found.append((a, href, text))
    under: dict[object, int] = {}
    for a, _, _ in found:
        for el in a.iterancestors():
            under[el] = under.get(el, 0) + 1
    groups: dict[object, dict[str, str]] = {}
    for a, href, text in found:
        box = next((el for el in a.iterancestors() if under[el] >= MIN_INDEX_LINKS), None)
        if box is not None:
            groups.setdefault(box, {}).setdefault(href, text)
    box = max(groups, key=lambda el: sum(map(len, groups[el].values())), default=None)
    if box is None or len(groups[box]) < MIN_INDEX_LINKS:
        return (), root
    return tuple((text, href) for href, text in groups[box].items()), box


def _take_edges(parts: list[tuple[str, str]], edge) -> list[str]:
    """The texts of the ``edge(kind, text)`` parts at the head and foot of ``parts``, taken out of it."""
    notes = []
    while parts and edge(*parts[0]):
        notes.append(parts.pop(0)[1])
    while parts and edge(*parts[-1]):
        notes.append(parts.pop()[1])
    return notes


def _edge_line(kind: str, text: str) -> bool:
    """A line at an article's head or foot that is not its text: a date, source, editor or share line (a short
    line that says nothing, unless it is a subheading)."""
    short = kind == "p" and len(text) < BODY_LIKE_CHARS and not _SENTENCE_MARK.search(text)
    return bool(_META_LINE.match(text)) or short


def _from_trafilatura(text: str) -> tuple[str | None, list[tuple[str, str]], list[str]] | None:
    """Title, (kind, text) parts and left-out lines as trafilatura finds them."""
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(
        text,
        output_format="xml",
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
    )
    if not xml:
        return None
    root = etree.fromstring(xml.encode("utf-8"))
    parts = []
    for node in root.iter("head", "p", "item"):
        line = _norm("".join(node.itertext()))
        if line:
            parts.append(("head" if node.tag == "head" else "p", line))
    return root.get("title"), parts, _take_edges(parts, lambda kind, text: kind == "p" and bool(_META_LINE.match(text)))


def _within(el, outer) -> bool:
    return any(a is outer for a in (el, *el.iterancestors()))


def _is_index(links, box, container, blocks: list[_Block], own: int | None) -> bool:
    """The page's text is its list of links: no article text (``own`` None), the article element is the list, or
    an item of it (a summary), or the list lies inside it and outweighs its text."""
    if own is None or container is box:
        return True
    if _within(container, box):  # one item's summary among several
        summaries = sum(len(b.text) for b in blocks if b.body_like and _within(b.home, box))
        return own * 2 < summaries
    return _within(box, container) and sum(len(t) for t, _ in links) > own


def _without(text: str, opener: str, closer: str) -> str:
    """``text`` without each run from ``opener`` to ``closer`` (case-insensitive; linear, an unclosed run goes to
    the end)."""
    lower, out, pos = text.lower(), [], 0
    while (start := lower.find(opener, pos)) >= 0:
        out.append(text[pos:start])
        end = lower.find(closer, start)
        pos = len(text) if end < 0 else end + len(closer)
    out.append(text[pos:])
    return "".join(out)


def _bounded(text: str) -> tuple[str, str | None]:
    """A page of at most MAX_PAGE_CHARS: a longer one without its scripts, styles, comments and inlined data,
    then cut there; the note says so."""
    if len(text) <= MAX_PAGE_CHARS:
        return text, None
    for opener, closer in (("<script", "</script>"), ("<style", "</style>"), ("<!--", "-->")):
        text = _without(text, opener, closer)
    text = _INLINED_DATA.sub("data:", text)
    if len(text) <= MAX_PAGE_CHARS:
        return text, None
    return text[:MAX_PAGE_CHARS], (
        f"the page is {len(text):,} characters long without its scripts and styles: its first "
        f"{MAX_PAGE_CHARS:,} were read"
    )


def read_html(data: bytes | str, doc_id: str = "page", name: str = "<html>") -> Article:
    """A saved web page as an Article: its title, the text before the first subheading as a section without a
    headline (or, with no subheadings, one section headed by the title), then one section per subheading.
    A page that indexes articles (links that read like headlines, little text of its own) gives an Article
    without sections whose ``links`` are the (headline, href) of each, and whose notes say so."""
    text, cut = _bounded(decode_bytes(data, name) if isinstance(data, bytes) else data)
    root = _parse(text, name)
    found_title = root.find(".//title")
    title_tag = found_title.text_content() if found_title is not None else None
    heading = _title(root, title_tag)
    _tidy(root)
    links, box = _article_links(root)
    blocks = _blocks(root)
    container, inside = _container(blocks)
    title = heading or (_title_part(title_tag, blocks, inside) if title_tag else None)
    found = _from_markup(inside, title)
    own = sum(len(v) for kind, v in found[1] if kind == "p") if found else 0
    if links and _is_index(links, box, container, blocks, own if found else None):
        note = f"an index of {len(links)} articles, not an article: read the pages it links to"
        title = heading or (_norm(title_tag) if title_tag else None)  # the page's name: 宁波日报数字报-第A1版：要闻
        return Article(doc_id, title, (), source=name, notes=(*([cut] if cut else []), note), links=links)
    found = found or _from_trafilatura(text)
    if found is None:
        raise InputError(f"{name}: no article text found in the page")
    found_title, parts, notes = found
    title = title or found_title
    if parts and title and parts[0][1] == title:
        parts = parts[1:]  # the headline the page repeats
    captions = tuple(value for kind, value in parts if kind == "caption")
    parts = [(kind, value) for kind, value in parts if kind != "caption"]
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    for kind, value in parts:
        if kind == "head":
            groups.append((value, []))
        else:
            groups[-1][1].append(value)
    if len(groups) == 1:
        groups = [(title, groups[0][1])]
    groups = [(head, paragraphs) for head, paragraphs in groups if paragraphs]
    body = "".join(p for _, paragraphs in groups for p in paragraphs)
    if len(body) < MIN_ARTICLE_CHARS:  # a menu or a link list is no article
        raise InputError(f"{name}: no article text found in the page")
    if not any(is_cjk(c) for c in body):
        raise InputError(f"{name}: the page's article has no Chinese text")
    sections = tuple(
        Section(i, head, tuple(paragraphs), f"{doc_id}:{i}") for i, (head, paragraphs) in enumerate(groups)
    )
    left_out = tuple(f"left out: {n}" for n in notes)
    notes = (*([cut] if cut else []), *left_out)
    return Article(doc_id, title, sections, captions=captions, source=name, notes=notes)


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
