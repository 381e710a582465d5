"""The engine's fast path for columnar batches: the same fires and state as the per-tick path, per rule
with numpy. `tests/core/test_batch_equivalence.py` holds the two paths to each other on random ticks.

It needs a time-ordered batch inside one session whose symbols all have a past session (so window
bases are fixed for the whole batch); anything else goes through the per-tick path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from desktop.core.alerts.conditions import crossed_each, level_slack
from desktop.core.alerts.fires import AlertFire, RuleState, emit
from desktop.core.alerts.measure import bases, bounds, measure, reported
from desktop.core.alerts.past_closes import PastCloses
from desktop.core.alerts.rules import AlertRule, AlertType, Condition
from desktop.core.alerts.settle_many import Points, StepPoints, SymbolSpans, settle_many
from desktop.core.alerts.tracks import SymbolTrack
from desktop.core.bars import SessionClock
from desktop.core.batch import TickBatch
from desktop.core.prices import FloatArray
from desktop.core.quote import MAX_PRICE, Quote


def _merged(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two sorted arrays of distinct steps as one (np.union1d hashes them: several times slower)."""
    both = np.concatenate((first, second))
    both.sort()
    keep = np.empty(len(both), dtype=bool)
    keep[:1] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    merged: np.ndarray = both[keep]
    return merged


def step_points(rows_of: dict[str, np.ndarray], times: FloatArray, prices: FloatArray) -> StepPoints:
    """Where each symbol is evaluated in a time-ordered batch: rows sharing a timestamp are one step, every
    evaluation happens at its step's last row, and a symbol takes part in a step with its last row in it.
    `rows_of`: each symbol's rows, ascending. (All symbols at once: per symbol, it was six numpy calls.)"""
    names = list(rows_of)
    rows = np.concatenate(list(rows_of.values())) if names else np.empty(0, dtype=np.int64)
    bounds = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows_of.values()], out=bounds[1:])
    n = len(times)
    step_end = np.append(np.flatnonzero(np.diff(times) != 0), n - 1)
    if len(step_end) == n:  # every row a step of its own (no two rows share a stamp): rows are steps
        return StepPoints(names, bounds, rows, prices[rows])
    ends = step_end[np.searchsorted(step_end, rows)]  # each row's step, as the index of the step's last row
    last = np.ones(len(rows), dtype=bool)
    np.not_equal(ends[1:], ends[:-1], out=last[:-1])  # a row whose successor is in another step ...
    last[bounds[1:] - 1] = True  # ... or is another symbol's
    kept = np.flatnonzero(last)
    return StepPoints(names, np.searchsorted(kept, bounds), ends[kept], prices[rows[kept]])


class BatchPath:
    """Mixed into the engine: the state it reads and writes is the engine's own."""

    _rules: list[AlertRule]
    _states: dict[str, RuleState]
    _tracks: dict[str, SymbolTrack]
    _by_symbol: dict[str, list[int]]
    _session_of: SessionClock
    _past: PastCloses
    newest: float | None
    ignored: int

    def process(self, quotes: Sequence[Quote]) -> list[AlertFire]:
        raise NotImplementedError

    def process_batch(self, batch: TickBatch) -> list[AlertFire]:
        """`process` for a columnar batch: the same fires and state, computed per rule with numpy."""
        n = len(batch)
        if not n:
            return []
        times, prices = batch.times, batch.prices
        session = self._session_of.ordinal(float(times[0]))
        groups = batch.rows_by_symbol()
        if (n > 1 and (np.any(np.diff(times) < 0) or self._session_of.ordinal(float(times[-1])) != session)) or not all(
            self._has_past(symbol, session, float(times[rows[0]])) for symbol, rows in groups.items()
        ):
            return self.process(batch.quotes())
        valid = (prices > 0) & (prices <= MAX_PRICE)  # as is_valid_price
        invalid = int(n - valid.sum())
        self.ignored += invalid
        rows_of = groups
        if invalid:  # rare: a bad price in a batch (filtering every symbol's rows was 1 ms a flush)
            rows_of = {s: r[valid[r]] for s, r in groups.items()}
            rows_of = {s: r for s, r in rows_of.items() if len(r)}
        stepped = step_points(rows_of, times, prices)
        points = stepped.by_symbol()
        candidates = sorted({k for s in rows_of for k in self._by_symbol.get(s, ())})
        found: list[tuple[int, int, AlertFire]] = []
        spans = SymbolSpans(stepped, self._tracks, n)
        # Most rules cannot fire in most batches: those of the simple kinds are settled together first.
        for k, checked_bases in settle_many(
            self._rules, self._states, self._tracks, self._past, candidates, spans, times, session
        ):
            self._evaluate_batch(k, points, spans, times, session, found, checked_bases)
        if rows_of:
            lasts = np.array([rows[-1] for rows in rows_of.values()])
            columns = (prices[lasts].tolist(), times[lasts].tolist(), batch.prev_close[lasts].tolist())
            tracks = self._tracks
            for symbol, price, when, prev in zip(rows_of, *columns, strict=True):
                tracks[symbol].observe(price, when, session, None if prev != prev else prev)
        valid_times = times[valid]
        if len(valid_times):
            newest = float(valid_times[-1])
            self.newest = newest if self.newest is None else max(self.newest, newest)
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

    def _leg(self, symbol: str, points: Points, at: np.ndarray) -> FloatArray | None:
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
        points: Points,
        spans: SymbolSpans,
        times: FloatArray,
        session: int,
        found: list[tuple[int, int, AlertFire]],
        checked_bases: tuple[float, ...] | None = None,
    ) -> None:
        """The full evaluation of rule `k` over the batch. `checked_bases`: the rule's bases, when settle_many
        has already found that it may fire (then its cheap check is not made again)."""
        rule = self._rules[k]
        if not rule.enabled:
            return
        base = checked_bases
        if base is None:
            try:
                base = bases(rule, self._tracks, session, self._past)
            except KeyError:  # a leg with no track yet
                return
            if base is None:
                return  # a leg or a base not known yet: the value is undefined, nothing to evaluate
            settled = self._settled_without_firing(rule, spans, times, base)
            if settled is not None:
                state = self._states[rule.id]
                state.prev, state.prev_time = settled
                return
        mine = [points[s][0] for s in rule.symbols if s in points]
        at = _merged(mine[0], mine[1]) if len(mine) > 1 else mine[0]
        if rule.expires is not None:
            at = at[times[at] < rule.expires]
        if not len(at):
            return
        found_legs = [self._leg(s, points, at) for s in rule.symbols]
        legs = [leg for leg in found_legs if leg is not None]
        if len(legs) < len(found_legs):
            return
        values = measure(rule, legs, base)
        state = self._states[rule.id]
        if state.prev_time is not None and times[at[0]] < state.prev_time:
            state = self._states[rule.id] = RuleState()
        prev = np.empty(len(values))
        prev[0] = np.nan if state.prev is None else state.prev
        prev[1:] = values[:-1]
        has_prev = np.ones(len(values), dtype=bool)
        has_prev[0] = state.prev is not None
        last_j = len(values) - 1
        for j in np.flatnonzero(crossed_each(rule.condition, prev, has_prev, values, rule.level)).tolist():
            t = float(times[at[j]])
            inputs = tuple((s, float(leg[j])) for s, leg in zip(rule.symbols, legs, strict=True))
            shown, momentum = reported(rule, [price for _, price in inputs], base, float(values[j]))
            fire = emit(rule, state, t, False, shown, inputs, momentum)
            if fire is None:
                continue
            found.append((int(at[j]), k, fire))
            if rule.once:
                self._rules[k] = rule.with_changes(enabled=False)
                last_j = j
                break
        state.prev = float(values[last_j])
        state.prev_time = float(times[at[last_j]])

    def _settled_without_firing(
        self, rule: AlertRule, spans: SymbolSpans, times: FloatArray, base: tuple[float, ...]
    ) -> tuple[float, float] | None:
        """The cheap path for most rules in most batches: when the level lies outside every value the rule
        can take in this batch (bounded from its legs' price ranges), nothing can fire. Returns the rule's
        last value and its time, exactly as the full evaluation would leave them; None when it could fire."""
        state = self._states[rule.id]
        if state.prev is None or state.prev_time is None or rule.expires is not None:
            return None
        ranges: list[tuple[float, float]] = []
        lasts: list[float] = []
        last_step = -1
        first_step = len(times)
        for symbol in rule.symbols:
            track = self._tracks.get(symbol)
            if track is None:
                return None
            span = spans.span(symbol)
            if span is None:
                ranges.append((track.last, track.last))
                lasts.append(track.last)
                continue
            low, high, last, first, final = span
            ranges.append((low, high))
            lasts.append(last)
            last_step = max(last_step, final)
            first_step = min(first_step, first)
        if times[first_step] < state.prev_time:
            return None  # the rule's state is from later quotes: the full path resets it
        if rule.type is AlertType.QUADRANT:
            return self._quadrant_settled(rule, state.prev, ranges, lasts, base, float(times[last_step]))
        low, high = bounds(rule, ranges, base)
        low, high = min(low, state.prev), max(high, state.prev)
        # Twice the slack at which a value is at the level: the bounds and the exact values are computed in
        # different orders, and a value rounded differently near the level still goes the full path.
        slack = 2 * level_slack(rule.level)
        if low - slack <= rule.level <= high + slack:
            return None
        if rule.condition is Condition.OUTSIDE and low - slack <= -rule.level <= high + slack:
            return None  # its other edge
        return measure(rule, lasts, base), float(times[last_step])

    @staticmethod
    def _quadrant_settled(
        rule: AlertRule,
        prev: float,
        ranges: list[tuple[float, float]],
        lasts: list[float],
        base: tuple[float, ...],
        last_time: float,
    ) -> tuple[float, float] | None:
        """A quadrant rule's cheap path. RS-Ratio and RS-Momentum both rise with A/B (the rule's `ma` is at
        least 2, so the past closes weigh in), which makes the quadrant a step function of A/B: the same
        quadrant at both ends of the batch's range of A/B (widened a little against rounding) is the
        quadrant all through the batch. Then the rule fires only if that quadrant is its own and it was
        elsewhere before."""
        slack = 1e-9
        widened = [(low * (1 - slack), high * (1 + slack)) for low, high in ranges]
        first, final = bounds(rule, widened, base)
        if first != final or (first == rule.level and prev != rule.level):
            return None
        return measure(rule, lasts, base), last_time
