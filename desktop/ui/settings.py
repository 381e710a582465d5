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
    choices: tuple[str, ...] = ()  # the values it may take, when they are a few words

    def accepts(self, value: Any) -> bool:
        return (not self.choices or value in self.choices) and (self.valid is None or self.valid(value))


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off", "")


THEME = Setting("ui/theme", str, "system", "system, light or dark", choices=("system", "light", "dark"))
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
CHART_TAB = Setting(
    "chart/tab", str, "Price", "the chart tab shown: Price, Relative, Spread, Rotation or Board",
    choices=("Price", "Relative", "Spread", "Rotation", "Board"),
)  # fmt: skip
CHART_RANGE = Setting(
    "chart/range", str, "All", "the price chart's range: 1D, 5D, 1M, 3M, YTD, 1Y or All",
    choices=("1D", "5D", "1M", "3M", "YTD", "1Y", "All"),
)  # fmt: skip
CHART_CANDLES = Setting("chart/candles", bool, False, "the price chart draws candlesticks instead of a line")
CHART_SCALE = Setting(
    "chart/scale",
    str,
    "linear",
    "the price chart's scale: linear, log or percent",
    choices=("linear", "log", "percent"),
)
REPLAY_START = Setting(
    "replay/start", str, "", "a date such as 2025-10-01, or nothing", valid=lambda text: not text or _is_date(text)
)
POLL_INTERVAL = Setting(
    "yahoo/poll_interval",
    float,
    POLL_INTERVAL_S,
    "seconds between polls of symbols the stream leaves quiet",
    valid=lambda seconds: math.isfinite(seconds) and seconds >= min(POLL_INTERVALS_S),  # never a busy loop on Yahoo
)

# What a settings file may hold besides the per-watchlist column layouts: each is checked as the file is read.
DECLARED = (
    THEME, REPLAY_SPEED, WINDOW_GEOMETRY, WINDOW_STATE, SPLITTER_STATE, TABLE_HEADER, CURRENT_WATCHLIST,
    SELECTED_SYMBOL, ALERT_SOUND, KEEP_WATCHING, COLORBLIND, CHART_TAB, CHART_RANGE, CHART_CANDLES, CHART_SCALE,
    REPLAY_START, POLL_INTERVAL,
)  # fmt: skip


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _one_of(choices: tuple[str, ...]) -> str:
    return f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else "".join(choices)


class Settings:
    """Typed access to the settings file; a value of the wrong type, or one its setting finds invalid (a hand
    edit, another version's file), reads as the default."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        self.damaged_copy: Path | None = None
        self.ignored: dict[str, str] = {}  # key: what the file held that does not fit, and what fits
        if self._qs.status() == QSettings.Status.FormatError:
            self.damaged_copy = _keep_damaged(path)
        for setting in DECLARED:  # a hand edit is told at start-up, not when a part of the window reads it
            if self._qs.contains(setting.key):
                self.get(setting)

    def get(self, setting: Setting) -> Any:
        raw = self._qs.value(setting.key, setting.default)
        value = raw
        if not isinstance(value, setting.type):
            if setting.type is bool and isinstance(value, str):  # INI files store booleans as text
                word = value.strip().lower()
                if word not in TRUE_WORDS + FALSE_WORDS:
                    return self._ignored(setting, raw)
                value = word in TRUE_WORDS
            else:
                try:
                    value = setting.type(value)
                except (TypeError, ValueError):
                    return self._ignored(setting, raw)
        return value if setting.accepts(value) else self._ignored(setting, raw)

    def _ignored(self, setting: Setting, raw: Any) -> Any:
        """The default for a value read that does not fit its setting, noted for `problem` to tell."""
        if not isinstance(raw, QByteArray):  # a layout saved by another Qt: restored as far as it goes
            fits = _one_of(setting.choices) if setting.choices else "true or false" if setting.type is bool else ""
            self.ignored[setting.key] = f"{setting.key} {str(raw)[:40]!r} ({fits or setting.meaning})"
        return setting.default

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
        if self.ignored:
            return f"Settings not understood, defaults used: {'; '.join(self.ignored.values())} (in {path})."
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
