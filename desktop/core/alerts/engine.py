"""The alert engine: evaluates every rule on every tick, in order, and says which fired.

When a rule is evaluated: at every observation time of any of its symbols, after all observations that
carry that same timestamp have been applied (two legs stamped with the same time are one step, never
two). The other leg's last known price is carried forward. A value is undefined, and nothing is
evaluated, while any input is unknown (a leg with no data yet, a base price not in the data, a ratio
with a zero denominator).

When it fires (`prev` is this rule's previous defined value, if any):
- `crosses_above`: prev <= level < value; `crosses_below`: prev >= level > value; `crosses`: either of
  the two (never on the first evaluation; a value equal to the level is not beyond it).
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

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from desktop.core.alerts.batch_path import BatchPath
from desktop.core.alerts.conditions import crossed
from desktop.core.alerts.fires import AlertFire, RuleState, emit
from desktop.core.alerts.measure import bases, measure, reported
from desktop.core.alerts.past_closes import PastCloses
from desktop.core.alerts.rules import AlertRule, AlertType
from desktop.core.alerts.tracks import SymbolTrack
from desktop.core.bars import SessionClock
from desktop.core.quote import Quote, is_valid_price
from desktop.core.sessions import NEW_YORK

__all__ = ["AlertEngine", "AlertFire", "RuleState"]


class AlertEngine(BatchPath):
    """Holds the rules, per-rule state and per-symbol tracks; `process` takes ticks in time order.

    Rooms: `fires` (what is emitted and remembered, the one emission path), `tracks` (each symbol's
    sessions and window bases), `measure` (each rule type's formula, once), `conditions` (when a
    condition triggers), `batch_path` (the numpy path for columnar batches).
    """

    def __init__(self, rules: Iterable[AlertRule] = ()) -> None:
        self._rules: list[AlertRule] = []
        self._states: dict[str, RuleState] = {}
        self._tracks: dict[str, SymbolTrack] = {}
        self._by_symbol: dict[str, list[int]] = {}
        self.newest: float | None = None  # quote time of the newest tick seen
        self.ignored = 0
        self._session_of = SessionClock()  # maps batch times to session ordinals cheaply
        self._past = PastCloses()  # closes of past sessions, for the rotation rules
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
            same_measure = before is not None and before.measure_key == rule.measure_key
            reenabled = before is not None and not before.enabled and rule.enabled
            if state is not None and same_measure and not reenabled:
                states[rule.id] = state
            else:
                states[rule.id] = RuleState()
        self._rules = list(rules)
        self._states = states
        self._past.clear()  # figures are kept per rule id: a rule edited in place must not reuse them
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
        self._past.clear()
        self._states = {r.id: RuleState() for r in self._rules}
        self.newest = None

    # -- ticks ----------------------------------------------------------------------------------

    def process(self, quotes: Sequence[Quote]) -> list[AlertFire]:
        """Apply ticks in order; evaluate once per distinct timestamp; return the emitted fires in order.

        A run of backfill steps (a year of history at a live start) cannot fire: each rule is evaluated
        once, as of the last step that touched one of its symbols, which leaves the state that evaluating
        it at every step would (no later step of the run moved its prices). 1,000 rules over a year of
        13 symbols' closes: 550 -> 48 ms, most of it now applying the quotes."""
        fires: list[AlertFire] = []
        quiet_last: dict[int, tuple[float, int]] = {}  # rule index -> (time, session) of its last quiet touch
        n = len(quotes)
        i = 0
        while i < n:
            t = quotes[i].time
            end = i + 1
            while end < n and quotes[end].time == t:
                end += 1
            if quiet_last and not all(quotes[m].backfill for m in range(i, end)):
                self._settle(quiet_last)  # before this step moves any price: as of their own last steps
            touched: set[str] = set()
            daily = False
            quiet = True
            for m in range(i, end):
                quote = quotes[m]
                if self._apply(quote):
                    touched.add(quote.symbol)
                    daily = daily or quote.daily
                    quiet = quiet and quote.backfill
            i = end
            if not touched:
                continue
            self.newest = t if self.newest is None else max(self.newest, t)
            if quiet:
                session = self._tracks[next(iter(touched))].sessions[-1]
                for k in self._indices(touched):
                    if self._rules[k].expires is None:
                        quiet_last[k] = (t, session)
                    else:  # its expiry depends on the step's time: evaluated at each, as before
                        self._evaluate_rule(k, t, session, daily, fires, quiet=True)
                continue
            self._evaluate(touched, t, daily, fires)
        self._settle(quiet_last)
        return fires

    def _settle(self, quiet_last: dict[int, tuple[float, int]]) -> None:
        """Evaluate the rules of a run of backfill steps, each as of its last step (see process)."""
        for k, (t, session) in quiet_last.items():
            self._evaluate_rule(k, t, session, False, [], quiet=True)
        quiet_last.clear()

    def _indices(self, touched: set[str]) -> Iterable[int]:
        if len(touched) == 1:
            (only,) = touched
            return self._by_symbol.get(only, ())
        return sorted({k for s in touched for k in self._by_symbol.get(s, ())})

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
        track.observe(quote.price, quote.time, track.session_of.ordinal(quote.time), quote.prev_close)
        return True

    def _evaluate(self, touched: set[str], t: float, daily: bool, fires: list[AlertFire]) -> None:
        """Evaluate the rules of `touched` symbols at `t`."""
        # The session of the evaluation time: the touched symbols' own current session (already known).
        session = self._tracks[next(iter(touched))].sessions[-1]
        for k in self._indices(touched):
            self._evaluate_rule(k, t, session, daily, fires, quiet=False)

    def _evaluate_rule(self, k: int, t: float, session: int, daily: bool, fires: list[AlertFire], quiet: bool) -> None:
        """One rule at `t`. Quiet (backfill): its value and prev are updated as usual, but nothing fires."""
        rule = self._rules[k]
        if not rule.enabled or (rule.expires is not None and t >= rule.expires):
            return
        value = self._value(rule, session)
        if value is None:
            return
        state = self._states[rule.id]
        if state.prev_time is not None and t < state.prev_time:
            if quiet:
                # Backfill older than what the rule already knows (a live start after a restart
                # restored its state): nothing to learn, and its last fire must stay for the cooldown.
                return
            # Quote time went backwards (a replay started again earlier): history from the
            # "future" means nothing here, so the rule starts afresh.
            state = self._states[rule.id] = RuleState()
        prev = state.prev
        state.prev = value
        state.prev_time = t
        if quiet or not crossed(rule.condition, prev, value, rule.level):
            return
        legs = tuple((s, self._tracks[s].last) for s in rule.symbols)
        shown, momentum = value, None
        if rule.type is AlertType.QUADRANT:
            base = bases(rule, self._tracks, session, self._past)
            assert base is not None  # the value was defined a moment ago
            shown, momentum = reported(rule, [price for _, price in legs], base, value)
        fire = emit(rule, state, t, daily, shown, legs, momentum)
        if fire is None:
            return
        fires.append(fire)
        if rule.once:
            self._rules[k] = rule.with_changes(enabled=False)

    # -- values ---------------------------------------------------------------------------------

    def value(self, rule: AlertRule, session: date | None = None) -> float | None:
        """The rule's measure now, or None: in `session`, by default that of the newest tick of the rule's own
        symbols. (Another market's later ticks do not move it into a day it has no price in: TSLA's change
        stays its last day's while EUR/USD trades on, as TSLA's quote says.)"""
        if session is None:
            newest = max((t.time for t in (self._tracks.get(s) for s in rule.symbols) if t is not None), default=None)
            if newest is None:
                return None
            session = datetime.fromtimestamp(newest, NEW_YORK).date()
        return self._value(rule, session.toordinal())

    def last_session(self, symbol: str) -> date | None:
        """The New York date of the symbol's newest tick, or None before its first."""
        track = self._tracks.get(symbol)
        return date.fromordinal(track.sessions[-1]) if track is not None and track.sessions else None

    def _value(self, rule: AlertRule, session: int) -> float | None:
        """The measure in the session with date ordinal `session` (the tick path: no date objects)."""
        tracks = [self._tracks.get(s) for s in rule.symbols]
        legs = [track.last for track in tracks if track is not None]
        if len(legs) < len(tracks):
            return None
        base = bases(rule, self._tracks, session, self._past)
        return None if base is None else measure(rule, legs, base)
