"""Recording the quotes the window receives to a file the replay can play back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QFileDialog,
)

from desktop import logs
from desktop.core.errors import PriceFileError
from desktop.feeds.recorder import QuoteRecorder
from desktop.ui.window_parts import WindowParts

log = logs.ui


class Recording(WindowParts):
    """A room of MainWindow (see window_parts)."""

    def start_recording(self, path: Path) -> None:
        """Save every quote from now on to `path` (a file `--replay-data` plays back)."""
        try:
            self.feeds.start_recording(path)
        except OSError as exc:
            self.show_message(f"Cannot record to {path}: {exc.strerror or exc}", error=True)
            self._show_recording(False)
            return
        except PriceFileError as exc:
            self.show_message(f"Cannot record: {exc}", error=True)
            self._show_recording(False)
            return
        self._show_recording(True)
        self.show_message(f"Recording quotes to {path}")

    def _show_recording(self, on: bool) -> None:
        """The Record action's check mark, set without triggering it."""
        with QSignalBlocker(self.record_action):
            self.record_action.setChecked(on)

    def stop_recording(self) -> None:
        """Stop recording; the recorder writes its last rows and closes the file on its own thread, then
        `_recording_closed` says how many quotes the file got."""
        recorder = self.feeds.stop_recording(wait=False)
        if recorder is None:
            return
        self._show_recording(False)
        if not recorder.closed:
            self.show_message(f"Saving the recording to {recorder.path.name}…")

    def _recording_closed(self, recorder: QuoteRecorder) -> None:
        """A recording's file is closed: after Stop, or at once when writing failed (a full disk)."""
        if recorder is self.feeds.recorder:  # it failed while recording: stop feeding it
            self.feeds.stop_recording(wait=False)
            self._show_recording(False)
        if recorder.error:
            self.show_message(f"{recorder.error[0].upper()}{recorder.error[1:]}", error=True)
        else:
            self.show_message(f"Recorded {recorder.rows:,} quotes to {recorder.path.name}")

    def _toggle_recording(self, on: bool) -> None:
        if not on:
            self.stop_recording()
            return
        name, _ = QFileDialog.getSaveFileName(self, "Record Quotes", "tickerdesk-recording.csv", "CSV (*.csv)")
        if name:
            self.start_recording(Path(name))
        else:
            self._show_recording(False)
