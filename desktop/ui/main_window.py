"""The main window: watchlist table over the price chart, replay controls, status bar and banner."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import logs, paths
from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import AlertRule, AlertType, Condition, new_rule_id
from desktop.core.formatting import price_decimals
from desktop.core.quote_store import QuoteStore
from desktop.storage.alerts import StoredFire
from desktop.storage.watchlists import WatchlistRepository
from desktop.ui import settings as cfg
from desktop.ui.alert_models import fire_time_text
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.alerts_panel import AlertsPanel

if TYPE_CHECKING:
    from desktop.core.timeline import ReplayTimeline
    from desktop.ui.backtest_dialog import BacktestDialog, PriceSource
    from desktop.ui.channels_dialog import ChannelsDialog
    from desktop.ui.charts.chart_panel import ChartPanel
    from desktop.ui.charts.price_chart import PriceChart
    from desktop.ui.settings_dialog import SettingsDialog
from desktop.ui.feed_controller import FeedController, ReplayFactory
from desktop.ui.file_writes import write_later
from desktop.ui.notifier import Notifier
from desktop.ui.pipeline_driver import PipelineDriver
from desktop.ui.theme import Colors, ThemeMode, apply_theme
from desktop.ui.watchlist_model import WatchlistModel
from desktop.ui.watchlist_view import WatchlistView
from desktop.ui.window_drops import FileDrops
from desktop.ui.window_layout import LayoutPersistence, first_size
from desktop.ui.window_menus import Menus
from desktop.ui.window_recording import Recording
from desktop.ui.window_replay_controls import ReplayControls
from desktop.ui.window_status import StatusArea
from desktop.ui.window_watchlist_editing import WatchlistEditing
from desktop.ui.window_watchlists import WatchlistTabs

log = logs.ui
BIG_MOVE_PCT = 5.0  # the day-move alert a row's menu offers: "TSLA moves more than 5 % on the day"

# The charts (pyqtgraph) are built this long after the first quotes were painted, or after showing the
# window if no quote comes: the table with quotes appears first.
CHARTS_AFTER_MS = 150
CHARTS_IF_NO_QUOTES_MS = 1500


class MainWindow(
    Menus,
    ReplayControls,
    StatusArea,
    WatchlistEditing,
    WatchlistTabs,
    LayoutPersistence,
    Recording,
    FileDrops,
    QMainWindow,
):
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
        watchlist: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Tickerdesk")
        self.setAcceptDrops(True)  # price files, symbol lists and rule files (see window_drops)
        # Set by the composition root (app.build_window) to stop the parts in their order.
        self.shut_down: Callable[[], None] = lambda: None
        self.dump_state_to: Path | None = None  # `run --dump-state`: where to write what the window showed
        # Set by the composition root: a replay of other data (Replay > Open Price Files…).
        self.replay_for: Callable[[ReplayTimeline], ReplayFactory] | None = None
        self.store = store
        self.driver = driver
        self.feeds = feeds
        self.watchlists = watchlists
        self.settings = settings
        self.clock = clock
        self.colors: Colors | None = None
        self.alerts = alerts
        # The engine watches every symbol an enabled rule needs, in the watchlist or not.
        feeds.also_watch = lambda: {s for r in alerts.rules if r.enabled for s in r.symbols}
        alerts.rules_changed.connect(lambda: self.feeds.set_symbols(self.model.symbols))
        self.backtest_sources = backtest_sources
        self.backtest_dialog: BacktestDialog | None = None

        self.startup_notes: list[str] = []  # what went wrong while opening, for the status bar
        self.model = WatchlistModel(store, names, clock, self)
        self._build_watchlist_tabs(watchlist)
        self.model.set_symbols(watchlists.symbols(self.current_list))
        self.table = WatchlistView(self.model)
        self.name_table()
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

        table_pane = QWidget()
        pane = QVBoxLayout(table_pane)
        pane.setContentsMargins(0, 0, 0, 0)
        pane.setSpacing(0)
        tabs_row = QHBoxLayout()
        tabs_row.addWidget(self.list_tabs, 1)
        tabs_row.addWidget(self.undo_button)
        pane.addLayout(tabs_row)
        pane.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(table_pane)
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
        self.alerts_panel.busy_bar = self.busy_bar
        self._build_menus()
        self.price_alert_action = QAction("Alert When Price Crosses…", self)
        self.price_alert_action.triggered.connect(self.alert_on_selected_price)
        self.table.extra_menu_actions.append(self.price_alert_action)
        self.move_alert_action = QAction("Alert When the Day's Move Passes ±5 %…", self)
        self.move_alert_action.triggered.connect(self.alert_on_selected_move)
        self.table.extra_menu_actions.append(self.move_alert_action)

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
        feeds.recording_closed.connect(self._recording_closed)

        self._ticker = QTimer(self)  # ages and the quotes/s figure move with the clock alone
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

        self.set_theme(
            ThemeMode(settings.get(cfg.THEME))
            if settings.get(cfg.THEME) in {m.value for m in ThemeMode}
            else ThemeMode.SYSTEM
        )
        screen = self.screen()
        free = screen.availableGeometry() if screen is not None else None
        self.resize(*first_size((free.width(), free.height()) if free is not None and free.isValid() else None))
        self.splitter.setSizes([350, 460])
        self.resizeDocks([self.alerts_dock], [min(600, round(self.width() * 0.38))], Qt.Orientation.Horizontal)
        self._restore_layout()
        remembered = str(settings.get(cfg.SELECTED_SYMBOL))
        if not self.table.select_symbol(remembered) and self.model.symbols:
            self.table.select_symbol(self.model.symbols[0])

    # -- construction ---------------------------------------------------------------------------

    # -- watchlist ------------------------------------------------------------------------------

    # -- replay controls ------------------------------------------------------------------------

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
                "alert logged: %s at %s value %.6g level %s",
                fire.rule_id,
                fire_time_text(fire),
                fire.value,
                fire.level_text,
            )
        self.notifier.notify(fires)
        self.model.highlight({symbol for f in fires for symbol, _ in f.inputs})
        if self._charts is not None:
            self._charts.price.add_fires(fires)
        title = fires[0].title if len(fires) == 1 else f"{len(fires)} alerts"
        self.show_message(f"Alert fired: {title}")

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
            self._charts.price.show_symbol(symbol or None)  # none: the chart says to select one

    def _build_charts(self) -> None:
        from desktop.ui.charts.chart_panel import ChartPanel
        from desktop.ui.gui_gc import collect_on_gui_thread, freeze_long_lived

        collect_on_gui_thread()
        QTimer.singleShot(0, freeze_long_lived)  # the start-up's objects are all there now: pyqtgraph's too

        sizes = self.splitter.sizes()
        charts = ChartPanel(self.store, self.alerts.engine, self.alerts)
        self._charts = charts
        self.splitter.replaceWidget(1, charts)
        self._chart_slot.deleteLater()
        self.splitter.setSizes(sizes)
        if self.colors is not None:
            charts.set_colors(self.colors)
        history = self.alerts_panel.announced_fires()  # later fires arrive by signal
        charts.price.set_fires(history)
        charts.spread.set_fires(history)
        s = self.settings
        charts.restore_view(
            s.get(cfg.CHART_TAB), s.get(cfg.CHART_RANGE), s.get(cfg.CHART_CANDLES), s.get(cfg.CHART_SCALE)
        )
        charts.price.show_symbol(self.table.current_symbol())
        charts.rotation.refresh()
        charts.set_watchlist(self.model.symbols)
        for change in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            change.connect(lambda *_: charts.set_watchlist(self.model.symbols))
        charts.rrg.symbol_clicked.connect(self.table.select_symbol)
        charts.board.rule_requested.connect(self.alert_from_board)
        self.notifier.show_in_tray()  # the other part of start-up that waits for the first paint

    def open_settings(self) -> SettingsDialog:
        from desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self)
        dialog.show()
        return dialog

    def open_channels(self) -> ChannelsDialog:
        """Alerts → Delivery Channels (modeless: a test message's outcome shows in it)."""
        from desktop.storage.channels import ChannelRepository
        from desktop.ui.channels_dialog import ChannelsDialog

        dialog = ChannelsDialog(ChannelRepository(self.alerts.repo.connection), self)
        dialog.show()
        return dialog

    def keep_watching(self) -> int | None:
        """With Keep Watching After Closing set, a live source and rules on, start the headless monitor (unless
        one watches this data folder already): the rules go on firing once the window is gone. Its pid."""
        if not self.settings.get(cfg.KEEP_WATCHING) or self.feeds.is_replay:
            return None
        from desktop.services.background_monitor import MonitorLock, start_background_monitor  # (off start-up)

        armed = sum(1 for rule in self.alerts.rules if rule.enabled)
        if not armed or MonitorLock(paths.data_dir()).holder() is not None:
            return None
        try:
            pid = start_background_monitor()
        except OSError as exc:
            log.error("could not start the monitor to keep watching: %s", exc)
            return None
        log.info("started tickerdesk monitor (pid %d) to keep watching %d rule(s) after the window", pid, armed)
        return pid

    def _dump_state(self, path: Path) -> None:
        from desktop.ui.window_state import dump_window_state

        try:
            dump_window_state(self, path)
        except OSError as exc:
            log.error("could not write the window state to %s: %s", path, exc)

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
        self.show_message(f"Yahoo is polled every {seconds:g} s for symbols the stream leaves quiet")

    def _export_chart(self) -> None:
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        folder = Path(pictures) if pictures and Path(pictures).is_dir() else Path.home()
        suggested = str(folder / f"tickerdesk-{self.charts.export_name()}.png")
        name, _ = QFileDialog.getSaveFileName(self, "Export Chart", suggested, "PNG image (*.png)")
        if name:
            if not name.lower().endswith(".png"):
                name += ".png"
            self.write_chart(Path(name))

    def write_chart(self, path: Path) -> None:
        """Save the shown chart to `path`: drawn here, written off the GUI thread, the outcome said in the
        status bar."""
        from desktop.ui.charts.chart_image import ImageFormatError

        try:
            data = self.charts.export_image(path)
        except ImageFormatError as exc:
            self.show_message(f"Could not save the chart: {exc}", error=True)
            return

        write_later(self, path, data, self.show_message, f"Saved the chart to {path}", "Could not save the chart")

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
        level = round(quote.price, price_decimals(quote.price, quote.decimals)) if quote is not None else 0.0
        self._edit_new_rule(AlertType.PRICE, symbol, Condition.CROSSES_ABOVE, level, f"New Alert on {symbol}")

    def alert_on_selected_move(self) -> None:
        """Open the alert editor for the selected row's day move beyond ±5 % (the level to adjust)."""
        symbol = self.table.current_symbol()
        if symbol is not None:
            title = f"New Alert on {symbol}'s Day Move"
            self._edit_new_rule(AlertType.CHANGE, symbol, Condition.OUTSIDE, BIG_MOVE_PCT, title)

    def _edit_new_rule(self, kind: AlertType, symbol: str, condition: Condition, level: float, title: str) -> None:
        """The alert editor on a new rule of one symbol, its level selected for typing over."""
        self.alerts_dock.show()
        template = AlertRule(id=new_rule_id(), type=kind, symbol=symbol, condition=condition, level=level)
        dialog = self.alerts_panel.new_rule(template)
        dialog.setWindowTitle(title)
        dialog.level_spin.setFocus()
        dialog.level_spin.selectAll()

    def alert_from_board(self, rule: AlertRule) -> None:
        """A board cell's measure as a new rule, in the editor (its level and condition to adjust)."""
        self.alerts_dock.show()
        dialog = self.alerts_panel.new_rule(rule.with_changes(id=new_rule_id()))
        dialog.setWindowTitle(f"New Alert: {rule.describe()}")

    def open_backtest(self, rule_id: str = "") -> BacktestDialog | None:
        rules = self.alerts.rules  # none yet: the dialog takes a rule typed in words
        from desktop.ui.backtest_dialog import BacktestDialog  # built on first use, not at start-up

        qd = self.start_edit.date()
        dialog = BacktestDialog(
            rules,
            self.backtest_sources,
            self.show_backtest,
            rule_id or None,
            date(qd.year(), qd.month(), qd.day()),
            self,
            self.alerts_panel.add_rule,
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
        self.show_message(f"Chart shows {len(fires)} backtest fires of {rule.title}")

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
        self.alerts_panel.refresh(changed)
        self.follow_newest()
        self.show_snapshot_progress()

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

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dump_state_to is not None:
            self._dump_state(self.dump_state_to)
        self.keep_watching()
        self.save_layout()
        self._charts_timer.stop()
        self._ticker.stop()
        self.shut_down()  # the order of it is app.py's (see shut_down_parts)
        super().closeEvent(event)
