"""Decode a few tokens of a GGUF model in a child process, so that a native crash is reported, not suffered.

``python -m jb_summarize.models.probe FILE [--repack-weights auto|on|off]`` loads the model as the library
does, decodes two short prompts together (batched, as real runs are) and prints one JSON line, with the decode
rate: tokens generated per second of ``llama_decode`` after the prompts are read (``NEW_TOKENS`` each).
``probe_gguf`` runs that in a child and turns a signal, a timeout or an error into one line.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .cpu import REPACK_ENV
from .profile import PhaseStats

__all__ = ["ProbeResult", "build_check_model", "probe_command", "probe_gguf"]

PROMPTS = ("江北区去年新增就业2.5万人。", "宁波是一座港口城市。")
NEW_TOKENS = 16


@dataclass
class ProbeResult:
    path: str
    ok: bool
    seconds: float
    detail: str  # the decoded text, or what went wrong, in one line
    layout: str | None = None  # "repacked" or "plain", as the child chose it
    signal: str | None = None  # e.g. "SIGSEGV" when the child was killed by a signal
    tokens_per_s: float | None = None  # generated tokens per second of decoding, two sequences in flight

    def to_dict(self) -> dict:
        return asdict(self)


def build_check_model(folder: Path) -> Path | str:
    """A small random Qwen2 GGUF whose Q4_0 matrices take the same repacked / AMX kernels as real models;
    a sentence instead when the packages it needs are missing."""
    try:
        from ..article import seed_text
        from .random_init import build_qwen2_gguf

        return build_qwen2_gguf(folder / "check.gguf", [seed_text()], hidden=256, layers=1, quant="Q4_0")
    except ImportError as exc:
        return f"skipped: the check model needs {exc.name} (install the `llama` extra)"


def probe_command(path: str | Path, repack_weights: str | None = None) -> list[str]:
    """The child's command line (``repack_weights`` None: the child reads the environment, as a run would)."""
    command = [sys.executable, "-m", "jb_summarize.models.probe", str(path)]
    return [*command, "--repack-weights", repack_weights] if repack_weights else command


def _crash_advice(layout: str | None) -> str:
    if layout != "plain":
        return f"set {REPACK_ENV}=off (plain weights, no AMX / repacked kernels) and run `jb-summarize doctor` again"
    return "reinstall llama-cpp-python for this CPU (`make setup` builds it without the AMX kernels; see README)"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def probe_gguf(path: str | Path, *, repack_weights: str | None = None, timeout: float = 300.0) -> ProbeResult:
    """Load ``path`` and decode a few tokens in a child process; never raises for what the child does."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            probe_command(path, repack_weights),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )
    except subprocess.TimeoutExpired:
        return ProbeResult(str(path), False, time.perf_counter() - start, f"no answer within {timeout:g} s")
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    layout = report.get("layout")
    if done.returncode == 0 and report:
        return ProbeResult(str(path), True, seconds, report.get("text", ""), layout, None, report.get("tokens_per_s"))
    if done.returncode < 0:
        number = -done.returncode
        name = _signal_name(number)
        return ProbeResult(
            str(path),
            False,
            seconds,
            f"llama.cpp crashed with {name} (signal {number}) while loading or decoding; {_crash_advice(layout)}",
            layout,
            name,
        )
    errors = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    last = errors[-1] if errors else f"exit code {done.returncode}"
    return ProbeResult(str(path), False, seconds, last, layout)


def decode_rate(stats: PhaseStats) -> float | None:
    """Sampled tokens fed back per second of the calls that carried only them (the decode rate, prompts
    excluded); None when there were none."""
    if not stats.gen_calls or stats.gen_seconds <= 0:
        return None
    return round(stats.gen_tokens / stats.gen_seconds, 1)


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jb_summarize.models.probe", description=__doc__)
    parser.add_argument("gguf")
    parser.add_argument("--repack-weights", choices=("auto", "on", "off"), help=f"default: {REPACK_ENV}, else auto")
    args = parser.parse_args(argv)
    from .cpu import choose_weight_layout, cpu_info
    from .llamacpp import LlamaCppGenerator
    from .profile import PROFILE

    layout = choose_weight_layout(cpu_info().flags, args.repack_weights)
    # Said before loading, so that a crash in the native code still tells which layout was in use.
    print(json.dumps({"layout": layout.name}), flush=True)
    generator = LlamaCppGenerator(args.gguf, n_ctx=1024, batch_size=2, repack_weights=layout.repack)
    messages = [[{"role": "user", "content": prompt}] for prompt in PROMPTS]
    texts = generator.generate(messages, max_new_tokens=[NEW_TOKENS] * len(PROMPTS))
    report = {"layout": layout.name, "text": " | ".join(texts), "tokens_per_s": decode_rate(PROFILE.stats())}
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
