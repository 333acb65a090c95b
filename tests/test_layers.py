"""The architecture as a test: imports inside the package run one way, down the layers docs/contributing.md lists."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "jb_summarize"

# Top to bottom; a module may import from its own folder and from lower layers only.
LAYERS = [
    ["cli"],
    ["pipeline", "evaluation"],
    ["records"],
    ["report"],
    ["tasks"],
    ["models"],
    ["examples", "names"],
    ["results", "metrics", "amounts", "glossary", "gazetteer"],
    ["reading"],
    ["article"],
    ["sentences"],
    ["text", "extras"],
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str:
    """'jb_summarize.models.hf' -> 'models'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at run time?) for every jb_summarize import of a file, resolved to absolute names."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                names = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            else:
                names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [(n, id(node) not in typing_only) for n in names if n.startswith("jb_summarize.")]
    return found


def test_every_module_is_in_a_layer() -> None:
    units = {_unit(".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)) for p in PACKAGE.rglob("*.py")}
    assert units - {"__init__", "__main__"} <= set(RANK), units - set(RANK)


def test_imports_run_down_the_layers() -> None:
    upward = []
    for path in PACKAGE.rglob("*.py"):
        source = _unit(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
        if source not in RANK:
            continue
        for target, _ in _imports(path):
            unit = _unit(target)
            if unit != source and unit in RANK and RANK[unit] <= RANK[source]:
                upward.append(f"{path.relative_to(PACKAGE)} imports {target}")
    assert upward == []


def test_the_cli_uses_models_through_the_package_only() -> None:
    inner = [
        f"{path.name} imports {target}"
        for path in (PACKAGE / "cli").glob("*.py")
        for target, _ in _imports(path)
        if target.startswith("jb_summarize.models.")
    ]
    assert inner == []
