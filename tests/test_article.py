from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from jb_summarize import load_article, load_seed_article, parse_article
from jb_summarize.text import is_cjk

SEED_HEADLINES = [
    "强力推进全域美丽 打造城乡融合新标杆",
    "聚力深化改革创新 绘就转型跨越新画卷",
    "全力提升产业能级 打造都市经济新高地",
    "合力攻坚城市开发 展示未来之城新形象",
    "用力丰富民生供给 共享幸福江北新生活",
    "江北区活力涌动奋发向前",
]
# (first ten, last ten) characters of each body
SEED_BODY_ENDS = [
    ("姚江历史文化长廊、灵", "力画卷正在不断绘就。"),
    ("两个月前，江北区在全", "量发展和现代化治理。"),
    ("威孚天力等8家企业获", "域跨越发展聚势添能。"),
    ("宁波文创港入选省级双", "展示未来之城新形象。"),
    ("民生无小事，枝叶总关", "姓的幸福感、获得感。"),
    ("踔厉奋发踏新程，风正", "新时代里实现大跨越。"),
]


def test_seed_headlines_in_reading_order() -> None:
    article = load_seed_article()
    assert [s.headline for s in article.sections] == SEED_HEADLINES
    assert [s.index for s in article.sections] == list(range(6))


def test_seed_body_boundaries() -> None:
    article = load_seed_article()
    assert [(s.body[:10], s.body[-10:]) for s in article.sections] == SEED_BODY_ENDS


def test_seed_furniture() -> None:
    article = load_seed_article()
    assert article.title == "江北区活力涌动奋发向前"
    assert article.credits == ("供图 江北区委宣传部",)
    assert article.captions == (
        "宁波文创港开发建设加速推进 江北美丽乡村入画来",
        "浙江前洋经济开发区持续提档升级做强做优",
    )
    for s in article.sections:
        for furniture in (*article.captions, *article.credits):
            assert furniture.replace(" ", "") not in s.body


def test_seed_bodies_are_normalised() -> None:
    article = load_seed_article()
    bodies = "".join(s.body for s in article.sections)
    assert "全年高新技术产业增加值达到123.9亿元" in bodies
    assert "宁波（前洋）直播中心" in bodies
    assert "⋯" not in bodies and "  " not in bodies
    assert "累计完成投资178亿元，为年度计划的117%。" in bodies


def test_seed_paragraphs_and_sentences() -> None:
    lead = load_seed_article().sections[5]
    assert lead.paragraphs[0] == "踔厉奋发踏新程，风正扬帆再起航。"
    assert len(lead.paragraphs) == 5
    assert lead.sentences[:2] == ["踔厉奋发踏新程，风正扬帆再起航。", "过去的一年，是江北很不平凡的一年。"]
    assert "".join(lead.sentences) == "".join(lead.paragraphs)


def test_seed_package_copy_is_the_original(shared_dir) -> None:
    from jb_summarize.article import seed_text

    original = (shared_dir / "seed" / "jiangbei-2022.txt").read_text(encoding="utf-8")
    assert seed_text() == original


def test_every_chinese_character_of_the_seed_is_kept_somewhere() -> None:
    from jb_summarize.article import seed_text

    article = load_seed_article()
    kept = "".join(
        [s.body + (s.headline or "") for s in article.sections]
        + list(article.captions)
        + list(article.credits)
        + [article.title or ""] * 2
    )
    raw_chars = sorted(c for c in seed_text() if is_cjk(c))
    kept_chars = sorted(c for c in kept if is_cjk(c))
    # the lead's headline is the page title: it appears once more in `kept` than on the page.
    for c in article.title or "":
        kept_chars.remove(c)
    assert kept_chars == raw_chars


def test_headline_before_body_plain_text() -> None:
    text = (
        "标题一号新闻\n\n江北区今年新增就业2.5万人。全区经济增长。\n\n另一个标题\n\n宁波港吞吐量再创新高。标题很好。\n"
    )
    article = parse_article(text, doc_id="x")
    assert [s.headline for s in article.sections] == ["标题一号新闻", "另一个标题"]
    assert article.sections[0].body == "江北区今年新增就业2.5万人。全区经济增长。"
    assert [s.id for s in article.sections] == ["x:0", "x:1"]


def test_heading_directly_above_a_one_line_paragraph() -> None:
    article = parse_article("江北发布新规划\n江北区今天发布了新的国土空间总体规划，涵盖未来十五年。\n")
    assert article.sections[0].headline == "江北发布新规划"


def test_no_headline_gives_one_section() -> None:
    article = parse_article("江北区今年新增就业2.5万人，\n全区经济增长。第二句话。\n")
    assert len(article.sections) == 1
    assert article.sections[0].headline is None
    assert article.sections[0].body == "江北区今年新增就业2.5万人，全区经济增长。第二句话。"


def test_a_lone_short_line_is_a_section_not_lost() -> None:
    article = parse_article("今天天气很好")
    assert [(s.headline, s.body) for s in article.sections] == [(None, "今天天气很好")]


def test_credit_words_are_recognised_generally() -> None:
    text = "新闻标题在这里\n\n正文第一句。正文第二句。\n 记者 张三 摄\n"
    article = parse_article(text)
    assert article.credits == ("记者 张三 摄",)
    assert "张三" not in article.sections[0].body


def test_to_dataset_has_one_row_per_section() -> None:
    article = load_seed_article()
    ds = article.to_dataset()
    assert ds.num_rows == 6
    assert {"id", "headline", "text", "n_chars"} <= set(ds.column_names)
    assert ds[0]["headline"] == SEED_HEADLINES[0]
    assert ds[5]["n_chars"] == len(article.sections[5].body.replace("\n", ""))


def test_load_article_reads_gb18030(tmp_path) -> None:
    from jb_summarize.article import seed_text

    path = tmp_path / "page.txt"
    path.write_bytes(seed_text().encode("gb18030"))
    article = load_article(path)
    assert article.id == "page"
    assert [s.headline for s in article.sections] == SEED_HEADLINES


def test_large_input_is_processed() -> None:
    from jb_summarize.article import seed_text

    text = (seed_text() + "\n") * 200  # about 2 MB
    article = parse_article(text)
    assert len(article.sections) == 6 * 200


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("江北区宁波年增长亿元 \n\n。，“”供图摄A1")), max_size=400))
def test_parse_never_raises_and_keeps_characters(raw: str) -> None:
    article = parse_article(raw)
    kept = "".join(
        [s.body + "\n" + (s.headline or "") for s in article.sections] + list(article.captions) + list(article.credits)
    )
    kept_set = {c for c in kept if is_cjk(c)} | {c for c in (article.title or "") if is_cjk(c)}
    assert {c for c in raw if is_cjk(c)} <= kept_set


def _corpus():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
    import relayout
    import score_sections

    return relayout, score_sections


def test_generated_pages_are_split_as_laid_out(shared_dir) -> None:
    """40 re-laid newspaper pages (eval/relayout.py, from LCSTS): headings, titles, leads and bodies."""
    relayout, scoring = _corpus()
    pages = [
        scoring.score_page(parse_article(text, f"page_{i}"), expected)
        for i, (text, expected) in enumerate(relayout.build_corpus(40))
    ]
    total = scoring.summary(pages)
    assert total["heading_recall"] >= 0.95 and total["heading_precision"] >= 0.95
    assert total["title_found"] >= 0.95 and total["lead_found"] >= 0.9
    assert total["pages_fully_covered"] == 40 and total["min_body_coverage"] == 1.0


def test_explain_gives_every_line_a_role_and_a_cue() -> None:
    from jb_summarize.article import explain_article, seed_text

    roles = explain_article(seed_text())
    lines = seed_text().split("\n")
    assert [r.line for r in roles] == list(range(1, len(roles) + 1))
    assert all(r.role != "blank" for r in roles if lines[r.line - 1].strip())
    assert len(roles) >= sum(1 for line in lines if line.strip())
    by_line = {r.line: r for r in roles}
    assert by_line[51].role == "heading" and "indented line after it" in by_line[51].cue
    assert by_line[185].role == "credit"
    assert by_line[260].role == "caption" and by_line[264].role == "title"
    assert by_line[245].role == "lead" and "column width" in by_line[245].cue
    assert all(r.cue for r in roles if r.role != "blank")


def test_headings_with_clause_marks_and_a_title_printed_once() -> None:
    page = "\n".join(
        [
            "数字赋能跑出加速度",
            "",
            "拼经济，凝聚发展之势",
            "",
            "今年以来，全区规上工业增加值增长",
            "百分之十二，增速位居全市第一。",
            "",
            "数据来源：区统计局",
            "",
            "坚持广覆盖、全周期 努力实现“托得便”",
            "",
            "全区新建普惠性托育机构十二家，新",
            "增托位八百余个，托育服务覆盖所有",
            "街道。",
        ]
    )
    article = parse_article(page)
    assert article.title == "数字赋能跑出加速度"
    assert [s.headline for s in article.sections] == ["拼经济，凝聚发展之势", "坚持广覆盖、全周期 努力实现“托得便”"]
    assert article.sections[0].paragraphs[-1] == "数据来源：区统计局"


def _columns(*blocks: list[str]) -> str:
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def test_a_first_line_cut_off_by_a_column_break_is_not_a_heading() -> None:
    # Columns of 15 characters. "全区共签约……项" alone between blank lines would be a heading by its shape;
    # the word 项目 runs across the break, so it is the paragraph's first line.
    page = _columns(
        ["江北区招商引资再创新高"],
        ["今年以来，全区新签约亿元以上项", "目三十个，总投资额超过三百亿元", "，同比增长一成以上。"],
        ["招引大项目，跑出加速度"],
        ["全区共签约重大产业项目十个，项"],
        ["目总投资一百二十亿元，其中十亿", "元以上项目八个，均已开工建设。"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections][-1] == "招引大项目，跑出加速度"
    assert article.sections[-1].paragraphs == (
        "全区共签约重大产业项目十个，项目总投资一百二十亿元，其中十亿元以上项目八个，均已开工建设。",
    )
    from jb_summarize.article import explain_article

    cut = next(r for r in explain_article(page) if r.text.startswith("全区共签约"))
    assert cut.role == "body" and "column break" in cut.cue and "项目" in cut.cue


def test_a_heading_the_width_of_the_column_stays_a_heading() -> None:
    # The same shape, but nothing reads on across the blank line: a heading set as wide as the column.
    page = _columns(
        ["今年以来，全区新签约亿元以上项", "目三十个，总投资额超过三百亿元", "，同比增长一成以上。"],
        ["全区重大产业项目建设全面提速"],
        ["截至十月底，全区共开工重大产业", "项目十二个，完成投资八十亿元。"],
    )
    article = parse_article(page)
    assert "全区重大产业项目建设全面提速" in [s.headline for s in article.sections]


def test_cut_lines_that_leave_a_quote_open_or_open_with_a_time() -> None:
    from jb_summarize.article import _reads_on

    assert _reads_on("企业领导常常强调“员工的忠诚", "度”，即员工对组织的忠诚与信任。")
    assert _reads_on("10月30日晚间，联想正式宣布", "完成收购摩托罗拉移动。")
    assert _reads_on("试点四个月，建立起一支队伍，对", "九平方公里的区域开展服务。")
    assert _reads_on("前天，经爱猫志愿者多日埋伏", "，配合监管部门捣毁窝点。")
    assert _reads_on("拼经济，凝聚发展之势", "今年以来，全区规上工业增加值增长。") is None
    assert _reads_on("坚持广覆盖、全周期 努力实现“托得便”", "全区新建普惠性托育机构。") is None


def test_a_lead_set_wider_ends_where_the_columns_begin() -> None:
    # The lead's last line ends in a source in brackets (no full stop); the body's columns are narrower.
    lead = [
        "地铁相关负责人表示，票价将于年底调整，届时还有四条线路同时开通，运营企业将在",
        "站内增加票价导航指示标志，即价目表，方便乘客辨识，各站正做最后测试。（新京报）",
    ]
    body = ["十六日，有市民反映公交站牌信息", "陈旧，有关部门已经着手更换。"]
    for page in (_columns(lead, body), "\n".join(lead + body)):  # with and without a blank line between
        article = parse_article(page)
        assert len(article.sections) == 2
        assert article.sections[0].paragraphs[0].endswith("（新京报）")
        assert article.sections[1].paragraphs[0].startswith("十六日")


def test_letter_spaced_latin_is_rejoined() -> None:
    from jb_summarize.text import clean_line

    assert clean_line("来 自 S i m o n Z h a n g ， L i n k e d I n") == "来自SimonZhang，LinkedIn"
    assert clean_line("N e w   Y o r k 的 夜 景") == "New York的夜景"


def test_a_heading_that_asks_heads_its_section() -> None:
    page = _columns(
        ["全区新建普惠性托育机构十二家，新增托", "位八百余个。"],
        ["为什么江北的工业能跑出加速度？"],
        ["答案在于数字化改造：江北的工业企业已有", "两百多家完成改造，跑出了加速度。"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections] == [None, "为什么江北的工业能跑出加速度？"]
    # the same line right after an unfinished paragraph is that paragraph's last line
    page = _columns(["全区规上工业增加值增长百分之十二，增", "速位居全市第一，为什么江北的工业能跑出"], ["加速度？"])
    assert parse_article(page).sections[0].paragraphs[-1].endswith("跑出加速度？")


def test_a_column_width_line_between_a_heading_and_a_paragraph_opens_the_paragraph() -> None:
    # 数字赋能 heads the section; the next line, as wide as the column, is the paragraph's first line that
    # a column break left alone (nothing on the line itself says so: two headings in a row do).
    page = _columns(
        ["今年以来全区新签约亿元以上项目三", "十个，总投资超过三百亿元。"],
        ["数字赋能跑出加速度"],
        ["全区两百多家企业完成了智能化改造"],
        ["平均生产效率提升三成以上，产品不", "良率下降两成。"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections] == [None, "数字赋能跑出加速度"]
    assert article.sections[1].paragraphs[0].startswith("全区两百多家企业完成了智能化改造平均生产效率")


def test_on_a_page_with_blank_lines_between_paragraphs_a_line_under_text_carries_it_on() -> None:
    paragraphs = [
        ["网络框架的所有读写操作都是异步非阻塞", "的，可以方便地获得操作结果。"],
        ["全区共有两百多家企业完成智能化改造，", "平均生产效率提升三成以上。"],
        ["截至十月底，全区共开工重大产业项目十", "二个，完成投资八十亿元。"],
    ]
    # the first paragraph ends with a byline under a line where a sentence happened to end
    first = ["网络框架的所有读写操作都是异步非阻塞", "的，通过监听机制可以方便地获得结果。", "by李林锋"]
    article = parse_article(_columns(first, *paragraphs))
    assert "获得结果。by李林锋" in article.sections[0].body.replace("\n", "")
    assert all(s.headline is None for s in article.sections)


def test_a_heading_set_on_two_lines_is_one_heading() -> None:
    page = _columns(
        ["全区新建普惠性托育机构十二家，新增", "托位八百余个，覆盖所有街道。"],
        ["坚持广覆盖、全周期，努力实现", "“托得便”"],
        ["全区托育服务覆盖率达到百分之九十", "以上，家长满意度持续提升。"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections] == [None, "坚持广覆盖、全周期，努力实现“托得便”"]
    assert article.sections[1].paragraphs[0].startswith("全区托育服务覆盖率")


def test_a_question_after_a_paragraph_that_closes_a_quote_heads_the_next_section() -> None:
    page = _columns(
        ["他说：“我们要把资源配置好，让企业", "少跑腿，让群众少等待，这是我们的承", "诺，也是我们全区上下的共同责任”"],
        ["未来江北能成为宜居之城吗？"],
        ["长期以来，交通和环境问题困扰着宜居", "之城的建设，江北正在逐一破解。"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections] == [None, "未来江北能成为宜居之城吗？"]
    assert article.sections[0].paragraphs[0].endswith("共同责任”")


def test_a_paragraph_tail_alone_after_a_column_break_stays_in_the_paragraph() -> None:
    # The sentence ends at the end of a full line, a column break follows, and the paragraph's last words
    # (no full stop) stand alone: they head nothing and are no caption, so they go back into the paragraph.
    page = _columns(
        [
            "全区托育服务覆盖率达到百分之九十以",
            "上，家长满意度持续提升，托育机构共",
            "十二家。那么如何跳出“一亩三分地”？",
        ],
        ["如何把资源切实配置好"],
        ["托育服务覆盖率超九成"],
        ["截至十月底，全区共开工重大产业项目", "十二个，完成投资八十亿元。"],
        ["重大产业项目开工十二个"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections] == ["托育服务覆盖率超九成", "重大产业项目开工十二个"]
    assert article.captions == ()
    assert article.sections[0].paragraphs[0].endswith("一亩三分地”？如何把资源切实配置好")


def test_an_interviews_questions_are_text_not_headings() -> None:
    page = _columns(
        ["江北区招商引资再创新高"],
        ["今年以来，全区新签约亿元以上项目三", "十个，总投资超过三百亿元。"],
        ["记者：项目为什么愿意落户江北？"],
        ["答：营商环境好，审批快，企业办事", "最多跑一次。"],
        ["记者：下一步的重点在哪里？"],
        ["答：全区将继续推进重大项目建设，力", "争全年完成投资八十亿元。"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections] == ["江北区招商引资再创新高"]
    assert article.captions == ()
    assert "记者：项目为什么愿意落户江北？" in article.sections[0].body


def test_a_question_that_heads_nothing_stays_in_the_text() -> None:
    page = _columns(
        ["招商引资再创新高"],
        ["今年以来，全区新签约亿元以上项目三", "十个，总投资超过三百亿元，其中十亿", "元以上项目八个。"],
        ["这一成绩从何而来？"],
        ["托育服务覆盖全区"],
        ["全区新建普惠性托育机构十二家，托育", "服务覆盖所有街道，新增托位八百余个", "。"],
    )
    article = parse_article(page)
    assert [s.headline for s in article.sections] == ["招商引资再创新高", "托育服务覆盖全区"]
    assert article.captions == ()  # not lost as a caption
    assert article.sections[0].paragraphs[-1].endswith("项目八个。这一成绩从何而来？")
