"""Optional dependencies: the core install reads pages, writes extractive summaries, talks to servers and
scores; model backends and dataset inputs come as extras (``pip install 'jb-summarize[hf]'``)."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(ImportError):
    """A feature whose optional dependency is not installed: one line that names the extra."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """``module`` imported, or a ``MissingExtraError`` saying which extra ``feature`` needs."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{feature} needs {module.split('.')[0]}, which is not installed: pip install 'jb-summarize[{extra}]'"
        ) from exc
