"""Every line of the alert semantics, one test each, on hand-made ticks whose answers are obvious."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.core.alerts.engine import AlertEngine, AlertFire, RuleState
from desktop.core.alerts.rules import AlertRule, rule_from_dict
from desktop.core.quote import Quote
from desktop.core.sessions import NEW_YORK, close_timestamp


def rule(**fields: object) -> AlertRule:
    fields.setdefault("id", "r")
    return rule_from_dict(fields)


def at(day: str, clock: str = "16:00") -> float:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=NEW_YORK).timestamp()


def tick(symbol: str, price: float, when: float, prev: float | None = None) -> Quote:
    return Quote(symbol, price, when, prev_close=prev)


def daily(symbol: str, price: float, day: str, prev: float | None = None) -> Quote:
    return Quote(symbol, price, close_timestamp(date.fromisoformat(day)), prev_close=prev, daily=True)


def run(engine: AlertEngine, prices: list[float], symbol: str = "X", day: str = "2025-10-06") -> list[int]:
    """Feed one tick per minute from 10:00; the indices of the ticks that fired."""
    fired = []
    for i, price in enumerate(prices):
        if engine.process([tick(symbol, price, at(day, f"10:{i:02d}"))]):
            fired.append(i)
    return fired


PRICE = {"type": "price", "symbol": "X"}


class TestCrosses:
    def test_crosses_above_needs_prev_at_or_below_and_value_above(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100)])
        assert run(engine, [101, 99, 100, 100.5, 101, 99.9, 100.1]) == [3, 6]

    def test_no_fire_on_first_evaluation(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100)])
        assert run(engine, [150]) == []

    def test_equal_to_level_never_crosses(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100)])
        assert run(engine, [99, 100, 100, 99]) == []
        engine = AlertEngine([rule(**PRICE, condition="crosses_below", level=100)])
        assert run(engine, [101, 100, 101]) == []

    def test_crosses_below_mirror(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_below", level=175)])
        assert run(engine, [180, 176, 175, 174.99, 170, 176, 174]) == [3, 6]


class TestLevels:
    def test_above_fires_on_first_evaluation_when_true(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="above", level=100)])
        assert run(engine, [101, 102, 103]) == [0]

    def test_above_rearms_only_after_false(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="above", level=100)])
        assert run(engine, [99, 101, 102, 100, 101, 99, 98, 105]) == [1, 4, 7]

    def test_below_edge_triggered(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="below", level=100)])
        assert run(engine, [99, 98, 100, 99.5, 101, 99]) == [0, 3, 5]


class TestCooldownAndOnce:
    def test_cooldown_measured_from_last_emitted_fire(self) -> None:
        # Cooldown 30m: emitted 10:55, dropped 11:23, next edge 11:25 is emitted (30 min after 10:55).
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100, cooldown="30m")])
        day = "2025-10-06"
        script = [("10:50", 99), ("10:55", 101), ("11:20", 99), ("11:23", 101), ("11:24", 99), ("11:25", 101)]
        fired = [clock for clock, price in script if engine.process([tick("X", price, at(day, clock))])]
        assert fired == ["10:55", "11:25"]
        state = engine.state("r")
        assert state is not None and state.dropped == 1 and state.last_fire == at(day, "11:25")

    def test_fire_just_inside_cooldown_is_dropped(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100, cooldown="90s")])
        t0 = at("2025-10-06", "10:00")
        ticks = [(t0, 99), (t0 + 1, 101), (t0 + 2, 99), (t0 + 90.5, 101), (t0 + 91, 99), (t0 + 92, 101)]
        fired = [t - t0 for t, p in ticks if engine.process([tick("X", p, t)])]
        assert fired == [1, 92]  # 89.5 s after the fire is dropped; 91 s after is allowed

    def test_days_are_24_hour_spans(self) -> None:
        # 3d after a Friday fire ends on Monday at the same clock time.
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100, cooldown="3d")])
        engine.process([tick("X", 99, at("2025-10-03", "10:00"))])
        assert engine.process([tick("X", 101, at("2025-10-03", "11:00"))])  # Friday 11:00
        engine.process([tick("X", 99, at("2025-10-06", "10:00"))])
        assert not engine.process([tick("X", 101, at("2025-10-06", "10:59"))])  # Monday, 1 min short
        engine.process([tick("X", 99, at("2025-10-06", "11:00"))])
        assert engine.process([tick("X", 101, at("2025-10-06", "11:00:30"))])

    def test_prev_keeps_updating_while_dropped(self) -> None:
        # The dropped crossing moved prev above the level: no fire later without a new crossing.
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100, cooldown="5m")])
        day = "2025-10-06"
        script = [("10:00", 99), ("10:01", 101), ("10:02", 99), ("10:03", 101), ("10:10", 102), ("10:11", 103)]
        fired = [c for c, p in script if engine.process([tick("X", p, at(day, c))])]
        assert fired == ["10:01"]

    def test_above_after_dropped_edge_waits_for_next_edge(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="above", level=100, cooldown="10m")])
        day = "2025-10-06"
        script = [("10:00", 101), ("10:01", 99), ("10:02", 101), ("10:20", 102), ("10:21", 99), ("10:22", 101)]
        fired = [c for c, p in script if engine.process([tick("X", p, at(day, c))])]
        assert fired == ["10:00", "10:22"]  # the 10:02 edge was dropped and is gone

    def test_once_disables_after_first_fire(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100, once=True)])
        fires: list[AlertFire] = []
        for i, price in enumerate([99, 101, 99, 101]):
            fires += engine.process([tick("X", price, at("2025-10-06", f"10:0{i}"))])
        assert len(fires) == 1 and fires[0].disabled_rule
        only = engine.rule("r")
        assert only is not None and not only.enabled

    def test_expired_rule_is_not_evaluated(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100, expires="2025-10-06T10:02")])
        assert run(engine, [99, 101, 99, 101]) == [1]


class TestSteps:
    def test_crossing_inside_a_batch_fires(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100)])
        t0 = at("2025-10-06", "10:00")
        batch = [tick("X", p, t0 + i) for i, p in enumerate([99, 99.5, 100.5, 99.8])]
        fires = engine.process(batch)
        assert [(f.time - t0, f.value) for f in fires] == [(2, 100.5)], "the final price is back below, yet it fired"

    def test_same_timestamp_legs_are_one_step(self) -> None:
        # Ratio A/B starts at 1.0. At 10:01 both legs double: after A alone the ratio would be 2.0 (a
        # crossing of 1.5), but both are one step and the ratio stays 1.0.
        engine = AlertEngine([rule(type="ratio", a="A", b="B", condition="crosses_above", level=1.5)])
        t0, t1 = at("2025-10-06", "10:00"), at("2025-10-06", "10:01")
        assert not engine.process([tick("A", 10, t0), tick("B", 10, t0)])
        assert not engine.process([tick("A", 20, t1), tick("B", 20, t1)])
        state = engine.state("r")
        assert state is not None and state.prev == 1.0
        # Legs at different times are separate steps: the first leg's move alone crosses.
        t2, t3 = at("2025-10-06", "10:02"), at("2025-10-06", "10:03")
        fires = engine.process([tick("A", 40, t2), tick("B", 40, t3)])
        assert [f.time for f in fires] == [t2]

    def test_other_leg_is_carried_forward(self) -> None:
        engine = AlertEngine([rule(type="ratio", a="A", b="B", condition="crosses_above", level=2)])
        t0 = at("2025-10-06", "10:00")
        engine.process([tick("A", 10, t0), tick("B", 10, t0)])
        fires = engine.process([tick("A", 25, t0 + 60)])  # B is still 10
        assert [(f.value, dict(f.inputs)) for f in fires] == [(2.5, {"A": 25.0, "B": 10.0})]

    def test_leg_with_no_data_yet_is_undefined(self) -> None:
        engine = AlertEngine([rule(type="ratio", a="A", b="B", condition="crosses_above", level=1)])
        t0 = at("2025-10-06", "10:00")
        assert not engine.process([tick("A", 5, t0), tick("A", 50, t0 + 1)])
        state = engine.state("r")
        assert state is not None and state.prev is None
        assert not engine.process([tick("B", 10, t0 + 2)])  # first defined value (5.0) is only a prev
        assert engine.process([tick("B", 60, t0 + 3), tick("B", 40, t0 + 4)])  # 50/60 then 50/40 crosses 1

    def test_rules_fire_in_their_order_within_a_timestamp(self) -> None:
        rules = [
            rule(id="second", **PRICE, condition="above", level=50),
            rule(id="first", **PRICE, condition="above", level=10),
        ]
        fires = AlertEngine(rules).process([tick("X", 60, at("2025-10-06"))])
        assert [f.rule_id for f in fires] == ["second", "first"]

    def test_invalid_and_older_ticks_are_ignored(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100)])
        t0 = at("2025-10-06", "10:00")
        engine.process([tick("X", 99, t0)])
        assert not engine.process([tick("X", float("nan"), t0 + 1), tick("X", 150, t0 - 10)])
        assert engine.ignored == 2
        assert engine.process([tick("X", 101, t0 + 2)])


class TestChangeAndWindows:
    def test_change_is_undefined_through_the_first_session(self) -> None:
        engine = AlertEngine([rule(type="change", symbol="T", condition="above", level=5)])
        day1 = [tick("T", p, at("2025-10-06", f"1{i}:00")) for i, p in enumerate([100, 110, 120])]
        assert not engine.process(day1)
        state = engine.state("r")
        assert state is not None and state.prev is None
        # Next session: base is the last price of the first session (120).
        fires = engine.process([tick("T", 127, at("2025-10-07", "10:00"))])
        assert [round(f.value, 4) for f in fires] == [round((127 / 120 - 1) * 100, 4)]

    def test_change_uses_quote_prev_close_when_no_history(self) -> None:
        engine = AlertEngine([rule(type="change", symbol="TSLA", condition="above", level=5)])
        fires = engine.process([tick("TSLA", 421, at("2025-10-06", "10:00"), prev=400)])
        assert [f.value for f in fires] == [pytest.approx(5.25)]

    def test_a_move_of_exactly_the_level_is_at_it_not_past_it(self) -> None:
        # 400 -> 420 is (420 / 400 - 1) * 100 = 5.000000000000004 in binary floating point: not "more than 5 %".
        assert (420 / 400 - 1) * 100 > 5
        above = AlertEngine([rule(type="change", symbol="TSLA", condition="above", level=5)])
        assert above.process([tick("TSLA", 420, at("2025-10-06", "10:00"), prev=400)]) == []
        fires = above.process([tick("TSLA", 420.04, at("2025-10-06", "10:01"), prev=400)])
        assert [round(f.value, 6) for f in fires] == [5.01]
        below = AlertEngine([rule(type="change", symbol="TSLA", condition="below", level=-5)])
        assert below.process([tick("TSLA", 380, at("2025-10-06", "10:00"), prev=400)]) == []
        # At the level, then past it: a cross (the level itself is neither side).
        crossing = AlertEngine([rule(type="change", symbol="X", condition="crosses_above", level=1.5)])
        for k, price in enumerate((101.0, 101.5)):
            assert crossing.process([tick("X", price, at("2025-10-06", f"10:0{k}"), prev=100)]) == []
        assert len(crossing.process([tick("X", 101.6, at("2025-10-06", "10:02"), prev=100)])) == 1

    def test_a_spread_exactly_at_its_level_does_not_cross_it(self) -> None:
        spread = rule(type="spread", a="A", b="B", window="day", condition="crosses_above", level=1.5)
        engine = AlertEngine([spread])
        engine.process([daily("A", 100, "2025-10-03"), daily("B", 200, "2025-10-03")])
        fired = []
        # 0.5; then 7 - 5.5, which binary floating point makes 1.5000000000000124; then past the level
        for k, (a, b) in enumerate(((100.5, 200), (107, 211), (107.02, 211))):
            when = at("2025-10-06", f"10:0{k}")
            fired += engine.process([tick("A", a, when), tick("B", b, when)])
        assert [round(f.value, 2) for f in fired] == [1.52]

    def test_quarter_roll_over_crosses_on_first_session(self) -> None:
        # Q2 ends at 1.2, the first Q3 session is 1.9: the rule crosses 1.5 on the first Q3 session.
        spread = rule(type="spread", a="A", b="B", window="qtd", condition="crosses_above", level=1.5)
        engine = AlertEngine([spread])
        engine.process([daily("A", 100, "2025-03-31"), daily("B", 100, "2025-03-31")])  # Q2 base
        engine.process([daily("A", 101.2, "2025-06-30"), daily("B", 100, "2025-06-30")])  # Q2: 1.2 pts
        state = engine.state("r")
        assert state is not None and state.prev == pytest.approx(1.2)
        # Q3 base is the 2025-06-30 close: A 101.2 * 1.019 gives +1.9 %, B flat.
        fires = engine.process([daily("A", 101.2 * 1.019, "2025-07-01"), daily("B", 100, "2025-07-01")])
        assert [round(f.value, 6) for f in fires] == [1.9]

    def test_no_fallback_base(self) -> None:
        # The data starts inside the quarter: no session before its first day, so qtd is undefined.
        engine = AlertEngine([rule(type="spread", a="A", b="B", window="qtd", condition="above", level=-100)])
        assert not engine.process([daily("A", 10, "2025-10-02"), daily("B", 10, "2025-10-02")])
        assert not engine.process([daily("A", 11, "2025-10-03"), daily("B", 10, "2025-10-03")])
        state = engine.state("r")
        assert state is not None and state.prev is None

    def test_n_sessions_counts_rows_and_needs_enough_of_them(self) -> None:
        engine = AlertEngine([rule(type="spread", a="A", b="B", window="3d", condition="above", level=-100)])
        days = ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07"]
        values = []
        for i, day in enumerate(days):
            engine.process([daily("A", 100 + 10 * i, day), daily("B", 100, day)])
            state = engine.state("r")
            values.append(None if state is None or state.prev is None else round(state.prev, 6))
        # Row 3 measures from row 0 (100 -> 130: +30 %); rows 0-2 have no base 3 rows back.
        assert values == [None, None, None, 30.0, round((140 / 110 - 1) * 100, 6)]

    def test_current_session_is_the_evaluation_time(self) -> None:
        # B trades only on day 1; on day 2 A ticks. B's `day` return on day 2 measures from its last
        # price before day 2 (its day-1 close), so B contributes 0, not its day-1 move.
        engine = AlertEngine([rule(type="spread", a="A", b="B", window="day", condition="above", level=-100)])
        engine.process([daily("A", 100, "2025-10-01"), daily("B", 50, "2025-10-01")])
        engine.process([daily("A", 100, "2025-10-02"), daily("B", 55, "2025-10-02")])
        state = engine.state("r")
        assert state is not None and state.prev == pytest.approx(0.0 - 10.0)
        engine.process([daily("A", 102, "2025-10-03")])
        assert state.prev == pytest.approx(2.0 - 0.0)

    def test_since_is_undefined_before_its_date(self) -> None:
        engine = AlertEngine([rule(type="spread", a="A", b="B", window="since:2025-10-03", condition="above", level=0)])
        engine.process([daily("A", 100, "2025-10-01"), daily("B", 100, "2025-10-01")])
        assert not engine.process([daily("A", 200, "2025-10-02"), daily("B", 100, "2025-10-02")])
        # From 10-03 the base is the 10-02 close: A 200 -> 210 (+5), B 100 -> 100 (0).
        fires = engine.process([daily("A", 210, "2025-10-03"), daily("B", 100, "2025-10-03")])
        assert [round(f.value, 6) for f in fires] == [5.0]


class TestStateKeeping:
    def test_level_edit_keeps_prev_but_measure_change_resets(self) -> None:
        first = rule(**PRICE, condition="crosses_above", level=100)
        engine = AlertEngine([first])
        run(engine, [99])
        engine.set_rules([first.with_changes(level=98)])  # a dragged level keeps the rule's history
        state = engine.state("r")
        assert state is not None and state.prev == 99
        engine.set_rules([rule(id="r", type="price", symbol="Y", condition="crosses_above", level=100)])
        state = engine.state("r")
        assert state is not None and state.prev is None

    def test_restored_state_does_not_refire_a_condition_already_true(self) -> None:
        above = rule(**PRICE, condition="above", level=100, cooldown="1h")
        engine = AlertEngine([above])
        assert run(engine, [105]) == [0]
        saved = engine.state("r")
        assert saved is not None
        restarted = AlertEngine([above])
        restarted.restore_state("r", saved)
        assert run(restarted, [106], day="2025-10-06") == []
        fresh = AlertEngine([above])
        assert run(fresh, [106]) == [0], "without the saved state it would fire again"

    def test_restored_last_fire_keeps_the_cooldown_running(self) -> None:
        crossing = rule(**PRICE, condition="crosses_above", level=100, cooldown="2h")
        engine = AlertEngine([crossing])
        assert run(engine, [99, 101]) == [1]  # fired at 10:01
        saved = engine.state("r")
        assert saved is not None
        restarted = AlertEngine([crossing])
        restarted.restore_state("r", saved)
        day = "2025-10-06"
        script = [("10:30", 99), ("10:31", 101), ("11:00", 99), ("12:01", 101)]
        fired = [c for c, p in script if restarted.process([tick("X", p, at(day, c))])]
        assert fired == ["12:01"], "the 10:31 crossing falls inside the cooldown that began before the restart"

    def test_state_from_a_later_time_starts_afresh(self) -> None:
        above = rule(**PRICE, condition="above", level=100, cooldown="3d")
        engine = AlertEngine([above])
        assert run(engine, [105], day="2026-03-02") == [0]
        saved = engine.state("r")
        assert saved is not None
        replay = AlertEngine([above])
        replay.restore_state("r", saved)
        assert run(replay, [105], day="2025-10-06") == [0], "an earlier replay is not held by a later cooldown"

    def test_reset_forgets_everything(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="above", level=100)])
        run(engine, [105])
        engine.reset()
        assert engine.state("r") == RuleState() and engine.newest is None


class TestBackfill:
    def test_backfill_sets_prev_but_never_fires(self) -> None:
        engine = AlertEngine([rule(**PRICE, condition="crosses_above", level=100), rule(id="a", **PRICE,
                              condition="above", level=100)])  # fmt: skip
        t0 = at("2025-10-06", "10:00")
        history = [tick("X", p, t0 + i)._replace(backfill=True) for i, p in enumerate([99, 101, 102])]
        assert engine.process(history) == [], "what happened before the app was watching does not fire"
        state = engine.state("a")
        assert state is not None and state.prev == 102 and state.last_fire is None
        assert engine.process([tick("X", 103, t0 + 10)]) == [], "above was already true: no new edge"
        fires = engine.process([tick("X", 99, t0 + 11), tick("X", 101, t0 + 12)])
        assert [f.rule_id for f in fires] == ["r", "a"]


def test_backfill_older_than_a_restored_state_keeps_it() -> None:
    # A live start after a restart: the rule's saved state (it fired at 10:00) is restored, then the
    # snapshot's history (older) arrives as backfill. The state, and with it the cooldown, survive.
    from desktop.core.alerts.engine import AlertEngine, RuleState
    from desktop.core.alerts.rules import rule_from_dict
    from desktop.core.quote import Quote

    rule = rule_from_dict({"id": "r", "type": "price", "symbol": "SPY", "condition": "crosses_above", "level": 100,
                           "cooldown": "1h"})  # fmt: skip
    engine = AlertEngine([rule])
    fired_at = 1_760_000_000.0
    engine.restore_state("r", RuleState(prev=101.0, prev_time=fired_at, last_fire=fired_at, fires=1))
    history = [Quote("SPY", 99.0 + k % 3, fired_at - 86_400 * (10 - k), backfill=True) for k in range(10)]
    assert engine.process(history) == []
    kept = engine.state("r")
    assert kept is not None and kept.last_fire == fired_at and kept.fires == 1
    # A cross 30 minutes after the saved fire is inside the cooldown: dropped, not fired.
    assert engine.process([Quote("SPY", 99.0, fired_at + 600), Quote("SPY", 102.0, fired_at + 1800)]) == []
    assert engine.state("r").dropped == 1  # type: ignore[union-attr]


def _every_kind_of_rule(names: list[str], closes: dict[str, float], count: int = 140) -> list[AlertRule]:
    import random

    pick = random.Random(7)
    kinds = ("price", "change", "spread", "ratio", "trend", "zscore", "quadrant")
    conditions = ("crosses_above", "crosses_below", "above", "below")
    made: list[AlertRule] = []
    for k in range(count):
        kind = kinds[k % len(kinds)]
        a, b = pick.sample(names, 2)
        base: dict[str, object] = {"id": f"{kind}-{k}", "type": kind, "condition": conditions[k % 4]}
        if kind == "price":
            base |= {"symbol": a, "level": round(closes[a] * pick.uniform(0.95, 1.05), 2)}
        elif kind == "change":
            base |= {"symbol": a, "level": pick.choice((-1.0, 0.0, 1.0))}
        elif kind == "spread":
            base |= {"a": a, "b": b, "window": pick.choice(("day", "5d", "mtd", "qtd", "ytd")), "level": 0.0}
        elif kind == "ratio":
            base |= {"a": a, "b": b, "level": round(closes[a] / closes[b], 4)}
        elif kind == "trend":
            base |= {"symbol": a, "ma": pick.choice((5, 20)), "level": 0.0}
        elif kind == "zscore":
            base |= {"a": a, "b": b, "lookback": pick.choice((10, 20)), "level": 0.5}
        else:
            base = {"id": f"{kind}-{k}", "type": kind, "symbol": a, "benchmark": b, "ma": 10, "momentum": 3,
                    "quadrant": ("leading", "weakening", "lagging", "improving")[k % 4]}  # fmt: skip
        if k % 9 == 4:
            base["once"] = True
        made.append(rule_from_dict(base))
    return made


def test_a_backfill_run_leaves_each_rule_as_evaluating_every_step_would() -> None:
    from desktop.core.prices import load_prices
    from desktop.core.timeline import ReplayTimeline
    from desktop.paths import bundled_daily_dir

    timeline = ReplayTimeline(load_prices([bundled_daily_dir()]))
    steps = [timeline.quotes_of_step(k) for k in range(len(timeline) - 160, len(timeline))]
    history = [[q._replace(backfill=True) for q in step] for step in steps[:120]]
    live = steps[120:]
    closes = {q.symbol: q.price for q in history[-1]}
    rules = _every_kind_of_rule(sorted(closes), closes)
    expires = datetime.fromtimestamp(history[60][0].time, NEW_YORK)
    rules.append(rule(id="expiring", type="price", symbol="NVDA", condition="above", level=1.0, expires=expires))

    at_once, step_by_step = AlertEngine(rules), AlertEngine(rules)
    assert at_once.process([q for step in history for q in step]) == []
    for step in history:
        assert step_by_step.process(step) == []
    states = {r.id: (at_once.state(r.id), step_by_step.state(r.id)) for r in rules}
    assert all(a == b for a, b in states.values()), [k for k, (a, b) in states.items() if a != b]
    assert sum(a is not None and a.prev is not None for a, _ in states.values()) > len(rules) * 0.8
    # A live start: the snapshot's history and the stream's first ticks arrive in one push, in time order.
    mixed = [q for step in history[-20:] for q in step] + [q for step in live[:3] for q in step]
    again_at_once, again_by_step = AlertEngine(rules), AlertEngine(rules)
    for step in history[:-20]:
        again_at_once.process(step)
        again_by_step.process(step)
    fired_at_once = again_at_once.process(mixed) + [f for step in live[3:] for f in again_at_once.process(step)]
    fired_by_step = [f for step in [*history[-20:], *live] for f in again_by_step.process(step)]
    assert fired_at_once == fired_by_step and len(fired_at_once) > 20


def test_a_rules_value_now_is_as_of_its_own_symbols_newest_tick() -> None:
    # EUR/USD trades on while TSLA's day is over: TSLA's day change stays what its last quote said (the table
    # showed +2.5 % while the rules panel said 0.00 %, the next day's change with no TSLA price in it).
    engine = AlertEngine()
    change = rule(type="change", symbol="TSLA", condition="outside", level=5)
    spread = rule(id="s", type="spread", a="TSLA", b="NVDA", window="day", condition="above", level=1)
    engine.set_rules([change, spread])
    engine.process([daily("TSLA", 400.0, "2026-07-20"), daily("NVDA", 200.0, "2026-07-20")])
    engine.process([tick("TSLA", 410.0, at("2026-07-21", "15:55")), tick("NVDA", 202.0, at("2026-07-21", "15:50"))])
    engine.process([tick("EURUSD=X", 1.17, at("2026-07-22", "03:00"))])
    assert engine.value(change) == pytest.approx(2.5)
    assert engine.value(spread) == pytest.approx(2.5 - 1.0)
    assert engine.value(change, date(2026, 7, 22)) == pytest.approx(0.0), "asked of a session, it answers for it"
