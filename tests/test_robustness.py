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
    assert main(["summarize", str(records_file), "-o", str(out), "--quiet", "--on-error", "stop", "--chunk-size", "1"]) == 2
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["d0", "d1", "d2"]
    assert "stopped at a record the model failed on" in capsys.readouterr().err


def test_a_long_unpunctuated_record_fits_the_models_positions(tiny_marian) -> None:
    from jb_summarize import load_translator

    translator = load_translator(str(tiny_marian), retry=False)
    assert translator.generator.max_output_tokens == 512
    (output,) = translator.translate(["江北区" * 340])  # 1,020 characters, no punctuation
    assert isinstance(output, str)
