"""The menus and their actions: File, Watchlist, Alerts, Replay, View, Help."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QMessageBox,
)

import desktop
from desktop import logs, paths
from desktop.ui import settings as cfg
from desktop.ui.tasks import run_task
from desktop.ui.theme import ThemeMode
from desktop.ui.window_constants import SPEEDS
from desktop.ui.window_parts import WindowParts

log = logs.ui


class Menus(WindowParts):
    """A room of MainWindow (see window_parts)."""

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        export_chart = file_menu.addAction("&Export Chart as PNG…")
        export_chart.setShortcut(QKeySequence("Ctrl+E"))
        export_chart.triggered.connect(self._export_chart)
        file_menu.addSeparator()
        preferences = file_menu.addAction("&Settings…")
        preferences.setShortcut(QKeySequence(QKeySequence.StandardKey.Preferences))
        if preferences.shortcut().isEmpty():
            preferences.setShortcut(QKeySequence("Ctrl+,"))
        preferences.triggered.connect(self.open_settings)
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)

        edit_menu = menus.addMenu("&Edit")
        stack = self.alerts.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        watch_menu = menus.addMenu("&Watchlist")
        self.add_action = watch_menu.addAction("&Add Symbols…")
        self.add_action.setShortcut(QKeySequence("Ctrl+N"))
        self.add_action.triggered.connect(self.add_symbols_dialog)
        find = watch_menu.addAction("&Go to Symbol Field")
        find.setShortcut(QKeySequence("Ctrl+K"))
        find.triggered.connect(self.focus_symbol_input)
        watch_menu.addAction(self.table.remove_action)
        watch_menu.addSeparator()
        watch_menu.addAction("&New Watchlist…", lambda: self.new_list())
        watch_menu.addAction("Re&name Watchlist…", lambda: self.rename_list())
        watch_menu.addAction("D&uplicate Watchlist", lambda: self.duplicate_list())
        watch_menu.addAction("&Delete Watchlist", lambda: self.delete_list())
        watch_menu.addSeparator()
        watch_menu.addAction("&Import Symbols…", lambda: self.import_list())
        watch_menu.addAction("&Export Symbols…", lambda: self.export_list())

        alerts_menu = menus.addMenu("&Alerts")
        panel = self.alerts_panel
        type_rule = alerts_menu.addAction("&Type a Rule")
        type_rule.setShortcut(QKeySequence("Ctrl+T"))
        type_rule.setToolTip("Type a rule in words (NVDA crosses below 175) in the field above the rules")
        type_rule.triggered.connect(self.focus_rule_field)
        for action in (panel.new_action, panel.rotation_action, panel.backtest_action):
            alerts_menu.addAction(action)
        alerts_menu.addSeparator()
        alerts_menu.addAction(panel.import_action)
        alerts_menu.addAction(panel.export_action)
        alerts_menu.addAction(panel.export_log_action)
        alerts_menu.addSeparator()
        channels = alerts_menu.addAction("Delivery &Channels…")
        channels.triggered.connect(self.open_channels)
        self.sound_action = alerts_menu.addAction("Play a Sound")
        self.sound_action.setCheckable(True)
        self.sound_action.setChecked(self.notifier.sound_enabled)
        self.sound_action.toggled.connect(self._set_sound)
        self.keep_watching_action = alerts_menu.addAction("Keep Watching After Closing")
        self.keep_watching_action.setCheckable(True)
        self.keep_watching_action.setChecked(bool(self.settings.get(cfg.KEEP_WATCHING)))
        self.keep_watching_action.setToolTip(
            "On a live source, closing the window starts tickerdesk monitor in the background: the rules go on "
            "firing and delivering (one monitor per data folder)"
        )
        self.keep_watching_action.toggled.connect(lambda on: self.settings.set(cfg.KEEP_WATCHING, on))
        self.stop_monitor_action = alerts_menu.addAction("Stop the Background Monitor")
        self.stop_monitor_action.setToolTip("End the tickerdesk monitor that watches this data folder")
        self.stop_monitor_action.triggered.connect(self.stop_background_monitor)
        alerts_menu.aboutToShow.connect(self._offer_stopping_the_monitor)
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

        replay_menu.addSeparator()
        open_files = replay_menu.addAction("&Open Price Files…")
        open_files.setShortcut(QKeySequence("Ctrl+O"))
        open_files.setToolTip("Replay CSV price files of your own: bars per symbol, recordings, yfinance downloads")
        open_files.triggered.connect(lambda: self.open_replay_files())
        watch_all = replay_menu.addAction("&Watch Every Symbol in the Data")
        watch_all.setToolTip("Add the replay data's symbols that the shown watchlist lacks")
        watch_all.triggered.connect(lambda: self.watch_replay_symbols())
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
        keys = help_menu.addAction("&Keyboard Shortcuts")
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_shortcuts)
        about = help_menu.addAction("&About Tickerdesk")
        about.triggered.connect(self._about)

    def focus_rule_field(self) -> None:
        """Ctrl+T: the Alerts panel shown and its rule field ready for typing (what it held selected)."""
        self.alerts_dock.show()
        self.alerts_dock.raise_()
        field = self.alerts_panel.quick_rule.edit
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def shortcuts(self) -> list[tuple[str, str]]:
        """(what, keys) of every action of the window that has a shortcut, menus and panels alike."""
        seen: dict[str, str] = {}
        for action in self.findChildren(QAction):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            what = action.text().replace("&", "").rstrip("…").strip()
            if keys and what:
                seen.setdefault(keys, what)
        return sorted(((what, keys) for keys, what in seen.items()), key=lambda row: row[0].lower())

    def _offer_stopping_the_monitor(self) -> None:
        """Stopping the background monitor is offered while one runs (its lock file read: a few bytes)."""
        from desktop.services.background_monitor import MonitorLock

        self.stop_monitor_action.setEnabled(MonitorLock(paths.data_dir()).holder() is not None)

    def stop_background_monitor(self) -> None:
        """End the monitor of this data folder off the GUI thread (it may take seconds to save and let go);
        this window then evaluates the rules itself, from its lease's next renewal."""
        from desktop.services.background_monitor import stop_monitor

        self.show_message("Stopping the background monitor…")
        folder = paths.data_dir()
        run_task(self, lambda: stop_monitor(folder), self._monitor_stopped, "stop-monitor")

    def _monitor_stopped(self, result: tuple[bool, str] | Exception) -> None:
        if isinstance(result, Exception):
            self.show_message(f"Could not stop the background monitor: {result}", error=True)
            return
        stopped, said = result
        self.show_message(f"{said[0].upper()}{said[1:]}.", error=not stopped)

    def show_shortcuts(self) -> QMessageBox:
        rows = "".join(f"<tr><td>{what}</td><td>&nbsp;&nbsp;<b>{keys}</b></td></tr>" for what, keys in self.shortcuts())
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard Shortcuts", f"<table>{rows}</table>", parent=self)
        box.setModal(False)
        box.show()
        return box

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Tickerdesk",
            f"<b>Tickerdesk {desktop.__version__}</b><p>A desktop ticker with price and spread alerts.</p>"
            "<p>Replay data: real daily and 5-minute bars; see the bundled PROVENANCE.md.</p>",
        )
