"""Summarisers: extractive baselines (TextRank, Lead) and model-backed ones behind one API.

summarizer = load_summarizer("extractive")        # or "lead", a registry name, a folder, a hub id
summarizer.summarize(["...", "..."])              # -> list[str], one summary per input
summarizer.run(texts).info                        # model, revision/hash, decoding, versions
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import pairwise
from typing import Any, ClassVar

from ..models.base import FailedOutput, TextGenerator
from ..models.loading import load_generator, split_generator_options
from ..models.registry import ModelSpec
from ..results import RunInfo, TaskResult
from ..sentences import sentences_of, split_clauses
from ..text import is_cjk
from .base import ModelTask, Task, decoding_with_defaults
from .prompts import clean_paragraph_answer, clean_summary_answer, summary_messages

__all__ = [
    "BUILTIN_SUMMARIZERS",
    "MAX_RANKED_UNITS",
    "STYLES",
    "ExtractiveSummarizer",
    "LeadSummarizer",
    "ModelSummarizer",
    "Summarizer",
    "load_summarizer",
    "textrank_scores",
]

_TRAILING_PUNCT = "，、：；,;:。"
_CLAUSE_PUNCT = "，、：；,;:"
# Summary styles and their length budget in characters (when max_chars is not given): a headline-style
# line, or two or three sentences that keep the figures.
STYLES = {"headline": 30, "summary": 120}


class Summarizer(Task):
    """Base class: ``summarize(texts) -> list[str]``; ``run(texts)`` also returns provenance.

    ``style``: "headline" (one headline-style line, 30 characters unless ``max_chars`` says otherwise) or
    "summary" (two or three sentences that keep the figures, 120 characters)."""

    task = "summarize"
    output_field = "summary"
    style = "headline"
    max_chars: int | None = None
    choices: ClassVar[Mapping[str, Collection[str]]] = {"style": STYLES}

    @property
    def budget(self) -> int:
        """The length budget in characters: ``max_chars``, else the style's."""
        return self.max_chars or STYLES[self.style]

    def summarize(
        self,
        texts: str | Iterable[str],
        *,
        batch_size: int | None = None,
        show_progress_bar: bool = False,
        **options: Any,
    ) -> str | list[str]:
        """A string for a string, a list (one output per input, in order) for a list; ``options``: any of
        ``call_options`` for this call only."""
        return self.outputs(texts, batch_size=batch_size, show_progress_bar=show_progress_bar, **options)

    def summarize_iterable(
        self, texts: Iterable[str], *, batch_size: int | None = None, chunk_size: int = 256, **options: Any
    ) -> Iterator[str]:
        """Summaries of a stream of texts, in order, holding ``chunk_size`` texts at a time."""
        return self.iterable(texts, batch_size=batch_size, chunk_size=chunk_size, **options)


# --- extractive -----------------------------------------------------------------------------------


def _grams(text: str) -> set[str]:
    """Character unigrams and bigrams of the Chinese and alphanumeric characters."""
    chars = [c for c in text if is_cjk(c) or c.isalnum()]
    return set(chars) | {a + b for a, b in pairwise(chars)}


# TextRank ranks at most this many units (sentences, or clauses) of a text: the first ones. Later units
# are never chosen, so that a text of any length is summarised in bounded time and memory (1 MB in < 1 s).
MAX_RANKED_UNITS = 1000


def textrank_scores(units: Sequence[str], damping: float = 0.85, iterations: int = 50) -> list[float]:
    """TextRank (Mihalcea & Tarau 2004) with character n-gram overlap as similarity (numpy; the shared-gram
    counts come from an index of the grams, so the cost is that of the pairs that share one)."""
    import numpy as np

    n = len(units)
    if n <= 1:
        return [1.0] * n
    grams = [_grams(u) for u in units]
    holders: dict[str, list[int]] = {}
    for i, unit_grams in enumerate(grams):
        for gram in unit_grams:
            holders.setdefault(gram, []).append(i)
    shared = np.zeros((n, n), dtype=np.float64)
    for rows in holders.values():
        if len(rows) > 1:
            index = np.asarray(rows)
            shared[np.ix_(index, index)] += 1.0
    np.fill_diagonal(shared, 0.0)
    logs = np.log(np.array([len(g) for g in grams], dtype=np.float64) + 1.0)
    weights = shared / (logs[:, None] + logs[None, :])
    out_sums = weights.sum(axis=1)
    # column j of the transition: row j of weights over its out-sum (a unit linked to none gives nothing)
    transition = np.divide(weights, out_sums[:, None], out=np.zeros_like(weights), where=out_sums[:, None] > 0)
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = (1 - damping) / n + damping * (transition.T @ scores)
        converged = np.max(np.abs(new - scores)) < 1e-8
        scores = new
        if converged:
            break
    return scores.tolist()


def _clauses(sentence: str) -> list[str]:
    return [c for c in split_clauses(sentence) if c.strip()]


def _fit(units: list[str], order: list[int], max_chars: int | None, max_units: int, contiguous: bool) -> list[int]:
    """Take units in ``order`` while they fit ``max_chars`` (skipping misfits unless ``contiguous``)."""
    chosen: list[int] = []
    used = 0
    for i in order:
        if len(chosen) >= max_units:
            break
        length = len(units[i])
        if max_chars is None or used + length <= max_chars:
            chosen.append(i)
            used += length
        elif contiguous:
            break
    return chosen


def _select(text: str, rank: bool, max_chars: int | None, max_units: int, headline: bool = True) -> str:
    """Sentences (else clauses) of ``text`` within the budget; a headline drops its final punctuation."""
    trailing = _TRAILING_PUNCT if headline else _CLAUSE_PUNCT
    sentences = sentences_of(text)
    if not sentences:
        return ""
    for units in (sentences, [c for s in sentences for c in _clauses(s)]):
        if rank:
            units = units[:MAX_RANKED_UNITS]
            scores = textrank_scores(units)
            order = sorted(range(len(units)), key=lambda i: (-scores[i], i))
        else:
            order = list(range(len(units)))
        chosen = _fit(units, order, max_chars, max_units, contiguous=not rank)
        if chosen:
            return "".join(units[i] for i in sorted(chosen)).rstrip(trailing)
    # Not even a clause fits: cut the best clause at the budget.
    best = units[order[0]]
    return best[:max_chars].rstrip(trailing)


class _SelectingSummarizer(Summarizer):
    rank = False
    call_options = ("max_chars", "max_sentences", "to_simplified", "style")

    def __init__(
        self,
        max_chars: int | None = None,
        max_sentences: int = 3,
        batch_size: int | None = None,
        to_simplified: bool = False,
        style: str = "headline",
    ):
        if max_chars is not None and max_chars < 1:
            raise ValueError(f"max_chars must be positive, got {max_chars}")
        self._check_choices({"style": style})
        self.max_chars = max_chars
        self.max_sentences = max_sentences
        self.batch_size = batch_size  # nothing to batch here; taken so that every task takes the same options
        self.to_simplified = to_simplified
        self.style = style

    def _run(self, texts: list[str], batch_size: int | None, progress: bool) -> TaskResult:
        headline = self.style == "headline"
        outputs = [_select(t, self.rank, self.budget, self.max_sentences, headline) for t in texts]
        info = RunInfo(
            task="summarize",
            model=self.name,
            source="builtin",
            backend="builtin",
            decoding={"max_chars": self.budget, "max_sentences": self.max_sentences, "style": self.style},
            n_inputs=len(texts),
            n_units=len(texts),
        )
        return TaskResult(outputs, info)


class ExtractiveSummarizer(_SelectingSummarizer):
    """TextRank over sentences (clauses when no sentence fits ``max_chars``), output in document order."""

    name = "extractive"
    rank = True


class LeadSummarizer(_SelectingSummarizer):
    """The leading sentences (or clauses) that fit ``max_chars``."""

    name = "lead"
    rank = False


# --- model-backed ---------------------------------------------------------------------------------


class ModelSummarizer(ModelTask, Summarizer):
    """A seq2seq model (input: the text) or a chat model (input: a headline prompt) as a summariser.

    Input longer than the model's limit is summarised chunk by chunk (at sentence boundaries), and the
    joined chunk summaries are summarised again.
    """

    example_kind = "summary"
    call_options = (
        "max_chars",
        "max_new_tokens",
        "num_beams",
        "no_repeat_ngram_size",
        "repetition_penalty",
        "to_simplified",
        "examples",
        "style",
    )

    def __init__(
        self,
        generator: TextGenerator,
        *,
        spec: ModelSpec | None = None,
        max_chars: int | None = None,
        num_beams: int | None = None,
        no_repeat_ngram_size: int | None = None,
        max_new_tokens: int | None = None,
        batch_size: int | None = None,
        repetition_penalty: float | None = None,
        to_simplified: bool = False,
        examples: int = 0,
        example_pool: Sequence[tuple[str, str]] | None = None,
        style: str = "headline",
    ):
        self._check_choices({"style": style})
        decoding, asked = decoding_with_defaults(
            spec,
            {"num_beams": 1, "no_repeat_ngram_size": 3},
            num_beams=num_beams,
            no_repeat_ngram_size=no_repeat_ngram_size,
            repetition_penalty=repetition_penalty,
        )
        super().__init__(
            generator,
            spec=spec,
            decoding=decoding,
            asked=asked,
            batch_size=batch_size,
            examples=examples,
            example_pool=example_pool,
        )
        self.max_chars = max_chars
        self.to_simplified = to_simplified
        self.style = style
        self.max_new_tokens = max_new_tokens

    @property
    def _new_tokens(self) -> int:
        """Room for the answer: ``max_new_tokens``, else the model's default for a headline, else twice the
        budget; never more than the model can give."""
        default = (self.spec.decoding if self.spec else {}).get("max_new_tokens") if self.style == "headline" else None
        wanted = self.max_new_tokens or default or max(16, self.budget * 2)
        return min(wanted, self.generator.max_output_tokens or wanted)

    def _input_budget(self) -> int:
        # room for the prompt's own tokens on chat models
        return self.generator.max_input_tokens - (96 if self._is_chat else 0)

    def _chunks(self, text: str) -> list[str]:
        budget = self._input_budget()
        if self.generator.count_tokens(text) <= budget:
            return [text]
        chunks: list[str] = []
        current = ""
        for sentence in sentences_of(text):
            candidate = current + sentence
            if current and self.generator.count_tokens(candidate) > budget:
                chunks.append(current)
                current = sentence
            else:
                current = candidate
        if current:
            chunks.append(current)
        return chunks

    def _summaries(self, texts: list[str], batch_size: int, progress: bool) -> list[str]:
        def prompt(text: str) -> list[dict[str, str]]:
            shots = self._shots(text) if self.style == "headline" else []  # the bundled examples are headlines
            return summary_messages(text, self.budget, examples=shots, style=self.style)

        outputs = self._generate(
            texts,
            prompt=prompt,
            clean=clean_summary_answer if self.style == "headline" else clean_paragraph_answer,
            max_new_tokens=[self._new_tokens] * len(texts),
            decoding=self.decoding,
            batch_size=batch_size,
            progress=progress,
        )
        # the budget holds for models too: cut at a sentence or clause boundary
        return [
            o
            if isinstance(o, FailedOutput)
            else _select(o, rank=False, max_chars=self.budget, max_units=len(o), headline=self.style == "headline")
            for o in outputs
        ]

    def _run(self, texts: list[str], batch_size: int | None, progress: bool) -> TaskResult:
        batch_size = self._batch_size(batch_size)
        pending = [self._chunks(t) for t in texts]
        rounds = 0
        # Map-reduce: summarise chunks, join, and repeat until every input is one chunk.
        while any(len(chunks) > 1 for chunks in pending):
            rounds += 1
            flat = [(i, c) for i, chunks in enumerate(pending) if len(chunks) > 1 for c in chunks]
            summaries = self._summaries([c for _, c in flat], batch_size, progress)
            joined: dict[int, list[str]] = {}
            for (i, _), summary in zip(flat, summaries, strict=True):
                joined.setdefault(i, []).append(summary)
            for i, parts in joined.items():
                merged = "。".join(p.rstrip("。") for p in parts if p) + "。"
                new_chunks = self._chunks(merged)
                # a round that does not shrink the input ends in a hard cut rather than an endless loop
                pending[i] = new_chunks if len(new_chunks) < len(pending[i]) else [merged]
        outputs = self._summaries([chunks[0] for chunks in pending], batch_size, progress)
        info = self._info(
            used=[self.decoding],
            decoding={
                "max_new_tokens": self._new_tokens,
                "max_chars": self.budget,
                "style": self.style,
                "batch_size": batch_size,
                "reduce_rounds": rounds,
                "examples": self.examples,
            },
            n_inputs=len(texts),
            n_units=sum(len(c) for c in pending),
            flagged=[i for i, o in enumerate(outputs) if isinstance(o, FailedOutput)],
            flag_reasons={str(i): ["failed"] for i, o in enumerate(outputs) if isinstance(o, FailedOutput)},
        )
        return TaskResult(outputs, info)


BUILTIN_SUMMARIZERS = {"extractive": ExtractiveSummarizer, "lead": LeadSummarizer}


def load_summarizer(name_or_path: str | Any = "extractive", **options: Any) -> Summarizer:
    """A summariser by registry name ('extractive', 'lead', 'mt5-xlsum', ...), local folder or hub id, or
    over a transformers model already loaded (``tokenizer=`` beside it) or a transformers pipeline.

    Options: ``style`` ("headline" or "summary"), ``max_chars`` (default: the style's budget); for models
    also ``num_beams``, ``no_repeat_ngram_size``, ``max_new_tokens``, ``batch_size``, ``device``,
    ``max_input_tokens``.
    """
    generator_options, options = split_generator_options(options)
    builtin = BUILTIN_SUMMARIZERS.get(name_or_path.lower()) if isinstance(name_or_path, str) else None
    if builtin is not None:
        if options.get("examples"):
            raise ValueError(f"examples= (--examples) is for chat models; the {name_or_path} summariser takes none")
        options.pop("examples", None)
        return builtin(**options)  # no weights: adapter options (device, offline, ...) do not apply
    generator, spec = load_generator(name_or_path, task="summarize", **generator_options)
    return ModelSummarizer(generator, spec=spec, **options)
