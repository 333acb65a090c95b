"""Every code block of README.md runs, as written, and every link in it leads somewhere.

Bash blocks run in a scratch folder with this environment's ``jb-summarize`` on the PATH, ``.venv`` pointing at
this environment and ``make`` using the project's Makefile without its set-up step; Python blocks run in a
child process. Blocks that need real weights (the GGUF models, ``make run``) are slow tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import real_home

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
NEEDS_WEIGHTS = re.compile(r"make run|qwen2\.5-coder|jb-summarize translate -|jb-summarize run(?!.*--no-translate)")


def _blocks() -> list:
    params = []
    for number, match in enumerate(BLOCK.finditer(README.read_text(encoding="utf-8")), start=1):
        kind, code = match.groups()
        marks = [pytest.mark.slow] if NEEDS_WEIGHTS.search(code) else []
        params.append(pytest.param(kind, code, bool(marks), id=f"{kind}-{number}", marks=marks))
    return params


def test_the_readme_has_code_blocks_and_stays_short():
    text = README.read_text(encoding="utf-8")
    assert len(_blocks()) >= 5
    assert len(text.splitlines()) <= 200
    assert "## Contents" in text


@pytest.mark.parametrize(("kind", "code", "real_weights"), _blocks())
def test_readme_block_runs(kind, code, real_weights, tmp_path):
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    if real_weights:  # the user's model cache, where the real weights are (fetched there if missing)
        env["JB_SUMMARIZE_HOME"] = real_home()
        env.pop("JB_SUMMARIZE_OFFLINE", None)
    if kind == "python":
        proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, timeout=1800)
    else:
        (tmp_path / ".venv").symlink_to(bindir.parent)
        prelude = f'set -euo pipefail\nmake() {{ command make -f "{ROOT / "Makefile"}" STAMP= VENV=.venv "$@"; }}\n'
        proc = subprocess.run(["bash", "-c", prelude + code], cwd=tmp_path, env=env, capture_output=True, timeout=1800)
    assert proc.returncode == 0, (proc.stdout.decode()[-2000:], proc.stderr.decode()[-2000:])
    assert proc.stdout.strip(), "a README example that prints nothing shows nothing"


def test_every_link_in_the_readme_leads_somewhere():
    text = README.read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.*)$", text, re.MULTILINE)
    }
    for target in re.findall(r"\]\(([^)]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        if target.startswith("#"):
            assert target[1:] in anchors, target
            continue
        path = target.split("#")[0]
        assert (ROOT / path).exists(), target


def test_the_docs_pages_link_back_and_their_links_lead_somewhere():
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "(../README.md)" in text, page.name
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://")):
                continue
            resolved = (page.parent / target).resolve().relative_to(ROOT)
            assert (ROOT / resolved).exists(), (page.name, target)
