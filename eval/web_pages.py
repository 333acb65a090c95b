"""Saved Chinese news pages with known title, subheadings and body, and the web-page reader scored on them.

    .venv/bin/python eval/web_pages.py [--pages 42] [--seed N] [--out DIR] [--show-failures] [--no-write]

The pages are generated in the markup styles real Chinese sites use (nothing is copied from them): a
People's-Daily-like ``<div class="rm_txt_con">``, a Xinhua-like ``<div id="detail">``, a provincial government
site's ``<div class="TRS_Editor">`` of ``<font>``/``<span style>`` soup and ``&nbsp;`` indents, a WeChat article
(``<div id="js_content">`` of ``<section>``s and ``<br>``s, hidden until a script shows it), an e-paper article
page (``<founder-content>`` in ``<div id="ozoom">``, with the page's other articles listed), a city portal laid
out in tables with ``<br>`` paragraphs, and a newer site's ``<article>`` with ``itemprop="articleBody"``. Each
has a navigation bar, a breadcrumb, sidebars of related links (相关新闻, 热点推荐), share buttons, date, source
and editor lines, a copyright footer (…ICP备…), and sometimes comments, scripts and styles; ``<title>`` carries
the site's name (标题_宁波新闻_中国宁波网). Subheadings are ``<h2>``/``<h3>``, or ``<p><strong>`` inline; some
pages are GBK under a wrong or missing ``<meta charset>``. Body paragraphs are LCSTS PART_III posts
(../shared/data/lcsts-part3, as in relayout.py) and, on one page, the seed article's paragraphs
(../shared/seed), read when the pages are made, never stored here.

Scored per page: the title (exact, after NFKC and whitespace), body character recall and precision (the
longest common subsequence of the true and the found body, all sections joined), subheadings found, and
leaks: any navigation, sidebar, footer, share, editor or comment string, or markup (``<``, ``>``, ``&nbsp;``,
``{…}``) in a body. A page passes with its title found, recall and precision ≥ 0.95 and no leak. Writes
eval/results/web_pages.json.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from relayout import DATA, NAMES, load_posts
from score_pages import _bare

RESULTS = Path(__file__).resolve().parent / "results" / "web_pages.json"
SEED = DATA.parent / "seed" / "jiangbei-2022.txt"
STYLES = ["rmrb", "xinhua", "gov", "wechat", "epaper", "portal", "article"]
SITES = {
    "rmrb": ("人民网", "浙江频道"),
    "xinhua": ("新华网", "地方"),
    "gov": ("浙江省人民政府", "政务动态"),
    "wechat": ("江北发布", ""),
    "epaper": ("宁波日报数字报", "要闻"),
    "portal": ("中国宁波网", "宁波新闻"),
    "article": ("甬上", "城事"),
}
NAV = ["首页", "时政", "经济", "社会", "文化", "教育", "科技", "体育", "图片", "视频", "专题", "评论"]
COMMENTS = ["这个政策真好，为家乡点赞！", "希望早日建成，方便市民出行。", "我们小区什么时候改造？", "支持！"]
MARKUP = re.compile(r"[<>{}]|&(?:nbsp|amp|lt|gt|quot|#\d+);")
PASS_RECALL = PASS_PRECISION = 0.95


@dataclass
class Truth:
    style: str
    title: str
    sections: list[dict] = field(default_factory=list)  # headline (None for the lead), body (paragraphs)
    junk: list[str] = field(default_factory=list)  # navigation, sidebars, footer, share, editor, comments
    encoding: str = "utf-8"
    declared: str | None = "utf-8"  # the <meta charset>, maybe wrong, maybe missing


def _clean_posts() -> list[dict]:
    """LCSTS posts GBK can encode and that hold no markup characters of their own."""
    posts = []
    for post in load_posts():
        text = post["headline"] + post["text"]
        if MARKUP.search(text) or "&" in text:
            continue
        try:
            text.encode("gbk")
        except UnicodeEncodeError:
            continue
        posts.append(post)
    return posts


def seed_sections() -> tuple[str, list[dict]] | None:
    """The seed article's title and sections (its lead and subsections), read from ../shared, or None."""
    if not SEED.is_file():
        return None
    from jb_summarize.article import parse_article

    article = parse_article(SEED.read_text(encoding="utf-8"), doc_id="seed")
    sections = [{"headline": s.headline, "body": list(s.paragraphs)} for s in article.sections]
    lead = [s for s in sections if s["headline"] == article.title]  # the page prints its lead under the title
    for s in lead:
        s["headline"] = None
    return article.title or "", lead + [s for s in sections if s not in lead]


class Page:
    """What one page says, drawn from posts: its title, sections, and the site's furniture."""

    def __init__(self, style: str, posts: list[dict], rng: random.Random, seed: tuple[str, list[dict]] | None) -> None:
        self.style, self.rng = style, rng
        taken = rng.sample(posts, 20)
        if seed is not None:
            self.title, self.sections = seed
        else:
            self.title = taken[0]["headline"]
            count = rng.choice([2, 3, 4, 5, 6, 8])
            subheads = rng.random() < 0.45 and count >= 4
            bodies = [p["text"] for p in taken[1 : count + 1]]
            if rng.random() < 0.4:  # some sites set a paragraph per sentence or two: short paragraphs
                bodies = [s for b in bodies for s in re.findall(r"[^。！？]+[。！？]+[”’」』）》]*|.+$", b) if s]
            if not subheads:
                self.sections = [{"headline": None, "body": bodies}]
            else:
                cut = sorted(rng.sample(range(1, count), 2))
                heads = [p["headline"] for p in taken[count + 1 : count + 3]]
                self.sections = [
                    {"headline": None, "body": bodies[: cut[0]]},
                    {"headline": heads[0], "body": bodies[cut[0] : cut[1]]},
                    {"headline": heads[1], "body": bodies[cut[1] :]},
                ]
        self.related = [p["headline"] for p in taken[11:17]]
        self.snippets = [p["text"] for p in taken[17:20]]  # other stories' text, in sidebars and comments
        self.site, self.channel = SITES[style]
        year, month, day = rng.choice([2021, 2022, 2023]), rng.randint(1, 12), rng.randint(1, 28)
        self.date = f"{year}-{month:02d}-{day:02d} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
        self.source = rng.choice(["宁波日报", "新华社", "人民日报", "浙江日报", "江北区融媒体中心"])
        self.editor = rng.choice(NAMES)
        self.icp = f"浙ICP备{rng.randint(10000000, 99999999)}号"
        self.junk: list[str] = []

    def mark(self, text: str) -> str:
        """A piece of furniture: remembered as junk, returned escaped for the page."""
        self.junk.append(text)
        return html.escape(text)

    def nav(self) -> str:
        items = NAV[: self.rng.randint(7, len(NAV))]
        self.junk.append("".join(items))
        links = "".join(f'<li><a href="/{i}/" target="_blank">{t}</a></li>' for i, t in enumerate(items))
        return f'<div class="nav"><ul class="menu">{links}</ul></div>'

    def crumbs(self) -> str:
        channel = self.channel or "新闻"
        return (
            f'<div class="crumbs">{self.mark("当前位置：")}<a href="/">首页</a> &gt; <a href="/news/">{channel}</a>'
            " &gt; 正文</div>"
        )

    def sidebar(self, label: str = "相关新闻") -> str:
        summaries = self.rng.random() < 0.5  # a related story's first words under its link
        links = "".join(
            f'<li><a href="/n/{i}.html">{self.mark(t)}</a>'
            + (f"<p>{self.mark(self.snippets[i][:48])}…<a href='/n/{i}.html'>[详细]</a></p>" if summaries else "")
            + "</li>"
            for i, t in enumerate(self.related[:3])
        )
        hot = "".join(
            f'<li><span>{i + 1}</span><a href="/h/{i}.html">{self.mark(t)}</a></li>'
            for i, t in enumerate(self.related[3:])
        )
        return (
            f'<div class="side"><h3>{self.mark(label)}</h3><ul>{links}</ul>'
            f'<div class="hot"><h3>{self.mark("热点推荐")}</h3><ol>{hot}</ol></div></div>'
        )

    def share(self) -> str:
        self.junk.append("分享到：")
        return '<div class="share">分享到：<a class="wx">微信</a><a class="wb">微博</a><a class="qq">QQ空间</a></div>'

    def info(self) -> str:
        return f'<div class="info">{self.mark(f"{self.date}  来源：{self.source}")}</div>'

    def editor_line(self) -> str:
        return f'<div class="edit">{self.mark(f"（责任编辑：{self.editor}）")}</div>'

    def footer(self) -> str:
        return (
            f'<div class="footer"><p>{self.mark("关于我们")} | 联系方式 | 广告服务 | 网站地图</p>'
            f"<p>Copyright &copy; 2008-2023 {self.mark(f'{self.site} 版权所有')}</p>"
            f"<p>{self.mark(self.icp)} {self.mark('浙公网安备 33020502000123号')}</p></div>"
        )

    def comments(self) -> str:
        if self.rng.random() < 0.6:
            return ""
        said = self.rng.sample(COMMENTS, 3)
        if self.rng.random() < 0.5:  # long comments, sentences like the article's own
            said = [re.split("(?<=[。！？])", t)[0] for t in self.snippets]
        items = "".join(
            f'<li><span class="user">网友{i}</span><span class="time">{self.date[:10]}</span><p>{self.mark(c)}</p>'
            '<a class="reply">回复</a> <a class="up">赞(3)</a></li>'
            for i, c in enumerate(said)
        )
        return f'<div class="comments"><h3>{self.mark("网友评论")}</h3><ul>{items}</ul></div>'

    def scripts(self) -> str:
        return (
            "<script>var pageConfig = {channel: 'news', id: 12345};"
            "function share(t){if(t){window.open('http://s.example.com/?u='+location.href);}}</script>"
            "<style>.nav{width:1000px}.side li{line-height:24px}</style>"
        )

    def head(self, title: str, declared: str | None) -> str:
        meta = f'<meta charset="{declared}">' if declared else ""
        if declared and self.rng.random() < 0.5:
            meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'
        keywords = f'<meta name="keywords" content="{html.escape(self.title)},{self.site}">'
        return f"<head>{meta}<title>{html.escape(title)}</title>{keywords}{self.scripts()}</head>"

    def window_title(self) -> str:
        t = self.title
        return {
            "rmrb": f"{t}--浙江频道--人民网",
            "xinhua": f"{t}-新华网",
            "gov": f"{t}_政务动态_浙江省人民政府门户网站",
            "wechat": t,
            "epaper": f"宁波日报数字报-{t}",
            "portal": f"{t}_宁波新闻_中国宁波网",
            "article": f"{t} | 甬上",
        }[self.style]


def _inline(page: Page, text: str) -> str:
    """Escaped text, some with a keyword linked, as sites link tags and names inside a story."""
    if len(text) > 20 and page.rng.random() < 0.25:
        return f'{html.escape(text[:6])}<a href="/tag/{page.rng.randint(1, 99)}/">{html.escape(text[6:9])}</a>' + (
            html.escape(text[9:])
        )
    return html.escape(text)


def _p(page: Page, text: str, indent: bool) -> str:
    return f'<p style="text-indent: 2em;">{_inline(page, text)}</p>' if indent else f"<p>{_inline(page, text)}</p>"


def _marked_up(page: Page, head, paragraphs) -> list[str]:
    """Each section as markup: ``head(headline)`` where it has one, then ``paragraphs(body)``."""
    out = []
    for section in page.sections:
        if section["headline"]:
            out.append(head(html.escape(section["headline"])))
        out.extend(paragraphs(section["body"]))
    return out


def _plain_body(page: Page, heading: str) -> str:
    """Paragraphs as <p>, subheadings as <h2>/<h3> or as <p><strong> inline, by the page's choice."""
    indent = page.rng.random() < 0.5

    def head(h: str) -> str:
        return f"<p><strong>{h}</strong></p>" if page.rng.random() < 0.5 else f"<{heading}>{h}</{heading}>"

    return "".join(_marked_up(page, head, lambda body: [_p(page, t, indent) for t in body]))


def rmrb(page: Page) -> str:
    return (
        f'<body><div class="header">{page.nav()}</div>{page.crumbs()}<div class="layout rm_txt cf">'
        f'<div class="col col-1 fl"><h1>{html.escape(page.title)}</h1>'
        f'<div class="col-1-1 fl">{page.mark(page.date)} | 来源：<a href="/">{page.mark("人民网－人民日报")}</a></div>'
        f'{page.share()}<div class="rm_txt_con cf">{_plain_body(page, "h3")}{page.editor_line()}</div>'
        f"{page.comments()}</div>"
        f'<div class="col col-2 fr">{page.sidebar()}</div></div>{page.footer()}</body>'
    )


def xinhua(page: Page) -> str:
    return (
        f'<body>{page.nav()}<div class="header-cont"><div class="head-line"><h1><span class="title">'
        f'{html.escape(page.title)}</span></h1><div class="header-time"><span class="year">'
        f'{page.mark(page.date)}</span></div><div class="source">{page.mark(f"来源：{page.source}")}</div>'
        f'</div></div><div class="main"><div id="detail">{_plain_body(page, "h2")}</div>'
        f'<div id="articleEdit"><span class="tiyi1"><a>{page.mark("【纠错】")}</a></span>'
        f'<span class="editor">{page.mark(f"【责任编辑:{page.editor}】")}</span></div>{page.share()}'
        f"{page.sidebar('相关阅读')}</div>{page.footer()}</body>"
    )


def _entities(text: str) -> str:
    """Escaped as older CMSs write Chinese quotes and dashes: &ldquo; &rdquo; &mdash;."""
    return html.escape(text).replace("“", "&ldquo;").replace("”", "&rdquo;").replace("—", "&mdash;")


def gov(page: Page) -> str:
    def soup(text: str) -> str:
        cut = page.rng.randint(5, max(6, len(text) - 5))
        return (
            '<p style="line-height: 2em; text-indent: 0px;" align="justify"><font face="仿宋_GB2312" '
            f'size="3"><span style="font-size: 16px">&nbsp;&nbsp;&nbsp;&nbsp;{_entities(text[:cut])}</span>'
            f'<span style="font-family: 仿宋_GB2312">{_entities(text[cut:])}</span></font></p>'
        )

    head = '<p><strong><font face="黑体">{}</font></strong></p>'.format
    body = "".join(_marked_up(page, head, lambda texts: [soup(t) for t in texts]))
    return (
        f'<body><table width="100%"><tr><td>{page.nav()}</td></tr></table>{page.crumbs()}'
        f'<table class="main" width="1000" align="center"><tr><td class="title" align="center">'
        f'<div class="tit">{html.escape(page.title)}</div></td></tr>'
        f'<tr><td class="info" align="center">{page.mark(f"发布日期：{page.date[:10]}")}&nbsp;&nbsp;'
        f"{page.mark(f'信息来源：{page.source}')}&nbsp;&nbsp;{page.mark('【字体：大 中 小】')}</td></tr>"
        f'<tr><td><div class="TRS_Editor"><style>.TRS_Editor P{{margin-top:5px;font-family:宋体;}}</style>'
        f'<div class="Custom_UnionStyle">{body}</div></div></td></tr>'
        f'<tr><td align="right">{page.mark("【打印本页】")} {page.mark("【关闭窗口】")}</td></tr></table>'
        f"{page.sidebar()}{page.footer()}</body>"
    )


def wechat(page: Page) -> str:
    head = (
        '<section style="margin: 20px 0px;text-align: center;"><span style="color: rgb(0, 112, 192);">'
        "<strong>{}</strong></span></section>"
    ).format

    def spans(texts: list[str]) -> list[str]:
        inner = "<br><br>".join(
            f'<span style="font-size: 15px;letter-spacing: 1px;">{html.escape(t)}</span>' for t in texts
        )
        return [f'<section style="line-height: 1.75em;">{inner}</section>']

    body = "".join(_marked_up(page, head, spans))
    account = page.site
    return (
        '<body id="activity-detail" class="zh_CN"><div class="rich_media_inner"><div id="page-content">'
        f'<h1 class="rich_media_title" id="activity-name">\n    {html.escape(page.title)}\n  </h1>'
        f'<div class="rich_media_meta_list"><span class="rich_media_meta">{page.mark("原创")}</span>'
        f'<a id="js_name">{page.mark(account)}</a><em id="publish_time">{page.date[:10]}</em></div>'
        f'<div class="rich_media_content" id="js_content" style="visibility: hidden;">{body}'
        f"<p><span>{page.mark('来源：江北区融媒体中心')}</span></p><p><span>{page.mark(f'编辑：{page.editor}')}"
        f"</span></p></div>"
        f'<div class="rich_media_tool"><a id="js_view_source">{page.mark("阅读原文")}</a>'
        f"<span>{page.mark('喜欢此内容的人还喜欢')}</span></div>"
        f'<div class="qr_code_pc"><p>{page.mark("微信扫一扫关注该公众号")}</p></div></div></div>'
        '<script>var msg_title = "x"; document.getElementById("js_content").style.visibility = "visible";</script>'
        "</body>"
    )


def epaper(page: Page) -> str:
    others = "".join(
        f'<li><a href="content_{1000 + i}.htm">{page.mark(t)}</a></li>' for i, t in enumerate(page.related[:4])
    )
    founder = "".join(
        _marked_up(page, "<p><b>{}</b></p>".format, lambda b: [f"<p>　　{_inline(page, t)}</p>" for t in b])
    )
    return (
        f'<body><div class="top">{page.mark("宁波日报")} {page.date[:10]} '
        f'{page.mark("第A1版：要闻")} <a href="node_1.htm">{page.mark("上一版")}</a> '
        f'<a href="node_3.htm">{page.mark("下一版")}</a></div>'
        f'<table><tr><td class="left" width="320"><div class="bmdh">{page.mark("版面导航")}</div>'
        f'<ul class="list">{others}</ul></td><td class="right"><div class="article">'
        f'<h1>{html.escape(page.title)}</h1><div id="ozoom"><founder-content>{founder}</founder-content></div>'
        f'</div></td></tr></table><div class="foot">{page.mark("本报地址：宁波市宁穿路1901号")} '
        f"{page.mark(page.icp)}</div></body>"
    )


def portal(page: Page) -> str:
    body = "<br><br>".join(
        _marked_up(
            page, "<strong>{}</strong>".format, lambda b: [f"&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(t)}" for t in b]
        )
    )
    return (
        f'<body><table width="980" align="center"><tr><td colspan="2">{page.nav()}</td></tr>'
        f'<tr><td colspan="2">{page.crumbs()}</td></tr><tr><td width="680" valign="top">'
        f'<table width="100%"><tr><td class="biaoti" align="center">{html.escape(page.title)}</td></tr>'
        f'<tr><td class="laiyuan" align="center">{page.mark(f"{page.site}  {page.date}  来源：{page.source}")}'
        f'</td></tr><tr><td class="zw">{body}</td></tr><tr><td>{page.editor_line()}{page.share()}</td></tr>'
        f"</table>{page.comments()}</td>"
        f'<td width="300" valign="top">{page.sidebar()}</td></tr></table>{page.footer()}</body>'
    )


def article(page: Page) -> str:
    return (
        f'<body><header class="site">{page.nav()}</header><main><article itemscope '
        f'itemtype="http://schema.org/NewsArticle"><h1 itemprop="headline">{html.escape(page.title)}</h1>'
        f'<div class="meta"><time itemprop="datePublished">{page.mark(page.date)}</time> '
        f'<span itemprop="author">{page.mark(f"记者 {page.editor}")}</span></div>'
        f'<div itemprop="articleBody">{_plain_body(page, "h2")}</div>{page.share()}</article>'
        f"<aside>{page.sidebar()}</aside>{page.comments()}</main><footer>{page.footer()}</footer></body>"
    )


MAKERS = {
    "rmrb": rmrb,
    "xinhua": xinhua,
    "gov": gov,
    "wechat": wechat,
    "epaper": epaper,
    "portal": portal,
    "article": article,
}


def make_page(
    style: str, posts: list[dict], rng: random.Random, seed: tuple[str, list[dict]] | None = None
) -> tuple[bytes, Truth]:
    """One page of ``style`` and what a perfect reader finds in it."""
    page = Page(style, posts, rng, seed)
    body = MAKERS[style](page)
    encoding, declared = "utf-8", "utf-8"
    if style in ("gov", "portal", "epaper") and rng.random() < 0.7:
        encoding = "gbk"
        declared = rng.choice(["gb2312", "utf-8", None])  # right, wrong, missing
    elif rng.random() < 0.15:
        declared = None
    doc = f'<!DOCTYPE html><html lang="zh-CN">{page.head(page.window_title(), declared)}{body}</html>'
    truth = Truth(style, page.title, page.sections, page.junk, encoding, declared)
    return doc.encode(encoding, errors="strict"), truth


def index_page(posts: list[dict], rng: random.Random) -> tuple[bytes, list[tuple[str, str]]]:
    """An e-paper page's index: the page image and its map, the page's articles as links (a list or a table),
    the other pages (第A2版：…), a date picker and a footer; and the (headline, href) a reader should list."""
    chosen = rng.sample(posts, rng.randint(3, 8))
    links = [(p["headline"], f"content_{rng.randint(100000, 999999)}.htm") for p in chosen]
    areas = "".join(
        f'<area shape="rect" coords="0,{i * 90},700,{i * 90 + 80}" href="{u}">' for i, (_, u) in enumerate(links)
    )
    style = rng.random()
    if style < 0.35:
        items = "".join(f'<li><a href="{u}">{html.escape(h)}</a></li>' for h, u in links)
        listing = f'<div class="news-list"><ul>{items}</ul></div>'
    elif style < 0.7:  # each article wrapped, with its first words under its headline
        listing = "".join(
            f'<div class="item"><h3><a href="{u}">{html.escape(h)}</a></h3><p>{html.escape(p["text"][:45])}…</p></div>'
            for (h, u), p in zip(links, chosen, strict=True)
        )
    else:
        rows = "".join(
            f'<tr><td><img src="dot.gif"></td><td><a href="{u}"><div style="display:inline">{html.escape(h)}</div>'
            "</a></td></tr>"
            for h, u in links
        )
        listing = f'<table width="100%" class="list">{rows}</table>'
    desks = ["要闻", "综合", "经济", "社会", "文化", "体育", "专版", "副刊"]
    pages = "".join(f'<li><a href="node_{i + 1}.htm">第A{i + 1}版：{d}</a></li>' for i, d in enumerate(desks))
    doc = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>宁波日报数字报-第A1版：要闻</title>'
        "<script>function showArea(){}</script></head><body>"
        '<div class="top">宁波日报 <select><option>2022-05-19</option></select> <a href="/past">往期回顾</a></div>'
        f'<table><tr><td><img src="page.jpg" usemap="#pagemap"><map name="pagemap">{areas}</map></td>'
        f'<td><div class="title">本版新闻</div>{listing}<div class="bmdh"><h3>版面导航</h3><ul>{pages}</ul></div></td>'
        "</tr></table><div>本报地址：宁波市宁穿路1901号 浙ICP备12345678号</div></body></html>"
    )
    return doc.encode("gbk" if rng.random() < 0.5 else "utf-8"), links


def score_indexes(n: int = 8, seed: int = 20261202) -> dict:
    """Index pages read: how many gave no sections and listed exactly their articles."""
    from jb_summarize.reading import read_html

    posts = _clean_posts()
    rng = random.Random(seed + 1)
    listed = 0
    for i in range(n):
        data, links = index_page(posts, random.Random(rng.random()))
        found = read_html(data, f"index_{i}", f"index_{i}.htm")
        listed += not found.sections and list(found.links) == links
    return {"pages": n, "listed": round(listed / n, 3)}


def build_corpus(n: int = 42, seed: int = 20261202) -> list[tuple[bytes, Truth]]:
    """``n`` pages, the styles in turn; the first page carries the seed article when ../shared has it."""
    posts = _clean_posts()
    rng = random.Random(seed)
    seed_article = seed_sections()
    return [
        make_page(STYLES[i % len(STYLES)], posts, random.Random(rng.random()), seed_article if i == 0 else None)
        for i in range(n)
    ]


def score_page(found, truth: Truth) -> dict:
    """One page's numbers: title, body recall and precision, subheadings found, leaks, pass."""
    from rapidfuzz.distance import Indel

    want = _bare("".join("".join(s["body"]) for s in truth.sections))
    bodies = [s.body for s in found.sections]
    got = _bare("".join(bodies))
    common = (len(want) + len(got) - Indel.distance(want, got)) // 2
    heads = [_bare(s["headline"]) for s in truth.sections if s["headline"]]
    found_heads = {_bare(s.headline) for s in found.sections if s.headline}
    paragraphs = [_bare(p) for s in truth.sections for p in s["body"]]
    found_paragraphs = {_bare(p) for s in found.sections for p in s.paragraphs}
    junk = [j for j in truth.junk if len(_bare(j)) >= 4 and _bare(j) not in want]  # 网友评论 may be in the text
    leaks = sorted({j for j in junk if any(_bare(j) in _bare(b) for b in bodies)})
    leaks += sorted({m.group() for b in bodies for m in MARKUP.finditer(b)})
    scores = {
        "style": truth.style,
        "encoding": f"{truth.encoding} as {truth.declared or 'undeclared'}",
        "title": _bare(found.title) == _bare(truth.title),
        "found_title": found.title,
        "recall": round(common / len(want), 4) if want else 1.0,
        "precision": round(common / len(got), 4) if got else 0.0,
        "subheadings": len(heads),
        "subheadings_found": sum(h in found_heads for h in heads),
        "paragraphs_kept": round(sum(p in found_paragraphs for p in paragraphs) / len(paragraphs), 3),
        "leaks": leaks,
    }
    scores["passed"] = (
        scores["title"] and scores["recall"] >= PASS_RECALL and scores["precision"] >= PASS_PRECISION and not leaks
    )
    return scores


def score_corpus(n: int = 42, seed: int = 20261202) -> list[dict]:
    """Every page read by ``read_html`` and scored; a page the reader refuses scores 0 with its reason."""
    from jb_summarize.article import Article
    from jb_summarize.reading import read_html
    from jb_summarize.text import InputError

    pages = []
    for i, (data, truth) in enumerate(build_corpus(n, seed)):
        start = time.perf_counter()
        try:
            found = read_html(data, f"web_{i:02d}", f"web_{i:02d}.html")
            error = None
        except InputError as exc:
            found, error = Article(f"web_{i:02d}", None, ()), str(exc)
        scores = score_page(found, truth)
        scores.update(page=i, seconds=round(time.perf_counter() - start, 3), error=error)
        pages.append(scores)
    return pages


def summary(pages: list[dict]) -> dict:
    n = len(pages) or 1
    heads = sum(p["subheadings"] for p in pages)
    return {
        "pages": len(pages),
        "passed": round(sum(p["passed"] for p in pages) / n, 3),
        "title_found": round(sum(p["title"] for p in pages) / n, 3),
        "mean_recall": round(sum(p["recall"] for p in pages) / n, 4),
        "mean_precision": round(sum(p["precision"] for p in pages) / n, 4),
        "subheadings_found": round(sum(p["subheadings_found"] for p in pages) / heads, 3) if heads else 1.0,
        "paragraphs_kept": round(sum(p["paragraphs_kept"] for p in pages) / n, 3),
        "pages_with_leaks": sum(bool(p["leaks"]) for p in pages),
        "max_seconds": round(max((p["seconds"] for p in pages), default=0.0), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=42)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--out", type=Path, help="also write the pages (web_NN.html + web_NN.json) here")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not write eval/results/web_pages.json")
    parser.add_argument("--held-out", type=int, nargs="*", default=[], metavar="SEED", help="also score these seeds")
    parser.add_argument("--as-before", action="store_true", help="keep this run's totals as the 'before' figures")
    args = parser.parse_args()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for i, (data, truth) in enumerate(build_corpus(args.pages, args.seed)):
            (args.out / f"web_{i:02d}.html").write_bytes(data)
            (args.out / f"web_{i:02d}.json").write_text(json.dumps(asdict(truth), ensure_ascii=False, indent=1))
    pages = score_corpus(args.pages, args.seed)
    by_style = {style: summary([p for p in pages if p["style"] == style]) for style in STYLES}
    result = {"seed": args.seed, "all": summary(pages), "by_style": by_style, "held_out": {}}
    result["index_pages"] = score_indexes(8, args.seed)
    for seed in args.held_out:
        result["held_out"][str(seed)] = held = summary(score_corpus(args.pages, seed))
        print(f"held-out seed {seed}: passed {held['passed']:.3f}, {held['pages_with_leaks']} pages with leaks")
    print(f"{'style':<9} {'pages':>5} {'pass':>6} {'title':>6} {'recall':>7} {'prec.':>7} {'subh.':>6} {'leaks':>5}")
    for name, s in [*by_style.items(), ("all", result["all"])]:
        print(
            f"{name:<9} {s['pages']:>5} {s['passed']:>6.3f} {s['title_found']:>6.3f} {s['mean_recall']:>7.4f} "
            f"{s['mean_precision']:>7.4f} {s['subheadings_found']:>6.3f} {s['pages_with_leaks']:>5}"
        )
    print(f"index pages: {result['index_pages']['listed']:.3f} of {result['index_pages']['pages']} listed exactly")
    if args.show_failures:
        for p in pages:
            if not p["passed"]:
                print(json.dumps(p, ensure_ascii=False))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        before = {"before": result["all"] | {"by_style": by_style}} if args.as_before else {}
        result = {**{k: v for k, v in previous.items() if k == "before"}, **before, **result, "pages": pages}
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
