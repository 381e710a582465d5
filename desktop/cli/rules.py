"""`alerts` (the saved rules) and `backtest` (price files through the same engine as the window)."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from desktop.cli.arguments import CliError, Done, _when_arg
from desktop.core.formatting import moment_iso
from desktop.core.safe_files import printable
from desktop.feeds.yahoo_errors import spelling_hint
from desktop.paths import bundled_daily_dir

if TYPE_CHECKING:
    from desktop.core.alerts.rules import AlertRule

RULE_TEXT_AT_MOST = 80  # characters of a rule's text in `alerts list` (a long name is cut there)


def cmd_backtest(args: argparse.Namespace) -> Done:
    from desktop.cli.memory_reuse import keep_freed_memory
    from desktop.core.alerts.rule_files import read_rules
    from desktop.core.prices import load_prices
    from desktop.services.backtest_shares import run_backtest_on_cores

    if args.since and args.until and args.since > args.until:
        raise CliError(f"--from {args.since} is after --to {args.until}")
    rules = read_rules(args.alerts) if args.alerts is not None else [] if args.rule else _saved_rules()
    worded = _rules_in_words(args.rule or [], {r.id for r in rules})
    rules += worded
    keep_freed_memory()  # the files' memory is reused from one file to the next (a command that exits)
    prices = [*args.paths, *(args.prices or [])] or [bundled_daily_dir()]
    series = load_prices(prices, progress=terminal_progress("loading prices"))
    start = _when_arg(args.since.isoformat()) - 86400 + 1e-3 if args.since else None
    end = _when_arg(args.until.isoformat()) if args.until else None
    fires = run_backtest_on_cores(series, rules, start, end, terminal_progress("backtest"))
    notes = _outside_the_data(series, start, end)
    records: list[dict[str, object]] = []
    for f in fires:
        record: dict[str, object] = {
            "time": moment_iso(f.time, f.daily),
            "alert": f.rule_id,
            "value": round(f.value, 6),
        }
        if f.momentum is not None:  # a quadrant fire: RS-Ratio, RS-Momentum and the quadrant entered
            record["momentum"] = round(f.momentum, 6)
        record["level"] = f.level_text if f.momentum is not None else f.level
        records.append(record)
    if args.format == "json":
        print(json.dumps(records, indent=2))
        return Done(0, notes)
    width = max([24, *(len(str(r["alert"])) for r in records)])  # a long id keeps the columns in line
    # An id such as r-5ef9d1f4 says nothing of its rule: what the rule watches follows it (a --rule's id is
    # already its words).
    titled = not {f.rule_id for f in fires} <= {r.id for r in worded}
    print(f"{'TIME':<26} {'ALERT':<{width}} {'VALUE':>12} {'LEVEL':>10}{'  RULE' if titled else ''}")
    for f, r in zip(fires, records, strict=True):
        title = f"  {printable(f.title)}" if titled else ""
        print(f"{r['time']:<26} {r['alert']:<{width}} {f.value:>12.4f} {f.level_text:>10}{title}")
    print(f"{len(records)} fire{'s' if len(records) != 1 else ''} of {len(rules)} rule{'s' if len(rules) != 1 else ''}")
    return Done(0, notes)


def _rules_in_words(sentences: list[str], taken: set[str]) -> list[AlertRule]:
    """The rules of `backtest --rule`, each named by what it says ("NVDA-price-crosses-below-175"), so the
    table's ALERT column reads without a file to look the ids up in."""
    from desktop.core.alerts.rule_sentences import SentenceError, rule_fields_of
    from desktop.core.alerts.rules import RuleError, rule_from_dict

    rules = []
    for sentence in sentences:
        try:
            rule = rule_from_dict(rule_fields_of(sentence))
        except SentenceError as exc:
            raise CliError(f"--rule: {exc}") from None
        except RuleError as exc:
            raise CliError(f"--rule {sentence!r}: {exc.about}") from None
        base = "-".join(re.findall(r"[A-Za-z0-9_.:]+", rule.describe()))[:60].rstrip("-.")
        name = next(n for n in (base, *(f"{base}-{k}" for k in range(2, len(sentences) + 2))) if n not in taken)
        taken.add(name)
        rules.append(rule.with_changes(id=name))
    return rules


def _saved_rules() -> list[AlertRule]:
    """The rules saved in the database (what the window watches): a backtest with no --alerts runs them."""
    from desktop.cli.database import command_database
    from desktop.services.alert_book import AlertBook
    from desktop.storage.alerts import AlertRepository

    with command_database(writes=False) as opened:
        book = AlertBook(AlertRepository(opened.connection), path=opened.path)
        for problem in book.load(with_state=False):
            print(f"tickerdesk: {printable(problem)}", file=sys.stderr)
        rules = list(book.rules)
    if not rules:
        raise CliError("no saved alert rules to backtest: add one (tickerdesk alerts add) or give --alerts FILE")
    return rules


def _outside_the_data(series: dict[str, Any], start: float | None, end: float | None) -> list[str]:
    """A note when --from / --to leave none of the prices to report on (a typo in a year, most often)."""
    from desktop.core.sessions import session_date

    stamps = [s.times for s in series.values() if len(s.times)]
    if not stamps:
        return []
    first, last = min(float(t[0]) for t in stamps), max(float(t[-1]) for t in stamps)
    if (start is not None and start > last) or (end is not None and end < first):
        span = f"{session_date(first).isoformat()} to {session_date(last).isoformat()}"
        return [f"the prices run from {span}: --from/--to leave nothing of them to report on"]
    return []


def cmd_alerts(args: argparse.Namespace) -> Done:
    from desktop.cli.database import command_database
    from desktop.services.alert_book import AlertBook, BookError
    from desktop.storage.alerts import AlertRepository

    with command_database(writes=args.action not in ("list", "export")) as opened:
        book = AlertBook(AlertRepository(opened.connection), path=opened.path)
        for problem in book.load(with_state=False):
            print(f"tickerdesk: {printable(problem)}", file=sys.stderr)
        try:
            _alerts_action(args, book)
        except BookError as exc:
            raise CliError(str(exc)) from None
    return Done()


def _alerts_action(args: argparse.Namespace, book: Any) -> None:
    from desktop.core.alerts.rules import RuleError, rule_from_dict, rule_to_dict
    from desktop.services.alert_book import channels_note

    rules = book.rules
    if args.action == "list":
        if args.format == "json":
            print(json.dumps([rule_to_dict(r) for r in rules], indent=2))
        elif not rules:
            print("tickerdesk: no rules (tickerdesk alerts add, or alerts import FILE)", file=sys.stderr)
        else:
            states = book.repo.states()
            now = time.time()
            # Columns as wide as what they hold: an id is typed back whole (alerts remove ID), and a rule's
            # level is at the end of its text (cut at 44 characters, a spread rule lost its level).
            titles = [printable(r.title + r.how_often()) for r in rules]
            titles = [t if len(t) <= RULE_TEXT_AT_MOST else t[: RULE_TEXT_AT_MOST - 1] + "…" for t in titles]
            id_width = max([16, *(len(printable(r.id)) for r in rules)])
            rule_width = max([44, *(len(t) for t in titles)])
            print(f"{'ID':<{id_width}} {'TYPE':<8} {'RULE':<{rule_width}} {'STATE':<8} {'FIRES':>5}  LAST FIRED")
            for r, title in zip(rules, titles, strict=True):
                state = states.get(r.id)
                last = _when(state.last_fire) if state is not None and state.last_fire is not None else "—"
                fires = state.fires if state is not None else 0
                shown = "off" if not r.enabled else "expired" if r.expires is not None and r.expires <= now else "on"
                print(f"{printable(r.id):<{id_width}} {r.type.value:<8} {title:<{rule_width}} {shown:<8} "
                      f"{fires:>5}  {last}")  # fmt: skip
            print(f"{len(rules)} rule{'s' if len(rules) != 1 else ''}")
    elif args.action == "add":
        fields = _rule_fields(args)
        if args.once:
            fields["once"] = True
        if args.disabled:
            fields["enabled"] = False
        try:
            rule = rule_from_dict(fields)
        except RuleError as exc:  # one rule: "rule #1" would name a list there is not
            said = f"{' '.join(args.rule)!r}: " if args.rule else ""
            raise CliError(f"{said}{exc.about}") from None
        unknown = [s for s in rule.symbols if s not in _known_symbols(book)]
        if unknown and not args.force:
            hints = "".join(f"{hint}; " for s in unknown if (hint := spelling_hint(s)))
            raise CliError(
                f"unknown symbol {', '.join(unknown)}: not in the watchlist, the bundled data or the known symbols "
                f"({hints}add --force to keep it: a live source may know it)"
            )
        twin = next((r for r in rules if r.watches_same_as(rule)), None)
        book.add(rule)
        print(f"saved {printable(rule.id)}: {printable(rule.title + rule.how_often())}")
        if twin is not None:
            print(f"tickerdesk: note: rule {printable(twin.id)} already watches the same thing", file=sys.stderr)
        if rule.window is not None and rule.window.since is not None and rule.window.since > date.today():
            since = rule.window.since.isoformat()
            print(
                f"tickerdesk: note: its window starts {since}, after today: it has no value until then", file=sys.stderr
            )
    elif args.action == "remove":
        book.remove(args.ids)
        print(f"removed {printable(', '.join(args.ids))}")
    elif args.action == "import":
        count, updated = book.import_file(args.file, terminal_progress(f"reading {args.file.name}"))
        print(f"imported {count} rule{'s' if count != 1 else ''} ({updated} updated)")
        if count == 0:  # an empty file, or a list with nothing in it: as the window says it
            print(f"tickerdesk: note: {printable(args.file.name)} holds no rules", file=sys.stderr)
        if missing := book.channels_not_set_up():
            print(f"tickerdesk: note: {channels_note(missing)}", file=sys.stderr)
    else:
        count = book.export_file(args.file)
        print(f"exported {count} rule{'s' if count != 1 else ''} to {args.file}")


def _rule_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The fields of the rule to add: from its sentence or from --type and its options (not both), with
    the options every rule takes (--id, --name, --cooldown)."""
    from desktop.core.alerts.rule_sentences import SentenceError, rule_fields_of
    from desktop.core.alerts.rules import SHAPE_FIELDS

    shaped = sorted(name for name in SHAPE_FIELDS if getattr(args, name) is not None)
    if args.rule:
        if shaped:
            raise CliError(
                f"the rule is given twice: as words and with --{shaped[0]}; give one (see tickerdesk alerts add --help)"
            )
        try:
            fields = rule_fields_of(" ".join(args.rule))
        except SentenceError as exc:
            raise CliError(str(exc)) from None
    elif args.type is None:
        raise CliError(
            'no rule: say it in words (tickerdesk alerts add "NVDA crosses below 175") or with --type and its options '
            "(see tickerdesk alerts add --help)"
        )
    else:
        fields = {name: getattr(args, name) for name in shaped}
    for name in ("id", "name", "cooldown"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    return fields


def _known_symbols(book: Any) -> set[str]:
    """What a source here knows: the known names, the bundled price files and the saved watchlist."""
    from desktop import paths
    from desktop.storage.watchlists import WatchlistRepository

    known = set(json.loads((paths.resources_dir() / "symbols.json").read_text(encoding="utf-8")))
    for folder in (paths.bundled_daily_dir(), paths.bundled_intraday_dir()):
        known |= {p.stem.upper() for p in folder.glob("*.csv")}
    return known | set(WatchlistRepository(book.repo.connection).symbols())


def _when(ts: float) -> str:
    from desktop.core.sessions import to_new_york

    return to_new_york(ts).strftime("%Y-%m-%d %H:%M")


def terminal_progress(what: str) -> Callable[[float], bool] | None:
    """A progress line on stderr when it is a terminal (redrawn in place); nothing when it is not."""
    if not sys.stderr.isatty():
        return None

    def show(done: float) -> bool:
        end = "\n" if done >= 1.0 else ""
        print(f"\r{what} {done * 100:3.0f}%", end=end, file=sys.stderr, flush=True)
        return True

    return show
