"""The rotation graph's points against pandas, and against the quadrant rule that alerts on them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import Quadrant, rule_from_dict
from desktop.core.prices import PriceSeries, load_prices
from desktop.core.rotation_graph import rotation_path
from desktop.core.timeline import ReplayTimeline


def _closes(one: PriceSeries) -> pd.Series:
    days = pd.to_datetime(one.times, unit="s", utc=True).tz_convert("America/New_York").date
    ordinals = [d.toordinal() for d in days]
    return pd.Series(one.close, index=ordinals).groupby(level=0).last()


@pytest.mark.parametrize(("symbol", "benchmark", "ma", "momentum", "step"),
                         [("NVDA", "SPY", 50, 10, 1), ("IWM", "QQQ", 20, 5, 1), ("AMD", "SPY", 10, 4, 5)])  # fmt: skip
def test_points_match_pandas(daily_dir: Path, symbol: str, benchmark: str, ma: int, momentum: int, step: int) -> None:
    prices = load_prices([daily_dir])
    a, b = _closes(prices[symbol]), _closes(prices[benchmark])
    joined = pd.concat([a, b], axis=1, join="inner")
    rs = joined.iloc[:, 0] / joined.iloc[:, 1]
    if step > 1:
        rs = rs.iloc[::-1].iloc[::step].iloc[::-1]
    ratio = 100 * rs / rs.rolling(ma).mean()
    momentum_of = 100 * ratio / ratio.shift(momentum)
    want = pd.DataFrame({"ratio": ratio, "momentum": momentum_of}).dropna()
    path = rotation_path(a.index.to_numpy(), a.to_numpy(), b.index.to_numpy(), b.to_numpy(), ma, momentum, step)
    assert list(path.sessions) == list(want.index)
    np.testing.assert_allclose(path.ratio, want["ratio"], rtol=1e-12)
    np.testing.assert_allclose(path.momentum, want["momentum"], rtol=1e-12)


def test_the_newest_point_is_where_the_quadrant_rule_stands(daily_dir: Path) -> None:
    prices = load_prices([daily_dir])
    for symbol in ("NVDA", "AAPL", "AMD", "ORCL", "BAC"):
        rule = rule_from_dict({"id": "q", "type": "quadrant", "symbol": symbol, "quadrant": "leading"})
        engine = AlertEngine([rule])
        timeline = ReplayTimeline({s: prices[s] for s in (symbol, "SPY")})
        last = len(timeline)
        for k in range(last):
            engine.process(timeline.quotes_of_step(k))
        a, b = _closes(prices[symbol]), _closes(prices["SPY"])
        path = rotation_path(a.index.to_numpy(), a.to_numpy(), b.index.to_numpy(), b.to_numpy())
        # The rule is evaluated on the symbol's last session (SPY goes on later: then the pair stays put).
        state = engine.state("q")
        assert state is not None and state.prev is not None
        assert Quadrant.of_code(state.prev) is path.quadrant(), symbol


def test_too_short_a_history_draws_nothing() -> None:
    sessions = np.arange(100, 130)
    path = rotation_path(sessions, np.linspace(10, 20, 30), sessions, np.linspace(5, 6, 30), ma=25, momentum=10)
    assert len(path) == 0
