"""The conventions users of transformers, sacrebleu and the shell expect: device, warnings, logging, -v/-q and
--debug anywhere, stdin JSONL, --format without -o, run refusing to overwrite."""

from __future__ import annotations

import json
import logging
import warnings

import pytest

from helpers import FakeGenerator, run_cli
from jb_summarize import load_translator
from jb_summarize.cli import main
from jb_summarize.models import ModelNotAvailableError, resolve_device
from jb_summarize.tasks.base import UnsupportedOptionWarning
from jb_summarize.tasks.translate import Translator

SEED_TEXT = "去年江北新增就业2.5万人。"


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, "cpu"), (-1, "cpu"), ("-1", "cpu"), (0, "cuda:0"), ("1", "cuda:1"), ("cuda:1", "cuda:1"), ("CPU", "cpu")],
)
def test_device_as_in_transformers(given, expected):
    assert resolve_device(given) == expected


@pytest.mark.parametrize("bad", ["gpu", "cuda:x", -2, 1.5, True, "0x"])
def test_a_bad_device_is_a_value_error(bad):
    with pytest.raises(ValueError, match="device"):
        resolve_device(bad)


def test_auto_is_the_cpu_without_a_gpu():
    torch = pytest.importorskip("torch")
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")


def test_device_0_asks_for_the_first_gpu(tiny_marian):
    """device=0 is transformers' first GPU: it runs there, or fails in one line; never silently on the CPU."""
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        translator = load_translator(str(tiny_marian), device=0)
        assert next(translator.generator.model.parameters()).device.type == "cuda"
    else:
        with pytest.raises(ModelNotAvailableError, match="no CUDA GPU"):
            load_translator(str(tiny_marian), device=0)


def test_device_cuda_on_a_cpu_torch_is_one_line_exit_2(tiny_marian, tmp_path):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this torch sees a GPU")
    page = tmp_path / "page.txt"
    page.write_text(SEED_TEXT, encoding="utf-8")
    proc = run_cli("translate", str(page), "--model", str(tiny_marian), "--device", "cuda")
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().count("\n") == 0, proc.stderr
    assert "no CUDA GPU" in proc.stderr.decode()


def test_a_bad_device_on_the_command_line_is_exit_2(tmp_path):
    proc = run_cli("summarize", "-", "--model", "lead", "--device", "gpu0", stdin=SEED_TEXT.encode())
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("jb-summarize: error: device 'gpu0'")


class _NoBeams(FakeGenerator):
    backend = "nobeams"
    unsupported = ("num_beams",)


def test_an_option_the_backend_cannot_honour_warns_once_per_task():
    translator = Translator(_NoBeams(lambda text, options: "Jiangbei added 25,000 jobs."), num_beams=4)
    with pytest.warns(UnsupportedOptionWarning, match="nobeams has no num_beams") as caught:
        first = translator.run([SEED_TEXT])
        translator.run([SEED_TEXT])
    assert len([w for w in caught if w.category is UnsupportedOptionWarning]) == 1
    assert "nobeams has no num_beams; decoded without it" in first.info.notes


def test_what_the_caller_did_not_ask_for_does_not_warn():
    """The library's own choices (beams on a retry) are in the notes only."""
    translator = Translator(_NoBeams(lambda text, options: "Jiangbei added 25,000 jobs."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnsupportedOptionWarning)
        translator.run([SEED_TEXT])
        with pytest.warns(UnsupportedOptionWarning):  # asked for in one call: warned of then
            translator.run([SEED_TEXT], num_beams=2)


def test_the_library_logs_through_its_own_logger_with_a_null_handler():
    logger = logging.getLogger("jb_summarize")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


def test_verbose_logs_the_model_load(tiny_marian, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(SEED_TEXT, encoding="utf-8")
    quiet = run_cli("translate", str(page), "--model", str(tiny_marian))
    loud = run_cli("translate", str(page), "--model", str(tiny_marian), "-v")
    assert quiet.returncode == loud.returncode == 0
    assert "loaded" not in quiet.stderr.decode()
    assert f"jb-summarize: loaded {tiny_marian}" in loud.stderr.decode()


@pytest.mark.parametrize(
    "argv",
    [
        ["sections", "/no/such/page.txt", "--debug"],
        ["--debug", "sections", "/no/such/page.txt"],
        ["eval", "score", "--hyp", "/no/such/hyp", "--ref", "/no/such/ref", "--lang", "en", "--debug"],
    ],
)
def test_debug_before_or_after_the_subcommand(argv):
    proc = run_cli(*argv)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr.decode()
    plain = run_cli(*[a for a in argv if a != "--debug"])
    assert plain.returncode == 2 and "Traceback" not in plain.stderr.decode()


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["summarize"],
        ["translate"],
        ["sections"],
        ["doctor"],
        ["eval", "score"],
        ["eval", "run"],
        ["eval", "compare"],
        ["models", "list"],
        ["models", "fetch"],
    ],
)
def test_every_command_takes_verbose_quiet_and_debug(command, capsys):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = capsys.readouterr().out
    for option in ("-v, --verbose", "-q, --quiet", "--debug"):
        assert option in text, (command, option)


def test_stdin_jsonl_is_read_as_records():
    lines = [
        json.dumps({"id": i, "text": text}, ensure_ascii=False)
        for i, text in enumerate(["江北新增就业。", "数字化改革。"])
    ]
    stdin = ("\n".join(lines) + "\n").encode()
    for extra in ([], ["--jsonl"]):  # seen to be JSONL, or told so
        proc = run_cli("summarize", "-", "--model", "lead", *extra, stdin=stdin)
        assert proc.returncode == 0, proc.stderr
        records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
        assert [(r["id"], r["summary"]) for r in records] == [(0, "江北新增就业"), (1, "数字化改革")]


def test_stdin_lines_and_plain_text():
    stdin = "江北新增就业。\n数字化改革。\n".encode()
    by_line = run_cli("summarize", "-", "--model", "lead", "--lines", stdin=stdin)
    assert [json.loads(x)["id"] for x in by_line.stdout.decode().splitlines()] == [1, 2]
    whole = run_cli("summarize", "-", "--model", "lead", stdin=stdin)
    assert [json.loads(x)["id"] for x in whole.stdout.decode().splitlines()] == ["stdin"]


def test_format_without_output_writes_that_format_to_stdout(tmp_path):
    proc = run_cli("summarize", "-", "--model", "lead", "--lines", "--format", "tsv", stdin="江北新增就业。\n".encode())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().splitlines()[0].split("\t")[:2] == ["id", "summary"]
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("output", "fmt"), [("x.csv", None), ("x.tsv", "jsonl"), ("x.jsonl", "html")])
def test_an_output_suffix_that_disagrees_is_an_error(tmp_path, output, fmt):
    argv = ["summarize", "-", "--model", "lead", "-o", str(tmp_path / output)] + (["--format", fmt] if fmt else [])
    proc = run_cli(*argv, stdin=SEED_TEXT.encode())
    assert proc.returncode == 2
    assert "--output" in proc.stderr.decode()
    assert not (tmp_path / output).exists()


def test_run_refuses_to_overwrite_without_overwrite_or_resume(tmp_path):
    argv = ["run", "--summarizer", "lead", "--no-translate", "--output-dir", str(tmp_path), "-q"]
    assert main(argv) == 0
    records = tmp_path / "jiangbei-2022.jsonl"
    before = records.read_bytes()
    proc = run_cli(*argv)
    assert proc.returncode == 2
    assert "exists: --overwrite" in proc.stderr.decode()
    assert records.read_bytes() == before
    assert main([*argv, "--resume"]) == 0
    records.write_text("", encoding="utf-8")
    assert main([*argv, "--overwrite"]) == 0
    assert len(records.read_text(encoding="utf-8").splitlines()) == 6  # the same run again, from nothing


def test_doctor_help_says_what_the_weight_layout_code_does(capsys):
    from jb_summarize.models import choose_weight_layout

    with pytest.raises(SystemExit):
        main(["doctor", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert not choose_weight_layout(frozenset({"avx512f"}), "auto").repack  # plain on every CPU by default
    assert not choose_weight_layout(frozenset({"amx_tile"}), "auto").repack
    assert "=off or auto (the default) keeps plain ones: on every CPU" in text
    assert "repacked ones elsewhere" not in text


def test_models_list_says_hub_models_are_not_here_when_the_cache_lacks_them(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path))
    assert main(["models", "list", "--json"]) == 0
    rows = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["opus-mt-zh-en"]["present"] == "no (hub)"
    assert "hub cache" not in rows["opus-mt-zh-en"]["present"]


def test_sections_help_names_every_encoding_it_reads(capsys):
    with pytest.raises(SystemExit):
        main(["sections", "--help"])
    text = capsys.readouterr().out
    for encoding in ("UTF-8", "UTF-16", "GB18030", "Big5"):
        assert encoding in text


def test_the_seed_runtime_is_typed_nowhere_but_in_the_measurements():
    """README and docs give timings only from models.md's generated data (the README's generated block)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = root / "README.md"
    outside = re.sub(
        r"<!-- quickstart:begin -->.*?<!-- quickstart:end -->", "", readme.read_text(encoding="utf-8"), flags=re.S
    )
    for page in [readme, *sorted((root / "docs").glob("*.md"))]:
        text = outside if page == readme else page.read_text(encoding="utf-8")
        assert not re.search(r"\b([3-9]\d|\d{3,})(\.\d+)? s\b", text), page.name  # a run time, not a timeout
