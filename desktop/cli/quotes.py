"""`quote`, `watch` and `record`: quotes from the replay data or Yahoo, printed as the window shows them."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from desktop.cli.arguments import EXIT_USAGE, CliError, Done, RuntimeFailureError
from desktop.cli.watchlists import watchlist_symbols
from desktop.core.formatting import (
    at_close,
    format_pct,
    iso_time,
    quote_change,
    quote_price,
    quote_record,
    quote_volume,
)
from desktop.core.quote import Quote
from desktop.services.sources import choose_source, live_feed, replay_feed, yahoo_unreachable


def _not_in(symbols: Sequence[str], known: Sequence[str]) -> str | None:
    """The refusal of the symbols the replay data does not hold (None: it holds them all)."""
    unknown = [s for s in symbols if s not in known]
    if not unknown:
        return None
    return f"unknown symbol {', '.join(unknown)}: not in the replay data (it has {', '.join(sorted(known))})"


def _table_line(q: Quote) -> str:
    session = "" if q.daily or q.session.value == "regular" else f"  {q.session.value}"
    closing = at_close(q)
    return (
        f"{q.symbol:<9} {quote_price(q):>15} {quote_change(q):>10} "
        f"{format_pct(q.change_pct):>8} {quote_volume(q):>9}  {iso_time(q)}{session}"
        f"{'  · ' + closing if closing else ''}"
    )


TABLE_HEADER = f"{'SYMBOL':<9} {'LAST':>15} {'CHANGE':>10} {'CHG %':>8} {'VOLUME':>9}  TIME"


def cmd_quote(args: argparse.Namespace) -> Done:
    args.symbols = watchlist_symbols(args)
    source, note = choose_source(args.source, args.replay_data, args.at)
    quotes, refused = _yahoo_quotes(args) if source == "yahoo" else _replay_quotes(args)
    if refused is not None and not quotes:
        raise CliError(refused)
    if args.format == "json":
        print(json.dumps([quote_record(q) for q in quotes], indent=2))
    else:
        print(TABLE_HEADER)
        for q in quotes:
            print(_table_line(q))
    notes = [note] if note else []
    if source != "yahoo" and args.at is not None:
        notes += _earlier_than_asked(quotes, args.at)
    if refused is not None:  # the symbols that have a quote are shown; the exit status still says one failed
        return Done(EXIT_USAGE, [*notes, refused])
    return Done(0, notes)


def _earlier_than_asked(quotes: list[Quote], at: float) -> list[str]:
    """A note when a quote shown is from a day before the one asked for (a weekend, a holiday, data that
    ends sooner): said, rather than an older price passed off as that day's."""
    from desktop.core.sessions import session_date

    asked = session_date(at)
    behind = [(q.symbol, session_date(q.time)) for q in quotes if session_date(q.time) < asked]
    if not behind:
        return []
    days = {day for _symbol, day in behind}
    if len(days) == 1:
        symbols = ", ".join(symbol for symbol, _day in behind)
        return [f"no quote on {asked} for {symbols}: the last before it, of {days.pop()}, is shown"]
    each = ", ".join(f"{symbol} of {day}" for symbol, day in behind)
    return [f"no quote on {asked} for some symbols: the last before it is shown ({each})"]


def _replay_quotes(args: argparse.Namespace) -> tuple[list[Quote], str | None]:
    """Each symbol's quote from the replay data, and the refusal of those it does not hold."""
    from desktop.core.timeline import quote_at
    from desktop.feeds.replay_source import load_timeline

    timeline = load_timeline(args.replay_data)
    refused = _not_in(args.symbols, list(timeline.series))
    quotes: list[Quote] = []
    for symbol in (s for s in args.symbols if s in timeline.series):
        series = timeline.series[symbol]
        i = series.index_at(args.at) if args.at is not None else len(series) - 1
        if i < 0:
            raise CliError(f"{symbol} has no data at or before that time (it starts {series.first_date})")
        quotes.append(quote_at(series, i))
    return quotes, refused


def _yahoo_quotes(args: argparse.Namespace) -> tuple[list[Quote], str | None]:
    """Each symbol's latest quote as the window would show it (the chart's quotes through a quote store), and
    the refusal of the symbols Yahoo does not know."""
    from desktop.core.quote_store import QuoteStore
    from desktop.feeds.yahoo_errors import unknown_symbol_text
    from desktop.feeds.yahoo_http import RateLimitedError, UnknownSymbolError, UnreachableError, YahooError, YahooHttp

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
    refused = None
    if len(unknown) == 1:
        refused = f"unknown symbol {unknown_symbol_text(unknown[0])}"
    elif unknown:
        refused = f"unknown symbol {', '.join(unknown)}: no such symbol on Yahoo Finance"
    return [q for q in (store.latest(s) for s in args.symbols) if q is not None], refused


def _run_feed(args: argparse.Namespace, on_quotes: Callable[[Sequence[Quote]], None]) -> tuple[str, str | None]:
    """Run the chosen source for `args.symbols` until `--seconds` or Ctrl-C; the source used, and a note
    when `auto` fell back to the replay."""
    from desktop.core.quote_store import QuoteStore
    from desktop.feeds.base import FeedStatus
    from desktop.services.pipeline import QuotePipeline

    source, note = choose_source(args.source, args.replay_data, getattr(args, "start", None))
    pipeline = QuotePipeline(QuoteStore())
    probe: list[str | None] = []  # Yahoo's chart endpoint: [None] when it answers, [reason] when not
    stopping = threading.Event()
    woken = threading.Event()
    pipeline.on_wake = woken.set
    feed: Any
    if source == "yahoo":

        def say(status: FeedStatus) -> None:
            if not stopping.is_set():  # nothing from the feed after the command's own last word
                print(f"tickerdesk: {status.detail}", file=sys.stderr)

        feed = live_feed(pipeline.push, on_status=say)
        threading.Thread(target=lambda: probe.append(yahoo_unreachable()), name="yahoo-probe", daemon=True).start()
    else:
        from desktop.feeds.replay_source import default_start, load_timeline, start_problem

        timeline = load_timeline(args.replay_data)
        if (refused := _not_in(args.symbols, list(timeline.series))) is not None:
            raise CliError(refused)
        start = getattr(args, "start", None) or default_start(timeline)
        if (problem := start_problem(start, timeline)) is not None:
            print(f"tickerdesk: {problem}", file=sys.stderr)
        feed = replay_feed(timeline, pipeline.push, speed=getattr(args, "speed", 1.0), start=start, on_status=None)
    last: dict[str, float] = {}
    started = time.monotonic()

    def unreachable() -> str | None:
        """Why Yahoo cannot be reached, once nothing came within the wait and neither side got through."""
        if source != "yahoo" or last or time.monotonic() - started < YAHOO_WAIT or not probe or probe[0] is None:
            return None
        return None if feed.stream.stats.connects else probe[0]

    def newer_only(quotes: Sequence[Quote]) -> None:
        fresh = [q for q in quotes if q.time > last.get(q.symbol, float("-inf"))]
        # History sent before the stream (backfill) prints as where each symbol stands, not row by row.
        standing = {q.symbol: q for q in fresh if q.backfill}
        if standing:
            fresh = [q for q in fresh if not q.backfill or standing[q.symbol] is q]
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
    return source, note


YAHOO_WAIT = 8.0  # seconds `watch`/`record` wait for Yahoo before saying it cannot be reached


def cmd_watch(args: argparse.Namespace) -> Done:
    args.symbols = watchlist_symbols(args)

    def show(quotes: Sequence[Quote]) -> None:
        for q in quotes:
            print(json.dumps(quote_record(q)) if args.format == "jsonl" else _table_line(q), flush=True)

    if args.format == "table":
        print(TABLE_HEADER, flush=True)
    _, note = _run_feed(args, show)
    return Done(0, [note] if note else [])


def cmd_record(args: argparse.Namespace) -> Done:
    from desktop.feeds.recorder import QuoteRecorder

    args.symbols = watchlist_symbols(args)
    existed = args.out.exists()
    recorder = QuoteRecorder(args.out)
    try:
        source, note = _run_feed(args, recorder.record)
    except BaseException:  # refused (an unknown symbol, no network) before a row: no new empty recording left
        recorder.close()
        if not existed and recorder.rows == 0:
            args.out.unlink(missing_ok=True)
        raise
    recorder.close()
    if recorder.error:
        raise RuntimeFailureError(recorder.error)
    print(f"recorded {recorder.rows} quotes from {source} to {args.out}", file=sys.stderr)
    return Done(0, [note] if note else [])
