"""Build a text generator from a short name, a local folder or a hub id."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from .base import TextGenerator
from .ct2 import CT2Seq2SeqGenerator
from .device import resolve_device
from .fetch import check_model_file, fetch_model, model_state
from .hf import ChatGenerator, Seq2SeqGenerator, generator_from_model
from .hub import ModelNotAvailableError, resolve_model_dir
from .llamacpp import LlamaCppGenerator
from .registry import ModelSpec, get_spec
from .server import PREFIX as SERVER_PREFIX
from .server import OpenAIChatGenerator
from .store import model_path

__all__ = ["GENERATOR_OPTIONS", "load_generator", "offline_requested", "provenance", "split_generator_options"]

log = logging.getLogger(__name__)

# What an OpenAI-compatible server generator takes (models/server.py).
_SERVER_OPTIONS = ("base_url", "api_key", "request_timeout", "total_timeout", "max_retries", "seed")

# Options that go to the backend adapter; everything else goes to the task object, and ``batch_size``
# (inputs decoded at once) to both.
GENERATOR_OPTIONS = (
    "batch_size",
    "device",
    "max_input_tokens",
    "dtype",
    "backend",
    "offline",
    "n_threads",
    "n_ctx",
    "n_batch",
    "flash_attn",
    "kv_cache_type",
    "repack_weights",
    "src_lang",
    "tgt_lang",
    "compute_type",
    "inter_threads",
    "intra_threads",
    "max_batch_tokens",
    "tokenizer",
    *_SERVER_OPTIONS,
)
_CT2_OPTIONS = ("compute_type", "inter_threads", "intra_threads", "max_batch_tokens")


def split_generator_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(adapter options, task options)."""
    adapter = {k: v for k, v in options.items() if k in GENERATOR_OPTIONS}
    task = {k: v for k, v in options.items() if k not in GENERATOR_OPTIONS or k == "batch_size"}
    return adapter, task


# Language codes of multilingual seq2seq families, for folders that are not in the registry.
_LANG_CODES = {"NllbTokenizer": ("zho_Hans", "eng_Latn"), "M2M100Tokenizer": ("zh", "en")}


def _detect_langs(model_dir: Path) -> tuple[str | None, str | None]:
    config = model_dir / "tokenizer_config.json"
    if not config.is_file():
        return None, None
    tokenizer_class = json.loads(config.read_text(encoding="utf-8")).get("tokenizer_class", "")
    for name, langs in _LANG_CODES.items():
        if tokenizer_class.startswith(name.removesuffix("Tokenizer")):
            return langs
    return None, None


def load_generator(
    name_or_path: str | Any, *, task: str, device: str | int | None = None, **options: Any
) -> tuple[TextGenerator, ModelSpec | None]:
    """The adapter for a model, and its registry entry (see ``_load_generator``); the load is logged."""
    start = time.perf_counter()
    generator, spec = _load_generator(name_or_path, task=task, device=device, **options)
    log.info(
        "loaded %s for %s: %s on %s in %.1f s",
        generator.source,
        task,
        generator.backend,
        getattr(generator, "device", "cpu"),
        time.perf_counter() - start,
    )
    return generator, spec


def _load_generator(
    name_or_path: str | Any, *, task: str, device: str | int | None = None, **options: Any
) -> tuple[TextGenerator, ModelSpec | None]:
    """The adapter for a model, and its registry entry when it has one.

    ``name_or_path``: a registry name, a folder, a hub id, a GGUF file, ``openai:MODEL`` for a model behind an
    OpenAI-compatible server (``base_url``, ``api_key``; see ``server.py``); or a transformers model already
    loaded (with ``tokenizer=``) or a transformers pipeline, used as it is (on its own device unless
    ``device`` says otherwise). ``backend``: llama.cpp (default) or transformers for GGUF models;
    transformers (default) or ctranslate2 for seq2seq models. ``device``: as in transformers: "cpu" or -1
    (default), "cuda", "cuda:N" or N, "mps", "auto" (a GPU when torch sees one). Other options go to the
    adapter that takes them.
    """
    explicit = device is not None
    device = resolve_device(device)
    if not isinstance(name_or_path, str | os.PathLike):
        device = device if explicit else None
        taken = ("tokenizer", "max_input_tokens", "batch_size", "src_lang", "tgt_lang", "source")
        return generator_from_model(name_or_path, device=device, **{k: options[k] for k in taken if k in options}), None
    name_or_path = str(name_or_path)
    if name_or_path.startswith(SERVER_PREFIX):  # an OpenAI-compatible server: base_url, api_key, ...
        taken = {k: options[k] for k in (*_SERVER_OPTIONS, "batch_size") if k in options}
        model = name_or_path.removeprefix(SERVER_PREFIX)
        return OpenAIChatGenerator(model, max_input_tokens=options.get("max_input_tokens"), **taken), None
    spec = get_spec(name_or_path)
    if spec is not None and task not in spec.tasks:
        raise ModelNotAvailableError(f"model {spec.name!r} does not do {task} (it does: {', '.join(spec.tasks)})")
    max_input = options.pop("max_input_tokens", None) or (spec.decoding.get("max_input_tokens") if spec else None)
    backend = options.pop("backend", None)
    offline = options.pop("offline", None)
    langs = {k: options.pop(k) for k in ("src_lang", "tgt_lang") if k in options}
    ct2_options = {k: options.pop(k) for k in _CT2_OPTIONS if k in options}
    common = {"device": device, "max_input_tokens": max_input, "batch_size": options.pop("batch_size", None)}

    if spec is not None and spec.family == "gguf":
        return _load_gguf(spec, backend or "llama.cpp", offline, common, options), spec
    if name_or_path.endswith(".gguf") and Path(name_or_path).is_file():
        return LlamaCppGenerator(name_or_path, **common, **options), None
    if backend not in (None, "transformers", "ctranslate2"):
        raise ModelNotAvailableError(
            f"model {name_or_path!r}: unknown backend {backend!r} (transformers or ctranslate2; llama.cpp for GGUF)"
        )
    model_dir = resolve_model_dir(
        spec.hub_id if spec and spec.hub_id else name_or_path,
        revision=spec.revision if spec else None,
        label=name_or_path,
        offline=offline_requested(offline),
    )
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(model_dir)
    except (OSError, ValueError) as exc:
        raise ModelNotAvailableError(
            f"model {name_or_path!r}: {model_dir} holds no usable config.json ({exc})"
        ) from exc
    common["source"] = spec.name if spec else name_or_path
    if not config.is_encoder_decoder:
        if backend == "ctranslate2":
            raise ModelNotAvailableError(f"model {name_or_path!r}: the ctranslate2 backend here is for seq2seq models")
        return ChatGenerator.from_pretrained(model_dir, **common, **options), spec

    src_lang, tgt_lang = _detect_langs(model_dir)
    if spec is not None:
        src_lang = spec.quirks.get("src_lang", src_lang)
        tgt_lang = spec.quirks.get("tgt_lang", tgt_lang)
    if task == "summarize":
        src_lang = tgt_lang = None
    langs = {"src_lang": src_lang, "tgt_lang": tgt_lang, **langs}
    if backend == "ctranslate2":
        return CT2Seq2SeqGenerator(model_dir, **common, **langs, **ct2_options), spec
    return Seq2SeqGenerator.from_pretrained(model_dir, **common, **langs, **options), spec


def offline_requested(offline: bool | None = None) -> bool:
    """An explicit ``offline`` argument, else ``JB_SUMMARIZE_OFFLINE`` (1/true/yes)."""
    if offline is not None:
        return offline
    return os.environ.get("JB_SUMMARIZE_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _load_gguf(
    spec: ModelSpec, backend: str, offline: bool | None, common: dict[str, Any], options: dict[str, Any]
) -> TextGenerator:
    path = model_path(spec)
    assert path is not None
    state = model_state(spec)
    check_model_file(spec, state)
    if state == "missing":
        if offline_requested(offline):
            raise ModelNotAvailableError(
                f"model {spec.name!r}: {spec.file} is not in {path.parent} and offline mode is on; "
                f"fetch it with `jb-summarize models fetch {spec.name}` (sources: {spec.source})"
            )
        fetch_model(spec, progress=True)
    if backend == "llama.cpp":
        return LlamaCppGenerator(path, source=spec.name, **common, **options)
    if backend == "transformers":  # the reference path: dequantised to float32, slow and large
        return ChatGenerator.from_pretrained(path.parent, source=spec.name, gguf_file=path.name, **common, **options)
    raise ModelNotAvailableError(f"model {spec.name!r}: unknown backend {backend!r} (llama.cpp or transformers)")


def provenance(spec: ModelSpec | None, generator: TextGenerator) -> dict[str, Any]:
    """The RunInfo fields that say which model made an output."""
    return {
        "model": spec.name if spec else generator.source,
        "source": (spec.hub_id or spec.name) if spec else generator.source,
        "backend": generator.backend,
        "revision": spec.revision if spec else None,
        "sha256": spec.sha256 if spec else None,
        "runtime": generator.runtime(),
    }
