"""How numbers, times and ages read on screen and in the terminal: one place, so the table and CLI agree."""

from __future__ import annotations

import math
from datetime import datetime

from desktop.core.quote import Quote
from desktop.core.sessions import NEW_YORK, session_date, to_new_york

DASH = "—"


def price_decimals(price: float) -> int:
    """Sensible precision: cents for ordinary prices, more for sub-dollar ones."""
    return 2 if abs(price) >= 1 else 4


def format_price(price: float | None) -> str:
    if price is None or not math.isfinite(price):
        return DASH
    return f"{price:,.{price_decimals(price)}f}"


def format_change(change: float | None, reference: float | None = None) -> str:
    if change is None or not math.isfinite(change):
        return DASH
    decimals = price_decimals(reference if reference is not None else change)
    return f"{change:+,.{decimals}f}"


def format_pct(pct: float | None) -> str:
    if pct is None or not math.isfinite(pct):
        return DASH
    return f"{pct:+.2f}%"


def format_volume(volume: float | None) -> str:
    if volume is None or not math.isfinite(volume):
        return DASH
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(volume) >= size:
            return f"{volume / size:.2f}{suffix}"
    return f"{volume:,.0f}"


def format_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return DASH
    return f"{format_price(low)} – {format_price(high)}"


def iso_time(quote: Quote) -> str:
    """The quote's time in ISO 8601: the date for a daily bar, else New York time with its offset."""
    if quote.daily:
        return session_date(quote.time).isoformat()
    return to_new_york(quote.time).isoformat()


def format_quote_time(quote: Quote, now: float | None = None) -> str:
    """Short quote time for a table cell: the date for daily bars, the clock time for today's quotes."""
    if quote.daily:
        return session_date(quote.time).isoformat()
    local = to_new_york(quote.time)
    today = datetime.fromtimestamp(now, NEW_YORK).date() if now is not None else None
    if today == local.date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


def format_age(seconds: float | None) -> str:
    """'4s', '12m', '3h', '2d': how long ago, in the largest whole unit."""
    if seconds is None or not math.isfinite(seconds):
        return DASH
    seconds = max(0.0, seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def quote_record(quote: Quote) -> dict[str, object]:
    """The JSON shape of a quote that the CLI prints (`quote --format json`, `watch --format jsonl`)."""

    def rounded(value: float | None, places: int) -> float | None:
        return None if value is None else round(value, places)

    return {
        "symbol": quote.symbol,
        "price": rounded(quote.price, 6),
        "change": rounded(quote.change, 4),
        "change_pct": rounded(quote.change_pct, 4),
        "prev_close": rounded(quote.prev_close, 6),
        "time": iso_time(quote),
        "day_high": rounded(quote.day_high, 6),
        "day_low": rounded(quote.day_low, 6),
        "volume": quote.volume,
        "session": quote.session.value,
        "source": quote.source,
    }
