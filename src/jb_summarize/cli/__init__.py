"""The ``jb-summarize`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..models import ModelNotAvailableError
from ..records import OutputLockedError
from ..text import InputError
from . import batch as batch_commands
from . import doctor as doctor_command
from . import eval as eval_command
from . import models as models_command
from . import run as run_command
from . import sections as sections_command
from ._common import PROG, CLIError, formatter

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=formatter,
        description="Summarise Chinese news text and translate it into English with pretrained models.",
        epilog=(
            "examples:\n"
            f"  {PROG} run                            # the seed article: summaries, English, scores\n"
            f"  {PROG} sections page.txt --format markdown\n"
            f"  {PROG} models list\n"
            f"  {PROG} doctor                         # does llama.cpp run on this CPU?\n"
            f"  {PROG} eval score --hyp out.en --ref ref.en --lang en\n\n"
            f"Run '{PROG} COMMAND --help' for a command's options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run_command.add_parser(sub)
    batch_commands.add_parsers(sub)
    for command in (sections_command, eval_command, models_command, doctor_command):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except (CLIError, InputError, ModelNotAvailableError, OutputLockedError, ValueError) as exc:
        if os.environ.get("JB_SUMMARIZE_DEBUG"):
            raise
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
