"""Yahoo Finance's chart endpoint over HTTP: the previous close, today's bars and symbol checks.

This is the endpoint yfinance's `history`/`download` call underneath. We call it directly, through
curl_cffi's browser impersonation (what yfinance uses too), because yfinance reports an unknown symbol,
a rate limit and a dead network alike as an empty frame, and this app must tell them apart. The base
URL can be moved with `TICKERDESK_YAHOO_HTTP_URL` (the tests' loopback fake uses it).
"""

from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import close_timestamp, market_session, session_date

DEFAULT_BASE = "https://query2.finance.yahoo.com"
BASE_ENV = "TICKERDESK_YAHOO_HTTP_URL"
SOURCE = "yahoo"


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


@dataclass
class Chart:
    """One symbol's chart response: its metadata and bars, oldest first."""

    symbol: str
    name: str | None
    prev_close: float | None
    price: float | None
    price_time: float | None
    day_high: float | None
    day_low: float | None
    volume: float | None
    bars: list[tuple[float, float, float, float, float, float]] = field(default_factory=list)  # t, o, h, l, c, v

    def quotes(self, after: float = -math.inf) -> list[Quote]:
        """Quotes for the bars after `after`, then the latest price if it is newer: what a ticker would show."""
        out: list[Quote] = []
        high = low = None
        volume = 0.0
        for t, _o, h, lo, c, v in self.bars:
            high = h if high is None else max(high, h)
            low = lo if low is None else min(low, lo)
            volume += v
            if t > after:
                out.append(self._quote(c, t, high, low, volume))
        last_time = self.bars[-1][0] if self.bars else after
        if self.price is not None and self.price_time is not None and self.price_time > max(after, last_time):
            out.append(self._quote(self.price, self.price_time, self.day_high, self.day_low, self.volume))
        return out

    def daily_quotes(self, before: date) -> list[Quote]:
        """The bars as daily quotes (stamped at each session's close) for the sessions before `before`:
        history for window bases, marked as backfill."""
        out: list[Quote] = []
        prev: float | None = None
        for t, o, h, lo, c, v in self.bars:
            day = session_date(t)
            if day >= before:
                break
            out.append(
                Quote(self.symbol, c, close_timestamp(day), prev_close=prev, day_open=o, day_high=h, day_low=lo,
                      volume=v or None, source=SOURCE, daily=True, name=self.name, backfill=True)
            )  # fmt: skip
            prev = c
        return out

    def _quote(self, price: float, t: float, high: float | None, low: float | None, volume: float | None) -> Quote:
        return Quote(
            symbol=self.symbol,
            price=price,
            time=t,
            prev_close=self.prev_close,
            day_high=high,
            day_low=low,
            volume=volume or None,
            source=SOURCE,
            session=market_session(t),
            name=self.name,
        )


def _network_detail(exc: Exception) -> str:
    """curl's own words without its boilerplate: 'could not resolve host: ...', 'connection refused'."""
    text = str(exc)
    match = re.search(r"curl: \(\d+\) ([^\n]*?)(?:\. See|$)", text)
    return (match.group(1) if match else text.split("\n")[0])[:160]


def _num(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def parse_chart(symbol: str, body: Any) -> Chart:
    """The chart JSON (`{"chart": {"result": [...], "error": ...}}`) as a Chart; raises for an unknown symbol."""
    chart = body.get("chart") if isinstance(body, dict) else None
    if not isinstance(chart, dict):
        raise YahooError(f"{symbol}: unexpected chart response")
    error = chart.get("error")
    results = chart.get("result")
    if error or not results:
        code = error.get("code") if isinstance(error, dict) else None
        if code == "Not Found" or not results:
            raise UnknownSymbolError(symbol)
        raise YahooError(f"{symbol}: {error}")
    result = results[0]
    meta = result.get("meta", {})
    bars: list[tuple[float, float, float, float, float, float]] = []
    stamps = result.get("timestamp") or []
    quote = (result.get("indicators", {}).get("quote") or [{}])[0]
    columns = [quote.get(k) or [] for k in ("open", "high", "low", "close", "volume")]
    for i, t in enumerate(stamps):
        o, h, lo, c, v = (_num(col[i]) if i < len(col) else None for col in columns)
        if c is None or not is_valid_price(c):
            continue  # Yahoo sends null bars for minutes without trades
        bars.append((float(t), o or c, h or c, lo or c, c, v or 0.0))
    prev = _num(meta.get("previousClose")) or _num(meta.get("chartPreviousClose"))
    return Chart(
        symbol=str(meta.get("symbol") or symbol).upper(),
        name=meta.get("shortName") or meta.get("longName"),
        prev_close=prev,
        price=_num(meta.get("regularMarketPrice")),
        price_time=_num(meta.get("regularMarketTime")),
        day_high=_num(meta.get("regularMarketDayHigh")),
        day_low=_num(meta.get("regularMarketDayLow")),
        volume=_num(meta.get("regularMarketVolume")),
        bars=bars,
    )


class YahooHttp:
    """Chart requests with one shared session; safe to call from several threads."""

    def __init__(self, base: str | None = None, timeout: float = 10.0) -> None:
        self.base = (base or os.environ.get(BASE_ENV, "").strip() or DEFAULT_BASE).rstrip("/")
        self.timeout = timeout
        self._local = threading.local()

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            from curl_cffi import requests

            session = requests.Session(impersonate="chrome")
            self._local.session = session
        return session

    def chart(self, symbol: str, range_: str = "1d", interval: str = "1m", prepost: bool = True) -> Chart:
        from curl_cffi.requests.exceptions import RequestException

        url = f"{self.base}/v8/finance/chart/{symbol}"
        params = {"range": range_, "interval": interval, "includePrePost": str(prepost).lower(), "events": "div|split"}
        try:
            response = self._session().get(url, params=params, timeout=self.timeout)
        except RequestException as exc:
            raise UnreachableError(_network_detail(exc)) from None
        if response.status_code == 429:
            raise RateLimitedError()
        try:
            body = response.json()
        except ValueError:
            if response.status_code >= 500:
                raise UnreachableError(f"HTTP {response.status_code}") from None
            raise YahooError(f"{symbol}: HTTP {response.status_code} without a chart") from None
        return parse_chart(symbol, body)

    def validate(self, symbol: str) -> str | None:
        """None when Yahoo has the symbol, else a sentence saying why it cannot be added."""
        try:
            self.chart(symbol, range_="5d", interval="1d", prepost=False)
        except UnknownSymbolError:
            return f"{symbol}: no such symbol on Yahoo Finance"
        except RateLimitedError:
            return "Yahoo is rate limiting requests; try again in a minute"
        except UnreachableError as exc:
            text = str(exc)
            return text[:1].upper() + text[1:]
        except YahooError as exc:
            return str(exc)
        return None


def reachable(timeout: float = 5.0) -> bool:
    """Does Yahoo answer at all? (A rate-limited or odd answer still means the network works.)"""
    try:
        YahooHttp(timeout=timeout).chart("SPY", range_="1d", interval="1d", prepost=False)
    except UnreachableError:
        return False
    except YahooError:
        return True
    return True
