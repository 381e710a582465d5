"""Figures the main window's rooms share."""

from __future__ import annotations

from desktop.config import POLL_INTERVALS_S, REPLAY_SPEEDS

SPEEDS: list[tuple[str, float]] = [(f"{speed:g}×" if speed else "Max", speed) for speed in REPLAY_SPEEDS]
POLL_INTERVALS = list(POLL_INTERVALS_S)
STALE_AFTER_S = 120.0  # a live quote older than this during regular hours is marked stale
MESSAGE_MS = 8000  # how long a status-bar message stays
INPUT_ERROR_WIDTH = 360  # px: a refusal beside the symbol field is cut to this, whole in its tooltip
SNAPSHOT_PROGRESS_S = 60  # the "First quotes: k of n" bar gives up after this (a symbol may never be quoted)
