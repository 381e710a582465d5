"""The columnar fast paths give exactly what the per-quote paths give, on random ticks with every edge mixed in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pytest

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import AlertRule, rule_from_dict
from desktop.core.batch import CodedSymbols, TickBatch
from desktop.core.quote import Quote
from desktop.core.quote_store import QuoteStore
from desktop.core.sessions import NEW_YORK, close_timestamp

SYMBOLS = ["AAA", "BBB", "CCC", "DDD", "EEE"]
SESSION = date(2026, 3, 16)


def history(rng: np.random.Generator) -> list[Quote]:
    days = [date.fromordinal(SESSION.toordinal() - k) for k in range(90, 0, -1)]
    days = [d for d in days if d.weekday() < 5]
    out = []
    for symbol in SYMBOLS:
        price = 100.0 * (1 + rng.random())
        for day in days:
            price *= 1 + rng.normal(0, 0.01)
            out.append(Quote(symbol, price, close_timestamp(day), daily=True))
    out.sort(key=lambda q: q.time)
    return out


def rules(rng: np.random.Generator, last: dict[str, float]) -> list[AlertRule]:
    conditions = ["crosses_above", "crosses_below", "above", "below"]
    out = []
    for i in range(60):
        kind = ["price", "change", "spread", "ratio"][i % 4]
        fields: dict[str, object] = {"id": f"r{i}", "type": kind, "condition": conditions[(i // 4) % 4]}
        a, b = rng.choice(SYMBOLS, 2, replace=False)
        if kind == "price":
            fields |= {"symbol": a, "level": round(last[a] * (1 + rng.normal(0, 0.003)), 2)}
        elif kind == "change":
            fields |= {"symbol": a, "level": round(float(rng.normal(0, 0.3)), 2)}
        elif kind == "spread":
            fields |= {"a": a, "b": b, "window": ["day", "5d", "mtd", "qtd", "ytd", "since:2026-02-02"][i % 6],
                       "level": round(float(rng.normal(0, 1)), 2)}  # fmt: skip
        else:
            fields |= {"a": a, "b": b, "level": round(last[a] / last[b] * (1 + rng.normal(0, 0.002)), 5)}
        if kind in ("change", "spread") and (i // 4) % 3 == 0:  # beyond the level either way of 0
            fields |= {"condition": "outside", "level": abs(float(fields["level"])) + 0.05}  # type: ignore[arg-type]
        if i % 5 == 0:
            fields["cooldown"] = "90s"
        if i % 11 == 0:
            fields["once"] = True
        if i % 13 == 0:
            fields["expires"] = "2026-03-16T12:00"
        out.append(rule_from_dict(fields))
    return out


def ticks(
    rng: np.random.Generator,
    last: dict[str, float],
    n: int,
    coded: bool = False,
    whole_seconds: bool = True,
    bad_prints: bool = True,
) -> TickBatch:
    open_ = datetime(2026, 3, 16, 9, 30, tzinfo=NEW_YORK).timestamp()
    offsets = rng.random(n) * 6.5 * 3600
    # Whole seconds: many shared stamps; otherwise every stamp distinct (the store's quicker path).
    times = np.sort(open_ + (np.round(offsets, 0) if whole_seconds else offsets))
    names = [str(s) for s in rng.choice(SYMBOLS, n)]
    prices = np.array([last[s] for s in names]) * np.exp(np.cumsum(rng.normal(0, 0.0008, n)))
    if bad_prints:  # skipped; without any, the batch path takes every symbol's rows as they are
        prices[rng.random(n) < 0.01] = np.nan
        prices[rng.random(n) < 0.002] = 3.4028234663852886e38  # a garbled float32: no price either
        prices[rng.random(n) < 0.005] = 0.0
    volume = np.where(rng.random(n) < 0.8, np.cumsum(rng.integers(1, 100, n)).astype(float), np.nan)
    prev = np.array([last[s] for s in names])
    if coded:  # as a feed with symbol codes hands them over: a name table in its own order, one name unused
        table = ["UNUSED", *reversed(SYMBOLS)]
        symbols: Sequence[str] = CodedSymbols(table, np.array([table.index(s) for s in names]))
    else:
        symbols = names
    return TickBatch(symbols, times, prices, prev_close=prev, volume=volume, source="test")


@pytest.mark.parametrize(
    ("seed", "coded", "whole_seconds", "bad_prints"),
    [(k, k % 2 == 1, k < 4, True) for k in range(6)] + [(6, False, True, False), (7, True, False, False)],
)
def test_engine_batch_equals_per_quote(seed: int, coded: bool, whole_seconds: bool, bad_prints: bool) -> None:
    rng = np.random.default_rng(seed)
    past = history(rng)
    last = {q.symbol: q.price for q in past}
    rule_set = rules(rng, last)
    batch = ticks(rng, last, 3000, coded, whole_seconds, bad_prints)
    scalar, fast = AlertEngine(rule_set), AlertEngine(rule_set)
    for engine in (scalar, fast):
        engine.process(past)
        engine.clear_states()
    expected = scalar.process(batch.quotes())
    got = []
    # Feeds hand over whole steps: cut only where the timestamp changes (a cut inside a step would make it two).
    boundaries = np.flatnonzero(np.diff(batch.times) != 0) + 1
    cuts = sorted(rng.choice(boundaries, 7, replace=False).tolist())
    for start, stop in zip([0, *cuts], [*cuts, len(batch)], strict=True):
        got += fast.process_batch(batch.slice(start, stop))
    assert len(expected) > 20, "the random rules do fire"
    key = lambda f: (f.rule_id, f.time, round(f.value, 9), tuple((s, round(p, 9)) for s, p in f.inputs))  # noqa: E731
    assert [key(f) for f in got] == [key(f) for f in expected]
    for rule in rule_set:
        a, b = scalar.state(rule.id), fast.state(rule.id)
        assert a is not None and b is not None
        assert (a.prev, a.prev_time, a.last_fire, a.fires, a.dropped) == pytest.approx(
            (b.prev, b.prev_time, b.last_fire, b.fires, b.dropped)
        ), rule.id
    assert [r.enabled for r in scalar.rules] == [r.enabled for r in fast.rules]


@pytest.mark.parametrize(
    ("seed", "coded", "whole_seconds"), [(0, False, True), (1, True, True), (2, False, True), (3, True, False)]
)
def test_store_batch_equals_per_quote(seed: int, coded: bool, whole_seconds: bool) -> None:
    rng = np.random.default_rng(100 + seed)
    last = {s: 50.0 + 10 * k for k, s in enumerate(SYMBOLS)}
    batch = ticks(rng, last, 4000, coded, whole_seconds)
    scalar, fast = QuoteStore(), QuoteStore()
    scalar.apply_all(batch.quotes())
    cuts = sorted(rng.choice(np.arange(1, len(batch)), 5, replace=False).tolist())
    for start, stop in zip([0, *cuts], [*cuts, len(batch)], strict=True):
        fast.apply_batch(batch.slice(start, stop))
    assert (scalar.rejected, scalar.applied, scalar.newest_time()) == (fast.rejected, fast.applied, fast.newest_time())
    for symbol in SYMBOLS:
        assert scalar.latest(symbol) == fast.latest(symbol)
        hs, hf = scalar.history(symbol), fast.history(symbol)
        assert hs is not None and hf is not None
        assert np.array_equal(hs.times, hf.times) and np.array_equal(hs.prices, hf.prices)
        for bars in ("minute_bars", "session_bars"):
            bs, bf = getattr(scalar, bars)(symbol), getattr(fast, bars)(symbol)
            for field in ("t", "h", "l", "c", "v"):
                assert np.allclose(bs.column(field), bf.column(field)), (symbol, bars, field)


def test_coded_batches_join_like_lists() -> None:
    """Batches from feeds with different name tables join into one whose rows read the same symbols."""
    a = TickBatch(CodedSymbols(["X", "Y"], np.array([1, 0, 1])), np.array([1.0, 2.0, 3.0]), np.ones(3))
    b = TickBatch(CodedSymbols(["Z", "X"], np.array([0, 1])), np.array([4.0, 5.0]), np.ones(2))
    c = TickBatch(CodedSymbols(a.symbols.names, np.array([0])), np.array([6.0]), np.ones(1))  # type: ignore[attr-defined]
    joined = TickBatch.concat([a, b, c])
    assert list(joined.symbols) == ["Y", "X", "Y", "Z", "X", "X"]
    assert [joined.symbols[k] for k in range(6)] == list(joined.symbols)
    names, codes = joined.encoded()
    assert [names[k] for k in codes] == ["Y", "X", "Y", "Z", "X", "X"]
    assert {s: r.tolist() for s, r in joined.rows_by_symbol().items()} == {"Y": [0, 2], "X": [1, 4, 5], "Z": [3]}
    mixed = TickBatch.concat([a, TickBatch(["W"], np.array([7.0]), np.ones(1))])
    assert list(mixed.symbols) == ["Y", "X", "Y", "W"]
    same = TickBatch.concat([a, c])
    assert same.symbols.names is a.symbols.names  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="twice"):
        CodedSymbols(["X", "X"], np.array([0, 1]))
    with pytest.raises(ValueError, match="outside"):
        CodedSymbols(["X"], np.array([0, 1]))


def test_batches_spanning_sessions_take_the_per_quote_path() -> None:
    engine = AlertEngine(
        [rule_from_dict({"id": "x", "type": "price", "symbol": "AAA", "condition": "above", "level": 1})]
    )
    days = [close_timestamp(date(2026, 3, 13)), close_timestamp(date(2026, 3, 16))]
    batch = TickBatch(["AAA", "AAA"], np.array(days), np.array([5.0, 6.0]))
    assert [f.time for f in engine.process_batch(batch)] == [days[0]]


def test_rules_with_no_value_yet_are_settled_together_unless_they_may_fire(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a restart clears the states, the first batch evaluates one by one only the rules that may fire
    in it (a crossing with its level inside the batch's values, "above" with values over it, "below" with
    values under it), and leaves the others with the value the per-quote path gives them."""
    rng = np.random.default_rng(11)
    past = history(rng)
    last = {q.symbol: q.price for q in past}
    lo, hi = 0.9 * last["AAA"], 1.1 * last["AAA"]  # far outside the batch's prices: nothing can cross
    cannot = [
        rule_from_dict({"id": "x-up", "type": "price", "symbol": "AAA", "condition": "crosses_above", "level": hi}),
        rule_from_dict({"id": "x-down", "type": "price", "symbol": "AAA", "condition": "crosses_below", "level": lo}),
        rule_from_dict({"id": "over", "type": "price", "symbol": "AAA", "condition": "above", "level": hi}),
        rule_from_dict({"id": "under", "type": "price", "symbol": "AAA", "condition": "below", "level": lo}),
    ]
    may = [  # already over (under) the level: each fires on its first value
        rule_from_dict({"id": "over-now", "type": "price", "symbol": "AAA", "condition": "above", "level": lo}),
        rule_from_dict({"id": "under-now", "type": "price", "symbol": "AAA", "condition": "below", "level": hi}),
    ]
    scalar, fast = AlertEngine(cannot + may), AlertEngine(cannot + may)
    for engine in (scalar, fast):
        engine.process(past)
        engine.clear_states()
    batch = ticks(rng, last, 400, bad_prints=False)
    evaluated: list[str] = []
    full = AlertEngine._evaluate_batch
    monkeypatch.setattr(
        AlertEngine,
        "_evaluate_batch",
        lambda self, k, *args, **kwargs: evaluated.append(self.rules[k].id) or full(self, k, *args, **kwargs),
    )
    got = fast.process_batch(batch)
    assert sorted(evaluated) == ["over-now", "under-now"]
    assert sorted(f.rule_id for f in got) == sorted(f.rule_id for f in scalar.process(batch.quotes()))
    assert {f.rule_id for f in got} == {"over-now", "under-now"}
    for rule in cannot + may:
        a, b = scalar.state(rule.id), fast.state(rule.id)
        assert a is not None and b is not None and (a.prev, a.prev_time) == (b.prev, b.prev_time), rule.id
