"""Scores the way the field reports them, each with a signature that says how it was computed.

- ROUGE-1/2/L F1 (0-100) for Chinese through ``rouge-score`` with a Chinese tokenizer: characters by
  default (as LCSTS, CPT and CLGE report), jieba words as an option. ``rouge-score``'s own tokenizer keeps
  only ``[a-z0-9]`` and scores every Chinese pair 0; here identical Chinese strings score 100.
- BLEU, chrF, chrF++ and TER through sacrebleu's public API (BLEU 13a for English, ``tokenize="zh"`` for
  Chinese).
- Per-item scores, corpus scores, 95% intervals and paired significance tests, all by one method: every
  metric is reduced to per-item sufficient statistics (BLEU: lengths and n-gram counts; chrF: character
  n-gram counts, and word n-grams for chrF++; TER: edits and reference length; ROUGE: the item's F1), and
  a corpus score is a function of their sum. Intervals are the 2.5/97.5 percentiles of the corpus score
  over ``n`` bootstrap resamples of the items (seeded); the paired test resamples both systems with the
  same indices (Koehn 2004, as sacrebleu and Moses do it), and its p and its interval of the difference
  both come from those same resamples.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import numpy as np

from .text import is_cjk

__all__ = [
    "METRICS",
    "CorpusStatistics",
    "bleu",
    "bootstrap_interval",
    "chrf",
    "corpus_statistics",
    "default_metrics",
    "paired_bootstrap",
    "rouge",
    "score",
    "ter",
    "tokenize_zh",
]

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
SEED = 12345
_LATIN = re.compile(r"[A-Za-z0-9]+")
_CHRF_ORDER = 6  # character n-grams 1..6, beta 2, whitespace removed: sacrebleu's chrF defaults
_CHRF_BETA = 2
_CHRF_PP_WORDS = 2  # chrF++: word n-grams 1..2 as well
_PUNCTS = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")  # chrF++'s word splitting, as sacrebleu's
METRICS = ("bleu", "chrf", "chrf++", "ter", *ROUGE_TYPES)


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


@dataclass(frozen=True)
class CorpusStatistics:
    """Per-item sufficient statistics of one metric (``items`` rows) and the corpus score of their sum."""

    name: str
    items: np.ndarray  # shape (n_items, n_statistics)
    from_sum: Callable[[np.ndarray], float]
    item_scores: list[float] = field(default_factory=list)  # each item's own (sentence-level) score

    def score(self, rows: np.ndarray | None = None) -> float:
        """The corpus score of all items, or of the rows given (a resample)."""
        stats = self.items if rows is None else self.items[rows]
        return float(self.from_sum(stats.sum(axis=0)))


def _resamples(n_items: int, n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n_items, size=(n, n_items))


def bootstrap_interval(stats: CorpusStatistics, n: int = 1000, seed: int = SEED) -> tuple[float, float]:
    """95% percentile bootstrap interval of the corpus score, ``n`` seeded resamples of the items."""
    if len(stats.items) == 0 or n < 1:
        return (0.0, 0.0)
    scores = np.sort([stats.score(rows) for rows in _resamples(len(stats.items), n, seed)])
    return (float(scores[int(0.025 * (n - 1))]), float(scores[int(0.975 * (n - 1))]))


def paired_bootstrap(
    baseline: CorpusStatistics, system: CorpusStatistics, n: int = 1000, seed: int = SEED
) -> dict[str, Any]:
    """Paired bootstrap test of ``system`` against ``baseline`` on the same items (Koehn 2004).

    Both are resampled with the same indices; ``p`` is the chance of a difference at least as large as the
    one observed when the systems are equal (sacrebleu's ``--paired-bs`` statistic and +1 smoothing; ties count,
    so a system compared with itself gets p = 1).
    ``delta_ci``: 95% percentile interval of system - baseline.
    """
    if baseline.items.shape != system.items.shape or baseline.name != system.name:
        raise ValueError("paired bootstrap needs the same metric over the same items for both systems")
    observed = system.score() - baseline.score()
    rows = _resamples(len(system.items), n, seed)
    deltas = np.array([system.score(r) - baseline.score(r) for r in rows])
    spread = np.abs(deltas)  # centred: the spread of differences when the systems are equal
    p = (int(np.sum(spread - spread.mean() >= abs(observed))) + 1) / (n + 1)
    ordered = np.sort(deltas)
    return {
        "metric": system.name,
        "baseline": round(baseline.score(), 4),
        "system": round(system.score(), 4),
        "delta": round(observed, 4),
        "delta_ci": [round(float(ordered[int(0.025 * (n - 1))]), 4), round(float(ordered[int(0.975 * (n - 1))]), 4)],
        "p": round(p, 4),
        "n_bootstrap": n,
        "seed": seed,
    }


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _check_aligned(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> None:
    if not references:
        raise ValueError("no references given")
    for k, stream in enumerate(references):
        if len(stream) != len(hypotheses):
            raise ValueError(f"reference {k + 1} has {len(stream)} lines, hypotheses have {len(hypotheses)}")


def _interval_fields(stats: CorpusStatistics, n_bootstrap: int, seed: int) -> list[float] | None:
    if n_bootstrap <= 1:
        return None
    return [round(v, 4) for v in bootstrap_interval(stats, n_bootstrap, seed)]


def _method(n_bootstrap: int, seed: int) -> str:
    return f"ci:percentile-bootstrap|bs:{n_bootstrap}|seed:{seed}"


# --- ROUGE -------------------------------------------------------------------------------------------


def _rouge_items(hypotheses: Sequence[str], references: Sequence[Sequence[str]], tokenize: str) -> list[dict]:
    from rouge_score.rouge_scorer import RougeScorer

    _check_aligned(hypotheses, references)
    scorer = RougeScorer(list(ROUGE_TYPES), tokenizer=_Tokenizer(tokenize))
    per_item: list[dict[str, float]] = []
    for i, hypothesis in enumerate(hypotheses):
        scores = scorer.score_multi([stream[i] for stream in references], hypothesis)
        per_item.append({t: round(scores[t].fmeasure * 100, 4) for t in ROUGE_TYPES})
    return per_item


def _mean_statistics(name: str, values: Sequence[float]) -> CorpusStatistics:
    """A metric whose corpus score is the mean of its item scores: statistics (score, 1)."""
    items = np.array([[v, 1.0] for v in values], dtype=np.float64).reshape(-1, 2)
    return CorpusStatistics(name, items, lambda s: s[0] / s[1] if s[1] else 0.0)


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
    per_item = _rouge_items(hypotheses, references, tokenize)
    result: dict[str, Any] = {}
    for t in ROUGE_TYPES:
        stats = _mean_statistics(t, [item[t] for item in per_item])
        result[t] = round(stats.score(), 4) if per_item else 0.0
        result[f"{t}_ci"] = _interval_fields(stats, n_bootstrap, seed)
    result["per_item"] = per_item
    result["signature"] = (
        f"rouge|f1|tok:{tokenize}|nrefs:{len(references)}|{_method(n_bootstrap, seed)}"
        f"|rouge-score:{_version('rouge-score')}"
    )
    return result


# --- BLEU and chrF (sacrebleu) --------------------------------------------------------------------------


def _bleu_metric(lang: str, sentence: bool = False) -> Any:
    from sacrebleu.metrics import BLEU

    tokenize = "zh" if lang == "zh" else "13a"
    return BLEU(tokenize=tokenize, effective_order=sentence)


def _bleu_statistics(hypotheses: Sequence[str], references: Sequence[Sequence[str]], lang: str) -> CorpusStatistics:
    from sacrebleu.metrics import BLEU

    sentence_bleu = _bleu_metric(lang, sentence=True)  # effective order: the per-item scores of short lines
    rows, scores = [], []
    for i, hypothesis in enumerate(hypotheses):
        s = sentence_bleu.sentence_score(hypothesis, [stream[i] for stream in references])
        rows.append([s.sys_len, s.ref_len, *s.counts, *s.totals])
        scores.append(float(s.score))
    items = np.array(rows, dtype=np.float64).reshape(-1, 10)

    def from_sum(s: np.ndarray) -> float:
        counts, totals = [int(v) for v in s[2:6]], [int(v) for v in s[6:10]]
        return BLEU.compute_bleu(counts, totals, int(s[0]), int(s[1]), smooth_method="exp").score

    return CorpusStatistics("bleu", items, from_sum, scores)


def _words(text: str) -> list[str]:
    """Words with a leading or trailing punctuation mark split off (sacrebleu's chrF++ tokenisation)."""
    words: list[str] = []
    for w in text.split():
        if len(w) > 1 and w[-1] in _PUNCTS:
            words += [w[:-1], w[-1]]
        elif len(w) > 1 and w[0] in _PUNCTS:
            words += [w[0], w[1:]]
        else:
            words.append(w)
    return words


def _char_ngrams(text: str, word_order: int = 0) -> list[Counter]:
    from sacrebleu.metrics.helpers import extract_all_char_ngrams, extract_word_ngrams

    ngrams = extract_all_char_ngrams(text, _CHRF_ORDER, False)
    if word_order:
        words = _words(text)
        ngrams += [extract_word_ngrams(words, n) for n in range(1, word_order + 1)]
    return ngrams


def _chrf_from_sum(s: np.ndarray) -> float:
    """sacrebleu's chrF of summed (hyp, ref, match) counts per order: effective-order averaged P and R, in
    sacrebleu's own order of operations, so that scores agree to the last bit."""
    factor = _CHRF_BETA**2
    avg_prec, avg_rec, effective_order = 0.0, 0.0, 0
    for n in range(len(s) // 3):
        n_hyp, n_ref, n_match = s[3 * n : 3 * n + 3]
        if n_hyp > 0 and n_ref > 0:
            avg_prec += n_match / n_hyp
            avg_rec += n_match / n_ref
            effective_order += 1
    if not effective_order:
        return 0.0
    avg_prec /= effective_order
    avg_rec /= effective_order
    if not avg_prec + avg_rec:
        return 0.0
    score = (1 + factor) * avg_prec * avg_rec
    score /= (factor * avg_prec) + avg_rec
    return float(100 * score)


def _chrf_statistics(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], word_order: int = 0
) -> CorpusStatistics:
    rows, scores = [], []
    for i, hypothesis in enumerate(hypotheses):
        hyp = _char_ngrams(hypothesis, word_order)
        best: list[float] = []
        best_score = -1.0
        for ref_text in (stream[i] for stream in references):  # several references: the best-scoring one
            ref = _char_ngrams(ref_text, word_order)
            row = [  # as sacrebleu: an order the reference is too short for counts no hypothesis n-grams
                float(v)
                for h, r in zip(hyp, ref, strict=True)
                for v in (sum(h.values()) if r else 0, sum(r.values()), sum((h & r).values()))
            ]
            row_score = _chrf_from_sum(np.array(row))
            if row_score > best_score:
                best, best_score = row, row_score
        rows.append(best)
        scores.append(best_score)
    items = np.array(rows, dtype=np.float64).reshape(-1, 3 * (_CHRF_ORDER + word_order))
    return CorpusStatistics("chrf++" if word_order else "chrf", items, _chrf_from_sum, scores)


def _ter_statistics(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> CorpusStatistics:
    """TER: (edits, average reference length) per item; the corpus score is 100 * edits / length."""
    from sacrebleu.metrics import TER

    metric = TER()
    rows, scores = [], []
    for i, hypothesis in enumerate(hypotheses):
        s = metric.sentence_score(hypothesis, [stream[i] for stream in references])
        rows.append([s.num_edits, s.ref_length])
        scores.append(float(s.score))

    def from_sum(s: np.ndarray) -> float:
        return 100 * s[0] / s[1] if s[1] > 0 else (100.0 if s[0] > 0 else 0.0)

    return CorpusStatistics("ter", np.array(rows, dtype=np.float64).reshape(-1, 2), from_sum, scores)


def corpus_statistics(
    metric: str,
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    lang: str = "en",
    tokenize: str = "char",
) -> CorpusStatistics:
    """Per-item statistics of ``metric`` (bleu, chrf, rouge1, rouge2, rougeL), for intervals and paired tests."""
    _check_aligned(hypotheses, references)
    if metric == "bleu":
        return _bleu_statistics(hypotheses, references, lang)
    if metric in ("chrf", "chrf++"):
        return _chrf_statistics(hypotheses, references, _CHRF_PP_WORDS if metric == "chrf++" else 0)
    if metric == "ter":
        return _ter_statistics(hypotheses, references)
    if metric in ROUGE_TYPES:
        return _mean_statistics(metric, [item[metric] for item in _rouge_items(hypotheses, references, tokenize)])
    raise ValueError(f"unknown metric {metric!r}: {', '.join(METRICS)}")


def _sacrebleu(
    metric: Any,
    stats: CorpusStatistics,
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    n_bootstrap: int,
) -> dict[str, Any]:
    """The corpus score and signature from sacrebleu; per-item scores and the interval from the statistics."""
    corpus = metric.corpus_score(list(hypotheses), [list(r) for r in references])
    out: dict[str, Any] = {"score": round(float(corpus.score), 4)}
    if n_bootstrap > 1:
        out["ci"] = _interval_fields(stats, n_bootstrap, SEED)
    out["per_item"] = [round(v, 4) for v in stats.item_scores]
    out["signature"] = f"{metric.get_signature()}|{_method(n_bootstrap, SEED)}"
    return out


def bleu(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], *, lang: str = "en", n_bootstrap: int = 1000
) -> dict[str, Any]:
    """sacrebleu BLEU: 13a tokenisation for English, ``zh`` for Chinese."""
    _check_aligned(hypotheses, references)
    stats = _bleu_statistics(hypotheses, references, lang)
    return _sacrebleu(_bleu_metric(lang), stats, hypotheses, references, n_bootstrap)


def chrf(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], *, n_bootstrap: int = 1000, word_order: int = 0
) -> dict[str, Any]:
    """sacrebleu chrF (character n-gram F-score, beta 2); ``word_order=2`` is chrF++."""
    from sacrebleu.metrics import CHRF

    _check_aligned(hypotheses, references)
    stats = _chrf_statistics(hypotheses, references, word_order)
    return _sacrebleu(CHRF(word_order=word_order), stats, hypotheses, references, n_bootstrap)


def ter(hypotheses: Sequence[str], references: Sequence[Sequence[str]], *, n_bootstrap: int = 1000) -> dict[str, Any]:
    """sacrebleu TER (translation edit rate, 0-100+: lower is better)."""
    from sacrebleu.metrics import TER

    _check_aligned(hypotheses, references)
    return _sacrebleu(TER(), _ter_statistics(hypotheses, references), hypotheses, references, n_bootstrap)


def default_metrics(lang: str) -> list[str]:
    """What ``score`` reports for a language: en -> bleu, chrf; zh -> rouge1/2/L and bleu."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    return [*ROUGE_TYPES, "bleu"] if lang == "zh" else ["bleu", "chrf"]


def score(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    lang: str,
    tokenize: str = "char",
    n_bootstrap: int = 1000,
    per_item: bool = True,
    metrics: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The ``metrics`` (default: ``default_metrics(lang)``; any of ``METRICS``), each with its 95% interval and
    signature (``NAME_ci``, ``NAME_signature``; one ``rouge_signature`` for ROUGE); BLEU tokenises zh for zh."""
    names = list(dict.fromkeys(metrics or default_metrics(lang)))
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    unknown = [m for m in names if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric {unknown[0]!r}: {', '.join(METRICS)}")
    result: dict[str, Any] = {"lang": lang, "n": len(hypotheses), "nrefs": len(references)}
    items: list[dict[str, float]] = [{} for _ in hypotheses]
    if any(m in ROUGE_TYPES for m in names):
        rouge_result = rouge(hypotheses, references, tokenize=tokenize, n_bootstrap=n_bootstrap)
        for t in (m for m in names if m in ROUGE_TYPES):
            result[t] = rouge_result[t]
            result[f"{t}_ci"] = rouge_result[f"{t}_ci"]
            for item, values in zip(items, rouge_result["per_item"], strict=True):
                item[t] = values[t]
        result["rouge_signature"] = rouge_result["signature"]
    for name in (m for m in names if m not in ROUGE_TYPES):
        if name == "bleu":
            found = bleu(hypotheses, references, lang=lang, n_bootstrap=n_bootstrap)
        elif name == "ter":
            found = ter(hypotheses, references, n_bootstrap=n_bootstrap)
        else:
            words = _CHRF_PP_WORDS if name == "chrf++" else 0
            found = chrf(hypotheses, references, n_bootstrap=n_bootstrap, word_order=words)
        result[name] = found["score"]
        result[f"{name}_ci"] = found.get("ci")
        result[f"{name}_signature"] = found["signature"]
        for item, value in zip(items, found["per_item"], strict=True):
            item[name] = value
    if per_item:
        result["per_item"] = items
    return result
