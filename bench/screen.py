"""The screen the benchmarks' windows open on: Qt's offscreen platform, given a 1920 x 1200 screen.

Offscreen, Qt's screen is 800 x 600 unless told otherwise, and the window sizes itself to fit the screen it
opens on: the figures would measure a window of a third of the pixels a desktop shows.
"""

from __future__ import annotations

from pathlib import Path

SCREEN_FILE = Path(__file__).resolve().parent / "offscreen-screen.json"
OFFSCREEN = f"offscreen:configfile={SCREEN_FILE}"
