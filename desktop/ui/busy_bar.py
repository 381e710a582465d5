"""A progress bar in the status bar for work the window does in the background (importing rules, the
first quotes of a long watchlist): what is happening, how far it got, and a Cancel button when stopping
it means something."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget


class BusyBar(QWidget):
    """Hidden until `begin`; one piece of work at a time (a new `begin` replaces the one shown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._on_cancel: Callable[[], None] | None = None
        self.job = ""
        self.setVisible(False)

    def begin(self, job: str, text: str, on_cancel: Callable[[], None] | None = None) -> None:
        """Show `text` and a bar that moves without a measure until `advance` gives it one."""
        self.job = job
        self._on_cancel = on_cancel
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setVisible(on_cancel is not None)
        self.setVisible(True)

    def advance(self, job: str, done: float, text: str | None = None) -> None:
        if job != self.job:
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(round(1000 * min(1.0, max(0.0, done))))
        if text is not None:
            self.label.setText(text)

    def end(self, job: str) -> None:
        if job != self.job:
            return  # another piece of work took the bar over
        self.job = ""
        self._on_cancel = None
        self.setVisible(False)

    def _cancel(self) -> None:
        on_cancel, job = self._on_cancel, self.job
        self.end(job)
        if on_cancel is not None:
            on_cancel()
