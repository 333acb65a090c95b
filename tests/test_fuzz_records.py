"""Hypothesis over the batch readers: every valid record comes out exactly once, every invalid one is
reported with its line, the exit code is the README's, and no exception escapes."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jb_summarize.cli import main

TEXT = st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x9FFF), min_size=1, max_size=30).filter(
    lambda t: t.strip()
)
BAD_IDS = st.sampled_from([None, 1.5, True, [1], {"a": 1}])
BAD_ROWS = st.one_of(
    st.builds(lambda i: {"id": i, "text": "江北。"}, BAD_IDS),
    st.just({"id": "x", "text": ""}),
    st.just({"id": "y", "text": 42}),
    st.just({"id": "z"}),
    st.just("{not json"),
    st.just("[1, 2]"),
)


@st.composite
def jsonl_corpus(draw):
    lines, valid, invalid = [], [], []
    for number in range(1, draw(st.integers(1, 12)) + 1):
        if draw(st.booleans()):
            rid = draw(st.one_of(st.integers(-5, 10**6), st.text(min_size=1, max_size=8)))
            if rid in [v for v, _ in valid] or any(v == rid and type(v) is type(rid) for v, _ in valid):
                rid = f"u{number}"
            text = draw(TEXT)
            lines.append(json.dumps({"id": rid, "text": text}, ensure_ascii=draw(st.booleans())))
            valid.append((rid, text))
        else:
            row = draw(BAD_ROWS)
            lines.append(row if isinstance(row, str) else json.dumps(row))
            invalid.append(number)
    return lines, valid, invalid


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(jsonl_corpus())
def test_jsonl_records_come_out_once_or_are_reported(tmp_path_factory, capsys, corpus) -> None:
    lines, valid, invalid = corpus
    folder = tmp_path_factory.mktemp("fuzz")
    source, out = folder / "in.jsonl", folder / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["summarize", str(source), "--model", "lead", "-o", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == (1 if invalid else 0)
    got = (
        [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").split("\n") if line] if out.exists() else []
    )
    assert got == [rid for rid, _ in valid]
    for number in invalid:
        assert f"{source}:{number}: " in err


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(min_size=0, max_size=8), TEXT | st.just("")), min_size=1, max_size=8))
def test_csv_records_come_out_once_or_are_reported(tmp_path_factory, capsys, rows) -> None:
    folder = tmp_path_factory.mktemp("fuzzcsv")
    source, out = folder / "in.csv", folder / "out.jsonl"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    source.write_text(buffer.getvalue(), encoding="utf-8")
    code = main(["summarize", str(source), "--model", "lead", "-o", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code in (0, 1, 2)
    if code == 2:  # a file the reader cannot take at all is one line, never a traceback
        assert err.count("\n") == 1 and "Traceback" not in err
        return
    got = (
        [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").split("\n") if line] if out.exists() else []
    )
    skipped = [line for line in err.splitlines() if line.startswith("jb-summarize: skipped ")]
    assert len(got) == len(set(got))
    assert len(got) + len(skipped) == len(rows)  # each row comes out once or is reported
    assert all(f"{source}:" in line for line in skipped)
    assert code == (1 if skipped else 0)


HOSTILE = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",), max_codepoint=0x9FFF),
        st.sampled_from(['"', "'", ",", "\\", "\u200b", "\ufeff", "\u2028", "\x85", " ", "\u3000"]),
    ),
    max_size=20,
)


def _no_breaks(text: str) -> str:
    """TSV holds no tab or line break in a field (nor anything str.splitlines() breaks at)."""
    return "".join(" " if (c + "x").splitlines()[0] != c + "x" or c == "\t" else c for c in text)


def _write(path, fmt: str, rows: list[tuple[str, str | None]]) -> None:
    if fmt == "jsonl":
        path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows), encoding="utf-8")
    elif fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["id", "text"], *rows])
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    elif fmt == "tsv":
        lines = ["id\ttext", *(f"{i}\t{t}" for i, t in rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"id": [i for i, _ in rows], "text": [t for _, t in rows]}), path)


@st.composite
def table(draw):
    fmt = draw(st.sampled_from(["jsonl", "csv", "tsv", "parquet"]))
    rows = []
    for number in range(draw(st.integers(1, 8))):
        rid = draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=6))
        text = draw(HOSTILE | st.none()) if fmt in ("jsonl", "parquet") else draw(HOSTILE)
        if fmt == "tsv":
            rid, text = _no_breaks(rid), _no_breaks(text)
        if not rid.strip() or rid in [r for r, _ in rows] or (fmt == "csv" and rid.startswith("\ufeff")):
            rid = f"u{number}"
        rows.append((rid, text))
    return fmt, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table())
@example(("tsv", [("1", '"引号开头'), ("2", "第二行。"), ("3", 'a"b"')]))
@example(("csv", [("1", '他说"好",\n再见'), ("2", "\u2028\x85")]))
def test_jsonl_csv_tsv_and_parquet_rows_come_out_once_or_are_reported(tmp_path_factory, capsys, case) -> None:
    """Whatever the texts hold (quotes, backslashes, zero-width and line-separator characters, nulls), each row
    comes out once, with its id and text, or is reported at its line; the exit code says which."""
    from jb_summarize.records import read_records

    fmt, rows = case
    folder = tmp_path_factory.mktemp("fuzzany")
    source, out = folder / f"in.{fmt}", folder / "out.jsonl"
    _write(source, fmt, rows)
    read = [r for r in read_records([str(source)]) if isinstance(r, dict)]
    code = main(["summarize", str(source), "--model", "lead", "-o", str(out), "--quiet"])
    err = capsys.readouterr().err
    skipped = [line for line in err.splitlines() if line.startswith("jb-summarize: skipped ")]
    got = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").split("\n") if line]
    assert "Traceback" not in err and code == (1 if skipped else 0)
    assert len(got) + len(skipped) == len(rows) and got == [r["id"] for r in read]
    expected = {rid: text for rid, text in rows}
    assert all(r["text"] == expected[r["id"]] for r in read)  # the text as written, quotes and all
    # a well-written file loses only its empty texts, each reported at its line
    assert all(f"{source}:" in line and line.endswith((": empty text", ": missing text field")) for line in skipped)
