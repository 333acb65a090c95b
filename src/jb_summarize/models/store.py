"""Where the library keeps model files it manages itself (GGUF weights): ``$JB_SUMMARIZE_HOME/models``."""

from __future__ import annotations

import os
from pathlib import Path

from .registry import ModelSpec

__all__ = ["model_home", "model_path"]


def model_home() -> Path:
    """``$JB_SUMMARIZE_HOME/models``, by default ``~/.cache/jb_summarize/models``."""
    root = os.environ.get("JB_SUMMARIZE_HOME") or Path.home() / ".cache" / "jb_summarize"
    return Path(root).expanduser() / "models"


def model_path(spec: ModelSpec) -> Path | None:
    """The path a single-file model (GGUF) has once fetched; None for models kept in the HF cache."""
    return model_home() / spec.file if spec.file else None
