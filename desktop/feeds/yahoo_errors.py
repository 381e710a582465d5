"""What can go wrong asking Yahoo, as exceptions whose message is for the user.

Only `UnknownSymbolError` means the symbol does not exist; every other YahooError is retried with backoff
and never makes the app drop a symbol.
"""

from __future__ import annotations

import re


class YahooError(Exception):
    """A Yahoo request that did not give data; the message is for the user."""


# Share classes as brokers and newspapers write them (BRK.B, BF.B, HEI.A); Yahoo writes them with a dash.
_DOTTED_CLASS = re.compile(r"^([A-Z]{1,5})\.([ABC])$")


def spelling_hint(symbol: str) -> str:
    """For a share class written with a dot (BRK.B), Yahoo's own spelling of it; else ""."""
    dotted = _DOTTED_CLASS.match(symbol)
    return f"Yahoo writes share classes with a dash: {dotted[1]}-{dotted[2]}" if dotted else ""


def unknown_symbol_text(symbol: str) -> str:
    """The sentence for a symbol Yahoo does not have, with Yahoo's spelling of a dotted share class."""
    text = f"{symbol}: no such symbol on Yahoo Finance"
    hint = spelling_hint(symbol)
    return f"{text} ({hint})" if hint else text


class UnknownSymbolError(YahooError):
    def __init__(self, symbol: str) -> None:
        super().__init__(unknown_symbol_text(symbol))
        self.symbol = symbol


class UnreachableError(YahooError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"cannot reach Yahoo ({detail})")


class RateLimitedError(YahooError):
    def __init__(self) -> None:
        super().__init__("Yahoo is rate limiting requests (HTTP 429)")
