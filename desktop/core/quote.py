"""The quote: one price observation of one symbol, as every layer passes it around."""

from __future__ import annotations

from typing import NamedTuple

from desktop.core.sessions import MarketSession

FX_SUFFIX = "=X"  # Yahoo's currency pairs: EURUSD=X, JPY=X
FX_DECIMALS = 4  # what Yahoo's chart endpoint states for them (meta.priceHint)


class Quote(NamedTuple):
    """A price observation (immutable; a tuple because millions are made on the tick path).

    `time` is epoch seconds (UTC). `daily` marks a quote made from a daily bar: its time is the
    session's close and it prints as a date. Day fields are None when the source does not say.
    """

    symbol: str
    price: float
    time: float
    prev_close: float | None = None
    day_open: float | None = None
    day_high: float | None = None
    day_low: float | None = None
    volume: float | None = None
    source: str = ""
    session: MarketSession = MarketSession.REGULAR
    daily: bool = False
    name: str | None = None  # the source's short name for the symbol, when it sends one
    # History fetched to fill the picture (a live feed's start): alert rules learn their values from it
    # but do not fire on it, since it happened before the app was watching.
    backfill: bool = False
    currency: str | None = None  # as the source states it ("USD", "EUR", "GBp" for pence); None when unsaid
    price_hint: int | None = None  # decimals the source shows for this instrument (4 for EURUSD=X)
    timezone: str | None = None  # the exchange's IANA zone; New York when None
    # Outside the regular session (pre, post, overnight) the figures of the last regular session, as a
    # quote page shows "At close" beside "After hours": its closing price and that session's change.
    regular_close: float | None = None
    regular_change: float | None = None
    volume_24h: bool = False  # `volume` is a rolling 24-hour figure (crypto), not the session's total
    # A quote played from a recorded bar (replay, a chart fetch) is priced at the bar's close; these are the
    # bar's own open, high and low, so intraday candles keep their shape. None for a tick.
    bar_open: float | None = None
    bar_high: float | None = None
    bar_low: float | None = None

    @property
    def decimals(self) -> int | None:
        """The decimals to show: the source's own (`price_hint`), else Yahoo's four for a currency pair
        (EURUSD=X from a price file: 1.0856, where cents would show 1.09), else None (cents, or more below
        a dollar)."""
        if self.price_hint is not None:
            return self.price_hint
        return FX_DECIMALS if self.symbol.endswith(FX_SUFFIX) else None

    @property
    def regular_change_pct(self) -> float | None:
        """The last regular session's change in percent of its own base, when both are known."""
        if self.regular_close is None or self.regular_change is None:
            return None
        base = self.regular_close - self.regular_change
        return None if base == 0 else self.regular_change / base * 100.0

    @property
    def change(self) -> float | None:
        """Price minus the previous session's close, or None when that close is unknown."""
        if self.prev_close is None:
            return None
        return self.price - self.prev_close

    @property
    def change_pct(self) -> float | None:
        """Change in percent of the previous session's close, or None when it is unknown or zero."""
        if self.prev_close is None or self.prev_close == 0:
            return None
        return (self.price / self.prev_close - 1.0) * 100.0


# No instrument trades anywhere near this; a garbled float32 (3.4e38) or a misread field does, and as a
# price it would fire every "above" rule and flatten every chart.
MAX_PRICE = 1e12


def is_valid_price(value: float | None) -> bool:
    """A price a quote may carry: a positive number no larger than MAX_PRICE."""
    return value is not None and 0.0 < value <= MAX_PRICE
