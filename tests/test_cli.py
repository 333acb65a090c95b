from __future__ import annotations

import json

import pytest

from helpers import run_cli
from jb_summarize.cli import main


def test_sections_jsonl_default_is_the_seed(capsys) -> None:
    assert main(["sections"]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 6
    assert records[0]["headline"] == "强力推进全域美丽 打造城乡融合新标杆"
    assert {"id", "headline", "text"} <= set(records[0])


def test_sections_headline_null_when_none(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text("江北区今年新增就业2.5万人，\n全区经济增长。\n", encoding="utf-8")
    assert main(["sections", str(path)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["headline"] is None
    assert record["text"] == "江北区今年新增就业2.5万人，全区经济增长。"


@pytest.mark.parametrize("fmt", ["tsv", "markdown"])
def test_sections_other_formats(fmt: str, capsys) -> None:
    assert main(["sections", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "聚力深化改革创新 绘就转型跨越新画卷" in out
    if fmt == "tsv":
        rows = out.splitlines()
        assert rows[0].split("\t") == ["id", "headline", "n_chars", "text"]
        assert len(rows) == 7
    else:
        assert out.startswith("# 江北区活力涌动奋发向前")
        assert "**Credits:** 供图 江北区委宣传部" in out


def test_sections_from_stdin() -> None:
    text = "标题一号新闻\n\n江北区今年新增就业2.5万人。\n".encode("gb18030")
    proc = run_cli("sections", "-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["headline"] == "标题一号新闻"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        ("江北".encode("utf-16-le"), "binary"),
        (b"caf\xe9 \xff\xfe", "not UTF-8, UTF-16, GB18030 or Big5"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    proc = run_cli("sections", str(path))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_file_and_directory(tmp_path) -> None:
    for target, message in ((tmp_path / "nope.txt", "no such file"), (tmp_path, "is a directory")):
        proc = run_cli("sections", str(target))
        assert proc.returncode == 2
        assert message in proc.stderr.decode()
        assert "Traceback" not in proc.stderr.decode()


def test_help_explains_itself() -> None:
    proc = run_cli("sections", "--help")
    assert proc.returncode == 0
    assert b"examples:" in proc.stdout and b"--format" in proc.stdout


def test_no_command_prints_help_and_fails() -> None:
    proc = run_cli()
    assert proc.returncode == 2
    assert b"sections" in proc.stderr


@pytest.mark.parametrize("command", [["run"], ["translate", "-"], ["eval", "run", "--task", "translate"]])
def test_batch_size_must_be_positive(command: list[str]) -> None:
    proc = run_cli(*command, "--batch-size", "0")
    assert proc.returncode == 2
    assert b"--batch-size: expected a whole number of at least 1, got '0'" in proc.stderr


def test_sections_explain_names_each_lines_role(capsys) -> None:
    assert main(["sections", "--explain"]) == 0
    rows = capsys.readouterr().out.splitlines()
    heading = next(r for r in rows if r.split()[:1] == ["51"])
    assert "heading" in heading and "强力推进全域美丽 打造城乡融合新标杆" in heading
    assert any(" caption " in r for r in rows) and any(" credit " in r for r in rows)
