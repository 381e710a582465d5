"""Yahoo's chart response read as a quote panel needs it.

Three facts of the real responses shape this module (see tests/fixtures/yahoo/PROVENANCE.md):
- Before the open, `meta.previousClose` is the close of the session *before* the last one, and
  `meta.regularMarketPrice` at `regularMarketTime` is the last regular close: the base of the day's change
  depends on where the quote falls against the regular session, not on one field.
- Every instrument has its own exchange zone and hours (`exchangeTimezoneName`, `currentTradingPeriod`):
  daily bars are dated, and quotes put in sessions, in those, not in New York's.
- Bars are float32 values written out as float64 (7200.17431640625); `priceHint` says how many decimals
  Yahoo shows, `currency` may be pence (`GBp`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import NEW_YORK, MarketSession
from desktop.feeds.yahoo_errors import UnknownSymbolError, YahooError
from desktop.feeds.yahoo_numbers import f32

SOURCE = "yahoo"
DAY = 86_400
# Timestamps outside these years are not market data (a corrupt or hostile reply), 1970-01-02 .. 2200.
_EARLIEST, _LATEST = 86_400.0, 7_258_118_400.0
Bar = tuple[float, float, float, float, float, float]  # t, open, high, low, close, volume


@dataclass(frozen=True)
class TradingHours:
    """An instrument's daily periods as local clock times (seconds after local midnight) in its zone."""

    zone: ZoneInfo
    pre: tuple[int, int]
    regular: tuple[int, int]
    post: tuple[int, int]
    weekends: bool = False  # trades on Saturdays and Sundays (crypto)

    def local(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.zone)

    def local_date(self, ts: float) -> date:
        return self.local(ts).date()

    def _at(self, day: date, seconds: int) -> float:
        return (datetime.combine(day, time.min, self.zone) + timedelta(seconds=seconds)).timestamp()

    def regular_bounds(self, ts: float) -> tuple[float, float]:
        """Epoch start and end of the regular session on the local date of `ts`."""
        day = self.local_date(ts)
        return self._at(day, self.regular[0]), self._at(day, self.regular[1])

    def close_time(self, day: date) -> float:
        """Where a daily bar of `day` is stamped: that day's regular close, in the exchange's zone."""
        return self._at(day, min(self.regular[1], DAY - 1))

    def session(self, ts: float) -> MarketSession:
        local = self.local(ts)
        if local.weekday() >= 5 and not self.weekends:
            return MarketSession.CLOSED
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        for span, session in ((self.regular, MarketSession.REGULAR), (self.pre, MarketSession.PRE),
                              (self.post, MarketSession.POST)):  # fmt: skip
            if span[0] <= seconds < span[1]:
                return session
        return MarketSession.CLOSED


NEW_YORK_HOURS = TradingHours(NEW_YORK, (4 * 3600, 34_200), (34_200, 57_600), (57_600, 72_000))


def _num(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _zone(name: Any) -> ZoneInfo:
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return NEW_YORK


def _hours(meta: dict[str, Any]) -> TradingHours:
    zone = _zone(meta.get("exchangeTimezoneName"))
    periods = meta.get("currentTradingPeriod")
    weekends = meta.get("instrumentType") == "CRYPTOCURRENCY"
    if not isinstance(periods, dict):
        return TradingHours(zone, NEW_YORK_HOURS.pre, NEW_YORK_HOURS.regular, NEW_YORK_HOURS.post, weekends)

    def clock(name: str, default: tuple[int, int]) -> tuple[int, int]:
        period = periods.get(name)
        start = _num(period.get("start")) if isinstance(period, dict) else None
        end = _num(period.get("end")) if isinstance(period, dict) else None
        if start is None or end is None or not _EARLIEST < start <= end < _LATEST:
            return default
        local = datetime.fromtimestamp(start, zone)
        first = local.hour * 3600 + local.minute * 60 + local.second
        last = first + int(end - start)
        if last >= DAY - 60:  # "until 23:59": the whole day (crypto, currencies)
            last = DAY
        return first, min(last, DAY)

    regular = clock("regular", NEW_YORK_HOURS.regular)
    pre = clock("pre", (regular[0], regular[0]))
    post = clock("post", (regular[1], regular[1]))
    return TradingHours(zone, pre, regular, post, weekends)


@dataclass
class Chart:
    """One symbol's chart response: what the quote panel needs of its metadata, and its bars."""

    symbol: str
    name: str | None
    prev_close: float | None  # the close before the session of `price_time`
    price: float | None  # the regular market's price at `price_time` (its close once the session ended)
    price_time: float | None
    day_high: float | None = None
    day_low: float | None = None
    volume: float | None = None
    bars: list[Bar] = field(default_factory=list)
    currency: str | None = None
    price_hint: int | None = None
    hours: TradingHours = NEW_YORK_HOURS
    instrument: str | None = None

    @property
    def timezone(self) -> str:
        return self.hours.zone.key

    def quotes(self, after: float = -math.inf) -> list[Quote]:
        """Quotes for the bars after `after`, then the regular price if it is newer: what a ticker would show."""
        out: list[Quote] = []
        high = low = None
        volume = 0.0
        day: date | None = None
        # A last bar stamped at the regular market's own time is that price (a Korean index's one bar, at 20:05
        # Seoul time): it is quoted below as the regular price, with Yahoo's change, not as a late print. (A
        # post-market bar that starts on the second of the close has later bars after it: it stays a bar.)
        last_bar = self.bars[-1][0] if self.bars else None
        regular_time = self.price_time if self.price is not None and self.price_time == last_bar else None
        for t, o, h, lo, c, v in self.bars:
            today = self.hours.local_date(t)
            if today != day:  # a range over several sessions starts each day afresh
                day, high, low, volume = today, None, None, 0.0
            high = h if high is None else max(high, h)
            low = lo if low is None else min(low, lo)
            volume += v
            if t > after and t != regular_time:
                out.append(self._bar_quote(c, t, high, low, volume)._replace(bar_open=o, bar_high=h, bar_low=lo))
        last_time = max((t for t, *_ in self.bars if t != regular_time), default=after)
        if self.price is not None and self.price_time is not None and self.price_time > max(after, last_time):
            # The regular market's own price: a regular-session figure whatever the clock says (a fund's
            # NAV, the official close stamped 16:00:01).
            high, low = self._regular_range(self.price, self.price_time)
            out.append(self._quote(self.price, self.price_time, high, low, self.volume, MarketSession.REGULAR,
                                   self.prev_close))  # fmt: skip
        return out

    def _regular_range(self, price: float, t: float) -> tuple[float, float]:
        """The day range of the regular price at `t`: Yahoo's stated one, widened to hold the price and the
        session's regular bars. An index's stated range can lag its price (^TNX: 4.237-4.261 stated, the
        price 4.275, the session's bars up to 4.279); extended-hours bars do not widen it."""
        start, end = self.hours.regular_bounds(t)
        highs = [h for bar_time, _o, h, _l, _c, _v in self.bars if start <= bar_time < end]
        lows = [lo for bar_time, _o, _h, lo, _c, _v in self.bars if start <= bar_time < end]
        stated_high = [self.day_high] if self.day_high is not None else []
        stated_low = [self.day_low] if self.day_low is not None else []
        return max([price, *highs, *stated_high]), min([price, *lows, *stated_low])

    def _bar_quote(self, price: float, t: float, high: float | None, low: float | None, volume: float) -> Quote:
        session = self.hours.session(t)
        start, end = self.hours.regular_bounds(t)
        today_traded = self.price_time is not None and self.price_time >= start
        close = self.price
        regular_close = regular_change = None
        if start <= t < end:
            base = self.prev_close
        elif (t < start) != today_traded and close is not None:
            # Before the open of a session that has not started (pre-market: the meta's price is the last
            # close), or after the close of one that has (post-market: the meta's price is today's close).
            base = regular_close = close
            if self.prev_close is not None:
                regular_change = close - self.prev_close
        else:
            base = regular_close = self.prev_close
        return self._quote(price, t, high, low, volume or None, session, base, regular_close, regular_change)

    def _quote(self, price: float, t: float, high: float | None, low: float | None, volume: float | None,
               session: MarketSession, base: float | None, regular_close: float | None = None,
               regular_change: float | None = None) -> Quote:  # fmt: skip
        return Quote(
            symbol=self.symbol, price=price, time=t, prev_close=base, day_high=high, day_low=low, volume=volume,
            source=SOURCE, session=session, name=self.name, currency=self.currency, price_hint=self.price_hint,
            timezone=self.timezone, regular_close=regular_close, regular_change=regular_change,
        )  # fmt: skip

    def daily_quotes(self, before: date) -> list[Quote]:
        """The bars as daily quotes (stamped at each session's close, dated in the exchange's zone) for the
        sessions before `before`: history for window bases, marked as backfill."""
        out: list[Quote] = []
        prev: float | None = None
        for t, o, h, lo, c, v in self.bars:
            day = self.hours.local_date(t)
            if day >= before:
                break
            out.append(
                Quote(self.symbol, c, self.hours.close_time(day), prev_close=prev, day_open=o, day_high=h, day_low=lo,
                      volume=v or None, source=SOURCE, daily=True, name=self.name, backfill=True,
                      currency=self.currency, price_hint=self.price_hint, timezone=self.timezone)
            )  # fmt: skip
            prev = c
        return out


def is_unknown_symbol(error: dict[str, Any]) -> bool:
    """Yahoo's words for "no such symbol" (404 'Not Found' / 'No data found, symbol may be delisted')."""
    code = str(error.get("code") or "")
    description = str(error.get("description") or "").lower()
    return code == "Not Found" or "symbol may be delisted" in description


def parse_chart(symbol: str, body: Any, status: int = 200) -> Chart:
    """The chart JSON (`{"chart": {"result": [...], "error": ...}}`) as a Chart.

    Raises UnknownSymbolError only for Yahoo's own "not found"; any other error or an unexpected shape
    is a YahooError (retried, never taken to mean the symbol does not exist).
    """
    chart = body.get("chart") if isinstance(body, dict) else None
    if not isinstance(chart, dict):
        raise YahooError(f"{symbol}: unexpected reply from Yahoo (HTTP {status}, no chart)")
    error = chart.get("error")
    results = chart.get("result")
    if error:
        if isinstance(error, dict) and is_unknown_symbol(error):
            raise UnknownSymbolError(symbol)
        if isinstance(error, dict):
            words = ": ".join(str(error[k]) for k in ("code", "description") if error.get(k))
        else:
            words = str(error)
        raise YahooError(f"{symbol}: Yahoo error (HTTP {status}, {words[:200]})")
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise YahooError(f"{symbol}: Yahoo sent no chart data (HTTP {status})")
    try:
        return _read_result(symbol, results[0])
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError) as exc:
        raise YahooError(f"{symbol}: unexpected chart data from Yahoo ({type(exc).__name__})") from None


def _read_result(symbol: str, result: dict[str, Any]) -> Chart:
    meta = result.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    stamps = result.get("timestamp") or []
    indicators = result.get("indicators")
    quote = indicators.get("quote") if isinstance(indicators, dict) else None
    quote = quote[0] if isinstance(quote, list) and quote and isinstance(quote[0], dict) else {}
    names = ("open", "high", "low", "close", "volume")
    columns: list[list[Any]] = [column if isinstance(column := quote.get(k), list) else [] for k in names]
    bars: list[Bar] = []
    if not isinstance(stamps, list):
        raise ValueError("timestamps")
    for i, stamp in enumerate(stamps):
        t = _num(stamp)
        if t is None or not _EARLIEST < t < _LATEST:
            continue
        o, h, lo, c, v = (_num(col[i]) if i < len(col) else None for col in columns)
        if c is None or not is_valid_price(c):
            continue  # Yahoo sends null bars for minutes without trades
        c = f32(c)
        o, h, lo = (f32(x) if x is not None and is_valid_price(x) else c for x in (o, h, lo))
        bars.append((t, o, max(h, c), min(lo, c), c, v if v is not None and v >= 0 else 0.0))
    bars.sort(key=lambda bar: bar[0])
    price_time = _num(meta.get("regularMarketTime"))
    if price_time is not None and not _EARLIEST < price_time < _LATEST:
        price_time = None
    hint = _num(meta.get("priceHint"))
    currency = meta.get("currency")
    name = meta.get("shortName") or meta.get("longName")
    price = _positive(meta.get("regularMarketPrice"))
    return Chart(
        symbol=str(meta.get("symbol") or symbol).upper(),
        name=" ".join(str(name).split()) if name else None,
        prev_close=_regular_base(meta, price, int(hint) if hint is not None else None),
        price=price,
        price_time=price_time,
        day_high=_positive(meta.get("regularMarketDayHigh")),
        day_low=_positive(meta.get("regularMarketDayLow")),
        volume=_num(meta.get("regularMarketVolume")) or None,
        bars=bars,
        currency=currency if isinstance(currency, str) and currency else None,
        price_hint=int(hint) if hint is not None and 0 <= hint <= 8 else None,
        hours=_hours(meta),
        instrument=meta.get("instrumentType") if isinstance(meta.get("instrumentType"), str) else None,
    )


def _regular_base(meta: dict[str, Any], price: float | None, hint: int | None) -> float | None:
    """The base of the regular market's change at `regularMarketTime`.

    Yahoo's own figure first: recent replies state the change (`fulldayChange` beside `fulldayPrice`, and
    `regularMarketChangePercent`), whose base is price − change. Then `previousClose`. `chartPreviousClose`
    only for a one-day range, where it is the previous close; for other ranges it is the close before the
    range's first bar, which may be years old.
    """
    candidates: list[tuple[float, float]] = []  # (relative rounding error, base)
    change = _num(meta.get("fulldayChange"))
    if price is not None and change is not None and _num(meta.get("fulldayPrice")) == price:
        # A change in the price's own units is written to at least the price's decimals (-40 is -40.00)
        candidates.append((_rounding(change, at_least=hint if hint is not None else 2), price - change))
    percent = _num(meta.get("regularMarketChangePercent"))
    if price is not None and percent is not None and percent > -100:
        candidates.append((_rounding(percent), price / (1 + percent / 100)))
    # Both are rounded (EURUSD=X: change 0.0013 and 0.1126 %): take the one that says more.
    base = min(candidates)[1] if candidates else None
    if base is not None and is_valid_price(base):
        return round(base, (hint if hint is not None else 2) + 2)
    previous = _positive(meta.get("previousClose"))
    if previous is not None:
        return previous
    return _positive(meta.get("chartPreviousClose")) if meta.get("range") == "1d" else None


def _rounding(value: float, at_least: int = 0) -> float:
    """How far off a figure rounded to the decimals it is written with (`at_least` of them: JSON writes a
    whole -40.00 as -40) can be, relative to itself."""
    if value == 0:
        return 0.0
    text = repr(value)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 6
    if text.endswith(".0"):
        decimals = 0  # a whole number, read as a float
    return 0.5 * 10.0 ** -max(decimals, at_least) / abs(value)


def _positive(value: Any) -> float | None:
    number = _num(value)
    return number if number is not None and is_valid_price(number) else None
