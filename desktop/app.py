"""The one place where the app's parts are created and wired: database, store, pipeline, feed, window."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import traceback
from datetime import date
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop import logs, paths
from desktop.config import DEFAULT_SYMBOLS, DEFAULT_WATCHLIST, FIRST_PAINT_ENV
from desktop.core.alerts.engine import AlertEngine
from desktop.core.prices import load_prices
from desktop.core.quote_store import QuoteStore
from desktop.core.timeline import ReplayTimeline
from desktop.feeds.base import QuoteSink, StatusListener
from desktop.feeds.replay import ReplayFeed
from desktop.feeds.replay_source import default_start, load_timeline, start_problem
from desktop.services.pipeline import QuotePipeline
from desktop.services.sources import asked_source, live_feed, replay_feed, yahoo_unreachable
from desktop.storage.alerts import AlertRepository
from desktop.storage.database import (
    BUSY_NOTICE_S,
    DatabaseBusyError,
    OpenedDatabase,
    StorageError,
    leave_checkpoints_to_others,
    open_database,
    wait_when_busy,
)
from desktop.storage.watchlists import WatchlistRepository
from desktop.storage.writer import BackgroundWriter
from desktop.ui import settings as cfg
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.feed_controller import FeedController, LiveFeed, ReplayFactory
from desktop.ui.main_window import MainWindow
from desktop.ui.pipeline_driver import PipelineDriver
from desktop.ui.single_instance import SingleInstance

log = logs.app

# How long a user's edit (one small transaction on the GUI thread) waits for another program's write to end.
# SQLite's writes here take milliseconds; a wait this long means the database is held (a stuck program, a
# long import), and the edit is refused with "busy", nothing changed, where it had held the window 1-5 s.
EDIT_BUSY_WAIT_S = 0.25


class ErrorReporter(QObject):
    """Routes uncaught exceptions from any thread to the window's message line (queued to the GUI thread)."""

    reported = Signal(str)

    def install(self) -> None:
        sys.excepthook = self._hook
        threading.excepthook = lambda a: self._hook(a.exc_type, a.exc_value, a.exc_traceback)

    def _hook(self, kind: type[BaseException], value: BaseException | None, tb: TracebackType | None) -> None:
        log.error("uncaught exception:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        self.reported.emit(f"Internal error: {kind.__name__}: {value} (details in the log)")


def app_icon() -> QIcon:
    """The app's icon at every size shipped (window, taskbar, tray)."""
    icon = QIcon()
    icons = paths.resources_dir() / "icons"
    for png in sorted(icons.glob("tickerdesk-*.png")):
        icon.addFile(str(png))
    return icon


def symbol_names() -> dict[str, str]:
    try:
        return dict(json.loads((paths.resources_dir() / "symbols.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        log.warning("symbol names could not be read")
        return {}


def _configure_logging() -> None:
    logs.configure(paths.data_dir())


def shut_down_parts(feeds: FeedController, driver: PipelineDriver, alerts: AlertsController) -> None:
    """Stop in the order that loses nothing: the feed first, then what it already sent is applied (it still
    reaches the engine and the log), then the driver, then the alert writer finishes its queue."""
    feeds.stop()
    driver.flush(settle_now=True)
    feeds.stop_recording()
    driver.stop()
    alerts.shutdown()


def build_window(args: argparse.Namespace, opened: OpenedDatabase | None = None) -> tuple[MainWindow, str | None]:
    """Create every part and the window (not shown, feed not started); also any message for the user."""
    skipped: list[str] = []  # replay files that cannot be read: the window opens on the others and says so
    timeline = load_timeline(args.replay_data, skipped)
    opened = opened or open_database(paths.database_path())
    watchlists = WatchlistRepository(opened.connection)
    watchlists.ensure(DEFAULT_WATCHLIST, list(DEFAULT_SYMBOLS))
    settings = cfg.Settings(paths.settings_path())

    store = QuoteStore()
    engine = AlertEngine()
    pipeline = QuotePipeline(store, engine)
    driver = PipelineDriver(pipeline)
    alerts = AlertsController(engine, AlertRepository(opened.connection), BackgroundWriter(opened.path))
    speed = args.speed if args.speed is not None else float(settings.get(cfg.REPLAY_SPEED))
    chosen = cfg.replay_start(settings) if str(settings.get(cfg.REPLAY_START)) else None
    start = args.start or (chosen if chosen is not None else default_start(timeline))

    def replay_for(data: ReplayTimeline) -> ReplayFactory:
        def make_replay(start_day: date | None, pace: float, on_status: StatusListener, sink: QuoteSink) -> ReplayFeed:
            return replay_feed(data, sink, speed=pace, start=start_day, on_status=on_status)

        return make_replay

    make_replay = replay_for(timeline)

    poll_interval = float(settings.get(cfg.POLL_INTERVAL))

    def make_live(on_status: StatusListener, sink: QuoteSink) -> LiveFeed:
        return live_feed(sink, on_status=on_status, poll_interval=poll_interval)

    def reachable() -> bool:
        return yahoo_unreachable() is None

    feeds = FeedController(
        pipeline,
        make_replay=make_replay,
        make_live=make_live,
        source=asked_source(getattr(args, "source", "replay"), args.replay_data, args.start),
        start=start,
        speed=speed,
        probe=reachable,
    )
    window = MainWindow(
        store=store,
        driver=driver,
        feeds=feeds,
        watchlists=watchlists,
        settings=settings,
        names=symbol_names(),
        alerts=alerts,
        backtest_sources={
            "Replay data in use": lambda _progress: feeds.replay.timeline.series,  # opened files too
            "Bundled daily bars": lambda progress: load_prices([paths.bundled_daily_dir()], progress=progress),
            "Bundled 5-minute bars": lambda progress: load_prices([paths.bundled_intraday_dir()], progress=progress),
        },
        sound_file=paths.cache_dir() / "alert-chime.wav",
        clock=lambda: (store.newest_time() or time.time()) if feeds.is_replay else time.time(),  # a replay's own clock
        replay_first_date=timeline.first_date,
        replay_last_date=timeline.last_date,
        watchlist=getattr(args, "watchlist", None),
    )
    driver.setParent(window)
    feeds.setParent(window)
    alerts.setParent(window)
    window.shut_down = lambda: shut_down_parts(feeds, driver, alerts)
    window.replay_for = replay_for
    alerts.replaying = lambda: feeds.is_replay
    window.destroyed.connect(opened.connection.close)
    # Start-up is read; from here on this connection only saves the user's own edits, on the GUI thread: with
    # another program holding the database, an edit is refused as "busy" after a moment, not after seconds.
    wait_when_busy(opened.connection, EDIT_BUSY_WAIT_S)
    leave_checkpoints_to_others(opened.connection)  # an edit never syncs the database file to the disk
    notes = [m for m in (opened.recovery_message, opened.read_only) if m]
    notes.extend(alerts.startup_problems)
    notes.extend(window.startup_notes)
    settings_problem = settings.problem()
    if settings_problem:
        notes.append(settings_problem)
    notes.extend(f"Replay data left out: {problem}." for problem in skipped)
    if getattr(args, "source", "replay") != "yahoo" and (late := start_problem(start, timeline)) is not None:
        notes.append(f"{late[0].upper()}{late[1:]} (Replay ▸ From picks another day).")
    # What one's own replay files hold beyond the list is said; the bundled data's extras are not news. Only
    # for the replay: a live source is asked about each symbol (and `auto` says it when it falls back).
    if getattr(args, "source", "replay") == "replay":
        notes.extend(window.data_coverage_notes(beyond_the_list=bool(getattr(args, "replay_data", None))))
    if not alerts.role.evaluating:  # a monitor (the one left watching, a service) fires the rules: said at once
        window.show_message(alerts.role.describe())
    return window, " ".join(notes) or None


# For the startup benchmark: print "first-paint" once the window has painted rows with quotes, then quit.


def report_first_paint(window: MainWindow) -> None:
    """Through the table's own paint (an event filter on its viewport would have the measurement create the
    viewport's Python wrapper, 8 ms of type set-up the window's first paint does not need)."""

    def painted() -> None:
        if window.store.newest_time() is not None:
            window.table.after_paint = None
            QTimer.singleShot(0, done)

    def done() -> None:
        print("first-paint", flush=True)
        window.close()

    window.table.after_paint = painted


def _open_waiting_visibly(app: QApplication) -> OpenedDatabase:
    """Open the database; when another program holds it, say "database busy" while waiting for it."""
    path = paths.database_path()
    try:
        return open_database(path, timeout=BUSY_NOTICE_S)
    except DatabaseBusyError:
        log.warning("database busy: another program holds %s, waiting", path)
    notice = QLabel(f"Tickerdesk · database busy: another program holds {path.name}, waiting…")
    notice.setWindowTitle("Tickerdesk")
    notice.setMargin(24)
    notice.show()
    app.processEvents()
    try:
        return open_database(path)
    finally:
        notice.close()
        notice.deleteLater()


def _bring_to_front(window: MainWindow) -> None:
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    window.show_message("Tickerdesk is already open: this is its window.")


def run_app(args: argparse.Namespace) -> int:
    _configure_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Tickerdesk")
    app.setOrganizationName("Tickerdesk")
    app.setDesktopFileName("tickerdesk")  # matches the installed .desktop entry (taskbar grouping, icon)
    app.setWindowIcon(app_icon())
    instance = SingleInstance(paths.data_dir())
    if not instance.acquire():
        instance.ask_holder_to_raise()
        pid = instance.holder_pid()
        print(
            f"tickerdesk: Tickerdesk is already running on this data folder{f' (pid {pid})' if pid else ''}; "
            "brought its window to the front",
            file=sys.stderr,
        )
        return 0
    reporter = ErrorReporter()
    try:
        window, notice = build_window(args, _open_waiting_visibly(app))
    except StorageError as exc:  # busy, newer, unreadable and unmovable: the file is left as it is
        log.error("%s", exc)
        instance.release()
        QMessageBox.critical(None, "Tickerdesk", str(exc))
        return 1
    reporter.reported.connect(lambda text: window.show_message(text, error=True))
    reporter.install()
    instance.raise_requested.connect(lambda: _bring_to_front(window))
    if notice:
        window.show_message(notice, error=True)
    window.dump_state_to = getattr(args, "dump_state", None)
    window.feeds.start(window.model.symbols)  # before showing: the first paint can have the first quotes
    window.show()
    if os.environ.get(FIRST_PAINT_ENV):
        report_first_paint(window)

    if args.exit_after is not None:
        screenshot: Path | None = args.screenshot

        def finish() -> None:
            if screenshot is not None:  # the window is closing: writing here holds nothing up
                from desktop.ui.charts.chart_image import save_image

                if (problem := save_image(window.grab().toImage(), screenshot)) is not None:
                    log.error("could not save the screenshot: %s", problem)
            window.close()

        QTimer.singleShot(int(args.exit_after * 1000), finish)
    status = int(app.exec())
    instance.release()
    return status
