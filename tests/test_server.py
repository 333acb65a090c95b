"""Issue 15: the backend for OpenAI-compatible servers, against llama-cpp-python's own server on loopback;
issue 24: and against llama.cpp's own llama-server, which batches the requests in flight (`make test` builds it).

The fast tests serve the tiny random GGUF (its English is noise; what is tested is the plumbing: order,
concurrency, flags, errors, stop and resume, and that llama-server decodes requests together); the slow tests
serve the real 0.5B model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import run_cli
from jb_summarize import load_summarizer, load_translator
from jb_summarize.models import ModelNotAvailableError, ServerUnavailableError
from jb_summarize.models.server import (
    find_llama_server,
    free_port,
    serve_llama_cpp,
    serve_llama_server,
    server_metric,
)

pytest.importorskip("llama_cpp.server")
KEY = "test-key-not-a-secret-3141"


@pytest.fixture(scope="module")
def server(tiny_gguf) -> Iterator[str]:
    with serve_llama_cpp(tiny_gguf) as url:
        yield url


TEXTS = [f"江北区第{i}个项目完成投资{i + 1}亿元。全区经济稳步增长。" for i in range(12)]


def test_translation_and_summaries_through_the_server(server) -> None:
    translator = load_translator("openai:served", base_url=server, batch_size=4)
    result = translator.run(TEXTS)
    assert len(result.outputs) == len(TEXTS) and all(isinstance(o, str) for o in result.outputs)
    # many requests in flight give what one at a time gives, in input order
    assert translator.translate(TEXTS, batch_size=1) == result.outputs
    info = result.info.to_dict()
    assert info["backend"] == "openai-server" and info["model"] == "openai:served"
    assert info["runtime"]["server"] == server.split("/")[2] and info["runtime"]["server_model"] == "served"
    assert any("forbid_chinese" in note for note in info["notes"])  # said, not silently dropped
    summaries = load_summarizer("openai:", base_url=server, max_new_tokens=8).run(TEXTS[:3])  # the only model
    assert len(summaries.outputs) == 3 and summaries.info.model == "openai:served"


def test_a_request_the_server_rejects_is_flagged_not_lost(server) -> None:
    translator = load_translator("openai:served", base_url=server, retry=False)
    translator.generator.max_input_tokens = 100_000  # let a unit past the server's 2,048-token context through
    long = "江北区经济稳步增长，" * 400 + "。"
    result = translator.run(["江北区。", long])
    assert result.info.flag_reasons["1"] == ["failed"] and result.outputs[1] == ""
    assert "failed" not in result.info.flag_reasons.get("0", [])  # the random model's English may be empty


def test_connection_errors_are_one_line_and_fast(server, tmp_path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/v1"
    start = time.monotonic()
    with pytest.raises(ModelNotAvailableError, match="cannot be reached"):
        load_translator("openai:served", base_url=closed)
    with pytest.raises(ModelNotAvailableError, match="HTTP 404 for /models"):
        load_translator("openai:served", base_url=server.removesuffix("/v1") + "/wrong")
    with pytest.raises(ModelNotAvailableError, match=r"does not serve model 'gpt-9'.*it serves: served"):
        load_translator("openai:gpt-9", base_url=server)
    with pytest.raises(ModelNotAvailableError, match="not an http"):
        load_translator("openai:served", base_url="127.0.0.1:8000")
    assert time.monotonic() - start < 10
    page = tmp_path / "in.jsonl"
    page.write_text('{"id": 1, "text": "江北。"}\n')
    proc = run_cli("translate", str(page), "--model", "openai:gpt-9", "--base-url", server)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and len(err.strip().splitlines()) == 1 and "does not serve" in err


def test_the_api_key_is_sent_and_never_written(tiny_gguf, tmp_path, monkeypatch) -> None:
    with serve_llama_cpp(tiny_gguf, api_key=KEY) as url:
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        monkeypatch.delenv("JB_SUMMARIZE_API_KEY", raising=False)
        with pytest.raises(ModelNotAvailableError, match=r"HTTP 401.*JB_SUMMARIZE_API_KEY"):
            load_translator("openai:served", base_url=url)
        page = tmp_path / "in.jsonl"
        page.write_text('{"id": 1, "text": "江北区经济稳步增长。"}\n')
        out = tmp_path / "out.jsonl"
        env = {**os.environ, "JB_SUMMARIZE_API_KEY": KEY, "JB_SUMMARIZE_BASE_URL": url}
        proc = subprocess.run(
            [sys.executable, "-m", "jb_summarize", "translate", str(page), "--model", "openai:served", "-o", str(out)],
            capture_output=True,
            env=env,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr.decode()
        written = out.read_text() + Path(f"{out}.meta.json").read_text() + proc.stderr.decode() + proc.stdout.decode()
        assert KEY not in written and "127.0.0.1" in Path(f"{out}.meta.json").read_text()


def test_server_killed_mid_run_then_resume_completes(tiny_gguf, tmp_path) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(
        "".join(json.dumps({"id": i, "text": f"江北区第{i}个项目稳步推进。全区经济增长。"}) + "\n" for i in range(400))
    )
    out = tmp_path / "out.jsonl"
    port = free_port()
    command = [sys.executable, "-m", "jb_summarize", "translate", str(records), "--model", "openai:served"]
    command += ["--chunk-size", "2", "--batch-size", "2", "-o", str(out), "--quiet"]
    env = {**os.environ, "JB_SUMMARIZE_BASE_URL": f"http://127.0.0.1:{port}/v1", "JB_SUMMARIZE_SERVER_RETRIES": "1"}
    with serve_llama_cpp(tiny_gguf, port=port):
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while not (out.exists() and out.read_text().count("\n") >= 4):
            assert run.poll() is None and time.monotonic() < deadline, "the run ended before the server was killed"
            time.sleep(0.05)
    # the server is gone: the run stops with a one-line message and exit code 2, keeping what is finished
    _, err = run.communicate(timeout=120)
    assert run.returncode == 2, err.decode()
    last = err.decode().strip().splitlines()[-1]  # after the retries' warnings, one line that says it all
    assert last.startswith("jb-summarize: error: server") and "stopped answering" in last and "--resume" in last
    assert "Traceback" not in err.decode()
    kept = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert 4 <= len(kept) < 400 and len(set(kept)) == len(kept)
    meta = json.loads(Path(f"{out}.meta.json").read_text())
    assert meta["finished"] is False and "stopped answering" in meta["error"]
    with serve_llama_cpp(tiny_gguf, port=port):
        resumed = subprocess.run([*command, "--resume"], capture_output=True, env=env, timeout=600)
    assert resumed.returncode == 0, resumed.stderr.decode()
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == list(range(400)) and ids[: len(kept)] == kept


def test_a_server_that_dies_during_a_call_raises_after_its_retries(tiny_gguf) -> None:
    port = free_port()
    with serve_llama_cpp(tiny_gguf, port=port) as url:
        translator = load_translator("openai:served", base_url=url, max_retries=1)
    start = time.monotonic()
    with pytest.raises(ServerUnavailableError, match="stopped answering"):
        translator.translate(TEXTS)
    assert time.monotonic() - start < 15


needs_llama_server = pytest.mark.skipif(
    find_llama_server() is None, reason="no llama-server binary: `make llama-server` builds it (make test does)"
)


@needs_llama_server
@pytest.mark.parametrize("in_flight", [1, 4])
def test_llama_server_decodes_the_requests_in_flight_together(tiny_gguf, in_flight) -> None:
    with serve_llama_server(tiny_gguf, slots=4) as url:
        summarizer = load_summarizer("openai:served", base_url=url, max_new_tokens=48, batch_size=in_flight)
        result = summarizer.run(TEXTS)
        assert len(result.outputs) == len(TEXTS) and not result.info.flagged
        assert result.info.runtime["requests_in_flight"] == in_flight
        busy = server_metric(url, "n_busy_slots_per_decode")
        decodes = server_metric(url, "n_decode_total")
    # one request at a time: one busy slot per llama_decode call; four in flight: several in each call
    assert busy == pytest.approx(1.0) if in_flight == 1 else busy > 2.0, busy
    assert decodes > 0


@needs_llama_server
def test_llama_server_takes_the_backend_options_and_errors(tiny_gguf) -> None:
    with serve_llama_server(tiny_gguf, slots=2, api_key=KEY) as url:
        with pytest.raises(ModelNotAvailableError, match="HTTP 401"):
            load_translator("openai:served", base_url=url, api_key="wrong")
        translator = load_translator("openai:served", base_url=url, api_key=KEY, batch_size=2, retry=False)
        translator.generator.max_input_tokens = 100_000  # past the slot's 2,048 tokens: the server rejects it
        result = translator.run(["江北区。", "江北区经济稳步增长，" * 400 + "。"])
        assert result.info.flag_reasons["1"] == ["failed"] and result.outputs[1] == ""


def test_no_llama_server_binary_is_one_clear_error(tiny_gguf, tmp_path) -> None:
    with pytest.raises(ModelNotAvailableError, match="make llama-server"):
        with serve_llama_server(tiny_gguf, binary=tmp_path / "missing"):
            pass


def _real_small_model() -> Path:
    from jb_summarize.models import get_spec, model_path

    path = model_path(get_spec("qwen2.5-coder-0.5b-instruct-q4_k_m"))
    if path is None or not path.is_file():
        run_cli("models", "fetch", "qwen2.5-coder-0.5b-instruct-q4_k_m")
        path = model_path(get_spec("qwen2.5-coder-0.5b-instruct-q4_k_m"))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("serve", [serve_llama_cpp, pytest.param(serve_llama_server, marks=needs_llama_server)])
def test_the_seed_through_a_real_model_server(tmp_path, serve) -> None:
    path = _real_small_model()
    with serve(path) as url:
        # the main job on the seed (headlines and summaries; the bodies as well take ~3 min on 2 cores)
        proc = run_cli(
            "run",
            "--model",
            "openai:served",
            "--base-url",
            url,
            "--no-bodies",
            "--output-dir",
            str(tmp_path),
            "--quiet",
        )
        assert proc.returncode == 0, proc.stderr.decode()
        from jb_summarize import load_task

        result = load_task("translate", "openai:served", base_url=url).run(
            ["江北区累计完成投资178亿元，新增就业2.5万人。"]
        )
        english = result.outputs[0]
    records = [json.loads(line) for line in (tmp_path / "jiangbei-2022.jsonl").read_text().splitlines()]
    assert len(records) >= 6 and all(r["summary_zh"] and r["summary_en"] for r in records)
    from jb_summarize.tasks.checks import has_cjk

    # the server cannot forbid Chinese tokens: the check and the retry stand in, and what stays is flagged
    assert all(not has_cjk(r["summary_en"]) or "summary_en" in r["flagged"] for r in records), records
    assert "17.8 billion" in english and "25,000" in english
    assert "Jiangbei" in english or result.info.flagged == [0]  # the glossary's name, or a flag


def test_credentials_in_the_url_never_reach_a_message(monkeypatch) -> None:
    monkeypatch.delenv("JB_SUMMARIZE_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ModelNotAvailableError) as caught:
        load_translator("openai:served", base_url=f"http://user:{KEY}@127.0.0.1:{free_port()}/v1")
    assert KEY not in str(caught.value) and "http://127.0.0.1:" in str(caught.value)
    with pytest.raises(ModelNotAvailableError, match="no server given"):
        load_translator("openai:served")


def test_an_eval_run_through_the_server_records_where_it_ran(server, tmp_path) -> None:
    out = tmp_path / "r.json"
    args = ["eval", "run", "--task", "summarize", "--model", "openai:served", "--base-url", server]
    proc = run_cli(*args, "--benchmark", "seed", "--output", str(out), "--bootstrap", "10", "--quiet")
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(out.read_text())
    assert result["model"] == "openai:served" and result["n"] == 6
    assert result["model_info"]["runtime"]["server"] == server.split("/")[2]
    assert result["model_info"]["backend"] == "openai-server"
