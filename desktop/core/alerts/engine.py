"""The alert engine: evaluates every rule on every tick, in order, and says which fired.

When a rule is evaluated: at every observation time of any of its symbols, after all observations that
carry that same timestamp have been applied (two legs stamped with the same time are one step, never
two). The other leg's last known price is carried forward. A value is undefined, and nothing is
evaluated, while any input is unknown (a leg with no data yet, a base price not in the data, a ratio
with a zero denominator).

When it fires (`prev` is this rule's previous defined value, if any):
- `crosses_above`: prev <= level < value; `crosses_below`: prev >= level > value (never on the first
  evaluation; a value equal to the level is not beyond it).
- `above`: value > level and (no prev, or prev <= level); `below`: value < level and (no prev, or
  prev >= level). Edge-triggered: fires when the condition becomes true, including on the first
  evaluation, and re-arms only after it was false.
- `cooldown`: a fire less than the cooldown after the rule's last *emitted* fire (in quote time) is
  dropped, not delayed; a dropped fire does not restart the cooldown.
- `once`: after its first fire the rule disables itself.
- `prev` keeps updating while a fire is dropped or the rule is cooling down, and across window
  roll-overs and undefined steps (it is the last defined value).
- `expires`: from that quote time on, the rule is not evaluated.
- A rule whose saved state is later than the quote being evaluated (a replay started again from an
  earlier date) starts afresh.
- Backfill (history a live feed fetches at start) updates values and `prev` but never fires.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from desktop.core.alerts.rules import AlertRule, AlertType, Condition
from desktop.core.alerts.windows import Window
from desktop.core.bars import SessionClock
from desktop.core.batch import TickBatch, group_rows
from desktop.core.prices import FloatArray
from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import NEW_YORK


@dataclass(frozen=True)
class AlertFire:
    """One emitted fire: what a log row, a notification and a backtest line show."""

    rule_id: str
    title: str
    time: float
    daily: bool  # the triggering observation was a daily bar: its time prints as a date
    value: float
    level: float
    condition: Condition
    inputs: tuple[tuple[str, float], ...]  # each leg's price at the fire
    disabled_rule: bool = False  # a `once` rule that turned itself off with this fire


@dataclass
class RuleState:
    """What the engine remembers of a rule between evaluations (persisted across restarts)."""

    prev: float | None = None
    prev_time: float | None = None
    last_fire: float | None = None
    fires: int = 0
    dropped: int = 0


@dataclass
class SymbolTrack:
    """A symbol's last price and the last price of each of its sessions (for window bases)."""

    last: float = 0.0
    time: float = float("-inf")
    prev_close: float | None = None
    sessions: list[int] = field(default_factory=list)  # New York date ordinals, ascending
    closes: list[float] = field(default_factory=list)  # last price of each session (so far, for the current one)
    clock: SessionClock = field(default_factory=SessionClock)  # maps its ticks to sessions cheaply


class AlertEngine:
    """Holds the rules, per-rule state and per-symbol prices; `process` takes ticks in time order."""

    def __init__(self, rules: Iterable[AlertRule] = ()) -> None:
        self._rules: list[AlertRule] = []
        self._states: dict[str, RuleState] = {}
        self._tracks: dict[str, SymbolTrack] = {}
        self._by_symbol: dict[str, list[int]] = {}
        self.clock: float | None = None
        self.ignored = 0
        self._clock = SessionClock()
        self.set_rules(list(rules))

    # -- rules ----------------------------------------------------------------------------------

    @property
    def rules(self) -> list[AlertRule]:
        return list(self._rules)

    def rule(self, rule_id: str) -> AlertRule | None:
        return next((r for r in self._rules if r.id == rule_id), None)

    def set_rules(self, rules: list[AlertRule]) -> None:
        """Replace the rule set. A rule keeps its state when only its level, name, cooldown, once or
        expiry changed; a changed measure (type, symbols, window) or a re-enabled rule starts afresh."""
        old = {r.id: r for r in self._rules}
        states: dict[str, RuleState] = {}
        for rule in rules:
            before = old.get(rule.id)
            state = self._states.get(rule.id)
            same_measure = before is not None and (before.type, before.symbols, before.window) == (
                rule.type,
                rule.symbols,
                rule.window,
            )
            reenabled = before is not None and not before.enabled and rule.enabled
            if state is not None and same_measure and not reenabled:
                states[rule.id] = state
            else:
                states[rule.id] = RuleState()
        self._rules = list(rules)
        self._states = states
        self._by_symbol = {}
        for k, rule in enumerate(self._rules):
            for symbol in rule.symbols:
                self._by_symbol.setdefault(symbol, []).append(k)

    def state(self, rule_id: str) -> RuleState | None:
        return self._states.get(rule_id)

    def restore_state(self, rule_id: str, state: RuleState) -> None:
        """Resume a rule where a previous run left it (its prev value and last fire)."""
        if rule_id in self._states:
            self._states[rule_id] = dataclasses.replace(state)

    def clear_states(self) -> None:
        """Forget every rule's history but keep the prices (rules then start as if just added)."""
        self._states = {r.id: RuleState() for r in self._rules}

    def reset(self) -> None:
        """Forget all prices and rule state (a replay restarting from an earlier date)."""
        self._tracks.clear()
        self._states = {r.id: RuleState() for r in self._rules}
        self.clock = None

    # -- ticks ----------------------------------------------------------------------------------

    def process(self, quotes: Sequence[Quote]) -> list[AlertFire]:
        """Apply ticks in order; evaluate once per distinct timestamp; return the emitted fires in order."""
        fires: list[AlertFire] = []
        n = len(quotes)
        i = 0
        while i < n:
            t = quotes[i].time
            touched: set[str] = set()
            daily = False
            quiet = True
            while i < n and quotes[i].time == t:
                quote = quotes[i]
                if self._apply(quote):
                    touched.add(quote.symbol)
                    daily = daily or quote.daily
                    quiet = quiet and quote.backfill
                i += 1
            if touched:
                self.clock = t if self.clock is None else max(self.clock, t)
                self._evaluate(touched, t, daily, fires, quiet)
        return fires

    # -- columnar batches -------------------------------------------------------------------------

    def process_batch(self, batch: TickBatch) -> list[AlertFire]:
        """`process` for a columnar batch: the same fires and state, computed per rule with numpy.

        The fast path needs a time-ordered batch inside one session whose symbols all have a past session
        here (so window bases are fixed for the whole batch); anything else takes the per-quote path.
        """
        n = len(batch)
        if not n:
            return []
        times, prices = batch.times, batch.prices
        session = self._clock.ordinal(float(times[0]))
        groups = group_rows(batch.symbols)
        if (n > 1 and (np.any(np.diff(times) < 0) or self._clock.ordinal(float(times[-1])) != session)) or not all(
            self._has_past(symbol, session, float(times[rows[0]])) for symbol, rows in groups.items()
        ):
            return self.process(batch.quotes())
        valid = (prices > 0) & (prices < np.inf)
        self.ignored += int(n - valid.sum())
        rows_of = {s: r[valid[r]] for s, r in groups.items()}
        rows_of = {s: r for s, r in rows_of.items() if len(r)}
        # Rows sharing a timestamp are one step: every evaluation happens at its step's last row.
        step_end = np.append(np.flatnonzero(np.diff(times) != 0), n - 1)
        end_of = step_end[np.searchsorted(step_end, np.arange(n))]
        # Per symbol: the steps it takes part in, and its price after each of them.
        points: dict[str, tuple[np.ndarray, FloatArray]] = {}
        for symbol, rows in rows_of.items():
            ends = end_of[rows]
            last_in_step = np.append(np.flatnonzero(np.diff(ends)), len(ends) - 1)
            points[symbol] = (ends[last_in_step], prices[rows[last_in_step]])
        candidates = sorted({k for s in rows_of for k in self._by_symbol.get(s, ())})
        found: list[tuple[int, int, AlertFire]] = []
        for k in candidates:
            self._evaluate_batch(k, points, times, session, found)
        for symbol, rows in rows_of.items():
            track = self._tracks[symbol]
            last = int(rows[-1])
            track.last = float(prices[last])
            track.time = float(times[last])
            prev = float(batch.prev_close[last])
            track.prev_close = None if prev != prev else prev
            if track.sessions[-1] == session:
                track.closes[-1] = track.last
            else:
                track.sessions.append(session)
                track.closes.append(track.last)
        valid_times = times[valid]
        if len(valid_times):
            newest = float(valid_times[-1])
            self.clock = newest if self.clock is None else max(self.clock, newest)
        found.sort(key=lambda item: (item[0], item[1]))
        return [fire for _, _, fire in found]

    def _has_past(self, symbol: str, session: int, first_time: float) -> bool:
        track = self._tracks.get(symbol)
        return (
            track is not None
            and bool(track.sessions)
            and track.sessions[0] < session
            and track.sessions[-1] <= session
            and track.time <= first_time
        )

    def _leg(self, symbol: str, points: dict[str, tuple[np.ndarray, FloatArray]], at: np.ndarray) -> FloatArray | None:
        """The leg's last price at or before each evaluation row (carried from before the batch)."""
        track = self._tracks.get(symbol)
        mine = points.get(symbol)
        if mine is None:
            return None if track is None else np.full(len(at), track.last)
        steps, after = mine
        if len(steps) == len(at) and steps is at:
            return after
        k = np.searchsorted(steps, at, side="right") - 1
        before = track.last if track is not None else np.nan
        return np.where(k >= 0, after[np.maximum(k, 0)], before)

    def _evaluate_batch(
        self,
        k: int,
        points: dict[str, tuple[np.ndarray, FloatArray]],
        times: FloatArray,
        session: int,
        found: list[tuple[int, int, AlertFire]],
    ) -> None:
        rule = self._rules[k]
        if not rule.enabled:
            return
        if self._cannot_fire(rule, points, times, session):
            return
        mine = [points[s][0] for s in rule.symbols if s in points]
        at = np.union1d(mine[0], mine[1]) if len(mine) > 1 else mine[0]
        if rule.expires is not None:
            at = at[times[at] < rule.expires]
        if not len(at):
            return
        legs = [self._leg(s, points, at) for s in rule.symbols]
        if any(leg is None for leg in legs):
            return
        values = self._batch_values(rule, legs, session)  # type: ignore[arg-type]
        if values is None:
            return
        state = self._states[rule.id]
        if state.prev_time is not None and times[at[0]] < state.prev_time:
            state = self._states[rule.id] = RuleState()
        level = rule.level
        prev = np.empty(len(values))
        prev[0] = np.nan if state.prev is None else state.prev
        prev[1:] = values[:-1]
        has_prev = np.ones(len(values), dtype=bool)
        has_prev[0] = state.prev is not None
        c = rule.condition
        if c is Condition.CROSSES_ABOVE:
            hit = has_prev & (prev <= level) & (level < values)
        elif c is Condition.CROSSES_BELOW:
            hit = has_prev & (prev >= level) & (level > values)
        elif c is Condition.ABOVE:
            hit = (values > level) & (~has_prev | (prev <= level))
        else:
            hit = (values < level) & (~has_prev | (prev >= level))
        last_j = len(values) - 1
        for j in np.flatnonzero(hit).tolist():
            t = float(times[at[j]])
            if rule.cooldown and state.last_fire is not None and t - state.last_fire < rule.cooldown:
                state.dropped += 1
                continue
            state.last_fire = t
            state.fires += 1
            inputs = tuple((s, float(leg[j])) for s, leg in zip(rule.symbols, legs, strict=True))  # type: ignore[index]
            fire = AlertFire(rule.id, rule.title, t, False, float(values[j]), level, c, inputs, rule.once)
            found.append((int(at[j]), k, fire))
            if rule.once:
                self._rules[k] = rule.with_changes(enabled=False)
                last_j = j
                break
        state.prev = float(values[last_j])
        state.prev_time = float(times[at[last_j]])

    def _cannot_fire(
        self, rule: AlertRule, points: dict[str, tuple[np.ndarray, FloatArray]], times: FloatArray, session: int
    ) -> bool:
        """The cheap path for most rules in most batches: when the level lies outside every value the rule
        can take in this batch (bounded from its legs' price ranges), nothing can fire; only the rule's
        last value and its time are recorded, exactly as the full evaluation would leave them."""
        state = self._states[rule.id]
        if state.prev is None or state.prev_time is None or rule.expires is not None:
            return False
        ranges = []
        lasts = []
        last_step = -1
        for symbol in rule.symbols:
            track = self._tracks.get(symbol)
            if track is None:
                return False
            mine = points.get(symbol)
            if mine is None:
                ranges.append((track.last, track.last))
                lasts.append(track.last)
                continue
            steps, after = mine
            ranges.append((min(float(after.min()), track.last), max(float(after.max()), track.last)))
            lasts.append(float(after[-1]))
            last_step = max(last_step, int(steps[-1]))
        first_step = min(int(points[s][0][0]) for s in rule.symbols if s in points)
        if times[first_step] < state.prev_time:
            return False  # the rule's state is from later quotes: the full path resets it
        if rule.type is AlertType.PRICE:
            low, high = ranges[0]
            final = lasts[0]
        elif rule.type is AlertType.CHANGE:
            base = self._day_base(self._tracks[rule.symbol or ""], session)
            if not base:
                return False
            low, high = ((r / base - 1.0) * 100.0 for r in ranges[0])
            final = (lasts[0] / base - 1.0) * 100.0
        elif rule.type is AlertType.RATIO:
            (a_low, a_high), (b_low, b_high) = ranges
            low, high = a_low / b_high, a_high / b_low
            final = lasts[0] / lasts[1]
        else:
            assert rule.window is not None
            bases = [self._base(self._tracks[s], rule.window, session) for s in rule.symbols]
            if not bases[0] or not bases[1]:
                return False
            (a_low, a_high), (b_low, b_high) = ranges
            low = (a_low / bases[0] - b_high / bases[1]) * 100.0
            high = (a_high / bases[0] - b_low / bases[1]) * 100.0
            final = (lasts[0] / bases[0] - 1.0) * 100.0 - (lasts[1] / bases[1] - 1.0) * 100.0
        level = rule.level
        low, high = min(low, state.prev), max(high, state.prev)
        # A little slack: the bounds and the exact values are computed in different orders.
        slack = 1e-9 * max(1.0, abs(level))
        if low - slack <= level <= high + slack:
            return False
        state.prev = final
        state.prev_time = float(times[last_step])
        return True

    def _batch_values(self, rule: AlertRule, legs: list[FloatArray], session: int) -> FloatArray | None:
        if rule.type is AlertType.PRICE:
            return legs[0]
        if rule.type is AlertType.CHANGE:
            base = self._day_base(self._tracks[rule.symbol or ""], session)
            return None if not base else (legs[0] / base - 1.0) * 100.0
        if rule.type is AlertType.RATIO:
            return legs[0] / legs[1]
        assert rule.window is not None
        bases = [self._base(self._tracks[s], rule.window, session) for s in rule.symbols]
        if any(not b for b in bases):
            return None
        return (legs[0] / bases[0] - 1.0) * 100.0 - (legs[1] / bases[1] - 1.0) * 100.0  # type: ignore[operator]

    def _apply(self, quote: Quote) -> bool:
        if not is_valid_price(quote.price):
            self.ignored += 1
            return False
        track = self._tracks.get(quote.symbol)
        if track is None:
            track = self._tracks[quote.symbol] = SymbolTrack()
        elif quote.time < track.time:
            self.ignored += 1  # older than what we have: the store ignores it too
            return False
        ts = quote.time
        session = track.clock.ordinal(ts)
        if track.sessions and track.sessions[-1] == session:
            track.closes[-1] = quote.price
        else:
            track.sessions.append(session)
            track.closes.append(quote.price)
        track.last = quote.price
        track.time = ts
        track.prev_close = quote.prev_close
        return True

    def _evaluate(self, touched: set[str], t: float, daily: bool, fires: list[AlertFire], quiet: bool = False) -> None:
        """Evaluate the rules of `touched` symbols at `t`. Quiet (a step of backfill only): values and
        prev are updated as usual, but nothing fires."""
        if len(touched) == 1:
            (only,) = touched
            indices: Iterable[int] = self._by_symbol.get(only, ())
        else:
            indices = sorted({k for s in touched for k in self._by_symbol.get(s, ())})
        # The session of the evaluation time: the touched symbols' own current session (already known).
        session = self._tracks[next(iter(touched))].sessions[-1]
        for k in indices:
            rule = self._rules[k]
            if not rule.enabled or (rule.expires is not None and t >= rule.expires):
                continue
            value = self._value(rule, session)
            if value is None:
                continue
            state = self._states[rule.id]
            if state.prev_time is not None and t < state.prev_time:
                # Quote time went backwards (a replay started again earlier): history from the
                # "future" means nothing here, so the rule starts afresh.
                state = self._states[rule.id] = RuleState()
            prev = state.prev
            state.prev = value
            state.prev_time = t
            if quiet or not _crossed(rule.condition, prev, value, rule.level):
                continue
            if rule.cooldown and state.last_fire is not None and t - state.last_fire < rule.cooldown:
                state.dropped += 1
                continue
            state.last_fire = t
            state.fires += 1
            inputs = tuple((s, self._tracks[s].last) for s in rule.symbols)
            fire = AlertFire(rule.id, rule.title, t, daily, value, rule.level, rule.condition, inputs, rule.once)
            fires.append(fire)
            if rule.once:
                self._rules[k] = rule.with_changes(enabled=False)

    # -- values ---------------------------------------------------------------------------------

    def value(self, rule: AlertRule, session: date | None = None) -> float | None:
        """The rule's measure now (in `session`, default: the session of the engine's clock), or None."""
        if session is None:
            if self.clock is None:
                return None
            session = datetime.fromtimestamp(self.clock, NEW_YORK).date()
        return self._value(rule, session.toordinal())

    def _value(self, rule: AlertRule, session: int) -> float | None:
        """The measure in the session with date ordinal `session` (the tick path: no date objects)."""
        if rule.type is AlertType.PRICE:
            track = self._tracks.get(rule.symbol or "")
            return None if track is None else track.last
        if rule.type is AlertType.CHANGE:
            track = self._tracks.get(rule.symbol or "")
            if track is None:
                return None
            base = self._day_base(track, session)
            return None if base is None else (track.last / base - 1.0) * 100.0
        a = self._tracks.get(rule.a or "")
        b = self._tracks.get(rule.b or "")
        if a is None or b is None:
            return None
        if rule.type is AlertType.RATIO:
            return None if b.last == 0 else a.last / b.last
        assert rule.window is not None
        ra = self._return(a, rule.window, session)
        rb = self._return(b, rule.window, session)
        return None if ra is None or rb is None else ra - rb

    def _day_base(self, track: SymbolTrack, session: int) -> float | None:
        """The previous session's close: from the symbol's own sessions, else the quote's own figure."""
        k = _sessions_before(track.sessions, session)
        if k >= 1:
            return track.closes[k - 1]
        if track.sessions and track.sessions[-1] == session:
            return track.prev_close
        return None

    def _return(self, track: SymbolTrack, window: Window, session: int) -> float | None:
        base = self._base(track, window, session)
        if base is None or base == 0:
            return None
        return (track.last / base - 1.0) * 100.0

    def _base(self, track: SymbolTrack, window: Window, session: int) -> float | None:
        """The price a window measures from, for the session `session` (None when not in the data)."""
        base: float | None
        if window.kind == "day":
            base = self._day_base(track, session)
        elif window.kind == "sessions":
            k = _sessions_before(track.sessions, session) - window.sessions
            base = track.closes[k] if k >= 0 else None
        else:
            start = _period_start(window, session)
            if window.kind == "since" and session < start:
                return None
            k = _sessions_before(track.sessions, start)
            base = track.closes[k - 1] if k >= 1 else None
        return base


def _sessions_before(sessions: list[int], session: int) -> int:
    """How many of the (ascending) `sessions` come before `session`; the usual cases without a search."""
    if not sessions:
        return 0
    last = sessions[-1]
    if last == session:
        return len(sessions) - 1
    if last < session:
        return len(sessions)
    return bisect.bisect_left(sessions, session)


@functools.lru_cache(maxsize=4096)
def _period_start(window: Window, session: int) -> int:
    start = window.period_start(date.fromordinal(session))
    assert start is not None
    return start.toordinal()


def _crossed(condition: Condition, prev: float | None, value: float, level: float) -> bool:
    if condition is Condition.CROSSES_ABOVE:
        return prev is not None and prev <= level < value
    if condition is Condition.CROSSES_BELOW:
        return prev is not None and prev >= level > value
    if condition is Condition.ABOVE:
        return value > level and (prev is None or prev <= level)
    return value < level and (prev is None or prev >= level)
