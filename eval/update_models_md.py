"""Regenerate the generated blocks of models.md (between <!-- NAME:begin --> and <!-- NAME:end -->).

.venv/bin/python eval/update_models_md.py          # rewrite models.md
.venv/bin/python eval/update_models_md.py --check  # exit 1 if models.md is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from jb_summarize.models import models_markdown

MODELS_MD = Path(__file__).resolve().parents[1] / "models.md"

BLOCKS: dict[str, Callable[[], str]] = {"registry": models_markdown}


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(f"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"models.md has no <!-- {name}:begin --> ... <!-- {name}:end --> block")
    return pattern.sub(lambda m: m.group(1) + content + m.group(2), text)


def render(text: str) -> str:
    for name, make in BLOCKS.items():
        text = replace_block(text, name, make())
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that models.md is up to date")
    args = parser.parse_args()
    current = MODELS_MD.read_text(encoding="utf-8")
    updated = render(current)
    if args.check:
        if updated != current:
            print("models.md is out of date: run eval/update_models_md.py", file=sys.stderr)
            return 1
        return 0
    MODELS_MD.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
