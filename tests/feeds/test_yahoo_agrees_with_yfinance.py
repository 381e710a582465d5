"""Our chart reading agrees with yfinance's own on the real recorded replies.

The app reads the chart endpoint itself (the README says why); where yfinance already gets a point right
(dates of daily bars in the exchange's zone, the bars' values) the two must agree. yfinance's parser is
called here as a library, on the same bodies.
"""

from __future__ import annotations

import json
import warnings
from datetime import date

import pytest

from desktop.core.formatting import iso_time
from desktop.feeds.yahoo_chart import parse_chart

from ..fakes.yahoo_http import REAL

DAILY = [
    ("chart-BTC-USD-2020-01-01-to-2020-01-03.json", "BTC-USD"),
    ("chart-EURUSD=X-2020-01-01-to-2020-01-03.json", "EURUSD=X"),
    ("chart-OCDO.L-2020-01-01-to-2020-01-03.json", "OCDO.L"),
    ("chart-WSU.DE-2023-08-04-to-2023-08-09.json", "WSU.DE"),
    ("chart-WSKT.JK-2020-01-01-to-2020-01-03.json", "WSKT.JK"),
    ("chart-0P000071W8.TO-2020-01-01-to-2020-01-03.json", "0P000071W8.TO"),
    ("chart-NVDA-split-2021-02-01-to-2022-01-31.json", "NVDA"),
    ("chart-GC=F-2020-01-01-to-2020-01-03.json", "GC=F"),
]


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # yfinance's own pandas deprecation
@pytest.mark.parametrize(("name", "symbol"), DAILY)
def test_daily_dates_and_closes_agree_with_yfinance(name: str, symbol: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # yfinance's own pandas deprecations
        import yfinance.utils as yf_utils

        body = json.loads((REAL / name).read_text())["response"]["bodyJson"]
        result = body["chart"]["result"][0]
        theirs = yf_utils.parse_quotes(result)
        zone = result["meta"]["exchangeTimezoneName"]
        theirs.index = theirs.index.tz_localize("UTC").tz_convert(zone)
    ours = parse_chart(symbol, body).daily_quotes(before=date(2100, 1, 1))
    assert [q.timezone for q in ours[:1]] == [zone]
    their_rows = [(ts.date().isoformat(), float(close)) for ts, close in theirs["Close"].dropna().items()]
    our_rows = [(iso_time(q), q.price) for q in ours]
    assert [d for d, _ in our_rows] == [d for d, _ in their_rows]
    assert [p for _, p in our_rows] == pytest.approx([p for _, p in their_rows], rel=1e-6)
