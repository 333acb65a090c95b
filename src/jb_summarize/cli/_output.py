"""What every command shares on stderr: --debug, -v/--verbose and -q/--quiet (before or after the
subcommand), the library's log and its warnings as one line each."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from typing import Any

from ._common import PROG

__all__ = ["add_output_options", "configure_output"]


def _add(parser: argparse.ArgumentParser, default: Any) -> None:
    """The three options on one parser; ``default`` is SUPPRESS on subcommands, so that an option given before
    the subcommand is not reset by the subcommand's own default."""
    group = parser.add_argument_group("output")
    group.add_argument(
        "--debug",
        action="store_true",
        default=default if default is argparse.SUPPRESS else False,
        help="show the traceback of an unexpected error",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default if default is argparse.SUPPRESS else 0,
        help="log what the library does on stderr (-vv: debug detail)",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default if default is argparse.SUPPRESS else False,
        help="no progress, no warnings: print only results and errors",
    )


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--debug, -v and -q on the top-level parser and on every subcommand, at any depth."""
    _add(parser, None)
    pending = [parser]
    while pending:
        for action in pending.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in dict.fromkeys(action.choices.values()):  # aliases share one parser
                    _add(sub, argparse.SUPPRESS)
                    pending.append(sub)


class _StderrHandler(logging.Handler):
    """One line per record on the stderr of the moment (a test may have replaced it)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"{PROG}: {record.getMessage()}", file=sys.stderr)


_state = {"quiet": False}


def _one_line(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    if not _state["quiet"]:
        print(f"{PROG}: warning: {message}", file=sys.stderr)


def configure_output(args: argparse.Namespace) -> None:
    """The jb_summarize log on stderr at the level -v/-q ask for; warnings as one line each (none with -q)."""
    level = logging.ERROR if args.quiet else {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logger = logging.getLogger("jb_summarize")
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
    _state["quiet"] = args.quiet
    warnings.showwarning = _one_line
