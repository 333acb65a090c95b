"""Model registry, locating files, and the backend adapters."""

from .hf import ChatGenerator, Seq2SeqGenerator, TextGenerator
from .hub import ModelNotAvailableError, resolve_model_dir
from .loading import load_generator
from .registry import REGISTRY, ModelSpec, get_spec, models_markdown
from .store import model_home, model_path

__all__ = [
    "REGISTRY",
    "ChatGenerator",
    "ModelNotAvailableError",
    "ModelSpec",
    "Seq2SeqGenerator",
    "TextGenerator",
    "get_spec",
    "load_generator",
    "model_home",
    "model_path",
    "models_markdown",
    "resolve_model_dir",
]
