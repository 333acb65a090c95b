"""Article -> per-section bilingual results: Chinese summary, English headline and summary, scores.

    from jb_summarize import load_seed_article, load_summarizer, load_translator
    from jb_summarize.pipeline import summarize_article

    for record in summarize_article(load_seed_article(), load_summarizer(...), load_translator(...)):
        print(record["headline"], record["summary_zh"], record["summary_en"], record["rouge"])

Sections are processed one at a time and yielded as finished, so a caller can write each record as
it comes (nothing is lost if the run stops) and skip sections it already has.
"""

from __future__ import annotations

import resource
import sys
from collections.abc import Collection, Iterator
from typing import Any

from .article import Article
from .metrics import rouge
from .summarize import Summarizer
from .translate import Translator

__all__ = ["peak_rss_mb", "summarize_article"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def summarize_article(
    article: Article,
    summarizer: Summarizer,
    translator: Translator | None,
    *,
    translate_bodies: bool = True,
    skip_ids: Collection[str] = (),
) -> Iterator[dict[str, Any]]:
    """One record per section: reference headline, Chinese summary, English of both (and of the body),
    character ROUGE of the summary against the headline, and the provenance of every output."""
    for section in article.sections:
        if section.id in skip_ids:
            continue
        summary_result = summarizer.run([section.body])
        summary_zh = summary_result.outputs[0]
        record: dict[str, Any] = {
            "id": section.id,
            "index": section.index,
            "headline": section.headline,
            "summary_zh": summary_zh,
            "n_chars": section.n_chars,
        }
        if section.headline:
            scores = rouge([summary_zh], [[section.headline]], n_bootstrap=1)
            record["rouge"] = {**scores["per_item"][0], "tokenize": "char"}
        else:
            record["rouge"] = None
        record["summarizer"] = summary_result.info.to_dict()
        if translator is not None:
            texts = [section.headline or "", summary_zh] + ([section.body] if translate_bodies else [])
            result = translator.run(texts)
            record["headline_en"] = result.outputs[0] or None
            record["summary_en"] = result.outputs[1]
            if translate_bodies:
                record["body_en"] = result.outputs[2]
            fields = ["headline_en", "summary_en", "body_en"]
            record["flagged"] = [fields[i] for i in result.info.flagged]
            record["translator"] = result.info.to_dict()
        record["peak_rss_mb"] = round(peak_rss_mb(), 1)
        yield record
