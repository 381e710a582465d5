"""Asking for CSV price files of one's own: the Backtest's data and Replay > Open Price Files… ask the same way."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

KINDS = "Price files (*.csv);;All files (*)"


def ask_price_files(parent: QWidget, title: str) -> list[Path]:
    """The files chosen (bars per symbol, recordings, yfinance downloads); none when the dialog is cancelled."""
    names, _ = QFileDialog.getOpenFileNames(parent, title, "", KINDS)
    return [Path(name) for name in names]
