"""Tickerdesk: a desktop ticker with a live watchlist, charts and price / spread alerts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tickerdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
