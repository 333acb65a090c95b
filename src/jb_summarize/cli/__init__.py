"""The ``jb-summarize`` command line."""

from __future__ import annotations

import argparse
import os
import signal
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

__all__ = ["Terminated", "build_parser", "main"]


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``timeout``, Slurm, ``docker stop``, a closed terminal): handled as Ctrl-C is, so that
    finished records are kept, the meta is written and the lock removed; the exit code is 128 + the signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def _handle_signals() -> dict[int, object]:
    """SIGTERM and SIGHUP raise ``Terminated`` (main thread only); the previous handlers, to restore."""
    previous: dict[int, object] = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            try:
                previous[number] = signal.signal(number, _terminate)
            except ValueError:  # not the main thread: leave the signals be
                break
    return previous


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
    """Run the command line; the exit code (0 done, 1 done with skipped or failed records, 2 error, 3 unexpected
    error, 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    debug = args.debug or bool(os.environ.get("JB_SUMMARIZE_DEBUG"))
    configure_output(args)
    quiet_transformers()  # the command's own output only; a library user keeps transformers' settings
    previous = _handle_signals()
    try:
        return _main(args, debug)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


def _main(args: argparse.Namespace, debug: bool) -> int:
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
    except Terminated as exc:
        print(f"{PROG}: terminated by {exc.name}; finished records are kept (--resume goes on)", file=sys.stderr)
        return 128 + exc.signum
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
