"""Trend, z-score and quadrant rules against an independent pandas computation of the same formulas.

The reference below shares nothing with the engine but the rule's fields: pandas groups each symbol's
prices into session closes, joins the two legs on the sessions both have, and takes rolling means and
sample standard deviations; a plain loop then applies the crossing, `enters` and cooldown semantics.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import AlertRule, RuleError, rule_from_dict, rule_to_dict
from desktop.core.backtest import run_backtest
from desktop.core.prices import PriceSeries, load_prices
from desktop.core.quote import Quote
from desktop.core.sessions import NEW_YORK, close_timestamp

QUADRANTS = ["leading", "weakening", "lagging", "improving"]


def _frame(one: PriceSeries) -> pd.DataFrame:
    times = pd.to_datetime(one.times, unit="s", utc=True).tz_convert(NEW_YORK.key)
    return pd.DataFrame({"time": one.times, "price": one.close, "session": times.date})


def _past(series: pd.Series, session: date) -> int:
    """How many entries of a session-indexed series come before `session`."""
    return int(series.index.searchsorted(session, side="left"))


def reference_fires(rule: dict[str, Any], prices: dict[str, PriceSeries]) -> list[tuple[float, float]]:
    """(time, value) of every fire of `rule` over the prices, per the README's formulas."""
    kind = rule["type"]
    if kind == "quadrant":
        legs = [rule["symbol"], rule.get("benchmark", "SPY")]
    elif "symbol" in rule:
        legs = [rule["symbol"]]
    else:
        legs = [rule["a"], rule["b"]]
    frames = {s: _frame(prices[s]) for s in legs}
    closes = [frames[s].groupby("session")["price"].last() for s in legs]
    if len(legs) == 1:
        history = closes[0]
    else:
        joined = pd.concat(closes, axis=1, join="inner")
        history = joined.iloc[:, 0] / joined.iloc[:, 1]
    n = int(rule.get("ma", 50) if kind != "zscore" else rule.get("lookback", 50))
    if kind == "trend":
        sma = history.rolling(n).mean()
    elif kind == "zscore":
        logs = np.log(history)
        mean, sd = logs.rolling(n).mean(), logs.rolling(n).std(ddof=1)
    else:
        momentum = int(rule.get("momentum", 10))
        sum_before = history.rolling(n - 1).sum() if n > 1 else history * 0
        ratio_at_close = 100 * history / history.rolling(n).mean()

    ticks = pd.concat([frames[s].assign(symbol=s) for s in legs]).sort_values("time", kind="stable")
    last: dict[str, float] = {}
    prev: float | None = None
    fires: list[tuple[float, float]] = []
    last_fire: float | None = None
    cooldown = {"": 0, "1d": 86400, "2h": 7200}[rule.get("cooldown", "")]
    for t, step in ticks.groupby("time", sort=True):
        for symbol, price in zip(step["symbol"], step["price"], strict=True):
            last[symbol] = price
        if len(last) < len(legs):
            continue
        session = step["session"].iloc[0]
        k = _past(history, session)  # past sessions (shared ones for two legs) before this one
        x = last[legs[0]] if len(legs) == 1 else last[legs[0]] / last[legs[1]]
        value: float | None = None
        shown = None
        if kind == "trend" and k >= n:
            value = (x / sma.iloc[k - 1] - 1) * 100
        elif kind == "zscore" and k >= n and sd.iloc[k - 1] > 0:
            value = (math.log(x) - mean.iloc[k - 1]) / sd.iloc[k - 1]
        elif kind == "quadrant" and k >= momentum + n - 1:
            ratio = 100 * x / ((x + sum_before.iloc[k - 1]) / n)
            mom = 100 * ratio / ratio_at_close.iloc[k - momentum]
            if ratio >= 100:
                name = "leading" if mom >= 100 else "weakening"
            else:
                name = "improving" if mom >= 100 else "lagging"
            value = float(QUADRANTS.index(name) + 1)
            shown = ratio
        if value is None:
            continue
        condition = rule.get("condition", "enters")
        level = float(QUADRANTS.index(rule["quadrant"]) + 1) if kind == "quadrant" else rule["level"]
        hit = {
            "crosses_above": prev is not None and prev <= level < value,
            "crosses_below": prev is not None and prev >= level > value,
            "above": value > level and (prev is None or prev <= level),
            "below": value < level and (prev is None or prev >= level),
            "enters": prev is not None and value == level and prev != level,
        }[condition]
        if hit and (last_fire is None or float(t) - last_fire >= cooldown):  # a dropped fire is not delayed
            fires.append((float(t), shown if shown is not None else value))
            last_fire = float(t)
        prev = value
    return fires


RULES: list[dict[str, Any]] = [
    {"id": "iwm-qqq-above-ma", "type": "trend", "a": "IWM", "b": "QQQ", "ma": 50, "condition": "crosses_above",
     "level": 0},
    {"id": "iwm-qqq-below-ma", "type": "trend", "a": "IWM", "b": "QQQ", "ma": 20, "condition": "below", "level": -1},
    {"id": "nvda-stretched", "type": "trend", "symbol": "NVDA", "ma": 10, "condition": "crosses_above", "level": 5},
    {"id": "spy-trend", "type": "trend", "symbol": "SPY", "ma": 2, "condition": "crosses_below", "level": 0},
    {"id": "z-up", "type": "zscore", "a": "IWM", "b": "QQQ", "lookback": 60, "condition": "crosses_above",
     "level": 1.5},
    {"id": "z-down", "type": "zscore", "a": "AMD", "b": "NVDA", "lookback": 3, "condition": "below", "level": -1},
    {"id": "nvda-leading", "type": "quadrant", "symbol": "NVDA", "quadrant": "leading"},
    {"id": "iwm-improving", "type": "quadrant", "symbol": "IWM", "benchmark": "QQQ", "ma": 20, "momentum": 5,
     "quadrant": "improving"},
    {"id": "tsla-lagging", "type": "quadrant", "symbol": "TSLA", "ma": 2, "momentum": 1, "quadrant": "lagging"},
    {"id": "meta-weakening", "type": "quadrant", "symbol": "META", "ma": 10, "momentum": 3, "quadrant": "weakening"},
]  # fmt: skip


def _check_against_reference(prices: dict[str, PriceSeries], specs: list[dict[str, Any]] = RULES) -> int:
    specs = [s for s in specs if set(_legs(s)) <= set(prices)]
    assert len(specs) >= 4
    fires = run_backtest(prices, [rule_from_dict(r) for r in specs])
    total = 0
    for spec in specs:
        mine = [(f.time, f.value) for f in fires if f.rule_id == spec["id"]]
        want = reference_fires(spec, prices)
        assert [t for t, _ in mine] == [t for t, _ in want], spec["id"]
        assert [v for _, v in mine] == pytest.approx([v for _, v in want], rel=1e-9, abs=1e-9), spec["id"]
        total += len(mine)
    return total


def test_rotation_rules_match_pandas_on_the_bundled_daily_data(daily_dir: Path) -> None:
    assert _check_against_reference(load_prices([daily_dir])) > 50


INTRADAY_RULES: list[dict[str, Any]] = [
    {"id": "qqq-spy-ma", "type": "trend", "a": "QQQ", "b": "SPY", "ma": 5, "condition": "crosses_above", "level": 0},
    {"id": "nvda-ma", "type": "trend", "symbol": "NVDA", "ma": 3, "condition": "crosses_below", "level": 0},
    {"id": "z-msft", "type": "zscore", "a": "MSFT", "b": "QQQ", "lookback": 10, "condition": "above", "level": 1},
    {"id": "tsla-q", "type": "quadrant", "symbol": "TSLA", "ma": 5, "momentum": 2, "quadrant": "leading"},
    {"id": "meta-q", "type": "quadrant", "symbol": "META", "benchmark": "QQQ", "ma": 3, "momentum": 1,
     "quadrant": "lagging", "cooldown": "1d"},
]  # fmt: skip


def test_rotation_rules_match_pandas_on_the_bundled_intraday_data(intraday_dir: Path) -> None:
    """Intraday: many evaluations per session against the same past closes, and sessions that end."""
    assert _check_against_reference(load_prices([intraday_dir]), INTRADAY_RULES) > 20


def test_rotation_rules_match_pandas_on_the_shared_data(shared_data: Path) -> None:
    for folder in ("daily", "intraday-5m"):
        prices = load_prices([shared_data / folder])
        if {"SPY", "QQQ", "IWM", "NVDA", "AMD", "TSLA", "META"} <= set(prices):
            assert _check_against_reference(prices) + _check_against_reference(prices, INTRADAY_RULES) > 0


def test_the_batch_path_gives_the_per_tick_fires_on_random_ticks() -> None:
    rng = np.random.default_rng(7)
    rules = [rule_from_dict(r) for r in RULES if set(_legs(r)) <= {"IWM", "QQQ", "SPY", "NVDA"}]
    day0 = date(2026, 1, 5).toordinal()
    history: list[Quote] = []
    prices = {"IWM": 250.0, "QQQ": 600.0, "SPY": 680.0, "NVDA": 180.0}
    for d in range(90):  # ninety sessions of closes, then intraday batches
        day = date.fromordinal(day0 + d)
        if day.weekday() >= 5:
            continue
        for symbol in prices:
            prices[symbol] *= math.exp(rng.normal(0, 0.02))
            history.append(Quote(symbol, prices[symbol], close_timestamp(day), daily=True))
    per_tick, batched = AlertEngine(rules), AlertEngine(rules)
    per_tick.process(history)
    batched.process(history)
    from desktop.core.batch import TickBatch

    start = close_timestamp(date.fromordinal(day0 + 91)) - 6 * 3600
    fires_a, fires_b = [], []
    for k in range(40):
        quotes = []
        for j in range(50):
            symbol = str(rng.choice(list(prices)))
            prices[symbol] *= math.exp(rng.normal(0, 0.01))
            quotes.append(Quote(symbol, prices[symbol], start + k * 60 + j))
        fires_a += per_tick.process(quotes)
        fires_b += batched.process_batch(TickBatch.from_quotes(quotes))
    assert fires_a and [(f.rule_id, f.time, f.value, f.momentum) for f in fires_a] == [
        (f.rule_id, f.time, f.value, f.momentum) for f in fires_b
    ]
    for rule in rules:
        assert per_tick.state(rule.id) == batched.state(rule.id)


def _legs(spec: dict[str, Any]) -> list[str]:
    if spec["type"] == "quadrant":
        return [spec["symbol"], spec.get("benchmark", "SPY")]
    return [spec["symbol"]] if "symbol" in spec else [spec["a"], spec["b"]]


def test_a_quadrant_fire_reports_ratio_momentum_and_the_quadrant(daily_dir: Path) -> None:
    prices = load_prices([daily_dir])
    rule = rule_from_dict({"id": "q", "type": "quadrant", "symbol": "NVDA", "quadrant": "leading"})
    fires = run_backtest(prices, [rule])
    assert fires and all(f.value >= 100 and f.momentum is not None and f.momentum >= 100 for f in fires)
    assert rule.quadrant is not None and rule.quadrant.value == "leading"


def test_prev_quadrant_survives_a_restart_and_the_first_defined_value_never_fires(daily_dir: Path) -> None:
    prices = load_prices([daily_dir])
    rule = rule_from_dict(
        {"id": "q", "type": "quadrant", "symbol": "IWM", "ma": 5, "momentum": 2, "quadrant": "leading"}
    )
    whole = run_backtest(prices, [rule])
    from desktop.core.timeline import ReplayTimeline

    timeline = ReplayTimeline({s: prices[s] for s in ("IWM", "SPY")})
    first, second = AlertEngine([rule]), AlertEngine([rule])
    half = len(timeline) // 2
    got = [f for k in range(half) for f in first.process(timeline.quotes_of_step(k))]
    state = first.state("q")
    assert state is not None and state.prev in (1.0, 2.0, 3.0, 4.0)
    for k in range(half):  # the restarted engine's prices come back as backfill: they never fire
        second.process([q._replace(backfill=True) for q in timeline.quotes_of_step(k)])
    second.restore_state("q", state)
    got += [f for k in range(half, len(timeline)) for f in second.process(timeline.quotes_of_step(k))]
    assert whole and [(f.time, f.value) for f in got] == [(f.time, f.value) for f in whole]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (
            {"type": "trend", "symbol": "SPY", "a": "IWM", "b": "QQQ", "condition": "above", "level": 0},
            "symbol",
            "either",
        ),
        ({"type": "trend", "condition": "above", "level": 0}, "symbol", "either"),
        ({"type": "trend", "symbol": "SPY", "ma": 1, "condition": "above", "level": 0}, "ma", "between 2"),
        ({"type": "trend", "symbol": "SPY", "ma": 20.5, "condition": "above", "level": 0}, "ma", "whole number"),
        ({"type": "trend", "symbol": "SPY", "ma": "20", "condition": "above", "level": 0}, "ma", "whole number"),
        ({"type": "trend", "symbol": "SPY", "ma": True, "condition": "above", "level": 0}, "ma", "whole number"),
        (
            {"type": "zscore", "a": "IWM", "b": "QQQ", "lookback": 2, "condition": "above", "level": 2},
            "lookback",
            "between 3",
        ),
        ({"type": "zscore", "symbol": "IWM", "condition": "above", "level": 2}, "symbol", "not a field"),
        ({"type": "quadrant", "symbol": "SPY", "quadrant": "leading"}, "benchmark", "must differ"),
        ({"type": "quadrant", "symbol": "NVDA", "quadrant": "sideways"}, "quadrant", "unknown quadrant"),
        ({"type": "quadrant", "symbol": "NVDA", "quadrant": "leading", "level": 1}, "level", "no level"),
        ({"type": "quadrant", "symbol": "NVDA", "quadrant": "leading", "condition": "above"}, "condition", "enters"),
        ({"type": "quadrant", "symbol": "NVDA", "quadrant": "leading", "momentum": 0}, "momentum", "between 1"),
        ({"type": "quadrant", "symbol": "NVDA", "quadrant": "leading", "a": "IWM"}, "a", "not a field"),
        ({"type": "price", "symbol": "NVDA", "condition": "enters", "level": 1}, "condition", "quadrant rules only"),
        ({"type": "price", "symbol": "NVDA", "ma": 5, "condition": "above", "level": 1}, "ma", "not a field"),
    ],
)
def test_bad_rotation_rules_are_refused_naming_the_field(fields: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(RuleError) as caught:
        rule_from_dict({"id": "bad", **fields})
    assert caught.value.field == field and words in caught.value.problem


def test_rotation_rules_round_trip_through_their_plain_form() -> None:
    for spec in RULES:
        rule = rule_from_dict(spec)
        again: AlertRule = rule_from_dict(rule_to_dict(rule))
        assert again == rule and again.measure_key == rule.measure_key
    quadrant = rule_to_dict(rule_from_dict({"id": "q", "type": "quadrant", "symbol": "NVDA", "quadrant": "lagging"}))
    assert quadrant == {"id": "q", "type": "quadrant", "symbol": "NVDA", "benchmark": "SPY", "ma": 50, "momentum": 10,
                        "quadrant": "lagging"}  # fmt: skip


def _constant_days(engine: AlertEngine, days: int, prices: dict[str, float], first: date) -> None:
    day0 = first.toordinal()
    done = 0
    for d in range(days * 2):
        day = date.fromordinal(day0 + d)
        if day.weekday() >= 5 or done == days:
            continue
        done += 1
        engine.process([Quote(s, p, close_timestamp(day), daily=True) for s, p in prices.items()])


def test_a_flat_history_has_no_z_score_and_a_quadrant_of_exactly_100_leads() -> None:
    z = rule_from_dict({"id": "z", "type": "zscore", "a": "AAA", "b": "BBB", "lookback": 3, "condition": "above",
                        "level": 0})  # fmt: skip
    q = rule_from_dict({"id": "q", "type": "quadrant", "symbol": "AAA", "benchmark": "BBB", "ma": 3, "momentum": 2,
                        "quadrant": "lagging"})  # fmt: skip
    t = rule_from_dict({"id": "t", "type": "trend", "symbol": "AAA", "ma": 3, "condition": "below", "level": 0})
    engine = AlertEngine([z, q, t])
    _constant_days(engine, 3, {"AAA": 100.0, "BBB": 200.0}, date(2026, 3, 2))
    assert engine.value(q) is None and engine.value(t) is None  # too few past sessions (3 and 4 needed)
    _constant_days(engine, 3, {"AAA": 100.0, "BBB": 200.0}, date(2026, 3, 9))
    assert engine.value(z) is None  # sd = 0: undefined, never a division by zero
    assert engine.value(t) == 0.0
    assert engine.value(q) == 1.0  # RS-Ratio and RS-Momentum exactly 100: leading


@pytest.mark.parametrize("price", [100.0, 47.3, 17.0])
def test_constant_prices_lead_whatever_rounding_makes_of_their_rs_ratio(price: float) -> None:
    """RS-Ratio and RS-Momentum are exactly 100 for constant prices, which binary floating point makes 100 or
    99.99999999999999 depending on the prices (47.3 / 100 and 17 / 100 the latter): both lead."""
    q = rule_from_dict({"id": "q", "type": "quadrant", "symbol": "AAA", "benchmark": "BBB", "ma": 3, "momentum": 2,
                        "quadrant": "lagging"})  # fmt: skip
    engine = AlertEngine([q])
    _constant_days(engine, 6, {"AAA": price, "BBB": 100.0}, date(2026, 3, 2))
    assert engine.value(q) == 1.0  # leading
    fires = engine.process([Quote("AAA", price * 0.9, close_timestamp(date(2026, 3, 10)), daily=True)])
    assert [f.rule_id for f in fires] == ["q"], "a fall from leading enters lagging"
