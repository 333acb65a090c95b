"""Where decoding time goes: model loads, ``llama_decode`` calls, their tokens and how full each call is, per
phase of a job (``with phase("translate"): ...``; nested phases read ``article/translate``).

The llama.cpp backend records into ``PROFILE``; ``jb-summarize run`` writes it into the run's .meta.json
and ``eval/bench.py`` prints it. A call's cost per token falls steeply with its size up to about 32-64 tokens and
little after (``eval/llama_decode_cost.py``), so the tokens-per-call histogram says how much of a phase runs in
small, dear calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["PROFILE", "DecodeProfile", "PhaseStats", "phase"]

_PHASE: ContextVar[str] = ContextVar("jb_summarize_phase", default="")
# upper bounds of the tokens-per-call buckets
BUCKETS = (1, 8, 32, 128, 512)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Label the decoding done inside the block (nested inside another phase: ``outer/name``)."""
    parent = _PHASE.get()
    token = _PHASE.set(f"{parent}/{name}" if parent else name)
    try:
        yield
    finally:
        _PHASE.reset(token)


def _bucket(n: int) -> str:
    low = 1
    for high in BUCKETS:
        if n <= high:
            return str(high) if low == high else f"{low}-{high}"
        low = high + 1
    return f">{BUCKETS[-1]}"


@dataclass
class PhaseStats:
    """The decoding of one phase: ``generate`` calls, prompts, ``llama_decode`` calls and their tokens."""

    generate_calls: int = 0
    prompts: int = 0
    decode_calls: int = 0
    tokens: int = 0  # tokens in all decode calls: prompt tokens read plus sampled tokens fed back
    prompt_tokens: int = 0
    generated: int = 0
    decode_seconds: float = 0.0  # inside llama_decode
    seconds: float = 0.0  # the generate calls in all (tokenising, sampling and detokenising included)
    calls_by_size: dict[str, int] = field(default_factory=dict)
    # the calls that carried only sampled tokens (no prompt): the decode rate of generation alone
    gen_calls: int = 0
    gen_tokens: int = 0
    gen_seconds: float = 0.0

    def to_dict(self, n_batch: int | None = None) -> dict[str, Any]:
        out = asdict(self)
        for key in ("decode_seconds", "seconds", "gen_seconds"):
            out[key] = round(out[key], 2)
        out["tokens_per_call"] = round(self.tokens / self.decode_calls, 1) if self.decode_calls else 0.0
        out["ms_per_token"] = round(1000 * self.decode_seconds / self.tokens, 2) if self.tokens else None
        if n_batch:
            out["fill"] = round(out["tokens_per_call"] / n_batch, 3)
        return out


class DecodeProfile:
    """Counters per phase, and the model loads; cheap enough to be always on."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, *, keep_loads: bool = False) -> None:
        """Start counting again (``keep_loads``: a new job on the models already loaded)."""
        self.phases: dict[str, PhaseStats] = {}
        if not keep_loads:
            self.loads: list[float] = []
            self.n_batch: int | None = None

    def stats(self) -> PhaseStats:
        """The current phase's counters ("other" outside any phase)."""
        return self.phases.setdefault(_PHASE.get() or "other", PhaseStats())

    def record_load(self, seconds: float) -> None:
        self.loads.append(seconds)

    def record_call(self, tokens: int, fed_back: int, seconds: float) -> None:
        """One ``llama_decode`` call of ``tokens`` tokens, ``fed_back`` of them sampled tokens."""
        stats = self.stats()
        stats.decode_calls += 1
        stats.tokens += tokens
        stats.prompt_tokens += tokens - fed_back
        stats.decode_seconds += seconds
        if fed_back == tokens:
            stats.gen_calls += 1
            stats.gen_tokens += tokens
            stats.gen_seconds += seconds
        key = _bucket(tokens)
        stats.calls_by_size[key] = stats.calls_by_size.get(key, 0) + 1

    def record_generate(self, prompts: int, generated: int, seconds: float) -> None:
        stats = self.stats()
        stats.generate_calls += 1
        stats.prompts += prompts
        stats.generated += generated
        stats.seconds += seconds

    def to_dict(self) -> dict[str, Any]:
        phases = {name: s.to_dict(self.n_batch) for name, s in self.phases.items()}
        total = PhaseStats()
        for s in self.phases.values():
            for key in ("generate_calls", "prompts", "decode_calls", "tokens", "prompt_tokens", "generated"):
                setattr(total, key, getattr(total, key) + getattr(s, key))
            for key in ("decode_seconds", "seconds", "gen_calls", "gen_tokens", "gen_seconds"):
                setattr(total, key, getattr(total, key) + getattr(s, key))
            for key, n in s.calls_by_size.items():
                total.calls_by_size[key] = total.calls_by_size.get(key, 0) + n
        return {
            "load_seconds": [round(s, 2) for s in self.loads],
            "n_batch": self.n_batch,
            "phases": phases,
            "total": total.to_dict(self.n_batch),
        }


PROFILE = DecodeProfile()
