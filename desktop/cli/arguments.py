"""The command line's parser and value checks: every bad value is one line and exit status 2."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from desktop.config import DEFAULT_SOURCE, SOURCES
from desktop.core.alerts.rules import AlertType, Quadrant
from desktop.core.safe_files import printable
from desktop.core.sessions import NEW_YORK
from desktop.core.symbol_lists import is_list, ticker_of
from desktop.core.watchlist_names import watchlist_name_problem

EXIT_USAGE = 2


class CliError(Exception):
    """A problem with what the user asked for: one line, exit status 2."""


class RuntimeFailureError(Exception):
    """Something outside the user's control failed (the network): one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, example: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.example = example  # a whole command, shown when an argument is missing

    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: the user asked for something we can say plainly.
        if self.example is not None and "arguments are required" in message:
            self.exit(EXIT_USAGE, f"tickerdesk: {message}, as in: {self.example} (see {self.prog} --help)\n")
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
    symbol = ticker_of(text)
    if symbol is None:
        hint = "give symbols apart, separated by spaces" if is_list(text) else "NVDA, BRK-B, ^VIX, EURUSD=X"
        raise argparse.ArgumentTypeError(f"{printable(text)!r} is not a ticker symbol ({hint})")
    return symbol


def _held_symbol_arg(text: str) -> str:
    """A symbol to remove: whatever a list holds, even one an older version let in that is not a ticker."""
    symbol = text.strip().upper()
    if not symbol or len(symbol) > 40:
        raise argparse.ArgumentTypeError(f"bad symbol {printable(text)!r}")
    return symbol


def _watchlist_name_arg(text: str) -> str:
    """A name for a list that may be made: surrounding blanks dropped, then the window's rule for tabs."""
    name = text.strip()
    problem = watchlist_name_problem(name)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{printable(text)!r}: {problem}")
    return name


def _add_source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", choices=SOURCES, default=DEFAULT_SOURCE, help="where quotes come from")
    p.add_argument(
        "--replay-data",
        type=Path,
        action="append",
        metavar="PATH",
        help="a folder of SYMBOL.csv files or single files to replay (default: the bundled daily data)",
    )


class _Version(argparse.Action):
    """--version, looked up only when asked (reading the installed version costs every start 20 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        import desktop

        print(f"tickerdesk {desktop.__version__}")
        parser.exit()


def _add_watchlist_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--watchlist", default=None, metavar="NAME", help="with no SYMBOL: this watchlist's (default: Default)"
    )


def _add_run(sub: argparse._SubParsersAction[_Parser]) -> None:
    run = sub.add_parser("run", help="open the window (the default)")
    _add_source_options(run)
    run.add_argument("--speed", type=_speed_arg, default=None, help="replay steps per second, or 'max'")
    run.add_argument("--start", type=_date_arg, default=None, help="replay start date (default 2025-10-01)")
    run.add_argument(
        "--watchlist",
        default=None,
        metavar="NAME",
        type=_watchlist_name_arg,
        help="open this watchlist (made when missing)",
    )
    run.add_argument("--exit-after", type=_seconds_arg, default=None, metavar="SECONDS", help="quit after this long")
    run.add_argument(
        "--screenshot", type=_image_arg, default=None, metavar="FILE.png", help="save the window before quitting"
    )
    run.add_argument(
        "--dump-state",
        type=Path,
        default=None,
        metavar="FILE.json",
        help="when the window closes, write what it showed (table rows, rotation grid, chart, rules) as JSON",
    )


def _add_quote(sub: argparse._SubParsersAction[_Parser]) -> None:
    quote = sub.add_parser("quote", help="print a snapshot of quotes")
    quote.add_argument("symbols", nargs="*", type=_symbol_arg, metavar="SYMBOL")
    _add_watchlist_option(quote)
    _add_source_options(quote)
    quote.add_argument("--at", type=_when_arg, default=None, metavar="DATE_OR_TIME", help="replay up to this time")
    quote.add_argument("--format", choices=("table", "json"), default="table")


def _add_watch(sub: argparse._SubParsersAction[_Parser]) -> None:
    watch = sub.add_parser("watch", help="stream quote updates to the terminal")
    watch.add_argument("symbols", nargs="*", type=_symbol_arg, metavar="SYMBOL")
    _add_watchlist_option(watch)
    _add_source_options(watch)
    watch.add_argument("--seconds", type=_seconds_arg, default=None, help=UNTIL_HELP)
    watch.add_argument("--speed", type=_speed_arg, default=1.0, help="replay steps per second, or 'max'")
    watch.add_argument("--start", type=_date_arg, default=None, help="replay start date (default 2025-10-01)")
    watch.add_argument("--format", choices=("table", "jsonl"), default="table")


def _add_record(sub: argparse._SubParsersAction[_Parser]) -> None:
    record = sub.add_parser("record", help="save live quotes to a file that --replay-data can play back")
    record.add_argument("symbols", nargs="*", type=_symbol_arg, metavar="SYMBOL")
    _add_watchlist_option(record)
    record.add_argument("--out", type=Path, required=True, metavar="FILE", help="the recording (CSV), appended to")
    _add_source_options(record)
    record.set_defaults(source="yahoo")
    record.add_argument("--seconds", type=_seconds_arg, default=None, help=UNTIL_HELP)


def _add_monitor(sub: argparse._SubParsersAction[_Parser]) -> None:
    monitor = sub.add_parser(
        "monitor", help="watch the saved alert rules with no window: print and log every fire until stopped"
    )
    _add_source_options(monitor)
    monitor.add_argument("--speed", type=_speed_arg, default=1.0, help="replay steps per second, or 'max'")
    monitor.add_argument("--start", type=_date_arg, default=None, help="replay start date (default 2025-10-01)")
    monitor.add_argument(
        "--exit-after", type=_seconds_arg, default=None, metavar="SECONDS", help="stop after this long"
    )
    service = monitor.add_mutually_exclusive_group()
    service.add_argument(
        "--install-service", action="store_true", help="write a systemd user unit that runs the monitor at login"
    )
    service.add_argument("--uninstall-service", action="store_true", help="stop and remove that unit")
    service.add_argument(
        "--stop", action="store_true", help="stop the monitor watching this data folder (one left by the window)"
    )


def _add_chart(sub: argparse._SubParsersAction[_Parser]) -> None:
    chart = sub.add_parser("chart", help="render a chart headless to a PNG file")
    chart.add_argument("symbols", nargs="*", type=_symbol_arg, metavar="SYMBOL")
    kind = chart.add_mutually_exclusive_group()
    kind.add_argument("--relative", action="store_true", help="returns of the symbols from --since")
    kind.add_argument("--spread", nargs=2, type=_symbol_arg, metavar=("A", "B"), help="A − B return spread")
    kind.add_argument("--rrg", type=_symbol_arg, metavar="BENCHMARK",
                      help="relative rotation graph of the symbols (default: the default watchlist) "
                      "against BENCHMARK")  # fmt: skip
    chart.add_argument("--weekly", action="store_true", help="rrg: weekly (5-session) steps instead of daily")
    chart.add_argument("--since", type=_date_arg, default=None, help="relative: start date (default: quarter start)")
    chart.add_argument("--window", default="qtd", help="spread: day, 5d, 20d, mtd, qtd, ytd or since:DATE")
    chart.add_argument("--range", default="All", help="price: 1D, 5D, 1M, 3M, YTD, 1Y or All")
    chart.add_argument("--candles", action="store_true", help="price: candlesticks instead of a line")
    chart.add_argument("--theme", choices=("light", "dark"), default="light")
    chart.add_argument("--size", type=size_arg, default=(1200, 700), metavar="WxH")
    chart.add_argument("--png", type=_image_arg, required=True, metavar="FILE")
    _add_source_options(chart)


def _add_backtest(sub: argparse._SubParsersAction[_Parser]) -> None:
    backtest = sub.add_parser("backtest", help="replay price files through alert rules and print every fire")
    backtest.add_argument("paths", type=Path, nargs="*", metavar="PATH", help="price folders or CSV files, as --prices")
    backtest.add_argument(
        "--prices", type=Path, nargs="+", metavar="PATH", help="folders or CSV files (default: the bundled daily data)"
    )
    backtest.add_argument(
        "--alerts",
        type=Path,
        metavar="FILE",
        help="rules (.toml, .json, or .txt of rules in words; default: the saved rules)",
    )
    backtest.add_argument(
        "--rule",
        action="append",
        metavar="WORDS",
        help='a rule in words, not saved: --rule "NVDA crosses below 175" (again for more; with --alerts, both)',
    )
    backtest.add_argument("--from", dest="since", type=_date_arg, default=None, help="report fires from this date")
    backtest.add_argument("--to", dest="until", type=_date_arg, default=None, help="stop after this date")
    backtest.add_argument("--format", choices=("table", "json"), default="table")


def _add_alerts(sub: argparse._SubParsersAction[_Parser]) -> None:
    alerts = sub.add_parser("alerts", help="list, add, remove, import or export the saved alert rules")
    actions = alerts.add_subparsers(dest="action", required=True, parser_class=_Parser)
    listing = actions.add_parser("list", help="the saved rules")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add = actions.add_parser("add", help="save a new rule: a sentence, or --type and its options")
    add.add_argument("rule", nargs="*", metavar="RULE",
                     help="the rule in words: NVDA crosses below 175, TSLA moves more than 5%% on the day, IWM - "
                     "QQQ qtd spread crosses above 1.5, IWM/QQQ crosses above 0.42, NVDA crosses below its 50-day "
                     "average, IWM/QQQ z-score outside 2, IWM enters leading vs SPY (what the rules list shows "
                     "reads back the same)")  # fmt: skip
    add.add_argument("--type", choices=[t.value for t in AlertType],
                     help="price: a symbol's price; change: its %% move on the day; spread: A's return minus B's "
                     "over --window, in points; ratio: A's price over B's; trend: --symbol's price (or A/B) in %% "
                     "above its --ma-session average; zscore: ln(A/B) in sample sd from its mean over --lookback "
                     "sessions; quadrant: --symbol's relative rotation against --benchmark, fires on entering "
                     "--quadrant")  # fmt: skip
    add.add_argument("--symbol", help="price, change, trend and quadrant rules: the symbol (NVDA)")
    add.add_argument("--a", help="spread, ratio, zscore rules (and trend of a ratio): the first symbol (IWM)")
    add.add_argument("--b", help="spread, ratio, zscore rules (and trend of a ratio): the second symbol (QQQ)")
    add.add_argument("--window", help="spread rules: day, 5d, 20d, mtd, qtd, ytd or since:YYYY-MM-DD")
    add.add_argument("--ma", type=int, help="trend and quadrant rules: sessions in the moving average (default 50)")
    add.add_argument("--lookback", type=int, help="zscore rules: past sessions measured against (default 50)")
    add.add_argument("--benchmark", help="quadrant rules: what the symbol rotates against (default SPY)")
    add.add_argument("--momentum", type=int, help="quadrant rules: sessions back for RS-Momentum (default 10)")
    add.add_argument("--quadrant", choices=[q.value for q in Quadrant],
                     help="quadrant rules: the quadrant whose entry fires the rule")  # fmt: skip
    add.add_argument("--condition", choices=("crosses_above", "crosses_below", "crosses", "above", "below", "outside"),
                     help="crosses_*: when the value passes the level (crosses: either way); above/below: when it "
                     "becomes so; outside: "
                     "when it goes beyond the level either way of 0 (change, spread, trend, zscore: TSLA moves "
                     "more than 5 %% up or down) (every type but quadrant)")  # fmt: skip
    add.add_argument("--level", type=_level_arg,
                     help="the level (a price, %%, points, %% from the average or sd); not for quadrant")  # fmt: skip
    add.add_argument("--id", help="an id of your own (default: made up)")
    add.add_argument("--name", help="a name to show instead of the rule's description")
    add.add_argument("--cooldown", help="quiet time after a fire: 90s, 15m, 2h, 1d")
    add.add_argument("--once", action="store_true", help="fire once, then turn the rule off")
    add.add_argument("--disabled", action="store_true", help="save it switched off")
    add.add_argument("--force", action="store_true", help="keep a symbol no source here knows (a live one may)")
    remove = actions.add_parser("remove", help="delete rules by id")
    remove.add_argument("ids", nargs="+", metavar="ID")
    import_ = actions.add_parser("import", help="add or update rules from a .toml or .json file (all or none)")
    import_.add_argument("file", type=Path)
    export = actions.add_parser("export", help="write the saved rules to a .toml or .json file")
    export.add_argument("file", type=Path)


def _add_watchlist(sub: argparse._SubParsersAction[_Parser]) -> None:
    lists = sub.add_parser("watchlist", help="the watchlists: list, show, add, remove, import, export")
    acts = lists.add_subparsers(dest="action", required=True, parser_class=_Parser)
    acts.add_parser("list", help="the watchlists and how many symbols each holds")
    show = acts.add_parser(
        "show", help="a watchlist's symbols, one a line", example="tickerdesk watchlist show Default"
    )
    show.add_argument("name", metavar="NAME", help="the watchlist (tickerdesk watchlist list names them)")
    grow = acts.add_parser(
        "add",
        help="add symbols to a watchlist (made when missing)",
        example="tickerdesk watchlist add Default NVDA AMD",
    )
    grow.add_argument("name", type=_watchlist_name_arg, metavar="NAME", help="the watchlist, first (Default, Chips…)")
    grow.add_argument("symbols", nargs="+", type=_symbol_arg, metavar="SYMBOL")
    shrink = acts.add_parser(
        "remove",
        help="remove symbols from a watchlist, or the whole list with --list",
        example="tickerdesk watchlist remove Default TSLA",
    )
    shrink.add_argument("name", metavar="NAME", help="the watchlist, first")
    shrink.add_argument("symbols", nargs="*", type=_held_symbol_arg, metavar="SYMBOL")
    shrink.add_argument("--list", action="store_true", help="delete the watchlist itself")
    take = acts.add_parser("import", help="replace a watchlist's symbols with those of a text or CSV file")
    take.add_argument(
        "name", nargs="?", type=_watchlist_name_arg, help="the list (made when missing); left out: one named after FILE"
    )
    take.add_argument("file", type=Path, metavar="FILE")
    give = acts.add_parser("export", help="write a watchlist's symbols to a file, one a line")
    give.add_argument("name", nargs="?", help="the list; left out: the only one there is")
    give.add_argument("file", type=Path, metavar="FILE")


def _add_notify(sub: argparse._SubParsersAction[_Parser]) -> None:
    notify = sub.add_parser("notify", help="where fires are delivered: webhooks for Slack, Discord, ntfy or JSON")
    ways = notify.add_subparsers(dest="action", required=True, parser_class=_Parser)
    hook = ways.add_parser("add", help="save a channel: a webhook, desktop notifications or e-mail")
    hook.add_argument("name", help="the channel's name (rules name it in `channels`)")
    kind = hook.add_mutually_exclusive_group(required=True)
    kind.add_argument("--webhook", metavar="URL", help="http:// or https:// URL to POST to (kept out of logs)")
    kind.add_argument("--desktop", action="store_true", help="desktop notifications (freedesktop, over D-Bus)")
    kind.add_argument("--email", metavar="SMTP_URL", help="smtp://user@host:port?to=you@example.com")
    hook.add_argument("--format", choices=("json", "slack", "discord", "ntfy"), default="json", help="webhook body")
    hook.add_argument("--security", choices=("starttls", "tls", "none"), default="starttls", help="e-mail only")
    hook.add_argument(
        "--password-stdin", action="store_true", help="e-mail: read the SMTP password from stdin into the keyring"
    )
    hook.add_argument("--template", default=None, help="message, e.g. '{name} {value} crossed {level} at {time}'")
    hook.add_argument("--only-named", action="store_true", help="only rules that name this channel use it")
    ways.add_parser("list", help="the channels (URLs shown without their secret part)")
    drop = ways.add_parser("remove", help="delete a channel")
    drop.add_argument("name")
    test = ways.add_parser("test", help="send a test message through a channel now")
    test.add_argument("name")


# Each command's parser, in the order `--help` lists them.
COMMANDS: dict[str, Callable[[argparse._SubParsersAction[_Parser]], None]] = {
    "run": _add_run,
    "quote": _add_quote,
    "watch": _add_watch,
    "record": _add_record,
    "monitor": _add_monitor,
    "chart": _add_chart,
    "backtest": _add_backtest,
    "alerts": _add_alerts,
    "watchlist": _add_watchlist,
    "notify": _add_notify,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only command `only` under it: the window's start does not build the other
    nine commands' parsers (about 3 ms)."""
    parser = _Parser(prog="tickerdesk", description="A desktop ticker with price and spread alerts.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name, add in COMMANDS.items():
        if only is None or name == only:
            add(sub)
    return parser


def dashed_values_attached(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`argv` with a value that starts with a dash written onto its option (`--cooldown -5m` as
    `--cooldown=-5m`): argparse takes such a word for an unknown option and says only "expected one argument",
    where the option's own check says what is wrong with the value. Words that are options of `parser` (or
    of its subcommands) and anything after `--` are left as they are."""
    takes_value: set[str] = set()
    options: set[str] = set()
    parsers = [parser]
    while parsers:
        for action in parsers.pop()._actions:
            options.update(action.option_strings)
            if action.option_strings and action.nargs is None:
                takes_value.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    words = list(argv)
    k = 0
    while k < len(words) - 1 and words[k] != "--":
        value = words[k + 1]
        if words[k] in takes_value and value.startswith("-") and value != "--" and value.split("=")[0] not in options:
            words[k : k + 2] = [f"{words[k]}={value}"]
        k += 1
    return words


def size_arg(text: str) -> tuple[int, int]:
    from desktop.ui.charts.chart_export import size_arg as parse_size

    return parse_size(text)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


def _image_arg(text: str) -> Path:
    """An image file to write: its suffix says the format, so a mistyped one is refused before any work."""
    path = Path(text)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"{text!r}: an image is saved as .png, .jpg or .bmp")
    return path


def _level_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"level {text!r} is not a number")
    return value


@dataclass
class Done:
    """What a command that worked returns: its exit status and notes worth saying after its output."""

    status: int = 0
    notes: list[str] = field(default_factory=list)
