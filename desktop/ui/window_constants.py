"""Figures the main window's rooms share."""

from __future__ import annotations

import re

from desktop.config import POLL_INTERVALS_S

SYMBOL_PATTERN = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=^]{0,19}$")
SPEEDS: list[tuple[str, float]] = [("1×", 1.0), ("5×", 5.0), ("20×", 20.0), ("Max", 0.0)]
POLL_INTERVALS = list(POLL_INTERVALS_S)
STALE_AFTER_S = 120.0  # a live quote older than this during regular hours is marked stale
MESSAGE_MS = 8000  # how long a status-bar message stays
