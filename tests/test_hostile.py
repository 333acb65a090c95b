"""Issue 26: hostile inputs and long runs. Nothing destroyed, nothing stale, nothing silently empty."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jb_summarize.cli import batch as batch_cli
from jb_summarize.cli import main
from jb_summarize.models.base import FailedOutput
from jb_summarize.results import RunInfo, TaskResult


def _jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows))
    return path


def _out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _summarize(*args: str) -> int:
    return main(["summarize", *args, "--model", "lead", "--quiet"])


@pytest.fixture
def corpus(tmp_path) -> Path:
    return _jsonl(tmp_path / "in.jsonl", [{"id": f"d{i}", "text": f"第{i}条新闻。北京下雨。"} for i in range(5)])


# --- outputs: only regular files, or - for stdout ---------------------------------------------------


def test_a_device_a_link_to_one_or_a_fifo_is_never_replaced(corpus, tmp_path, capsys) -> None:
    link = tmp_path / "null.jsonl"
    link.symlink_to(os.devnull)
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    for target in (link, fifo, tmp_path / "report.html"):
        if target.name == "report.html":
            (tmp_path / "report.html").symlink_to(os.devnull)
        assert _summarize(str(corpus), "-o", str(target), "--overwrite") == 2
        err = capsys.readouterr().err
        assert "not a regular file" in err and err.count("\n") == 1
    assert link.is_symlink() and fifo.is_fifo() and Path(os.devnull).is_char_device()


def test_dash_is_stdout(corpus, capsys) -> None:
    assert _summarize(str(corpus), "-o", "-") == 0
    assert [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == [f"d{i}" for i in range(5)]
    assert not Path("-").exists()


def test_the_output_may_not_be_an_input(corpus, capsys) -> None:
    before = corpus.read_text()
    for flag in ("--overwrite", "--resume"):
        assert _summarize(str(corpus), "-o", str(corpus), flag) == 2
        assert "both an input and the output" in capsys.readouterr().err
    assert corpus.read_text() == before


def test_the_lock_is_a_filelock_and_is_removed(corpus, tmp_path) -> None:
    import filelock

    out = tmp_path / "out.jsonl"
    lock = filelock.FileLock(str(out) + ".lock", timeout=0)
    with lock:
        assert _summarize(str(corpus), "-o", str(out)) == 2  # another holder: refused
    assert _summarize(str(corpus), "-o", str(out)) == 0
    assert not Path(str(out) + ".lock").exists()


# --- per-record errors, with their line --------------------------------------------------------------


def test_hostile_jsonl_lines_are_that_lines_error(tmp_path, capsys) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        "\ufeff".encode()
        + b'{"id": 1, "text": "\xe4\xb8\x80\xe3\x80\x82"}\n'
        + b'{"id": 2, "text": "a", "n": '
        + b"9" * 5000
        + b"}\n"
        + b"[" * 100_000
        + b"\n"
        + b'{"id": 4, "text": "\\ud800"}\n'
        + b'{"id": 5, "text": "\xe5\xa5\xbd\xe3\x80\x82"}\n'
    )
    out = tmp_path / "out.jsonl"
    assert _summarize(str(path), "-o", str(out)) == 1
    assert [r["id"] for r in _out(out)] == [1, 5]  # the BOM does not cost record 1
    err = capsys.readouterr().err
    assert f"{path}:2: bad JSON" in err and f"{path}:3: bad JSON (nested too deeply)" in err
    assert f"{path}:4: holds a lone surrogate" in err


def test_csv_quoting_problems_are_reported_with_their_lines(tmp_path, capsys) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,"他说好\n2,坏。\n3,"好"\n4,行。\n5,' + "长" * 200_000 + "\n")
    out = tmp_path / "out.jsonl"
    assert _summarize(str(path), "-o", str(out)) == 1
    assert [r["id"] for r in _out(out)] == ["4", "5"]  # a field over csv's 128 KiB is fine
    assert f"{path}:2: a quoting problem" in capsys.readouterr().err


def test_tsv_is_read_as_tsv(tmp_path) -> None:
    path = tmp_path / "in.tsv"
    path.write_text('id\ttext\n1\t"引号开头\n2\t第二行。\n')
    out = tmp_path / "out.jsonl"
    assert _summarize(str(path), "-o", str(out)) == 0
    assert [(r["id"], r["summary"]) for r in _out(out)] == [("1", '"引号开头'), ("2", "第二行")]


def test_tsv_reports_are_written_with_csv_quoting_and_read_back(corpus, tmp_path) -> None:
    import csv

    tricky = _jsonl(tmp_path / "t.jsonl", [{"id": 'a"b', "text": '他说"好"。\t再见。'}])
    out = tmp_path / "r.tsv"
    assert _summarize(str(tricky), "-o", str(out)) == 0
    rows = list(csv.reader(out.open(newline=""), delimiter="\t"))
    assert rows[0] == ["id", "summary"] and rows[1][0] == 'a"b' and rows[1][1].startswith('他说"好"')


# --- resume: what was run on and with ----------------------------------------------------------------


def test_resume_refuses_another_input_model_or_options_unless_told(corpus, tmp_path, capsys) -> None:
    out = tmp_path / "out.jsonl"
    assert _summarize(str(corpus), "-o", str(out)) == 0
    meta = json.loads((tmp_path / "out.jsonl.meta.json").read_text())
    assert meta["fingerprint"]["records"] == 5 and len(meta["fingerprint"]["sha256"]) == 64
    assert meta["settings"]["model"] == "lead"
    _jsonl(corpus, [{"id": f"d{i}", "text": f"改过的第{i}条。"} for i in range(5)])  # same ids, new texts
    assert _summarize(str(corpus), "-o", str(out), "--resume") == 2
    assert "another input" in capsys.readouterr().err
    assert main(["summarize", str(corpus), "--model", "extractive", "-o", str(out), "--resume", "-q"]) == 2
    assert _summarize(str(corpus), "-o", str(out), "--resume", "--max-chars", "5") == 2
    assert "options max_chars" in capsys.readouterr().err
    assert _summarize(str(corpus), "-o", str(out), "--resume", "--resume-anyway") == 0
    assert _summarize(str(corpus), "-o", str(out), "--overwrite") == 0
    assert _out(out)[0]["summary"] == "改过的第0条"


def test_resume_refuses_another_commands_output(corpus, tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "out.jsonl"
    assert _summarize(str(corpus), "-o", str(out)) == 0
    assert main(["translate", str(corpus), "-o", str(out), "--resume", "-q"]) == 2
    assert "another task 'summarize', now 'translate'" in capsys.readouterr().err
    (tmp_path / "out.jsonl.meta.json").unlink()  # even without the meta: the records say what they are
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: Flaky(None))
    assert main(["translate", str(corpus), "-o", str(out), "--resume", "-q"]) == 2
    assert "hold no 'translation'" in capsys.readouterr().err


class Flaky:
    """A task whose backend fails (a rejected request) on the texts holding ``word``."""

    name = "flaky"

    def __init__(self, word: str | None):
        self.word = word

    def run(self, texts, *, batch_size=None, show_progress_bar=False):
        outputs = [FailedOutput(reason="HTTP 400: bad") if self.word and self.word in t else t[:4] for t in texts]
        reasons = {str(i): ["failed"] for i, o in enumerate(outputs) if isinstance(o, FailedOutput)}
        return TaskResult(
            outputs, RunInfo(task="summarize", model="flaky", source="", backend="", flag_reasons=reasons)
        )


def test_failed_records_are_reported_retried_on_resume_and_all_failed_is_an_error(
    corpus, tmp_path, monkeypatch, capsys
) -> None:
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: Flaky("第1条"))
    assert _summarize(str(corpus), "-o", str(out)) == 1
    err = capsys.readouterr().err
    assert "1 record(s) failed, e.g. 'd1': HTTP 400: bad" in err
    assert [r["error"] for r in _out(out) if r["id"] == "d1"] == ["HTTP 400: bad"]
    assert json.loads((tmp_path / "out.jsonl.meta.json").read_text())["finished"] is False
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: Flaky(None))
    assert _summarize(str(corpus), "-o", str(out), "--resume") == 0
    assert sorted(r["id"] for r in _out(out)) == [f"d{i}" for i in range(5)]
    assert all("error" not in r for r in _out(out))
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: Flaky("条"))
    assert _summarize(str(corpus), "-o", str(tmp_path / "all.jsonl")) == 2
    assert "every record failed (HTTP 400: bad)" in capsys.readouterr().err


# --- ids, shards -------------------------------------------------------------------------------------


def test_ids_are_unique_across_inputs(tmp_path) -> None:
    a = _jsonl(tmp_path / "a.jsonl", [{"text": "甲。"}, {"text": "乙。"}])
    b = _jsonl(tmp_path / "b.jsonl", [{"text": "丙。"}])
    for sub in ("x", "y"):
        (tmp_path / "two" / sub).mkdir(parents=True)
        (tmp_path / "two" / sub / "page.txt").write_text(f"{sub}页。")
    (tmp_path / "two" / "x" / "page.md").write_text("另一页。")
    out = tmp_path / "out.jsonl"
    assert _summarize(str(a), str(b), "-o", str(out)) == 0
    assert [r["id"] for r in _out(out)] == [f"{a}:1", f"{a}:2", f"{b}:1"]
    x, y = tmp_path / "two" / "x", tmp_path / "two" / "y"
    assert _summarize(str(x), str(y), "-o", str(out), "--overwrite") == 0
    assert [r["id"] for r in _out(out)] == [f"{x}/page.md", f"{x}/page.txt", f"{y}/page.txt"]
    assert _summarize(str(tmp_path / "two"), "-o", str(out), "--overwrite") == 0
    assert [r["id"] for r in _out(out)] == ["x/page.md", "x/page.txt", "y/page.txt"]


def test_an_empty_shard_is_fine(corpus, tmp_path, capsys) -> None:
    out = tmp_path / "s.jsonl"
    assert _summarize(str(corpus), "--shard", "150/1000", "-o", str(out)) == 0
    assert out.read_text() == "" and json.loads((tmp_path / "s.jsonl.meta.json").read_text())["finished"]
    parts = []
    for i in range(7):  # more shards than records: each record once, in order
        part = tmp_path / f"p{i}.jsonl"
        assert _summarize(str(corpus), "--shard", f"{i}/7", "-o", str(part)) == 0
        parts += [r["id"] for r in _out(part)]
    assert parts == [f"d{i}" for i in range(5)]


# --- memory: streamed -----------------------------------------------------------------------------------


def test_batch_reading_is_streamed_a_chunk_at_a_time(tmp_path, monkeypatch) -> None:
    path = _jsonl(tmp_path / "in.jsonl", [{"id": i, "text": f"第{i}条。"} for i in range(50)])
    read = []
    held = []
    real = batch_cli.read_records

    def counting(*args, **kwargs):
        for item in real(*args, **kwargs):
            read.append(item)
            yield item

    class Watching:
        name = "watching"

        def run(self, texts, *, batch_size=None, show_progress_bar=False):
            held.append(len(read))
            return TaskResult(list(texts), RunInfo(task="summarize", model="w", source="", backend=""))

    monkeypatch.setattr(batch_cli, "read_records", counting)
    monkeypatch.setattr(batch_cli, "task_from_args", lambda task, args: Watching())
    assert _summarize(str(path), "-o", str(tmp_path / "out.jsonl"), "--chunk-size", "5") == 0
    # the first pass reads all 50 (the fingerprint) and keeps none; the second has read one chunk per call
    assert held[:3] == [55, 60, 65]


# --- signals ---------------------------------------------------------------------------------------------

SLOW_RUN = """
import sys, time
from jb_summarize.tasks import summarize
real = summarize.LeadSummarizer._run
def slow(self, texts, batch_size, progress):
    time.sleep(0.3)
    return real(self, texts, batch_size, progress)
summarize.LeadSummarizer._run = slow
from jb_summarize.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_keep_what_is_done_and_resume_goes_on(corpus, tmp_path, signum, code) -> None:
    path = _jsonl(tmp_path / "many.jsonl", [{"id": i, "text": f"第{i}条新闻。"} for i in range(40)])
    out = tmp_path / "out.jsonl"
    argv = ["summarize", str(path), "--model", "lead", "-o", str(out), "-q", "--chunk-size", "1"]
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RUN, *argv], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 3):
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert f"terminated by {signal.Signals(signum).name}" in err.decode()
    meta = json.loads((tmp_path / "out.jsonl.meta.json").read_text())
    kept = _out(out)
    assert not meta["finished"] and meta["error"].startswith("terminated") and 3 <= len(kept) < 40
    assert meta["records"] == len(kept) and not (tmp_path / "out.jsonl.lock").exists()
    assert main([*argv, "--resume"]) == 0
    assert [r["id"] for r in _out(out)] == list(range(40))


# --- small things --------------------------------------------------------------------------------------


def test_whitespace_and_zero_width_texts_are_empty_and_folders_survive_a_bad_file(tmp_path, capsys) -> None:
    path = _jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": " \u3000 "}, {"id": 2, "text": "\u200b\u200b"}])
    assert _summarize(str(path)) == 1
    assert capsys.readouterr().err.count("empty text") == 2
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "state.json").write_text("{}")  # not a saved dataset without its Arrow files
    (folder / "a.txt").write_text("好的。")
    (folder / "b.txt").mkdir()  # cannot be read as a file: skipped, the rest goes on
    assert _summarize(str(folder)) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "a.txt"


def test_null_texts_in_a_dataset_batch_are_an_error_not_none() -> None:
    from jb_summarize import load_summarizer

    with pytest.raises(TypeError, match="item 1 is NoneType"):
        load_summarizer("lead")({"text": ["好。", None]})


# --- servers: an overall deadline, a size cap, settings ------------------------------------------------


@pytest.fixture
def trickling_server():
    """A fake OpenAI-compatible server: /models lists "m"; /chat/completions sends a byte every 0.2 s
    (``?fast=1`` in the URL: answers at once; ``?hang=1``: sends nothing for 5 s). Yields (base URL, the paths
    it was asked for)."""
    import http.server
    import threading

    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, body: bytes, slow: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                if slow:
                    time.sleep(0.2)

        def do_GET(self) -> None:
            asked.append(self.path)
            self._send(json.dumps({"data": [{"id": "m"}]}).encode(), slow=False)

        def do_POST(self) -> None:
            asked.append(self.path)
            self.rfile.read(int(self.headers["Content-Length"]))
            answer = {"choices": [{"message": {"content": "好的"}}]}
            if "hang=1" in self.path:
                time.sleep(5)
            try:
                self._send(json.dumps(answer).encode(), slow="fast=1" not in self.path)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", asked
    server.shutdown()


def test_a_trickling_server_is_cut_off_at_the_request_deadline(trickling_server) -> None:
    from jb_summarize.models import ServerUnavailableError
    from jb_summarize.models.server import OpenAIChatGenerator

    url, _ = trickling_server
    generator = OpenAIChatGenerator("m", base_url=url, request_timeout=1.0, max_retries=0)
    start = time.monotonic()
    with pytest.raises(ServerUnavailableError, match="no full answer within 1 s"):
        generator.generate([[{"role": "user", "content": "你好"}]], max_new_tokens=[8])
    assert time.monotonic() - start < 4  # the answer would take ~9 s at a byte per 0.2 s


def test_a_hung_server_costs_at_most_the_deadline_over_all_tries(trickling_server) -> None:
    from jb_summarize.models import ServerUnavailableError
    from jb_summarize.models.server import OpenAIChatGenerator

    url, asked = trickling_server
    generator = OpenAIChatGenerator(
        "m", base_url=f"{url}?hang=1", request_timeout=1.0, total_timeout=2.5, max_retries=10
    )
    start = time.monotonic()
    with pytest.raises(ServerUnavailableError, match=r"stopped answering \(.*, [23] tries in [23] s\)"):
        generator.generate([[{"role": "user", "content": "你好"}]], max_new_tokens=[8])
    assert time.monotonic() - start < 4  # ten retries of one second each, with backoff, would take over 20 s
    assert 2 <= asked.count("/v1/chat/completions?hang=1") <= 3


def test_server_settings_query_strings_retry_after_and_bad_retries(trickling_server, monkeypatch) -> None:
    from jb_summarize.models import ModelNotAvailableError
    from jb_summarize.models.server import OpenAIChatGenerator

    url, asked = trickling_server
    generator = OpenAIChatGenerator("m", base_url=f"{url}?fast=1", max_retries=0)
    assert generator.generate([[{"role": "user", "content": "你好"}]], max_new_tokens=[8]) == ["好的"]
    assert asked == ["/v1/models?fast=1", "/v1/chat/completions?fast=1"]
    for header in ("-5", "nan", "inf", "soon"):
        assert 0 < generator._backoff(0, header) <= 1.0
    assert generator._backoff(0, "2") == 2.0
    for bad in ("-1", "many", "1e9"):
        monkeypatch.setenv("JB_SUMMARIZE_SERVER_RETRIES", bad)
        with pytest.raises(ModelNotAvailableError, match="JB_SUMMARIZE_SERVER_RETRIES must be a whole number"):
            OpenAIChatGenerator("m", base_url=url)


def test_closed_streams_examples_on_a_builtin_and_huge_chunks_are_exit_2(corpus) -> None:
    from helpers import run_cli

    for argv, closed in (
        (["summarize", "-", "--model", "lead"], "stdin"),
        (["summarize", str(corpus), "--model", "lead"], "stdout"),
        (["summarize", str(corpus), "--model", "lead", "--examples", "2"], None),
        (["summarize", str(corpus), "--model", "lead", "--chunk-size", "9" * 20], None),
    ):
        command = [sys.executable, "-m", "jb_summarize", *argv, "-q"]
        kwargs = {"stdin": subprocess.DEVNULL}
        if closed:  # the stream closed, as `<&-` and `>&-` leave it
            fd = 0 if closed == "stdin" else 1
            kwargs = {"preexec_fn": lambda fd=fd: os.close(fd)}
        proc = subprocess.run(command, capture_output=closed != "stdout", timeout=120, **kwargs)
        assert proc.returncode == 2, (argv, proc.stderr)
    assert run_cli("summarize", str(corpus), "--model", "lead", "--examples", "2").stderr.count(b"\n") == 1


def test_a_vertical_tab_is_whitespace_not_binary(tmp_path, capsys) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes("\x0b江北区今年新增就业2.5万人。\n".encode())
    assert _summarize(str(page)) == 0
    assert json.loads(capsys.readouterr().out)["summary"] == "江北区今年新增就业2.5万人"


def test_markdown_outputs_show_html_and_markdown_syntax_never_render_it(tmp_path, capsys) -> None:
    page = tmp_path / "page.txt"
    page.write_text("标题一号新闻\n\n江北区<b>新增</b>就业*2.5*万人，[链接](http://x)。\n", encoding="utf-8")
    assert main(["sections", str(page), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "<b>" not in out and "&lt;b&gt;" in out and "\\*2.5\\*" in out and "\\[链接\\]" in out


def test_shift_jis_is_refused_not_read_as_gb18030_mojibake(tmp_path, capsys) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes("東京の経済は成長した。大阪と京都も、今年は好調だった。".encode("shift_jis"))
    assert _summarize(str(page)) == 1
    assert "looks like Japanese Shift-JIS" in capsys.readouterr().err
    gb = tmp_path / "gb.txt"
    gb.write_bytes("江北区今年新增就业2.5万人，全区经济增长。".encode("gb18030"))
    assert _summarize(str(gb)) == 0


def test_a_device_is_never_read_as_a_page(capsys) -> None:
    start = time.monotonic()
    assert main(["sections", "/dev/zero"]) == 2
    assert "not a regular file" in capsys.readouterr().err and time.monotonic() - start < 5


def test_a_page_of_only_spaces_or_zero_width_characters_is_an_error(tmp_path, capsys) -> None:
    for name, text in (("spaces.txt", " \u3000\n\t\n"), ("zw.txt", "\u200b \u200d\n\u200b \ufeff")):
        page = tmp_path / name
        page.write_text(text, encoding="utf-8")
        assert main(["sections", str(page)]) == 2
        assert "empty input" in capsys.readouterr().err


def test_run_resume_refuses_other_models_or_options_and_redoes_same_length_edits(tmp_path, capsys) -> None:
    page = tmp_path / "page.txt"
    page.write_text("第一节标题\n\n江北区今年新增就业2.5万人。\n\n第二节标题\n\n慈城古县城很美。\n", encoding="utf-8")
    args = ["run", str(page), "--no-translate", "--no-article-summary", "--quiet", "--output-dir", str(tmp_path / "o")]
    assert main([*args, "--summarizer", "lead"]) == 0
    capsys.readouterr()
    assert main([*args, "--summarizer", "extractive", "--resume"]) == 2
    assert "made with another model 'lead | None', now 'extractive | None'" in capsys.readouterr().err
    assert main([*args, "--summarizer", "lead", "--max-chars", "4", "--resume"]) == 2
    assert "options summarize" in capsys.readouterr().err
    assert main([*args, "--summarizer", "lead", "--resume-anyway"]) == 2  # only with --resume
    page.write_text(page.read_text().replace("2.5万人", "3.1万人"), encoding="utf-8")  # the same length
    assert main([*args, "--summarizer", "lead", "--resume"]) == 0
    summaries = [r["summary_zh"] for r in _out(next((tmp_path / "o").glob("*.jsonl")))]
    assert any("3.1万人" in s for s in summaries) and not any("2.5万人" in s for s in summaries)
    assert main([*args, "--summarizer", "extractive", "--resume", "--resume-anyway"]) == 0


def test_run_resume_redoes_edited_sections_and_foreign_records(tmp_path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("第一节标题\n\n江北区今年新增就业2.5万人。\n\n第二节标题\n\n慈城古县城很美。\n", encoding="utf-8")
    args = ["run", str(page), "--summarizer", "lead", "--no-translate", "--no-article-summary", "--quiet"]
    args += ["--output-dir", str(tmp_path / "out")]
    assert main(args) == 0
    jsonl = next((tmp_path / "out").glob("*.jsonl"))
    before = _out(jsonl)
    assert len(before) >= 1
    with jsonl.open("a") as handle:
        handle.write(json.dumps({"id": ["foreign"], "summary": "x"}) + "\n")  # another file's record
    page.write_text(page.read_text().replace("2.5万人", "3.1万人，创历史新高"), encoding="utf-8")
    assert main([*args, "--resume"]) == 0
    after = _out(jsonl)
    assert all("index" in r for r in after) and len(after) == len(before)
    assert any("3.1万人" in r["summary_zh"] for r in after) and not any("2.5万人" in r["summary_zh"] for r in after)


# --- ids in bounded memory ----------------------------------------------------------------------------


def test_an_id_set_moves_to_disk_and_keeps_its_answers() -> None:
    from jb_summarize.records.idset import IdSet

    ids = IdSet(spill_after=10)
    assert all(ids.add(f"a{i}") for i in range(30)) and ids.on_disk
    assert not ids.add("a3") and not ids.add("a29") and len(ids) == 30
    assert "a7" in ids and "a30" not in ids
    assert ids.add(1) and "1" not in ids and 1 in ids and not ids.add(1)  # a number and a string differ
    assert ids.add(["a", 1]) and ["a", 1] in ids  # any JSON value


def test_duplicates_and_resume_past_the_spill(tmp_path, monkeypatch, capsys) -> None:
    from jb_summarize.records import idset

    monkeypatch.setattr(idset, "SPILL_AFTER", 5)
    rows = [{"id": f"d{i}", "text": f"第{i}条新闻。北京下雨。"} for i in range(30)] + [{"id": "d3", "text": "重复。"}]
    corpus = _jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert _summarize(str(corpus), "-o", str(out)) == 1  # finished, one record skipped
    assert "in.jsonl:31: duplicate id 'd3'" in capsys.readouterr().err
    done = _out(out)
    assert [r["id"] for r in done] == [f"d{i}" for i in range(30)]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in done[:17]) + '{"id": "d1')
    assert _summarize(str(corpus), "-o", str(out), "--resume") == 1
    assert sorted(r["id"] for r in _out(out)) == sorted(f"d{i}" for i in range(30))


def test_a_full_disk_loses_nothing_and_resume_goes_on(tmp_path, monkeypatch, capsys) -> None:
    import errno

    from jb_summarize.records import RecordWriter

    rows = [{"id": f"d{i}", "text": f"第{i}条新闻。北京下雨。"} for i in range(8)]
    corpus, out = _jsonl(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    write = RecordWriter.write

    def full_after_three(self, record) -> None:  # the disk fills in the middle of the fourth line
        if self.written == 3:
            line = json.dumps(record, ensure_ascii=False)
            self._handle.write(line[: len(line) // 2])
            self._handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device", str(out))
        write(self, record)

    monkeypatch.setattr(RecordWriter, "write", full_after_three)
    assert _summarize(str(corpus), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err
    lines = out.read_text().split("\n")
    assert [json.loads(line)["id"] for line in lines[:3]] == ["d0", "d1", "d2"] and lines[3].startswith('{"id": "d3')
    meta = json.loads(Path(f"{out}.meta.json").read_text())
    assert meta["finished"] is False
    monkeypatch.setattr(RecordWriter, "write", write)  # space again
    assert _summarize(str(corpus), "-o", str(out), "--resume") == 0
    assert [r["id"] for r in _out(out)] == [f"d{i}" for i in range(8)]


def test_a_corrupt_parquet_file_and_a_file_as_output_dir_are_one_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    assert _summarize(str(bad)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}: not a readable Parquet file" in err
    page = tmp_path / "page.txt"
    page.write_text("江北区今年新增就业2.5万人。\n", encoding="utf-8")
    args = ["run", str(page), "--summarizer", "lead", "--no-translate", "--quiet", "--output-dir", str(page)]
    assert main(args) == 2
    assert "is a file: name a folder" in capsys.readouterr().err
    assert page.read_text(encoding="utf-8") == "江北区今年新增就业2.5万人。\n"
