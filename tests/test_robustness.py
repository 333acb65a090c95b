"""Issue 17: one bad record never kills a run; model limits are respected."""

from __future__ import annotations

import json

import pytest

from jb_summarize.cli import batch as batch_cli
from jb_summarize.cli import main
from jb_summarize.results import RunInfo, TaskResult


class FailsOn:
    """A task that raises on any text containing ``word`` (as a model error on one input would)."""

    name = "fails-on"

    def __init__(self, word: str):
        self.word = word
        self.calls = 0

    def run(self, texts, *, batch_size=None, show_progress_bar=False):
        self.calls += 1
        if any(self.word in t for t in texts):
            raise IndexError("index out of range in self")
        return TaskResult([t.upper() for t in texts], RunInfo(task="summarize", model="fake", source="", backend=""))


@pytest.fixture
def records_file(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [{"id": f"d{i}", "text": "BOOM here" if i == 3 else f"text {i}"} for i in range(6)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_a_model_error_is_that_records_error(records_file, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: FailsOn("BOOM"))
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(records_file), "-o", str(out), "--quiet"]) == 1
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == ["d0", "d1", "d2", "d4", "d5"]
    err = capsys.readouterr().err
    assert f"{records_file}:4: model error: IndexError: index out of range in self" in err
    meta = json.loads((tmp_path / "out.jsonl.meta.json").read_text())
    assert meta["skipped"] == [f"{records_file}:4: model error: IndexError: index out of range in self"]


def test_on_error_stop_ends_the_run_at_the_failing_record(records_file, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: FailsOn("BOOM"))
    out = tmp_path / "out.jsonl"
    assert (
        main(["summarize", str(records_file), "-o", str(out), "--quiet", "--on-error", "stop", "--chunk-size", "1"])
        == 2
    )
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["d0", "d1", "d2"]
    assert "stopped at a record the model failed on" in capsys.readouterr().err


def test_a_long_unpunctuated_record_fits_the_models_positions(tiny_marian) -> None:
    from jb_summarize import load_translator

    translator = load_translator(str(tiny_marian), retry=False)
    assert translator.generator.max_output_tokens == 512
    (output,) = translator.translate(["江北区" * 340])  # 1,020 characters, no punctuation
    assert isinstance(output, str)


def test_an_unexpected_error_has_its_own_exit_code_one_line_and_the_meta_of_what_was_done(
    records_file, tmp_path, monkeypatch, capsys
) -> None:
    from jb_summarize.records import RecordWriter

    real_write = RecordWriter.write

    def write(self, record):
        if record["id"] == "d3":
            raise RuntimeError("something inside a library broke")
        real_write(self, record)

    monkeypatch.setattr(RecordWriter, "write", write)
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(records_file), "-o", str(out), "--quiet", "--model", "lead"]) == 3
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unexpected error: RuntimeError" in err and "--debug" in err
    meta = json.loads((tmp_path / "out.jsonl.meta.json").read_text())
    assert meta["records"] == 3 and meta["finished"] is False and "RuntimeError" in meta["error"]
    with pytest.raises(RuntimeError):
        main(["--debug", "summarize", str(records_file), "-o", str(out), "--quiet", "--model", "lead", "--overwrite"])


@pytest.mark.parametrize(
    "argv",
    [
        ["summarize", "-", "--chunk-size", "0"],
        ["summarize", "-", "--chunk-size", "-3"],
        ["summarize", "-", "--max-chars", "0"],
        ["eval", "run", "--task", "summarize", "--model", "lead", "--benchmark", "seed", "--limit", "0"],
        ["doctor", "--timeout", "0"],
    ],
)
def test_numeric_options_are_validated_alike(argv, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "expected a" in capsys.readouterr().err


def test_unwritable_outputs_are_one_line_errors(records_file, tmp_path, capsys) -> None:
    assert main(["summarize", str(records_file), "-o", "/proc/nope/x.jsonl", "--quiet"]) == 2
    assert "error: " in capsys.readouterr().err
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert main(["run", "--summarizer", "extractive", "--no-translate", "--output-dir", str(a_file), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jb-summarize: error:") and err.count("\n") == 1


def _ids_out(path) -> list:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def test_ids_keep_their_json_type_and_are_never_invented(tmp_path, capsys) -> None:
    path = tmp_path / "in.jsonl"
    rows = [{"id": 2, "text": "一"}, {"id": "2", "text": "二"}, {"text": "三"}, {"id": None, "text": "四"}]
    rows += [{"id": None, "text": "五"}, {"id": 1.5, "text": "六"}, {"id": 3, "text": "七"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(path), "--model", "lead", "-o", str(out), "--quiet"]) == 1
    assert _ids_out(out) == [2, "2", 3]
    err = capsys.readouterr().err
    assert f"{path}:3: no 'id' (other records have one)" in err
    assert f"{path}:4: the id is null" in err and f"{path}:5: the id is null" in err
    assert f"{path}:6: the id must be a string or a whole number, not float" in err
    # a resumed run knows 2 and "2" apart
    assert main(["summarize", str(path), "--model", "lead", "-o", str(out), "--quiet", "--resume"]) == 1
    assert _ids_out(out) == [2, "2", 3]


def test_records_without_ids_are_numbered_by_line(tmp_path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "一"}\n\n{"text": "二"}\n')
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(path), "--model", "lead", "-o", str(out), "--quiet"]) == 0
    assert _ids_out(out) == [1, 3]


@pytest.mark.parametrize("name", ["nope", "folder with spaces", "org/not-here"])
def test_a_missing_path_is_no_such_file_at_once(name, tmp_path, monkeypatch, capsys) -> None:
    import time

    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    assert main(["summarize", name, "--model", "lead", "--quiet"]) == 2
    assert time.perf_counter() - start < 5
    err = capsys.readouterr().err
    assert f"{name}: no such file or folder" in err and err.count("\n") == 1


def test_a_fifo_is_not_read_as_a_dataset(tmp_path, capsys) -> None:
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["summarize", str(fifo), "--model", "lead", "--quiet"]) == 2
    assert "not a regular file or folder" in capsys.readouterr().err


def test_hub_datasets_only_when_named_and_fail_fast_offline(capsys) -> None:
    assert main(["summarize", "hf:someone/news", "--model", "lead", "--quiet"]) == 2  # HF_HUB_OFFLINE in tests
    assert "hf:someone/news: hub datasets are off" in capsys.readouterr().err


@pytest.fixture
def two_records(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [{"id": "a\tb\nc", "text": "江北<script>alert(1)</script>发展。"}, {"id": "d", "text": "宁波\t港口。"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def test_tsv_and_markdown_reports_are_sanitised(two_records, tmp_path) -> None:
    tsv, md = tmp_path / "r.tsv", tmp_path / "r.md"
    assert main(["summarize", str(two_records), "--model", "lead", "-o", str(tsv), "--quiet"]) == 0
    import csv

    rows = list(csv.reader(tsv.open(newline="", encoding="utf-8"), delimiter="\t"))  # csv quoting: read back
    assert len(rows) == 3 and all(len(row) == 2 for row in rows)
    assert rows[1][0] == "a\tb\nc"
    assert main(["summarize", str(two_records), "--model", "lead", "-o", str(md), "--quiet"]) == 0
    text = md.read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text and "## a b c" in text


def test_reports_never_clobber_or_follow_links(two_records, tmp_path, capsys) -> None:
    import os
    import stat

    notes = tmp_path / "notes.html"
    notes.write_text("my notes")
    assert main(["summarize", str(two_records), "--model", "lead", "-o", str(notes), "--quiet"]) == 2
    assert notes.read_text() == "my notes" and "exists: --overwrite" in capsys.readouterr().err
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "rep.html"
    link.symlink_to(target)
    (tmp_path / "rep.html.records.jsonl.meta.json").symlink_to(target)
    assert main(["summarize", str(two_records), "--model", "lead", "-o", str(link), "--quiet", "--overwrite"]) == 0
    assert target.read_text() == "keep me"
    assert not link.is_symlink() and link.read_text().startswith("<!DOCTYPE html>")
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(two_records), "--model", "lead", "-o", str(out), "--quiet"]) == 0
    os.chmod(out, 0o600)
    assert main(["summarize", str(two_records), "--model", "lead", "-o", str(out), "--quiet", "--resume"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_linked_lock_file_is_refused(two_records, tmp_path, capsys) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.lock").symlink_to(target)
    assert main(["summarize", str(two_records), "--model", "lead", "-o", str(out), "--quiet"]) == 2
    assert target.read_text() == "keep me" and capsys.readouterr().err.count("\n") == 1


def test_smaller_things(tmp_path, capsys, monkeypatch) -> None:
    from jb_summarize import load_article, load_summarizer
    from jb_summarize.models import fetch

    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main(["summarize", str(empty), "--model", "lead", "--quiet"]) == 0
    assert "0 records" in capsys.readouterr().err
    utf16 = tmp_path / "page.txt"
    utf16.write_bytes("江北区新增就业2.5万人。".encode("utf-16"))
    assert load_article(utf16).sections[0].body == "江北区新增就业2.5万人。"
    assert load_article("江北区新增就业2.5万人。".encode()).sections[0].body == "江北区新增就业2.5万人。"
    with pytest.raises(ValueError, match="takes a path"):
        load_article("")
    with pytest.raises(TypeError, match="item 0 is NoneType"):
        load_summarizer("lead").summarize([None])
    offline = "ERROR: Could not install\\n  ... NewConnectionError('Failed to establish a new connection')\\nERROR: x"
    assert "could not be reached" in fetch._pip_failure(offline)
    assert "has no such package" in fetch._pip_failure("ERROR: No matching distribution found for x==1")


def test_quiet_resume_prints_no_progress_bar(tmp_path) -> None:
    from helpers import run_cli

    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": f"江北{i}。"}) + "\n" for i in range(5)))
    out = tmp_path / "out.jsonl"
    assert run_cli("summarize", str(path), "--model", "lead", "-o", str(out), "-q").returncode == 0
    proc = run_cli("summarize", str(path), "--model", "lead", "-o", str(out), "-q", "--resume")
    assert proc.returncode == 0 and b"Filter" not in proc.stderr


def test_resume_reads_back_records_holding_unicode_line_separators(tmp_path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [{"id": "a\u2028b", "text": "一\u0085二。"}, {"id": "c", "text": "三。"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(path), "--model", "lead", "-o", str(out), "--quiet"]) == 0
    assert main(["summarize", str(path), "--model", "lead", "-o", str(out), "--quiet", "--resume"]) == 0
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").split("\n") if line] == ["a\u2028b", "c"]


def test_batch_records_say_why_they_are_flagged_and_meta_has_the_full_run_info(tmp_path, monkeypatch) -> None:
    from helpers import FakeGenerator
    from jb_summarize.tasks.translate import Translator

    translator = Translator(FakeGenerator(lambda x, d: "Jiangbei invested 17 billion yuan in total."), retry=True)
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: translator)
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "江北完成投资178亿元。"}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["translate", str(path), "-o", str(out), "--quiet"]) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["flagged"] == ["number"]
    info = json.loads((tmp_path / "out.jsonl.meta.json").read_text())["run_info"]
    assert info["backend"] == "fake" and info["retried"] == 1 and info["flagged"] == 1
    assert info["decoding"]["forbid_chinese"] is True and "versions" in info
