"""Models: the registry, fetching and verifying weights, the CPU, and the backend adapters behind one
contract (``base.py``). What the CLI and the tasks use is exported here; the rest is internal."""

from .base import GREEDY, Decoding, FailedOutput, TextGenerator
from .cpu import REPACK_ENV, choose_decode_plan, choose_weight_layout, cpu_info
from .device import resolve_device
from .fetch import ModelFileError, check_model_file, fetch_model, is_present, model_state
from .hf import ChatGenerator, HFGenerator, Seq2SeqGenerator, quiet_transformers
from .hub import ModelNotAvailableError, in_hub_cache, resolve_model_dir
from .loading import load_generator, provenance, split_generator_options
from .probe import ProbeResult, build_check_model, probe_gguf
from .profile import PROFILE, phase
from .registry import REGISTRY, ModelSpec, get_spec, models_markdown
from .server import OpenAIChatGenerator, ServerUnavailableError
from .store import model_home, model_path

__all__ = [
    "GREEDY",
    "PROFILE",
    "REGISTRY",
    "REPACK_ENV",
    "ChatGenerator",
    "Decoding",
    "FailedOutput",
    "HFGenerator",
    "ModelFileError",
    "ModelNotAvailableError",
    "ModelSpec",
    "OpenAIChatGenerator",
    "ProbeResult",
    "Seq2SeqGenerator",
    "ServerUnavailableError",
    "TextGenerator",
    "build_check_model",
    "check_model_file",
    "choose_decode_plan",
    "choose_weight_layout",
    "cpu_info",
    "fetch_model",
    "get_spec",
    "in_hub_cache",
    "is_present",
    "load_generator",
    "model_home",
    "model_path",
    "model_state",
    "models_markdown",
    "phase",
    "probe_gguf",
    "provenance",
    "quiet_transformers",
    "resolve_device",
    "resolve_model_dir",
    "split_generator_options",
]
