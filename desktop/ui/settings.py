"""Every user setting declared once (key, type, default, meaning), stored in an INI file via QSettings."""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from desktop.config import (
    DEFAULT_REPLAY_SPEED,
    DEFAULT_REPLAY_START,
    DEFAULT_WATCHLIST,
    POLL_INTERVAL_S,
    POLL_INTERVALS_S,
)


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    meaning: str
    valid: Callable[[Any], bool] | None = None  # a value read that fails this reads as the default


THEME = Setting("ui/theme", str, "system", "system, light or dark")
REPLAY_SPEED = Setting(
    "replay/speed",
    float,
    DEFAULT_REPLAY_SPEED,
    "replay steps (sessions or bars) per second; 0 is as fast as possible",
    valid=lambda speed: math.isfinite(speed) and speed >= 0,
)
WINDOW_GEOMETRY = Setting("window/geometry", QByteArray, QByteArray(), "main window position and size")
WINDOW_STATE = Setting("window/state", QByteArray, QByteArray(), "toolbars and docks")
SPLITTER_STATE = Setting("window/splitter", QByteArray, QByteArray(), "table / chart split")
TABLE_HEADER = Setting("table/header", QByteArray, QByteArray(), "column widths, order and sort")
CURRENT_WATCHLIST = Setting("table/watchlist", str, DEFAULT_WATCHLIST, "the watchlist shown at exit")
SELECTED_SYMBOL = Setting("table/selected", str, "", "the symbol selected at exit")
ALERT_SOUND = Setting("alerts/sound", bool, False, "play a sound when an alert fires")
KEEP_WATCHING = Setting(
    "alerts/keep_watching", bool, False, "on a live source, start the headless monitor when the window closes"
)
COLORBLIND = Setting("ui/colorblind", bool, False, "show rises in blue and falls in orange instead of green/red")
CHART_TAB = Setting("chart/tab", str, "Price", "the chart tab shown: Price, Relative or Spread")
CHART_RANGE = Setting("chart/range", str, "All", "the price chart's range: 1D, 5D, 1M, 3M, YTD, 1Y or All")
CHART_CANDLES = Setting("chart/candles", bool, False, "the price chart draws candlesticks instead of a line")
CHART_SCALE = Setting("chart/scale", str, "linear", "the price chart's scale: linear, log or percent")
REPLAY_START = Setting("replay/start", str, "", "the date replays start from (ISO; empty: 2025-10-01)")
POLL_INTERVAL = Setting(
    "yahoo/poll_interval",
    float,
    POLL_INTERVAL_S,
    "seconds between polls of symbols the stream leaves quiet",
    valid=lambda seconds: math.isfinite(seconds) and seconds >= min(POLL_INTERVALS_S),  # never a busy loop on Yahoo
)


class Settings:
    """Typed access to the settings file; a value of the wrong type, or one its setting finds invalid (a hand
    edit, another version's file), reads as the default."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        self.damaged_copy: Path | None = None
        if self._qs.status() == QSettings.Status.FormatError:
            self.damaged_copy = _keep_damaged(path)

    def get(self, setting: Setting) -> Any:
        value = self._qs.value(setting.key, setting.default)
        if not isinstance(value, setting.type):
            if setting.type is bool and isinstance(value, str):  # INI files store booleans as text
                value = value.strip().lower() in ("true", "1", "yes")
            else:
                try:
                    value = setting.type(value)
                except (TypeError, ValueError):
                    return setting.default
        return value if setting.valid is None or setting.valid(value) else setting.default

    def set(self, setting: Setting, value: Any) -> None:
        self._qs.setValue(setting.key, value)

    def sync(self) -> None:
        self._qs.sync()

    def problem(self) -> str | None:
        """Why choices made now will not be kept (the file cannot be written or read), or None."""
        path = self._qs.fileName()
        if not self._qs.isWritable():
            return f"Settings cannot be saved to {path}: the window's layout and choices will not be kept."
        if self._qs.status() == QSettings.Status.FormatError:
            kept = f"; it was kept as {self.damaged_copy.name}" if self.damaged_copy is not None else ""
            return f"Settings file {path} is damaged: the defaults are used and it will be rewritten{kept}."
        return None


def _keep_damaged(path: Path) -> Path | None:
    """A copy of a damaged settings file beside it, before the window's choices rewrite it (None when the
    copy cannot be made: the message then says only that it is damaged)."""
    copy = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        shutil.copy2(path, copy)
    except OSError:
        return None
    return copy


def replay_start(settings: Settings) -> date:
    """The default replay start: the user's choice, or the app's (a late-2025 quarter start)."""
    try:
        return date.fromisoformat(str(settings.get(REPLAY_START)))
    except ValueError:
        return DEFAULT_REPLAY_START
