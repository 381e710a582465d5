"""File → Settings: the preferences in one place, applied as they change (theme, colours, sound, how often
Yahoo is polled, where a replay starts by default, the delivery channels, watching after closing)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QVBoxLayout,
)

from desktop.ui import settings as cfg
from desktop.ui.form_names import name_fields_by_labels
from desktop.ui.theme import ThemeMode
from desktop.ui.window_constants import POLL_INTERVALS

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class SettingsDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Settings")
        self.window_ = window
        settings = window.settings
        self.theme_box = QComboBox()
        for mode in ThemeMode:
            self.theme_box.addItem(mode.value.capitalize(), mode)
        self.theme_box.setCurrentIndex(self.theme_box.findData(window.theme_mode))
        self.theme_box.currentIndexChanged.connect(lambda _i: window.set_theme(self.theme_box.currentData()))
        self.colorblind_box = QCheckBox("Rises in blue, falls in orange (for colour-blind eyes)")
        self.colorblind_box.setChecked(bool(settings.get(cfg.COLORBLIND)))
        self.colorblind_box.toggled.connect(window.colorblind_action.setChecked)
        self.sound_box = QCheckBox("Play a sound when an alert fires")
        self.sound_box.setChecked(window.sound_action.isChecked())
        self.sound_box.toggled.connect(window.sound_action.setChecked)
        self.poll_box = QComboBox()
        for seconds in POLL_INTERVALS:
            self.poll_box.addItem(f"every {seconds:g} s", seconds)
        self.poll_box.setCurrentIndex(max(self.poll_box.findData(float(settings.get(cfg.POLL_INTERVAL))), 0))
        self.poll_box.setToolTip("How often symbols the Yahoo stream leaves quiet are asked for")
        self.poll_box.currentIndexChanged.connect(lambda _i: window._set_poll_interval(self.poll_box.currentData()))
        self.start_edit = QDateEdit()
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd")
        start = cfg.replay_start(settings)
        self.start_edit.setDate(QDate(start.year, start.month, start.day))
        self.start_edit.dateChanged.connect(self._start_changed)
        channels = QPushButton("Delivery Channels…")
        channels.clicked.connect(window.open_channels)
        self.keep_watching_box = QCheckBox("Keep watching after closing (a monitor in the background, live only)")
        self.keep_watching_box.setChecked(window.keep_watching_action.isChecked())
        self.keep_watching_box.setToolTip(window.keep_watching_action.toolTip())
        self.keep_watching_box.toggled.connect(window.keep_watching_action.setChecked)
        form = QFormLayout()
        form.addRow("Theme", self.theme_box)
        form.addRow("Colours", self.colorblind_box)
        form.addRow("Sound", self.sound_box)
        form.addRow("Yahoo polling", self.poll_box)
        form.addRow("Replays start on", self.start_edit)
        form.addRow("Alerts elsewhere", channels)
        form.addRow("", self.keep_watching_box)
        name_fields_by_labels(form)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(close)

    def _start_changed(self, day: QDate) -> None:
        chosen = date(day.year(), day.month(), day.day())
        self.window_.settings.set(cfg.REPLAY_START, chosen.isoformat())
        self.window_.show_message(f"Replays start on {chosen.isoformat()} from the next launch or Restart")
