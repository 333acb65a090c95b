"""Issue 24: the decode profile (calls, tokens, fill per phase) and the per-CPU decoding plan."""

from __future__ import annotations

import pytest

from jb_summarize.models.cpu import DecodePlan, choose_decode_plan, cpu_kind
from jb_summarize.models.profile import DecodeProfile, _bucket, phase

SAPPHIRE_RAPIDS = "fpu sse4_2 avx f16c fma avx2 avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8"
EPYC_GENOA = "fpu sse4_2 avx f16c fma bmi2 avx2 avx512f avx512bw avx512vl avx512_vnni avx512_bf16 avx512vbmi"
AVX2_ONLY = "fpu sse4_2 avx f16c fma bmi2 avx2"


@pytest.mark.parametrize(
    ("flags", "kind"),
    [
        (SAPPHIRE_RAPIDS, "AMX"),
        (EPYC_GENOA, "AVX-512"),
        (AVX2_ONLY, "AVX2"),
        ("fpu sse4_2 avx", "other"),
        ("", "other"),
    ],
)
def test_each_cpu_kind_is_named_from_its_flags(flags, kind) -> None:
    assert cpu_kind(frozenset(flags.split())) == kind


@pytest.mark.parametrize(
    ("flags", "cores", "plan"),
    [
        (SAPPHIRE_RAPIDS, 2, (2, 512, 32)),
        (EPYC_GENOA, 2, (2, 512, 32)),
        (AVX2_ONLY, 2, (2, 512, 32)),
        (AVX2_ONLY, 1, (1, 512, 32)),
        (EPYC_GENOA, 64, (8, 512, 32)),  # more threads than 8 stop paying in llama.cpp's decode
    ],
)
def test_the_decode_plan_per_cpu_kind_and_cores(flags, cores, plan) -> None:
    chosen = choose_decode_plan(frozenset(flags.split()), cores)
    assert isinstance(chosen, DecodePlan)
    assert (chosen.n_threads, chosen.n_batch, chosen.batch_size) == plan
    assert chosen.n_batch >= chosen.batch_size  # a call must hold one token of every sequence
    assert cpu_kind(frozenset(flags.split())).split("-")[0] in chosen.reason and f"{cores} CPUs" in chosen.reason


def test_phases_nest_and_outside_any_phase_is_other() -> None:
    profile = DecodeProfile()
    with phase("article"):
        with phase("summarize"):
            profile.record_call(40, 8, 0.5)
        profile.record_call(8, 8, 0.1)
    profile.record_call(1, 1, 0.05)
    assert set(profile.phases) == {"article/summarize", "article", "other"}
    inner = profile.phases["article/summarize"]
    assert (inner.tokens, inner.prompt_tokens, inner.gen_calls) == (40, 32, 0)
    assert profile.phases["article"].gen_tokens == 8


def test_the_profile_dict_totals_the_phases_and_says_how_full_calls_are() -> None:
    profile = DecodeProfile()
    profile.n_batch = 64
    with phase("translate"):
        profile.record_generate(prompts=3, generated=12, seconds=1.0)
        profile.record_call(64, 0, 0.4)
        profile.record_call(16, 16, 0.2)
    with phase("retry"):
        profile.record_call(4, 4, 0.1)
    profile.record_load(2.345)
    out = profile.to_dict()
    assert out["load_seconds"] == [2.35]
    translate = out["phases"]["translate"]
    assert translate["tokens_per_call"] == 40.0 and translate["fill"] == 0.625
    assert translate["calls_by_size"] == {"33-128": 1, "9-32": 1}
    assert translate["ms_per_token"] == 7.5
    total = out["total"]
    assert (total["decode_calls"], total["tokens"], total["prompt_tokens"], total["generated"]) == (3, 84, 64, 12)
    assert total["gen_calls"] == 2 and total["calls_by_size"] == {"33-128": 1, "9-32": 1, "2-8": 1}


@pytest.mark.parametrize(
    ("n", "bucket"), [(1, "1"), (2, "2-8"), (8, "2-8"), (9, "9-32"), (512, "129-512"), (513, ">512")]
)
def test_call_size_buckets(n, bucket) -> None:
    assert _bucket(n) == bucket


def test_run_writes_where_its_decoding_time_went(tiny_gguf, tmp_path) -> None:
    import json

    from jb_summarize.cli import main

    assert main(["run", "--model", str(tiny_gguf), "--output-dir", str(tmp_path), "--quiet", "--no-bodies"]) == 0
    profile = json.loads((tmp_path / "jiangbei-2022.meta.json").read_text())["decode_profile"]
    assert len(profile["load_seconds"]) == 1 and profile["n_batch"] == 512  # one model shared by both tasks
    phases = profile["phases"]
    assert {"summarize", "translate", "article/summarize", "article/translate"} <= set(phases)
    assert phases["summarize"]["prompts"] == 6  # the six sections' summaries, in one call
    total = profile["total"]
    assert total["decode_calls"] == sum(p["decode_calls"] for p in phases.values()) > 0
    assert total["tokens"] == sum(p["tokens"] for p in phases.values())
    assert 0 < total["fill"] <= 1
