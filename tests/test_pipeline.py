"""The article pipeline: sections in groups, one record per section, flags on the right section."""

from __future__ import annotations

import pytest

from helpers import FakeGenerator
from jb_summarize import load_seed_article, load_summarizer
from jb_summarize.amounts import DIGITS
from jb_summarize.pipeline import summarize_article
from jb_summarize.tasks.translate import Translator

MARK = "档案馆"  # occurs in one section of the seed


def respond(text, decoding) -> str:
    """Figures kept (Chinese digits as figures), every other character spelt out; the marked section stays
    Chinese."""
    if MARK in text:
        return "still 江北"
    return "".join(c if c.isascii() else str(DIGITS[c]) if c in DIGITS else "ab" for c in text)


@pytest.mark.parametrize("group_sentences", [1, 20, 1000])
def test_records_and_flags_do_not_depend_on_grouping(group_sentences: int) -> None:
    article = load_seed_article()
    generator = FakeGenerator(respond, max_input_tokens=400)
    records = list(
        summarize_article(
            article,
            load_summarizer("lead"),
            Translator(generator, glossary={}, names=False),
            group_sentences=group_sentences,
        )
    )
    assert [r["id"] for r in records] == [s.id for s in article.sections]
    for record, section in zip(records, article.sections, strict=True):
        assert record["headline"] == section.headline
        assert record["flagged"] == (["body_en"] if MARK in section.body else [])
        assert set(record["flag_reasons"]) == set(record["flagged"]) and all(record["flag_reasons"].values())
        assert record["body_en"].count("\n") == section.body.count("\n")
    assert sum(1 for r in records if r["flagged"]) == 1
    # one first-pass model call per group: one per section, a few, or one for the whole article
    first_passes = sum(1 for c in generator.calls if c["num_beams"] == 1)
    expected = {1: range(len(article.sections), len(article.sections) + 1), 20: range(2, 6), 1000: range(1, 2)}
    assert first_passes in expected[group_sentences]


def test_finished_sections_are_skipped() -> None:
    article = load_seed_article()
    done = {article.sections[0].id, article.sections[3].id}
    records = list(summarize_article(article, load_summarizer("lead"), None, skip_ids=done))
    assert [r["id"] for r in records] == [s.id for s in article.sections if s.id not in done]
