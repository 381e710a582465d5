"""The main window: watchlist table over the price chart, replay controls, status bar and banner."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__, logs
from desktop.config import POLL_INTERVALS_S
from desktop.core import formatting as fmt
from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import AlertRule, AlertType, Condition, new_rule_id
from desktop.core.market_calendar import US_MARKET
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import session_date, to_new_york
from desktop.feeds.base import FeedState, FeedStatus
from desktop.feeds.recorder import QuoteRecorder
from desktop.storage.alerts import StoredFire
from desktop.storage.watchlists import WatchlistRepository
from desktop.ui import settings as cfg
from desktop.ui.alert_models import fire_time_text
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.alerts_panel import AlertsPanel
from desktop.ui.backtest_dialog import BacktestDialog, PriceSource

if TYPE_CHECKING:
    from desktop.ui.charts.chart_panel import ChartPanel
    from desktop.ui.charts.price_chart import PriceChart
from desktop.ui.feed_controller import FeedController
from desktop.ui.notifier import Notifier
from desktop.ui.pipeline_driver import PipelineDriver
from desktop.ui.theme import Colors, ThemeMode, apply_theme
from desktop.ui.watchlist_model import WatchlistModel
from desktop.ui.watchlist_view import WatchlistView

log = logs.ui

SYMBOL_PATTERN = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=^]{0,19}$")
SPEEDS: list[tuple[str, float]] = [("1×", 1.0), ("5×", 5.0), ("20×", 20.0), ("Max", 0.0)]
POLL_INTERVALS = list(POLL_INTERVALS_S)
# A live quote older than this during regular hours is marked stale.
STALE_AFTER_S = 120.0
MESSAGE_MS = 8000
# The charts (pyqtgraph) are built this long after the first quotes were painted, or after showing the
# window if no quote comes: the table with quotes appears first.
CHARTS_AFTER_MS = 150
CHARTS_IF_NO_QUOTES_MS = 1500


class MainWindow(QMainWindow):
    """Wires the table, chart and controls to the store, the feed and the saved watchlist."""

    def __init__(
        self,
        *,
        store: QuoteStore,
        driver: PipelineDriver,
        feeds: FeedController,
        watchlists: WatchlistRepository,
        settings: cfg.Settings,
        names: dict[str, str],
        alerts: AlertsController,
        backtest_sources: dict[str, PriceSource],
        sound_file: Path,
        clock: Callable[[], float] = time.time,
        replay_first_date: date | None = None,
        replay_last_date: date | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Tickerdesk")
        self.store = store
        self.driver = driver
        self.feeds = feeds
        self.watchlists = watchlists
        self.settings = settings
        self.clock = clock
        self.colors: Colors | None = None
        self.alerts = alerts
        self.backtest_sources = backtest_sources
        self.backtest_dialog: BacktestDialog | None = None
        self.recorder: QuoteRecorder | None = None

        self.model = WatchlistModel(store, names, clock, self)
        self.model.set_symbols(watchlists.symbols())
        self.table = WatchlistView(self.model)
        # The charts (and pyqtgraph with them) are built just after the first paint: the table with its
        # quotes shows sooner. `charts` builds them at once when something needs them before that.
        self._charts: ChartPanel | None = None
        self._chart_slot = QWidget()
        self._charts_timer = QTimer(self)  # owned by the window: it dies with it, never fires after
        self._charts_timer.setSingleShot(True)
        self._charts_timer.timeout.connect(self._build_charts_soon)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setContentsMargins(10, 5, 10, 5)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._chart_slot)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.alerts_panel = AlertsPanel(alerts, feeds.can_supply)
        self.alerts_dock = QDockWidget("Alerts", self)
        self.alerts_dock.setObjectName("alertsDock")
        self.alerts_dock.setWidget(self.alerts_panel)
        self.alerts_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.alerts_dock)
        icon = QApplication.windowIcon()
        self.notifier = Notifier(self, sound_file, None if icon.isNull() else icon)
        self.notifier.sound_enabled = bool(settings.get(cfg.ALERT_SOUND))

        self._build_toolbar(replay_first_date, replay_last_date)
        self._build_status_bar()
        self._build_menus()
        self.price_alert_action = QAction("Alert When Price Crosses…", self)
        self.price_alert_action.triggered.connect(self.alert_on_selected_price)
        self.table.extra_menu_actions.append(self.price_alert_action)

        self.table.current_symbol_changed.connect(self._symbol_selected)
        self.table.remove_requested.connect(self.remove_symbols)
        driver.quotes_applied.connect(self._on_quotes)
        driver.alerts_fired.connect(alerts.record_fires)
        alerts.fires_logged.connect(self._on_fires_logged)
        alerts.problem.connect(lambda text: self.show_message(text, error=True))
        self.alerts_panel.message.connect(self.show_message)
        self.alerts_panel.backtest_requested.connect(self.open_backtest)
        feeds.status_changed.connect(self._on_status)
        feeds.restarted.connect(self._on_restarted)
        feeds.source_changed.connect(self._on_source_changed)
        feeds.symbol_checked.connect(self._symbol_checked)

        self._ticker = QTimer(self)  # ages and the quotes/s figure move with the clock alone
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

        self.set_theme(
            ThemeMode(settings.get(cfg.THEME))
            if settings.get(cfg.THEME) in {m.value for m in ThemeMode}
            else ThemeMode.SYSTEM
        )
        self.resize(1560, 900)
        self.splitter.setSizes([350, 460])
        self.resizeDocks([self.alerts_dock], [600], Qt.Orientation.Horizontal)
        self._restore_layout()
        remembered = str(settings.get(cfg.SELECTED_SYMBOL))
        if not self.table.select_symbol(remembered) and self.model.symbols:
            self.table.select_symbol(self.model.symbols[0])

    # -- construction ---------------------------------------------------------------------------

    def _build_toolbar(self, first: date | None, last: date | None) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)

        self.symbol_input = QLineEdit()
        self.symbol_input.setObjectName("symbolInput")
        self.symbol_input.setPlaceholderText("Add symbol…")
        self.symbol_input.setClearButtonEnabled(True)
        self.symbol_input.setMaximumWidth(160)
        self.symbol_input.setToolTip("Type a ticker and press Enter to add it to the watchlist (Ctrl+N)")
        self.symbol_input.returnPressed.connect(lambda: self.add_symbol(self.symbol_input.text()))
        self.symbol_input.textEdited.connect(lambda _text: self._show_input_error(""))
        bar.addWidget(self.symbol_input)
        self.input_error = QLabel()
        self.input_error.setObjectName("inputError")
        self.input_error.setContentsMargins(8, 0, 8, 0)
        bar.addWidget(self.input_error)
        bar.addSeparator()

        self.pause_action = QAction("Pause", self)
        self.pause_action.setCheckable(True)
        self.pause_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.pause_action.setToolTip("Pause or resume the replay (Space)")
        self.pause_action.toggled.connect(self._set_paused)
        bar.addAction(self.pause_action)

        bar.addWidget(QLabel(" Speed "))
        self.speed_box = QComboBox()
        self.speed_box.setObjectName("speedBox")
        for label, value in SPEEDS:
            self.speed_box.addItem(label, value)
        self.speed_box.setToolTip("Replay pace: sessions (daily data) or bars (intraday) per second")
        self._select_speed(self.feeds.replay.speed)
        self.speed_box.currentIndexChanged.connect(lambda _i: self.feeds.set_speed(float(self.speed_box.currentData())))
        bar.addWidget(self.speed_box)

        bar.addWidget(QLabel("  From "))
        self.start_edit = QDateEdit()
        self.start_edit.setObjectName("startDate")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd")
        if first is not None and last is not None:
            self.start_edit.setDateRange(
                QDate(first.year, first.month, first.day), QDate(last.year, last.month, last.day)
            )
        start_ts = self.feeds.replay.timeline.step_times[
            min(self.feeds.replay.start_step, len(self.feeds.replay.timeline) - 1)
        ]
        start_day = session_date(float(start_ts))
        self.start_edit.setDate(QDate(start_day.year, start_day.month, start_day.day))
        self.start_edit.setToolTip("Replay start date; Restart (Ctrl+R) plays from here")
        bar.addWidget(self.start_edit)
        self.restart_action = QAction("Restart", self)
        self.restart_action.setShortcut(QKeySequence("Ctrl+R"))
        self.restart_action.setToolTip("Replay again from the start date (Ctrl+R)")
        self.restart_action.triggered.connect(self.restart_replay)
        bar.addAction(self.restart_action)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.state_label = QLabel("● Starting")
        self.state_label.setObjectName("feedState")
        self.rate_label = QLabel("0 quotes/s")
        self.newest_label = QLabel("no quotes yet")
        self.market_label = QLabel()  # live sources only: "Market closed · opens Mon 09:30 ET"
        self.market_label.setVisible(False)
        status.addWidget(self.state_label)
        status.addPermanentWidget(self.market_label)
        status.addPermanentWidget(self.rate_label)
        status.addPermanentWidget(self.newest_label)

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        export_chart = file_menu.addAction("&Export Chart as PNG…")
        export_chart.setShortcut(QKeySequence("Ctrl+E"))
        export_chart.triggered.connect(self._export_chart)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)

        watch_menu = menus.addMenu("&Watchlist")
        self.add_action = watch_menu.addAction("&Add Symbol…")
        self.add_action.setShortcut(QKeySequence("Ctrl+N"))
        self.add_action.triggered.connect(self.focus_symbol_input)
        watch_menu.addAction(self.table.remove_action)

        alerts_menu = menus.addMenu("&Alerts")
        panel = self.alerts_panel
        for action in (panel.new_action, panel.rotation_action, panel.backtest_action):
            alerts_menu.addAction(action)
        alerts_menu.addSeparator()
        alerts_menu.addAction(panel.import_action)
        alerts_menu.addAction(panel.export_action)
        alerts_menu.addAction(panel.export_log_action)
        alerts_menu.addSeparator()
        self.sound_action = alerts_menu.addAction("Play a Sound")
        self.sound_action.setCheckable(True)
        self.sound_action.setChecked(self.notifier.sound_enabled)
        self.sound_action.toggled.connect(self._set_sound)
        toggle = self.alerts_dock.toggleViewAction()
        toggle.setText("Show Alerts Panel")
        toggle.setShortcut(QKeySequence("Ctrl+L"))
        alerts_menu.addAction(toggle)

        replay_menu = menus.addMenu("&Replay")
        replay_menu.addAction(self.pause_action)
        replay_menu.addAction(self.restart_action)
        speed_menu = replay_menu.addMenu("&Speed")
        for k, (label, value) in enumerate(SPEEDS):
            action = speed_menu.addAction(label)
            action.setShortcut(QKeySequence(f"Ctrl+{k + 1}"))
            action.triggered.connect(lambda _c=False, v=value: self._select_speed(v))

        poll_menu = replay_menu.addMenu("Yahoo &Poll Interval")
        poll_group = QActionGroup(self)
        current_poll = float(self.settings.get(cfg.POLL_INTERVAL))
        for seconds in POLL_INTERVALS:
            action = poll_menu.addAction(f"Every {seconds:g} s")
            action.setCheckable(True)
            action.setChecked(seconds == current_poll)
            poll_group.addAction(action)
            action.triggered.connect(lambda _c=False, s=seconds: self._set_poll_interval(s))
        replay_menu.addSeparator()
        self.record_action = replay_menu.addAction("&Record Quotes to File…")
        self.record_action.setCheckable(True)
        self.record_action.toggled.connect(self._toggle_recording)

        view_menu = menus.addMenu("&View")
        self.colorblind_action = view_menu.addAction("Up/Down in Blue/Orange")
        self.colorblind_action.setCheckable(True)
        self.colorblind_action.setChecked(bool(self.settings.get(cfg.COLORBLIND)))
        self.colorblind_action.setToolTip("For colour-blind eyes: rises in blue, falls in orange")
        self.colorblind_action.toggled.connect(self._set_colorblind)
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_actions: dict[ThemeMode, QAction] = {}
        group = QActionGroup(self)
        for mode in ThemeMode:
            action = theme_menu.addAction(mode.value.capitalize())
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, m=mode: self.set_theme(m))
            self.theme_actions[mode] = action

        help_menu = menus.addMenu("&Help")
        about = help_menu.addAction("&About Tickerdesk")
        about.triggered.connect(self._about)

    # -- watchlist ------------------------------------------------------------------------------

    def focus_symbol_input(self) -> None:
        self.symbol_input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.symbol_input.selectAll()

    def _show_input_error(self, message: str) -> None:
        self.input_error.setText(message)
        self.symbol_input.setProperty("invalid", bool(message))
        self.symbol_input.setStyleSheet(
            f"border: 1px solid {self.colors.error_text.name()};" if message and self.colors else ""
        )

    def add_symbol(self, text: str) -> bool:
        """Validate, persist and show a new symbol; a refusal is said next to the input and changes nothing."""
        symbol = text.strip().upper()
        if not symbol:
            return False
        if not SYMBOL_PATTERN.match(symbol):
            self._show_input_error(f"“{text.strip()}” is not a ticker symbol")
            return False
        if self.model.row_of(symbol) is not None:
            self._show_input_error(f"{symbol} is already in the watchlist")
            self.table.select_symbol(symbol)
            return False
        reason = self.feeds.can_supply(symbol)
        if reason is not None:
            self._show_input_error(reason)
            return False
        if not self.feeds.is_replay:  # asking Yahoo takes a round trip: answer comes via symbol_checked
            self.symbol_input.setEnabled(False)
            self.input_error.setStyleSheet("")
            self.input_error.setText(f"Checking {symbol} on Yahoo Finance…")
            self.feeds.check_symbol(symbol)
            return False
        return self._commit_symbol(symbol)

    def _symbol_checked(self, symbol: str, reason: str | None) -> None:
        self.symbol_input.setEnabled(True)
        self.input_error.setStyleSheet(f"color: {self.colors.error_text.name()};" if self.colors else "")
        if reason is not None:
            self._show_input_error(reason)
            self.symbol_input.setFocus()
            return
        if self.model.row_of(symbol) is None:
            self._commit_symbol(symbol)

    def _commit_symbol(self, symbol: str) -> bool:
        try:
            self.watchlists.add(symbol)
        except sqlite3.Error as exc:
            log.exception("saving %s failed", symbol)
            self._show_input_error(f"could not save {symbol}: {exc}")
            return False
        self.model.add_symbol(symbol)
        self.feeds.set_symbols(self.model.symbols)
        self.symbol_input.clear()
        self._show_input_error("")
        self.table.select_symbol(symbol)
        self.statusBar().showMessage(f"Added {symbol}", MESSAGE_MS)
        return True

    def remove_symbols(self, symbols: list[str]) -> None:
        removed: list[str] = []
        for symbol in symbols:
            try:
                self.watchlists.remove(symbol)
            except sqlite3.Error as exc:
                log.exception("removing %s failed", symbol)
                self.show_message(f"Could not remove {symbol}: {exc}", error=True)
                continue
            self.model.remove_symbol(symbol)
            removed.append(symbol)
        if removed:
            self.feeds.set_symbols(self.model.symbols)
            self.statusBar().showMessage(f"Removed {', '.join(removed)}", MESSAGE_MS)

    # -- replay controls ------------------------------------------------------------------------

    def _set_paused(self, paused: bool) -> None:
        self.pause_action.setText("Resume" if paused else "Pause")
        self.feeds.set_paused(paused)

    def _select_speed(self, speed: float) -> None:
        for i in range(self.speed_box.count()):
            if float(self.speed_box.itemData(i)) == speed:
                self.speed_box.setCurrentIndex(i)
                return

    def restart_replay(self) -> None:
        qd = self.start_edit.date()
        self.feeds.restart(date(qd.year(), qd.month(), qd.day()))

    def _on_restarted(self) -> None:  # the pipeline has reset the store and the engine (QuotePipeline.reset)
        self.model.clear_prices()
        if self._charts is not None:
            self._charts.refresh_all()

    # -- alerts ---------------------------------------------------------------------------------

    def _on_fires_logged(self, stored: list[StoredFire]) -> None:
        """A batch of fires is in the database: say so at once, everywhere the user may be looking."""
        fires: list[AlertFire] = [s.fire for s in stored]
        for fire in fires:
            log.info(
                "alert logged: %s at %s value %.6g level %g", fire.rule_id, fire_time_text(fire), fire.value, fire.level
            )
        self.notifier.notify(fires)
        self.model.highlight({symbol for f in fires for symbol, _ in f.inputs})
        if self._charts is not None:
            self._charts.price.add_fires(fires)
        title = fires[0].title if len(fires) == 1 else f"{len(fires)} alerts"
        self.statusBar().showMessage(f"Alert fired: {title}", MESSAGE_MS)

    @property
    def charts(self) -> ChartPanel:
        if self._charts is None:
            self._build_charts()
        assert self._charts is not None
        return self._charts

    @property
    def chart(self) -> PriceChart:
        return self.charts.price

    def _symbol_selected(self, symbol: str) -> None:
        if self._charts is not None:
            self._charts.price.show_symbol(symbol)

    def _build_charts(self) -> None:
        from desktop.ui.charts.chart_panel import ChartPanel

        sizes = self.splitter.sizes()
        charts = ChartPanel(self.store, self.alerts.engine, self.alerts)
        self._charts = charts
        self.splitter.replaceWidget(1, charts)
        self._chart_slot.deleteLater()
        self.splitter.setSizes(sizes)
        if self.colors is not None:
            charts.set_colors(self.colors)
        history = self.alerts_panel.log_model.fires()  # what was announced; later fires arrive by signal
        charts.price.set_fires(history)
        charts.spread.set_fires(history)
        charts.price.show_symbol(self.table.current_symbol())
        charts.rotation.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._charts is None and not self._charts_timer.isActive():  # in case no quote ever comes
            self._charts_timer.start(CHARTS_IF_NO_QUOTES_MS)

    def _build_charts_soon(self) -> None:
        if self._charts is None:
            self._build_charts()

    def toast_visible(self) -> bool:
        return self.notifier.toast.isVisible()

    def _set_poll_interval(self, seconds: float) -> None:
        self.settings.set(cfg.POLL_INTERVAL, seconds)
        self.feeds.set_poll_interval(seconds)
        self.statusBar().showMessage(
            f"Yahoo is polled every {seconds:g} s for symbols the stream leaves quiet", MESSAGE_MS
        )

    def start_recording(self, path: Path) -> None:
        """Save every quote from now on to `path` (a file `--replay-data` plays back)."""
        self.stop_recording()
        try:
            self.recorder = QuoteRecorder(path)
        except OSError as exc:
            self.show_message(f"Cannot record to {path}: {exc}", error=True)
            return
        self.driver.pipeline.consumers.append(self.recorder.record)
        with QSignalBlocker(self.record_action):
            self.record_action.setChecked(True)
        self.statusBar().showMessage(f"Recording quotes to {path}", MESSAGE_MS)

    def stop_recording(self) -> None:
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return
        self.driver.pipeline.consumers.remove(recorder.record)
        recorder.close()
        with QSignalBlocker(self.record_action):
            self.record_action.setChecked(False)
        self.statusBar().showMessage(f"Recorded {recorder.rows} quotes to {recorder.path.name}", MESSAGE_MS)

    def _toggle_recording(self, on: bool) -> None:
        if not on:
            self.stop_recording()
            return
        name, _ = QFileDialog.getSaveFileName(self, "Record Quotes", "tickerdesk-recording.csv", "CSV (*.csv)")
        if name:
            self.start_recording(Path(name))
        else:
            with QSignalBlocker(self.record_action):
                self.record_action.setChecked(False)

    def _export_chart(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export Chart", "tickerdesk-chart.png", "PNG image (*.png)")
        if name:
            ok = self.charts.export_png(Path(name))
            self.show_message(f"Saved the chart to {name}" if ok else f"Could not save {name}", error=not ok)

    def _set_colorblind(self, on: bool) -> None:
        self.settings.set(cfg.COLORBLIND, on)
        self.set_theme(self.theme_mode)

    def _set_sound(self, on: bool) -> None:
        self.notifier.sound_enabled = on
        self.settings.set(cfg.ALERT_SOUND, on)

    def alert_on_selected_price(self) -> None:
        """Open the alert editor for the selected row's price, at its last price."""
        symbol = self.table.current_symbol()
        if symbol is None:
            return
        quote = self.store.latest(symbol)
        level = round(quote.price, 2) if quote is not None else 0.0
        template = AlertRule(
            id=new_rule_id(), type=AlertType.PRICE, symbol=symbol, condition=Condition.CROSSES_ABOVE, level=level
        )
        self.alerts_dock.show()
        dialog = self.alerts_panel.new_rule(template)
        dialog.setWindowTitle(f"New Alert on {symbol}")
        dialog.level_spin.setFocus()
        dialog.level_spin.selectAll()

    def open_backtest(self, rule_id: str = "") -> BacktestDialog | None:
        rules = self.alerts.rules
        if not rules:
            self.show_message("Add an alert rule first, then backtest it.")
            return None
        qd = self.start_edit.date()
        dialog = BacktestDialog(
            rules,
            self.backtest_sources,
            self.show_backtest,
            rule_id or None,
            date(qd.year(), qd.month(), qd.day()),
            self,
        )
        self.backtest_dialog = dialog
        dialog.show()
        return dialog

    def show_backtest(self, rule: AlertRule, fires: list[AlertFire]) -> None:
        """Backtest fires as markers: on the spread chart of the rule's pair, or the price chart of its symbol."""
        self.chart.set_fires(fires)
        self.table.select_symbol(rule.symbols[0])
        if rule.type in (AlertType.SPREAD, AlertType.RATIO) and rule.a and rule.b:
            spread = self.charts.spread
            spread.set_measure(a=rule.a, b=rule.b, kind=rule.type, window=rule.window)
            spread.set_fires(fires)
            self.charts.tabs.setCurrentWidget(spread)
        self.statusBar().showMessage(f"Chart shows {len(fires)} backtest fires of {rule.title}", MESSAGE_MS)

    # -- updates --------------------------------------------------------------------------------

    def _on_quotes(self, changed: set[str], _count: int) -> None:
        if self._charts is None and self._charts_timer.remainingTime() > CHARTS_AFTER_MS:
            self._charts_timer.start(CHARTS_AFTER_MS)
        for symbol in changed:
            quote = self.store.latest(symbol)
            if quote is not None and quote.name and not self.model.name_of(symbol):
                self.model.set_name(symbol, quote.name)
        self.model.quotes_changed(changed)
        if self._charts is not None:
            self._charts.symbols_changed(changed)
        self.alerts_panel.refresh()
        self._show_newest()

    def _on_source_changed(self, source: str) -> None:
        """Replay controls only mean something for the replay; ages read the replay's clock or the wall clock."""
        replay = source == "replay"
        for widget in (self.speed_box, self.start_edit):
            widget.setEnabled(replay)
        self.pause_action.setEnabled(replay)
        self.restart_action.setEnabled(replay)
        self.model.stale_after = None if replay else STALE_AFTER_S
        self.setWindowTitle("Tickerdesk" if replay else "Tickerdesk · live")
        self.market_label.setVisible(not replay)
        self._show_market_state()
        if self.feeds.status is not None:
            self._on_status(self.feeds.status)

    def _show_market_state(self) -> None:
        if self.market_label.isVisible():
            self.market_label.setText(US_MARKET.state(time.time()).text)

    def _on_status(self, status: FeedStatus) -> None:
        colors = self.colors
        color = {
            FeedState.LIVE: colors.live if colors else None,
            FeedState.REPLAY: colors.replay if colors else None,
            FeedState.ERROR: colors.error_text if colors else None,
            FeedState.OFFLINE: colors.warning if colors else None,
        }.get(status.state)
        dot = f"<span style='color:{color.name()}'>●</span>" if color is not None else "●"
        self.state_label.setText(f"{dot} {status.state.value.capitalize()}")
        self.state_label.setToolTip(status.detail)
        if status.state is FeedState.REPLAY:
            why = f"{self.feeds.note} — " if self.feeds.note else ""
            text = f"{why}{status.detail} — recorded market data, not live quotes"
        elif status.state is FeedState.LIVE:
            text = ""  # live and well: the status bar says so; the banner is for what needs attention
        else:
            text = status.detail
        self.banner.setVisible(bool(text))
        self.banner.setText(text)

    def _tick(self) -> None:
        self.model.refresh_ages()
        self.rate_label.setText(f"{self.driver.quotes_per_second():,.0f} quotes/s")
        self._show_newest()
        self._show_market_state()

    def _show_newest(self) -> None:
        newest = self.store.newest_time()
        if newest is None:
            self.newest_label.setText("no quotes yet")
        else:
            stamp = to_new_york(newest).strftime("%Y-%m-%d %H:%M:%S %Z")
            replaying = self.feeds.status is not None and self.feeds.status.state is FeedState.REPLAY
            age = "replay clock" if replaying else f"{fmt.format_age(time.time() - newest)} old"
            self.newest_label.setText(f"newest quote {stamp} · {age}")

    def show_message(self, text: str, error: bool = False) -> None:
        """The one path for user-facing notices: the status bar, in the error colour when it is one."""
        colour = self.colors.error_text.name() if error and self.colors else ""
        self.statusBar().setStyleSheet(f"QStatusBar {{ color: {colour}; }}" if colour else "")
        self.statusBar().showMessage(text, 0 if error else MESSAGE_MS)

    # -- theme, layout --------------------------------------------------------------------------

    def set_theme(self, mode: ThemeMode) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.theme_mode = mode
        self.colors = apply_theme(app, mode, colorblind=bool(self.settings.get(cfg.COLORBLIND)))
        self.settings.set(cfg.THEME, mode.value)
        with QSignalBlocker(self.theme_actions[mode]):
            self.theme_actions[mode].setChecked(True)
        self.model.set_colors(self.colors)
        self.table.sparklines.colors = self.colors
        if self._charts is not None:
            self._charts.set_colors(self.colors)
        self.alerts_panel.rules_model.colors = self.alerts_panel.log_model.colors = self.colors
        c = self.colors
        self.banner.setStyleSheet(
            f"#banner {{ background: {c.banner_background.name()}; color: {c.banner_text.name()}; }}"
        )
        self.input_error.setStyleSheet(f"color: {self.colors.error_text.name()};")
        if self.feeds.status is not None:
            self._on_status(self.feeds.status)

    def _restore_layout(self) -> None:
        s = self.settings
        if not s.get(cfg.WINDOW_GEOMETRY).isEmpty():
            self.restoreGeometry(s.get(cfg.WINDOW_GEOMETRY))
        if not s.get(cfg.WINDOW_STATE).isEmpty():
            self.restoreState(s.get(cfg.WINDOW_STATE))
        if not s.get(cfg.SPLITTER_STATE).isEmpty():
            self.splitter.restoreState(s.get(cfg.SPLITTER_STATE))
        if not s.get(cfg.TABLE_HEADER).isEmpty():
            self.table.horizontalHeader().restoreState(s.get(cfg.TABLE_HEADER))

    def save_layout(self) -> None:
        s = self.settings
        s.set(cfg.WINDOW_GEOMETRY, self.saveGeometry())
        s.set(cfg.WINDOW_STATE, self.saveState())
        s.set(cfg.SPLITTER_STATE, self.splitter.saveState())
        s.set(cfg.TABLE_HEADER, self.table.horizontalHeader().saveState())
        s.set(cfg.SELECTED_SYMBOL, self.table.current_symbol() or "")
        s.set(cfg.REPLAY_SPEED, float(self.speed_box.currentData()))
        s.sync()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Tickerdesk",
            f"<b>Tickerdesk {__version__}</b><p>A desktop ticker with price and spread alerts.</p>"
            "<p>Replay data: real daily and 5-minute bars; see the bundled PROVENANCE.md.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._charts_timer.stop()
        self._ticker.stop()
        self.feeds.stop()
        self.driver.flush()  # what the feed already sent still reaches the engine and the log
        self.stop_recording()
        self.driver.stop()
        self.alerts.shutdown()
        super().closeEvent(event)
