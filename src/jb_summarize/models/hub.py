"""Find a model's files: a local folder, the Hugging Face cache, or the hub (failing fast when unreachable)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .registry import ModelSpec

__all__ = [
    "ModelNotAvailableError",
    "hub_endpoint",
    "hub_offline",
    "hub_timeout",
    "in_hub_cache",
    "probe_endpoint",
    "resolve_model_dir",
]

DEFAULT_ENDPOINT = "https://huggingface.co"


class ModelNotAvailableError(RuntimeError):
    """A model that cannot be loaded here; the message says which, where we looked, and what to do."""


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT)


def hub_timeout() -> float:
    try:
        return float(os.environ.get("JB_SUMMARIZE_HUB_TIMEOUT", "5"))
    except ValueError:
        return 5.0


def probe_endpoint(endpoint: str, timeout: float) -> str | None:
    """None when the endpoint answers an HTTP request within the timeout, else the reason.

    The request goes through huggingface_hub's own HTTP session, so proxies (``HTTPS_PROXY``) and its other
    settings apply as they will for the download itself.
    """
    from huggingface_hub.utils import get_session

    try:
        get_session().head(endpoint, timeout=timeout)
    except Exception as exc:  # any transport failure: refused, unresolvable, timed out, proxy trouble
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    return None


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or os.sep in name.strip(os.sep).replace("/", "", 1) or Path(name).exists()


def resolve_model_dir(
    name_or_path: str, revision: str | None = None, label: str | None = None, *, offline: bool = False
) -> Path:
    """A local folder holding the model: the folder itself, or the hub snapshot (cache first; with
    ``offline``, or ``HF_HUB_OFFLINE``, the cache only)."""
    label = label or name_or_path
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    if _looks_like_path(name_or_path):
        raise ModelNotAvailableError(f"model {label!r}: no such folder {str(path)!r}")

    from huggingface_hub import snapshot_download
    from huggingface_hub.constants import HF_HUB_CACHE

    try:
        return Path(snapshot_download(name_or_path, revision=revision, local_files_only=True))
    except Exception:  # not cached (or a broken cache entry): try the hub below
        pass

    endpoint = hub_endpoint()
    at = f"{name_or_path}@{revision}" if revision else name_or_path
    advice = (
        f"pass a local folder that holds the model, download it where the hub is reachable "
        f"(`hf download {name_or_path}{' --revision ' + revision if revision else ''}`) and copy the "
        f"cache, or use a model that works offline ('extractive', 'lead', or a GGUF model from "
        f"`jb-summarize models list`)"
    )
    if offline or hub_offline():
        why = "offline mode is on (--offline, JB_SUMMARIZE_OFFLINE or HF_HUB_OFFLINE)"
        raise ModelNotAvailableError(
            f"model {label!r}: {at} is not in the Hugging Face cache ({HF_HUB_CACHE}) and {why}; " + advice
        )
    reason = probe_endpoint(endpoint, hub_timeout())
    if reason is not None:
        raise ModelNotAvailableError(
            f"model {label!r}: {at} is not in the Hugging Face cache ({HF_HUB_CACHE}) and the hub "
            f"({endpoint}) cannot be reached ({reason}); " + advice
        )
    try:
        return Path(snapshot_download(name_or_path, revision=revision, etag_timeout=hub_timeout()))
    except Exception as exc:
        raise ModelNotAvailableError(
            f"model {label!r}: download of {at} from {endpoint} failed ({type(exc).__name__}: {exc}); " + advice
        ) from exc


def in_hub_cache(spec: ModelSpec) -> bool:
    """Whether a hub model's config is in the local Hugging Face cache (nothing is downloaded)."""
    from huggingface_hub import try_to_load_from_cache

    if not spec.hub_id:
        return False
    found = try_to_load_from_cache(spec.hub_id, "config.json", revision=spec.revision)
    return isinstance(found, str)
