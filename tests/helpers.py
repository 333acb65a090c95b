"""Test helpers: a scripted text generator, and running the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jb_summarize.models.base import GREEDY, Decoding, TextGenerator


class FakeGenerator(TextGenerator):
    # A scripted generator exercises the task layer's segmentation, batching and retries exactly.
    """Answers with ``respond(input, decoding)``; records every call."""

    backend = "fake"

    def __init__(self, respond: Callable[[Any, dict[str, Any]], str], *, kind: str = "seq2seq", max_input_tokens=64):
        self.respond = respond
        self.kind = kind
        self.source = "fake"
        self.max_input_tokens = max_input_tokens
        self.calls: list[dict[str, Any]] = []

    def count_tokens(self, text: str) -> int:
        return len(text)

    def generate(
        self, inputs: Sequence[Any], *, max_new_tokens, decoding: Decoding = GREEDY, batch_size=None, progress=False
    ) -> list[str]:
        options = decoding.to_dict()
        self.calls.append(
            {"inputs": list(inputs), "max_new_tokens": list(max_new_tokens), "batch_size": batch_size, **options}
        )
        return [self.respond(x, options) for x in inputs]


def real_home() -> str:
    """The user's model cache, not the per-test temporary one."""
    return os.environ.get("JB_SUMMARIZE_REAL_HOME") or str(Path.home() / ".cache" / "jb_summarize")


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m jb_summarize ARGS`` with stdout and stderr captured."""
    return subprocess.run([sys.executable, "-m", "jb_summarize", *args], input=stdin, capture_output=True, timeout=300)


def screenshot_report(report: Path, out: Path) -> None:
    """eval/screenshot_report.py on a run report: phone.png, desktop.png and report.pdf in ``out``."""
    script = Path(__file__).resolve().parents[1] / "eval" / "screenshot_report.py"
    proc = subprocess.run(
        [sys.executable, str(script), str(report), "--out", str(out)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
