"""What can go wrong asking Yahoo, as exceptions whose message is for the user.

Only `UnknownSymbolError` means the symbol does not exist; every other YahooError is retried with backoff
and never makes the app drop a symbol.
"""

from __future__ import annotations


class YahooError(Exception):
    """A Yahoo request that did not give data; the message is for the user."""


class UnknownSymbolError(YahooError):
    def __init__(self, symbol: str) -> None:
        super().__init__(f"{symbol}: no such symbol on Yahoo Finance")
        self.symbol = symbol


class UnreachableError(YahooError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"cannot reach Yahoo ({detail})")


class RateLimitedError(YahooError):
    def __init__(self) -> None:
        super().__init__("Yahoo is rate limiting requests (HTTP 429)")
