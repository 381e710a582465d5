"""Reading price files: timestamps, previous closes across sessions, day figures, and bad files."""

from __future__ import annotations

import csv
import itertools
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from desktop.core.prices import PriceFileError, PriceSeries, load_prices, read_price_file
from desktop.core.sessions import session_date


def test_daily_rows_carry_previous_session_close(daily_dir: Path) -> None:
    amzn = read_price_file(daily_dir / "AMZN.csv")
    assert amzn.daily and amzn.symbol == "AMZN"
    i = amzn.index_at(amzn.times[np.flatnonzero(amzn.session == session_ordinal("2025-12-19"))[0]])
    assert amzn.close[i] == pytest.approx(227.35)
    assert amzn.prev_close[i] == pytest.approx(226.76)
    assert np.isnan(amzn.prev_close[0]), "the first session has no previous close"


def session_ordinal(text: str) -> int:
    from datetime import date

    return date.fromisoformat(text).toordinal()


def test_daily_matches_plain_csv_reading(daily_dir: Path) -> None:
    with (daily_dir / "IWM.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    iwm = read_price_file(daily_dir / "IWM.csv")
    assert len(iwm) == len(rows)
    k = next(n for n, r in enumerate(rows) if r["Date"] == "2025-12-11")
    assert iwm.close[k] == pytest.approx(257.80)
    assert iwm.prev_close[k] == pytest.approx(float(rows[k - 1]["Close"]))
    assert session_date(float(iwm.times[k])).isoformat() == "2025-12-11"


def test_intraday_day_figures_and_session_boundary(intraday_dir: Path) -> None:
    spy = read_price_file(intraday_dir / "SPY.csv")
    assert not spy.daily
    with (intraday_dir / "SPY.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    days = [r["Datetime"][:10] for r in rows]
    second_day_start = days.index(days[0]) + days.count(days[0])
    last_close_day1 = float(rows[second_day_start - 1]["Close"])
    # Every bar of the second session compares with the first session's last 5-minute close.
    j = second_day_start + 10
    assert spy.prev_close[j] == pytest.approx(last_close_day1)
    assert spy.prev_close[second_day_start] == pytest.approx(last_close_day1)
    assert np.isnan(spy.prev_close[second_day_start - 1])
    day_rows = rows[second_day_start : j + 1]
    assert spy.day_high[j] == pytest.approx(max(float(r["High"]) for r in day_rows))
    assert spy.day_low[j] == pytest.approx(min(float(r["Low"]) for r in day_rows))
    assert spy.day_volume[j] == pytest.approx(sum(float(r["Volume"]) for r in day_rows))


def test_day_figures_of_daily_rows_and_of_a_session_without_volume() -> None:
    from desktop.core.prices import build_series
    from desktop.core.sessions import close_timestamp

    daily = [(close_timestamp(date(2025, 1, d)), o, o + 2, o - 2, o + 1, v) for d, o, v in
             ((2, 100.0, 10.0), (3, 110.0, math.nan), (6, 90.0, 30.0))]  # fmt: skip
    bars = build_series("D", True, daily)
    assert bars.prev_close[1:].tolist() == [101.0, 111.0] and math.isnan(bars.prev_close[0])
    assert bars.day_open.tolist() == [100.0, 110.0, 90.0] and bars.day_high.tolist() == [102.0, 112.0, 92.0]
    assert bars.day_volume[[0, 2]].tolist() == [10.0, 30.0] and math.isnan(bars.day_volume[1])
    open_1 = close_timestamp(date(2025, 1, 2)) - 6.5 * 3600
    open_2 = close_timestamp(date(2025, 1, 3)) - 6.5 * 3600
    minutes = [(open_1, 5.0, 6.0, 4.0, 5.5, math.nan), (open_1 + 60, 5.5, 7.0, 5.0, 6.5, math.nan),
               (open_2, 6.0, 6.5, 3.0, 6.2, math.nan), (open_2 + 60, 6.2, 6.3, 6.0, 6.1, 40.0),
               (open_2 + 120, 6.1, 8.0, 6.0, 7.9, math.nan)]  # fmt: skip
    bars = build_series("M", False, minutes)
    assert bars.day_high.tolist() == [6.0, 7.0, 6.5, 6.5, 8.0] and bars.day_low.tolist() == [4.0, 4.0, 3.0, 3.0, 3.0]
    assert np.isnan(bars.day_volume[:2]).all(), "a session that states no volume has none, not 0"
    assert bars.day_volume[2:].tolist() == [0.0, 40.0, 40.0]
    assert bars.prev_close[2:].tolist() == [6.5] * 3 and bars.day_open.tolist() == [5.0, 5.0, 6.0, 6.0, 6.0]


def test_offsets_order_as_instants(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        "ABC",
        """Datetime,Open,High,Low,Close,Volume
2026-03-02T15:00:00+00:00,1,1,1,11,1
2026-03-02T09:30:00-05:00,1,1,1,10,1""",
    )
    series = read_price_file(path)
    assert list(series.close) == [10.0, 11.0]  # 09:30 New York is 14:30 UTC, before 15:00 UTC


def test_missing_close_rows_are_skipped(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        "ABC", "Date,Open,High,Low,Close,Volume\n2025-01-02,1,1,1,5,10\n2025-01-03,,,,,\n2025-01-06,1,1,1,6,10"
    )
    series = read_price_file(path)
    assert list(series.close) == [5.0, 6.0]
    assert series.prev_close[1] == 5.0


@pytest.mark.parametrize(("folder", "stamp"), [("daily", "Date"), ("intraday", "Datetime")])
def test_a_file_of_closes_alone_reads_as_the_full_file_does(
    daily_dir: Path, intraday_dir: Path, tmp_path: Path, folder: str, stamp: str
) -> None:
    source = (daily_dir if folder == "daily" else intraday_dir) / "NVDA.csv"
    with source.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    closes = tmp_path / "NVDA.csv"
    closes.write_text(f"{stamp},Close\n" + "".join(f"{r[stamp]},{r['Close']}\n" for r in rows))
    full, alone = read_price_file(source), read_price_file(closes)
    assert len(alone) == len(full) > 100
    for name in ("times", "close", "session", "prev_close"):
        assert np.array_equal(getattr(alone, name), getattr(full, name), equal_nan=True), name
    assert np.array_equal(alone.open, alone.close) and np.array_equal(alone.high, alone.close)
    assert np.isnan(alone.volume).all() and np.isnan(alone.day_volume).all(), "no volume is not a volume of 0"


@pytest.mark.parametrize(
    ("folder", "header", "newest_first"),
    [
        ("daily", "date,close,high,low,open,volume", False),  # lower case, columns reordered (Tiingo's order)
        ("daily", "timestamp,open,high,low,close,volume", True),  # Alpha Vantage's daily CSV
        ("intraday", "timestamp,open,high,low,close,volume", False),
        ("intraday", "DATETIME,OPEN,HIGH,LOW,CLOSE,VOLUME", False),
    ],
)
def test_column_names_in_any_case_and_a_timestamp_column_read_as_the_bundled_file(
    daily_dir: Path, intraday_dir: Path, tmp_path: Path, folder: str, header: str, newest_first: bool
) -> None:
    source = (daily_dir if folder == "daily" else intraday_dir) / "NVDA.csv"
    with source.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    stamp = "Date" if folder == "daily" else "Datetime"
    names = header.split(",")
    canonical = [stamp if k == 0 else name.capitalize() for k, name in enumerate(names)]
    lines = [",".join(r[name] for name in canonical) for r in rows]
    renamed = tmp_path / "NVDA.csv"
    renamed.write_text(header + "\n" + "\n".join(reversed(lines) if newest_first else lines) + "\n")
    full, read = read_price_file(source), read_price_file(renamed)
    assert read.daily is full.daily and len(read) == len(full) > 100
    for name in ("times", "open", "high", "low", "close", "volume", "session", "prev_close", "day_high"):
        assert np.array_equal(getattr(read, name), getattr(full, name), equal_nan=True), name


def test_spaces_after_the_commas_and_quoted_numbers_read_as_the_bundled_file(
    intraday_dir: Path, tmp_path: Path
) -> None:
    """A spreadsheet's "a, b" and quoted numbers (the parser skips those spaces only where there are any)."""
    source = intraday_dir / "NVDA.csv"
    lines = source.read_text().splitlines()
    spaced = tmp_path / "NVDA.csv"
    spaced.write_text("\n".join(", ".join(line.split(",")) for line in lines) + "\n")
    quoted = tmp_path / "quoted" / "NVDA.csv"
    quoted.parent.mkdir()
    rows = ([v if k == 0 else f'"{v}"' for k, v in enumerate(line.split(","))] for line in lines)
    quoted.write_text("\n".join(", ".join(row) for row in rows))
    full = read_price_file(source)
    for path in (spaced, quoted):
        read = read_price_file(path)
        assert len(read) == len(full) > 100
        for name in ("times", "open", "high", "low", "close", "volume", "session", "prev_close", "day_high"):
            assert np.array_equal(getattr(read, name), getattr(full, name), equal_nan=True), (path, name)


def _us(day: str) -> str:
    year, month, dom = day.split("-")
    return f"{month}/{dom}/{year}"


@pytest.mark.parametrize("site", ["nasdaq", "marketwatch"])
def test_a_download_from_a_quote_site_reads_as_the_bundled_file(daily_dir: Path, tmp_path: Path, site: str) -> None:
    """Nasdaq's "Download historical data" (Date,Close/Last,Volume,Open,High,Low; 11/26/2025; $185.10; newest
    first) and MarketWatch's (month-first dates, volumes as "1,234,567"): the same series as the bundled file."""
    source = daily_dir / "NVDA.csv"
    with source.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    money = lambda text: f"${float(text):,.4f}".rstrip("0").rstrip(".")  # noqa: E731
    if site == "nasdaq":
        header = "Date,Close/Last,Volume,Open,High,Low"
        lines = [f"{_us(r['Date'])},{money(r['Close'])},{int(float(r['Volume']))},{money(r['Open'])},"
                 f"{money(r['High'])},{money(r['Low'])}" for r in reversed(rows)]  # fmt: skip
    else:
        header = "Date,Open,High,Low,Close,Volume"
        lines = [f"{_us(r['Date'])},{r['Open']},{r['High']},{r['Low']},{r['Close']},\"{int(float(r['Volume'])):,}\""
                 for r in rows]  # fmt: skip
    assert any("," in line.split('"')[1] for line in lines if '"' in line) or site == "nasdaq"
    written = tmp_path / "NVDA.csv"
    written.write_text(header + "\n" + "\n".join(lines) + "\n")
    full, read = read_price_file(source), read_price_file(written)
    assert read.daily and len(read) == len(full) > 600
    for name in ("times", "open", "high", "low", "close", "volume", "session", "prev_close"):
        assert np.array_equal(getattr(read, name), getattr(full, name), equal_nan=True), name


def _published(tmp_path: Path, symbol: str, text: str, full: PriceSeries) -> tuple[PriceSeries, int]:
    """Rows as published from a real download, read as `symbol`, and where the first of them is in `full`."""
    path = tmp_path / "published.csv"
    path.write_text(text)
    read = read_price_file(path, symbol)
    return read, int(np.flatnonzero(full.times == read.times[0])[0])


def _abbreviated(volume: float) -> str:
    for scale, letter in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if volume >= scale:
            return f"{volume / scale:.2f}{letter}"
    return f"{volume:.0f}"


def test_an_investing_com_download_reads_as_the_bundled_file(daily_dir: Path, tmp_path: Path) -> None:
    """Investing.com's historical-data download: every field quoted, the close called "Price", month-first
    dates, newest first, thousands separated, volumes abbreviated ("40.27M"), a "Change %" column."""
    with (daily_dir / "AAPL.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lines = []
    for before, r in itertools.pairwise([None, *rows]):
        change = "" if before is None else f"{(float(r['Close']) / float(before['Close']) - 1) * 100:.2f}%"
        fields = [_us(r["Date"]), *(f"{float(r[k]):,.2f}" for k in ("Close", "Open", "High", "Low"))]
        lines.append(",".join(f'"{f}"' for f in [*fields, _abbreviated(float(r["Volume"])), change]))
    written = tmp_path / "AAPL.csv"
    written.write_text('"Date","Price","Open","High","Low","Vol.","Change %"\n' + "\n".join(reversed(lines)) + "\n")
    full, read = read_price_file(daily_dir / "AAPL.csv"), read_price_file(written)
    assert read.daily and len(read) == len(full) > 600
    for name in ("times", "session", "open", "high", "low", "close", "prev_close"):
        assert np.allclose(getattr(read, name), getattr(full, name), rtol=0, atol=0.005, equal_nan=True), name
    assert np.allclose(read.volume, full.volume, rtol=0.0005, atol=0), "to the digits the abbreviation keeps"
    # Two rows as published from a real download: they agree with the bundled file's 2025-07-24 and -25.
    two, k = _published(tmp_path, "AAPL", '"Date","Price","Open","High","Low","Vol.","Change %"\n'
                        '"07/25/2025","213.88","214.70","215.24","213.40","40.27M","0.06%"\n'
                        '"07/24/2025","213.76","213.90","215.69","213.53","46.02M","-0.18%"\n', full)  # fmt: skip
    assert list(two.close) == list(full.close[k : k + 2]) and list(two.volume) == [46_020_000, 40_270_000]


def test_a_download_with_dates_day_first_reads_as_the_bundled_file(daily_dir: Path, tmp_path: Path) -> None:
    """Investing.com's download from outside the US: its dates day first (19/06/2025), newest first."""
    with (daily_dir / "AAPL.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lines = []
    for r in reversed(rows):
        year, month, day = r["Date"].split("-")
        fields = [f"{day}/{month}/{year}", *(f"{float(r[k]):,.2f}" for k in ("Close", "Open", "High", "Low"))]
        lines.append(",".join(f'"{f}"' for f in [*fields, _abbreviated(float(r["Volume"])), ""]))
    written = tmp_path / "AAPL Historical Data.csv"
    written.write_text('"Date","Price","Open","High","Low","Vol.","Change %"\n' + "\n".join(lines) + "\n")
    full, read = read_price_file(daily_dir / "AAPL.csv"), read_price_file(written)
    assert read.symbol == "AAPL" and len(read) == len(full) > 600
    assert np.array_equal(read.times, full.times) and np.array_equal(read.session, full.session)
    assert np.allclose(read.close, full.close, rtol=0, atol=0.005)


def test_a_spreadsheet_saved_in_a_comma_decimal_language_reads_as_the_bundled_file(
    daily_dir: Path, tmp_path: Path
) -> None:
    """A spreadsheet set to German (or French, Italian...) saves CSV with semicolons between the fields,
    decimal commas, thousands marked with points and day-first dates with points (02.01.2024)."""
    with (daily_dir / "SPY.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))

    def german(value: float, decimals: int) -> str:
        return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")

    lines = []
    for r in rows:
        year, month, day = r["Date"].split("-")
        prices = [german(float(r[k]), 4) for k in ("Open", "High", "Low", "Close")]
        lines.append(";".join([f"{day}.{month}.{year}", *prices, german(float(r["Volume"]), 0)]))
    written = tmp_path / "SPY.csv"
    written.write_text("Date;Open;High;Low;Close;Volume\n" + "\n".join(lines) + "\n")
    assert lines[0] == "02.01.2024;472,1600;473,6700;470,4900;472,6500;123.623.700", "as such a file writes it"
    full, read = read_price_file(daily_dir / "SPY.csv"), read_price_file(written)
    assert read.daily and len(read) == len(full) > 600
    for name in ("times", "session", "open", "high", "low", "close", "volume", "prev_close"):
        assert np.array_equal(getattr(read, name), getattr(full, name), equal_nan=True), name
    points = tmp_path / "QQQ.csv"  # semicolons with decimal points (another spreadsheet's choice)
    points.write_text("Date;Close\n2025-09-02;560.25\n2025-09-03;561.5\n")
    assert list(read_price_file(points).close) == [560.25, 561.5]
    minutes = tmp_path / "NVDA.csv"  # intraday bars, their times with offsets
    minutes.write_text("Datetime;Close;Volume\n2026-07-15T09:30:00-04:00;1.251,08;2.202.932\n"
                       "2026-07-15T09:35:00-04:00;251,7287;698.354\n")  # fmt: skip
    bars = read_price_file(minutes)
    assert not bars.daily and list(bars.close) == [1251.08, 251.7287] and list(bars.volume) == [2202932, 698354]
    assert list(np.diff(bars.times)) == [300.0]


def test_a_tradingview_export_with_unix_times_reads_as_the_bundled_files(
    daily_dir: Path, intraday_dir: Path, tmp_path: Path
) -> None:
    """TradingView's "Export chart data" writes `time,open,high,low,close,Volume` with each bar's opening
    time in Unix seconds: a daily bar at the session's 09:30 in New York (14:30 or 13:30 UTC with summer
    time), an intraday bar at its start. Crypto days open at 00:00 UTC; some exports give milliseconds."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    with (daily_dir / "SPY.csv").open(newline="") as handle:
        days = list(csv.DictReader(handle))
    opening = [int(datetime.fromisoformat(r["Date"] + "T09:30").replace(tzinfo=new_york).timestamp()) for r in days]
    rows = zip(opening, days, strict=True)
    body = "".join(f"{t},{r['Open']},{r['High']},{r['Low']},{r['Close']},{r['Volume']}\n" for t, r in rows)
    written = tmp_path / "SPY.csv"
    written.write_text("time,open,high,low,close,Volume\n" + body)
    full, read = read_price_file(daily_dir / "SPY.csv"), read_price_file(written)
    assert read.daily and len(read) == len(full) > 600
    for name in ("times", "session", "open", "close", "volume", "prev_close"):
        assert np.array_equal(getattr(read, name), getattr(full, name), equal_nan=True), name
    utc_days = tmp_path / "QQQ.csv"  # 00:00 UTC each day, in milliseconds: the day is the UTC date
    midnight = [int(datetime.fromisoformat(r["Date"] + "T00:00+00:00").timestamp()) * 1000 for r in days[:5]]
    utc_days.write_text(
        "time,close\n" + "".join(f"{t},{r['Close']}\n" for t, r in zip(midnight, days[:5], strict=True))
    )
    assert read_price_file(utc_days).daily
    assert [str(d) for d in read_price_file(utc_days).session[:2]] == [str(d) for d in full.session[:2]]
    with (intraday_dir / "NVDA.csv").open(newline="") as handle:
        bars = list(csv.DictReader(handle))
    starts = [int(datetime.fromisoformat(r["Datetime"]).timestamp()) for r in bars]
    minutes = tmp_path / "NVDA.csv"
    minutes.write_text("time,open,high,low,close,Volume\n" + "".join(
        f"{t},{r['Open']},{r['High']},{r['Low']},{r['Close']},{r['Volume']}\n"
        for t, r in zip(starts, bars, strict=True)))  # fmt: skip
    full, read = read_price_file(intraday_dir / "NVDA.csv"), read_price_file(minutes)
    assert not read.daily and np.array_equal(read.times, full.times) and np.array_equal(read.close, full.close)
    broken = tmp_path / "AMD.csv"
    broken.write_text("time,close\n1704205800,140.5\n17042058x0,141\n")
    with pytest.raises(PriceFileError, match="line 3: time '17042058x0' is not a Unix time"):
        read_price_file(broken)


def test_a_google_sheets_download_reads_as_the_bundled_file(daily_dir: Path, tmp_path: Path) -> None:
    """GOOGLEFINANCE's daily rows, as a sheet saves them: month-first dates without leading zeros, each with
    the time of the close after it ("1/2/2024 16:00:00")."""
    with (daily_dir / "SPY.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lines = []
    for r in rows:
        year, month, day = (int(part) for part in r["Date"].split("-"))
        fields = [r[k] for k in ("Open", "High", "Low", "Close", "Volume")]
        lines.append(f"{month}/{day}/{year} 16:00:00," + ",".join(fields))
    written = tmp_path / "SPY.csv"
    written.write_text("Date,Open,High,Low,Close,Volume\n" + "\n".join(lines) + "\n")
    full, read = read_price_file(daily_dir / "SPY.csv"), read_price_file(written)
    assert read.daily and len(read) == len(full) > 600
    for name in ("times", "session", "open", "high", "low", "close", "volume", "prev_close"):
        assert np.array_equal(getattr(read, name), getattr(full, name), equal_nan=True), name
    # Two rows as published from a sheet's download: their prices are the bundled file's 2024-01-02 and -03.
    two, k = _published(tmp_path, "SPY", "Date,Open,High,Low,Close,Volume\n"
                        "1/2/2024 16:00:00,472.16,473.67,470.49,472.65,123963000\n"
                        "1/3/2024 16:00:00,470.43,471.19,468.17,468.79,103800800\n", full)  # fmt: skip
    for name in ("open", "high", "low", "close"):
        assert list(getattr(two, name)) == list(getattr(full, name)[k : k + 2]), name


@pytest.mark.parametrize(
    ("volume", "message"),
    [("1.2X", "Volume '1.2X' is not a number"), ("M", "Volume 'M' is not a number")],
)
def test_an_abbreviation_that_is_not_one_is_refused(write_csv, volume: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PriceFileError, match=message):
        read_price_file(write_csv("BAD", f'"Date","Price","Vol."\n"07/25/2025","213.88","{volume}"'))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Date,Close\n11/26/2025,1\n26/11/2025,2", r"line 3: date '26/11/2025' is written day first"),
        ('Date,Close\n2025-11-26,"1,5"', r"line 2: Close '1,5' is not a number"),  # a decimal comma, not 15
        ("Date,Close\n2025-11-26,$1.2.3", r"line 2: Close '\$1.2.3' is not a number"),
        ("Date,Close\n13/13/2025,1", r"line 2: date '13/13/2025' is not a date from 1970"),
        ("Date,Close\n1/18/2024 16:00:00,1\n19/01/2024 17:40:00,2", r"line 3: date '19/01/2024 17:40:00' is written"),
        (
            "Date,Close\n19/01/2024,1\n03/02/2024,2\n20/01/2024,3",
            r"line 2: date '19/01/2024' is written day first, but",
        ),
        ("Date,Close\n1/18/2024 16:00,1\n1/19/2024 4pm,2", r"line 3: date '1/19/2024 4pm' is not a date"),
    ],
)
def test_what_a_quote_site_never_writes_is_still_refused(write_csv, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PriceFileError, match=message):
        read_price_file(write_csv("BAD", text))


def test_a_volume_a_site_gives_as_na_is_no_volume(write_csv) -> None:  # type: ignore[no-untyped-def]
    series = read_price_file(write_csv("USDBRL", "Date,Close/Last,Volume,Open,High,Low\n"
                                       "11/08/2024,5.7376,N/A,5.7376,5.7905,5.691\n"
                                       "11/07/2024,5.6926,N/A,5.6923,5.6926,5.6914"))  # fmt: skip
    assert list(series.close) == [5.6926, 5.7376] and np.isnan(series.volume).all()


def test_a_refused_header_is_quoted_as_the_file_spells_it(write_csv) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PriceFileError, match="got timestamp, last"):
        read_price_file(write_csv("BAD", "timestamp,last\n2025-01-02,1"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("Time,Last\n2025-01-02,1", "expected a Date or Datetime column"),
        ("Datum;Schluss\n02.09.2025;180,5", "expected a Date or Datetime column"),  # names in another language
        ("Date;Close\n32.09.2025;180,5", "line 2: date .32.09.2025. is not a date"),
        ("Date;Close\n02.09.2025;1.234,5\n03.09.2025;abc", "line 3: Close 'abc' is not a number"),
        ("Date,Open,High,Low,Volume\n2025-01-02,1,1,1,10", "then Close"),
        ("Date,Open,High,Low,Close,Volume\n2025-01-02,1,1,1,abc,10", "line 2"),
        ("Date,Open,High,Low,Close,Volume\n2025-13-02,1,1,1,3,10", "line 2"),
        ("Date,Open,High,Low,Close,Volume\n2025-01-02,1,1,1,-3,10", "not a price"),
        ("Date,Close\n2025-01-02,3.4e38", "at most 1e"),
        (
            "Datetime,Close\n2025-01-02T10:00:00-05:00,3\n2025-01-02T10:01:00,3",
            "line 3: time '2025-01-02T10:01:00' has no UTC offset, while line 2's has one",
        ),
        ("Date,Open,High,Low,Close,Volume\n", "no price rows"),
    ],
)
def test_bad_files_name_the_problem(write_csv, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("BAD", text)
    with pytest.raises(PriceFileError, match=message):
        read_price_file(path)


@pytest.mark.parametrize("parallel_from", [8 << 20, 0])  # on one thread, and on the threaded reader
def test_a_bad_file_can_be_left_out_and_said_while_the_others_load(
    daily_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel_from: int
) -> None:
    monkeypatch.setattr("desktop.core.prices.PARALLEL_FROM_BYTES", parallel_from)
    for symbol in ("QQQ", "SPY"):
        (tmp_path / f"{symbol}.csv").write_bytes((daily_dir / f"{symbol}.csv").read_bytes())
    (tmp_path / "AAA.csv").write_text("Date,Close\n2025-01-02,1\n2025-01-02,2\n")
    (tmp_path / "ZZZ.csv").write_bytes(b"\x00\x01binary")
    with pytest.raises(PriceFileError, match=r"AAA\.csv: 2025-01-02 appears twice"):
        load_prices([tmp_path])  # strict, as the backtest and the command line read
    skipped: list[str] = []
    series = load_prices([tmp_path], skipped=skipped)
    assert sorted(series) == ["QQQ", "SPY"] and len(series["SPY"]) == len(read_price_file(daily_dir / "SPY.csv"))
    assert [s.split(": ", 1)[0] for s in skipped] == [str(tmp_path / "AAA.csv"), str(tmp_path / "ZZZ.csv")]
    for name in ("QQQ.csv", "SPY.csv"):
        (tmp_path / name).unlink()
    with pytest.raises(PriceFileError, match=r"AAA\.csv"):
        load_prices([tmp_path], skipped=[])  # nothing readable: the first problem, as without skipping


def test_load_prices_from_folder_and_missing_path(daily_dir: Path, tmp_path: Path) -> None:
    series = load_prices([daily_dir])
    assert {"SPY", "QQQ", "IWM", "NVDA"} <= set(series)
    with pytest.raises(PriceFileError, match="no such file"):
        load_prices([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(PriceFileError, match=r"no \.csv"):
        load_prices([tmp_path / "empty"])


def test_loading_reports_progress_by_bytes_and_can_be_stopped(
    daily_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core import price_csv
    from desktop.core.progress import WorkCancelledError

    monkeypatch.setattr(price_csv, "CHUNK_ROWS", 50)  # several chunks per bundled file: progress inside a file
    seen: list[float] = []
    series = load_prices([daily_dir], progress=lambda done: seen.append(done) or True)
    assert set(series) and seen[-1] == 1.0 and seen == sorted(seen)
    assert len(seen) > 3 * len(series)  # reported within files, not only between them

    calls = 0

    def stop_halfway(done: float) -> bool:
        nonlocal calls
        calls += 1
        return done < 0.5

    with pytest.raises(WorkCancelledError):
        load_prices([daily_dir], progress=stop_halfway)
    assert 1 < calls < len(seen)


def test_a_recordings_stated_session_is_replayed_as_recorded(tmp_path: Path) -> None:
    from desktop.core.prices import read_recording
    from desktop.core.sessions import MarketSession
    from desktop.core.timeline import quote_at

    path = tmp_path / "rec.csv"
    path.write_text(
        "Datetime,Symbol,Price,PrevClose,DayHigh,DayLow,Volume,Session\n"
        "2026-07-21T12:00:00-04:00,SPY,701.0,699.5,702,698,1000,\n"  # not said: the clock's word
        "2026-07-21T16:00:00-04:00,SPY,702.0,699.5,702,698,1500,regular\n"  # the closing print
        "2026-07-21T16:05:00-04:00,SPY,702.5,699.5,702,698,1600,post\n"
        "2026-07-21T16:06:00-04:00,SPY,702.6,699.5,702,698,1600,someday\n"  # not a session: the clock's word
    )
    spy = read_recording(path)["SPY"]
    sessions = [quote_at(spy, i).session for i in range(len(spy))]
    assert sessions == [MarketSession.REGULAR, MarketSession.REGULAR, MarketSession.POST, MarketSession.POST]


def test_a_price_file_is_told_from_a_symbol_list_by_its_first_line(daily_dir: Path, tmp_path: Path) -> None:
    from desktop.core.prices import looks_like_prices

    broker = tmp_path / "positions.csv"
    broker.write_text('"Symbol","Description","Quantity"\n"NVDA","NVIDIA CORP","10"\n')
    recording = tmp_path / "rec.csv"
    recording.write_text("Datetime,Symbol,Price,PrevClose,DayHigh,DayLow,Volume,Session\n")
    download = Path(__file__).resolve().parent.parent / "fixtures" / "yfinance" / "NVDA_5m.csv"
    picture = tmp_path / "SPY.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    assert [looks_like_prices(p) for p in (daily_dir / "SPY.csv", daily_dir, recording, download)] == [True] * 4
    assert [looks_like_prices(p) for p in (broker, picture, tmp_path / "missing.csv")] == [False] * 3
