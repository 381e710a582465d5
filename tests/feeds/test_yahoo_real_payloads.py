"""The live path on payloads real Yahoo produced (see fixtures/yahoo/real/PROVENANCE.md).

Each test names the point of the live-fidelity issue it guards; every one of them failed on the code
before that issue (base from `meta.previousClose` alone, Yahoo's change dropped, New York hours and
dates for every instrument, seven significant digits, every JSON error read as an unknown symbol).
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import math
import struct
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from desktop.core import formatting as fmt
from desktop.core.market_calendar import UsMarketCalendar, write_sessions
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import MarketSession
from desktop.feeds.yahoo_chart import parse_chart
from desktop.feeds.yahoo_errors import UnknownSymbolError, YahooError
from desktop.feeds.yahoo_numbers import f32
from desktop.feeds.yahoo_protocol import FrameError, decode_frame, encode_frame, pricing_type

from ..fakes.yahoo_http import FIXTURES, REAL

NY = ZoneInfo("America/New_York")
AAPL_PRE = FIXTURES / "gadicc_chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"


def recorded(name: str) -> dict[str, Any]:
    return dict(json.loads((REAL / name).read_text())["response"])


def chart_of(name: str, symbol: str) -> Any:
    response = recorded(name)
    return parse_chart(symbol, response["bodyJson"], response["status"])


def frames() -> dict[str, str]:
    return {f["name"]: f["frame"] for f in json.loads((REAL / "stream-frames.json").read_text())}


def frame_text(name: str) -> str:
    return json.dumps({"type": "pricing", "message": frames()[name]})


def ny(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=NY).timestamp()


def aapl_pre_market_body() -> dict[str, Any]:
    return dict(json.loads(AAPL_PRE.read_text())["response"]["bodyJson"])


# -- 1. the base of the day's change before the open ---------------------------------------------


def test_recorded_pre_market_reply_shows_the_last_sessions_change_not_the_one_before() -> None:
    chart = parse_chart("AAPL", aapl_pre_market_body())
    (last,) = chart.quotes()  # the weekend range has no bars: the regular price at its time
    assert (last.price, last.prev_close) == (244.87, 244.47)
    assert last.session is MarketSession.REGULAR  # the official close, stamped 16:00:01, is not post-market
    assert datetime.fromtimestamp(last.time, NY).isoformat() == "2025-02-19T16:00:01-05:00"


def test_pre_market_bars_are_based_on_the_last_regular_close() -> None:
    # The real pre-market metadata (recorded 06:47 New York), with two 1-minute pre-market bars added:
    # the only part of this reply the test writes.
    body = aapl_pre_market_body()
    result = body["chart"]["result"][0]
    stamps = [int(ny("2025-02-20T04:34:00")), int(ny("2025-02-20T04:35:00"))]
    result["timestamp"] = stamps
    result["indicators"] = {"quote": [{"open": [245.0, 245.1], "high": [245.2, 245.3], "low": [244.9, 245.0],
                                       "close": [245.1, 245.04], "volume": [1200, 800]}]}  # fmt: skip
    quotes = parse_chart("AAPL", body).quotes()
    last = quotes[-1]
    assert last.session is MarketSession.PRE
    assert last.prev_close == 244.87  # not meta.previousClose (244.47, the close before the last one)
    assert last.change == pytest.approx(0.17)
    assert (last.regular_close, last.regular_change) == (244.87, pytest.approx(0.40))
    assert fmt.at_close(last) == "At close 244.87 +0.40 (+0.16%)"


# -- 2. Yahoo's own change -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "price", "base", "session"),
    [
        ("aapl-overnight", 276.34, 278.78, MarketSession.OVERNIGHT),  # 278.78: AAPL's 2025-12-10 close
        ("aapl-pre", 305.76, 304.99, MarketSession.PRE),
        ("aapl-regular-2026", 307.2, 309.38, MarketSession.REGULAR),
        ("eurusd-fx", 1.15327, 1.1522, MarketSession.REGULAR),
        ("btc-usd-crypto", 94745.08, 93313.1894, MarketSession.REGULAR),
        ("spy-pre-2022", 431.18, 437.75, MarketSession.PRE),  # 437.75: SPY's 2022-02-25 close
        ("tsla-regular-2021", 676.08, 691.62, MarketSession.REGULAR),  # 691.62: TSLA's 2021-04-06 close
        ("tsla-post-2026", 407.4805, 407.82, MarketSession.POST),  # after hours: from that day's own close
    ],
)
def test_stream_frames_keep_yahoos_change(name: str, price: float, base: float, session: MarketSession) -> None:
    quote = decode_frame(frame_text(name))
    assert quote.price == price
    assert quote.prev_close == pytest.approx(base, abs=1e-9)
    assert quote.session is session
    message = pricing_type()()
    message.ParseFromString(base64.b64decode(frames()[name]))
    assert quote.change == pytest.approx(message.change, abs=5e-5)  # Yahoo's figure, to float32's precision
    assert quote.change_pct == pytest.approx(message.change_percent, abs=5e-5)


@pytest.mark.parametrize("name", sorted(frames()))
def test_a_bare_frame_reads_as_its_version_2_envelope(name: str) -> None:
    """The streamer's first version sends the base64 alone (as these recordings hold it): the same quote."""
    bare = frames()[name]
    assert decode_frame(bare) == decode_frame(frame_text(name))
    assert decode_frame(f" {bare}\n".encode()) == decode_frame(frame_text(name))


@pytest.mark.parametrize("text", ["this is not json", "Q0FU", "%%%%", "QUJD" * 3 + "=", b"\xff\xfe\x00\x01"])
def test_text_that_is_neither_envelope_nor_pricing_base64_is_refused(text: str | bytes) -> None:
    with pytest.raises(FrameError):
        decode_frame(text)


def test_the_store_keeps_yahoos_base_for_a_frame_that_states_it() -> None:
    store = QuoteStore()
    store.apply(Quote("AAPL", 278.78, ny("2025-12-10T15:59:00"), prev_close=278.03, currency="USD", price_hint=2,
                      timezone="America/New_York"))  # fmt: skip
    store.apply(decode_frame(frame_text("aapl-overnight")))
    shown = store.latest("AAPL")
    assert shown is not None
    assert fmt.quote_change(shown) == "-2.44"
    assert fmt.format_pct(shown.change_pct) == "-0.88%"
    assert (shown.regular_close, shown.currency) == (278.78, "USD")  # At close, and what the snapshot said


def test_four_real_msft_frames_in_a_row_make_one_days_quote_and_fire_a_crossing_among_them() -> None:
    """yliveticker's recorded MSFT frames of 2020-05-15: the first carries the day's range, the later ones
    only price and volume. The store keeps the range and widens it to a lower print; the volume follows
    the frames; a rule crossing below 177.30 fires on the 11:05:20 print of 177.27, and once."""
    from desktop.core.alerts.engine import AlertEngine
    from desktop.core.alerts.rules import rule_from_dict

    quotes = [decode_frame(frame_text(f"msft-regular-2020-{k}")) for k in "abcd"]
    assert [datetime.fromtimestamp(q.time, NY).strftime("%H:%M:%S") for q in quotes] == [
        "11:00:09", "11:05:20", "11:05:23", "11:05:23"
    ]  # fmt: skip
    assert (quotes[0].day_high, quotes[0].day_low) == (pytest.approx(180.1336, abs=1e-4), 177.42)
    assert all(q.day_high is None and q.prev_close == pytest.approx(180.53, abs=1e-4) for q in quotes[1:])
    store = QuoteStore()
    rule = rule_from_dict({"id": "msft", "type": "price", "symbol": "MSFT", "condition": "crosses_below",
                           "level": 177.3})  # fmt: skip
    engine = AlertEngine([rule])
    fired = []
    for quote in quotes:
        store.apply(quote)
        fired += engine.process([quote])
    shown = store.latest("MSFT")
    assert shown is not None and shown.price == 177.29 and shown.volume == 11_021_582
    assert (shown.day_high, shown.day_low) == (pytest.approx(180.1336, abs=1e-4), 177.27)
    assert (fmt.quote_change(shown), fmt.format_pct(shown.change_pct)) == ("-3.24", "-1.79%")
    assert [(f.value, datetime.fromtimestamp(f.time, NY).strftime("%H:%M:%S")) for f in fired] == [(177.27, "11:05:20")]


def shown_after(close: Quote, later: Quote) -> Quote:
    """What the row shows once `later` arrives after the day's `close` (through a quote store)."""
    store = QuoteStore()
    store.apply(close)
    store.apply(later)
    shown = store.latest(later.symbol)
    assert shown is not None
    return shown


def test_a_published_post_market_message_keeps_yahoos_change_from_the_days_close() -> None:
    """TSLA after the close of 2021-11-05, as a Node-RED node's README publishes the decoded message:
    Yahoo's change in the post-market is from that day's regular close (1219.83 + 2.26 = 1222.09)."""
    (published,) = [m["published"] for m in json.loads((REAL / "stream-decoded.json").read_text())]
    frame = encode_frame(
        id=published["id"], price=published["price"], time=published["time"], exchange=published["exchange"],
        quote_type=8, market_hours=2, change_percent=published["changePercent"], change=published["change"],
        price_hint=int(published["priceHint"]),
    )  # fmt: skip  # EQUITY is 8, POST_MARKET 2 in Yahoo's enums
    quote = decode_frame(frame)
    assert (quote.symbol, quote.price, quote.session) == ("TSLA", 1219.83, MarketSession.POST)
    assert datetime.fromtimestamp(quote.time, NY).isoformat() == "2021-11-05T17:11:26-04:00"
    assert quote.prev_close == pytest.approx(1222.09, abs=1e-4)
    # The day's close as the snapshot would give it (its own base, 1229.91, is the test's)
    shown = shown_after(Quote("TSLA", 1222.09, ny("2021-11-05T16:00:00"), prev_close=1229.91, price_hint=2), quote)
    assert shown.session is MarketSession.POST
    assert (fmt.quote_change(shown), fmt.format_pct(shown.change_pct)) == ("-2.26", "-0.18%")
    assert shown.regular_close == 1222.09 and fmt.at_close(shown).startswith("At close 1,222.09 -7.82")


def test_a_recorded_post_market_frame_is_measured_from_the_days_close() -> None:
    """A real after-hours frame (TSLA at 17:14 New York on 2026-03-11, `market_hours` 2): four decimals as
    sent, Yahoo's change from that day's close of 407.82, and the row's "At close" from the day's own
    regular quotes."""
    quote = decode_frame(frame_text("tsla-post-2026"))
    assert datetime.fromtimestamp(quote.time, NY).isoformat() == "2026-03-11T17:14:24-04:00"
    assert (quote.price, quote.session, quote.volume) == (407.4805, MarketSession.POST, None)
    shown = shown_after(Quote("TSLA", 407.82, ny("2026-03-11T16:00:00"), prev_close=398.0, price_hint=2), quote)
    assert shown.session is MarketSession.POST
    assert (fmt.quote_change(shown), fmt.format_pct(shown.change_pct)) == ("-0.34", "-0.08%")
    assert shown.regular_close == 407.82 and fmt.at_close(shown).startswith("At close 407.82 +9.82")


def test_a_regular_frame_reads_as_its_source_asserts() -> None:
    """yflive's own test asserts this TSLA frame's time, volume and exchange; its change puts the base at
    TSLA's 2021-04-06 close, 691.62."""
    quote = decode_frame(frame_text("tsla-regular-2021"))
    assert quote.time == 1617815434.0 and quote.volume == 15605331.0 and quote.session is MarketSession.REGULAR
    assert (fmt.quote_change(quote), fmt.format_pct(quote.change_pct)) == ("-15.54", "-2.25%")


# -- 3. across New York midnight -----------------------------------------------------------------


def test_a_post_market_print_never_becomes_the_base_after_midnight() -> None:
    store = QuoteStore()
    store.apply(Quote("AAPL", 101.0, ny("2025-12-10T15:59:30"), prev_close=100.0))
    store.apply(Quote("AAPL", 102.0, ny("2025-12-10T19:59:00"), session=MarketSession.POST))
    store.apply(Quote("AAPL", 102.5, ny("2025-12-11T00:05:00"), session=MarketSession.OVERNIGHT))
    overnight = store.latest("AAPL")
    assert overnight is not None and overnight.prev_close == 101.0  # the regular close, not 102.0
    assert (overnight.regular_close, overnight.regular_change) == (101.0, 1.0)
    store.apply(Quote("AAPL", 103.0, ny("2025-12-11T09:31:00")))  # the new session's base is that close too
    opened = store.latest("AAPL")
    assert opened is not None and opened.prev_close == 101.0 and opened.regular_close is None


def test_a_warrant_with_no_currency_and_no_bars_is_one_quote_at_its_own_decimals() -> None:
    """LUCYW as Yahoo answered for a range with no trading: `currency` null, the quote indicator an empty
    object, no timestamps. One quote at the regular price, four decimals as `priceHint` says; the close
    before the asked range (`chartPreviousClose`, 2023's) is no base for the day's change."""
    chart = chart_of("chart-LUCYW-null-currency.json", "LUCYW")
    (quote,) = chart.quotes()
    assert (quote.price, quote.currency, quote.price_hint, quote.prev_close) == (0.1246, None, 4, None)
    assert (quote.day_low, quote.day_high, quote.volume) == (0.1001, 0.1246, 4152.0)
    assert datetime.fromtimestamp(quote.time, NY).isoformat() == "2025-06-13T09:46:00-04:00"
    assert (fmt.quote_price(quote), fmt.quote_change(quote), fmt.format_pct(quote.change_pct)) == ("0.1246", "—", "—")
    assert chart.name == "Innovative Eyewear, Inc."


def test_an_index_whose_stated_day_range_lags_its_price_shows_a_range_that_holds_it() -> None:
    """^TNX (the 10-year yield, a Cboe index in Chicago's zone) as Yahoo answered at 13:59 CST: its meta
    states a day range of 4.237-4.261 while its price is 4.275 and the session's own 5-minute bars reach
    4.279. A regular-session quote shows a day range that holds its price and the session's bars; Yahoo's
    stated low, below every bar, stands. An index has no volume."""
    chart = chart_of("chart-TNX-index-5m-1d-chicago.json", "^TNX")
    last = chart.quotes()[-1]
    assert (last.price, last.prev_close, last.session) == (4.275, 4.227, MarketSession.REGULAR)
    assert datetime.fromtimestamp(last.time, ZoneInfo(last.timezone)).isoformat() == "2026-02-02T13:59:52-06:00"
    bars_high = max(bar[2] for bar in chart.bars)
    assert last.day_low == 4.237 and last.day_high == bars_high and bars_high >= last.price
    assert last.volume is None and chart.instrument == "INDEX"
    assert fmt.format_range(last.day_low, last.day_high, last.decimals) == "4.2370 – 4.2790"
    assert (fmt.quote_change(last), fmt.format_pct(last.change_pct)) == ("+0.0480", "+1.14%")
    for quote in chart.quotes():
        assert quote.day_low is not None and quote.day_high is not None
        assert quote.day_low <= quote.price <= quote.day_high, quote


@pytest.mark.parametrize("name", ["chart-SOX-index-1mo-daily.json", "chart-KOSPI-25.KS-zero-placeholders.json"])
def test_the_recordings_published_with_a_digest_are_byte_for_byte_yahoos(name: str) -> None:
    """Their source published each body's SHA-256 beside it: written back compactly, the body is the same."""
    import hashlib

    recording = json.loads((REAL / name).read_text())
    compact = json.dumps(recording["response"]["bodyJson"], separators=(",", ":"))
    assert hashlib.sha256(compact.encode()).hexdigest() == recording["request"]["sha256"]


def test_a_bar_stamped_at_the_regular_market_time_is_the_regular_price_with_yahoos_change() -> None:
    """KOSPI-25.KS (a Korean index) as Yahoo answered: its one bar is stamped at `regularMarketTime`, 20:05
    Seoul time, after the close, and carries the regular price; zeros stand in for the day's high and low.
    That bar is the regular price, with Yahoo's change (+428.742, +0.93 %), not a late print measured from
    its own close (+0.00)."""
    chart = chart_of("chart-KOSPI-25.KS-zero-placeholders.json", "KOSPI-25.KS")
    (quote,) = chart.quotes()
    assert (quote.price, quote.currency, quote.timezone) == (46539.14, "KRW", "Asia/Seoul")
    assert datetime.fromtimestamp(quote.time, ZoneInfo("Asia/Seoul")).isoformat() == "2026-10-02T20:05:40+09:00"
    assert quote.session is MarketSession.REGULAR and quote.prev_close == pytest.approx(46110.398)
    assert (fmt.quote_change(quote), fmt.format_pct(quote.change_pct)) == ("+428.74", "+0.93%")
    assert (quote.day_low, quote.day_high, quote.volume) == (46539.14, 46539.14, None), "no zeros as prices"


def test_a_post_market_bar_that_starts_on_the_second_of_the_close_stays_a_bar() -> None:
    """The recorded AAPL reply with its regular time moved to 16:00:00 and two post-market bars set by the
    test, the first starting that second: both stay post-market quotes measured from the close; only a
    last bar stamped at the regular time is the regular price."""
    body = aapl_pre_market_body()
    result = body["chart"]["result"][0]
    close_time = int(ny("2025-02-19T16:00:00"))
    result["meta"]["regularMarketTime"] = close_time
    result["timestamp"] = [close_time, close_time + 60]
    result["indicators"] = {"quote": [{"open": [244.9, 245.0], "high": [245.1, 245.2], "low": [244.8, 244.9],
                                       "close": [245.0, 245.1], "volume": [5000, 3000]}]}  # fmt: skip
    quotes = parse_chart("AAPL", body).quotes()
    assert [(q.price, q.session, q.prev_close) for q in quotes] == [
        (245.0, MarketSession.POST, 244.87),
        (245.1, MarketSession.POST, 244.87),
    ]


def test_a_daily_reply_takes_yahoos_change_not_the_close_a_month_back() -> None:
    """^SOX, a month of daily bars recorded at 11:58 New York time: `chartPreviousClose` (11735.26) is the
    close before the month; Yahoo's own change (-8.444) puts the base at the last session's close."""
    chart = chart_of("chart-SOX-index-1mo-daily.json", "^SOX")
    last = chart.quotes()[-1]
    assert datetime.fromtimestamp(last.time, NY).isoformat() == "2026-10-05T11:58:54-04:00"
    assert last.price == 13128.23 and last.prev_close == pytest.approx(13136.674)
    assert (fmt.quote_change(last), fmt.format_pct(last.change_pct)) == ("-8.44", "-0.06%")
    history = chart.daily_quotes(before=date(2026, 10, 5))
    assert len(history) == 19 and history[-1].price == 13136.67
    assert datetime.fromtimestamp(history[-1].time, NY).date() == date(2026, 10, 2)


# -- 4. errors -----------------------------------------------------------------------------------


def test_only_yahoos_not_found_means_an_unknown_symbol() -> None:
    with pytest.raises(UnknownSymbolError):
        chart_of("chart-WSKT.JK-404.json", "WSKT.JK")
    errors = json.loads((REAL / "errors.json").read_text())
    bad = errors["bad_request_400"]
    with pytest.raises(YahooError) as caught:
        parse_chart("AAPL", bad["body"], bad["status"])
    assert not isinstance(caught.value, UnknownSymbolError)
    assert "Bad Request" in str(caught.value) and "HTTP 400" in str(caught.value)
    unavailable = {"chart": {"result": None, "error": {"code": "Internal Server Error", "description": "oops"}}}
    with pytest.raises(YahooError) as caught:
        parse_chart("AAPL", unavailable, 503)
    assert not isinstance(caught.value, UnknownSymbolError)


@pytest.mark.parametrize(
    "body",
    [
        {"chart": {"result": [{"meta": 5, "timestamp": "x", "indicators": {"quote": [7]}}], "error": None}},
        {"chart": {"result": [{"meta": {}, "timestamp": [1e30, -5, "a"], "indicators": {"quote": [{}]}}]}},
        {"chart": {"result": 3}},
        [1, 2, 3],
    ],
)
def test_replies_of_an_unexpected_shape_are_yahoo_errors_not_crashes(body: Any) -> None:
    try:
        chart = parse_chart("AAPL", body, 200)
    except UnknownSymbolError:
        pytest.fail("an odd reply is not an unknown symbol")
    except YahooError:
        return
    assert chart.bars == []  # what was readable of it: nothing


# -- 6. the exchange's zone, hours and dates -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "symbol", "dates"),
    [
        ("chart-BTC-USD-2020-01-01-to-2020-01-03.json", "BTC-USD", ["2020-01-01", "2020-01-02", "2020-01-03"]),
        ("chart-EURUSD=X-2020-01-01-to-2020-01-03.json", "EURUSD=X", ["2020-01-01", "2020-01-02", "2020-01-03"]),
        ("chart-WSKT.JK-2020-01-01-to-2020-01-03.json", "WSKT.JK", ["2020-01-02"]),
        ("chart-WSU.DE-2023-08-04-to-2023-08-09.json", "WSU.DE", ["2023-08-04", "2023-08-07", "2023-08-08"]),
        ("chart-OCDO.L-2020-01-01-to-2020-01-03.json", "OCDO.L", ["2020-01-02"]),
    ],
)
def test_daily_bars_are_dated_in_the_exchanges_zone(name: str, symbol: str, dates: list[str]) -> None:
    chart = chart_of(name, symbol)
    daily = chart.daily_quotes(before=date(2100, 1, 1))
    assert [fmt.iso_time(q) for q in daily] == dates


def test_sessions_follow_each_exchanges_own_hours() -> None:
    frankfurt = chart_of("chart-WSU.DE-2023-08-04-to-2023-08-09.json", "WSU.DE").hours
    assert frankfurt.session(ny("2026-10-02T08:32:00")) is MarketSession.REGULAR  # 14:32 in Frankfurt
    assert frankfurt.session(ny("2026-10-02T12:00:00")) is MarketSession.POST  # 18:00: XETRA's post period
    jakarta = chart_of("chart-WSKT.JK-2020-01-01-to-2020-01-03.json", "WSKT.JK").hours
    assert jakarta.session(ny("2025-02-19T22:00:00")) is MarketSession.REGULAR  # 10:00 on the 20th, WIB
    bitcoin = chart_of("chart-BTC-USD-2020-01-01-to-2020-01-03.json", "BTC-USD").hours
    assert bitcoin.session(ny("2026-10-03T12:00:00")) is MarketSession.REGULAR  # a Saturday: crypto trades


def test_a_funds_nav_is_a_regular_session_price_in_its_own_zone_and_currency() -> None:
    chart = chart_of("chart-0P000071W8.TO-2020-01-01-to-2020-01-03.json", "0P000071W8.TO")
    nav = chart.quotes()[-1]
    assert (nav.price, nav.session, nav.currency) == (195.29, MarketSession.REGULAR, "CAD")
    assert fmt.iso_time(nav) == "2026-10-02T16:00:00-04:00"
    assert fmt.quote_price(nav) == "195.29 CAD"


# -- 8. precision, units -------------------------------------------------------------------------


def test_float32_prices_read_back_as_the_decimal_yahoo_sent() -> None:
    assert decode_frame(frame_text("btc-usd-crypto")).price == 94745.08
    for price in (104234.55, 118765.43, 99999.99, 672.35, 1.15327):
        sent = struct.unpack("<f", struct.pack("<f", price))[0]
        assert f32(sent) == price  # seven significant digits would say 104234.5, 118765.4
    assert fmt.format_price(104234.546875, 2) == "104,234.55"


def test_fx_decimals_come_from_the_price_hint() -> None:
    store = QuoteStore()
    store.apply(decode_frame(frame_text("eurusd-fx")))
    quote = store.latest("EURUSD=X")
    assert quote is not None
    assert fmt.quote_price(quote) == "1.1533"
    assert fmt.quote_change(quote) == "+0.0011"
    assert fmt.format_pct(quote.change_pct) == "+0.09%"
    chart = chart_of("chart-EURUSD=X-2020-01-01-to-2020-01-03.json", "EURUSD=X")
    assert chart.price_hint == 4 and chart.bars[0][4] == 1.1220826


def test_a_whole_change_yahoo_writes_without_decimals_is_exact_not_rounded_to_units() -> None:
    """Gold futures (GC=F) on 2026-10-02: `fulldayChange` -40 (a whole number, written as JSON writes one)
    beside `regularMarketChangePercent` -0.952 (rounded to three decimals). The change is -40.00, its base
    4202.30: read from the percent, the base was 4202.306 and the change -40.01."""
    chart = chart_of("chart-GC=F-2020-01-01-to-2020-01-03.json", "GC=F")
    quote = chart.quotes()[-1]
    assert (quote.price, quote.prev_close, quote.session) == (4162.3, 4202.3, MarketSession.REGULAR)
    assert (fmt.quote_change(quote), fmt.format_pct(quote.change_pct)) == ("-40.00", "-0.95%")
    assert chart.hours.regular == (0, 86400), "a future trades round the clock: its day is all regular"


def test_pence_are_shown_as_pence() -> None:
    quote = chart_of("chart-OCDO.L-2020-01-01-to-2020-01-03.json", "OCDO.L").quotes()[-1]
    assert quote.currency == "GBp"
    assert fmt.quote_price(quote) == "260.40 GBp"
    assert fmt.quote_record(quote)["currency"] == "GBp"


def test_crypto_volume_is_a_rolling_24_hours_and_not_made_into_bars() -> None:
    store = QuoteStore()
    quote = decode_frame(frame_text("btc-usd-crypto"))
    store.apply(quote)
    later = quote._replace(price=94800.0, time=quote.time + 30, volume=quote.volume + 5e8)  # type: ignore[operator]
    store.apply(later)
    shown = store.latest("BTC-USD")
    assert shown is not None and shown.volume_24h
    assert fmt.quote_volume(shown).endswith("(24h)")
    bars = store.minute_bars("BTC-USD")
    assert bars is not None and float(bars.column("v").sum()) == 0.0  # no session volume differenced from it
    assert fmt.quote_record(shown)["volume_window"] == "24h"


def test_nothing_rounds_to_a_signed_zero() -> None:
    assert fmt.format_change(-0.001, 150.0) == "0.00"
    assert fmt.format_pct(-0.004) == "0.00%"
    assert fmt.format_change(0.004, 1.1, 4) == "+0.0040"
    record = fmt.quote_record(Quote("X", 10.0, 1.7e9, prev_close=10.0))
    assert record["change"] == 0.0 and not math.copysign(1.0, record["change"]) < 0  # type: ignore[arg-type]


# -- 9. the market calendar ----------------------------------------------------------------------


def test_the_calendar_knows_thanksgiving_and_the_early_close() -> None:
    calendar = UsMarketCalendar()
    assert calendar.warm(today=date(2025, 11, 20))
    assert not calendar.is_regular(ny("2025-11-27T11:00:00"))  # Thanksgiving
    assert calendar.is_regular(ny("2025-11-28T12:59:00"))
    assert not calendar.is_regular(ny("2025-11-28T13:01:00"))  # the day after closes at 13:00
    assert calendar.state(ny("2025-11-28T12:00:00")).text == "Market open · early close 13:00 ET"
    assert calendar.state(ny("2025-11-29T10:00:00")).text == "Market closed · opens Mon 09:30 ET"
    assert calendar.state(ny("2025-11-27T10:00:00")).text == "Market closed (holiday) · opens Fri 09:30 ET"


def test_before_the_calendar_loads_the_weekday_clock_answers() -> None:
    calendar = UsMarketCalendar()
    assert calendar.is_regular(ny("2025-11-27T11:00:00"))  # not loaded: holidays unknown, as before
    assert not calendar.is_regular(ny("2025-11-29T11:00:00"))


# -- a split, for completeness: bars are as Yahoo adjusted them ----------------------------------


def test_split_adjusted_daily_bars_read_without_a_jump() -> None:
    chart = chart_of("chart-NVDA-split-2021-02-01-to-2022-01-31.json", "NVDA")
    closes = [bar[4] for bar in chart.bars]
    assert len(closes) == 252
    moves = [abs(b / a - 1) for a, b in itertools.pairwise(closes)]
    assert max(moves) < 0.2  # a 4:1 split unadjusted would be a 75 % fall in one day
    assert datetime.fromtimestamp(chart.bars[0][0], UTC).date() == date(2021, 2, 1)


def test_fixture_files_are_not_edited_in_place() -> None:
    body = aapl_pre_market_body()
    before = copy.deepcopy(body)
    parse_chart("AAPL", body).quotes()
    assert body == before


@pytest.mark.expected_log_warnings
def test_the_frozen_builds_session_table_answers_like_the_library(tmp_path: Path) -> None:
    table = tmp_path / "xnys.json"
    assert write_sessions(table, date(2025, 1, 1), date(2026, 12, 31)) == 250 + 251
    from_file = UsMarketCalendar()
    # As in the bundle: the library cannot be imported, the table is read instead.
    with patch.dict(sys.modules, {"exchange_calendars": None}):
        assert from_file.warm(today=date(2025, 11, 20), sessions_file=table)
    assert not from_file.is_regular(ny("2025-11-27T11:00:00"))
    assert from_file.state(ny("2025-11-28T12:00:00")).text == "Market open · early close 13:00 ET"
    too_short = UsMarketCalendar()
    with patch.dict(sys.modules, {"exchange_calendars": None}):
        assert not too_short.warm(today=date(2027, 6, 1), sessions_file=table)  # beyond the table: not trusted
