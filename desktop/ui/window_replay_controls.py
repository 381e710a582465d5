"""The toolbar: the symbol field and the replay controls (pause, speed, start date, restart)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
from desktop.core.timeline import ReplayTimeline
from desktop.feeds.replay_source import default_start, load_timeline
from desktop.ui.price_file_dialog import ask_price_files
from desktop.ui.short_lists import some
from desktop.ui.tasks import run_task
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
        self.symbol_input.setAccessibleName("Add symbol")  # (a placeholder is no name to a screen reader)
        self.symbol_input.setClearButtonEnabled(True)
        self.symbol_input.setMaximumWidth(160)
        self.symbol_input.setToolTip("Type a ticker and press Enter to add it to the watchlist (Ctrl+N)")
        self.symbol_input.returnPressed.connect(lambda: self.add_typed(self.symbol_input.text()))
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

        speed_label = QLabel(" Speed ")
        bar.addWidget(speed_label)
        self.speed_box = QComboBox()
        speed_label.setBuddy(self.speed_box)  # what a screen reader says the box is (on Linux, its label)
        self.speed_box.setObjectName("speedBox")
        self.speed_box.setAccessibleName("Replay speed")
        for label, value in SPEEDS:
            self.speed_box.addItem(label, value)
        self.speed_box.setToolTip("Replay pace: sessions (daily data) or bars (intraday) per second")
        self._select_speed(self.feeds.replay.speed)
        self.speed_box.currentIndexChanged.connect(lambda _i: self.feeds.set_speed(float(self.speed_box.currentData())))
        bar.addWidget(self.speed_box)

        from_label = QLabel("  From ")
        bar.addWidget(from_label)
        self.start_edit = QDateEdit()
        from_label.setBuddy(self.start_edit)
        self.start_edit.setObjectName("startDate")
        self.start_edit.setAccessibleName("Replay from")
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

    def open_replay_files(self, files: list[Path] | None = None) -> None:
        """Replay price files of one's own (bars per symbol, recordings, yfinance downloads), read off the GUI
        thread; asked for when not given. The data replayed so far stays until they are read."""
        if not self.feeds.is_replay or self.replay_for is None:
            self.show_message("The live feed is on: price files are replayed when the window replays.", error=True)
            return
        if files is None:
            files = ask_price_files(self, "Replay Price Files")
        if not files:
            return
        shown = some([f.name for f in files], 3)
        skipped: list[str] = []
        self.show_message(f"Reading {shown}…")
        run_task(self, lambda: load_timeline(files, skipped), lambda got: self._replay_files_read(got, shown, skipped),
                 name="replay-files")  # fmt: skip

    def _replay_files_read(self, got: object, shown: str, skipped: list[str]) -> None:
        if not isinstance(got, ReplayTimeline):
            self.show_message(f"Cannot replay {shown}: {got}", error=True)
            return
        if self.replay_for is None or not self.feeds.use_replay(self.replay_for(got), default_start(got)):
            self.show_message(f"Cannot replay {shown}: the live feed is on.", error=True)
            return
        first, last, start = got.first_date, got.last_date, default_start(got)
        self.start_edit.setDateRange(QDate(first.year, first.month, first.day), QDate(last.year, last.month, last.day))
        self.start_edit.setDate(QDate(start.year, start.month, start.day))
        held = self.feeds.replay_symbols()
        notes = [f"Replaying {shown}: {len(held)} symbol{'s' if len(held) != 1 else ''}, {first} to {last}."]
        notes.extend(f"Left out: {problem}." for problem in skipped)
        self.show_message(" ".join([*notes, *self.data_coverage_notes()]), error=bool(skipped))

    def data_coverage_notes(self, beyond_the_list: bool = True) -> list[str]:
        """Status-bar sentences: the shown list's symbols the source has no data for, and (with
        `beyond_the_list`) the replay data's symbols the list lacks."""
        notes: list[str] = []
        missing = [s for s in self.model.symbols if self.feeds.can_supply(s) is not None]
        if missing:
            notes.append(
                f"No data for {some(missing, 5)} ({len(missing)} of {self.current_list}); those rows stay empty."
            )
        unwatched = [s for s in self.feeds.replay_symbols() if self.model.row_of(s) is None]
        if beyond_the_list and unwatched:
            notes.append(
                f"The replay data also holds {some(unwatched, 5)} ({len(unwatched)} not in {self.current_list}): "
                "Replay ▸ Watch Every Symbol in the Data adds them."
            )
        return notes

    def restart_replay(self) -> None:
        qd = self.start_edit.date()
        self.feeds.restart(date(qd.year(), qd.month(), qd.day()))
