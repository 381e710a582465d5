"""Every default and environment variable of the app, declared once (no Qt: the CLI, feeds and window share it).

Tests and scripts import these names instead of spelling `TICKERDESK_...` or a default again.
"""

from __future__ import annotations

from datetime import date

# -- environment variables -------------------------------------------------------------------------
HOME_ENV = "TICKERDESK_HOME"  # moves every file the app writes (every test sets it)
YAHOO_HTTP_ENV = "TICKERDESK_YAHOO_HTTP_URL"  # Yahoo's chart endpoint (the tests' loopback fake)
YAHOO_WS_ENV = "TICKERDESK_YAHOO_WS_URL"  # Yahoo's streamer (the tests' loopback fake)
FIRST_PAINT_ENV = "TICKERDESK_REPORT_FIRST_PAINT"  # the startup benchmark: print "first-paint" and quit

# -- where quotes come from ------------------------------------------------------------------------
SOURCES = ("auto", "replay", "yahoo")
DEFAULT_SOURCE = "auto"  # Yahoo when it answers, else the bundled replay data
# The late-2025 rotation from big tech into small caps starts here in the bundled data.
DEFAULT_REPLAY_START = date(2025, 10, 1)
DEFAULT_REPLAY_SPEED = 1.0  # steps (sessions or bars) per second; 0 is as fast as possible
REPLAY_SPEEDS = (1.0, 5.0, 20.0, 0.0)
POLL_INTERVAL_S = 15.0  # seconds between polls of the symbols the stream leaves quiet
POLL_INTERVALS_S = (5.0, 15.0, 30.0, 60.0)

# -- the watchlist ---------------------------------------------------------------------------------
DEFAULT_WATCHLIST = "Default"
DEFAULT_SYMBOLS = (
    "SPY", "QQQ", "IWM", "AAPL", "AMZN", "AMD", "BAC", "GOOGL", "META", "MSFT", "NVDA", "ORCL", "TSLA",
)  # fmt: skip
