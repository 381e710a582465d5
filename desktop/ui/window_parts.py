"""What the main window's rooms share: the window's parts, declared for the type checker.

Each room (menus, replay controls, status area, watchlist editing, layout, recording) is a mixin of
MainWindow that reads and sets the window's own attributes. At run time this base is a plain object; to
the type checker it is a QMainWindow with the parts MainWindow builds and the methods each room offers
the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QComboBox,
        QDateEdit,
        QDockWidget,
        QLabel,
        QLineEdit,
        QMainWindow,
        QPushButton,
        QSplitter,
        QTabBar,
    )

    from desktop.core.quote_store import QuoteStore
    from desktop.core.timeline import ReplayTimeline
    from desktop.storage.watchlists import WatchlistRepository
    from desktop.ui import settings as cfg
    from desktop.ui.alerts_controller import AlertsController
    from desktop.ui.alerts_panel import AlertsPanel
    from desktop.ui.busy_bar import BusyBar
    from desktop.ui.charts.chart_panel import ChartPanel
    from desktop.ui.feed_controller import FeedController, ReplayFactory
    from desktop.ui.notifier import Notifier
    from desktop.ui.pipeline_driver import PipelineDriver
    from desktop.ui.steady_label import SteadyLabel
    from desktop.ui.theme import Colors, ThemeMode
    from desktop.ui.watchlist_model import WatchlistModel
    from desktop.ui.watchlist_view import WatchlistView

    _Base = QMainWindow
else:
    _Base = object


class WindowParts(_Base):
    if TYPE_CHECKING:
        store: QuoteStore
        driver: PipelineDriver
        feeds: FeedController
        watchlists: WatchlistRepository
        settings: cfg.Settings
        clock: Callable[[], float]
        colors: Colors | None
        alerts: AlertsController
        alerts_panel: AlertsPanel
        alerts_dock: QDockWidget
        notifier: Notifier
        model: WatchlistModel
        table: WatchlistView
        banner: QLabel
        splitter: QSplitter
        # replay controls
        symbol_input: QLineEdit
        input_error: QLabel
        pause_action: QAction
        speed_box: QComboBox
        start_edit: QDateEdit
        restart_action: QAction
        replay_for: Callable[[ReplayTimeline], ReplayFactory] | None
        # status area
        state_label: QLabel
        rate_label: SteadyLabel
        newest_label: SteadyLabel
        market_label: QLabel
        busy_bar: BusyBar
        # menus
        record_action: QAction
        keep_watching_action: QAction
        stop_monitor_action: QAction
        _charts: ChartPanel | None
        # watchlist tabs
        current_list: str
        startup_notes: list[str]
        list_tabs: QTabBar
        undo_button: QPushButton

        def show_message(self, text: str, error: bool = False) -> None: ...
        def set_theme(self, mode: ThemeMode) -> None: ...
        def add_symbol(self, text: str) -> bool: ...
        def add_typed(self, text: str) -> None: ...
        def focus_symbol_input(self) -> None: ...
        def focus_rule_field(self) -> None: ...
        def remove_symbols(self, symbols: list[str]) -> None: ...
        def restart_replay(self) -> None: ...
        def _show_input_error(self, message: str) -> None: ...
        def _select_speed(self, speed: float) -> None: ...
        def _toggle_recording(self, on: bool) -> None: ...
        def _set_sound(self, on: bool) -> None: ...
        def _set_poll_interval(self, seconds: float) -> None: ...
        def _set_colorblind(self, on: bool) -> None: ...
        def _export_chart(self) -> None: ...
        def alert_on_selected_price(self) -> None: ...
        def open_backtest(self, rule_id: str = "") -> object: ...
        def save_layout(self) -> None: ...
        def show_rate(self) -> None: ...
        def begin_snapshot_progress(self) -> None: ...
        def add_symbols_dialog(self) -> None: ...
        def watch_replay_symbols(self) -> list[str]: ...
        def open_replay_files(self, files: list[Path] | None = None) -> None: ...
        def data_coverage_notes(self, beyond_the_list: bool = True) -> list[str]: ...
        def open_settings(self) -> object: ...
        def new_list(self, name: str | None = None) -> bool: ...
        def rename_list(self, new: str | None = None) -> bool: ...
        def duplicate_list(self) -> bool: ...
        def delete_list(self) -> bool: ...
        def import_list(self, path: Path | None = None) -> bool: ...
        def export_list(self, path: Path | None = None) -> bool: ...
        def open_channels(self) -> object: ...
