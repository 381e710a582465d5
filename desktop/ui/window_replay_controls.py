"""The toolbar: the symbol field and the replay controls (pause, speed, start date, restart)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QToolBar,
)

from desktop import logs
from desktop.ui.window_constants import INPUT_ERROR_WIDTH, SPEEDS
from desktop.ui.window_parts import WindowParts

log = logs.ui


class ReplayControls(WindowParts):
    """A room of MainWindow (see window_parts)."""

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
        # A long refusal is cut to fit (whole in its tooltip): it must not push the replay controls away.
        self.input_error.setMaximumWidth(INPUT_ERROR_WIDTH)
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
        start_day = self.feeds.replay_start_date()
        self.start_edit.setDate(QDate(start_day.year, start_day.month, start_day.day))
        self.start_edit.setToolTip("Replay start date; Restart (Ctrl+R) plays from here")
        bar.addWidget(self.start_edit)
        self.restart_action = QAction("Restart", self)
        self.restart_action.setShortcut(QKeySequence("Ctrl+R"))
        self.restart_action.setToolTip("Replay again from the start date (Ctrl+R)")
        self.restart_action.triggered.connect(self.restart_replay)
        bar.addAction(self.restart_action)

    def _set_paused(self, paused: bool) -> None:
        self.pause_action.setText("Resume" if paused else "Pause")
        self.feeds.set_paused(paused)
        self.show_rate()  # not the last rate while nothing comes

    def _select_speed(self, speed: float) -> None:
        for i in range(self.speed_box.count()):
            if float(self.speed_box.itemData(i)) == speed:
                self.speed_box.setCurrentIndex(i)
                return

    def restart_replay(self) -> None:
        qd = self.start_edit.date()
        self.feeds.restart(date(qd.year(), qd.month(), qd.day()))
