"""A large backtest on every core: the rules dealt out to processes, their fires merged back.

No rule reads another's state: a rule's fires depend on its own settings and history and on the quotes.
So disjoint shares of the rules can run in processes of their own and their fires be merged by time,
the rules in their given order within a time, which is the list one process gives. The engine is
Python-heavy, so threads would take turns on the GIL; forked children see the loaded prices without a
copy. Forking is done only from a process with no other thread (a fork copies one thread and whatever
locks the others held), on Linux, and for work large enough to repay it: everything else runs in the
calling process, as before.
"""

from __future__ import annotations

import dataclasses
import heapq
import multiprocessing
import operator
import os
import signal
import sys
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import AlertRule
from desktop.core.backtest import check_symbols, dated_fires, run_backtest
from desktop.core.errors import BacktestError
from desktop.core.prices import PriceSeries
from desktop.core.progress import Progress, report

# Less work than this (the rows each rule reads, summed over the rules: about 60 ns of engine time each) runs
# in one process: a fork and its fires' way back cost 0.05-0.2 s.
SHARE_FROM_RULE_ROWS = 5_000_000
MAX_SHARES = 8
# A fire crosses back as a tuple of its fields: unpickling 28,662 frozen dataclasses took 168-184 ms, their
# fields' tuples 55 ms with the fires rebuilt.
_FIELDS = operator.attrgetter(*(field.name for field in dataclasses.fields(AlertFire)))


def run_backtest_on_cores(
    series: dict[str, PriceSeries],
    rules: Sequence[AlertRule],
    start: float | None = None,
    end: float | None = None,
    progress: Progress | None = None,
    shares: int | None = None,
) -> list[AlertFire]:
    """`run_backtest`'s fires, the rules split into `shares` processes (by default one per core) where that
    pays (see above). `progress` hears the calling process's own share."""
    check_symbols(series, rules)  # one message naming every missing symbol, as one process gives
    count = _share_count(series, rules, shares)
    if count < 2:
        return run_backtest(series, rules, start, end, progress)
    dealt = [list(rules[k::count]) for k in range(count)]
    children = _forked(series, dealt[1:], start, end)
    if children is None:  # no process to be had (memory, a process limit): this one does it all
        return run_backtest(series, rules, start, end, progress)
    try:
        own = run_backtest(series, dealt[0], start, end, lambda done: _partly(progress, done))
        found = [own, *(_received(child, receiving) for child, receiving in children)]
    finally:
        _ended(children)
    report(progress, 1.0)
    order = {rule.id: k for k, rule in enumerate(rules)}
    merged = list(heapq.merge(*found, key=lambda fire: (fire.time, order[fire.rule_id])))
    # A share plays only its rules' symbols, so a fire at a step where another share's symbol has a daily
    # row was not dated there as one process dates it.
    return dated_fires(merged, (series[s] for s in {s for rule in rules for s in rule.symbols}))


def _forked(
    series: dict[str, PriceSeries], shares: list[list[AlertRule]], start: float | None, end: float | None
) -> list[tuple[Any, Connection]] | None:
    """A child process per share, each with the reading end of its pipe; None (and none left running) if
    one could not be made."""
    context = multiprocessing.get_context("fork")
    children: list[tuple[Any, Connection]] = []
    for share in shares:
        try:
            receiving, sending = context.Pipe(duplex=False)
        except OSError:
            _ended(children)
            return None
        child = context.Process(target=_run_share, args=(sending, series, share, start, end), daemon=True)
        try:
            child.start()
        except OSError:
            receiving.close()
            _ended(children)
            return None
        finally:
            sending.close()  # the child's end: the child holds its own copy
        children.append((child, receiving))
    return children


def _ended(children: list[tuple[Any, Connection]]) -> None:
    for child, receiving in children:
        if child.is_alive():
            child.kill()
        child.join()
        receiving.close()


def _share_count(series: dict[str, PriceSeries], rules: Sequence[AlertRule], shares: int | None) -> int:
    if not sys.platform.startswith("linux") or threading.active_count() > 1 or len(rules) < 2:
        return 1
    wanted = shares if shares is not None else min(MAX_SHARES, len(os.sched_getaffinity(0)))  # the cores it may use
    if wanted < 2:
        return 1
    if len({rule.id for rule in rules}) != len(rules):  # fires could not be told apart to merge
        return 1
    if shares is None and sum(len(series[s].times) for rule in rules for s in rule.symbols) < SHARE_FROM_RULE_ROWS:
        return 1
    return min(wanted, len(rules))


def _partly(progress: Progress | None, done: float) -> bool:
    """The calling process's share as the whole's progress, short of done until the others' fires are in."""
    return progress is None or progress(min(done, 0.99))


def _run_share(
    sending: Connection,
    series: dict[str, PriceSeries],
    rules: list[AlertRule],
    start: float | None,
    end: float | None,
) -> None:
    """A child's share: its fires, or the error it met, sent back whole (a pickled list)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the children
    try:
        sending.send(("fires", [_FIELDS(fire) for fire in run_backtest(series, rules, start, end)]))
    except Exception as exc:  # handed to the parent, which raises it where one process would
        sending.send(("error", exc))
    finally:
        sending.close()


def _received(child: Any, receiving: Connection) -> list[AlertFire]:
    try:
        kind, payload = receiving.recv()
    except EOFError:
        child.join()
        raise BacktestError(f"a backtest process ended without its fires (exit status {child.exitcode})") from None
    if kind == "error":
        raise payload
    return [AlertFire(*fields) for fields in payload]


__all__ = ["run_backtest_on_cores"]
