"""Article -> per-section bilingual results: Chinese summary, English headline and summary, scores.

    from jb_summarize import load_seed_article, load_summarizer, load_translator
    from jb_summarize.pipeline import summarize_article

    for record in summarize_article(load_seed_article(), load_summarizer(...), load_translator(...)):
        print(record["headline"], record["summary_zh"], record["summary_en"], record["rouge"])

Sections are processed in groups (enough sentences to keep a batching model busy) and yielded as each
group finishes, so a caller can write records as they come (nothing finished is lost if the run
stops) and skip sections it already has. ``summarize_whole_article`` gives the whole article in two or
three sentences (the ``summary`` style, from each section's headline and first sentences), in Chinese and
English.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container, Iterator
from typing import Any

from .article import Article, Section
from .metrics import rouge
from .models.profile import phase
from .results import peak_rss_mb
from .tasks.summarize import Summarizer
from .tasks.translate import Translator

__all__ = [
    "DIGEST_SENTENCES",
    "GROUP_SENTENCES",
    "article_digest",
    "section_digest",
    "summarize_article",
    "summarize_whole_article",
]

# Enough sentences for the default llama.cpp batch (32 sequences) to stay full.
GROUP_SENTENCES = 64
# The article in brief reads each section's headline and first sentences, not the whole text: the whole
# seed as one prompt took 45 s of the 120 s budget on 2 cores (1.5B model).
DIGEST_SENTENCES = 2


def _groups(sections: list[Section], min_sentences: int) -> Iterator[list[Section]]:
    """Consecutive sections, each group holding at least ``min_sentences`` sentences (but the last)."""
    group: list[Section] = []
    for section in sections:
        group.append(section)
        if sum(len(s.sentences) for s in group) >= min_sentences:
            yield group
            group = []
    if group:
        yield group


def section_digest(section: Section) -> str:
    """A short sha256 of a section's headline and body: what its record was made from."""
    text = f"{section.headline or ''}\n{section.body}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def summarize_article(
    article: Article,
    summarizer: Summarizer,
    translator: Translator | None,
    *,
    translate_bodies: bool = True,
    skip_ids: Container[str] = (),
    group_sentences: int = GROUP_SENTENCES,
) -> Iterator[dict[str, Any]]:
    """One record per section: reference headline, Chinese summary, English of both (and of the body),
    character ROUGE of the summary against the headline, and the provenance of every output.

    Sections go to the models in groups of at least ``group_sentences`` sentences, so that a batching
    backend has many sequences to decode at once; the records of a group are yielded when it is done.
    ``group_sentences=1`` handles one section at a time. The ``summarizer`` and ``translator`` info of a
    record describe the call that served its group.
    """
    todo = [s for s in article.sections if s.id not in skip_ids]
    for group in _groups(todo, group_sentences):
        summary_result = summarizer.run([section.body for section in group])
        fields = ["headline_en", "summary_en"] + (["body_en"] if translate_bodies else [])
        translation = None
        if translator is not None:
            texts = [
                text
                for section, summary in zip(group, summary_result.outputs, strict=True)
                for text in [section.headline or "", summary, section.body][: len(fields)]
            ]
            translation = translator.run(texts)
        summarizer_info = summary_result.info.to_dict()
        translator_info = translation.info.to_dict() if translation is not None else None
        for i, (section, summary_zh) in enumerate(zip(group, summary_result.outputs, strict=True)):
            record: dict[str, Any] = {
                "id": section.id,
                "index": section.index,
                "headline": section.headline,
                "summary_zh": summary_zh,
                "n_chars": section.n_chars,
                "source_sha256": section_digest(section),
            }
            if section.bbox is not None:  # where on the page it was read (PDF input)
                record.update(page=section.page, bbox=list(section.bbox))
            if section.headline:
                scores = rouge([summary_zh], [[section.headline]], n_bootstrap=1)
                record["rouge"] = {**scores["per_item"][0], "tokenize": "char"}
            else:
                record["rouge"] = None
            record["summarizer"] = summarizer_info
            if translation is not None:
                first = i * len(fields)
                record.update(zip(fields, translation.outputs[first : first + len(fields)], strict=True))
                record["headline_en"] = record["headline_en"] or None
                record["flagged"] = [
                    fields[j - first] for j in translation.info.flagged if first <= j < first + len(fields)
                ]
                record["flag_reasons"] = {
                    fields[j - first]: translation.info.flag_reasons[str(j)]
                    for j in translation.info.flagged
                    if first <= j < first + len(fields)
                }
                record["translator"] = translator_info
            record["peak_rss_mb"] = round(peak_rss_mb(), 1)
            yield record


def article_digest(article: Article, sentences: int = DIGEST_SENTENCES) -> str:
    """What the article in brief is written from: each section's headline and its first ``sentences``
    sentences (where news sections put their main facts and figures), in reading order."""
    parts = []
    for section in article.sections:
        lead = "".join(section.sentences[:sentences])
        parts.append(f"{section.headline}：{lead}" if section.headline else lead)
    return "\n".join(parts)


def summarize_whole_article(article: Article, summarizer: Summarizer, translator: Translator | None) -> dict[str, Any]:
    """The whole article in two or three sentences that keep the figures (the summariser's ``summary``
    style, written from ``article_digest``), in Chinese and (with a translator) English, with provenance."""
    with phase("article"):
        result = summarizer.run([article_digest(article)], style="summary")
    record: dict[str, Any] = {"id": f"{article.id}:article", "summary_zh": result.outputs[0]}
    record["summarizer"] = result.info.to_dict()
    if translator is not None:
        with phase("article"):
            translation = translator.run([result.outputs[0]])
        record["summary_en"] = translation.outputs[0]
        record["flagged"] = ["summary_en"] if translation.info.flagged else []
        record["translator"] = translation.info.to_dict()
    return record
