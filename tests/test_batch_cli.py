from __future__ import annotations

import fcntl
import json
import signal
import subprocess
import sys
import time

import pytest

from helpers import run_cli, screenshot_report
from jb_summarize.cli import main
from jb_summarize.records import parse_shard

TEXTS = [f"江北区第{i}个项目完成投资{i}亿元。全区经济增长很快，宁波港口繁忙。" for i in range(40)]


@pytest.fixture
def jsonl_corpus(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"doc{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(TEXTS))
    )
    return path


def lines_of(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_summarize_jsonl_contract(jsonl_corpus, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    args = ["summarize", str(jsonl_corpus), "--text-field", "text", "--id-field", "id", "--model", "extractive"]
    assert main([*args, "--output", str(out), "--quiet"]) == 0
    records = lines_of(out)
    assert [r["id"] for r in records] == [f"doc{i}" for i in range(40)]
    assert all(r["summary"] and r["model"] == "extractive" for r in records)


def test_bad_records_are_reported_with_line_numbers(tmp_path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        '{"id": 1, "text": "江北发展。"}\n'.encode() + b'{"id": 2, "text": ""}\n{oops\n'
        b'{"id": 4}\n{"id": 5, "text": "\xff\xfe"}\n{"id": 1, "text": "dup"}\n'
    )
    proc = run_cli("summarize", str(path), "--model", "lead", "-q")
    assert proc.returncode == 1
    err = proc.stderr.decode()
    for expected in (
        "in.jsonl:2: empty text",
        "in.jsonl:3: bad JSON",
        "in.jsonl:4: no field 'text'",
        "in.jsonl:5: not UTF-8",
        "in.jsonl:6: duplicate id 1",
    ):
        assert expected in err
    assert [json.loads(line)["id"] for line in proc.stdout.decode().splitlines()] == [1]  # ids keep their JSON type
    stop = run_cli("summarize", str(path), "--model", "lead", "-q", "--on-error", "stop")
    assert stop.returncode == 2 and not stop.stdout and "Traceback" not in stop.stderr.decode()


def test_an_existing_output_is_not_overwritten_by_accident(jsonl_corpus, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["summarize", str(jsonl_corpus), "--model", "lead", "-o", str(out), "-q"]) == 0
    proc = run_cli("summarize", str(jsonl_corpus), "--model", "lead", "-o", str(out), "-q")
    assert proc.returncode == 2 and "--resume" in proc.stderr.decode()
    assert main(["summarize", str(jsonl_corpus), "--model", "lead", "-o", str(out), "-q", "--overwrite"]) == 0
    assert len(lines_of(out)) == 40


def test_a_second_writer_is_refused(jsonl_corpus, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    with open(tmp_path / "out.jsonl.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = run_cli("summarize", str(jsonl_corpus), "--model", "lead", "-o", str(out), "-q")
    assert proc.returncode == 2 and "being written by another run" in proc.stderr.decode()
    assert not out.exists() or out.read_text() == ""


def test_a_killed_run_keeps_its_records_and_resumes(jsonl_corpus, tmp_path, tiny_mt5) -> None:
    out = tmp_path / "out.jsonl"
    command = [
        sys.executable,
        "-m",
        "jb_summarize",
        "summarize",
        str(jsonl_corpus),
        "--model",
        str(tiny_mt5),
        "--output",
        str(out),
        "--chunk-size",
        "1",
        "-q",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = out.read_text().splitlines()
    assert 3 <= len(finished) < 40
    complete = [json.loads(line) for line in finished if line.endswith("}")]
    assert len(complete) >= 3
    assert subprocess.run([*command, "--resume"], capture_output=True).returncode == 0
    ids = [r["id"] for r in lines_of(out)]
    assert sorted(ids) == sorted(f"doc{i}" for i in range(40)) and len(ids) == len(set(ids))
    assert lines_of(out)[: len(complete)] == complete


def test_shards_cover_the_corpus_without_overlap(jsonl_corpus, tmp_path) -> None:
    ids: list[str] = []
    for index in range(3):
        out = tmp_path / f"part{index}.jsonl"
        assert (
            main(["summarize", str(jsonl_corpus), "--model", "lead", "--shard", f"{index}/3", "-o", str(out), "-q"])
            == 0
        )
        ids += [r["id"] for r in lines_of(out)]
    assert ids == [f"doc{i}" for i in range(40)]


@pytest.mark.parametrize("spec", ["3/3", "1", "a/b", "0/0"])
def test_bad_shard_specs(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_shard(spec)


def test_folder_stdin_csv_parquet_and_saved_dataset_inputs(tmp_path) -> None:
    import datasets

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "one.txt").write_text("江北发展很快。", encoding="utf-8")
    (folder / "two.txt").write_bytes("宁波港口繁忙。".encode("gb18030"))
    proc = run_cli("summarize", str(folder), "--model", "lead", "-q")
    # ids keep the suffix: a.txt and a.md are two records
    assert [json.loads(x)["id"] for x in proc.stdout.decode().splitlines()] == ["one.txt", "two.txt"]

    proc = run_cli("summarize", "-", "--model", "lead", "-q", stdin="慈城古县城很美。".encode())
    assert json.loads(proc.stdout)["summary"] == "慈城古县城很美"

    csv_path = tmp_path / "t.csv"
    csv_path.write_text("key,body\nx,江北发展很快。\n", encoding="utf-8")
    proc = run_cli("summarize", str(csv_path), "--text-field", "body", "--id-field", "key", "--model", "lead", "-q")
    assert json.loads(proc.stdout)["id"] == "x"

    ds = datasets.Dataset.from_dict({"id": ["p", "q"], "text": ["江北发展很快。", "宁波港口繁忙。"]})
    ds.to_parquet(str(tmp_path / "t.parquet"))
    ds.save_to_disk(str(tmp_path / "saved"))
    for source in (tmp_path / "t.parquet", tmp_path / "saved"):
        proc = run_cli("summarize", str(source), "--model", "lead", "-q")
        assert [json.loads(x)["id"] for x in proc.stdout.decode().splitlines()] == ["p", "q"], proc.stderr


def test_html_report(jsonl_corpus, tmp_path) -> None:
    out = tmp_path / "report.html"
    assert main(["summarize", str(jsonl_corpus), "--model", "lead", "-o", str(out), "-q"]) == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and 'name="viewport"' in page and "doc39" in page
    assert (tmp_path / "report.html.records.jsonl").exists()


def test_summarizer_as_a_datasets_map_callable() -> None:
    import datasets

    from jb_summarize import load_summarizer

    summarizer = load_summarizer("lead")
    ds = datasets.Dataset.from_dict({"text": TEXTS[:5]})
    out = ds.map(lambda batch: {"summary": summarizer(batch["text"])}, batched=True, batch_size=2)
    assert out["summary"] == summarizer(TEXTS[:5])


def test_batch_callable_with_datasets_map() -> None:
    import datasets

    from jb_summarize.records import BatchCallable

    ds = datasets.Dataset.from_dict({"id": list(range(5)), "text": TEXTS[:5]})
    out = ds.map(BatchCallable("summarize", "lead"), batched=True, batch_size=2)
    assert out["summary"] == BatchCallable("summarize", "lead")({"text": TEXTS[:5]})["summary"]
    assert out["id"] == list(range(5))


@pytest.mark.slow
def test_ray_data_map_batches_locally() -> None:
    ray = pytest.importorskip("ray")
    from jb_summarize.records import BatchCallable

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        ds = ray.data.from_items([{"id": i, "text": t} for i, t in enumerate(TEXTS[:12])])
        out = ds.map_batches(
            BatchCallable,
            fn_constructor_kwargs={"task": "summarize", "model": "lead"},
            concurrency=1,
            batch_size=4,
        ).take_all()
    finally:
        ray.shutdown()
    got = {row["id"]: row["summary"] for row in out}
    expected = BatchCallable("summarize", "lead")({"text": TEXTS[:12]})["summary"]
    assert [got[i] for i in range(12)] == expected


@pytest.mark.slow
def test_run_report_renders_in_headless_chromium(tmp_path) -> None:
    import shutil

    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    assert main(["run", "--summarizer", "lead", "--no-translate", "--output-dir", str(tmp_path), "--quiet"]) == 0
    shots = tmp_path / "shots"
    screenshot_report(tmp_path / "jiangbei-2022.html", shots)
    for name in ("phone.png", "desktop.png", "report.pdf"):
        assert (shots / name).stat().st_size > 10_000
    assert (shots / "phone.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
