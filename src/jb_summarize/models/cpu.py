"""What this CPU can do, and which llama.cpp weight layout is safe and fast on it.

llama.cpp can keep a model's weights in "extra buffer types": copies repacked for the CPU's fastest matmul
kernels (AVX2 / AVX-512 interleaved blocks, and on CPUs with Intel AMX, AMX tiles). The library loads the
weights plain (``use_extra_bufts = False``) unless told otherwise, on every CPU, by measurement:

- On Intel Xeons with AMX (Sapphire Rapids and later: ``amx_tile amx_int8 amx_bf16`` in /proc/cpuinfo)
  llama-cpp-python 0.3.36 built natively crashes in ``ggml_backend_amx_mul_mat`` with repacked weights;
  plain, it decodes correctly, and faster (whole seed article 121.3 s, 1.40 GB, against 128.0 s, 2.00 GB
  for a build without AMX kernels and repacked weights).
- On AMD EPYC (AVX-512) plain weights are faster for the batched decoding the library does (whole seed
  article 75.6 / 78.8 s against 90.8 / 95.9 s repacked, two runs each; 62 sentences at batch 32: 50.8 /
  54.0 s against 57.5 / 63.9 s) and need 0.6 GB less memory (1.39 against 1.98 GB). Repacked weights win
  only one sequence at a time (batch 1: 114.6 s against 135.1 s): ``JB_SUMMARIZE_REPACK_WEIGHTS=on``.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "REPACK_ENV", "CPUInfo", "DecodePlan", "WeightLayout", "choose_decode_plan", "choose_weight_layout", "cpu_info",
    "cpu_kind", "parse_repack_setting",
]  # fmt: skip

REPACK_ENV = "JB_SUMMARIZE_REPACK_WEIGHTS"
# The flags that decide which kernels llama.cpp can use, in the order doctor prints them.
FEATURES = (
    "sse4_2", "avx", "f16c", "fma", "bmi2", "avx2", "avx_vnni", "avx512f", "avx512bw", "avx512vl",
    "avx512_vnni", "avx512_bf16", "avx512vbmi", "amx_tile", "amx_int8", "amx_bf16", "amx_fp16",
)  # fmt: skip
AMX_FLAGS = ("amx_tile", "amx_int8", "amx_bf16", "amx_fp16", "amx_complex")


@dataclass(frozen=True)
class CPUInfo:
    model: str
    flags: frozenset[str]
    family: str = ""  # /proc/cpuinfo's "cpu family" and "model": which generation behind a vague model name
    model_number: str = ""

    @property
    def generation(self) -> str:
        """ "family 25 model 17" (AMD Zen 4 behind a plain "AMD EPYC"), or "" where /proc/cpuinfo has none."""
        return f"family {self.family} model {self.model_number}" if self.family else ""

    @property
    def amx(self) -> list[str]:
        return [flag for flag in AMX_FLAGS if flag in self.flags]

    @property
    def features(self) -> list[str]:
        return [flag for flag in FEATURES if flag in self.flags]

    @property
    def kind(self) -> str:
        """The CPU kind that decides llama.cpp's kernels: "AMX", "AVX-512", "AVX2" or "other"."""
        return cpu_kind(self.flags)


def cpu_kind(flags: frozenset[str] | set[str]) -> str:
    """ "AMX" (Intel Sapphire Rapids and later), "AVX-512", "AVX2" or "other", from /proc/cpuinfo flags."""
    if any(flag in flags for flag in AMX_FLAGS):
        return "AMX"
    if "avx512f" in flags:
        return "AVX-512"
    if "avx2" in flags:
        return "AVX2"
    return "other"


def _read_cpuinfo(path: Path) -> CPUInfo:
    model, flags, family, number = "", "", "", ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and not model:
            model = value.strip()
        elif key == "flags" and not flags:
            flags = value
        elif key == "cpu family" and not family:
            family = value.strip()
        elif key == "model" and not number:
            number = value.strip()
    return CPUInfo(
        model=model or platform.processor() or platform.machine(),
        flags=frozenset(flags.split()),
        family=family,
        model_number=number,
    )


@lru_cache(maxsize=1)
def cpu_info() -> CPUInfo:
    """This machine's CPU model and flags (from /proc/cpuinfo; no flags where there is none)."""
    return _read_cpuinfo(Path("/proc/cpuinfo"))


@dataclass(frozen=True)
class WeightLayout:
    """Whether llama.cpp may repack the weights into its extra buffer types, and why."""

    repack: bool
    reason: str

    @property
    def name(self) -> str:
        return "repacked" if self.repack else "plain"


_ON = ("1", "true", "yes", "on")
_OFF = ("0", "false", "no", "off")


def parse_repack_setting(value: bool | str | None) -> bool | None:
    """True / False for on / off, None for auto; a word it does not know is a ``ValueError``."""
    if value is None or isinstance(value, bool):
        return value
    word = value.strip().lower()
    if word in ("", "auto"):
        return None
    if word in _ON:
        return True
    if word in _OFF:
        return False
    raise ValueError(f"repack_weights / {REPACK_ENV} must be auto, on or off, got {value!r}")


def choose_weight_layout(flags: frozenset[str] | set[str], setting: bool | str | None = None) -> WeightLayout:
    """The weight layout for a CPU with these flags.

    ``setting`` (True / False / "auto"; None reads ``JB_SUMMARIZE_REPACK_WEIGHTS``, default auto) forces a
    layout. Auto is plain weights everywhere: required on CPUs that report AMX (the AMX matmul crashes
    there), and measured faster for batched decoding, and smaller, elsewhere (module docstring).
    """
    forced = parse_repack_setting(setting if setting is not None else os.environ.get(REPACK_ENV))
    if forced is not None:
        source = "repack_weights" if setting is not None else REPACK_ENV
        return WeightLayout(forced, f"{source}={'on' if forced else 'off'}")
    amx = [flag for flag in AMX_FLAGS if flag in flags]
    if amx:
        return WeightLayout(
            False,
            f"the CPU has AMX ({' '.join(amx)}): llama.cpp's AMX matmul crashes there, so weights stay unpacked",
        )
    return WeightLayout(
        False, "plain weights decode batches faster and take 0.6 GB less than repacked ones (models.md)"
    )


@dataclass(frozen=True)
class DecodePlan:
    """llama.cpp's decoding settings for a CPU: threads, tokens per ``llama_decode`` call (``n_batch``) and
    sequences in flight (``batch_size``), and why."""

    n_threads: int
    n_batch: int
    batch_size: int
    reason: str


# The per-kind rule. A call of N tokens costs less per token the larger N is, up to about 32-64 tokens a call
# (eval/llama_decode_cost.py, 1.5B Q4_K_M, ms per token): AVX-512 EPYC 31.8-44 at 1, 10.7-17.6 at 32, 9.8-12.9
# at 64, 11.9-12.8 at 128-512 (two machines); one generation step of 32, 48 or 64 sequences 15.0, 14.6, 15.0;
# AVX2-only EPYC 77.3 at 1, 26.5 at 32, 20.2-23.1 at 64. Past that a token costs about the same: the AVX2 figures
# of 7.0 ms at 256 and 3.9 at 512 were an artifact of the tool (its calls over 100 tokens carried 100). So more
# than 32 sequences in flight gains little on AVX-512 (measured), and perhaps 15-25% on AVX2 (from the 64-token
# call, not measured on a whole run there, so not the default). n_batch 512 reads prompts in the fewest calls.
_PLANS = {
    "AMX": (512, 32, "AMX Xeon: measured at 32 sequences and n_batch 512 (121.3 s whole seed)"),
    "AVX-512": (512, 32, "AVX-512: 32 sequences already reach ~10 ms/token; n_batch 512 for prompts"),
    "AVX2": (512, 32, "AVX2 only: 26.5 ms/token at 32 tokens a call, 20-23 at 64; 64 sequences not measured in a run"),
    "other": (512, 32, "no AVX2: the library's defaults"),
}


def choose_decode_plan(flags: frozenset[str] | set[str], cores: int | None = None) -> DecodePlan:
    """The decoding settings for a CPU with these flags and ``cores`` logical CPUs (default: this machine's).

    Threads: one per logical CPU up to 8 (on the 2-core machines 4 threads made decoding slower, 18 against
    29.8 tokens/s); n_batch and sequences in flight by CPU kind (``_PLANS``).
    """
    cores = cores or os.cpu_count() or 1
    n_batch, batch_size, reason = _PLANS[cpu_kind(flags)]
    threads = max(1, min(8, cores))
    return DecodePlan(threads, n_batch, batch_size, f"{reason}; {threads} threads for {cores} CPUs")
