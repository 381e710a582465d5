"""How numbers, times and ages read on screen and in the terminal: one place, so the table and CLI agree."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.core.quote import FX_DECIMALS, FX_SUFFIX, Quote
from desktop.core.sessions import NEW_YORK, MarketSession, session_date

DASH = "—"


def listed(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c': items in a sentence."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def price_decimals(price: float, hint: int | None = None) -> int:
    """The source's own precision when it states one (Yahoo's priceHint: 4 for EURUSD=X), else cents for
    ordinary prices and more for sub-dollar ones."""
    if hint is not None:
        return hint
    return 2 if abs(price) >= 1 else 4


def format_price(price: float | None, hint: int | None = None) -> str:
    if price is None or not math.isfinite(price):
        return DASH
    return f"{price:,.{price_decimals(price, hint)}f}"


def symbol_decimals(symbol: str, price: float) -> int:
    """The decimals of `symbol`'s price where no quote states them (a rule, a fire): a currency pair's four
    (EURUSD=X 1.0843), else as `price_decimals` gives them."""
    return price_decimals(price, FX_DECIMALS if symbol.endswith(FX_SUFFIX) else None)


def symbol_price(symbol: str, price: float) -> str:
    """A symbol and its price as its row shows it: "NVDA 181.23", "EURUSD=X 1.0843"."""
    return f"{symbol} {price:,.{symbol_decimals(symbol, price)}f}"


def _signed(value: float, decimals: int, suffix: str = "") -> str:
    """ "+1.25", "-0.40", and "0.00" for anything that rounds to zero: no "-0.00", no green "+0.00"."""
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text + suffix
    return ("+" if value > 0 else "-") + text + suffix


def format_change(change: float | None, reference: float | None = None, hint: int | None = None) -> str:
    if change is None or not math.isfinite(change):
        return DASH
    return _signed(change, price_decimals(reference if reference is not None else change, hint))


MAX_VALUE_DECIMALS = 6


def decimals_of(value: float) -> int:
    """Digits after the point in `value` as people write it (0.40125: 5; 175.0: 0; 0.1 + 0.2: 1, its float
    noise past fifteen significant digits not counted)."""
    exponent = Decimal(f"{value:.15g}").as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_value(value: float, level: float | None = None) -> str:
    """An alert's measured value, the one way the log, notifications and messages show it: two decimals
    (179.83, 1,234.50), or four significant digits below 1 (a ratio of 0.4112); and against a rule's
    `level`, at least the level's decimals, and more while the value would read as the level itself (a
    currency pair's 1.08512 against 1.085 reads 1.0851, not 1.09 or 1.085)."""
    if not math.isfinite(value):
        return DASH
    if level is None or not math.isfinite(level):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    text = format_value(value)
    digits = len(text.split(".", 1)[1]) if "." in text and "e" not in text else 0
    digits = max(digits, min(MAX_VALUE_DECIMALS, decimals_of(level)))
    while f"{value:.{digits}f}" == f"{level:.{digits}f}" and value != level and digits < MAX_VALUE_DECIMALS:
        digits += 1
    return f"{value:,.{digits}f}"


def format_pct(pct: float | None) -> str:
    if pct is None or not math.isfinite(pct):
        return DASH
    return _signed(pct, 2, "%")


def quote_price(quote: Quote) -> str:
    """The last price with the instrument's decimals, and its currency when that is not US dollars."""
    text = format_price(quote.price, quote.decimals)
    return text if quote.currency in (None, "USD") else f"{text} {quote.currency}"


def quote_change(quote: Quote) -> str:
    return format_change(quote.change, quote.price, quote.decimals)


def quote_volume(quote: Quote) -> str:
    text = format_volume(quote.volume)
    return f"{text} (24h)" if quote.volume_24h and quote.volume is not None else text


def at_close(quote: Quote) -> str:
    """'At close 244.87 +0.40 (+0.16%)' for a quote outside the regular session, else ''."""
    if quote.daily or quote.session is MarketSession.REGULAR or quote.regular_close is None:
        return ""
    text = f"At close {format_price(quote.regular_close, quote.decimals)}"
    if quote.regular_change is not None:
        text += (
            f" {format_change(quote.regular_change, quote.regular_close, quote.decimals)}"
            f" ({format_pct(quote.regular_change_pct)})"
        )
    return text


@lru_cache(maxsize=64)
def _zone(name: str | None) -> ZoneInfo:
    if not name:
        return NEW_YORK
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return NEW_YORK


def local_time(quote: Quote) -> datetime:
    """The quote's time in its exchange's zone (New York when the source did not say)."""
    return datetime.fromtimestamp(quote.time, _zone(quote.timezone))


def format_volume(volume: float | None, trailing_zeros: bool = True) -> str:
    """26.37M, 3.80K, 950; without `trailing_zeros` (an axis's round ticks) 500K, 1.5M."""
    if volume is None or not math.isfinite(volume):
        return DASH
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(volume) >= size:
            number = f"{volume / size:.2f}"
            return (number if trailing_zeros else number.rstrip("0").rstrip(".")) + suffix
    return f"{volume:,.0f}"


def format_range(low: float | None, high: float | None, hint: int | None = None) -> str:
    if low is None or high is None:
        return DASH
    return f"{format_price(low, hint)} – {format_price(high, hint)}"


def moment_iso(ts: float, daily: bool) -> str:
    """A time as the input row had it, ISO 8601: the session's date for a daily row, else New York time with
    its offset (a fire's time in the backtest, the monitor's lines, channel messages, chart summaries)."""
    return session_date(ts).isoformat() if daily else datetime.fromtimestamp(ts, NEW_YORK).isoformat()


def iso_time(quote: Quote) -> str:
    """The quote's time in ISO 8601: the date for a daily bar, else the exchange's local time with its offset."""
    if quote.daily:
        return local_time(quote).date().isoformat() if quote.timezone else session_date(quote.time).isoformat()
    return local_time(quote).isoformat()


def readable_time(quote: Quote) -> str:
    """For a reader, not a parser: '2026-07-21' for a daily bar, '2026-07-21 15:55 EDT' otherwise (seconds
    only when the quote has them), in the exchange's own time."""
    if quote.daily:
        return iso_time(quote)
    local = local_time(quote)
    clock = "%H:%M:%S" if local.second else "%H:%M"
    return local.strftime(f"%Y-%m-%d {clock} %Z").strip()


def compact_date(day: date, today: date | None = None) -> str:
    """'Aug 21' within the current year, else '2025-08-21': a table cell has room for one or the other."""
    if today is not None and day.year == today.year:
        return f"{day:%b} {day.day}"
    return day.isoformat()


def format_quote_time(quote: Quote, now: float | None = None) -> str:
    """Short quote time for a table cell: the clock time for today's quotes, else a compact date
    ('Aug 21' for a daily bar, 'Aug 21 15:59' for an older intraday quote)."""
    local = local_time(quote)
    today = datetime.fromtimestamp(now, local.tzinfo).date() if now is not None else None
    if quote.daily:
        day = local.date() if quote.timezone else session_date(quote.time)
        return compact_date(day, today)
    if today == local.date():
        return local.strftime("%H:%M:%S")
    return f"{compact_date(local.date(), today)} {local:%H:%M}"


_NAME_SUFFIXES = re.compile(
    r"[,\s]+(inc\.?|incorporated|corp\.?|corporation|co\.?|company|ltd\.?|limited|plc|n\.v\.|s\.a\.|ag)$",
    re.IGNORECASE,
)


def short_name(name: str) -> str:
    """'NVIDIA Corporation' -> 'NVIDIA', 'Apple Inc.' -> 'Apple': the legal suffix says nothing in a narrow
    column (the full name stays in the tooltip). A name that is only a suffix is kept as it is."""
    shorter = name.strip()
    while True:
        trimmed = _NAME_SUFFIXES.sub("", shorter).strip()
        if trimmed == shorter or not trimmed:
            return shorter
        shorter = trimmed


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
        return None if value is None else round(value, places) + 0.0  # + 0.0: no "-0.0"

    change_places = max(4, (quote.decimals or 0) + 2)
    record: dict[str, object] = {
        "symbol": quote.symbol,
        "price": rounded(quote.price, 8),
        "change": rounded(quote.change, change_places),
        "change_pct": rounded(quote.change_pct, 4),
        "prev_close": rounded(quote.prev_close, 8),
        "time": iso_time(quote),
        "day_high": rounded(quote.day_high, 8),
        "day_low": rounded(quote.day_low, 8),
        "volume": quote.volume,
        "session": "regular" if quote.daily else quote.session.value,
        "currency": quote.currency,
        "source": quote.source,
    }
    if quote.price_hint is not None:
        record["price_hint"] = quote.price_hint
    if quote.volume_24h:
        record["volume_window"] = "24h"
    if at_close(quote):
        record["regular_close"] = rounded(quote.regular_close, 8)
        record["regular_change"] = rounded(quote.regular_change, change_places)
        record["regular_change_pct"] = rounded(quote.regular_change_pct, 4)
    return record
