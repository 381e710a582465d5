"""Cells the table has little room for: compact dates and company names without their legal suffix; alert
values as the log and notifications show them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.core.alerts.fires import AlertFire
from desktop.core.alerts.rules import Condition
from desktop.core.formatting import compact_date, decimals_of, format_quote_time, format_value, short_name
from desktop.core.quote import Quote
from desktop.core.sessions import NEW_YORK


def _ts(*parts: int) -> float:
    return datetime(*parts, tzinfo=NEW_YORK).timestamp()  # type: ignore[misc]


def test_a_date_in_the_current_year_drops_the_year_and_an_older_one_keeps_it() -> None:
    assert compact_date(date(2026, 8, 1), date(2026, 11, 26)) == "Aug 1"
    assert compact_date(date(2025, 12, 31), date(2026, 1, 2)) == "2025-12-31"
    assert compact_date(date(2026, 8, 1)) == "2026-08-01"  # no clock: nothing to be compact against


def test_quote_times_are_a_clock_today_and_a_short_date_otherwise() -> None:
    now = _ts(2026, 8, 21, 15, 0)
    today = Quote("SPY", 650.0, _ts(2026, 8, 21, 14, 59, 58))
    older = Quote("SPY", 650.0, _ts(2026, 8, 20, 15, 59))
    daily = Quote("SPY", 650.0, _ts(2026, 8, 19, 16, 0), daily=True)
    assert format_quote_time(today, now) == "14:59:58"
    assert format_quote_time(older, now) == "Aug 20 15:59"
    assert format_quote_time(daily, now) == "Aug 19"
    assert format_quote_time(daily, _ts(2027, 1, 4, 10, 0)) == "2026-08-19"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("NVIDIA Corporation", "NVIDIA"),
        ("Advanced Micro Devices, Inc.", "Advanced Micro Devices"),
        ("Bank of America Corporation", "Bank of America"),
        ("SPDR S&P 500 ETF Trust", "SPDR S&P 500 ETF Trust"),
        ("Inc.", "Inc."),
        ("Coca-Cola Co", "Coca-Cola"),
    ],
)
def test_names_lose_only_their_legal_suffix(name: str, short: str) -> None:
    assert short_name(name) == short


def test_a_readable_time_has_seconds_only_when_the_quote_does() -> None:
    from desktop.core.formatting import readable_time

    assert readable_time(Quote("SPY", 1.0, _ts(2026, 7, 21, 15, 55))) == "2026-07-21 15:55 EDT"
    assert readable_time(Quote("SPY", 1.0, _ts(2026, 12, 1, 9, 30, 7))) == "2026-12-01 09:30:07 EST"
    assert readable_time(Quote("SPY", 1.0, _ts(2026, 7, 21, 16), daily=True)) == "2026-07-21"


def test_a_currency_pair_without_a_stated_precision_shows_yahoos_four_decimals() -> None:
    from desktop.core.formatting import quote_change, quote_price

    from_a_file = Quote("EURUSD=X", 1.08555, 1_756_900_800.0, prev_close=1.08321, daily=True)
    assert (quote_price(from_a_file), quote_change(from_a_file)) == ("1.0856", "+0.0023")  # cents showed 1.09, 0.00
    assert quote_price(from_a_file._replace(price_hint=5)) == "1.08555", "a stated precision wins"
    assert quote_price(from_a_file._replace(symbol="F")) == "1.09", "a stock keeps cents"


@pytest.mark.parametrize(
    ("value", "level", "text"),
    [
        (179.834, 175.0, "179.83"),  # cents, as before
        (1234.5, None, "1,234.50"),
        (0.41123, 0.4, "0.4112"),  # four significant digits below 1
        (1.08512, 1.085, "1.0851"),  # not 1.09, nor 1.085 (its level's own digits, which read as the level)
        (1.08512, 1.0851, "1.08512"),
        (1.0871, 1.085, "1.087"),
        (0.401237, 0.40125, "0.40124"),
        (175.26, 175.25, "175.26"),
        (5.000000000000004, 5.0, "5.000000"),  # never reads as its level (no rule fires at it: see conditions)
        (float("nan"), 1.0, "—"),
    ],
)
def test_an_alert_value_shows_at_least_its_levels_decimals(value: float, level: float | None, text: str) -> None:
    assert format_value(value, level) == text


def test_a_fire_says_its_value_to_its_levels_decimals_and_a_quadrant_fire_as_before() -> None:
    pair = AlertFire("r", "EURUSD=X above 1.0850", 0.0, False, 1.08512, 1.085, Condition.CROSSES_ABOVE, ())
    assert pair.value_text == "1.0851"
    entered = AlertFire("q", "NVDA leading", 0.0, True, 101.234567, 1.0, Condition.ENTERS, (), momentum=100.5)
    assert entered.value_text == "101.23"


@pytest.mark.parametrize(("value", "digits"), [(175.0, 0), (0.40125, 5), (94745.08, 2), (0.1 + 0.2, 1), (1e-7, 7)])
def test_the_decimals_a_number_is_written_with(value: float, digits: int) -> None:
    assert decimals_of(value) == digits
