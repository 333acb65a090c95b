"""What a task call returns: outputs plus the facts needed to reproduce them."""

from __future__ import annotations

import platform
import sys
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import metadata
from typing import Any

__all__ = ["RunInfo", "TaskResult", "library_versions", "peak_rss_mb"]


@cache
def library_versions() -> dict[str, str]:
    """Versions of this library and the ones that shape its outputs."""
    versions = {"python": platform.python_version()}
    for dist in ("jb-summarize", "transformers", "torch", "tokenizers", "sentencepiece", "llama-cpp-python"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return versions


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (0.0 where the platform does not say: Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


@dataclass
class RunInfo:
    """Where outputs came from: model, revision or file hash, backend, decoding parameters, versions."""

    task: str
    model: str
    source: str
    backend: str
    revision: str | None = None
    sha256: str | None = None
    decoding: dict[str, Any] = field(default_factory=dict)
    runtime: dict[str, Any] = field(default_factory=dict)  # CPU, llama.cpp weight layout, threads
    versions: dict[str, str] = field(default_factory=library_versions)
    n_inputs: int = 0
    n_units: int = 0
    retried: int = 0
    flagged: list[int] = field(default_factory=list)  # inputs whose output still failed a check after retry
    flag_reasons: dict[str, list[str]] = field(default_factory=dict)  # str(input index) -> checks it failed
    notes: list[str] = field(default_factory=list)  # decoding options the backend could not honour
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TaskResult:
    outputs: list[str]
    info: RunInfo

    def __len__(self) -> int:
        return len(self.outputs)
