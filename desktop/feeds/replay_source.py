"""Choosing replay data: the bundled daily bars unless the user names files or folders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop import paths
from desktop.config import DEFAULT_REPLAY_START
from desktop.core.prices import load_prices
from desktop.core.timeline import ReplayTimeline


def load_timeline(replay_data: list[Path] | None = None, skipped: list[str] | None = None) -> ReplayTimeline:
    """Read replay data (raises PriceFileError with a message for the user when it cannot). With `skipped`,
    files that cannot be read are left out and their problems listed there (see load_prices)."""
    folders = replay_data or [paths.bundled_daily_dir()]
    return ReplayTimeline(load_prices(folders, paths.cache_dir() / "prices", skipped=skipped))


def start_problem(start: date, timeline: ReplayTimeline) -> str | None:
    """A sentence when a replay asked to start at `start` has nothing to play (the data ends before it)."""
    if start > timeline.last_date:
        return (f"the replay data ends {timeline.last_date}, before the start asked for ({start}): "
                "nothing is left to play, and its last day is shown")  # fmt: skip
    return None


def default_start(timeline: ReplayTimeline) -> date:
    """2025-10-01 when the data covers it, else the data's first session."""
    if timeline.first_date <= DEFAULT_REPLAY_START <= timeline.last_date:
        return DEFAULT_REPLAY_START
    return timeline.first_date
