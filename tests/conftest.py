from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


ENGLISH = [
    "Jiangbei District completed investment of 17.8 billion yuan, 117% of the annual plan.",
    "The Old Bund was named a national night-time culture and tourism consumption cluster.",
    "Ningbo will build a modern coastal metropolis with innovation and harmony.",
]


@pytest.fixture(scope="session")
def corpus() -> list[str]:
    from jb_summarize.article import seed_text

    return [seed_text(), *ENGLISH]


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory, corpus) -> Path:
    from jb_summarize.models.random_init import build_marian

    return build_marian(tmp_path_factory.mktemp("marian"), corpus)


@pytest.fixture(scope="session")
def tiny_mt5(tmp_path_factory, corpus) -> Path:
    from jb_summarize.models.random_init import build_mt5

    return build_mt5(tmp_path_factory.mktemp("mt5"), corpus)


@pytest.fixture(scope="session")
def tiny_qwen(tmp_path_factory, corpus) -> Path:
    from jb_summarize.models.random_init import build_qwen2

    return build_qwen2(tmp_path_factory.mktemp("qwen2"), corpus)


@pytest.fixture(autouse=True)
def no_hub(monkeypatch, tmp_path_factory) -> None:
    """Tests never reach a model hub, and never touch the user's caches."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("JB_SUMMARIZE_OFFLINE", "1")
    monkeypatch.setenv("JB_SUMMARIZE_HOME", str(tmp_path_factory.getbasetemp() / "jb_home"))


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory, corpus) -> Path:
    """A random Qwen2 GGUF for llama.cpp; Q4_0 matrices take the same repacked kernels as real models."""
    pytest.importorskip("llama_cpp")
    from jb_summarize.models.random_init import build_qwen2_gguf

    return build_qwen2_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf", corpus, hidden=64, quant="Q4_0")
