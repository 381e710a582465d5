"""`tickerdesk monitor`: the alert rules watched with no window (no Qt), until a signal or --exit-after.

SIGTERM and SIGINT stop it cleanly (rule states saved, the evaluator lease let go); SIGUSR1 makes it say
its state (source, quotes per second, rules armed, whether it evaluates) on stderr and in its log.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from desktop import logs, paths
from desktop.cli.arguments import Done
from desktop.cli.database import command_database
from desktop.core.alerts.engine import AlertFire
from desktop.services.background_monitor import MonitorLock, stop_monitor
from desktop.services.monitor import AlertMonitor, MonitorFeed, fire_line
from desktop.services.sources import choose_source, live_feed, replay_feed

log = logs.monitor


def cmd_monitor(args: argparse.Namespace) -> Done:
    if args.install_service or args.uninstall_service:
        from desktop.cli.service import install_service, uninstall_service

        return Done(0, install_service(args.source) if args.install_service else uninstall_service())
    if args.stop:
        stopped, said = stop_monitor(paths.data_dir())
        return Done(0 if stopped else 1, [said])
    logs.configure(paths.data_dir(), "monitor.log")
    lock = MonitorLock(paths.data_dir())
    if not lock.acquire():
        pid = lock.holder()
        return Done(0, [f"a monitor already watches this data folder{f' (pid {pid})' if pid else ''}"])
    source, note = choose_source(args.source, args.replay_data, args.start)
    if note:
        log.warning("%s", note)
    make_feed = _feed_maker(args, source)

    def announce(fire: AlertFire) -> None:
        print(fire_line(fire), flush=True)
        log.info("delivered to stdout: %s", fire_line(fire), extra=logs.FILE_ONLY)  # (on stdout already)

    with command_database() as opened:
        monitor = AlertMonitor(
            opened.connection, opened.path, make_feed, source=source, announce=announce, replayed=source == "replay"
        )
        stop = threading.Event()

        def on_stop(signum: int, _frame: FrameType | None) -> None:
            log.info("%s received, stopping", signal.Signals(signum).name)
            stop.set()

        def on_report(_signum: int, _frame: FrameType | None) -> None:
            line = monitor.status().line()
            print(line, file=sys.stderr, flush=True)
            log.info("%s", line)

        previous = {s: signal.signal(s, on_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        if hasattr(signal, "SIGUSR1"):
            previous[signal.SIGUSR1] = signal.signal(signal.SIGUSR1, on_report)
        try:
            log.info("started on %s (%s)", source, opened.path)
            monitor.run(stop, args.exit_after)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
    lock.release()
    log.info("stopped after %d quotes and %d new fire(s)", monitor.quotes, monitor.fires)
    notes = [note] if note else []
    return Done(0, notes if monitor.book.rules else [*notes, "no alert rules to watch"])


def _feed_maker(args: argparse.Namespace, source: str) -> Callable[[Callable[..., bool]], MonitorFeed]:
    if source == "yahoo":
        return lambda sink: live_feed(sink, on_status=lambda status: log.info("feed: %s", status.detail))
    from desktop.feeds.replay_source import default_start, load_timeline, start_problem

    timeline = load_timeline(args.replay_data)
    start = args.start or default_start(timeline)
    if (problem := start_problem(start, timeline)) is not None:
        log.warning("%s", problem)
    return lambda sink: replay_feed(timeline, sink, speed=args.speed, start=start, on_status=None)
