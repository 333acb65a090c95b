"""Evaluation as sacrebleu users expect: -m bleu chrf ter chrf++, stdin, paired bootstrap on plain files,
stored results rescored without the benchmark data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import run_cli
from jb_summarize.metrics import corpus_statistics, score

ROOT = Path(__file__).resolve().parents[1]
HYP = ["The cat sat on the mat.", "Jiangbei added 25,000 jobs last year!", "(A) new plan, for all."]
REF = ["The cat is on the mat.", "Last year Jiangbei created 25,000 new jobs.", "A new plan for everyone."]
words = st.lists(
    st.sampled_from(["the", "cat", "mat", "sat", "on", "a", "(hi)", "plan,", "jobs!", "25,000"]), max_size=8
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(words, words), min_size=1, max_size=5))
def test_chrf_plus_plus_and_ter_statistics_reproduce_sacrebleu(pairs):
    from sacrebleu.metrics import CHRF, TER

    hyps, refs = [" ".join(h) for h, _ in pairs], [" ".join(r) for _, r in pairs]
    assert corpus_statistics("chrf++", hyps, [refs]).score() == pytest.approx(
        CHRF(word_order=2).corpus_score(hyps, [refs]).score, abs=1e-9
    )
    assert corpus_statistics("ter", hyps, [refs]).score() == pytest.approx(TER().corpus_score(hyps, [refs]).score)


def test_score_takes_the_metrics_asked_for():
    result = score(HYP, [REF], lang="en", metrics=["ter", "chrf++"], n_bootstrap=50)
    assert {"ter", "chrf++", "ter_ci", "chrf++_signature"} <= set(result) and "bleu" not in result
    assert "nw:2" in result["chrf++_signature"]
    with pytest.raises(ValueError, match="unknown metric"):
        score(HYP, [REF], lang="en", metrics=["meteor"])


def test_eval_score_reads_stdin_with_sacrebleu_metric_names(tmp_path):
    ref = tmp_path / "ref.en"
    ref.write_text("\n".join(REF) + "\n", encoding="utf-8")
    proc = run_cli(
        "eval", "score", "-r", str(ref), "-m", "bleu", "chrf", "ter", "chrf++", stdin=("\n".join(HYP) + "\n").encode()
    )
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.decode().splitlines() if "signature" not in line]
    assert names == ["bleu", "chrf", "ter", "chrf++"]


def test_compare_two_plain_files_with_a_paired_bootstrap(tmp_path):
    for name, lines in (("base", HYP), ("same", HYP), ("ref", REF)):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["eval", "compare", str(tmp_path / "base"), str(tmp_path / "same"), "-r", str(tmp_path / "ref"), "--json"]
    report = json.loads(run_cli(*args, "-m", "chrf").stdout)
    (test,) = report["tests"]
    assert test["delta"] == 0 and test["p"] == 1.0 and test["delta_ci"] == [0.0, 0.0]
    missing = run_cli("eval", "compare", str(tmp_path / "base"), str(tmp_path / "same"))
    assert missing.returncode == 2 and b"--ref" in missing.stderr


def test_compare_rescores_stored_results_without_the_benchmark_data(tmp_path):
    base = ROOT / "eval" / "results" / "summarize-lcsts-lead.json"
    system = ROOT / "eval" / "results" / "summarize-lcsts-extractive.json"
    proc = subprocess_env_run(["eval", "compare", str(base), str(system), "-m", "rouge1", "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    (test,) = json.loads(proc.stdout)["tests"]
    stored = json.loads(system.read_text(encoding="utf-8"))["metrics"]["rouge1"]
    assert test["system"] == pytest.approx(stored, abs=1e-3)


def subprocess_env_run(args, tmp_path):
    """The CLI with JB_SUMMARIZE_DATA pointing at a folder that does not exist."""
    env = {**os.environ, "JB_SUMMARIZE_DATA": str(tmp_path / "no-data")}
    return subprocess.run([sys.executable, "-m", "jb_summarize", *args], capture_output=True, env=env, cwd=tmp_path)


def test_a_missing_benchmark_names_jb_summarize_data(tmp_path):
    proc = subprocess_env_run(
        ["eval", "run", "--task", "summarize", "--model", "lead", "--benchmark", "lcsts"], tmp_path
    )
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "JB_SUMMARIZE_DATA" in err and str(tmp_path / "no-data") in err
