"""The `tickerdesk` command line: `run` (the window, the default), `quote` and `watch`.

Qt is imported only by `run`, so the terminal commands start fast and work without a display.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from desktop import __version__
from desktop.core.formatting import (
    format_change,
    format_pct,
    format_price,
    format_volume,
    iso_time,
    quote_record,
)
from desktop.core.prices import PriceFileError
from desktop.core.quote import Quote
from desktop.core.sessions import NEW_YORK

EXIT_USAGE = 2
SUBCOMMANDS = ("run", "quote", "watch")


class CliError(Exception):
    """A problem to report on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: the user asked for something we can say plainly.
        self.exit(EXIT_USAGE, f"tickerdesk: {message} (see tickerdesk {self.prog.split()[-1]} --help)\n")


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: use YYYY-MM-DD") from None


def _when_arg(text: str) -> float:
    """A date (its whole New York day) or a date-time (New York when it has no offset) as epoch seconds."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1), datetime.min.time(), NEW_YORK).timestamp() - 1e-3
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad date or time {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM]"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=NEW_YORK)
    return moment.timestamp()


def _speed_arg(text: str) -> float:
    if text.lower() in ("max", "fast", "0"):
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"bad speed {text!r}: a positive number of steps per second, or 'max'")
    return value


def _symbol_arg(text: str) -> str:
    symbol = text.strip().upper()
    if not symbol or len(symbol) > 20 or any(c.isspace() for c in symbol):
        raise argparse.ArgumentTypeError(f"bad symbol {text!r}")
    return symbol


def _add_source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", choices=("auto", "replay", "yahoo"), default="auto", help="where quotes come from")
    p.add_argument(
        "--replay-data",
        type=Path,
        action="append",
        metavar="PATH",
        help="a folder of SYMBOL.csv files or single files to replay (default: the bundled daily data)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tickerdesk", description="A desktop ticker with price and spread alerts.")
    parser.add_argument("--version", action="version", version=f"tickerdesk {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    run = sub.add_parser("run", help="open the window (the default)")
    _add_source_options(run)
    run.add_argument("--speed", type=_speed_arg, default=None, help="replay steps per second, or 'max'")
    run.add_argument("--start", type=_date_arg, default=None, help="replay start date (default 2025-10-01)")
    run.add_argument("--exit-after", type=float, default=None, metavar="SECONDS", help="quit after this long")
    run.add_argument(
        "--screenshot", type=Path, default=None, metavar="FILE.png", help="save the window before quitting"
    )

    quote = sub.add_parser("quote", help="print a snapshot of quotes")
    quote.add_argument("symbols", nargs="+", type=_symbol_arg, metavar="SYMBOL")
    _add_source_options(quote)
    quote.add_argument("--at", type=_when_arg, default=None, metavar="DATE_OR_TIME", help="replay up to this time")
    quote.add_argument("--format", choices=("table", "json"), default="table")

    watch = sub.add_parser("watch", help="stream quote updates to the terminal")
    watch.add_argument("symbols", nargs="+", type=_symbol_arg, metavar="SYMBOL")
    _add_source_options(watch)
    watch.add_argument("--seconds", type=float, default=None, help="stop after this long (default: until Ctrl-C)")
    watch.add_argument("--speed", type=_speed_arg, default=1.0, help="replay steps per second, or 'max'")
    watch.add_argument("--start", type=_date_arg, default=None, help="replay start date (default 2025-10-01)")
    watch.add_argument("--format", choices=("table", "jsonl"), default="table")
    return parser


def _require_replay(source: str) -> None:
    if source == "yahoo":
        raise CliError("live Yahoo quotes are not available in this version; use --source replay")


def _check_symbols(symbols: Sequence[str], known: Sequence[str]) -> None:
    unknown = [s for s in symbols if s not in known]
    if unknown:
        raise CliError(
            f"unknown symbol {', '.join(unknown)}: not in the replay data (it has {', '.join(sorted(known))})"
        )


def _table_line(q: Quote) -> str:
    return (
        f"{q.symbol:<7} {format_price(q.price):>11} {format_change(q.change, q.price):>9} "
        f"{format_pct(q.change_pct):>8} {format_volume(q.volume):>9}  {iso_time(q)}"
    )


TABLE_HEADER = f"{'SYMBOL':<7} {'LAST':>11} {'CHANGE':>9} {'CHG %':>8} {'VOLUME':>9}  TIME"


def cmd_quote(args: argparse.Namespace) -> int:
    from desktop.core.timeline import quote_at
    from desktop.feeds.replay_source import load_timeline

    _require_replay(args.source)
    timeline = load_timeline(args.replay_data)
    _check_symbols(args.symbols, list(timeline.series))
    quotes: list[Quote] = []
    for symbol in args.symbols:
        series = timeline.series[symbol]
        i = series.index_at(args.at) if args.at is not None else len(series) - 1
        if i < 0:
            raise CliError(f"{symbol} has no data at or before that time (it starts {series.first_date})")
        quotes.append(quote_at(series, i))
    if args.format == "json":
        print(json.dumps([quote_record(q) for q in quotes], indent=2))
    else:
        print(TABLE_HEADER)
        for q in quotes:
            print(_table_line(q))
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from desktop.core.pipeline import QuotePipeline
    from desktop.core.quote_store import QuoteStore
    from desktop.feeds.replay import ReplayFeed
    from desktop.feeds.replay_source import default_start, load_timeline

    _require_replay(args.source)
    timeline = load_timeline(args.replay_data)
    _check_symbols(args.symbols, list(timeline.series))
    pipeline = QuotePipeline(QuoteStore())
    woken = threading.Event()
    pipeline.on_wake = woken.set

    def show(quotes: Sequence[Quote]) -> None:
        for q in quotes:
            print(json.dumps(quote_record(q)) if args.format == "jsonl" else _table_line(q), flush=True)

    pipeline.consumers.append(show)
    feed = ReplayFeed(timeline, pipeline.push, speed=args.speed, start=args.start or default_start(timeline))
    feed.set_symbols(args.symbols)
    if args.format == "table":
        print(TABLE_HEADER, flush=True)
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    feed.start()
    try:
        while deadline is None or time.monotonic() < deadline:
            timeout = 0.25 if deadline is None else max(0.0, min(0.25, deadline - time.monotonic()))
            if woken.wait(timeout):
                woken.clear()
                pipeline.drain()
    except KeyboardInterrupt:
        pass
    finally:
        feed.stop()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    _require_replay(args.source)
    from desktop.app import run_app  # Qt is imported only here

    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "run")
    args = build_parser().parse_args(argv)
    handlers = {"run": cmd_run, "quote": cmd_quote, "watch": cmd_watch}
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `tickerdesk watch | head` ends quietly
    try:
        return handlers[args.command](args)
    except (CliError, PriceFileError) as exc:
        print(f"tickerdesk: {exc}", file=sys.stderr)
        return EXIT_USAGE
