"""The backtest's session batches give exactly the per-tick engine's fires, on the bundled 5-minute bars."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import rule_from_dict
from desktop.core.backtest import run_backtest
from desktop.core.prices import load_prices
from desktop.core.sessions import NEW_YORK
from desktop.core.timeline import ReplayTimeline

RULES = [
    {"id": "p1", "type": "price", "symbol": "SPY", "condition": "crosses_above", "level": 745},
    {"id": "p2", "type": "price", "symbol": "NVDA", "condition": "below", "level": 180, "cooldown": "2h"},
    {"id": "p3", "type": "price", "symbol": "SPY", "condition": "crosses", "level": 745},
    {"id": "c1", "type": "change", "symbol": "SPY", "condition": "crosses_above", "level": 0.5},
    {"id": "c2", "type": "change", "symbol": "MSFT", "condition": "crosses_below", "level": -1, "once": True},
    {"id": "s1", "type": "spread", "a": "QQQ", "b": "SPY", "window": "5d", "condition": "crosses_above", "level": 0.5},
    {"id": "s2", "type": "spread", "a": "META", "b": "AMZN", "window": "day", "condition": "below", "level": -1},
    {"id": "s3", "type": "spread", "a": "QQQ", "b": "SPY", "window": "day", "condition": "crosses", "level": 0.2},
    {"id": "r1", "type": "ratio", "a": "QQQ", "b": "SPY", "condition": "crosses_below", "level": 0.95},
    {"id": "t1", "type": "trend", "symbol": "QQQ", "ma": 5, "condition": "crosses_above", "level": 0},
    {"id": "z1", "type": "zscore", "a": "QQQ", "b": "SPY", "lookback": 10, "condition": "crosses_above", "level": 0},
    {"id": "q1", "type": "quadrant", "symbol": "QQQ", "ma": 5, "momentum": 2, "quadrant": "leading"},
    {"id": "q2", "type": "quadrant", "symbol": "SPY", "benchmark": "QQQ", "ma": 4, "momentum": 2,
     "quadrant": "lagging"},
    {"id": "q3", "type": "quadrant", "symbol": "QQQ", "ma": 3, "momentum": 1, "quadrant": "weakening"},
    {"id": "q4", "type": "quadrant", "symbol": "SPY", "benchmark": "QQQ", "ma": 8, "momentum": 3,
     "quadrant": "improving", "cooldown": "1h"},
    {"id": "x1", "type": "price", "symbol": "SPY", "condition": "crosses_below", "level": 745,
     "expires": "2026-06-15T12:00:00-04:00"},
]  # fmt: skip


def test_session_batches_fire_exactly_as_the_per_tick_engine(intraday_dir: Path) -> None:
    prices = load_prices([intraday_dir])
    rules = [rule_from_dict(r) for r in RULES]
    start = datetime(2026, 5, 4, tzinfo=NEW_YORK).timestamp()
    end = datetime(2026, 7, 10, 16, tzinfo=NEW_YORK).timestamp()
    batched = run_backtest(prices, rules, start, end)

    timeline = ReplayTimeline({s: prices[s] for s in {s for r in rules for s in r.symbols}})
    engine = AlertEngine(rules)
    per_tick = []
    for k in range(len(timeline)):
        t = float(timeline.step_times[k])
        if t > end:
            break
        fires = engine.process(timeline.quotes_of_step(k))
        per_tick += [f for f in fires if t >= start]
    # (the stocks have five sessions of 5-minute bars, SPY and QQQ sixty)
    assert {f.rule_id for f in per_tick} >= {"p1", "c1", "s1", "r1", "t1", "z1", "q1"}  # every type fires
    assert {f.rule_id for f in per_tick} >= {"q2", "q3", "q4"}  # every quadrant (the batch path's shortcut)
    for either_way in ("p3", "s3"):  # a crossing either way fires on the way up and on the way down
        level = next(r["level"] for r in RULES if r["id"] == either_way)
        sides = {f.value > level for f in per_tick if f.rule_id == either_way}
        assert sides == {True, False}, either_way
    assert [(f.rule_id, f.time, f.value, f.momentum, f.disabled_rule) for f in batched] == [
        (f.rule_id, f.time, f.value, f.momentum, f.disabled_rule) for f in per_tick
    ]


def test_daily_files_beside_intraday_ones_date_their_fires_as_the_per_tick_engine_does(
    daily_dir: Path, intraday_dir: Path
) -> None:
    """A daily bar's fire prints as its date, also when 5-minute bars of other symbols share the run."""
    prices = {**load_prices([intraday_dir]), "IWM": load_prices([daily_dir])["IWM"]}
    rules = [
        rule_from_dict({"id": "iwm", "type": "price", "symbol": "IWM", "condition": "crosses_above", "level": 280}),
        rule_from_dict({"id": "spy", "type": "price", "symbol": "SPY", "condition": "crosses_above", "level": 745}),
        rule_from_dict({"id": "mix", "type": "ratio", "a": "IWM", "b": "SPY", "condition": "crosses_above",
                        "level": 0.38}),
    ]  # fmt: skip
    start = datetime(2026, 4, 27, tzinfo=NEW_YORK).timestamp()
    batched = run_backtest(prices, rules, start)
    timeline = ReplayTimeline({s: prices[s] for s in ("IWM", "SPY")})
    engine = AlertEngine(rules)
    per_tick = [f for k in range(len(timeline)) for f in engine.process(timeline.quotes_of_step(k)) if f.time >= start]
    assert {f.rule_id for f in per_tick} == {"iwm", "spy", "mix"}
    assert [(f.rule_id, f.time, f.daily) for f in batched] == [(f.rule_id, f.time, f.daily) for f in per_tick]
    assert all(f.daily for f in batched if f.rule_id == "iwm")
    assert not any(f.daily for f in batched if f.rule_id == "spy")


def test_session_batches_hold_the_rows_of_the_steps_in_the_same_order(daily_dir: Path, intraday_dir: Path) -> None:
    """Each session is merged on its own (no merge of every row): the rows, their order (equal times in the
    symbols' order) and each batch's groups are those of the steps, daily bars beside 5-minute ones too."""
    prices = {**load_prices([intraday_dir]), "IWM": load_prices([daily_dir])["IWM"]}
    session_of = {s: dict(zip(p.times.tolist(), p.session.tolist(), strict=True)) for s, p in prices.items()}
    timeline = ReplayTimeline(prices)
    end = datetime(2026, 7, 8, 11, 0, tzinfo=NEW_YORK).timestamp()
    steps = [
        (s, float(prices[s].times[i]), float(prices[s].close[i]))
        for k in range(len(timeline))
        if timeline.step_times[k] <= end
        for s, i in timeline.rows_of_step(k)
    ]
    rows: list[tuple[str, float, float]] = []
    shares = []
    for batch, share in timeline.session_batches(end):
        symbols = list(batch.symbols)
        times = batch.times.tolist()
        rows += zip(symbols, times, batch.prices.tolist(), strict=True)
        shares.append(share)
        assert len({session_of[s][t] for s, t in zip(symbols, times, strict=True)}) == 1  # a batch is one session
        assert batch.groups is not None
        assert {s: g.tolist() for s, g in batch.groups.items()} == {
            s: [j for j, x in enumerate(symbols) if x == s] for s in set(symbols)
        }
    assert rows == steps
    assert sum(s == "IWM" for s, _, _ in rows) > 300 and sum(s == "SPY" for s, _, _ in rows) > 3000  # both kinds
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] < 1.0
