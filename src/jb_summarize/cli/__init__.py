"""The ``jb-summarize`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..extras import MissingExtraError
from ..models import ModelNotAvailableError, quiet_transformers
from ..records import OutputLockedError
from ..text import InputError
from . import batch as batch_commands
from . import doctor as doctor_command
from . import eval as eval_command
from . import models as models_command
from . import run as run_command
from . import sections as sections_command
from ._common import PROG, CLIError, formatter
from ._output import add_output_options, configure_output

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
    add_output_options(parser)  # --debug, -v, -q: before or after the subcommand
    return parser


EXIT_ERROR = 2  # bad input, options or environment: a one-line message
EXIT_CRASH = 3  # an unexpected error: a one-line message, the traceback with --debug


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code (0 done, 1 done with skipped records, 2 error, 3 unexpected error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    debug = args.debug or bool(os.environ.get("JB_SUMMARIZE_DEBUG"))
    configure_output(args)
    quiet_transformers()  # the command's own output only; a library user keeps transformers' settings
    try:
        return args.func(args)
    except (CLIError, InputError, MissingExtraError, ModelNotAvailableError, OutputLockedError, ValueError) as exc:
        if debug:
            raise
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except OSError as exc:  # a path that cannot be read or written: the user's to fix
        if debug:
            raise
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        message = " ".join(str(exc).split())[:300]
        print(
            f"{PROG}: unexpected error: {type(exc).__name__}: {message} (run with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_CRASH
