"""Scores the way the field reports them, each with a signature that says how it was computed.

- ROUGE-1/2/L F1 (0-100) for Chinese through ``rouge-score`` with a Chinese tokenizer: characters by
  default (as LCSTS, CPT and CLGE report), jieba words as an option. ``rouge-score``'s own tokenizer keeps
  only ``[a-z0-9]`` and scores every Chinese pair 0; here identical Chinese strings score 100.
- BLEU and chrF through sacrebleu (BLEU 13a for English, ``tokenize="zh"`` for Chinese).
- Per-item scores, corpus scores, and 95% bootstrap intervals with a fixed seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from .text import is_cjk

__all__ = ["bleu", "bootstrap_interval", "chrf", "rouge", "score", "tokenize_zh"]

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
SEED = 12345
_LATIN = re.compile(r"[A-Za-z0-9]+")


def tokenize_zh(text: str, mode: str = "char") -> list[str]:
    """Tokens for Chinese ROUGE: single ideographs and lower-cased Latin/digit runs; punctuation dropped."""
    if mode == "jieba":
        try:
            import jieba
        except ImportError as exc:
            raise ImportError("word-level ROUGE needs jieba: pip install jieba") from exc
        jieba.setLogLevel(60)
        return [w.lower() for w in jieba.lcut(text) if any(is_cjk(c) or c.isalnum() for c in w)]
    if mode != "char":
        raise ValueError(f"unknown tokenisation {mode!r}: 'char' or 'jieba'")
    tokens: list[str] = []
    i = 0
    while i < len(text):
        match = _LATIN.match(text, i)
        if match:
            tokens.append(match.group().lower())
            i = match.end()
            continue
        if is_cjk(text[i]):
            tokens.append(text[i])
        i += 1
    return tokens


class _Tokenizer:
    """The object ``rouge_score.RougeScorer(tokenizer=...)`` expects."""

    def __init__(self, mode: str):
        self.mode = mode

    def tokenize(self, text: str) -> list[str]:
        return tokenize_zh(text, self.mode)


def bootstrap_interval(values: Sequence[float], n: int = 1000, seed: int = SEED) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean."""
    if not values:
        return (0.0, 0.0)
    rng = random.Random(seed)
    size = len(values)
    means = sorted(sum(values[rng.randrange(size)] for _ in range(size)) / size for _ in range(n))
    return (means[int(0.025 * (n - 1))], means[int(0.975 * (n - 1))])


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def rouge(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    tokenize: str = "char",
    n_bootstrap: int = 1000,
    seed: int = SEED,
) -> dict[str, Any]:
    """ROUGE-1/2/L F1 (0-100): corpus means, 95% intervals and per-item scores.

    ``references`` is a list of reference streams (like sacrebleu): ``references[k][i]`` is the k-th
    reference of item i; with several, an item scores against its best reference.
    """
    from rouge_score.rouge_scorer import RougeScorer

    _check_aligned(hypotheses, references)
    scorer = RougeScorer(list(ROUGE_TYPES), tokenizer=_Tokenizer(tokenize))
    per_item: list[dict[str, float]] = []
    for i, hypothesis in enumerate(hypotheses):
        refs = [stream[i] for stream in references]
        scores = scorer.score_multi(refs, hypothesis)
        per_item.append({t: round(scores[t].fmeasure * 100, 4) for t in ROUGE_TYPES})
    result: dict[str, Any] = {}
    for t in ROUGE_TYPES:
        values = [item[t] for item in per_item]
        result[t] = round(sum(values) / len(values), 4) if values else 0.0
        result[f"{t}_ci"] = [round(v, 4) for v in bootstrap_interval(values, n_bootstrap, seed)]
    result["per_item"] = per_item
    result["signature"] = (
        f"rouge|f1|tok:{tokenize}|nrefs:{len(references)}|bs:{n_bootstrap}|seed:{seed}"
        f"|rouge-score:{_version('rouge-score')}"
    )
    return result


def _check_aligned(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> None:
    if not references:
        raise ValueError("no references given")
    for k, stream in enumerate(references):
        if len(stream) != len(hypotheses):
            raise ValueError(f"reference {k + 1} has {len(stream)} lines, hypotheses have {len(hypotheses)}")


def _sacrebleu(
    metric: Any, sentence_metric: Any, hypotheses: Sequence[str], references: Sequence[Sequence[str]], n_bootstrap: int
) -> dict[str, Any]:
    _check_aligned(hypotheses, references)
    corpus = metric.corpus_score(list(hypotheses), [list(r) for r in references], n_bootstrap=n_bootstrap)
    per_item = [
        round(float(sentence_metric.sentence_score(h, [r[i] for r in references]).score), 4)
        for i, h in enumerate(hypotheses)
    ]
    out: dict[str, Any] = {"score": round(float(corpus.score), 4)}
    if n_bootstrap > 1:  # sacrebleu reports the bootstrap mean and the half-width of its 95% interval
        mean, half = float(corpus._mean), float(corpus._ci)
        out["ci"] = [round(mean - half, 4), round(mean + half, 4)]
    out["per_item"] = per_item
    out["signature"] = str(metric.get_signature())
    return out


def bleu(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], *, lang: str = "en", n_bootstrap: int = 1000
) -> dict[str, Any]:
    """sacrebleu BLEU: 13a tokenisation for English, ``zh`` for Chinese."""
    from sacrebleu.metrics import BLEU

    tokenize = "zh" if lang == "zh" else "13a"
    sentence_bleu = BLEU(tokenize=tokenize, effective_order=True)  # per-item scores of short lines
    return _sacrebleu(BLEU(tokenize=tokenize), sentence_bleu, hypotheses, references, n_bootstrap)


def chrf(hypotheses: Sequence[str], references: Sequence[Sequence[str]], *, n_bootstrap: int = 1000) -> dict[str, Any]:
    """sacrebleu chrF (character n-gram F-score, beta 2)."""
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    return _sacrebleu(metric, metric, hypotheses, references, n_bootstrap)


def score(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    lang: str,
    tokenize: str = "char",
    n_bootstrap: int = 1000,
    per_item: bool = True,
) -> dict[str, Any]:
    """Every metric for a language: en -> bleu, chrf; zh -> rouge1/2/L and bleu (tokenize='zh')."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    result: dict[str, Any] = {"lang": lang, "n": len(hypotheses), "nrefs": len(references)}
    if lang == "zh":
        rouge_result = rouge(hypotheses, references, tokenize=tokenize, n_bootstrap=n_bootstrap)
        for t in ROUGE_TYPES:
            result[t] = rouge_result[t]
            result[f"{t}_ci"] = rouge_result[f"{t}_ci"]
        result["rouge_signature"] = rouge_result["signature"]
        items = [dict(item) for item in rouge_result["per_item"]]
    else:
        chrf_result = chrf(hypotheses, references, n_bootstrap=n_bootstrap)
        result["chrf"] = chrf_result["score"]
        result["chrf_ci"] = chrf_result.get("ci")
        result["chrf_signature"] = chrf_result["signature"]
        items = [{"chrf": v} for v in chrf_result["per_item"]]
    bleu_result = bleu(hypotheses, references, lang=lang, n_bootstrap=n_bootstrap)
    result["bleu"] = bleu_result["score"]
    result["bleu_ci"] = bleu_result.get("ci")
    result["bleu_signature"] = bleu_result["signature"]
    for item, value in zip(items, bleu_result["per_item"], strict=True):
        item["bleu"] = value
    if per_item:
        result["per_item"] = items
    return result
