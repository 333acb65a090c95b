"""The ``device`` argument, as transformers takes it: -1 / "cpu", 0 / "cuda:0", "cuda", "mps", "auto"."""

from __future__ import annotations

import re

from .hub import ModelNotAvailableError

__all__ = ["check_cuda", "resolve_device"]

_NAMED = re.compile(r"^(cpu|mps|cuda(:\d+)?)$")


def resolve_device(device: str | int | None) -> str:
    """A device spec -> "cpu", "cuda", "cuda:N" or "mps"; "auto" is a GPU when torch sees one.

    An int is a GPU index as in transformers' pipelines (-1 is the CPU); a bad spec is a ValueError."""
    if device is None:
        return "cpu"
    if isinstance(device, bool) or not isinstance(device, int | str):
        raise ValueError(f"device {device!r}: expected cpu, cuda, cuda:N, mps, auto, or a GPU index (-1 for the CPU)")
    text = str(device).strip().lower()
    if re.fullmatch(r"-?\d+", text):
        index = int(text)
        if index < -1:
            raise ValueError(f"device {device!r}: a GPU index is 0 or more (-1 for the CPU)")
        return "cpu" if index == -1 else f"cuda:{index}"
    if text == "auto":
        return _auto()
    if not _NAMED.match(text):
        raise ValueError(f"device {device!r}: expected cpu, cuda, cuda:N, mps, auto, or a GPU index (-1 for the CPU)")
    return text


def _auto() -> str:
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def check_cuda(device: str) -> None:
    """A one-line error when ``device`` asks for a GPU that this torch cannot use."""
    if not device.startswith("cuda"):
        return
    import torch

    if not torch.cuda.is_available():
        build = torch.__version__ + ("" if torch.version.cuda else ", a CPU-only build")
        raise ModelNotAvailableError(f"device {device!r}: torch {build} sees no CUDA GPU; use --device cpu or auto")
    index = int(device.split(":")[1]) if ":" in device else 0
    if index >= torch.cuda.device_count():
        raise ModelNotAvailableError(f"device {device!r}: torch sees {torch.cuda.device_count()} CUDA GPU(s)")
