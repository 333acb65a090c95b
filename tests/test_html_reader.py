"""Saved web pages and URLs: the article's title, subheadings and paragraphs, never markup or navigation."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from helpers import run_cli
from jb_summarize import load_article
from jb_summarize.text import InputError

PARAGRAPH = "江北区全年完成固定资产投资178亿元，同比增长百分之十二，高新技术产业增加值增长明显。"
SECOND = "老外滩获评国家级夜间文化和旅游消费集聚区，游客人数创下新高，夜间消费持续升温。"


def page(charset: str = "utf-8", subheading: bool = True) -> str:
    body = f"<p>{PARAGRAPH}</p><p>{SECOND}</p>" * 2
    sub = f"<h2>老外滩焕新颜</h2><p>{SECOND}</p><p>{PARAGRAPH}</p>" if subheading else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>江北投资增长迅速_宁波网</title></head><body>'
        '<nav><ul><li><a href="/">首页</a></li><li><a href="/n">新闻中心</a></li>'
        '<li><a href="/v">视频</a></li></ul></nav>'
        '<div class="article"><h1>江北投资增长迅速</h1><div class="info">2022-05-19 10:20 来源：宁波日报</div>'
        f"{body}{sub}</div>"
        '<div class="related"><h3>相关新闻</h3><ul><li><a href="/1">宁波港口繁忙</a></li>'
        '<li><a href="/2">慈城古县城</a></li></ul></div>'
        "<footer>版权所有 宁波网 浙ICP备12345678号</footer></body></html>"
    )


def test_a_saved_page_gives_title_subheadings_and_paragraphs(tmp_path) -> None:
    path = tmp_path / "news.html"
    path.write_text(page(), encoding="utf-8")
    article = load_article(path)
    assert article.title == "江北投资增长迅速"
    assert [s.headline for s in article.sections] == [None, "老外滩焕新颜"]
    assert article.sections[0].paragraphs == (PARAGRAPH, SECOND, PARAGRAPH, SECOND)
    text = "".join(s.body for s in article.sections)
    for junk in ("<", "首页", "新闻中心", "相关新闻", "版权所有", "来源"):
        assert junk not in text


def test_a_page_without_subheadings_is_one_section_under_its_title(tmp_path) -> None:
    path = tmp_path / "plain.html"
    path.write_text(page(subheading=False), encoding="utf-8")
    article = load_article(path)
    assert [s.headline for s in article.sections] == ["江北投资增长迅速"]


def test_gbk_bytes_under_a_wrong_meta_charset_are_read(tmp_path) -> None:
    path = tmp_path / "gbk.htm"
    path.write_bytes(page(charset="utf-8").encode("gbk"))
    assert load_article(path).sections[0].paragraphs[0] == PARAGRAPH


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<html><body><nav><a href='/'>首页</a></nav></body></html>", "no article"),
        ("<html><body><p>" + "Only English text here, nothing else. " * 20 + "</p></body></html>", "no Chinese"),
    ],
)
def test_pages_without_an_article_get_one_line(tmp_path, html, message) -> None:
    path = tmp_path / "empty.html"
    path.write_text(html, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_article(path)
    proc = run_cli("sections", str(path))
    assert proc.returncode == 2 and message in proc.stderr.decode() and b"Traceback" not in proc.stderr


def test_batch_commands_never_summarise_markup(tmp_path) -> None:
    path = tmp_path / "news.html"
    path.write_text(page(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("summarize", str(path), "--model", "lead", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["news.html:0", "news.html:1"]
    assert all("<" not in r["summary"] for r in records)
    piped = run_cli("summarize", "-", "--model", "lead", stdin=page().encode("utf-8"))
    assert piped.returncode == 0 and b"<" not in piped.stdout and b"stdin:0" in piped.stdout


@pytest.fixture
def server():
    body = page().encode("utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/slow":
                threading.Event().wait(3)
            if self.path == "/missing":
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_url_is_fetched_with_a_short_timeout(server, monkeypatch) -> None:
    from jb_summarize.reading import html

    article = load_article(f"{server}/news/2022/jiangbei.html")
    assert article.id == "jiangbei.html" and article.title == "江北投资增长迅速"
    with pytest.raises(InputError, match="404"):
        load_article(f"{server}/missing")
    monkeypatch.setattr(html, "FETCH_TIMEOUT", 0.5)
    with pytest.raises(InputError, match=r"no answer within 0\.5 s"):
        load_article(f"{server}/slow")


def test_batch_commands_fetch_urls(server, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    proc = run_cli("summarize", f"{server}/news/jiangbei.html", f"{server}/missing", "--model", "lead", "-o", str(out))
    assert proc.returncode == 1, proc.stderr  # finished; the missing page skipped with its reason
    assert b"404" in proc.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["jiangbei.html:0", "jiangbei.html:1"]
