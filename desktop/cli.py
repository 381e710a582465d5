"""The `tickerdesk` command line: `run` (the window, the default), `quote` and `watch`.

Qt is imported only by `run`, so the terminal commands start fast and work without a display.
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from desktop import __version__
from desktop.core.alerts.rule_files import RuleFileError
from desktop.core.backtest import BacktestError
from desktop.core.formatting import (
    at_close,
    format_pct,
    iso_time,
    quote_change,
    quote_price,
    quote_record,
    quote_volume,
)
from desktop.core.prices import PriceFileError
from desktop.core.quote import Quote
from desktop.core.safe_files import file_problem, printable
from desktop.core.sessions import NEW_YORK

EXIT_USAGE = 2
# Things worth saying once a command has worked (a failing command prints its one error line only).
NOTES: list[str] = []
SUBCOMMANDS = ("run", "quote", "watch", "record", "chart", "backtest", "alerts")


class CliError(Exception):
    """A problem with what the user asked for: one line, exit status 2."""


class RuntimeFailureError(Exception):
    """Something outside the user's control failed (the network): one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: the user asked for something we can say plainly.
        self.exit(EXIT_USAGE, f"tickerdesk: {message} (see {self.prog} --help)\n")


FIRST_YEAR, LAST_YEAR = 1970, 2200  # dates a market data file or a replay can mean
MIN_SPEED, MAX_SPEED = 0.01, 10_000.0  # replay steps per second ('max' is as fast as the machine goes)
MAX_SECONDS = 366 * 86_400.0  # --seconds / --exit-after: a year at most
UNTIL_HELP = "stop after this long (default: until Ctrl-C)"


def _date_arg(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: use YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: a year from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _when_arg(text: str) -> float:
    """A date (its whole New York day) or a date-time (New York when it has no offset) as epoch seconds."""
    bad = (
        f"bad date or time {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM], "
        f"a year from {FIRST_YEAR} to {LAST_YEAR}"
    )
    try:
        if len(text) == 10:
            day = _date_arg(text)
            return datetime.combine(day + timedelta(days=1), datetime.min.time(), NEW_YORK).timestamp() - 1e-3
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=NEW_YORK)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise ValueError(text)
        return moment.timestamp()
    except (ValueError, OverflowError, OSError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(bad) from None


def _speed_arg(text: str) -> float:
    if text.strip().lower() == "max":
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not MIN_SPEED <= value <= MAX_SPEED:
        raise argparse.ArgumentTypeError(
            f"bad speed {text!r}: steps per second from {MIN_SPEED:g} to {MAX_SPEED:g}, or 'max'"
        )
    return value


def _seconds_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"bad number of seconds {text!r}: more than 0, at most {MAX_SECONDS:.0f}")
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
    run.add_argument("--exit-after", type=_seconds_arg, default=None, metavar="SECONDS", help="quit after this long")
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
    watch.add_argument(
        "--seconds", type=_seconds_arg, default=None, help="stop after this long (default: until Ctrl-C)"
    )
    watch.add_argument("--speed", type=_speed_arg, default=1.0, help="replay steps per second, or 'max'")
    watch.add_argument("--start", type=_date_arg, default=None, help="replay start date (default 2025-10-01)")
    watch.add_argument("--format", choices=("table", "jsonl"), default="table")

    record = sub.add_parser("record", help="save live quotes to a file that --replay-data can play back")
    record.add_argument("symbols", nargs="+", type=_symbol_arg, metavar="SYMBOL")
    record.add_argument("--out", type=Path, required=True, metavar="FILE", help="the recording (CSV), appended to")
    _add_source_options(record)
    record.set_defaults(source="yahoo")
    record.add_argument(
        "--seconds", type=_seconds_arg, default=None, help="stop after this long (default: until Ctrl-C)"
    )

    chart = sub.add_parser("chart", help="render a chart headless to a PNG file")
    chart.add_argument("symbols", nargs="*", type=_symbol_arg, metavar="SYMBOL")
    kind = chart.add_mutually_exclusive_group()
    kind.add_argument("--relative", action="store_true", help="returns of the symbols from --since")
    kind.add_argument("--spread", nargs=2, type=_symbol_arg, metavar=("A", "B"), help="A − B return spread")
    chart.add_argument("--since", type=_date_arg, default=None, help="relative: start date (default: quarter start)")
    chart.add_argument("--window", default="qtd", help="spread: day, 5d, 20d, mtd, qtd, ytd or since:DATE")
    chart.add_argument("--range", default="All", help="price: 1D, 5D, 1M, 3M, YTD, 1Y or All")
    chart.add_argument("--candles", action="store_true", help="price: candlesticks instead of a line")
    chart.add_argument("--theme", choices=("light", "dark"), default="light")
    chart.add_argument("--size", type=size_arg, default=(1200, 700), metavar="WxH")
    chart.add_argument("--png", type=Path, required=True, metavar="FILE")
    _add_source_options(chart)

    backtest = sub.add_parser("backtest", help="replay price files through alert rules and print every fire")
    backtest.add_argument("--prices", type=Path, nargs="+", required=True, metavar="PATH", help="folders or CSV files")
    backtest.add_argument("--alerts", type=Path, required=True, metavar="FILE", help="rules (.toml or .json)")
    backtest.add_argument("--from", dest="since", type=_date_arg, default=None, help="report fires from this date")
    backtest.add_argument("--to", dest="until", type=_date_arg, default=None, help="stop after this date")
    backtest.add_argument("--format", choices=("table", "json"), default="table")

    alerts = sub.add_parser("alerts", help="list, add, remove, import or export the saved alert rules")
    actions = alerts.add_subparsers(dest="action", required=True, parser_class=_Parser)
    listing = actions.add_parser("list", help="the saved rules")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add = actions.add_parser("add", help="save a new rule")
    add.add_argument("--type", required=True, choices=("price", "change", "spread", "ratio"))
    add.add_argument("--symbol")
    add.add_argument("--a")
    add.add_argument("--b")
    add.add_argument("--window")
    add.add_argument("--condition", required=True, choices=("crosses_above", "crosses_below", "above", "below"))
    add.add_argument("--level", required=True, type=_level_arg)
    add.add_argument("--id")
    add.add_argument("--name")
    add.add_argument("--cooldown")
    add.add_argument("--once", action="store_true")
    add.add_argument("--disabled", action="store_true")
    remove = actions.add_parser("remove", help="delete rules by id")
    remove.add_argument("ids", nargs="+", metavar="ID")
    import_ = actions.add_parser("import", help="add or update rules from a .toml or .json file (all or none)")
    import_.add_argument("file", type=Path)
    export = actions.add_parser("export", help="write the saved rules to a .toml or .json file")
    export.add_argument("file", type=Path)
    return parser


def size_arg(text: str) -> tuple[int, int]:
    from desktop.chart_export import size_arg as parse_size

    return parse_size(text)


def _level_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"level {text!r} is not a number")
    return value


def _check_symbols(symbols: Sequence[str], known: Sequence[str]) -> None:
    unknown = [s for s in symbols if s not in known]
    if unknown:
        raise CliError(
            f"unknown symbol {', '.join(unknown)}: not in the replay data (it has {', '.join(sorted(known))})"
        )


def _table_line(q: Quote) -> str:
    session = "" if q.daily or q.session.value == "regular" else f"  {q.session.value}"
    closing = at_close(q)
    return (
        f"{q.symbol:<9} {quote_price(q):>15} {quote_change(q):>10} "
        f"{format_pct(q.change_pct):>8} {quote_volume(q):>9}  {iso_time(q)}{session}"
        f"{'  · ' + closing if closing else ''}"
    )


TABLE_HEADER = f"{'SYMBOL':<9} {'LAST':>15} {'CHANGE':>10} {'CHG %':>8} {'VOLUME':>9}  TIME"


def resolve_source(args: argparse.Namespace) -> str:
    """'yahoo' or 'replay'. `auto` is Yahoo when it answers, else replay (said on stderr)."""
    if args.source != "auto":
        return str(args.source)
    if args.replay_data:
        return "replay"  # the user pointed at data: play it
    from desktop.feeds.yahoo_http import UnreachableError, YahooError, YahooHttp

    try:
        YahooHttp(timeout=5).chart("SPY", range_="1d", interval="1d", prepost=False)
    except UnreachableError as exc:
        NOTES.append(f"{exc}; used the bundled replay data")
        return "replay"
    except YahooError:
        pass  # it answered (rate limited, odd reply): Yahoo is reachable
    return "yahoo"


def cmd_quote(args: argparse.Namespace) -> int:
    quotes = _yahoo_quotes(args) if resolve_source(args) == "yahoo" else _replay_quotes(args)
    if args.format == "json":
        print(json.dumps([quote_record(q) for q in quotes], indent=2))
    else:
        print(TABLE_HEADER)
        for q in quotes:
            print(_table_line(q))
    return 0


def _replay_quotes(args: argparse.Namespace) -> list[Quote]:
    from desktop.core.timeline import quote_at
    from desktop.feeds.replay_source import load_timeline

    timeline = load_timeline(args.replay_data)
    _check_symbols(args.symbols, list(timeline.series))
    quotes: list[Quote] = []
    for symbol in args.symbols:
        series = timeline.series[symbol]
        i = series.index_at(args.at) if args.at is not None else len(series) - 1
        if i < 0:
            raise CliError(f"{symbol} has no data at or before that time (it starts {series.first_date})")
        quotes.append(quote_at(series, i))
    return quotes


def _yahoo_quotes(args: argparse.Namespace) -> list[Quote]:
    """Each symbol's latest quote as the window would show it: the chart's quotes through a quote store."""
    from desktop.core.quote_store import QuoteStore
    from desktop.feeds.yahoo_http import RateLimitedError, UnknownSymbolError, UnreachableError, YahooError, YahooHttp

    if args.at is not None:
        raise CliError("--at replays recorded data: use it with --source replay")
    http = YahooHttp()
    store = QuoteStore()
    unknown: list[str] = []
    for symbol in args.symbols:
        deadline = time.monotonic() + 20.0
        delay = 1.0
        while True:
            try:
                store.apply_all(http.chart(symbol).quotes())
                break
            except UnknownSymbolError:
                unknown.append(symbol)
                break
            except UnreachableError as exc:
                raise RuntimeFailureError(str(exc)) from None
            except (RateLimitedError, YahooError) as exc:  # passing: retried with backoff, then said
                if time.monotonic() + delay > deadline:
                    raise RuntimeFailureError(str(exc)) from None
                time.sleep(delay)
                delay *= 2
    if unknown:
        raise CliError(f"unknown symbol {', '.join(unknown)}: no such symbol on Yahoo Finance")
    return [q for q in (store.latest(s) for s in args.symbols) if q is not None]


def _run_feed(args: argparse.Namespace, on_quotes: Callable[[Sequence[Quote]], None]) -> str:
    """Run the chosen source for `args.symbols` until `--seconds` or Ctrl-C; returns the source used."""
    from desktop.core.pipeline import QuotePipeline
    from desktop.core.quote_store import QuoteStore
    from desktop.feeds.base import FeedStatus

    source = resolve_source(args)
    pipeline = QuotePipeline(QuoteStore())
    probe: list[str | None] = []  # Yahoo's chart endpoint: [None] when it answers, [reason] when not
    stopping = threading.Event()
    woken = threading.Event()
    pipeline.on_wake = woken.set
    feed: Any
    if source == "yahoo":
        from desktop import paths
        from desktop.core.market_calendar import SESSIONS_FILE, warm_in_background
        from desktop.feeds.yahoo_live import YahooLiveFeed

        warm_in_background(paths.resources_dir() / SESSIONS_FILE)

        def say(status: FeedStatus) -> None:
            if not stopping.is_set():  # nothing from the feed after the command's own last word
                print(f"tickerdesk: {status.detail}", file=sys.stderr)

        feed = YahooLiveFeed(pipeline.push, on_status=say)
        threading.Thread(target=lambda: probe.append(_yahoo_probe()), name="yahoo-probe", daemon=True).start()
    else:
        from desktop.feeds.replay import ReplayFeed
        from desktop.feeds.replay_source import default_start, load_timeline

        timeline = load_timeline(args.replay_data)
        _check_symbols(args.symbols, list(timeline.series))
        start = getattr(args, "start", None) or default_start(timeline)
        feed = ReplayFeed(timeline, pipeline.push, speed=getattr(args, "speed", 1.0), start=start)
    last: dict[str, float] = {}
    started = time.monotonic()

    def unreachable() -> str | None:
        """Why Yahoo cannot be reached, once nothing came within the wait and neither side got through."""
        if source != "yahoo" or last or time.monotonic() - started < YAHOO_WAIT or not probe or probe[0] is None:
            return None
        return None if feed.stream.stats.connects else probe[0]

    def newer_only(quotes: Sequence[Quote]) -> None:
        fresh = [q for q in quotes if q.time > last.get(q.symbol, float("-inf"))]
        for q in fresh:
            last[q.symbol] = q.time
        if fresh:
            on_quotes(fresh)

    pipeline.consumers.append(newer_only)
    feed.set_symbols(args.symbols)
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    feed.start()
    try:
        while deadline is None or time.monotonic() < deadline:
            timeout = 0.25 if deadline is None else max(0.0, min(0.25, deadline - time.monotonic()))
            if woken.wait(timeout):
                woken.clear()
                pipeline.drain()
            reason = unreachable()
            if reason is not None:
                raise RuntimeFailureError(reason)
        if source == "yahoo":
            feed.release_held()  # streamed quotes still waiting for a slow history are printed all the same
        pipeline.drain()
        if source == "yahoo" and not last:  # the time ran out with nothing at all: was Yahoo there?
            probe_deadline = time.monotonic() + 1.0
            while not probe and time.monotonic() < probe_deadline:
                time.sleep(0.05)
            if not feed.stream.stats.connects and (not probe or probe[0] is not None):
                raise RuntimeFailureError(probe[0] if probe else "cannot reach Yahoo (no answer in time)")
    except KeyboardInterrupt:
        pass
    finally:
        stopping.set()
        feed.stop()
    return source


YAHOO_WAIT = 8.0  # seconds `watch`/`record` wait for Yahoo before saying it cannot be reached


def _yahoo_probe() -> str | None:
    from desktop.feeds.yahoo_http import UnreachableError, YahooError, YahooHttp

    try:
        YahooHttp(timeout=5).chart("SPY", range_="1d", interval="1d", prepost=False)
    except UnreachableError as exc:
        return str(exc)
    except YahooError:
        return None
    return None


def cmd_watch(args: argparse.Namespace) -> int:
    def show(quotes: Sequence[Quote]) -> None:
        for q in quotes:
            print(json.dumps(quote_record(q)) if args.format == "jsonl" else _table_line(q), flush=True)

    if args.format == "table":
        print(TABLE_HEADER, flush=True)
    _run_feed(args, show)
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from desktop.feeds.recorder import QuoteRecorder

    recorder = QuoteRecorder(args.out)
    try:
        source = _run_feed(args, recorder.record)
    finally:
        recorder.close()
    if recorder.error:
        raise RuntimeFailureError(recorder.error)
    print(f"recorded {recorder.rows} quotes from {source} to {args.out}", file=sys.stderr)
    return 0


def cmd_backtest(args: argparse.Namespace) -> int:
    from desktop.core.alerts.rule_files import read_rules
    from desktop.core.backtest import run_backtest
    from desktop.core.prices import load_prices

    if args.since and args.until and args.since > args.until:
        raise CliError(f"--from {args.since} is after --to {args.until}")
    rules = read_rules(args.alerts)
    series = load_prices(args.prices)
    start = _when_arg(args.since.isoformat()) - 86400 + 1e-3 if args.since else None
    end = _when_arg(args.until.isoformat()) if args.until else None
    fires = run_backtest(series, rules, start, end)
    records = [{"time": fire_time(f), "alert": f.rule_id, "value": round(f.value, 6), "level": f.level} for f in fires]
    if args.format == "json":
        print(json.dumps(records, indent=2))
        return 0
    print(f"{'TIME':<26} {'ALERT':<24} {'VALUE':>12} {'LEVEL':>10}")
    for r in records:
        print(f"{r['time']:<26} {r['alert']:<24} {r['value']:>12.4f} {r['level']:>10g}")
    print(f"{len(records)} fire{'s' if len(records) != 1 else ''} of {len(rules)} rule{'s' if len(rules) != 1 else ''}")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from desktop import paths
    from desktop.storage.alerts import AlertRepository
    from desktop.storage.database import StorageError, open_database, storage_errors

    def busy() -> None:
        print("tickerdesk: database busy (another program holds it), waiting…", file=sys.stderr, flush=True)

    try:
        opened = open_database(paths.database_path(), on_busy=busy)
    except StorageError as exc:
        raise RuntimeFailureError(str(exc)) from None
    if opened.recovery_message:
        print(f"tickerdesk: {opened.recovery_message}", file=sys.stderr)
    if opened.read_only and args.action not in ("list", "export"):
        raise RuntimeFailureError(opened.read_only.replace(" Opened read-only: changes will not be saved.", ""))
    repo = AlertRepository(opened.connection)
    try:
        with storage_errors(opened.path):
            return _alerts_action(args, repo)
    except StorageError as exc:
        raise RuntimeFailureError(str(exc)) from None
    finally:
        opened.connection.close()


def _alerts_action(args: argparse.Namespace, repo: Any) -> int:
    from desktop.core.alerts.rule_files import read_rules, write_rules
    from desktop.core.alerts.rules import RuleError, rule_from_dict, rule_to_dict

    rules, problems = repo.rules()
    for problem in problems:
        print(f"tickerdesk: {printable(problem)}", file=sys.stderr)
    if args.action == "list":
        if args.format == "json":
            print(json.dumps([rule_to_dict(r) for r in rules], indent=2))
        else:
            for r in rules:
                flag = "" if r.enabled else "  (disabled)"
                print(f"{printable(r.id):<20} {printable(r.title)}{flag}")
            print(f"{len(rules)} rule{'s' if len(rules) != 1 else ''}")
    elif args.action == "add":
        fields = {
            k: v
            for k, v in {
                "id": args.id, "name": args.name, "type": args.type, "symbol": args.symbol, "a": args.a,
                "b": args.b, "window": args.window, "condition": args.condition, "level": args.level,
                "cooldown": args.cooldown,
            }.items()
            if v is not None
        }  # fmt: skip
        if args.once:
            fields["once"] = True
        if args.disabled:
            fields["enabled"] = False
        try:
            rule = rule_from_dict(fields)
        except RuleError as exc:
            raise CliError(str(exc)) from None
        if any(r.id == rule.id for r in rules):
            raise CliError(f"a rule with id {rule.id!r} exists already")
        repo.save_rule(rule)
        print(f"saved {printable(rule.id)}: {printable(rule.title)}")
    elif args.action == "remove":
        missing = [i for i in args.ids if not any(r.id == i for r in rules)]
        if missing:
            raise CliError(f"no rule with id {', '.join(missing)}")
        for rule_id in args.ids:
            repo.delete_rule(rule_id)
        print(f"removed {printable(', '.join(args.ids))}")
    elif args.action == "import":
        incoming = read_rules(args.file)
        repo.save_rules(incoming)
        known = {r.id for r in rules}
        updated = sum(1 for r in incoming if r.id in known)
        print(f"imported {len(incoming)} rule{'s' if len(incoming) != 1 else ''} ({updated} updated)")
    else:
        write_rules(args.file, rules)
        print(f"exported {len(rules)} rule{'s' if len(rules) != 1 else ''} to {args.file}")
    return 0


def fire_time(fire: object) -> str:
    """A fire's time as the input row's: a date for daily bars, else ISO 8601 in New York time."""
    from desktop.core.alerts.engine import AlertFire
    from desktop.core.sessions import session_date, to_new_york

    assert isinstance(fire, AlertFire)
    return session_date(fire.time).isoformat() if fire.daily else to_new_york(fire.time).isoformat()


def cmd_chart(args: argparse.Namespace) -> int:
    from desktop.chart_export import render_chart
    from desktop.core.alerts.windows import parse_window

    if args.source == "yahoo":
        raise CliError("chart draws recorded data: use --source replay (and --replay-data)")
    if not args.symbols and not args.spread:
        raise CliError("name at least one SYMBOL, or --spread A B")
    if args.spread:
        if args.spread[0] == args.spread[1]:
            raise CliError("--spread needs two different symbols")
        try:
            parse_window(args.window)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    print(render_chart(args), file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from desktop.app import run_app  # Qt is imported only here

    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "run")
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command it was meant for: "see tickerdesk alerts add --help"
        words = " ".join(w for w in ("tickerdesk", args.command, getattr(args, "action", None)) if w)
        print(f"tickerdesk: unrecognized arguments: {printable(' '.join(extra))} (see {words} --help)", file=sys.stderr)
        return EXIT_USAGE
    handlers = {
        "run": cmd_run, "quote": cmd_quote, "watch": cmd_watch, "record": cmd_record, "chart": cmd_chart,
        "backtest": cmd_backtest, "alerts": cmd_alerts,
    }  # fmt: skip
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `tickerdesk watch | head` ends quietly
    try:
        status = handlers[args.command](args)
        for note in NOTES:
            print(f"tickerdesk: {note}", file=sys.stderr)
        return status
    except (CliError, PriceFileError, RuleFileError, BacktestError) as exc:
        print(f"tickerdesk: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeFailureError as exc:
        print(f"tickerdesk: {printable(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file the user named (exit 2), or a disk that failed (exit 1)
        where = Path(exc.filename) if exc.filename else Path("(file)")
        print(f"tickerdesk: {printable(file_problem(where, exc))}", file=sys.stderr)
        return 1 if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT) else EXIT_USAGE
