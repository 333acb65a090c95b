"""Issue 11: the weight layout chosen from CPU flags, the probe that survives a native crash, doctor."""

from __future__ import annotations

import json
import sys

import pytest

from jb_summarize.cli import main
from jb_summarize.models import probe
from jb_summarize.models.cpu import (
    REPACK_ENV,
    _read_cpuinfo,
    choose_decode_plan,
    choose_weight_layout,
    cpu_info,
    parse_repack_setting,
)

# /proc/cpuinfo flags as seen on the project's two kinds of machine (abridged to what matters).
SAPPHIRE_RAPIDS = "fpu sse4_2 avx f16c fma avx2 avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8"
EPYC_GENOA = "fpu sse4_2 avx f16c fma bmi2 avx2 avx512f avx512bw avx512vl avx512_vnni avx512_bf16 avx512vbmi"
AVX2_ONLY = "fpu sse4_2 avx f16c fma bmi2 avx2"


@pytest.fixture(autouse=True)
def no_override(monkeypatch):
    monkeypatch.delenv(REPACK_ENV, raising=False)


@pytest.mark.parametrize(
    ("flags", "amx"),
    [(SAPPHIRE_RAPIDS, True), ("avx2 amx_tile", True), (EPYC_GENOA, False), (AVX2_ONLY, False), ("", False)],
)
def test_weights_stay_plain_by_default_and_amx_is_named(flags, amx) -> None:
    layout = choose_weight_layout(frozenset(flags.split()))
    assert layout.repack is False and layout.name == "plain"
    assert ("the CPU has AMX" in layout.reason) is amx


def test_the_switch_forces_a_layout_either_way(monkeypatch) -> None:
    intel, amd = frozenset(SAPPHIRE_RAPIDS.split()), frozenset(EPYC_GENOA.split())
    monkeypatch.setenv(REPACK_ENV, "off")
    assert choose_weight_layout(amd).repack is False
    assert REPACK_ENV in choose_weight_layout(amd).reason
    monkeypatch.setenv(REPACK_ENV, "on")
    assert choose_weight_layout(intel).repack is True
    # the option beats the environment; "auto" goes back to the default
    assert choose_weight_layout(intel, False).repack is False
    assert choose_weight_layout(amd, True).repack is True
    assert choose_weight_layout(intel, "auto").repack is False
    assert choose_weight_layout(amd, "auto").repack is False


@pytest.mark.parametrize("word", ["sometimes", "2", "repack"])
def test_unknown_switch_values_are_refused(word) -> None:
    with pytest.raises(ValueError, match="auto, on or off"):
        parse_repack_setting(word)


def test_cpuinfo_is_read_from_the_first_processor(tmp_path) -> None:
    text = "".join(
        f"processor\t: {i}\nmodel name\t: Intel(R) Xeon(R) Platinum 8481C\nflags\t\t: {SAPPHIRE_RAPIDS}\n\n"
        for i in range(2)
    )
    (tmp_path / "cpuinfo").write_text(text)
    info = _read_cpuinfo(tmp_path / "cpuinfo")
    assert info.model == "Intel(R) Xeon(R) Platinum 8481C"
    assert info.amx == ["amx_tile", "amx_int8", "amx_bf16"]
    assert "avx512f" in info.features and "fpu" not in info.features
    assert _read_cpuinfo(tmp_path / "missing").flags == frozenset()
    assert info.generation == ""  # no "cpu family" line


def test_the_generation_tells_cpus_of_one_model_name_apart(tmp_path) -> None:
    # what a cloud VM shows for a Zen 4 EPYC: the model name alone does not say which generation it is
    text = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
    text += "model name\t: AMD EPYC\nflags\t\t: fpu avx2 avx512f\n\n"
    (tmp_path / "cpuinfo").write_text(text)
    info = _read_cpuinfo(tmp_path / "cpuinfo")
    assert (info.model, info.generation, info.kind) == ("AMD EPYC", "family 25 model 17", "AVX-512")


def _child(monkeypatch, code: str) -> None:
    monkeypatch.setattr(probe, "probe_command", lambda path, repack_weights=None: [sys.executable, "-c", code])


CRASH = "import json, os, signal; print(json.dumps({'layout': %r}), flush=True); os.kill(os.getpid(), signal.SIGSEGV)"


@pytest.mark.parametrize(("layout", "advice"), [("repacked", f"{REPACK_ENV}=off"), ("plain", "reinstall")])
def test_a_crashing_child_becomes_one_line(monkeypatch, tmp_path, layout, advice) -> None:
    _child(monkeypatch, CRASH % layout)
    result = probe.probe_gguf(tmp_path / "model.gguf")
    assert not result.ok
    assert result.signal == "SIGSEGV" and result.layout == layout
    assert "SIGSEGV" in result.detail and advice in result.detail
    assert "\n" not in result.detail


def test_a_hanging_child_is_stopped(monkeypatch, tmp_path) -> None:
    _child(monkeypatch, "import time; time.sleep(30)")
    result = probe.probe_gguf(tmp_path / "model.gguf", timeout=1)
    assert not result.ok and "no answer within 1 s" in result.detail


def test_a_failing_child_reports_its_last_error_line(monkeypatch, tmp_path) -> None:
    _child(monkeypatch, "import sys; sys.exit('ValueError: Failed to load model from file: x.gguf')")
    result = probe.probe_gguf(tmp_path / "model.gguf")
    assert not result.ok and result.signal is None
    assert result.detail == "ValueError: Failed to load model from file: x.gguf"


def test_doctor_reports_a_crash_and_exits_1(monkeypatch, tmp_path, capsys) -> None:
    pytest.importorskip("llama_cpp")
    _child(monkeypatch, CRASH % "repacked")
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    assert main(["doctor", "--no-check-model", "--gguf", str(gguf)]) == 1
    out, err = capsys.readouterr()
    assert "FAILED" in out and "CPU" in out and "weights" in out
    problems = err.strip().splitlines()
    assert len(problems) == 1 and "SIGSEGV" in problems[0] and "Traceback" not in err


def test_doctor_decodes_a_real_gguf_in_both_layouts(tiny_gguf, capsys, monkeypatch) -> None:
    for setting, layout in (("on", "repacked"), ("off", "plain")):
        monkeypatch.setenv(REPACK_ENV, setting)
        assert main(["doctor", "--no-check-model", "--gguf", str(tiny_gguf), "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["weight_layout"]["name"] == layout
        assert report["llama_cpp"]["installed"] and report["problems"] == []
        (check,) = [c for c in report["decode_checks"] if c["path"] == str(tiny_gguf)]
        assert check["ok"] and check["layout"] == layout
        assert check["tokens_per_s"] > 0  # a measured decode rate, two sequences in flight
        plan = choose_decode_plan(cpu_info().flags)
        assert report["decode_plan"]["batch_size"] == plan.batch_size and report["cpu"]["kind"] == cpu_info().kind


def test_doctor_says_the_decode_plan_and_why(tiny_gguf, capsys) -> None:
    assert main(["doctor", "--no-check-model", "--gguf", str(tiny_gguf)]) == 0
    out = capsys.readouterr().out
    plan = choose_decode_plan(cpu_info().flags)
    (line,) = [line for line in out.splitlines() if line.startswith("decoding")]
    assert f"{plan.batch_size} sequences in flight, n_batch {plan.n_batch}, {plan.n_threads} threads" in line
    assert plan.reason in line
    assert "tokens/s decoding" in out and f"({cpu_info().kind})" in out


def test_doctor_quiet_prints_nothing_when_all_is_well(tiny_gguf, capsys) -> None:
    assert main(["doctor", "--quiet", "--gguf", str(tiny_gguf)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_generator_records_its_layout(tiny_gguf) -> None:
    from jb_summarize.models.llamacpp import LlamaCppGenerator
    from jb_summarize.models.loading import provenance

    generator = LlamaCppGenerator(tiny_gguf, n_ctx=512, batch_size=2, repack_weights=False)
    assert generator.weight_layout.repack is False
    assert provenance(None, generator)["runtime"]["weight_layout"] == "plain"
    outputs = generator.generate([[{"role": "user", "content": "你好"}]] * 2, max_new_tokens=[4, 4])
    assert len(outputs) == 2
