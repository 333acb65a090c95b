from __future__ import annotations

import json

import pytest

from jb_summarize import load_summarizer
from jb_summarize.cli import main
from jb_summarize.evaluation import evaluate, load_benchmark


@pytest.fixture
def data(shared_dir, monkeypatch):
    monkeypatch.setenv("JB_SUMMARIZE_DATA", str(shared_dir / "data"))
    return shared_dir / "data"


def test_seed_benchmark_pairs_bodies_with_headlines() -> None:
    ds = load_benchmark("seed")
    assert ds.num_rows == 6 and ds.column_names == ["id", "source", "reference", "previous"]
    assert ds[5]["reference"] == "江北区活力涌动奋发向前"


def test_lcsts_and_wmt21_sizes(data) -> None:
    assert load_benchmark("lcsts").num_rows == 725
    wmt = load_benchmark("wmt21")
    assert wmt.num_rows == 1948 and wmt[1]["source"] == "乡村振兴，人才是关键。"


def test_limit_is_a_fixed_sample_in_original_order(data) -> None:
    first = load_benchmark("lcsts", limit=50)
    again = load_benchmark("lcsts", limit=50)
    assert first["id"] == again["id"] and first.num_rows == 50
    positions = [int(i) for i in first["id"]]
    assert positions == sorted(positions) and positions != list(range(50))


def test_seed_en_references_align(monkeypatch) -> None:
    from pathlib import Path

    monkeypatch.delenv("JB_SUMMARIZE_REFERENCES", raising=False)  # the references shipped with the package
    monkeypatch.chdir(Path(__file__).resolve().parent)  # found wherever the command runs
    ds = load_benchmark("seed-en")
    assert ds.num_rows == 16 and ds[5]["source"] == "江北区活力涌动奋发向前"
    assert "80 billion yuan" in ds[10]["reference"]


def test_any_file_with_named_columns(tmp_path) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text(
        "key\tbody\ttitle\na\t江北经济快速增长。宁波也是。\t江北增长\nb\t今天下雨。\t下雨\n", encoding="utf-8"
    )
    ds = load_benchmark(str(path), text_field="body", ref_field="title", id_field="key")
    assert ds["id"] == ["a", "b"] and ds["reference"] == ["江北增长", "下雨"]
    with pytest.raises(ValueError, match="no column 'text'"):
        load_benchmark(str(path))


def test_evaluate_records_where_the_number_came_from() -> None:
    record = evaluate(load_summarizer("lead"), load_benchmark("seed"), benchmark="seed", lang="zh", n_bootstrap=50)
    assert record["model"] == "lead" and record["n"] == 6 and record["lang"] == "zh"
    assert record["metric_settings"] == {"tokenize": "char", "bootstrap": 50}
    assert record["model_info"]["decoding"]["max_chars"] == 30
    assert record["versions"]["python"] and record["seconds"] >= 0
    assert len(record["items"]) == 6 and {"id", "output", "rouge1"} <= set(record["items"][0])
    ci = record["metrics"]["rougeL_ci"]
    assert ci[0] <= record["metrics"]["rougeL"] <= ci[1]


def test_cli_eval_run_writes_a_json_result(tmp_path, capsys) -> None:
    out = tmp_path / "r.json"
    args = ["eval", "run", "--task", "summarize", "--model", "extractive", "--benchmark", "seed"]
    assert main([*args, "--output", str(out), "--bootstrap", "20", "--quiet"]) == 0
    record = json.loads(out.read_text())
    assert record["benchmark"] == "seed" and "rouge1" in record["metrics"]
    assert "rouge1" in capsys.readouterr().out


def test_cli_eval_run_missing_benchmark_file(tmp_path) -> None:
    from helpers import run_cli

    proc = run_cli("eval", "run", "--task", "summarize", "--model", "lead", "--benchmark", str(tmp_path / "x.jsonl"))
    assert proc.returncode == 2 and "no such file" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    proc = run_cli("eval", "run", "--task", "summarize", "--model", "lead", "--benchmark", "nobody/no-dataset")
    assert proc.returncode == 2 and "not a benchmark name" in proc.stderr.decode()
    assert len(proc.stderr.decode().strip().splitlines()) == 1


def test_cli_eval_compare_runs_a_paired_test_of_two_results(tmp_path, capsys) -> None:
    lead, extractive = tmp_path / "lead.json", tmp_path / "extractive.json"
    for name, out in (("lead", lead), ("extractive", extractive)):
        args = ["eval", "run", "--task", "summarize", "--model", name, "--benchmark", "lcsts", "--limit", "60"]
        assert main([*args, "--output", str(out), "--bootstrap", "20", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["eval", "compare", str(lead), str(lead), "--json", "--bootstrap", "200"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert [t["metric"] for t in same["tests"]] == ["rouge1", "rouge2", "rougeL", "bleu"]
    assert all(t["delta"] == 0 and t["p"] == 1.0 for t in same["tests"])
    assert main(["eval", "compare", str(lead), str(extractive), "--metric", "rougeL"]) == 0
    shown = capsys.readouterr().out
    record = json.loads(extractive.read_text())
    base = json.loads(lead.read_text())
    assert f"{base['metrics']['rougeL']:6.2f} -> {record['metrics']['rougeL']:6.2f}" in shown and "p=" in shown
    # results without stored references (older files) read them again from the benchmark
    for item in record["items"]:
        del item["reference"]
    extractive.write_text(json.dumps(record))
    assert main(["eval", "compare", str(lead), str(extractive), "--metric", "rougeL", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tests"][0]["system"] == record["metrics"]["rougeL"]


def test_cli_eval_compare_refuses_results_of_different_items(tmp_path) -> None:
    from helpers import run_cli

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    base = {"benchmark": "seed", "lang": "zh", "items": [{"id": "1", "output": "x", "reference": "x"}]}
    a.write_text(json.dumps(base))
    b.write_text(json.dumps({**base, "items": [{"id": "2", "output": "x", "reference": "x"}]}))
    proc = run_cli("eval", "compare", str(a), str(b))
    assert proc.returncode == 2 and "same items" in proc.stderr.decode()
    b.write_text("{not json")
    proc = run_cli("eval", "compare", str(a), str(b))
    assert proc.returncode == 2 and "not a JSON result" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
