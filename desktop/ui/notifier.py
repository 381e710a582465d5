"""Telling the user an alert fired: the system tray when there is one, else an in-window toast; a sound if asked.

Several fires from one flush are bundled into one notification.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QIcon, QMouseEvent
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from desktop import logs
from desktop.core.alerts.engine import AlertFire
from desktop.core.formatting import symbol_price
from desktop.ui.alert_models import fire_time_text

if TYPE_CHECKING:
    from PySide6.QtWidgets import QSystemTrayIcon

log = logs.ui

TOAST_MS = 7000
TOAST_WIDTH = 380
MAX_LINES = 5


def summarize(fires: list[AlertFire]) -> tuple[str, str]:
    """(title, body) of one notification for a batch of fires."""
    if len(fires) == 1:
        f = fires[0]
        prices = ", ".join(symbol_price(s, p) for s, p in f.inputs)
        if f.momentum is not None:  # a quadrant rule: where in the rotation the symbol now stands
            measure = f"entered {f.level_text} · RS-Ratio {f.value:.2f}, RS-Momentum {f.momentum:.2f}"
        else:
            measure = f"{f.value_text} vs level {f.level_text}"
        return f"Alert: {f.title}", f"{measure} · {prices} · {fire_time_text(f)}"
    lines = [f"{f.title} ({f.value_text})" for f in fires[:MAX_LINES]]
    if len(fires) > MAX_LINES:
        lines.append(f"… and {len(fires) - MAX_LINES} more")
    return f"{len(fires)} alerts fired", "\n".join(lines)


class Toast(QFrame):
    """A message box that floats over the top-right corner of its parent and goes away by itself."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#toast { background: #1f2937; border: 1px solid #f59e0b; border-radius: 6px; }"
            "#toast QLabel { color: #f9fafb; }"
        )
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)  # a spread rule's title is longer than the toast is wide
        self.body = QLabel()
        self.body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.setToolTip("Click to dismiss")
        self.hide()

    def show_message(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)
        self.setFixedWidth(TOAST_WIDTH)
        # The height the wrapped lines need at that width: adjustSize() took the labels' unwrapped size hints,
        # so a bundle with a wrapping line lost its first and last lines under the frame.
        layout = self.layout()
        self.setFixedHeight(layout.totalHeightForWidth(TOAST_WIDTH) if layout is not None else self.sizeHint().height())
        parent = self.parentWidget()
        if parent is not None:  # bottom right, above the status bar, clear of the menus and toolbars
            self.move(parent.width() - self.width() - 16, parent.height() - self.height() - 40)
        self.raise_()
        self.show()
        self._timer.start(TOAST_MS)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()
        event.accept()


def _chime(path: Path) -> Path:
    """A short two-tone chime as a WAV file (made once, in the cache folder)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 22050
    frames = bytearray()
    for freq, length in ((880.0, 0.12), (1320.0, 0.18)):
        n = int(rate * length)
        for i in range(n):
            fade = min(1.0, (n - i) / (0.05 * rate))
            frames += struct.pack("<h", int(9000 * fade * math.sin(2 * math.pi * freq * i / rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


class Notifier(QObject):
    """Delivers one notification per batch of fires; remembers the last one (for the status line and tests)."""

    def __init__(self, window: QWidget, sound_file: Path, icon: QIcon | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.toast = Toast(window)
        self.sound_enabled = False
        self._sound_file = sound_file
        self._effect: QObject | None = None
        self.last: tuple[str, str] | None = None
        self.channel = ""
        self.tray: QSystemTrayIcon | None = None
        self._icon = icon

    def show_in_tray(self) -> None:
        """Put the app's icon in the desktop's tray, when it has one; notifications then go there. Called
        after the window's first paint: asking for the tray is a D-Bus round trip on Linux, and QStyle's
        Python types (for the fallback icon) take 4 ms to build."""
        from PySide6.QtWidgets import QStyle, QSystemTrayIcon

        if self.tray is not None or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        icon = self._icon or self.window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        self.tray = QSystemTrayIcon(icon, self)
        self.tray.setToolTip("Tickerdesk")
        self.tray.show()

    def notify(self, fires: list[AlertFire]) -> None:
        if not fires:
            return
        title, body = summarize(fires)
        self.last = (title, body)
        if self.tray is not None and self.tray.isVisible():
            self.channel = "tray"
            self.tray.showMessage(title, body, type(self.tray).MessageIcon.Information, TOAST_MS)
        else:
            self.channel = "toast"
            self.toast.show_message(title, body)
        if self.sound_enabled:
            self.play_sound()

    def play_sound(self) -> None:
        """QSoundEffect when Qt Multimedia is installed; otherwise the system beep. No device is no error."""
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:
            QApplication.beep()
            return
        if self._effect is None:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(_chime(self._sound_file))))
            effect.setVolume(0.6)
            self._effect = effect
        assert isinstance(self._effect, QSoundEffect)
        self._effect.play()
