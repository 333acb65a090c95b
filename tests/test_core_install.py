"""The core install: page reading, extractive summaries, servers and scoring work without torch, transformers
and datasets (imports of them are blocked in a child process); the model backends are extras."""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "datasets")

BLOCKER = """
import importlib.abc, sys
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {heavy!r}:
            raise ImportError("blocked for the test: " + name)
sys.meta_path.insert(0, Blocked())
"""


def _without_heavy(code: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    script = BLOCKER.format(heavy=set(HEAVY)) + code
    return subprocess.run(
        [sys.executable, "-c", script, *args], input=stdin, capture_output=True, text=True, timeout=300
    )


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return _without_heavy("from jb_summarize.cli import main\nsys.exit(main(sys.argv[1:]))", *args, stdin=stdin)


def test_the_package_and_the_extractive_summariser_need_no_heavy_dependency():
    proc = _without_heavy(
        "import jb_summarize as j\n"
        "article = j.load_seed_article()\n"
        "print(j.load_summarizer('extractive').summarize([s.body for s in article.sections])[0])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in " + repr(set(HEAVY)) + "]\n"
        "assert not loaded, loaded\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


def test_the_cli_core_commands_run_without_them(tmp_path):
    run = _cli("run", "--summarizer", "extractive", "--no-translate", "--output-dir", str(tmp_path), "-q")
    assert run.returncode == 0, run.stderr
    assert len((tmp_path / "jiangbei-2022.jsonl").read_text(encoding="utf-8").splitlines()) == 6
    batch = _cli("summarize", "-", "--model", "lead", stdin=json.dumps({"id": 1, "text": "江北新增就业。"}) + "\n")
    assert batch.returncode == 0, batch.stderr
    assert json.loads(batch.stdout)["summary"] == "江北新增就业"
    sections = _cli("sections", "--format", "markdown")
    assert sections.returncode == 0 and sections.stdout.count("\n## ") >= 5, sections.stderr
    (tmp_path / "h").write_text("The cat sat on the mat.\n", encoding="utf-8")
    (tmp_path / "r").write_text("The cat sat on the mat.\n", encoding="utf-8")
    scored = _cli("eval", "score", "-i", str(tmp_path / "h"), "-r", str(tmp_path / "r"), "-m", "bleu", "ter")
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.split()[:2] == ["bleu", "100.00"]


def test_the_openai_backend_needs_none_of_them():
    """Reaching for a server that is not there fails as a server error, not as a missing torch."""
    proc = _cli("translate", "-", "--model", "openai:m", "--base-url", "http://127.0.0.1:9/v1", stdin="江北。")
    assert proc.returncode == 2, proc.stderr
    assert "blocked" not in proc.stderr and "127.0.0.1" in proc.stderr


def test_a_feature_of_an_extra_names_the_extra(tmp_path):
    proc = _cli("eval", "run", "--task", "summarize", "--model", "lead", "--benchmark", "seed")
    assert proc.returncode == 2
    assert "pip install 'jb-summarize[hf]'" in proc.stderr and proc.stderr.count("\n") == 1


def test_pyproject_core_dependencies_leave_out_the_heavy_ones():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [dep.split(">")[0].split("=")[0].split("[")[0].strip().lower() for dep in project["dependencies"]]
    assert not set(names) & set(HEAVY), names
    hf = " ".join(project["optional-dependencies"]["hf"])
    assert all(name in hf for name in HEAVY)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install -q torch==" in makefile  # pinned, and installed before the extras
    assert makefile.index("pip install -q torch==") < makefile.index("-e '.[$(EXTRAS)]'")


@pytest.mark.parametrize("extra", ["ct2", "gguf", "test"])
def test_extras_that_need_transformers_bring_the_hf_extra(extra):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "jb-summarize[hf]" in project["optional-dependencies"][extra]


def _setup_commands(tmp_path: Path, *variables: str, goal: str = "setup") -> str:
    venv = tmp_path / "venv"
    proc = subprocess.run(
        ["make", "-n", "-f", str(ROOT / "Makefile"), goal, f"VENV={venv}", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def _wheel_build(commands: str) -> str:
    return commands.split("||", 1)[1].split("\n/", 1)[0]  # the build command, run only after ||


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_setup_builds_llama_cpp_once_per_cpu_in_parallel_without_amx_and_keeps_the_wheel(tmp_path) -> None:
    commands = _setup_commands(tmp_path, f"LLAMA_WHEELS={tmp_path / 'wheels'}")
    build = _wheel_build(commands)
    # built only when the kept wheel is missing, into the wheel folder, then installed from it
    assert f"ls {tmp_path / 'wheels'}/llama_cpp_python-*.whl" in commands
    assert f"pip wheel -q --no-deps --no-cache-dir -w {tmp_path / 'wheels'}" in build
    assert f"pip install -q {tmp_path / 'wheels'}/llama_cpp_python-*.whl" in commands
    assert int(re.search(r"CMAKE_BUILD_PARALLEL_LEVEL=(\d+)", build).group(1)) >= 1  # every core
    assert "-DLLAVA_BUILD=OFF" in build and "-DLLAMA_BUILD_TESTS=OFF" in build
    if platform.machine() == "x86_64":  # the AMX guard holds for the kept wheel too
        assert 'CFLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"' in build
    # the extras that need llama-cpp-python are installed only after its wheel: pip never compiles the sdist
    assert commands.index(f"pip install -q {tmp_path / 'wheels'}") < commands.index(",llama,server]'")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_compile_runs_beside_the_other_installs_and_skips_llama_common(tmp_path) -> None:
    commands = _setup_commands(tmp_path)
    parallel = next(line for line in commands.splitlines() if "llama-wheel" in line)
    assert re.search(r"make .*-j[2-9] .*llama-wheel python-deps", parallel), parallel
    deps = commands[commands.index("pip install -q torch==") :].split("\n")[1]
    assert "pip install -q -e '.[" in deps and "llama" not in deps and "server" not in deps, deps
    lean = re.search(r"-DCMAKE_PROJECT_llama\.cpp_INCLUDE=(\S+?)\"", _wheel_build(commands)).group(1)
    assert "set(LLAMA_BUILD_COMMON OFF)" in Path(lean).read_text(encoding="utf-8")
    # `make run` fetches its model in that time; `make setup` does not
    assert "models fetch" in _setup_commands(tmp_path, goal="run") and "models fetch" not in commands


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_kept_wheel_is_keyed_by_the_cpu_and_the_build_flags(tmp_path) -> None:
    def folder(*variables: str) -> str:
        line = next(line for line in _setup_commands(tmp_path, *variables).splitlines() if line.startswith("ls "))
        return line.split()[1].rsplit("/", 1)[0]

    default = folder()
    assert default.startswith(str(Path.home() / ".cache" / "jb_summarize" / "wheels"))
    assert folder() == default  # the same machine and flags: the same wheel
    assert folder("LLAMA_CFLAGS=-O2") != default  # other compiler flags: another wheel
    assert folder("LLAMA_CMAKE_ARGS=-DGGML_NATIVE=OFF") != default
    other = tmp_path / "lean.cmake"
    other.write_text("# another build\n", encoding="utf-8")
    assert folder(f"LLAMA_LEAN={other}") != default  # what the lean file says is part of the key
