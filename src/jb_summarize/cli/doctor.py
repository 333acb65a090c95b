"""``jb-summarize doctor``: what this machine is, which llama.cpp path runs, and whether it decodes."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from ..models import (
    REGISTRY,
    REPACK_ENV,
    ProbeResult,
    build_check_model,
    choose_decode_plan,
    choose_weight_layout,
    cpu_info,
    is_present,
    model_home,
    model_path,
    probe_gguf,
)
from ._common import PROG, formatter, positive_float

CHECK_MODEL = "random check model"


def _llama_cpp_build() -> dict[str, Any]:
    try:
        version = metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:
        return {"installed": False}
    try:
        import llama_cpp

        system = llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()
    except Exception as exc:  # a broken native library is what doctor is for
        return {"installed": True, "version": version, "error": f"{type(exc).__name__}: {exc}"}
    features = [part.split("=")[0].strip() for part in system.split("|") if part.strip().endswith("= 1")]
    return {
        "installed": True,
        "version": version,
        "system_info": system,
        "amx_kernels": any(name.startswith("AMX") for name in features),
    }


def _gguf_models() -> list[dict[str, Any]]:
    rows = []
    for spec in REGISTRY.values():
        if spec.family != "gguf":
            continue
        path = model_path(spec)
        rows.append({"name": spec.name, "path": str(path), "fetched": is_present(spec), "size": spec.size})
    return rows


def _probe_targets(args: argparse.Namespace, models: list[dict[str, Any]], folder: Path) -> list[tuple[str, Any]]:
    targets: list[tuple[str, Any]] = [(row["name"], Path(row["path"])) for row in models if row["fetched"]]
    targets += [(str(path), path) for path in args.gguf]
    if not args.no_check_model:
        targets.insert(0, (CHECK_MODEL, build_check_model(folder)))
    return targets


def doctor(args: argparse.Namespace) -> int:
    cpu = cpu_info()
    layout = choose_weight_layout(cpu.flags)
    plan = choose_decode_plan(cpu.flags)
    build = _llama_cpp_build()
    models = _gguf_models()
    report: dict[str, Any] = {
        "cpu": {"model": cpu.model, "kind": cpu.kind, "features": cpu.features},
        "llama_cpp": build,
        "weight_layout": {"name": layout.name, "reason": layout.reason, "override": REPACK_ENV},
        "decode_plan": asdict(plan),
        "model_cache": str(model_home()),
        "models": models,
        "decode_checks": [],
    }
    problems: list[str] = []
    if not build["installed"]:
        problems.append("llama-cpp-python is not installed: `make setup` (or `pip install -e '.[llama]'`)")
    elif "error" in build:
        problems.append(f"llama-cpp-python {build['version']} does not load: {build['error']}")
    checks: list[tuple[str, ProbeResult | str]] = []
    if build.get("system_info") and not args.no_decode:
        with tempfile.TemporaryDirectory(prefix="jb-doctor-") as tmp:
            for label, target in _probe_targets(args, models, Path(tmp)):
                result = target if isinstance(target, str) else probe_gguf(target, timeout=args.timeout)
                checks.append((label, result))
    for label, result in checks:
        if isinstance(result, str):
            report["decode_checks"].append({"model": label, "ok": None, "detail": result})
            continue
        report["decode_checks"].append({"model": label, **result.to_dict()})
        if not result.ok:
            problems.append(f"{label}: {result.detail}")

    if args.json:
        print(json.dumps({**report, "problems": problems}, ensure_ascii=False, indent=2))
    elif not args.quiet:
        _print_report(report, checks)
    for problem in problems:
        print(f"{PROG} doctor: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _print_report(report: dict[str, Any], checks: list[tuple[str, ProbeResult | str]]) -> None:
    build = report["llama_cpp"]
    layout = report["weight_layout"]
    lines = [
        ("CPU", f"{report['cpu']['model']} ({report['cpu']['kind']})"),
        ("features", " ".join(report["cpu"]["features"]) or "(none reported)"),
        ("llama.cpp", f"llama-cpp-python {build['version']}" if build["installed"] else "not installed"),
    ]
    if build.get("system_info"):
        lines.append(("build", build["system_info"]))
        lines.append(("AMX kernels", "in this build" if build["amx_kernels"] else "not in this build"))
    lines.append(("weights", f"{layout['name']}: {layout['reason']} (set {layout['override']}=on|off|auto)"))
    plan = report["decode_plan"]
    lines.append(
        (
            "decoding",
            f"{plan['batch_size']} sequences in flight, n_batch {plan['n_batch']}, {plan['n_threads']} threads: "
            f"{plan['reason']}",
        )
    )
    lines.append(("model cache", report["model_cache"]))
    for row in report["models"]:
        lines.append(("", f"{row['name']}: {'fetched' if row['fetched'] else 'not fetched'} ({row['size']})"))
    for label, result in checks:
        if isinstance(result, str):
            lines.append(("decode", f"{label}: {result}"))
        elif result.ok:
            rate = f", {result.tokens_per_s} tokens/s decoding" if result.tokens_per_s else ""
            lines.append(("decode", f"{label}: ok in {result.seconds:.1f} s ({result.layout} weights{rate})"))
        else:
            lines.append(("decode", f"{label}: FAILED: {result.detail}"))
    width = max(len(key) for key, _ in lines)
    for key, value in lines:
        print(f"{key.ljust(width)}  {value}")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        formatter_class=formatter,
        help="check this machine: CPU features, llama.cpp build, weight layout, models, a test decode",
        description=(
            "Print the CPU's features, the llama.cpp build, which weight layout llama.cpp will use and why,\n"
            "the model cache and what is fetched; then decode a few tokens of a small random check model and\n"
            "of every fetched GGUF model, each in a child process, so that a native crash (e.g. llama.cpp's\n"
            f"AMX kernels on some Intel Xeons) is reported as one line instead of killing the caller.\n\n"
            f"{REPACK_ENV}=on asks for repacked weights, =off or auto (the default) keeps plain ones: on\n"
            "every CPU, because llama.cpp's AMX kernels crash on CPUs with AMX, and elsewhere plain weights\n"
            "decode the library's batches faster and take less memory (models.md).\n\n"
            "Exit code 0: everything works; 1: a problem was found (listed on stderr)."
        ),
        epilog=f"examples:\n  {PROG} doctor\n  {PROG} doctor --quiet\n  {PROG} doctor --gguf my-model.gguf --json",
    )
    p.add_argument("--gguf", type=Path, action="append", default=[], metavar="FILE", help="also check this GGUF")
    p.add_argument("--no-decode", action="store_true", help="report only; decode nothing")
    p.add_argument("--no-check-model", action="store_true", help="skip the small random check model")
    p.add_argument("--timeout", type=positive_float, default=300.0, metavar="S", help="seconds per decode check (300)")
    p.add_argument("--json", action="store_true", help="the report as one JSON object")
    p.set_defaults(func=doctor)
