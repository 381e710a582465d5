"""Tickerdesk: a desktop ticker with a live watchlist, charts and price / spread alerts."""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__` is looked up when asked for (importlib.metadata costs 40 ms of every start)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("tickerdesk")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0+source"
    raise AttributeError(name)
