from __future__ import annotations

import json

import pytest

from helpers import run_cli
from jb_summarize.cli import main


def test_run_with_baseline_and_no_translation(tmp_path, capsys) -> None:
    assert main(["run", "--summarizer", "extractive", "--no-translate", "--output-dir", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "R-1" in out and "mean over 6 sections" in out
    records = [json.loads(line) for line in (tmp_path / "jiangbei-2022.jsonl").read_text().splitlines()]
    assert [r["index"] for r in records] == list(range(6))
    assert all(0 < len(r["summary_zh"]) <= 30 for r in records)
    assert records[0]["rouge"]["tokenize"] == "char"
    assert records[0]["summarizer"]["model"] == "extractive"
    meta = json.loads((tmp_path / "jiangbei-2022.meta.json").read_text())
    assert meta["seconds"] >= 0 and meta["peak_rss_mb"] > 0
    assert "## 0. 强力推进全域美丽 打造城乡融合新标杆" in (tmp_path / "jiangbei-2022.md").read_text()
    brief = json.loads((tmp_path / "jiangbei-2022.summary.json").read_text())
    assert 30 < len(brief["summary_zh"]) <= 120 and brief["summarizer"]["decoding"]["style"] == "summary"
    assert brief["summary_zh"] in (tmp_path / "jiangbei-2022.md").read_text()
    assert "The article in brief" in (tmp_path / "jiangbei-2022.html").read_text()


def test_run_with_tiny_models_and_resume(tmp_path, tiny_mt5, tiny_marian) -> None:
    args = ["run", "--summarizer", str(tiny_mt5), "--translator", str(tiny_marian), "--no-bodies"]
    args += ["--output-dir", str(tmp_path), "--quiet"]
    assert main(args) == 0
    jsonl = tmp_path / "jiangbei-2022.jsonl"
    lines = jsonl.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 6 and all("summary_en" in r and "headline_en" in r for r in records)
    assert records[0]["translator"]["model"] == str(tiny_marian)
    # an interrupted run: four records and half a fifth
    jsonl.write_text("\n".join(lines[:4]) + "\n" + lines[4][:20])
    assert main([*args, "--resume"]) == 0
    resumed = [
        json.loads(line) for line in jsonl.read_text().splitlines() if line.startswith("{") and line.endswith("}")
    ]
    assert sorted(r["index"] for r in resumed) == list(range(6))
    assert jsonl.read_text().splitlines()[:4] == lines[:4]
    brief = tmp_path / "jiangbei-2022.summary.json"
    assert "summary_en" in json.loads(brief.read_text())
    brief.write_text(json.dumps({"id": "kept", "summary_zh": "上次的概括。", "summary_en": "Kept."}))
    assert main([*args, "--resume"]) == 0  # a finished article summary is kept on --resume
    assert json.loads(brief.read_text())["id"] == "kept"
    assert "上次的概括。" in (tmp_path / "jiangbei-2022.md").read_text()
    assert main([*args, "--no-article-summary", "--overwrite"]) == 0
    assert "The article in brief" not in (tmp_path / "jiangbei-2022.md").read_text()


def test_run_offline_without_the_model_fails_in_one_line(tmp_path) -> None:
    proc = run_cli("run", "--offline", "--output-dir", str(tmp_path))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "offline" in err and "models fetch" in err and "Traceback" not in err


def test_models_list(capsys) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "qwen2.5-coder-1.5b-instruct-q4_k_m" in out and "built in" in out
    assert main(["models", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["name"] for r in rows} >= {"extractive", "lead", "opus-mt-zh-en"}
    assert next(r for r in rows if r["name"] == "qwen2.5-coder-0.5b-instruct-q4_k_m")["present"] == "no"


@pytest.mark.parametrize(("name", "message"), [("nope", "unknown model"), ("opus-mt-zh-en", "Hugging Face cache")])
def test_models_fetch_refuses_what_it_cannot_fetch(name: str, message: str) -> None:
    proc = run_cli("models", "fetch", name)
    assert proc.returncode == 2 and message in proc.stderr.decode()


def test_models_fetch_without_a_name_fetches_the_model_run_uses(monkeypatch, capsys, tmp_path) -> None:
    from jb_summarize.cli import models as models_cli
    from jb_summarize.tasks import DEFAULT_TRANSLATOR

    asked = []
    monkeypatch.setattr(models_cli, "fetch_model", lambda spec, **_: asked.append(spec.name) or tmp_path / "m.gguf")
    assert main(["models", "fetch", "--quiet"]) == 0
    assert asked == [DEFAULT_TRANSLATOR] and capsys.readouterr().out.strip() == str(tmp_path / "m.gguf")


def test_eval_score_reproduces_wmt21(shared_dir, capsys) -> None:
    folder = shared_dir / "data" / "wmt21-zh-en"
    hyp = folder / "systems" / "newstest2021.zh-en.hyp.Online-B.en"
    ref = folder / "newstest2021.zh-en.ref.A.en"
    args = ["eval", "score", "--hyp", str(hyp), "--ref", str(ref), "--lang", "en", "--bootstrap", "100"]
    assert main([*args, "--json", "--no-per-item"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert round(result["bleu"], 1) == 32.4 and round(result["chrf"], 1) == 61.3
    assert result["bleu_ci"][0] < result["bleu"] < result["bleu_ci"][1]
    assert main(args) == 0
    assert "|ci:percentile-bootstrap|bs:100|seed:12345" in capsys.readouterr().out


def test_eval_score_chinese_from_stdin(tmp_path) -> None:
    ref = tmp_path / "ref.zh"
    ref.write_text("江北经济快速增长\n宁波港口繁忙\n", encoding="utf-8")
    proc = run_cli(
        "eval",
        "score",
        "--hyp",
        "-",
        "--ref",
        str(ref),
        "--lang",
        "zh",
        "--json",
        stdin="江北经济快速增长\n宁波\n".encode(),
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["per_item"][0]["rouge1"] == 100.0 and 0 < result["rouge1"] < 100
    assert "tok:char" in result["rouge_signature"]


def test_eval_score_misaligned_files_fail_in_one_line(tmp_path) -> None:
    (tmp_path / "h").write_text("a\nb\n")
    (tmp_path / "r").write_text("a\n")
    proc = run_cli("eval", "score", "--hyp", str(tmp_path / "h"), "--ref", str(tmp_path / "r"), "--lang", "en")
    assert proc.returncode == 2
    assert "has 1 lines but" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()
