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
