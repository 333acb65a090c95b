from __future__ import annotations

import re
from pathlib import Path

import pytest

from jb_summarize import ModelNotAvailableError, load_summarizer, load_translator
from jb_summarize.models import REGISTRY, models_markdown, resolve_model_dir

ROOT = Path(__file__).resolve().parents[1]


def test_models_md_carries_the_generated_registry_table() -> None:
    text = (ROOT / "models.md").read_text(encoding="utf-8")
    begin, end = "<!-- registry:begin -->\n", "<!-- registry:end -->"
    assert text[text.index(begin) + len(begin) : text.index(end)] == models_markdown()


def test_every_registry_entry_is_complete() -> None:
    for spec in REGISTRY.values():
        assert spec.tasks and spec.licence and spec.size and spec.description
        if spec.family != "builtin":
            assert spec.hub_id
        if spec.family == "gguf":
            assert re.fullmatch(r"[0-9a-f]{64}", spec.sha256 or "")
            assert spec.size_bytes and spec.pypi_parts and spec.file
    assert {"extractive", "lead"} <= set(REGISTRY)


def test_hub_model_fails_fast_and_clearly_when_offline() -> None:
    with pytest.raises(ModelNotAvailableError) as err:
        load_translator("opus-mt-zh-en")
    message = str(err.value)
    assert "'opus-mt-zh-en'" in message and "Helsinki-NLP/opus-mt-zh-en" in message
    assert "HF_HUB_OFFLINE" in message and "local folder" in message


def test_hub_model_fails_fast_when_the_hub_is_unreachable(monkeypatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("JB_SUMMARIZE_HUB_TIMEOUT", "2")
    with pytest.raises(ModelNotAvailableError, match=r"hub \(http://127\.0\.0\.1:9\) cannot be reached"):
        resolve_model_dir("someone/some-model")


def test_missing_local_folder_is_named() -> None:
    with pytest.raises(ModelNotAvailableError, match="no such folder"):
        load_summarizer("./no/such/model")


def test_gguf_model_not_fetched_says_where_it_looked() -> None:
    with pytest.raises(ModelNotAvailableError, match=r"instruct-q4_k_m\.gguf is not in .*jb_home.* offline mode"):
        load_translator("qwen2.5-coder-0.5b-instruct-q4_k_m")


def test_folder_without_config_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ModelNotAvailableError, match=r"config\.json"):
        load_translator(str(tmp_path))


def test_registry_and_folder_loading_agree(tiny_marian) -> None:
    translator = load_translator(str(tiny_marian))
    assert translator.generator.kind == "seq2seq"
    assert translator.generator.max_input_tokens == 512


def test_offline_is_honoured_for_hub_models_without_touching_the_network(monkeypatch) -> None:
    from jb_summarize.models import hub

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("JB_SUMMARIZE_OFFLINE")
    monkeypatch.setattr(hub, "probe_endpoint", lambda *a: pytest.fail("offline mode must not probe the hub"))
    with pytest.raises(ModelNotAvailableError, match="offline mode is on"):
        load_translator("opus-mt-zh-en", offline=True)


def test_the_hub_probe_goes_through_huggingface_hubs_session(monkeypatch) -> None:
    import huggingface_hub.utils

    from jb_summarize.models.hub import probe_endpoint

    calls = []

    class Session:
        def head(self, url, timeout):
            calls.append((url, timeout))
            raise ConnectionError("proxy refused")

    monkeypatch.setattr(huggingface_hub.utils, "get_session", lambda: Session())
    assert probe_endpoint("https://hub.example", 1.5) == "ConnectionError: proxy refused"
    assert calls == [("https://hub.example", 1.5)]
