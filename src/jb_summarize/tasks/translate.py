"""Chinese-to-English translation over any backend, sentence by sentence, nothing dropped.

    translator = load_translator("opus-mt-zh-en")   # a registry name, a local folder or a hub id
    translator.translate(["第一段。第二句。", "..."])   # -> list[str], as many outputs as inputs
    translator.run(texts).info                       # model, revision/hash, decoding, retries, flags

Each input is split into paragraphs (newlines) and sentences; units too long for the model are split
further at clause boundaries. Units are translated in length-sorted batches and reassembled in the
input's layout. By default every call (the API, the CLI, batch runs, eval) gives the model the bundled
glossary (or the user's, which comes first) and the places, people and organisations that ``names.find_names``
finds, and checks the output. An output that loops, keeps Chinese characters, is shorter than its source,
drops or changes a figure (by value: 2.5万 is 25,000, never 2.5 million), lacks a name, names another place
or misses a glossary term, or is empty, is retried with beam search, a repetition penalty and a stricter
prompt; ``info.flag_reasons`` lists every check it still fails.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from ..amounts import counts, find_amounts, missing_amounts, missing_counts
from ..amounts import rewrite_amounts as english_amounts
from ..glossary import find_terms, load_glossary
from ..models.base import Decoding, FailedOutput, TextGenerator
from ..models.loading import load_generator, split_generator_options
from ..models.registry import ModelSpec
from ..names import Name, article_names, find_names, missing_names, wrong_places
from ..results import TaskResult
from ..sentences import sentences_of, split_clauses
from .base import ModelTask, decoding_with_defaults
from .checks import has_cjk, has_repetition_loop
from .prompts import clean_translation_answer, name_messages, translation_messages

__all__ = ["DEFAULT_TRANSLATOR", "Translator", "load_translator", "segment"]

DEFAULT_TRANSLATOR = "qwen2.5-coder-1.5b-instruct-q4_k_m"
RETRY_DECODING = {"num_beams": 4, "repetition_penalty": 1.3, "no_repeat_ngram_size": 3}
# Quality presets: how many candidates each unit gets (the greedy one and samples at a low temperature);
# the one the others agree with most (chrF) among those that pass the checks is kept.
QUALITY = {"fast": {"candidates": 1}, "best": {"candidates": 4, "temperature": 0.5}}
# Document context, at most CONTEXT_CHARS: "previous" shows each prompt the source text before its unit;
# "previous-pair" gives that text and its English (from a first pass without context) as an earlier chat turn.
CONTEXTS = ("none", "previous", "previous-pair")
CONTEXT_CHARS = 150
# "headline": the text is a headline, written as an English news headline rather than a gloss.
STYLES = ("text", "headline")
UNITS = ("sentence", "paragraph")
# How bad each problem is, to choose between a first answer and its retry.
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}年")


def _invented_years(source: str, output: str) -> bool:
    """A year in the English that the Chinese does not name (去年 is "last year", never a guessed 2021)."""
    if _CHINESE_YEAR.search(source):
        return False  # 二〇二一年: written in Chinese numerals, not compared here
    named = set(_YEAR.findall(source))
    return any(year not in named for year in _YEAR.findall(output.replace(",", "")))


_SEVERITY = {"failed": 6, "empty": 5, "loop": 4, "too short": 4, "number": 3, "place": 3, "untranslated": 2}
_SEVERITY |= {"name": 2, "glossary": 1}


def _pack(pieces: list[str], fits: Callable[[str], bool]) -> list[str]:
    """Greedily join consecutive pieces while the joined text still fits."""
    packed: list[str] = []
    for piece in pieces:
        if packed and fits(packed[-1] + piece):
            packed[-1] += piece
        else:
            packed.append(piece)
    return packed


def _split_to_fit(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Split text that does not fit at sentence, then clause, then character boundaries."""
    if fits(text):
        return [text]
    for splitter in (sentences_of, split_clauses):
        pieces = splitter(text)
        if len(pieces) > 1:
            return [part for piece in _pack(pieces, fits) for part in _split_to_fit(piece, fits)]
    if len(text) <= 1:
        return [text]
    half = len(text) // 2
    return _split_to_fit(text[:half], fits) + _split_to_fit(text[half:], fits)


def segment(text: str, fits: Callable[[str], bool], unit: str = "sentence") -> list[list[str]]:
    """The paragraphs of a text (split at newlines), each a list of translation units.

    ``"".join`` of all units gives back the text without its newlines and the spaces around units.
    """
    paragraphs: list[list[str]] = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            paragraphs.append([])
        elif unit == "paragraph":
            paragraphs.append(_split_to_fit(paragraph, fits))
        else:
            paragraphs.append([u for s in sentences_of(paragraph) for u in _split_to_fit(s, fits)])
    return paragraphs


def _badness(problems: list[str]) -> tuple[int, int]:
    return (max((_SEVERITY[p] for p in problems), default=0), len(problems))


def _agreement_choice(candidates: list[str], usable: list[bool]) -> int:
    """Minimum Bayes risk with chrF as the utility: the usable candidate closest on average to the others
    (all candidates when none is usable); ties go to the earlier one (the greedy answer first)."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    pool = [i for i, ok in enumerate(usable) if ok] or list(range(len(candidates)))
    if len(pool) == 1:
        return pool[0]

    def expected_utility(i: int) -> float:
        return sum(chrf.sentence_score(candidates[i], [candidates[j]]).score for j in pool if j != i)

    return max(pool, key=lambda i: (expected_utility(i), -i))


class Translator(ModelTask):
    """A translation task over one generator (seq2seq or chat). Build once, call on lists."""

    task = "translate"
    output_field = "translation"
    example_kind = "translation"
    call_options = (
        "num_beams",
        "no_repeat_ngram_size",
        "repetition_penalty",
        "forbid_chinese",
        "unit",
        "retry",
        "rewrite_amounts",
        "to_simplified",
        "examples",
        "quality",
        "consistent_names",
        "names",
        "context",
        "preceding",
        "style",
    )
    choices: ClassVar[Mapping[str, Collection[str]]] = {
        "unit": UNITS,
        "quality": QUALITY,
        "context": CONTEXTS,
        "style": STYLES,
    }

    def __init__(
        self,
        generator: TextGenerator,
        *,
        spec: ModelSpec | None = None,
        glossary: Mapping[str, str] | None = None,
        batch_size: int | None = None,
        num_beams: int | None = None,
        no_repeat_ngram_size: int | None = None,
        repetition_penalty: float | None = None,
        unit: str = "sentence",
        retry: bool = True,
        rewrite_amounts: bool = True,
        forbid_chinese: bool | None = None,
        to_simplified: bool = False,
        examples: int = 0,
        example_pool: Sequence[tuple[str, str]] | None = None,
        quality: str = "fast",
        consistent_names: bool = False,
        names: bool = True,
        context: str = "none",
        preceding: Sequence[str | None] | None = None,
        style: str = "text",
    ):
        self._check_choices({"unit": unit, "quality": quality, "context": context, "style": style})
        decoding, asked = decoding_with_defaults(
            spec,
            {"num_beams": 1, "forbid_chinese": True},  # Chinese tokens forbidden unless told otherwise
            num_beams=num_beams,
            no_repeat_ngram_size=no_repeat_ngram_size,
            repetition_penalty=repetition_penalty,
            forbid_chinese=forbid_chinese,
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
        # None: the bundled glossary (an example of one; the user's replaces it), {}: none
        self.glossary = load_glossary() if glossary is None else dict(glossary)
        self.names = names
        self.unit = unit
        self.retry = retry
        self.rewrite_amounts = rewrite_amounts
        self.to_simplified = to_simplified
        self.quality = quality
        self.consistent_names = consistent_names
        self.context = context
        self.preceding = preceding
        self.style = style
        self._hints: dict[str, str] = {}  # the article's names, translated once (consistent_names)

    def _fits(self, text: str) -> bool:
        # chat prompts add their instructions (and the glossary) around the unit
        room = self.generator.max_input_tokens - (160 if self._is_chat else 0)
        return self.generator.count_tokens(text) <= room

    def _max_new_tokens(self, unit: str) -> int:
        wanted = int(self.generator.count_tokens(unit) * (2.5 if self._is_chat else 2.0)) + 16
        return min(1024, self.generator.max_output_tokens or 1024, wanted)

    def _required_numbers(self, source: str) -> list[str]:
        """What a retry's prompt names: the amounts in English and the counts of things of ``source``."""
        amounts = [a.english for a in find_amounts(source) if a.english and a.values]
        return list(dict.fromkeys([*amounts, *(str(c) for c in counts(source))]))

    def _names_of(self, source: str) -> list[Name]:
        """The names found in ``source`` that no glossary term found there covers (the glossary comes first)."""
        if not self.names:
            return []
        terms = [zh for zh, _ in find_terms(source, {**self._hints, **self.glossary})]
        return [n for n in find_names(source) if not any(n.zh in t or t in n.zh for t in terms)]

    def _problems(self, source: str, output: str) -> list[str]:
        """Every check the output fails (none: it is fine), the worst first."""
        if isinstance(output, FailedOutput):
            return ["failed"]  # the backend gave no output (a request the server rejected)
        if not output.strip():
            return ["empty"]
        problems = []
        if has_repetition_loop(output):
            problems.append("loop")
        if has_cjk(output):
            problems.append("untranslated")
        if len(output) < sum(1 for c in source if not c.isspace()):
            problems.append("too short")  # English is longer than the Chinese it translates: an echo or a stub
        if missing_amounts(source, output) or missing_counts(counts(source), output):
            problems.append("number")  # an amount lost or off by a power of ten; 8个 / 两个 / 三大 dropped
        elif _invented_years(source, output):
            problems.append("number")  # "in 2021" for 去年: a year the source never names
        names = self._names_of(source)
        if missing_names(names, output):
            problems.append("name")
        terms = find_terms(source, self.glossary)
        if self.names and wrong_places(source, output, names, dict(terms)):
            problems.append("place")  # Nanjing for 江北
        if any(en.lower() not in output.lower() for _, en in terms):
            problems.append("glossary")
        return sorted(problems, key=lambda p: -_SEVERITY[p])

    def _problem(self, source: str, output: str) -> str | None:
        """The worst check the output fails, or None."""
        problems = self._problems(source, output)
        return problems[0] if problems else None

    def _translate_units(
        self,
        units: list[str],
        batch_size: int,
        progress: bool,
        decoding: Decoding,
        strict: bool = False,
        before: Mapping[str, tuple[str, str]] | None = None,
        label: str = "translate",
    ) -> list[str]:
        contexts = [(before or {}).get(u, ("", "")) for u in units]
        names = [{n.zh: n.english for n in self._names_of(u)} for u in units]
        if self.rewrite_amounts:
            units = [english_amounts(u) for u in units]
        context_of = dict(zip(units, contexts, strict=True))
        names_of = dict(zip(units, names, strict=True))

        def prompt(unit: str) -> list[dict[str, str]]:
            shots = self._shots(unit)
            glossary = {**names_of[unit], **self._hints, **self.glossary}
            required = self._required_numbers(unit) if strict else ()
            required_names = list(names_of[unit].values()) if strict else ()
            context, context_english = context_of[unit]
            return translation_messages(
                unit,
                glossary=glossary,
                strict=strict,
                examples=shots,
                numbers=required,
                names=required_names,
                context=context,
                context_english=context_english,
                headline=self.style == "headline",
            )

        return self._generate(
            units,
            prompt=prompt,
            clean=clean_translation_answer,
            max_new_tokens=[self._max_new_tokens(u) for u in units],
            decoding=decoding,
            batch_size=batch_size,
            progress=progress,
            label=label,
        )

    def _context(self, layouts: list[list[list[str]]], batch_size: int, progress: bool) -> dict[str, tuple[str, str]]:
        """Each unit's document context: (the source before it, its English under "previous-pair", else "")."""
        before = self._units_before(layouts)
        if self.context != "previous-pair" or not before:
            return {unit: (text, "") for unit, text in before.items()}
        sources = list(dict.fromkeys(t for t in before.values() if t))
        english_units = self._translate_units(sources, batch_size, progress, self.decoding, label="context")
        english = dict(zip(sources, english_units, strict=True))
        return {unit: (text, english.get(text, "")) for unit, text in before.items()}

    def _units_before(self, layouts: list[list[list[str]]]) -> dict[str, str]:
        """The source text before each unit: the unit before it (for a text's first unit, the end of
        ``preceding[i]`` where given, else the last unit of the text before it in the call)."""
        if self.context == "none":
            return {}
        if self.preceding is not None and len(self.preceding) != len(layouts):
            raise ValueError(f"preceding has {len(self.preceding)} texts for {len(layouts)} inputs")
        before: dict[str, str] = {}
        previous = ""
        for i, layout in enumerate(layouts):
            if self.preceding is not None:
                previous = self.preceding[i] or ""
            for unit in (u for para in layout for u in para):
                before.setdefault(unit, previous[-CONTEXT_CHARS:])
                previous = unit
        return before

    def _article_names(self, texts: list[str], batch_size: int) -> dict[str, str]:
        """The names in ``texts`` that the glossary lacks, each translated once (kept when the English is a
        short name without Chinese)."""
        names = [n for n in article_names(texts) if n not in self.glossary]
        if not names or not self._is_chat:
            return {}
        english = self._generate(
            names,
            prompt=name_messages,
            clean=clean_translation_answer,
            max_new_tokens=[24] * len(names),
            decoding=self.decoding,
            batch_size=batch_size,
            progress=False,
            label="names",
        )
        return {
            zh: en for zh, en in zip(names, english, strict=True) if en and not has_cjk(en) and len(en.split()) <= 8
        }

    def _run(self, texts: list[str], batch_size: int | None, progress: bool) -> TaskResult:
        """Translate every text; ``outputs`` has exactly one string per input."""
        if self.consistent_names:  # the names first, then every sentence with the same English for them
            call = copy.copy(self)
            call.consistent_names = False
            call._hints = self._article_names(texts, self._batch_size(batch_size))
            result = call._run(texts, batch_size, progress)
            result.info.decoding["article_names"] = call._hints
            return result
        batch_size = self._batch_size(batch_size)
        layouts = [segment(t, self._fits, self.unit) for t in texts]
        unique = list(dict.fromkeys(u for layout in layouts for para in layout for u in para))
        before = self._context(layouts, batch_size, progress)
        outputs = self._translate_units(unique, batch_size, progress, self.decoding, before=before)
        translated = dict(zip(unique, outputs, strict=True))
        used = [self.decoding]
        preset = QUALITY[self.quality]
        if preset["candidates"] > 1 and unique:
            sampled = self.decoding.replace(temperature=preset["temperature"], seed=1)
            used.append(sampled)
            extra = preset["candidates"] - 1
            samples = self._translate_units(
                unique * extra, batch_size, progress, sampled, before=before, label="candidates"
            )
            for k, unit in enumerate(unique):
                candidates = [translated[unit], *samples[k :: len(unique)]]
                usable = [not self._problem(unit, c) for c in candidates]
                translated[unit] = candidates[_agreement_choice(candidates, usable)]

        problems = {u: self._problems(u, translated[u]) for u in unique}
        failing = [u for u, problem in problems.items() if problem]
        # A loop is retried with a repetition penalty; anything else without one (it garbles figures
        # like 774,000). Both get beams (where the backend has them) and a stricter prompt.
        groups = {is_loop: [u for u in failing if ("loop" in problems[u]) is is_loop] for is_loop in (True, False)}
        for is_loop, group in groups.items():
            if not group or not self.retry:
                continue
            decoding = self.decoding.replace(**(RETRY_DECODING if is_loop else {}))
            decoding = decoding.replace(num_beams=max(self.decoding.num_beams or 1, RETRY_DECODING["num_beams"]))
            used.append(decoding)
            retried = self._translate_units(
                group, batch_size, False, decoding, strict=True, before=before, label="retry"
            )
            for unit, output in zip(group, retried, strict=True):
                problem = self._problems(unit, output)
                # keep the retry unless it is worse than the first answer (its worst problem, then how many)
                if _badness(problem) <= _badness(problems[unit]):
                    translated[unit], problems[unit] = output, problem
        bad = {u for u in failing if problems[u]}

        outputs = ["\n".join(" ".join(translated[u] for u in para) for para in layout) for layout in layouts]
        reasons = {
            i: sorted({p for para in layout for u in para if u in bad for p in problems[u]})
            for i, layout in enumerate(layouts)
        }
        flagged = [i for i, why in reasons.items() if why]
        info = self._info(
            used=used,
            decoding={
                "batch_size": batch_size,
                "unit": self.unit,
                "retry": RETRY_DECODING if self.retry else None,
                "rewrite_amounts": self.rewrite_amounts,
                "to_simplified": self.to_simplified,
                "examples": self.examples,
                "quality": self.quality,
                "consistent_names": bool(self._hints) or self.consistent_names,
                "names": self.names,
                "context": self.context,
                "style": self.style,
                "glossary_terms": len(self.glossary),
            },
            n_inputs=len(texts),
            n_units=len(unique),
            retried=len(failing) if self.retry else 0,
            flagged=flagged,
            flag_reasons={str(i): reasons[i] for i in flagged},
        )
        return TaskResult(outputs, info)

    def translate(
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

    def translate_iterable(
        self, texts: Iterable[str], *, batch_size: int | None = None, chunk_size: int = 256, **options: Any
    ) -> Iterator[str]:
        """Translations of a stream of texts, in order, holding ``chunk_size`` texts at a time."""
        return self.iterable(texts, batch_size=batch_size, chunk_size=chunk_size, **options)


def load_translator(name_or_path: str | Any = DEFAULT_TRANSLATOR, **options: Any) -> Translator:
    """A translator by registry name ('opus-mt-zh-en', 'nllb-200-distilled-600m', ...), folder or hub id, or
    over a transformers model already loaded (``tokenizer=`` beside it) or a transformers pipeline.

    Options: ``batch_size``, ``num_beams``, ``glossary`` (dict zh -> en; default the bundled one, ``{}`` none),
    ``names`` (place, person and organisation names found in the text as prompt hints and checks; on),
    ``unit`` ('sentence' or 'paragraph'), ``retry``, ``rewrite_amounts`` (178亿元 -> 17.8 billion yuan before
    translating, on by default), ``device``, ``max_input_tokens``, ``src_lang``/``tgt_lang`` (NLLB, M2M100).
    """
    generator_options, options = split_generator_options(options)
    generator, spec = load_generator(name_or_path, task="translate", **generator_options)
    return Translator(generator, spec=spec, **options)
