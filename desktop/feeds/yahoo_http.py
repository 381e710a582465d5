"""Yahoo Finance's chart endpoint over HTTP: the previous close, today's bars and symbol checks.

This is the endpoint yfinance's `history`/`download` call underneath. We call it directly, through
curl_cffi's browser impersonation (what yfinance uses too), because yfinance reports an unknown symbol,
a rate limit and a dead network alike as an empty frame, and this app must tell them apart. The base
URL can be moved with `TICKERDESK_YAHOO_HTTP_URL` (the tests' loopback fake uses it).
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any
from urllib.parse import quote

from desktop.config import YAHOO_HTTP_ENV
from desktop.feeds.yahoo_chart import Chart, parse_chart
from desktop.feeds.yahoo_errors import RateLimitedError, UnknownSymbolError, UnreachableError, YahooError

__all__ = [
    "Chart", "RateLimitedError", "UnknownSymbolError", "UnreachableError", "YahooError", "YahooHttp", "parse_chart",
]  # fmt: skip

DEFAULT_BASE = "https://query2.finance.yahoo.com"
BASE_ENV = YAHOO_HTTP_ENV
SOURCE = "yahoo"
CHECKS_AT_ONCE = 3


def _network_detail(exc: Exception) -> str:
    """curl's own words without its boilerplate: 'could not resolve host: ...', 'connection refused'."""
    text = str(exc)
    match = re.search(r"curl: \(\d+\) ([^\n]*?)(?:\. See|$)", text)
    return (match.group(1) if match else text.split("\n")[0])[:160]


class YahooHttp:
    """Chart requests with one shared session; safe to call from several threads."""

    def __init__(self, base: str | None = None, timeout: float = 10.0) -> None:
        self.base = (base or os.environ.get(BASE_ENV, "").strip() or DEFAULT_BASE).rstrip("/")
        self.timeout = timeout
        self._local = threading.local()
        # Symbols pasted by the dozen are checked a few at a time: Yahoo answers a burst with 429s.
        self._checks = threading.BoundedSemaphore(CHECKS_AT_ONCE)

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            from curl_cffi import requests

            session = requests.Session(impersonate="chrome")
            self._local.session = session
        return session

    def chart(
        self, symbol: str, range_: str = "1d", interval: str = "1m", prepost: bool = True, timeout: float | None = None
    ) -> Chart:
        from curl_cffi.requests.exceptions import RequestException

        url = f"{self.base}/v8/finance/chart/{quote(symbol, safe='')}"  # ^VIX as %5EVIX, as Yahoo's own pages
        params = {"range": range_, "interval": interval, "includePrePost": str(prepost).lower(), "events": "div|split"}
        try:
            response = self._session().get(url, params=params, timeout=timeout or self.timeout)
        except RequestException as exc:
            raise UnreachableError(_network_detail(exc)) from None
        status = response.status_code
        if status == 429:
            raise RateLimitedError()
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise YahooError(f"{symbol}: Yahoo error (HTTP {status}, not a chart reply)") from None
        return parse_chart(symbol, body, status)

    def validate(self, symbol: str) -> str | None:
        """None when Yahoo has the symbol, else a sentence saying why it cannot be added."""
        try:
            with self._checks:
                self.chart(symbol, range_="5d", interval="1d", prepost=False)
        except UnknownSymbolError as exc:
            return str(exc)
        except RateLimitedError:
            return "Yahoo is rate limiting requests; try again in a minute"
        except UnreachableError as exc:
            text = str(exc)
            return text[:1].upper() + text[1:]
        except YahooError as exc:
            return str(exc)
        return None
