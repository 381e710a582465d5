"""Dispatch: parse, run the command, print its notes or its one error line, return the exit status."""

from __future__ import annotations

import argparse
import errno
import importlib
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop.cli.arguments import (
    COMMANDS,
    EXIT_USAGE,
    CliError,
    Done,
    RuntimeFailureError,
    build_parser,
    dashed_values_attached,
)
from desktop.core.alerts.rule_files import RuleFileError
from desktop.core.errors import BacktestError, PriceFileError
from desktop.core.safe_files import file_problem, printable

SUBCOMMANDS = tuple(COMMANDS)


def cmd_run(args: argparse.Namespace) -> Done:
    from desktop.ui.pyside_import_check import make_pyside_import_check_cheap

    make_pyside_import_check_cheap()  # before the window's modules are imported (about 50 ms of the start)
    from desktop.app import run_app  # Qt is imported only here

    return Done(run_app(args))


# Each command's module is imported when that command runs: `run` must not wait for the monitor's,
# the backtest's or the chart's imports before the window paints.
HANDLERS = {
    "quote": ("desktop.cli.quotes", "cmd_quote"), "watch": ("desktop.cli.quotes", "cmd_watch"),
    "record": ("desktop.cli.quotes", "cmd_record"), "chart": ("desktop.cli.chart", "cmd_chart"),
    "backtest": ("desktop.cli.rules", "cmd_backtest"), "alerts": ("desktop.cli.rules", "cmd_alerts"),
    "monitor": ("desktop.cli.monitor", "cmd_monitor"), "notify": ("desktop.cli.notify", "cmd_notify"),
    "watchlist": ("desktop.cli.watchlists", "cmd_watchlist"),
}  # fmt: skip


def handler(command: str) -> Callable[[argparse.Namespace], Done]:
    if command == "run":
        return cmd_run
    module, name = HANDLERS[command]
    found: Callable[[argparse.Namespace], Done] = getattr(importlib.import_module(module), name)
    return found


def unknown_command(word: str) -> str:
    """A word where a command goes that is not one (with no command, the options are the window's)."""
    from difflib import get_close_matches

    close = get_close_matches(word.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"'{printable(word)}' is not a command{hint} (commands: {', '.join(SUBCOMMANDS)}; see tickerdesk --help)"


# What only a replay reads: given with `--source yahoo` it would be ignored without a word.
_REPLAY_OPTIONS = (("--replay-data", "replay_data"), ("--start", "start"), ("--at", "at"))


def _typed(flag: str, argv: Sequence[str]) -> bool:
    return any(word == flag or word.startswith(f"{flag}=") for word in argv)


def _replay_options_given(args: argparse.Namespace) -> list[str]:
    return [flag for flag, name in _REPLAY_OPTIONS if getattr(args, name, None) is not None]


def _replay_option_without_replay(args: argparse.Namespace) -> str | None:
    given = _replay_options_given(args) if getattr(args, "source", None) == "yahoo" else []
    return f"{given[0]} is for recorded data: use it with --source replay or auto" if given else None


def _say_rule_file_error(exc: RuleFileError) -> None:
    """One line for one bad rule; several are listed a line each under their heading."""
    if not exc.problems:
        print(f"tickerdesk: {printable(str(exc))}", file=sys.stderr)
        return
    print(f"tickerdesk: {printable(exc.heading)} (nothing was imported):", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {printable(problem)}", file=sys.stderr)
    if exc.more:
        print(f"  … and {exc.more} more", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in SUBCOMMANDS:
        print(f"tickerdesk: {unknown_command(argv[0])}", file=sys.stderr)
        return EXIT_USAGE
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "run")
    parser = build_parser(argv[0] if argv[0] in COMMANDS else None)  # only the command asked for
    args, extra = parser.parse_known_args(dashed_values_attached(parser, argv))
    if extra:  # said by the command it was meant for: "see tickerdesk alerts add --help"
        words = " ".join(w for w in ("tickerdesk", args.command, getattr(args, "action", None)) if w)
        print(f"tickerdesk: unrecognized arguments: {printable(' '.join(extra))} (see {words} --help)", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "source", None) == "yahoo" and _replay_options_given(args) and not _typed("--source", argv):
        args.source = "auto"  # `record`'s own default, not the user's word: named replay data is played (asked_source)
    if (problem := _replay_option_without_replay(args)) is not None:
        print(f"tickerdesk: {problem} (see tickerdesk {args.command} --help)", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "symbols", None):  # `quote SPY spy` asks for SPY once
        args.symbols = list(dict.fromkeys(args.symbols))
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `tickerdesk watch | head` ends quietly
    try:
        done = handler(args.command)(args)
        for note in done.notes:  # said once the command has worked (a failure prints its one line only)
            print(f"tickerdesk: {printable(note)}", file=sys.stderr)
        return done.status
    except RuleFileError as exc:
        _say_rule_file_error(exc)
        return EXIT_USAGE
    except (CliError, PriceFileError, BacktestError) as exc:
        print(f"tickerdesk: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeFailureError as exc:
        print(f"tickerdesk: {printable(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file the user named (exit 2), or a disk that failed (exit 1)
        where = Path(exc.filename) if exc.filename else Path("(file)")
        print(f"tickerdesk: {printable(file_problem(where, exc))}", file=sys.stderr)
        return 1 if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT) else EXIT_USAGE
